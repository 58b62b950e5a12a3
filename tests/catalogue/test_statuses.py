"""Named statuses and response templates: what each organisation and service offers, what is
refused, and how a template is filled in for a case."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from borough.cases.models import Status
from borough.cases.services import (
    CaseInvalid,
    Submission,
    case_create,
    case_status_change,
    case_transfer,
)
from borough.catalogue.models import CaseStatus, ResponseTemplate
from borough.catalogue.selectors import (
    case_statuses_for,
    response_templates_for,
    template_for_status,
    template_render,
    template_values,
)
from borough.catalogue.services import case_status_create, response_template_create
from tests.conftest import DORCHESTER


@pytest.fixture
def team(district, make_team):
    return make_team(district, "Street cleansing")


@pytest.fixture
def fly_tipping(district, team, make_service):
    return make_service(district, name="Report fly-tipping", default_team=team)


@pytest.fixture
def graffiti(district, team, make_service):
    return make_service(district, name="Report graffiti", default_team=team)


def new_case(service, **extra):
    return case_create(
        submission=Submission(
            service=service,
            channel="web",
            answers={"kind": "small"},
            reporter_email="rita@example.com",
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
            **extra,
        )
    )


# -- What is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize("base", [Status.WAITING, Status.DUPLICATE, "made_up"])
def test_a_named_status_cannot_stand_for_waiting_duplicate_or_nothing(district, base):
    with pytest.raises(ValidationError) as refused:
        case_status_create(organisation=district, name="Odd", base_status=base)
    assert "base_status" in refused.value.message_dict
    assert not CaseStatus.objects.exists()


def test_a_named_status_is_for_a_service_of_its_own_organisation(district, county, fly_tipping):
    with pytest.raises(ValidationError) as refused:
        case_status_create(
            organisation=county, service=fly_tipping, name="Booked", base_status="in_progress"
        )
    assert refused.value.message_dict == {
        "service": ["Select a service of the status's organisation"]
    }
    assert not CaseStatus.objects.exists()


def test_a_template_may_only_use_the_known_placeholders(district):
    with pytest.raises(ValidationError) as refused:
        response_template_create(
            organisation=district, title="Odd", body="Dear {name}, about {reference} {0}"
        )
    assert refused.value.message_dict["body"] == [
        "Remove {name}: the placeholders you can use are "
        "{reference}, {service}, {status}, {organisation}, {where}"
    ]
    assert not ResponseTemplate.objects.exists()


def test_a_template_is_tied_only_to_a_status_of_its_own_organisation(district, county):
    county_status = case_status_create(
        organisation=county, name="Repair booked", base_status="action_scheduled"
    )
    with pytest.raises(ValidationError) as refused:
        response_template_create(
            organisation=district, title="Booked", body="Booked", case_status=county_status
        )
    assert "case_status" in refused.value.message_dict
    assert not ResponseTemplate.objects.exists()


# -- What a case is offered -----------------------------------------------------------------


def test_a_service_uses_its_own_statuses_else_its_organisations_else_none(
    district, county, fly_tipping, graffiti, make_service, make_team
):
    case = new_case(fly_tipping)
    assert case_statuses_for(case=case) == []  # none configured: the base statuses are used

    general = case_status_create(organisation=district, name="Booked", base_status="in_progress")
    inactive = case_status_create(organisation=district, name="Old", base_status="in_progress")
    CaseStatus.objects.filter(pk=inactive.pk).update(is_active=False)
    case_status_create(organisation=county, name="County's", base_status="in_progress")
    assert case_statuses_for(case=case) == [general]

    crew = case_status_create(
        organisation=district,
        service=fly_tipping,
        name="Crew booked",
        base_status="action_scheduled",
        position=2,
    )
    removed = case_status_create(
        organisation=district, service=fly_tipping, name="Removed", base_status="fixed", position=1
    )
    assert case_statuses_for(case=case) == [removed, crew]
    assert removed.is_closed and not crew.is_closed
    # Another service of the same council still uses the council's list.
    assert case_statuses_for(case=new_case(graffiti)) == [general]


def test_a_transferred_case_uses_the_statuses_of_the_council_working_it(
    district, county, fly_tipping, make_team, make_staff
):
    case_status_create(
        organisation=district, service=fly_tipping, name="Crew booked", base_status="in_progress"
    )
    highways = make_team(county, "Highways")
    county_own = case_status_create(
        organisation=county, name="With highways", base_status="in_progress"
    )
    case = new_case(fly_tipping)
    officer = make_staff(case.team)
    case = case_transfer(case=case, team=highways, actor=officer, reason="On the main road")
    assert case_statuses_for(case=case) == [county_own]


def test_templates_offered_are_the_organisations_and_the_services_own(
    district, county, fly_tipping, graffiti
):
    everyone = response_template_create(
        organisation=district, title="Thanks", body="Thank you", position=5
    )
    own = response_template_create(
        organisation=district, service=fly_tipping, title="Cleared", body="Cleared", position=1
    )
    response_template_create(organisation=district, service=graffiti, title="Painted", body="x")
    response_template_create(organisation=county, title="County", body="x")
    hidden = response_template_create(organisation=district, title="Hidden", body="x")
    ResponseTemplate.objects.filter(pk=hidden.pk).update(is_active=False)
    assert response_templates_for(case=new_case(fly_tipping)) == [own, everyone]


def test_choosing_a_status_picks_the_template_tied_to_it(district, fly_tipping):
    crew = case_status_create(
        organisation=district, service=fly_tipping, name="Crew booked", base_status="in_progress"
    )
    plain = response_template_create(organisation=district, title="Plain", body="x")
    for_crew = response_template_create(
        organisation=district, title="Crew", body="y", case_status=crew
    )
    for_fixed = response_template_create(
        organisation=district, title="Fixed", body="z", base_status="fixed"
    )
    templates = [plain, for_crew, for_fixed]
    assert template_for_status(templates, case_status=crew) == for_crew
    assert template_for_status(templates, status="fixed") == for_fixed
    assert template_for_status(templates, status="in_progress") is None
    assert template_for_status(templates) is None


# -- Filling a template in ----------------------------------------------------------------------


def test_a_template_is_filled_in_with_the_cases_details_as_plain_text(
    district, fly_tipping, make_property
):
    make_property(paon="3", street_name="Icen Way")
    case = new_case(fly_tipping)
    values = template_values(case=case, status="Crew booked")
    text = template_render(
        "{service} {reference} ({status}) on {where} by {organisation}. "
        "{reference.__class__} {0} {unknown} {{reference}} <b>bold</b>",
        values=values,
    )
    assert text == (
        f"Report fly-tipping {case.reference} (Crew booked) on Icen Way by "
        "Casterbridge District Council. {reference.__class__} {0} {unknown} "
        f"{{{case.reference}}} <b>bold</b>"
    )


def test_a_case_records_the_named_status_it_is_put_in(district, fly_tipping, make_staff):
    crew = case_status_create(
        organisation=district,
        service=fly_tipping,
        name="Crew booked",
        base_status="action_scheduled",
    )
    case = new_case(fly_tipping)
    officer = make_staff(case.team)
    case = case_status_change(case=case, named_status=crew, actor=officer)
    case.refresh_from_db()
    assert (case.status, case.named_status, case.status_name, case.status_text) == (
        Status.ACTION_SCHEDULED,
        crew,
        "Crew booked",
        "Crew booked",
    )
    event = case.events.order_by("-id").first()
    assert event.data == {
        "previous": "open",
        "status": "action_scheduled",
        "status_label": "Crew booked",
    }

    # The same named status again, with nothing to say, is refused.
    with pytest.raises(CaseInvalid):
        case_status_change(case=case, named_status=crew, actor=officer)

    # A base status clears the name; its event remembers the name it left.
    case = case_status_change(case=case, status=Status.IN_PROGRESS, actor=officer)
    case.refresh_from_db()
    assert (case.named_status, case.status_text) == (None, "In progress")
    assert case.events.order_by("-id").first().data == {
        "previous": "action_scheduled",
        "status": "in_progress",
        "previous_label": "Crew booked",
    }


def test_a_name_left_behind_by_another_change_is_not_shown(district, fly_tipping, make_staff):
    from borough.cases.services import case_request_information

    crew = case_status_create(
        organisation=district, service=fly_tipping, name="Crew booked", base_status="in_progress"
    )
    case = new_case(fly_tipping)
    officer = make_staff(case.team)
    case = case_status_change(case=case, named_status=crew, actor=officer)
    case_request_information(
        case=case, actor=officer, question="Where exactly?", expected_version=None
    )
    case.refresh_from_db()
    assert case.named_status == crew
    assert (case.status_name, case.status_text) == ("", "Waiting for the resident")


@pytest.mark.parametrize("whose", ["other service", "other council", "inactive"])
def test_a_named_status_of_another_service_or_council_is_refused(
    whose, district, county, fly_tipping, graffiti, make_staff
):
    named = {
        "other service": lambda: case_status_create(
            organisation=district, service=graffiti, name="Painted over", base_status="fixed"
        ),
        "other council": lambda: case_status_create(
            organisation=county, name="Repaired", base_status="fixed"
        ),
        "inactive": lambda: case_status_create(
            organisation=district, name="Old", base_status="fixed"
        ),
    }[whose]()
    if whose == "inactive":
        CaseStatus.objects.filter(pk=named.pk).update(is_active=False)
        named.refresh_from_db()
    case = new_case(fly_tipping)
    officer = make_staff(case.team)
    with pytest.raises(CaseInvalid) as refused:
        case_status_change(case=case, named_status=named, actor=officer)
    assert refused.value.errors == {"status": "Select a status"}
    case.refresh_from_db()
    assert (case.status, case.named_status, case.version) == (Status.OPEN, None, 1)
