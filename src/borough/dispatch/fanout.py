"""The dispatch rows a case event causes, written in the event's transaction.

`cases.fanout.event_fanout` calls `dispatch_for_event` for every case event. When a case is
routed or transferred to a team that is an active contractor endpoint, one `Dispatch` row is
written (unique by case, endpoint and event) and its sending is enqueued on commit: a
rolled-back change sends nothing and a committed one is never forgotten (the sweep in
`dispatch.tasks` picks up any row whose task was lost).

This module imports nothing from `cases.services`, which imports it (through
`cases.fanout`).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from borough.cases.models import CaseEvent, EventKind
from borough.dispatch.models import ContractorEndpoint, Dispatch, DispatchStatus
from borough.notify.services import notifications_are_suppressed

# The events that put a case in a team's hands.
TRIGGERS = frozenset({EventKind.ROUTED, EventKind.TRANSFERRED})


def dispatch_for_event(event: CaseEvent) -> Dispatch | None:
    """Write the dispatch `event` causes, if any, and enqueue its sending on commit. Writes
    nothing for bulk history (inside `notify.services.notifications_suppressed`)."""
    if event.kind not in TRIGGERS or notifications_are_suppressed():
        return None
    case = event.case
    if case.team_id is None:
        return None
    try:  # one endpoint a team: get() needs no ordering
        endpoint = ContractorEndpoint.objects.get(team_id=case.team_id, active=True)
    except ContractorEndpoint.DoesNotExist:
        return None
    dispatch, created = Dispatch.objects.get_or_create(
        idempotency_key=f"{case.pk}:{endpoint.pk}:{event.pk}",
        defaults={
            "organisation_id": case.organisation_id,
            "case": case,
            "endpoint": endpoint,
            "event": event,
            "status": DispatchStatus.PENDING,
            "next_attempt_at": timezone.now(),
        },
    )
    if created:
        transaction.on_commit(partial(dispatch_enqueue, dispatch.pk), robust=True)
    return dispatch


def dispatch_enqueue(dispatch_id: int, *, delay: timedelta | None = None) -> None:
    """Ask a worker to send the dispatch (after `delay`, when the task backend can wait)."""
    from borough.dispatch.tasks import dispatch_send

    task = dispatch_send
    if delay is not None:
        if not task.get_backend().supports_defer:
            return  # the sweep sends it when it is due
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(dispatch_id=dispatch_id)
