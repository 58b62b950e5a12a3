"""Row-level tenancy. Querysets of tenant-owned rows are scoped here, never by hand in views."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from borough.core.models import Organisation, Role, Team

M = TypeVar("M", bound=Model)


def staff_teams(user: Any, *, roles: set[str] | None = None) -> QuerySet[Team]:
    """The active teams in which `user` holds one of `roles` (any role when None)."""
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    # One filter() call: the user and the role must be on the same membership row.
    conditions: dict[str, Any] = {"memberships__user": user, "is_active": True}
    if roles is not None:
        conditions["memberships__role__in"] = roles
    return Team.objects.filter(**conditions).distinct()


def staff_organisations(user: Any, *, roles: set[str] | None = None) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        id__in=staff_teams(user, roles=roles).values("organisation_id"), is_active=True
    )


def staff_roles(user: Any, organisation: Organisation) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Team.objects.filter(
            organisation=organisation, memberships__user=user, is_active=True
        ).values_list("memberships__role", flat=True)
    )


def for_organisation(queryset: QuerySet[M], organisation: Organisation) -> QuerySet[M]:
    """Rows of one tenant."""
    return queryset.filter(organisation=organisation)


def for_staff(queryset: QuerySet[M], user: Any, *, roles: set[str] | None = None) -> QuerySet[M]:
    """Rows of the organisations in which `user` is a member of staff; none for anyone else."""
    return queryset.filter(organisation__in=staff_organisations(user, roles=roles))


ALL_ROLES = {role.value for role in Role}
