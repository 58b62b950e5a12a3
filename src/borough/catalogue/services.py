"""Writes to the service catalogue: services, their form versions and routing rules."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from borough.catalogue.forms import form_definition_check
from borough.catalogue.models import (
    CaseStatus,
    FormDefinition,
    ResponseTemplate,
    RoutingRule,
    Service,
)
from borough.core.models import Organisation, Team


class CatalogueError(ValueError):
    pass


@transaction.atomic
def service_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    summary: str,
    group: str,
    kind: str,
    form: dict[str, Any],
    description: str = "",
    keywords: list[str] | None = None,
    lgsl_code: int | None = None,
    needs_location: bool = False,
    needs_property: bool = False,
    identity: str = "account",
    fee_pence: int = 0,
    sla_value: int | None = None,
    sla_unit: str = "working_days",
    public_cases: bool = False,
    default_team: Team | None = None,
    other_ways: str = "",
) -> Service:
    """Create a service with its first form version. The form must pass the meta-schema."""
    if default_team is not None and default_team.organisation_id != organisation.id:
        raise CatalogueError("The default team must belong to the service's organisation")
    service = Service(
        organisation=organisation,
        code=code,
        name=name,
        summary=summary,
        description=description,
        group=group,
        keywords=keywords or [],
        lgsl_code=lgsl_code,
        kind=kind,
        needs_location=needs_location,
        needs_property=needs_property,
        identity=identity,
        fee_pence=fee_pence,
        sla_value=sla_value,
        sla_unit=sla_unit,
        public_cases=public_cases,
        default_team=default_team,
        other_ways=other_ways,
    )
    service.full_clean()
    service.save()
    form_publish(service=service, definition=form)
    return service


@transaction.atomic
def form_publish(*, service: Service, definition: dict[str, Any]) -> FormDefinition:
    """Publish a new version of a service's form. Earlier versions stay for earlier answers.

    Raises `FormDefinitionInvalid` (naming each field and problem) and changes nothing when the
    definition fails the meta-schema.
    """
    form_definition_check(definition)
    # Lock the service row so two publishers cannot take the same version number.
    Service.objects.select_for_update().filter(pk=service.pk).first()
    latest = service.forms.aggregate(latest=Max("version"))["latest"] or 0
    return FormDefinition.objects.create(service=service, version=latest + 1, definition=definition)


@transaction.atomic
def routing_rule_create(
    *,
    service: Service | None,
    team: Team,
    priority: int = 100,
    area: Any = None,
    answers: dict[str, Any] | None = None,
) -> RoutingRule:
    """A rule sending `service`'s cases to `team`; with no service, a rule of the team's
    organisation for every one of its services."""
    return RoutingRule.objects.create(
        organisation=team.organisation,
        service=service,
        team=team,
        priority=priority,
        area=area,
        answers=answers or {},
    )


@transaction.atomic
def case_status_create(
    *,
    organisation: Organisation,
    name: str,
    base_status: str,
    service: Service | None = None,
    position: int = 100,
) -> CaseStatus:
    """Name a status for an organisation's cases (or one service's): "Crew booked" standing
    for action_scheduled. Raises django's ValidationError (naming each field) and writes
    nothing when it is refused."""
    status = CaseStatus(
        organisation=organisation,
        service=service,
        name=name.strip(),
        base_status=base_status,
        position=position,
    )
    status.full_clean()
    status.save()
    return status


@transaction.atomic
def response_template_create(
    *,
    organisation: Organisation,
    title: str,
    body: str,
    service: Service | None = None,
    case_status: CaseStatus | None = None,
    base_status: str = "",
    position: int = 100,
) -> ResponseTemplate:
    """Add words staff can pick for a public update, for an organisation (or one service),
    picked by choosing `case_status` (or `base_status`). The placeholders are checked: raises
    django's ValidationError and writes nothing when it is refused."""
    template = ResponseTemplate(
        organisation=organisation,
        service=service,
        title=title.strip(),
        body=body.strip(),
        case_status=case_status,
        base_status=base_status,
        position=position,
    )
    template.full_clean()
    template.save()
    return template
