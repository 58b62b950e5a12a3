"""Reads for the internal API: who a token belongs to, and what a member of staff may see.

Cases are fetched only through the case selectors (`case_for_staff`, which checks role and
organisation and audits the read, and `case_list_for_staff`); services through tenancy's
`for_staff`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from borough.api.models import ApiToken
from borough.backoffice.selectors import contact_organisations
from borough.cases.models import Case, CaseEvent
from borough.cases.selectors import CaseFilters, Queue, case_list_for_staff
from borough.catalogue.models import Service
from borough.core.permissions import Action, actions_for
from borough.core.tenancy import for_staff

# Every token starts with this, so that secret scanners and people can recognise one.
TOKEN_PREFIX = "brg_"  # noqa: S105 (a label, not a secret)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_find(*, raw: str) -> ApiToken | None:
    """The unrevoked token `raw` is, with its user; None for anything else."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )


# -- Services ------------------------------------------------------------------------------


def services_for_staff(*, user: Any) -> QuerySet[Service]:
    """Active services owned by the organisations `user` works for, in code order."""
    return (
        for_staff(Service.objects.filter(is_active=True), user)
        .select_related("organisation")
        .prefetch_related("forms")
        .order_by("code", "id")
    )


def service_for_staff(*, user: Any, code: str) -> Service | None:
    return services_for_staff(user=user).filter(code=code).first()


def may_raise_cases(*, user: Any) -> bool:
    """Whether `user` may raise cases for residents: the back office's rule for raising a
    case for a caller (the roles that take calls and visits, `CONTACT_LOG_ROLES`)."""
    return contact_organisations(user=user).exists()


def service_for_raising(*, user: Any, code: str) -> Service | None:
    """The active service `code` when it belongs to an organisation `user` may raise cases
    for."""
    return (
        Service.objects.filter(
            code=code, is_active=True, organisation__in=contact_organisations(user=user)
        )
        .select_related("organisation")
        .first()
    )


# -- Cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseQuery:
    """What GET /cases was asked for. Empty values do not filter."""

    status: str = ""
    service: str = ""
    team: int | None = None
    updated_since: datetime | None = None


def case_page_for_staff(
    *, user: Any, query: CaseQuery, offset: int, limit: int
) -> tuple[list[Case], int]:
    """One page of the cases `user` may view, oldest change first (then by id, so the order
    is stable), and how many there are in all."""
    cases = case_list_for_staff(
        user=user, queue=Queue.ALL, filters=CaseFilters(status=query.status)
    )
    if query.service:
        cases = cases.filter(service__code=query.service)
    if query.team is not None:
        cases = cases.filter(team_id=query.team)
    if query.updated_since is not None:
        cases = cases.filter(updated_at__gte=query.updated_since)
    cases = cases.select_related("property", "street", "ward").order_by("updated_at", "id")
    return list(cases[offset : offset + limit]), cases.count()


# Who sees which events: non-public events (internal notes, routing, assignment, the
# resident's own replies) only to those who work the case or audit it; roles that may only
# view (contractors, on the cases sent to them) see the public timeline.
INTERNAL_VIEWERS = frozenset({Action.ADD_NOTE, Action.VIEW_AUDIT})


def case_events_for_staff(*, user: Any, case: Case) -> list[CaseEvent]:
    """The timeline of a case `user` may view (fetched with `case_for_staff`), oldest first."""
    events = case.events.select_related("actor").order_by("at", "id")
    if not INTERNAL_VIEWERS & actions_for(user, case):
        events = events.filter(public=True)
    return list(events)
