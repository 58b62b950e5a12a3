"""Reads of cases shared by the back office and the APIs.

`case_for_staff` is THE way to fetch one case a member of staff asked for: it checks role and
organisation, never reveals whether a case it refuses exists, and audits every read.
Lists go through `cases_visible_to_staff`, which builds the same scope as a queryset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from borough.cases.models import CLOSED_STATUSES, Case, Status
from borough.core.permissions import Action, roles_for
from borough.core.references import reference_normalise
from borough.core.services import audit_record
from borough.core.tenancy import for_staff, staff_teams
from borough.core.workingdays import due_after_working_days
from borough.places.postcodes import postcode_key, postcode_normalise

LONDON = ZoneInfo("Europe/London")

OPEN_STATUSES = tuple(status for status in Status.values if status not in CLOSED_STATUSES)


class Queue(StrEnum):
    MINE = "mine"
    TEAM = "team"
    UNASSIGNED = "unassigned"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ALL = "all"


class StatusFilter(StrEnum):
    """Groups of statuses a list can be filtered by, besides each status on its own."""

    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class CaseFilters:
    """What a case list is narrowed to. Empty values do not filter."""

    service: int | None = None
    # "open", "closed", one `Status` value, or "" for any.
    status: str = ""
    ward: int | None = None
    channel: str = ""
    # Dates the case was created on, in Europe/London, both inclusive.
    created_from: date | None = None
    created_to: date | None = None
    # A reference, postcode, address, resident name or email, or words of the title.
    search: str = ""


# The related rows a case list shows, fetched in the same query.
LIST_RELATED = ("organisation", "service", "team", "assignee")
DETAIL_RELATED = (
    *LIST_RELATED,
    "resident",
    "property",
    "street",
    "ward",
    "duplicate_of",
)


def cases_visible_to_staff(*, user: Any) -> QuerySet[Case]:
    """Every case `user` may view: all cases of the organisations where they hold a role that
    grants `view_case`, and the cases assigned to them where that role is limited to assigned
    cases (contractors). Agrees with `core.permissions.can(user, "view_case", case)`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    whole = for_staff(
        Case.objects.all(), user, roles=roles_for(Action.VIEW_CASE, assigned_only=False)
    )
    assigned = for_staff(
        Case.objects.all(), user, roles=roles_for(Action.VIEW_CASE, assigned_only=True)
    ).filter(assignee=user)
    return whole | assigned


def case_for_staff(*, user: Any, reference: str) -> Case:
    """The case with `reference` when `user` may view it, and an audit entry of the read.

    Raises Http404 both when there is no such case and when the user may not view it, so that
    the answer never tells anyone a case exists. A refused read writes no audit entry.
    """
    normalised = reference_normalise(reference)
    if normalised is None:
        raise Http404("No case found")
    case = (
        cases_visible_to_staff(user=user)
        .select_related(*DETAIL_RELATED)
        .filter(reference=normalised)
        .first()
    )
    if case is None:
        raise Http404("No case found")
    audit_record(actor=user, action="case.view", obj=case)
    return case


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LONDON)


def _search(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    text = text.strip()
    if not text:
        return cases
    reference = reference_normalise(text)
    if reference is not None:
        return cases.filter(reference=reference)
    if postcode_normalise(text) is not None:
        return cases.filter(property__postcode_key=postcode_key(text))
    # Each word must appear somewhere: "high west" finds "1 High West Street".
    for word in text.split()[:8]:
        cases = cases.filter(
            Q(reference__icontains=word)
            | Q(title__icontains=word)
            | Q(property__saon__icontains=word)
            | Q(property__paon__icontains=word)
            | Q(property__street_name__icontains=word)
            | Q(property__postcode_key__contains=postcode_key(word))
            | Q(street__name__icontains=word)
            | Q(reporter_name__icontains=word)
            | Q(reporter_email__icontains=word)
            | Q(resident__full_name__icontains=word)
            | Q(resident__email__icontains=word)
        )
    return cases


def _filter(cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    if filters.service:
        cases = cases.filter(service_id=filters.service)
    if filters.status == StatusFilter.OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status == StatusFilter.CLOSED:
        cases = cases.filter(status__in=CLOSED_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.ward:
        cases = cases.filter(ward_id=filters.ward)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.created_from:
        cases = cases.filter(created_at__gte=_london_midnight(filters.created_from))
    if filters.created_to:
        cases = cases.filter(
            created_at__lt=_london_midnight(filters.created_to + timedelta(days=1))
        )
    return _search(cases, filters.search)


def case_list_for_staff(
    *,
    user: Any,
    queue: str = Queue.TEAM,
    filters: CaseFilters | None = None,
    now: datetime | None = None,
) -> QuerySet[Case]:
    """The cases of one queue, filtered, soonest due first (cases with no due time last).

    Queues: mine (assigned to the user), team (queued in the user's teams), unassigned,
    due_soon (open and due within one working day), overdue (open and past due) and all.
    Every queue is within what the user may view.
    """
    now = now or timezone.now()
    cases = cases_visible_to_staff(user=user)
    if queue == Queue.MINE:
        cases = cases.filter(assignee=user)
    elif queue == Queue.TEAM:
        cases = cases.filter(team__in=staff_teams(user))
    elif queue == Queue.UNASSIGNED:
        cases = cases.filter(assignee__isnull=True)
    elif queue == Queue.DUE_SOON:
        cases = cases.filter(
            status__in=OPEN_STATUSES,
            sla_due_at__gte=now,
            sla_due_at__lte=due_after_working_days(now, 1),
        )
    elif queue == Queue.OVERDUE:
        cases = cases.filter(status__in=OPEN_STATUSES, sla_due_at__lt=now)
    elif queue != Queue.ALL:
        raise ValueError(f"Unknown queue {queue!r}")
    cases = _filter(cases, filters or CaseFilters())
    return cases.select_related(*LIST_RELATED).order_by(
        F("sla_due_at").asc(nulls_last=True), "created_at", "id"
    )


def case_others_for_staff(*, user: Any, case: Case, limit: int = 20) -> list[Case]:
    """The same resident's (or reporter email's) other cases in the case's organisation that
    `user` may view, newest first."""
    match = Q()
    if case.resident_id:
        match |= Q(resident_id=case.resident_id)
    if case.reporter_email:
        match |= Q(reporter_email__iexact=case.reporter_email)
    if not match:
        return []
    return list(
        cases_visible_to_staff(user=user)
        .filter(match, organisation_id=case.organisation_id)
        .exclude(pk=case.pk)
        .select_related("service")
        .order_by("-created_at")[:limit]
    )
