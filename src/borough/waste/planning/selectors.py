"""Who may plan rounds, and the plans they may see.

Round plans are for the people who run a council's waste service: team leaders and
administrators of one of its waste teams (a team that takes one of the waste services'
cases: the default team of a service in the council's `WasteSettings`). Roles held in
another team or another council never count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from borough.catalogue.models import Service
from borough.core.models import Organisation, Role, Team
from borough.core.tenancy import staff_teams
from borough.waste.models import RoundPlan, RoundPlanStatus, Stream, WasteSettings

PLANNING_ROLES = {Role.TEAM_LEADER.value, Role.ADMINISTRATOR.value}


def _waste_service_fields() -> list[str]:
    return [
        field.name
        for field in WasteSettings._meta.concrete_fields
        if field.is_relation and field.related_model is Service
    ]


def waste_teams() -> QuerySet[Team]:
    """Every council's waste teams: the default teams of the services its waste settings
    name (missed collections, containers, assisted collections, bulky waste, ...)."""
    ids: set[int] = set()
    for row in WasteSettings.objects.values_list(
        *(f"{name}__default_team_id" for name in _waste_service_fields())
    ):
        ids.update(team_id for team_id in row if team_id is not None)
    return Team.objects.filter(pk__in=ids, is_active=True)


def planning_organisations_for_staff(*, user: Any) -> QuerySet[Organisation]:
    """The councils whose rounds `user` may plan."""
    teams = staff_teams(user, roles=PLANNING_ROLES).filter(
        pk__in=waste_teams().values("pk"),
    )
    return Organisation.objects.filter(
        id__in=teams.values("organisation_id"), is_active=True
    ).order_by("name")


def round_plans_for_staff(*, user: Any, organisation: Organisation) -> QuerySet[RoundPlan]:
    if not planning_organisations_for_staff(user=user).filter(pk=organisation.pk).exists():
        return RoundPlan.objects.none()
    return (
        RoundPlan.objects.filter(organisation=organisation)
        .select_related("stream", "requested_by")
        .defer("result")
    )


def round_plan_as_seen(plan: RoundPlan, *, now: datetime | None = None) -> RoundPlan:
    """`plan` as the pages show it: a plan whose worker stopped mid-search
    (`services.round_plan_stalled`) is failed, with the reason, even before the periodic
    sweep records it so (the row is not written here)."""
    from borough.waste.planning.services import round_plan_stalled, stalled_message

    if round_plan_stalled(plan, now=now):
        plan.status = RoundPlanStatus.FAILED
        plan.error = stalled_message()
    return plan


def round_plans_as_seen(plans: Iterable[RoundPlan]) -> list[RoundPlan]:
    now = timezone.now()
    return [round_plan_as_seen(plan, now=now) for plan in plans]


def round_plan_for_staff(*, user: Any, plan_id: object) -> RoundPlan | None:
    """One plan, if `user` may plan its council's rounds; None otherwise (or no such plan).
    As the pages show it (`round_plan_as_seen`)."""
    try:
        pk = int(str(plan_id))
    except ValueError:
        return None
    plan = (
        RoundPlan.objects.filter(
            pk=pk, organisation__in=planning_organisations_for_staff(user=user)
        )
        .select_related("stream", "organisation", "requested_by")
        .first()
    )
    return None if plan is None else round_plan_as_seen(plan)


def streams_for_planning(*, organisation: Organisation) -> QuerySet[Stream]:
    return Stream.objects.filter(organisation=organisation).order_by("position", "name")
