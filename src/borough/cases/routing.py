"""Which team takes a new case: routing rules first, then the service's team, then triage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q

from borough.catalogue.models import RoutingRule, Service
from borough.core.models import Team
from borough.places.geo import point_in_area


@dataclass(frozen=True)
class Route:
    team: Team
    reason: str


def _answers_match(rule_answers: dict[str, Any], answers: dict[str, Any]) -> bool:
    for question_id, wanted in rule_answers.items():
        given = answers.get(question_id)
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if isinstance(given, list):
            if not set(given) & set(allowed):
                return False
        elif given not in allowed:
            return False
    return True


def case_route(
    *, service: Service, latitude: float | None, longitude: float | None, answers: dict[str, Any]
) -> Route:
    # The service's own rules, and its organisation's rules for every service; at the same
    # priority the service's own come first.
    rules = (
        RoutingRule.objects.filter(
            Q(service=service) | Q(service__isnull=True, organisation_id=service.organisation_id),
            team__is_active=True,
        )
        .select_related("team__organisation", "area")
        .order_by("priority", F("service_id").asc(nulls_last=True), "id")
    )
    for rule in rules:
        if rule.area is not None:
            if latitude is None or longitude is None:
                continue
            if not point_in_area(rule.area, latitude, longitude):
                continue
        if rule.answers and not _answers_match(rule.answers, answers):
            continue
        return Route(team=rule.team, reason=f"rule {rule.pk}")
    if service.default_team is not None and service.default_team.is_active:
        return Route(team=service.default_team, reason="service team")
    fallback = (
        Team.objects.filter(organisation=service.organisation, is_active=True)
        .order_by("-is_fallback", "id")
        .select_related("organisation")
        .first()
    )
    if fallback is None:
        raise RuntimeError(f"{service.organisation} has no team to take cases")
    return Route(team=fallback, reason="fallback queue")
