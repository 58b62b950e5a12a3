"""Reads of dispatches for the back office, the worker and the contractors' callbacks.

Staff see the dispatches of the organisations where they hold a role that sees every case
(`VIEW_ROLES`); team leaders and administrators may send one again (`RETRY_ROLES`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from borough.core.models import Organisation, Role
from borough.core.permissions import Action, roles_for
from borough.core.tenancy import for_staff, staff_organisations
from borough.dispatch.models import ContractorEndpoint, Dispatch, DispatchStatus

VIEW_ROLES = roles_for(Action.VIEW_CASE, assigned_only=False)
RETRY_ROLES = {Role.TEAM_LEADER.value, Role.ADMINISTRATOR.value}

# Waiting to be sent, or sent again later: what the back office shows as "retrying".
RETRYING = (DispatchStatus.PENDING, DispatchStatus.SENDING, DispatchStatus.FAILED)
# A row still "sending" after this long belongs to a worker that stopped; it may be claimed.
SENDING_LEASE = timedelta(minutes=10)
# A new row's own task normally sends it; the sweep leaves it alone this long.
PENDING_GRACE = timedelta(minutes=2)


def dispatch_organisations(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose dispatches `user` may see."""
    return staff_organisations(user, roles=VIEW_ROLES)


def dispatch_organisations_with_contractors(*, user: Any) -> QuerySet[Organisation]:
    """As `dispatch_organisations`, only those that have a contractor endpoint (the menu)."""
    return dispatch_organisations(user=user).filter(
        id__in=ContractorEndpoint.objects.values("organisation_id")
    )


def dispatches_for_staff(*, user: Any) -> QuerySet[Dispatch]:
    return for_staff(Dispatch.objects.all(), user, roles=VIEW_ROLES).select_related(
        "case", "endpoint__team", "organisation"
    )


def dispatches_problems_for_staff(*, user: Any) -> tuple[list[Dispatch], list[Dispatch]]:
    """(not sent: gave up, still trying: pending, sending or failed), oldest problem first."""
    rows = dispatches_for_staff(user=user)
    gave_up = list(rows.filter(status=DispatchStatus.GAVE_UP).order_by("-updated_at", "-id"))
    retrying = list(rows.filter(status__in=RETRYING).order_by("next_attempt_at", "id"))
    return gave_up, retrying


def dispatch_for_staff(*, user: Any, dispatch_id: int) -> Dispatch | None:
    """One dispatch `user` may see, or None (whether it does not exist or is not theirs)."""
    return dispatches_for_staff(user=user).filter(pk=dispatch_id).first()


def dispatch_ids_due(*, now: datetime | None = None) -> list[int]:
    """Dispatches a worker should send now: failed ones whose time has come, new ones whose
    own task seems lost, and ones left "sending" by a worker that stopped."""
    now = now or timezone.now()
    due = (
        Q(status=DispatchStatus.FAILED, next_attempt_at__lte=now)
        | Q(status=DispatchStatus.PENDING, next_attempt_at__lte=now - PENDING_GRACE)
        | Q(status=DispatchStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
    )
    return list(
        Dispatch.objects.filter(due, endpoint__active=True)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:500]
    )


def endpoints_to_poll() -> QuerySet[ContractorEndpoint]:
    """Active Open311 endpoints with at least one case sent to them."""
    return ContractorEndpoint.objects.filter(
        active=True,
        protocol="open311",
        organisation__is_active=True,
        dispatches__status=DispatchStatus.SENT,
    ).distinct()


def dispatch_for_callback(*, endpoint: ContractorEndpoint, reference: str) -> Dispatch | None:
    """The latest dispatch to `endpoint` of the case with this Borough reference, or with
    this contractor id. Only the endpoint's own dispatches are found."""
    reference = reference.strip()
    if not reference:
        return None
    return (
        Dispatch.objects.filter(endpoint=endpoint)
        .filter(Q(case__reference=reference) | Q(external_id=reference))
        .select_related("case")
        .order_by("-created_at", "-id")
        .first()
    )
