"""A field officer's day on a phone, in a real browser, with and without JavaScript, each page
checked with axe-core: they sign in, see the case assigned to them in today's list with its
distance, and report fly-tipping from where they stand with a photo."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from borough.cases.models import Attachment, Case
from borough.cases.services import Submission, case_assign, case_create
from borough.contacts.models import Contact
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible
from tests.conftest import DORCHESTER

# Where the officer stands: a few metres from the middle of the test area.
HERE = {"latitude": 50.7152, "longitude": -2.4368}


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


def phone(browser: Browser, *, javascript: bool) -> Iterator[Page]:
    """A phone-sized browser; with JavaScript, it may give the page its location."""
    options: dict = {
        "java_script_enabled": javascript,
        "locale": "en-GB",
        "viewport": {"width": 390, "height": 844},
    }
    if javascript:
        options.update(geolocation=HERE, permissions=["geolocation"])
    context = browser.new_context(**options)
    page = context.new_page()
    page._borough_javascript = javascript  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def phone_with_js(browser):
    yield from phone(browser, javascript=True)


@pytest.fixture
def phone_without_js(browser):
    yield from phone(browser, javascript=False)


@pytest.fixture
def field_world(district, make_team, make_staff, make_service, make_property):
    team = make_team(district, "Street cleansing")
    officer = make_staff(team, "field_officer", email="fiona@casterbridge.example")
    leader = make_staff(team, "team_leader", email="lee@casterbridge.example")
    service = make_service(
        district,
        name="Report fly-tipping",
        default_team=team,
        needs_location=True,
        public_cases=True,
        sla_value=5,
    )
    make_property(
        lat=DORCHESTER[0],
        lon=DORCHESTER[1],
        paon="4",
        street_name="High East Street",
        postcode="DT1 1HF",
    )
    case = case_create(
        submission=Submission(
            service=service,
            channel="web",
            answers={"kind": "small", "details": "A mattress by the wall"},
            reporter_email="rita@example.com",
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
        )
    )
    case = case_assign(case=case, assignee=officer, actor=leader)
    return officer, service, case


@pytest.mark.parametrize("browser_page", ["phone_with_js", "phone_without_js"])
def test_a_field_officer_sees_their_day_and_reports_fly_tipping_with_a_photo(
    request, live_server, browser_page, field_world
):
    page = request.getfixturevalue(browser_page)
    javascript = browser_page == "phone_with_js"
    officer, service, assigned = field_world

    page.goto(live_server.url + "/staff/field/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url == live_server.url + "/staff/field/"
    expect(page.get_by_role("heading", name="Your cases today", level=1)).to_be_visible()
    card = page.locator(".govuk-summary-card", has_text=assigned.reference)
    expect(card).to_be_visible()
    assert "Near 4 High East Street" in card.inner_text()
    expect(card.get_by_role("link", name=f"Directions to {assigned.reference}")).to_be_visible()
    assert_accessible(page)

    # How far away is it? The device's location, or a postcode without JavaScript.
    if javascript:
        page.get_by_role("button", name="Show distances from where I am").click()
        page.wait_for_url("**/staff/field/?*lat=*")
    else:
        assert page.get_by_role("button", name="Show distances from where I am").count() == 0
        page.get_by_label("Postcode where you are").fill("DT1 1HF")
        page.get_by_role("button", name="Show distances", exact=True).click()
    card = page.locator(".govuk-summary-card", has_text=assigned.reference)
    # About 26 metres from where the phone stands; the postcode's one address is the case's.
    assert ("30 metres" if javascript else "Less than 10 metres") in card.inner_text()
    assert_accessible(page)

    # Report something here.
    page.get_by_label("Report fly-tipping").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Report fly-tipping", level=1)).to_be_visible()
    assert_accessible(page)

    if not javascript:
        # Sent with nothing: every problem, linked to its question, and nothing made.
        page.get_by_role("button", name="Send report").click()
        summary = page.locator(".govuk-error-summary")
        expect(
            summary.get_by_role("link", name="Enter a postcode or street, or use your location")
        ).to_be_visible()
        expect(summary.get_by_role("link", name="Select the problem")).to_be_visible()
        assert page.title().startswith("Error: ")
        assert_accessible(page)
        assert Case.objects.count() == 1

    if javascript:
        page.get_by_role("button", name="Use my location").click()
        expect(page.get_by_text("Your location has been added")).to_be_visible()
    else:
        page.get_by_label("Postcode or street").fill("DT1 1HF")
    page.set_input_files(
        "#field_photo", files=[{"name": "tip.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    page.get_by_label("Large").check()
    page.get_by_label("Describe the problem").fill("Sofa and bags on the verge")
    page.get_by_role("button", name="Send report").click()

    assert page.url == live_server.url + "/staff/field/"
    reported = Case.objects.exclude(pk=assigned.pk).get()
    banner = page.locator(".govuk-notification-banner")
    assert f"Report sent: {reported.reference}" in banner.inner_text()
    assert_accessible(page)

    assert (reported.channel, reported.service, reported.answers["kind"]) == (
        "field",
        service,
        "large",
    )
    assert reported.latitude is not None
    if javascript:
        assert (reported.latitude, reported.longitude) == (HERE["latitude"], HERE["longitude"])
    else:
        assert (reported.latitude, reported.longitude) == pytest.approx(DORCHESTER)
    attachment = Attachment.objects.get(case=reported)
    assert attachment.uploaded_by == officer and attachment.content_type == "image/jpeg"
    contact = Contact.objects.get(case=reported)
    assert (contact.channel, contact.staff) == ("field", officer)
