"""Reads of the service catalogue shared by pages and APIs."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Q, QuerySet

from borough.catalogue.models import (
    PLACEHOLDER_RE,
    TEMPLATE_PLACEHOLDERS,
    CaseStatus,
    ResponseTemplate,
    Service,
)
from borough.places.selectors import properties_near


def service_list_active() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True, organisation__is_active=True).select_related(
        "organisation"
    )


def service_groups() -> list[tuple[str, list[Service]]]:
    """Active services grouped for browsing, groups and services in name order."""
    services = service_list_active().order_by("group", "name")
    return [(group, list(items)) for group, items in groupby(services, key=lambda s: s.group)]


# -- Named statuses and response templates (the back office's case page) ----------------


def case_statuses_for(*, case: Any) -> list[CaseStatus]:
    """The named statuses staff may put `case` in: those of its service, or when the service
    has none, those of the organisation working the case; [] when neither has any (staff then
    choose from the base statuses). Only statuses of `case.organisation` ever apply, so a case
    transferred to another council uses that council's statuses."""
    statuses = CaseStatus.objects.filter(organisation_id=case.organisation_id, is_active=True)
    own = list(statuses.filter(service_id=case.service_id))
    return own or list(statuses.filter(service__isnull=True))


def response_templates_for(*, case: Any) -> list[ResponseTemplate]:
    """The active templates of the organisation working `case`: for every service, or for
    the case's own service."""
    return list(
        ResponseTemplate.objects.filter(organisation_id=case.organisation_id, is_active=True)
        .filter(Q(service__isnull=True) | Q(service_id=case.service_id))
        .order_by("position", "title", "id")
    )


def template_for_status(
    templates: list[ResponseTemplate], *, case_status: CaseStatus | None = None, status: str = ""
) -> ResponseTemplate | None:
    """The template choosing a status picks: the first tied to the named status, or for a base
    status, the first tied to that base status (and to no named status); None when none is."""
    for template in templates:
        if case_status is not None and template.case_status_id == case_status.pk:
            return template
    if case_status is None and status:
        for template in templates:
            if template.case_status_id is None and template.base_status == status:
                return template
    return None


@dataclass(frozen=True)
class TemplateValues:
    """What a template's placeholders are replaced by, as plain text."""

    reference: str
    service: str
    status: str
    organisation: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in TEMPLATE_PLACEHOLDERS}


# How far from a case with no street to look for the street {where} names.
WHERE_SEARCH_METRES = 150


def template_values(*, case: Any, status: str) -> TemplateValues:
    """The case's details for a template, `status` being the words of the status chosen."""
    where = ""
    if case.street is not None:
        where = case.street.name
    elif case.property is not None:
        where = case.property.street_name
    elif case.latitude is not None and case.longitude is not None:
        nearest = properties_near(
            case.latitude, case.longitude, metres=WHERE_SEARCH_METRES, limit=1
        )
        where = nearest[0].street_name if nearest else ""
    return TemplateValues(
        reference=case.reference,
        service=case.service.name,
        status=status,
        organisation=case.organisation.name,
        where=where,
    )


def template_render(body: str, *, values: TemplateValues) -> str:
    """`body` with each known {placeholder} replaced by its value. Nothing else in the text is
    interpreted (no attribute or index lookups, unlike str.format), unknown placeholders are
    left as written, and the result is plain text that pages escape when they show it."""
    known = values.as_dict()

    def replace(match: Any) -> str:
        name = match.group(1)
        return known[name] if name in known else match.group(0)

    return PLACEHOLDER_RE.sub(replace, body)
