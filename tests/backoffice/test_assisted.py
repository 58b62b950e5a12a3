"""Assisted digital in the back office: "Raise a case for a caller", finding the caller's
account (audited), who may do it, and stopping."""

# The pages use GOV.UK typography: curly quotes and apostrophes.
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from borough.core.models import AuditEntry
from borough.portal.journey import ASSISTED_KEY, assisted_get


def start_data(service: Any, **overrides: str) -> dict[str, Any]:
    data = {"service": str(service.pk), "channel": "phone", "caller": "new"}
    data.update(overrides)
    return data


def text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def advisor(world, make_staff):
    return make_staff(world.team, "advisor", email="avery@casterbridge.example")


@pytest.mark.parametrize("role", ["advisor", "caseworker", "team_leader", "administrator"])
def test_staff_who_take_calls_see_the_page_with_every_published_service(
    world, make_staff, signed_in, role
):
    client = signed_in(make_staff(world.team, role))
    response = client.get("/staff/assisted/")
    assert response.status_code == 200
    html = text(response)
    assert '<h1 class="govuk-heading-l">Raise a case for a caller</h1>' in html
    # Services are routed by location: another council's services are offered too.
    for service in (world.service, world.other_team_service, world.county_service):
        assert f'<option value="{service.pk}">{service.name}</option>' in html
    assert '<optgroup label="Wessex County Council">' in html
    for channel in ("phone", "face_to_face", "kiosk", "letter", "email"):
        assert f'value="{channel}"' in html
    assert 'value="web"' not in html
    # The navigation links to it.
    assert 'href="/staff/assisted/" aria-current="true"' in html


@pytest.mark.parametrize("role", ["auditor", "field_officer", "contractor"])
def test_staff_who_do_not_take_calls_are_forbidden(world, make_staff, signed_in, role):
    client = signed_in(make_staff(world.team, role))
    assert client.get("/staff/assisted/").status_code == 403
    assert client.post("/staff/assisted/", start_data(world.service)).status_code == 403
    assert client.get("/staff/assisted/caller/").status_code == 403
    assert ASSISTED_KEY not in client.session
    assert "Raise a case for a caller" not in text(client.get("/staff/"))


def test_a_resident_is_forbidden_and_a_visitor_must_sign_in(world, make_resident, signed_in):
    resident = signed_in(make_resident())
    assert resident.get("/staff/assisted/").status_code == 403
    assert resident.post("/staff/assisted/", start_data(world.service)).status_code == 403
    assert resident.get("/staff/assisted/caller/?q=alex").status_code == 403
    assert ASSISTED_KEY not in resident.session
    response = Client().get("/staff/assisted/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/?next=/staff/assisted/")


def test_nothing_chosen_shows_every_error(world, advisor, signed_in):
    client = signed_in(advisor)
    response = client.post("/staff/assisted/", {})
    assert response.status_code == 400
    html = text(response)
    assert '<a href="#service">Select the service the caller wants to use</a>' in html
    assert '<a href="#channel">Select how the caller got in touch</a>' in html
    assert '<a href="#caller">Select if the caller has an account</a>' in html
    assert ASSISTED_KEY not in client.session


def test_a_web_channel_or_an_unknown_service_is_refused(world, advisor, signed_in):
    client = signed_in(advisor)
    response = client.post("/staff/assisted/", start_data(world.service, channel="web"))
    assert response.status_code == 400
    assert "Select how the caller got in touch" in text(response)
    response = client.post("/staff/assisted/", {**start_data(world.service), "service": "999999"})
    assert response.status_code == 400
    assert ASSISTED_KEY not in client.session


def test_searching_narrows_the_services(world, advisor, signed_in):
    client = signed_in(advisor)
    html = text(client.get("/staff/assisted/?q=pothole"))
    assert "1 service matches ‘pothole’." in html
    assert f'<option value="{world.county_service.pk}" selected>' in html
    assert f'<option value="{world.service.pk}">' not in html
    html = text(client.get("/staff/assisted/?q=zebra"))
    assert "No services match ‘zebra’. All services are listed." in html
    assert f'<option value="{world.service.pk}">' in html


