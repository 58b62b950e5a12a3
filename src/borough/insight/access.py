"""Who may see the figures and who may change what they are worked out from.

Team leaders, auditors and administrators see the dashboards of the organisations where they
hold that role; only administrators change an organisation's channel costs and channel-shift
targets. Roles held in another organisation never count (`core.tenancy`). These are
organisation-wide permissions, not case actions, so they live here beside `core.permissions`
rather than in its case action map.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from borough.core.models import Organisation, Role
from borough.core.tenancy import staff_organisations

VIEW_ROLES = frozenset({Role.TEAM_LEADER, Role.AUDITOR, Role.ADMINISTRATOR})
MANAGE_ROLES = frozenset({Role.ADMINISTRATOR})


def insight_organisations(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose dashboards `user` may see."""
    return staff_organisations(user, roles={str(r) for r in VIEW_ROLES}).order_by("name")


def insight_manage_organisations(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose channel costs and targets `user` may change."""
    return staff_organisations(user, roles={str(r) for r in MANAGE_ROLES}).order_by("name")


def organisation_to_manage(*, user: Any, slug: str) -> Organisation:
    """The organisation `slug`, if `user` administers it; 404 otherwise, so that nobody learns
    which organisations exist."""
    organisation = insight_manage_organisations(user=user).filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation
