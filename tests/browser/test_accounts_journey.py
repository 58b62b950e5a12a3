"""A resident's account in a real browser, with JavaScript on and off: create an account
(first with mistakes), confirm the email address from the emailed link, sign in (first with
a wrong password), see their request in Your requests and open it, change a detail, and sign
out. Every page, and each error state, passes axe-core."""

# The pages use GOV.UK typography (curly apostrophes).
# ruff: noqa: RUF001

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from borough.accounts.models import User
from borough.cases.services import Submission, case_create, case_note_add, case_public_update
from tests.browser.conftest import assert_accessible
from tests.conftest import DORCHESTER

PASSWORD = "purple lantern orchard"

# Screenshots of the pages for a person to look at: BOROUGH_SCREENSHOTS=/some/folder.
SCREENSHOTS = os.environ.get("BOROUGH_SCREENSHOTS", "")


def _visit(page: Any, name: str) -> None:
    assert_accessible(page)
    if SCREENSHOTS:
        suffix = "js" if getattr(page, "_borough_javascript", True) else "nojs"
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/account-{name}-{suffix}.png", full_page=True)


def _link_in(body: str) -> str:
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_creates_an_account_and_follows_their_request(
    request, live_server, page_fixture, district, make_team, make_service, make_staff, settings
):
    # Emailed links point at the configured site address: here, the test server.
    settings.SITE_URL = live_server.url
    page = request.getfixturevalue(page_fixture)
    team = make_team(district, "Street cleansing")
    service = make_service(district, name="Report fly-tipping", default_team=team)
    officer = make_staff(team, "caseworker", email="sam.officer@casterbridge.example")
    mail.outbox.clear()

    # The header offers "Sign in"; from there, create an account.
    page.goto(live_server.url + "/")
    page.locator("nav[aria-label='Account']").get_by_role("link", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    _visit(page, "01-sign-in")
    page.get_by_role("link", name="create an account").click()

    # Create an account: first with nothing typed and a weak password, to see the errors.
    assert page.get_by_role("heading", level=1).inner_text() == "Create an account"
    _visit(page, "02-register")
    page.get_by_label("Create a password").fill("short")
    page.get_by_role("button", name="Create account").click()
    assert page.title().startswith("Error: Create an account")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter your full name")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your email address")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Your password must be 10 characters or more")
    ).to_be_visible()
    _visit(page, "03-register-errors")
    page.get_by_label("Full name").fill("Alex Resident")
    page.get_by_label("Email address").fill("alex@example.com")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert "alex@example.com" in page.locator("main").inner_text()
    _visit(page, "04-check-your-email")
    resident = User.objects.get(email="alex@example.com")
    assert resident.email_verified_at is None

    # A request made for them (say, by phone), with an internal note and a public update.
    case = case_create(
        submission=Submission(
            service=service,
            channel="phone",
            resident=resident,
            staff=officer,
            answers={"kind": "large", "details": "A sofa on the verge"},
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
        )
    )
    case_note_add(case=case, actor=officer, body="Internal: check the CCTV first")
    case_public_update(case=case, actor=officer, body="We will collect the sofa on Friday.")

    # Sign in before confirming: a wrong password first.
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Email address").fill("alex@example.com")
    page.get_by_label("Password", exact=True).fill("not my password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.title().startswith("Error: Sign in")
    expect(
        page.locator(".govuk-error-summary").get_by_role(
            "link", name="Enter a correct email address and password"
        )
    ).to_be_visible()
    _visit(page, "05-sign-in-error")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    # Your requests, with the banner asking them to confirm their address.
    assert page.url == live_server.url + "/account/"
    assert page.get_by_role("heading", level=1).inner_text() == "Your requests"
    expect(page.get_by_text("Confirm your email address")).to_be_visible()
    _visit(page, "06-your-requests-unconfirmed")
    page.get_by_role("button", name="Send the link again").click()
    assert "We’ve sent a new link to alex@example.com" in page.locator("main").inner_text()

    # Confirm from the emailed link (the first one, sent when they registered).
    # (The case's own notifications are in the outbox too.)
    links = [m for m in mail.outbox if m.subject == "Confirm your email address"]
    assert [m.to for m in links] == [["alex@example.com"]] * 2
    page.goto(_link_in(links[0].body))
    assert page.get_by_role("heading", level=1).inner_text() == "Email address confirmed"
    _visit(page, "07-confirmed")
    page.get_by_role("button", name="Go to your requests").click()
    assert page.get_by_text("Confirm your email address").count() == 0

    row = page.locator("tbody tr")
    assert row.count() == 1
    assert case.reference in row.inner_text() and "Report fly-tipping" in row.inner_text()
    assert "Received" in row.inner_text()
    _visit(page, "08-your-requests")
    page.get_by_role("link", name=case.reference).click()

    # The request: answers and the public timeline only, by the council.
    assert page.get_by_role("heading", level=1).inner_text() == "Report fly-tipping"
    main = page.locator("main").inner_text()
    assert "A sofa on the verge" in main
    assert "We will collect the sofa on Friday." in main
    assert "by Casterbridge District Council" in main
    assert "CCTV" not in main and "Sam Officer" not in main
    _visit(page, "09-request")

    # Your details: change the phone number, with a mistake first.
    page.get_by_role("link", name="Your details").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your details"
    _visit(page, "10-your-details")
    page.get_by_role("link", name="Change phone number").click()
    page.get_by_label("What is your phone number? (optional)").fill("123")
    page.get_by_role("button", name="Save").click()
    assert page.title().startswith("Error: What is your phone number?")
    _visit(page, "11-phone-error")
    page.get_by_label("What is your phone number? (optional)").fill("01305 251010")
    page.get_by_role("button", name="Save").click()
    assert "Your phone number has been changed" in page.locator("main").inner_text()
    assert "01305251010" in page.locator("main").inner_text()
    _visit(page, "12-details-changed")

    # Sign out from the header.
    page.locator("nav[aria-label='Account']").get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You’ve signed out"
    _visit(page, "13-signed-out")
    page.goto(live_server.url + "/account/")
    assert page.url == live_server.url + "/sign-in/?next=/account/"


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_changes_their_details_and_deletes_their_account(
    request, live_server, page_fixture, make_resident, make_property
):
    page = request.getfixturevalue(page_fixture)
    resident = make_resident(email="alex@example.com", full_name="Alex Resident")
    resident.set_password(PASSWORD)
    resident.save()
    make_property(uprn="100040000301", paon="3", postcode="DT1 1UZ")
    make_property(uprn="100040000302", paon="5", postcode="DT1 1UZ")

    page.goto(live_server.url + "/account/profile/")
    assert page.url == live_server.url + "/sign-in/?next=/account/profile/"
    page.get_by_label("Email address").fill("alex@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.url == live_server.url + "/account/profile/"

    # Address: a postcode, then the address from the gazetteer's list.
    page.get_by_role("link", name="Change address").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What is your address?"
    page.get_by_role("button", name="Find address").click()
    assert page.title().startswith("Error: What is your address?")
    _visit(page, "20-postcode-error")
    page.get_by_label("Postcode").fill("dt1 1uz")
    page.get_by_role("button", name="Find address").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Select your address"
    page.get_by_role("button", name="Save address").click()
    assert page.title().startswith("Error: Select your address")
    _visit(page, "21-address-error")
    page.get_by_label("Address").select_option(label="5 High West Street, Dorchester, DT1 1UZ")
    page.get_by_role("button", name="Save address").click()
    assert "5 High West Street, Dorchester, DT1 1UZ" in page.locator("main").inner_text()

    # How we contact you: by post, now that there is an address.
    page.get_by_role("link", name="Change how we contact you").click()
    _visit(page, "22-contact")
    page.get_by_label("Post").check()
    page.get_by_role("button", name="Save").click()
    assert "How we contact you has been changed" in page.locator("main").inner_text()

    # Help needed: yes, and then what help.
    page.get_by_role("link", name="Change help using council services").click()
    page.get_by_label("Yes").check()
    _visit(page, "23-help")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What help do you need?"
    page.get_by_role("button", name="Save").click()
    assert page.title().startswith("Error: What help do you need?")
    _visit(page, "24-help-error")
    page.get_by_label("What help do you need?").fill("Large print letters, please")
    page.get_by_role("button", name="Save").click()
    assert "Large print letters, please" in page.locator("main").inner_text()

    # Delete the account: the password first, wrong.
    page.get_by_role("link", name="Delete your account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Delete your account"
    _visit(page, "25-delete")
    page.get_by_label("Enter your password to confirm").fill("not my password")
    page.get_by_role("button", name="Delete account").click()
    assert page.title().startswith("Error: Delete your account")
    _visit(page, "26-delete-error")
    page.get_by_label("Enter your password to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Delete account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your account has been deleted"
    _visit(page, "27-deleted")
    assert (
        page.locator("nav[aria-label='Account']").get_by_role("link", name="Sign in").count() == 1
    )
    resident.refresh_from_db()
    assert not resident.is_active and resident.full_name == ""