def test_a_new_caller_goes_straight_to_the_services_form_in_assisted_mode(
    world, advisor, signed_in
):
    client = signed_in(advisor)
    response = client.post("/staff/assisted/", start_data(world.county_service))
    assert response.status_code == 302
    assert response["Location"] == f"/service/{world.county_service.code}/kind/"
    assisted = assisted_get(client.session)
    assert assisted is not None
    assert (assisted.service_code, assisted.channel, assisted.staff_id, assisted.resident_id) == (
        world.county_service.code,
        "phone",
        advisor.pk,
        None,
    )
    page = text(client.get(response["Location"]))
    assert "Raising a case for a caller" in page
    assert "You’re filling in this form for a caller (phone)." in page


def test_finding_the_callers_account_is_audited_and_starts_assisted_mode(
    world, advisor, signed_in, make_resident, make_staff
):
    alex = make_resident(email="alex.caller@example.com", full_name="Alex Caller")
    make_resident(email="sam@example.com", full_name="Sam Other")
    make_staff(world.team, "caseworker", email="alex.staff@example.com")  # never a caller
    client = signed_in(advisor)
    response = client.post(
        "/staff/assisted/", start_data(world.service, caller="account", channel="face_to_face")
    )
    assert response["Location"] == "/staff/assisted/caller/"
    assert ASSISTED_KEY not in client.session

    page = client.get("/staff/assisted/caller/")
    assert page.status_code == 200
    assert "Find the caller’s account" in text(page)
    assert not AuditEntry.objects.filter(action="resident.search").exists()

    short = client.get("/staff/assisted/caller/?q=al")
    assert short.status_code == 400
    assert "Enter at least 3 characters of the caller’s email address or name" in text(short)

    found = client.get("/staff/assisted/caller/?q=alex")
    html = text(found)
    assert "1 account found" in html
    assert "alex.caller@example.com" in html
    assert "alex.staff@example.com" not in html and "sam@example.com" not in html
    entry = AuditEntry.objects.get(action="resident.search")
    assert (entry.actor, entry.object_id, entry.organisation) == (
        advisor,
        str(alex.pk),
        world.district,
    )
    assert entry.detail == {"query": "alex"}

    by_email = text(client.get("/staff/assisted/caller/?q=ALEX.CALLER@example.com"))
    assert "1 account found" in by_email

    # A choice not among the accounts found for the search is refused.
    other = make_resident(email="zed@example.com", full_name="Zed Nobody")
    refused = client.post("/staff/assisted/caller/", {"q": "alex", "resident": str(other.pk)})
    assert refused.status_code == 400
    assert "Select the caller’s account" in text(refused)
    assert ASSISTED_KEY not in client.session

    response = client.post("/staff/assisted/caller/", {"q": "alex", "resident": str(alex.pk)})
    assert response["Location"] == f"/service/{world.service.code}/kind/"
    assisted = assisted_get(client.session)
    assert assisted is not None
    assert (assisted.channel, assisted.resident_id) == ("face_to_face", alex.pk)
    chosen = AuditEntry.objects.get(action="resident.act_for")
    assert chosen.object_id == str(alex.pk) and chosen.actor == advisor
    assert "The case will be on Alex Caller’s account" in text(client.get(response["Location"]))


def test_carrying_on_without_an_account(world, advisor, signed_in):
    client = signed_in(advisor)
    client.post("/staff/assisted/", start_data(world.service, caller="account"))
    response = client.post("/staff/assisted/caller/", {"action": "without"})
    assert response["Location"] == f"/service/{world.service.code}/kind/"
    assisted = assisted_get(client.session)
    assert assisted is not None and assisted.resident_id is None


def test_the_caller_page_without_a_choice_first_goes_back_to_the_start(world, advisor, signed_in):
    client = signed_in(advisor)
    assert client.get("/staff/assisted/caller/?q=alex")["Location"] == "/staff/assisted/"
    assert not AuditEntry.objects.filter(action="resident.search").exists()


def test_stopping_ends_assisted_mode(world, advisor, signed_in):
    client = signed_in(advisor)
    client.post("/staff/assisted/", start_data(world.service))
    client.post(f"/service/{world.service.code}/kind/", {"kind": "small"})
    response = client.post("/staff/assisted/", {"action": "end"})
    assert response["Location"] == "/staff/assisted/"
    assert ASSISTED_KEY not in client.session
    assert "portal.assisted_journeys" not in client.session
    assert "You’ve stopped raising a case for a caller" in text(client.get("/staff/assisted/"))
    # The runner is the advisor's own again: no banner, and "Your details" for themself.
    page = text(client.get(f"/service/{world.service.code}/kind/"))
    assert "Raising a case for a caller" not in page
    assert "checked" not in page
