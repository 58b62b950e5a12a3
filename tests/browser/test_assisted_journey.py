"""Assisted digital in a real browser, with JavaScript on and off: an advisor signs in to the
back office, raises a missed-bin case for a caller on the phone through the service's own form
pages, reads the reference to the caller, and opens the case, which says it came by phone.
Every page, and each error state, passes axe-core."""

# The pages use GOV.UK typography (curly apostrophes).
# ruff: noqa: RUF001

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from borough.cases.models import Case, EventKind
from borough.contacts.models import Contact
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible

MISSED_BIN_FORM: dict[str, Any] = {
    "title": "Report a missed bin",
    "pages": [
        {
            "id": "bin",
            "questions": [
                {
                    "id": "bin",
                    "type": "radios",
                    "label": "Which bin was missed?",
                    "name": "the bin that was missed",
                    "options": [
                        {"value": "rubbish", "label": "Rubbish (black bin)"},
                        {"value": "recycling", "label": "Recycling (green box)"},
                        {"value": "garden", "label": "Garden waste (brown bin)"},
                    ],
                }
            ],
        }
    ],
}


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_an_advisor_raises_a_missed_bin_case_for_a_caller_on_the_phone(
    request, live_server, page_fixture, district, make_team, make_service, make_staff, make_property
):
    page = request.getfixturevalue(page_fixture)
    team = make_team(district, "Waste collections")
    advisor = make_staff(team, "advisor", email="avery@casterbridge.example")
    make_service(
        district,
        code="report-missed-bin",
        name="Report a missed bin",
        group="Bins and recycling",
        keywords=["bin", "collection"],
        needs_property=True,
        identity="anonymous",
        sla_value=2,
        default_team=team,
        form=MISSED_BIN_FORM,
    )
    make_service(district, code="report-fly-tipping", name="Report fly-tipping", default_team=team)
    make_property(paon="4", street_name="Durngate Street", postcode="DT1 1JP")

    # Sign in to the back office.
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Email address").fill(advisor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Raise a case for a caller"
    ).click()

    # Nothing chosen: every error, in a GOV.UK error summary.
    assert page.get_by_role("heading", level=1).inner_text() == "Raise a case for a caller"
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: Raise a case for a caller")
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="Select the service the caller wants to use")
    ).to_be_visible()
    expect(summary.get_by_role("link", name="Select how the caller got in touch")).to_be_visible()
    expect(summary.get_by_role("link", name="Select if the caller has an account")).to_be_visible()
    assert_accessible(page)

    # Find the service, then say how the caller got in touch.
    page.get_by_label("Find a service").fill("missed bin")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 service matches ‘missed bin’.")).to_be_visible()
    assert_accessible(page)
    chosen = page.get_by_label("Service", exact=True)
    assert chosen.locator("option:checked").inner_text() == "Report a missed bin"
    page.get_by_label("Phone").check()
    page.get_by_label("No, or they do not know").check()
    page.get_by_role("button", name="Continue").click()

    # The service's own form pages, with a banner saying who it is for.
    assert page.get_by_role("heading", level=1).inner_text() == "What is the address?"
    banner = page.get_by_role("region", name="Raising a case for a caller")
    assert "You’re filling in this form for a caller (phone)." in banner.inner_text()
    page.get_by_label("Postcode").fill("DT1 1JP")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("Select an address").select_option(
        label="4 Durngate Street, Dorchester, DT1 1JP"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Which bin was missed?"
    page.get_by_label("Recycling (green box)").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    # The caller's details: a name is needed, an email address is not.
    assert page.get_by_role("heading", level=1).inner_text() == "The caller’s details"
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: The caller’s details")
    expect(page.get_by_role("alert").get_by_text("Enter the caller’s full name")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Pat Caller")
    page.get_by_label("UK telephone number (optional)").fill("01305 224466")
    page.get_by_role("button", name="Continue").click()

    assert page.title().startswith("Check the answers before sending the caller’s report")
    main = page.locator("main").inner_text()
    assert "4 Durngate Street, Dorchester, DT1 1JP" in main
    assert "Recycling (green box)" in main
    assert "Pat Caller" in main
    assert_accessible(page)
    page.get_by_role("button", name="Accept and send").click()

    # The reference to read to the caller, and the way to the case.
    assert page.get_by_role("heading", level=1).inner_text() == "Report sent"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"CDC-\d{4}-\d{4}", reference)
    assert "The caller’s reference number" in page.locator(".govuk-panel__body").inner_text()
    expect(page.get_by_text(f"Their reference number is {reference}.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Open case {reference} in the back office").click()

    # The case page says it came by phone.
    assert page.url == f"{live_server.url}/staff/cases/{reference}/"
    assert "by phone" in page.locator("main").inner_text()
    assert_accessible(page)

    case = Case.objects.get(reference=reference)
    assert case.channel == "phone"
    assert case.resident is None
    assert case.reporter_name == "Pat Caller"
    assert case.property is not None and case.property.paon == "4"
    assert case.events.get(kind=EventKind.CREATED).actor == advisor
    contact = Contact.objects.get()
    assert (contact.channel, contact.staff, contact.case, contact.service) == (
        "phone",
        advisor,
        case,
        case.service,
    )
    assert contact.outcome == "case_created"

    # Assisted mode ended with the case: the same browser is the advisor's own again.
    page.goto(live_server.url + "/service/report-missed-bin/")
    assert page.get_by_role("region", name="Raising a case for a caller").count() == 0
