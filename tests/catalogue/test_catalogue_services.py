import pytest

from borough.catalogue.forms import FormDefinitionInvalid
from borough.catalogue.models import FormDefinition, RoutingRule, Service
from borough.catalogue.selectors import service_groups
from borough.catalogue.services import (
    CatalogueError,
    form_publish,
    routing_rule_create,
    service_create,
)
from tests.conftest import SIMPLE_FORM

BROKEN_FORM = {
    "title": "Broken",
    "pages": [
        {
            "id": "p",
            "questions": [
                {
                    "id": "kind",
                    "type": "radios",
                    "label": "Which?",
                    "options": [{"value": "only", "label": "Only"}],
                },
            ],
        }
    ],
}


def test_service_create_publishes_version_one(district):
    service = service_create(
        organisation=district,
        code="report-fly-tipping",
        name="Report fly-tipping",
        summary="Tell us about rubbish dumped in a public place",
        group="Street problems",
        kind="report",
        form=SIMPLE_FORM,
        lgsl_code=587,
        keywords=["dumped", "rubbish"],
        needs_location=True,
        identity="anonymous",
        sla_value=5,
        public_cases=True,
    )
    assert service.current_form.version == 1
    assert service.current_form.definition == SIMPLE_FORM
    assert service.needs_account is False and service.needs_verified_identity is False


def test_a_form_that_fails_the_meta_schema_creates_nothing(district):
    with pytest.raises(FormDefinitionInvalid) as excinfo:
        service_create(
            organisation=district,
            code="broken",
            name="Broken",
            summary="s",
            group="g",
            kind="report",
            form=BROKEN_FORM,
        )
    assert any("pages[0].questions[0].options" in error for error in excinfo.value.errors)
    assert not Service.objects.filter(code="broken").exists()


def test_form_publish_adds_versions_and_refuses_broken_ones(district, make_service):
    service = make_service(district)
    assert form_publish(service=service, definition=SIMPLE_FORM).version == 2
    with pytest.raises(FormDefinitionInvalid):
        form_publish(service=service, definition=BROKEN_FORM)
    assert list(
        FormDefinition.objects.filter(service=service).values_list("version", flat=True)
    ) == [2, 1]
    assert service.current_form.version == 2


def test_default_team_must_be_the_services_own(district, county, make_team):
    with pytest.raises(CatalogueError):
        service_create(
            organisation=district,
            code="x",
            name="X",
            summary="s",
            group="g",
            kind="report",
            form=SIMPLE_FORM,
            default_team=make_team(county),
        )
    assert not Service.objects.filter(code="x").exists()


def test_duplicate_service_code_is_refused(district, make_service):
    make_service(district, code="same")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_service(district, code="same")


def test_routing_rule_belongs_to_the_team_organisation(district, make_service, make_team):
    team = make_team(district)
    rule = routing_rule_create(
        service=make_service(district), team=team, priority=5, answers={"kind": "large"}
    )
    assert RoutingRule.objects.get() == rule
    assert rule.organisation == district


def test_service_groups_list_active_services_by_group(district, make_service):
    make_service(district, name="Report graffiti", group="Street problems")
    make_service(district, name="Apply for a blue badge", group="Blue badges")
    hidden = make_service(district, name="Retired", group="Blue badges")
    hidden.is_active = False
    hidden.save()
    assert [(group, [s.name for s in services]) for group, services in service_groups()] == [
        ("Blue badges", ["Apply for a blue badge"]),
        ("Street problems", ["Report graffiti"]),
    ]
