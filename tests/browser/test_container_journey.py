"""A resident with an account requests a new container in a real browser, with JavaScript on
and off: the service asks them to sign in, then for their address and the container; they sign
out half way, sign in again and continue where they left off (save and come back later), send
the request, and see it with its status in "Your requests". Every page passes axe-core."""

# The pages use GOV.UK typography (curly apostrophes).

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from borough.accounts.services import resident_register
from borough.cases.models import Case
from borough.portal.models import SavedJourney
from tests.browser.conftest import assert_accessible

PASSWORD = "purple lantern orchard"

CONTAINER_FORM: dict[str, Any] = {
    "title": "Request a new container",
    "pages": [
        {
            "id": "container",
            "questions": [
                {
                    "id": "container",
                    "type": "radios",
                    "label": "Which container do you need?",
                    "name": "the container",
                    "options": [
                        {"value": "recycling_box", "label": "Recycling box"},
                        {"value": "wheelie_bin", "label": "Wheelie bin (240 litres)"},
                        {"value": "food_caddy", "label": "Food waste caddy"},
                    ],
                }
            ],
        },
        {
            "id": "reason",
            "questions": [
                {
                    "id": "reason",
                    "type": "radios",
                    "label": "Why do you need it?",
                    "name": "why you need it",
                    "options": [
                        {"value": "lost", "label": "It was lost or stolen"},
                        {"value": "damaged", "label": "It is damaged"},
                        {"value": "new_home", "label": "I have moved into a new home"},
                    ],
                }
            ],
        },
    ],
}


def _sign_in(page: Any, email: str) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_requests_a_new_container_and_sees_it_in_your_requests(
    request, live_server, page_fixture, district, make_team, make_service, make_property
):
    page = request.getfixturevalue(page_fixture)
    team = make_team(district, "Waste collections")
    make_service(
        district,
        code="request-container",
        name="Request a new bin or box",
        summary="A new recycling box, wheelie bin or food waste caddy.",
        group="Bins and recycling",
        kind="request",
        needs_property=True,
        identity="account",
        sla_value=10,
        default_team=team,
        form=CONTAINER_FORM,
    )
    make_property(paon="7", street_name="Icen Way", postcode="DT1 1EW")
    make_property(paon="9", street_name="Icen Way", postcode="DT1 1EW")
    resident = resident_register(
        email="robin@example.com", full_name="Robin Resident", password=PASSWORD, verified=True
    )

    # The start page says an account is needed; starting asks them to sign in.
    page.goto(live_server.url + "/service/request-container/")
    expect(page.get_by_text("You need an account to use this service.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in to use this service"
    assert_accessible(page)
    page.locator("main").get_by_role("button", name="Sign in").click()
    _sign_in(page, "robin@example.com")

    # Back on the start page, signed in.
    assert page.url == live_server.url + "/service/request-container/"
    page.get_by_role("button", name="Start now").click()

    # The address: a postcode, then the address from the list.
    assert page.get_by_role("heading", level=1).inner_text() == "What is the address?"
    page.get_by_label("Postcode").fill("dt1 1ew")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("Select an address").select_option(label="9 Icen Way, Dorchester, DT1 1EW")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    # The container: nothing chosen first, to see the error.
    assert page.get_by_role("heading", level=1).inner_text() == "Which container do you need?"
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: Which container do you need?")
    expect(page.get_by_role("alert").get_by_text("Select the container")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Wheelie bin (240 litres)").check()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Why do you need it?"
    assert SavedJourney.objects.get(user=resident).completed == ["find-address", "container"]

    # Signing out loses the session; the answers are kept.
    page.locator("nav[aria-label='Account']").get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/sign-in/")
    _sign_in(page, "robin@example.com")
    assert page.url == live_server.url + "/account/"
    saved = page.get_by_role("heading", name="Saved requests you have not sent")
    expect(saved).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Request a new bin or box").click()

    expect(page.get_by_role("heading", name="You have a saved request")).to_be_visible()
    expect(page.get_by_role("button", name="Start again")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue where you left off").click()

    # The first page still to answer.
    assert page.get_by_role("heading", level=1).inner_text() == "Why do you need it?"
    assert_accessible(page)
    page.get_by_label("It is damaged").check()
    page.get_by_role("button", name="Continue").click()

    # Check your answers: the address and both answers, and no "Your details" (signed in).
    assert page.title().startswith("Check your answers before sending your request")
    main = page.locator("main").inner_text()
    assert "9 Icen Way, Dorchester, DT1 1EW" in main
    assert "Wheelie bin (240 litres)" in main
    assert "It is damaged" in main
    assert "Your details" not in main
    assert_accessible(page)
    page.get_by_role("button", name="Accept and send").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Request sent"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"CDC-\d{4}-\d{4}", reference)
    assert_accessible(page)

    case = Case.objects.get(reference=reference)
    assert case.resident == resident
    assert case.answers == {"container": "wheelie_bin", "reason": "damaged"}
    assert case.property is not None and case.property.paon == "9"
    assert case.channel == "web"
    assert not SavedJourney.objects.exists()

    # Your requests: the case with its status, and no saved request any more.
    page.locator("nav[aria-label='Account']").get_by_role("link", name="Your account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your requests"
    row = page.locator("tbody tr", has_text=reference)
    expect(row.get_by_role("link", name=reference)).to_be_visible()
    assert "Request a new bin or box" in row.inner_text()
    assert row.locator(".govuk-tag").inner_text() == "Received"
    assert page.get_by_text("Saved requests you have not sent").count() == 0
    assert_accessible(page)
