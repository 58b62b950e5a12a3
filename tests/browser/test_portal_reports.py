"""Street reports in a real browser, with JavaScript on and off, every page checked by axe-core.

(a) A resident reports fly-tipping with a photo: with JavaScript they click the map to place
    a pin (the hidden latitude and longitude get its point); without it they use a postcode.
    Then they find the report among the reports near them and follow it.
(b) A resident about to report a pothole is told someone already reported it nearby, says it
    is the same problem and follows that report instead: no new case.
"""

# The pages use GOV.UK typography: curly quotes, apostrophes and en dashes.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from borough.cases.models import Case, CaseFollower
from borough.cases.services import Submission, case_create
from borough.contacts.models import Contact
from tests.browser.conftest import assert_accessible
from tests.browser.test_portal_journeys import FLY_TIPPING_FORM, _shot
from tests.conftest import DORCHESTER
from tests.portal.conftest import png_bytes


def _follow_link(email: str) -> str:
    """The link in the last "Confirm you want updates" email to `email`."""
    (message,) = [m for m in mail.outbox if m.to == [email]][-1:]
    match = re.search(r"https?://[^/\s]+(/follow/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def _visit(page: Any, name: str) -> None:
    assert_accessible(page)
    _shot(page, name)


def _javascript(page: Any) -> bool:
    return bool(getattr(page, "_borough_javascript", True))


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_reports_fly_tipping_with_a_photo_and_a_pin(
    request, live_server, page_fixture, district, make_service, make_property, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = request.getfixturevalue(page_fixture)
    javascript = _javascript(page)
    service = make_service(
        district,
        code="report-fly-tipping",
        name="Report fly-tipping",
        summary="Tell us about rubbish dumped on a street, verge or public land.",
        group="Street cleaning",
        needs_location=True,
        sla_value=5,
        public_cases=True,
        form=FLY_TIPPING_FORM,
    )
    make_property(paon="1", street_name="High West Street", postcode="DT1 1UZ")
    make_property(paon="3", street_name="High West Street", postcode="DT1 1UZ", lat=50.7152)

    page.goto(f"{live_server.url}/service/{service.code}/find-location/")
    assert page.get_by_role("heading", level=1).inner_text() == "Where is the problem?"
    latitude = page.locator("#location-latitude")
    longitude = page.locator("#location-longitude")
    map_region = page.get_by_role("region", name="Map: click or tap to place a pin where it is")
    if javascript:
        # The map is drawn from our own data: the council's boundary is on it, and no tiles.
        map_region.wait_for()
        page.locator(".borough-map__canvas path").first.wait_for(state="attached")
        assert page.locator(".leaflet-tile").count() == 0
        # The postcode or street name stays for those who cannot use the map.
        expect(page.get_by_label("Postcode or street name")).to_be_visible()
        _visit(page, "r01-location-map")
        # After "Find address" the map is centred on the postcode; a pin placed on it is used
        # instead of an address chosen from the list.
        page.get_by_label("Postcode or street name").fill("DT1 1UZ")
        page.get_by_role("button", name="Find address").click()
        page.get_by_label("Select the nearest address").select_option(
            label="3 High West Street, Dorchester, DT1 1UZ"
        )
        map_region.click()
        page.locator(".leaflet-marker-icon").wait_for()
        assert page.get_by_label("Select the nearest address").input_value() == ""
        assert re.fullmatch(r"50\.7\d{5}", latitude.input_value())
        assert re.fullmatch(r"-2\.4\d{5}", longitude.input_value())
        # Keyboard: Enter on the focused map puts the pin in its middle; Tab moves on (the
        # zoom buttons, then Continue): the map does not trap focus.
        page.locator("#location-map").focus()
        page.keyboard.press("Enter")
        assert re.fullmatch(r"50\.7\d{5}", latitude.input_value())
        for _ in range(3):
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Continue"
        latitude_placed, longitude_placed = latitude.input_value(), longitude.input_value()
        expect(page.get_by_text("Pin placed on the map")).to_be_visible()
        _visit(page, "r02-location-pin")
    else:
        assert map_region.count() == 0
        assert page.locator(".borough-map").is_hidden()
        _visit(page, "r01-location-nojs")
        page.get_by_label("Postcode or street name").fill("DT1 1UZ")
        page.get_by_role("button", name="Find address").click()
        page.get_by_label("Select the nearest address").select_option(
            label="1 High West Street, Dorchester, DT1 1UZ"
        )
        assert latitude.input_value() == ""
        _visit(page, "r02-location-address")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "What has been dumped?"
    page.get_by_label("Black bags").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("radio", name="No").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Add photos (optional)").set_input_files(
        files=[{"name": "bags.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Email address").fill("resident@example.com")
    page.get_by_role("button", name="Continue").click()

    assert page.title().startswith("Check your answers")
    assert re.search(
        r"Near [13] High West Street, Dorchester, DT1 1UZ", page.locator("main").inner_text()
    )
    _visit(page, "r03-check")
    page.get_by_role("button", name="Accept and send").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Report sent"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    case = Case.objects.get(reference=reference)
    assert case.attachments.get().original_name == "bags.png"
    if javascript:
        # Where the pin was put on the map, not an address.
        assert (case.latitude, case.longitude) == (
            float(latitude_placed),
            float(longitude_placed),
        )
        assert case.latitude == pytest.approx(50.7151, abs=0.001)
        assert case.longitude == pytest.approx(DORCHESTER[1], abs=0.001)
    else:
        assert (case.latitude, case.longitude) == DORCHESTER

    # The report is public, without the resident's details.
    page.get_by_role("link", name=f"see report {reference}").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Report fly-tipping"
    assert "resident@example.com" not in page.content()
    if javascript:
        page.locator("#report-map .leaflet-marker-icon").wait_for()
    _visit(page, "r04-report")

    page.goto(f"{live_server.url}/reports/")
    _visit(page, "r05-reports")
    page.get_by_label("Postcode or street name").fill("DT1 1UZ")
    page.get_by_role("button", name="Find reports").click()
    assert "Reports within 1 kilometre of DT1 1UZ" in page.locator("main").inner_text()
    if javascript:
        page.locator("#reports-map path.leaflet-interactive").first.wait_for(state="attached")
    _visit(page, "r06-reports-near")
    page.get_by_role("link", name="Report fly-tipping").click()
    page.get_by_label("Email address").fill("neighbour@example.com")
    page.get_by_role("button", name="Get updates").click()
    # Not signed in: the address's owner confirms by email first.
    expect(page.get_by_text("Check your email").first).to_be_visible()
    _visit(page, "r07-report-check-email")
    assert not CaseFollower.objects.exists()
    page.goto(live_server.url + _follow_link("neighbour@example.com"))
    _visit(page, "r08-follow-confirm")
    page.get_by_role("button", name="Get updates").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("You’re now following")
    _visit(page, "r09-report-followed")
    assert CaseFollower.objects.get().email == "neighbour@example.com"


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_joins_an_existing_pothole_report(
    request, live_server, page_fixture, county, make_service, make_property
):
    page = request.getfixturevalue(page_fixture)
    service = make_service(
        county,
        code="report-pothole",
        name="Report a pothole",
        summary="Tell us about a pothole in a road or pavement.",
        group="Roads",
        needs_location=True,
        sla_value=10,
        public_cases=True,
    )
    home = make_property(paon="1", street_name="High West Street", postcode="DT1 1UZ")
    original = case_create(
        submission=Submission(
            service=service,
            channel="phone",
            answers={"kind": "large"},
            reporter_email="first@example.com",
            latitude=DORCHESTER[0] + 0.0002,
            longitude=DORCHESTER[1],
        )
    )
    contacts_before = Contact.objects.count()

    page.goto(f"{live_server.url}/service/{service.code}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode or street name").fill("DT1 1UZ")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("Select the nearest address").select_option(value=home.uprn)
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Is this the same problem?"
    assert "20 metres away" in page.locator("main").inner_text()
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: Is this the same problem?")
    _visit(page, "p01-same-problem-error")
    page.get_by_role(
        "radio", name=f"Yes, this is the same problem as report {original.reference}"
    ).check()
    _visit(page, "p02-same-problem")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Get updates about report {original.reference}"
    )
    _visit(page, "p03-get-updates")
    page.get_by_label("Email address").fill("second@example.com")
    page.get_by_role("button", name="Get updates").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    _visit(page, "p04-check-email")
    page.goto(live_server.url + _follow_link("second@example.com"))
    page.get_by_role("button", name="Get updates").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"You’re now following report {original.reference}"
    )
    _visit(page, "p05-following")
    assert Case.objects.count() == 1
    follower = CaseFollower.objects.get()
    assert (follower.case, follower.email) == (original, "second@example.com")
    assert Contact.objects.count() == contacts_before + 1
    contact = Contact.objects.order_by("-id").first()
    assert (contact.case, contact.outcome, contact.channel) == (original, "case_updated", "web")
