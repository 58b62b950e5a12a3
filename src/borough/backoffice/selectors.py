"""Reads the back office's pages need besides cases: who and where a case can go."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from borough.accounts.models import User
from borough.catalogue.models import Service
from borough.core.models import COUNCIL_KINDS, AuditEntry, Organisation, Team
from borough.core.tenancy import for_staff, staff_organisations
from borough.places.models import Area, AreaKind


def staff_of_organisations(organisations: QuerySet[Organisation] | list[int]) -> QuerySet[User]:
    """Active users who hold a role in an active team of one of `organisations`: the people a
    case of those organisations can be assigned to."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__team__is_active=True,
            memberships__team__organisation__in=organisations,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def transfer_teams(*, user: Any, case: Any) -> QuerySet[Team]:
    """Teams a case can be transferred to: those of the user's own organisations and of every
    other council in the deployment (not contractors or partners the user is not in)."""
    return (
        Team.objects.filter(is_active=True, organisation__is_active=True)
        .filter(
            Q(organisation__in=staff_organisations(user)) | Q(organisation__kind__in=COUNCIL_KINDS)
        )
        .exclude(pk=case.team_id)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def filter_services(*, user: Any) -> QuerySet[Service]:
    """The services of the user's organisations, for the queue filter."""
    return for_staff(Service.objects.all(), user).order_by("name")


def filter_wards(*, user: Any) -> QuerySet[Area]:
    """Wards of the deployment: in a two-tier area the county's cases lie in the districts'
    wards, so every ward is offered."""
    return Area.objects.filter(kind=AreaKind.WARD).only("pk", "name").order_by("name")


def audit_entries_for_case(case: Any, *, limit: int = 500) -> list[AuditEntry]:
    """The audit trail of one case, newest first."""
    return list(
        AuditEntry.objects.filter(object_type=case._meta.label_lower, object_id=case.reference)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
