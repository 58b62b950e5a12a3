"""SLA clocks: pausing and resuming them, and the check that warns and escalates.

The arithmetic is pure (no database): a clock paused while the case waits for the resident
is resumed by pushing the due time later by the *working* time it was paused, so a case
paused over a weekend or a bank holiday loses none of its working time and gains none.

The check (`sla_check_run`, run every few minutes by the `sla_check` task) first restarts
the clock of any case whose status was moved on from "waiting for the resident" by hand
(from when it moved on), then looks at open cases whose clock is running (not paused):

- due soon: due within one working day of now (the back office's "Due soon" queue) and not
  yet warned for this due time: an `SLA_DUE_SOON` event, once per due time;
- overdue: past the due time and not yet escalated for this due time: an `SLA_BREACHED` event
  whose data lists the team leaders of the case's team, once per due time.

Each case is re-checked under a row lock by the service that writes its event, so running the
check twice, or two checks at once, writes nothing new. A due time pushed later (by a resident's
reply) can be warned about and escalated again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from borough.cases.models import CLOSED_STATUSES, Case, Status
from borough.core.workingdays import (
    CLOSES,
    LONDON,
    OPENS,
    due_after_working_days,
    is_working_day,
    next_working_day,
    working_seconds_between,
)

OPEN_STATUSES = tuple(status for status in Status.values if status not in CLOSED_STATUSES)

# How far ahead a case counts as due soon, in working days (agrees with the "Due soon" queue).
DUE_SOON_WORKING_DAYS = 1


# -- Pure arithmetic -----------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Give a datetime with a time zone (use django.utils.timezone.now())")
    return moment.astimezone(LONDON)


def _clock_start(moment: datetime) -> datetime:
    """`moment` if inside office hours on a working day, else the next opening time."""
    local = _aware(moment)
    if is_working_day(local.date()):
        if local.time() < OPENS:
            return datetime.combine(local.date(), OPENS, LONDON)
        if local.time() < CLOSES:
            return local
    return datetime.combine(next_working_day(local.date()), OPENS, LONDON)


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Office hours (09:00 to 17:00, England and Wales working days) between two moments."""
    return timedelta(seconds=working_seconds_between(start, end))


def add_working_time(moment: datetime, duration: timedelta) -> datetime:
    """The moment `duration` of office hours after `moment`. No time: `moment` unchanged."""
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    if duration == timedelta(0):
        return _aware(moment)
    remaining = duration
    current = _clock_start(moment)
    while True:
        close = datetime.combine(current.date(), CLOSES, LONDON)
        available = close - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = datetime.combine(next_working_day(current.date()), OPENS, LONDON)


def due_after_pause(*, due_at: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """The due time of a clock paused at `paused_at` and resumed at `resumed_at`: pushed later
    by exactly the working time in between."""
    return add_working_time(due_at, working_time_between(paused_at, resumed_at))


def due_soon_until(now: datetime) -> datetime:
    """Cases due from now up to this moment are due soon."""
    return due_after_working_days(now, DUE_SOON_WORKING_DAYS)


def _clock_running(case: Any) -> bool:
    return (
        case.sla_due_at is not None
        and case.sla_paused_at is None
        and case.status not in CLOSED_STATUSES
    )


def needs_warning(case: Any, now: datetime) -> bool:
    """Whether `case` is due soon and has not been warned about for its current due time."""
    return (
        _clock_running(case)
        and now <= case.sla_due_at <= due_soon_until(now)
        and case.sla_warned_due_at != case.sla_due_at
    )


def needs_escalation(case: Any, now: datetime) -> bool:
    """Whether `case` is past its due time and not yet escalated for that due time."""
    return (
        _clock_running(case)
        and case.sla_due_at < now
        and case.sla_escalated_due_at != case.sla_due_at
    )


def is_escalated(case: Any) -> bool:
    """Whether an open case was escalated for the due time it has now."""
    return bool(
        case.sla_due_at is not None
        and case.sla_escalated_due_at == case.sla_due_at
        and case.status not in CLOSED_STATUSES
    )


# -- Which cases the check looks at ---------------------------------------------------------


def _running() -> QuerySet[Case]:
    return Case.objects.filter(
        status__in=OPEN_STATUSES, sla_paused_at__isnull=True, sla_due_at__isnull=False
    )


def cases_to_warn(*, now: datetime) -> QuerySet[Case]:
    """The query form of `needs_warning`."""
    return _running().filter(
        Q(sla_warned_due_at__isnull=True) | ~Q(sla_warned_due_at=F("sla_due_at")),
        sla_due_at__gte=now,
        sla_due_at__lte=due_soon_until(now),
    )


def cases_to_escalate(*, now: datetime) -> QuerySet[Case]:
    """The query form of `needs_escalation`."""
    return _running().filter(
        Q(sla_escalated_due_at__isnull=True) | ~Q(sla_escalated_due_at=F("sla_due_at")),
        sla_due_at__lt=now,
    )


@dataclass
class SlaCheckResult:
    warned: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)


def sla_check_run(*, now: datetime | None = None) -> SlaCheckResult:
    """Warn about every case due soon and escalate every overdue case, once each.

    Each case is written in its own transaction by `case_sla_escalate` or `case_sla_warn`,
    which re-check it under a row lock: safe to run twice, or twice at once.
    """
    from borough.cases.services import case_sla_escalate, case_sla_warn

    now = now or timezone.now()
    result = SlaCheckResult()
    for case in cases_to_escalate(now=now).order_by("sla_due_at", "id"):
        if case_sla_escalate(case=case, now=now) is not None:
            result.escalated.append(case.reference)
    for case in cases_to_warn(now=now).order_by("sla_due_at", "id"):
        if case_sla_warn(case=case, now=now) is not None:
            result.warned.append(case.reference)
    return result
