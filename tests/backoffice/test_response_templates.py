"""Response templates on the case page: listed for the case's council and service, filled in
by "Use template" without JavaScript (changing nothing), and given to case.js with JavaScript."""

from __future__ import annotations

import json
import re

import pytest

from borough.cases.models import EventKind, Status
from borough.catalogue.services import case_status_create, response_template_create
from borough.notify.models import Notification
from tests.backoffice.test_case_page import last_event_id, new_events, page, post
from tests.backoffice.test_case_statuses import options


@pytest.fixture
def templates(world, county):
    district, service = world.district, world.service
    crew = case_status_create(
        organisation=district, service=service, name="Crew booked", base_status="action_scheduled"
    )
    checking = case_status_create(
        organisation=district, service=service, name="Checking", base_status="investigating"
    )
    removed = case_status_create(
        organisation=district, service=service, name="Removed", base_status="fixed"
    )
    return {
        "crew": crew,
        "checking": checking,
        "removed": removed,
        "booked": response_template_create(
            organisation=district,
            service=service,
            title="Crew booked",
            body="We have booked a crew for {service} {reference}. Status: {status}.",
            case_status=crew,
            position=1,
        ),
        "cleared": response_template_create(
            organisation=district,
            service=service,
            title="Cleared",
            body="Cleared for {reference} <script>alert(1)</script>",
            case_status=removed,
            position=2,
        ),
        "thanks": response_template_create(
            organisation=district,
            title="Thank you",
            body="Thank you for telling {organisation} about {reference}.",
            position=3,
        ),
        "graffiti": response_template_create(
            organisation=district,
            service=world.other_team_service,
            title="Missed bin only",
            body="x",
        ),
        "county": response_template_create(organisation=county, title="County only", body="x"),
    }


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


def test_the_templates_of_the_cases_council_and_service_are_offered(
    world, templates, make_case, make_staff, signed_in
):
    html = page(signed_in(make_staff(world.team)), make_case(world.service))
    offered = [
        ("", "No template"),
        (str(templates["booked"].pk), "Crew booked"),
        (str(templates["cleared"].pk), "Cleared"),
        (str(templates["thanks"].pk), "Thank you"),
    ]
    assert options(html, "status-template") == offered
    assert options(html, "close-template") == offered
    assert 'name="status-use_template"' in html and 'name="close-use_template"' in html
    assert "backoffice/case.js" in html


def test_use_template_fills_the_update_in_and_changes_nothing(
    world, templates, make_case, make_staff, signed_in
):
    client = signed_in(make_staff(world.team))
    case = make_case(world.service)
    since = last_event_id(case)
    notifications = Notification.objects.count()
    # Without JavaScript: choose the status, then "Use template" picks the status's template.
    response = post(
        client,
        case,
        "status",
        {
            "status-status": templates["crew"].pk,
            "status-template": "",
            "status-message": "",
            "status-use_template": "1",
            "status-version": case.version,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert textarea(html, "status-message") == (
        f"We have booked a crew for Report fly-tipping {case.reference}. Status: Crew booked."
    )
    assert f'<option value="{templates["crew"].pk}" selected>Crew booked</option>' in html
    assert f'<option value="{templates["booked"].pk}" selected>Crew booked</option>' in html
    assert "govuk-error-summary" not in html
    case.refresh_from_db()
    assert (case.status, case.named_status, case.version) == (Status.OPEN, None, 1)
    assert new_events(case, since) == []
    assert Notification.objects.count() == notifications

    # Then the update is sent as filled in (and edited).
    response = post(
        client,
        case,
        "status",
        {
            "status-status": templates["crew"].pk,
            "status-message": textarea(html, "status-message") + " Thank you.",
            "status-version": case.version,
        },
    )
    assert response.status_code == 302
    [event] = new_events(case, since)
    assert event.kind == EventKind.STATUS_CHANGED
    assert event.body.endswith("Status: Crew booked. Thank you.")


def test_a_chosen_template_wins_over_the_statuss(
    world, templates, make_case, make_staff, signed_in
):
    client = signed_in(make_staff(world.team))
    case = make_case(world.service)
    response = post(
        client,
        case,
        "status",
        {
            "status-status": templates["crew"].pk,
            "status-template": templates["thanks"].pk,
            "status-use_template": "1",
            "status-version": case.version,
        },
    )
    assert response.status_code == 200
    assert textarea(response.content.decode(), "status-message") == (
        f"Thank you for telling Casterbridge District Council about {case.reference}."
    )


def test_use_template_with_nothing_to_use_shows_an_error(
    world, templates, make_case, make_staff, signed_in
):
    client = signed_in(make_staff(world.team))
    case = make_case(world.service)
    response = post(
        client,
        case,
        "status",
        {
            "status-status": templates["checking"].pk,  # no template of its own
            "status-template": "",
            "status-use_template": "1",
            "status-version": case.version,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#status-template">Select a response template</a>' in html
    assert 'id="status-template-error"' in html
    case.refresh_from_db()
    assert case.version == 1


def test_a_template_of_another_service_or_council_cannot_be_used(
    world, templates, make_case, make_staff, signed_in
):
    client = signed_in(make_staff(world.team))
    case = make_case(world.service)
    for other in ("graffiti", "county"):
        response = post(
            client,
            case,
            "status",
            {
                "status-template": templates[other].pk,
                "status-use_template": "1",
                "status-version": case.version,
            },
        )
        assert response.status_code == 400
        assert "Select a response template from the list" in response.content.decode()
        assert textarea(response.content.decode(), "status-message") == ""


def test_template_text_is_escaped_on_the_page(world, templates, make_case, make_staff, signed_in):
    client = signed_in(make_staff(world.team))
    case = make_case(world.service)
    response = post(
        client,
        case,
        "close",
        {
            "close-status": templates["removed"].pk,
            "close-use_template": "1",
            "close-version": case.version,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert textarea(html, "close-resolution") == (
        f"Cleared for {case.reference} &lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert "<script>alert(1)" not in html
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.OPEN, 1)


def test_the_page_gives_case_js_each_templates_text_for_each_status(
    world, templates, make_case, make_staff, signed_in
):
    case = make_case(world.service)
    html = page(signed_in(make_staff(world.team)), case)
    match = re.search(r'<script id="status-templates" type="application/json">(.*?)</script>', html)
    assert match
    data = json.loads(match.group(1))
    crew, booked = str(templates["crew"].pk), str(templates["booked"].pk)
    assert data["picks"] == {crew: booked}
    assert data["texts"][crew][booked].endswith("Status: Crew booked.")
    assert data["texts"][str(templates["checking"].pk)][booked].endswith("Status: Checking.")
    close = re.search(r'<script id="close-templates" type="application/json">(.*?)</script>', html)
    assert close
    # The script tag cannot be closed early by a template's text.
    assert "</script>alert" not in close.group(1)
    assert json.loads(close.group(1))["picks"] == {
        str(templates["removed"].pk): str(templates["cleared"].pk)
    }


def test_those_who_may_not_change_status_cannot_use_a_template(
    world, templates, make_case, make_staff, make_resident, signed_in
):
    case = make_case(world.service)
    data = {"status-template": templates["thanks"].pk, "status-use_template": "1"}
    assert (
        post(signed_in(make_staff(world.team, "advisor")), case, "status", data).status_code == 403
    )
    assert post(signed_in(world.county_officer), case, "status", data).status_code == 404
    assert post(signed_in(make_resident()), case, "status", data).status_code == 403
    # An advisor sees no status form and no templates at all.
    html = page(signed_in(make_staff(world.team, "advisor")), case)
    assert "status-template" not in html
