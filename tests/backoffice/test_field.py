"""The field officers' page: their cases for the day, nearest known, and reporting from
where they stand. Field officers and team leaders only."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from borough.cases.models import Attachment, Case, CaseEvent, EventKind, Status
from borough.cases.services import case_assign, case_close
from borough.contacts.models import Contact
from borough.core.models import AuditEntry
from tests.conftest import DORCHESTER

FIELD = "/staff/field/"
REPORT = "/staff/field/report/"

RADIOS_ONLY_FORM = {
    "title": "Report a dead animal",
    "pages": [
        {
            "id": "animal",
            "questions": [
                {
                    "id": "animal",
                    "type": "radios",
                    "label": "What kind of animal is it?",
                    "name": "the kind of animal",
                    "options": [
                        {"value": "small", "label": "Small, like a bird"},
                        {"value": "large", "label": "Large, like a deer"},
                    ],
                }
            ],
        }
    ],
}


def png(width=400, height=300):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "tip.png"
    return buffer


@pytest.fixture
def flytip(world, make_service):
    return make_service(
        world.district,
        name="Report fly-tipping from the street",
        default_team=world.team,
        needs_location=True,
        public_cases=True,
        sla_value=5,
    )


@pytest.fixture
def officer(world, make_staff):
    return make_staff(world.team, "field_officer", email="fiona@casterbridge.example")


def post_report(client, service, **overrides):
    data = {
        "field_service": service.pk,
        "field_key": "key-1",
        "field_device_latitude": f"{DORCHESTER[0]}",
        "field_device_longitude": f"{DORCHESTER[1]}",
        "kind": "large",
        "details": "Sofa and three bags on the verge",
    }
    data.update(overrides)
    return client.post(REPORT, {k: v for k, v in data.items() if v is not None})


# -- Who may use it ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["field_officer", "team_leader"])
def test_field_officers_and_team_leaders_open_the_page(world, make_staff, signed_in, role):
    client = signed_in(make_staff(world.team, role))
    response = client.get(FIELD)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Your cases today</h1>' in html
    assert 'href="/staff/field/"' in html  # the "Field" link in the navigation
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["advisor", "caseworker", "contractor", "auditor"])
def test_other_staff_are_refused(world, make_staff, signed_in, flytip, role):
    client = signed_in(make_staff(world.team, role))
    assert client.get(FIELD).status_code == 403
    assert client.get(REPORT, {"field_service": flytip.pk}).status_code == 403
    assert post_report(client, flytip).status_code == 403
    assert Case.objects.count() == 0
    # No "Field" link for them.
    assert 'href="/staff/field/"' not in client.get("/staff/").content.decode()


def test_residents_are_refused_and_visitors_sent_to_sign_in(world, make_resident, flytip):
    client = Client()
    response = client.get(FIELD)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/")
    client.force_login(make_resident())
    assert client.get(FIELD).status_code == 403
    assert post_report(client, flytip).status_code == 403
    assert Case.objects.count() == 0


# -- Your cases today -------------------------------------------------------------------------


def test_the_day_list_has_my_cases_and_my_teams_unassigned_ones_due_soon(
    world, officer, flytip, make_case, signed_in, make_property
):
    make_property(lat=DORCHESTER[0], lon=DORCHESTER[1], paon="4", street_name="High East Street")
    mine = make_case(flytip)
    mine = case_assign(case=mine, assignee=officer, actor=world.colleague)
    # Unassigned in my team and due soon (its due time pulled in): listed.
    due_soon = make_case(flytip)
    Case.objects.filter(pk=due_soon.pk).update(sla_due_at=timezone.now() + timedelta(hours=2))
    # Unassigned in my team but not due for days: not listed.
    later = make_case(flytip)
    # Assigned to a colleague; closed; in another team; in another council: not listed.
    colleagues = case_assign(case=make_case(flytip), assignee=world.colleague, actor=officer)
    closed = make_case(flytip)
    closed = case_assign(case=closed, assignee=officer, actor=officer)
    case_close(case=closed, actor=officer, resolution="Cleared")
    other_team = make_case(world.other_team_service)
    Case.objects.filter(pk=other_team.pk).update(sla_due_at=timezone.now() + timedelta(hours=1))
    county = make_case(world.county_service)

    client = signed_in(officer)
    html = client.get(FIELD).content.decode()
    assert "2 cases" in html
    assert html.index(due_soon.reference) < html.index(mine.reference)  # soonest due first
    for absent in (later, colleagues, closed, other_team, county):
        assert absent.reference not in html
    assert "4 High East Street" in html
    assert "Directions" in html and "www.openstreetmap.org/directions?route=" in html
    assert "Distance" not in html  # nowhere to measure from yet
    # Each card tells where a case is: one audit entry for each case listed, and no other.
    entries = AuditEntry.objects.all()
    assert sorted((e.action, e.object_id, e.actor_id) for e in entries) == sorted(
        ("case.field_list", case.reference, officer.pk) for case in (due_soon, mine)
    )


def test_distances_from_the_device_or_a_postcode(
    world, officer, flytip, make_case, signed_in, make_property
):
    case = make_case(flytip)
    case_assign(case=case, assignee=officer, actor=world.colleague)
    make_property(lat=DORCHESTER[0] + 0.009, lon=DORCHESTER[1], postcode="DT1 2AB")
    client = signed_in(officer)

    html = client.get(FIELD, {"lat": DORCHESTER[0], "lng": DORCHESTER[1]}).content.decode()
    assert "Less than 10 metres" in html

    html = client.get(FIELD, {"postcode": "dt1 2ab"}).content.decode()
    assert "1 kilometre" in html
    assert "route=50.724000%2C-2.437000%3B50.715000%2C-2.437000" in html

    response = client.get(FIELD, {"postcode": "ZZ9 9ZZ"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#postcode">We could not find that postcode' in html
    response = client.get(FIELD, {"postcode": ""})
    assert response.status_code == 400
    assert "Enter a postcode" in response.content.decode()


def test_only_services_that_take_a_map_point_are_offered(
    world, officer, flytip, signed_in, make_service
):
    make_service(world.district, name="Book a bulky waste collection", needs_property=True)
    make_service(
        world.county, name="Report a pothole on the A35", needs_location=True
    )  # another council
    html = signed_in(officer).get(FIELD).content.decode()
    assert "Report fly-tipping from the street" in html
    assert "Report fly-tipping</label>" not in html  # needs no map point
    assert "Book a bulky waste collection" not in html
    assert "Report a pothole on the A35" not in html


# -- Report something here --------------------------------------------------------------------


def test_choosing_nothing_or_a_service_not_offered_asks_again(
    world, officer, signed_in, make_service
):
    county_service = make_service(world.county, name="Report a pothole", needs_location=True)
    client = signed_in(officer)
    for chosen in ("", county_service.pk, "nonsense"):
        response = client.get(REPORT, {"field_service": chosen})
        assert response.status_code == 302
        assert response["Location"] == "/staff/field/?choose=1#field_service"
    response = client.get(FIELD, {"choose": "1"})
    assert response.status_code == 400
    assert 'href="#field_service">Select what you are reporting' in response.content.decode()


def test_the_report_page_asks_the_services_questions_with_the_camera(
    world, officer, flytip, signed_in
):
    response = signed_in(officer).get(REPORT, {"field_service": flytip.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Report fly-tipping from the street</h1>' in html
    assert 'accept="image/*" capture="environment"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert "What is the problem?" in html and "Describe the problem" in html
    # The form has a long-text question, so no extra description box.
    assert "Description (optional)" not in html


def test_an_officer_reports_from_where_they_stand_with_a_photo(
    world, officer, flytip, signed_in, mailoutbox
):
    client = signed_in(officer)
    response = post_report(client, flytip, field_photo=png())
    assert response.status_code == 302
    assert response["Location"] == FIELD
    case = Case.objects.get()
    assert (case.channel, case.service, case.team, case.status) == (
        "field",
        flytip,
        world.team,
        Status.OPEN,
    )
    assert (case.latitude, case.longitude) == DORCHESTER
    assert case.answers == {"kind": "large", "details": "Sofa and three bags on the verge"}
    assert case.resident is None and case.reporter_email == ""
    created = case.events.get(kind=EventKind.CREATED)
    assert created.actor == officer and created.data["channel"] == "field"
    contact = Contact.objects.get()
    assert (contact.channel, contact.staff, contact.case, contact.outcome) == (
        "field",
        officer,
        case,
        "case_created",
    )
    photo = Attachment.objects.get()
    assert (photo.case, photo.uploaded_by, photo.content_type, photo.width, photo.height) == (
        case,
        officer,
        "image/png",
        400,
        300,
    )
    assert mailoutbox == []  # no reporter to acknowledge
    html = client.get(FIELD).content.decode()
    assert f"Report sent: {case.reference}" in html


def test_a_postcode_or_typed_coordinates_stand_in_for_the_device(
    world, officer, flytip, signed_in, make_property
):
    make_property(lat=50.7160, lon=-2.4380, postcode="DT1 1XJ")
    make_property(lat=50.7170, lon=-2.4400, postcode="DT1 1XJ")
    client = signed_in(officer)
    no_device = {"field_device_latitude": None, "field_device_longitude": None}
    post_report(client, flytip, field_place="DT1 1XJ", **no_device)
    case = Case.objects.get()
    assert case.latitude == pytest.approx(50.7165) and case.longitude == pytest.approx(-2.4390)

    post_report(
        client,
        flytip,
        field_key="key-2",
        field_latitude="50.7140",
        field_longitude="-2.4360",
        **no_device,
    )
    second = Case.objects.exclude(pk=case.pk).get()
    assert (second.latitude, second.longitude) == (50.7140, -2.4360)


def test_nothing_given_shows_every_error_and_makes_nothing(world, officer, flytip, signed_in):
    client = signed_in(officer)
    response = post_report(
        client,
        flytip,
        field_device_latitude=None,
        field_device_longitude=None,
        kind=None,
        details=None,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#field_place">Enter a postcode or street, or use your location</a>' in html
    assert 'href="#kind">Select the problem</a>' in html
    assert Case.objects.count() == 0 and Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"field_place": "Nowhere Lane Zzz"}, "field_place", "We could not find that postcode"),
        (
            {"field_latitude": "fifty", "field_longitude": "-2.43"},
            "field_latitude",
            "Enter the latitude and longitude as numbers",
        ),
        (
            {"field_latitude": "51.5", "field_longitude": "-0.12"},
            "field_place",
            "This location is outside the area Casterbridge District Council covers",
        ),
    ],
)
def test_a_place_that_will_not_do_is_refused(
    world, officer, flytip, signed_in, overrides, anchor, message
):
    no_device = {"field_device_latitude": None, "field_device_longitude": None}
    response = post_report(signed_in(officer), flytip, **no_device, **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#{anchor}">{message}' in html
    assert Case.objects.count() == 0


def test_a_file_that_is_not_a_photo_is_refused(world, officer, flytip, signed_in):
    text = io.BytesIO(b"not a picture at all")
    text.name = "tip.png"
    response = post_report(signed_in(officer), flytip, field_photo=text)
    assert response.status_code == 400
    assert 'href="#field_photo">The selected file must be a' in response.content.decode()
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_photo_added_before_an_error_is_kept(world, officer, flytip, signed_in):
    client = signed_in(officer)
    response = post_report(client, flytip, field_photo=png(), kind=None)
    assert response.status_code == 400
    html = response.content.decode()
    assert "You added tip.png." in html
    token = html.split('name="field_photo_token" value="')[1].split('"')[0]
    post_report(client, flytip, field_photo_token=token)
    assert Attachment.objects.get().case == Case.objects.get()


def test_sending_twice_makes_one_case(world, officer, flytip, signed_in):
    client = signed_in(officer)
    post_report(client, flytip)
    post_report(client, flytip)
    assert Case.objects.count() == 1 and Contact.objects.count() == 1


def test_a_form_without_a_long_text_question_gets_a_description_note(
    world, officer, signed_in, make_service
):
    animal = make_service(
        world.district,
        name="Report a dead animal",
        default_team=world.team,
        needs_location=True,
        form=RADIOS_ONLY_FORM,
    )
    client = signed_in(officer)
    html = client.get(REPORT, {"field_service": animal.pk}).content.decode()
    assert "Description (optional)" in html
    post_report(client, animal, animal="large", field_description="A fox by the bus stop")
    case = Case.objects.get()
    note = CaseEvent.objects.get(case=case, kind=EventKind.INTERNAL_NOTE)
    assert (note.body, note.actor, note.public) == ("A fox by the bus stop", officer, False)


def test_the_report_needs_the_csrf_token(world, officer, flytip):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = post_report(client, flytip)
    assert response.status_code == 403
    assert Case.objects.count() == 0
