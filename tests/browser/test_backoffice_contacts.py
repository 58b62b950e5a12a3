"""Real-browser journeys through the second part of the back office, with and without
JavaScript, each page checked with axe-core: an advisor logs a phone call that needed no case;
a member of staff sets up two-factor authentication; an auditor searches the audit trail; a
caseworker asks the resident for information and records the reply."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from borough.cases.models import Case, EventKind, Status
from borough.contacts.models import Contact
from tests.backoffice import conftest as backoffice_fixtures
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible

make_case = backoffice_fixtures.make_case
world = backoffice_fixtures.world

BROWSERS = ["page", "page_without_js"]


def sign_in(page, live_server, user, path="/staff/"):
    page.goto(live_server.url + path)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("browser_page", BROWSERS)
def test_an_advisor_logs_a_phone_contact_that_needed_no_case(
    request, live_server, browser_page, world, make_staff
):
    page = request.getfixturevalue(browser_page)
    advisor = make_staff(world.team, "advisor", email="ada@casterbridge.example")
    sign_in(page, live_server, advisor)
    assert page.url == live_server.url + "/staff/"

    page.get_by_role("link", name="Contacts").click()
    assert page.url == live_server.url + "/staff/contacts/"
    expect(page.get_by_role("heading", name="Today's contacts")).to_be_visible()
    expect(page.get_by_text("No contacts have been logged today.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Log a contact").click()
    assert page.url == live_server.url + "/staff/contacts/new/"
    assert_accessible(page)

    # Nothing chosen: every error, linked to its question.
    page.get_by_role("button", name="Log contact").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Select how the resident got in touch")).to_be_visible()
    expect(summary.get_by_role("link", name="Select the outcome of the contact")).to_be_visible()
    assert page.title().startswith("Error: Log a contact")
    assert_accessible(page)
    assert Contact.objects.count() == 0

    page.get_by_label("Phone").check()
    page.get_by_label("Service (optional)").select_option(label="Report fly-tipping")
    page.get_by_label("Information given").check()
    page.get_by_role("group", name="Could the contact have been avoided?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Was it resolved there and then?").get_by_label("Yes").check()
    page.get_by_label("Notes (optional)").fill("Told them when the tip will be cleared")
    page.get_by_role("button", name="Log contact").click()

    assert page.url == live_server.url + "/staff/contacts/"
    assert "Contact logged" in page.locator(".govuk-notification-banner").inner_text()
    expect(page.get_by_role("cell", name="Told them when the tip will be cleared")).to_be_visible()
    assert_accessible(page)

    contact = Contact.objects.get()
    assert (
        contact.channel,
        contact.staff,
        contact.organisation,
        contact.service,
        contact.outcome,
        contact.avoidable,
        contact.resolved_at_first_contact,
        contact.case,
    ) == ("phone", advisor, world.district, world.service, "information_given", True, True, None)


@pytest.mark.parametrize("browser_page", BROWSERS)
def test_staff_set_up_two_factor_authentication(
    request, live_server, browser_page, world, make_staff, settings
):
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    page = request.getfixturevalue(browser_page)
    officer = make_staff(world.team, "caseworker", email="casey@casterbridge.example")
    sign_in(page, live_server, officer)
    assert page.url.startswith(live_server.url + "/staff/two-factor/set-up/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.locator("svg.borough-qr")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Enter the 6-digit code from your authenticator app").fill("12")
    page.get_by_role("button", name="Finish setting up").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role("link", name="The code must be 6 digits")
    ).to_be_visible()
    assert_accessible(page)

    device = TOTPDevice.objects.get(user=officer)
    page.get_by_label("Enter the 6-digit code from your authenticator app").fill(
        f"{totp(device.bin_key):06d}"
    )
    page.get_by_role("button", name="Finish setting up").click()
    assert page.url == live_server.url + "/staff/"
    assert (
        "Your authenticator app is set up"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert TOTPDevice.objects.get(user=officer).confirmed

    # Signing in again asks for the code.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, officer)
    assert page.url.startswith(live_server.url + "/staff/two-factor/?next=")
    expect(
        page.get_by_role("heading", name="Enter the 6-digit code from your authenticator app")
    ).to_be_visible()
    page.get_by_label("Enter the 6-digit code from your authenticator app").fill("000001")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role(
            "link", name="The code is not correct. Check your authenticator app and try again."
        )
    ).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("browser_page", BROWSERS)
def test_an_auditor_searches_the_audit_trail(
    request, live_server, browser_page, world, make_staff, make_case
):
    page = request.getfixturevalue(browser_page)
    case = make_case(world.service)
    auditor = make_staff(world.team, "auditor", email="audrey@casterbridge.example")
    sign_in(page, live_server, auditor)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")

    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Case reference").fill("nonsense")
    page.get_by_role("button", name="Search").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role(
            "link", name="Enter a case reference, like CDC-4827-3915"
        )
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_role("button", name="Search").click()
    # The auditor saw the case in their queue on signing in, then opened it: two entries.
    expect(page.get_by_role("cell", name=f"Case {case.reference}")).to_have_count(2)
    expect(page.get_by_role("cell", name=re.compile(r"^Opened a case"))).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile(r"^Saw a case in a queue"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Sam Officer ?: everything they did$")).first.click()
    expect(page.get_by_role("heading", name="Everything this person did")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("browser_page", BROWSERS)
def test_a_caseworker_asks_the_resident_and_records_the_reply(
    request, live_server, browser_page, world, make_staff, make_case
):
    page = request.getfixturevalue(browser_page)
    case = make_case(world.service)
    officer = make_staff(world.team, "caseworker", email="casey@casterbridge.example")
    sign_in(page, live_server, officer, f"/staff/cases/{case.reference}/")

    page.get_by_role("button", name="Ask the resident").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role(
            "link", name="Enter what you need to know from the resident"
        )
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What do you need to know?").fill("Which bins were missed?")
    page.get_by_role("button", name="Ask the resident").click()
    assert "waiting for their reply" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("h1 + p .govuk-tag").first.inner_text() == "Waiting for the resident"
    assert_accessible(page)

    page.get_by_label("How they replied").select_option("letter")
    page.get_by_label("What they said").fill("The green one")
    page.get_by_role("button", name="Add the reply").click()
    assert (
        "Reply from the resident added" in page.locator(".govuk-notification-banner").inner_text()
    )
    assert_accessible(page)
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.OPEN and case.sla_paused_at is None
    assert case.events.filter(kind=EventKind.RESIDENT_REPLIED, body="The green one").exists()
