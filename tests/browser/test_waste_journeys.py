# The pages use GOV.UK typography: curly apostrophes.
# ruff: noqa: RUF001
"""Residents check their bin days and report a missed bin in a real browser, with JavaScript
on and off; every page, including one with errors, passes axe-core."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from borough.cases.models import Case
from borough.waste.models import MissedCollection
from tests.browser.conftest import assert_accessible
from tests.waste.conftest import Waste, london, waste_build


@pytest.fixture
def waste(district, make_team, make_property) -> Waste:
    return waste_build(district, make_team, make_property)


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_checks_their_bin_days(request, live_server, page_fixture, waste, make_property):
    page = request.getfixturevalue(page_fixture)
    make_property(paon="3", street_name="High West Street", postcode="DT1 1UZ")
    with time_machine.travel(london(2026, 3, 4, 9, 0), tick=True):
        page.goto(live_server.url + "/bins/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your bin collection days")
        assert_accessible(page)
        page.get_by_role("button", name="Find address").click()
        expect(page).to_have_title(re.compile("^Error: Check your bin collection days"))
        expect(page.get_by_role("alert").get_by_text("Enter a postcode")).to_be_visible()
        assert_accessible(page)

        page.get_by_label("Postcode").fill("dt1 1uz")
        page.get_by_role("button", name="Find address").click()
        page.get_by_label("Select an address").select_option(
            label="1 High West Street, Dorchester, DT1 1UZ"
        )
        assert_accessible(page)
        page.get_by_role("button", name="Continue").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Your bin days")
        main = page.locator("main").inner_text()
        assert "1 High West Street, Dorchester, DT1 1UZ" in main
        assert "Monday 16 March 2026" in main  # rubbish
        assert "Monday 9 March 2026" in main  # recycling and food
        expect(page.get_by_role("link", name="Add your bin days to your calendar")).to_be_visible()
        assert_accessible(page)


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_reports_yesterdays_missed_bin(
    request, live_server, page_fixture, waste, settings
):
    # The session outlives the travel back in time.
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    page = request.getfixturevalue(page_fixture)
    # Tuesday 3 March 2026: the rubbish was due yesterday.
    with time_machine.travel(london(2026, 3, 3, 10, 0), tick=True):
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/")
        page.get_by_role("link", name="Report a missed collection").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Report a missed collection")
        assert (
            "It is too late to report a missed recycling collection"
            in page.locator("main").inner_text()
        )
        assert_accessible(page)

        page.get_by_role("button", name="Report missed collection").click()
        expect(page).to_have_title(re.compile("^Error: Report a missed collection"))
        alert = page.get_by_role("alert")
        expect(alert.get_by_text("Select which collection was missed")).to_be_visible()
        expect(alert.get_by_text("Enter your email address")).to_be_visible()
        assert_accessible(page)
        assert not Case.objects.exists()

        page.get_by_label("Rubbish").check()
        page.get_by_label("Is there anything else we should know? (optional)").fill(
            "The bin was at the gate <b>as usual</b>"
        )
        page.get_by_label("Email address").fill("resident@example.com")
        page.get_by_role("button", name="Report missed collection").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Missed collection reported")
        case = Case.objects.get()
        assert case.reference in page.locator("main").inner_text()
        assert_accessible(page)
    assert case.answers["details"] == "The bin was at the gate <b>as usual</b>"
    assert MissedCollection.objects.get(case=case).stream == waste.streams["refuse"]


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_team_leader_sees_the_waste_office_and_records_a_round(
    request, live_server, page_fixture, waste, make_staff, settings
):
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    page = request.getfixturevalue(page_fixture)
    leader = make_staff(waste.team, role="team_leader")
    with time_machine.travel(london(2026, 3, 2, 12, 0), tick=True):
        page.goto(live_server.url + "/staff/waste/")
        page.get_by_label("Email address").fill(leader.email)
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Waste collections", level=1)).to_be_visible()
        assert "Monday rubbish" in page.locator("main").inner_text()
        assert_accessible(page)

        page.get_by_role("link", name="Record today’s collections").click()
        assert_accessible(page)
        page.get_by_role("link", name="Monday rubbish").click()
        expect(page.get_by_role("heading", name="Monday rubbish", level=1)).to_be_visible()
        page.get_by_label("1 High West Street (Rubbish)").select_option(label="Bin not put out")
        assert_accessible(page)
        page.get_by_role("button", name="Save collections").click()
        expect(page.get_by_text("Recorded 1 collection for Monday rubbish")).to_be_visible()
        assert_accessible(page)
    event = waste.home.waste_events.get()
    assert event.outcome == "not_presented" and event.crew == leader


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_requests_a_bin_and_applies_for_help(
    request, live_server, page_fixture, waste, make_resident, settings
):
    from django.conf import settings as django_settings
    from django.test import Client

    settings.PAYMENT_PROVIDER = "test"
    page = request.getfixturevalue(page_fixture)
    resident = make_resident()
    signed_in = Client()
    signed_in.force_login(resident)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/bins/{waste.home.uprn}/")
    page.get_by_role("link", name="Request a new container").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a new container")
    assert_accessible(page)
    page.get_by_role("button", name="Request container").click()
    expect(page).to_have_title(re.compile("^Error: Request a new container"))
    expect(page.get_by_role("alert").get_by_text("Select what you need")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Rubbish bin").check()
    page.get_by_label("It is lost or was stolen").check()
    page.get_by_role("button", name="Request container").click()
    # A replacement costs £25: paid on the test provider's card page first.
    expect(page.get_by_text("This is a test payment page. No money will be taken.")).to_be_visible()
    page.get_by_label("Card number").fill("4444 3333 2222 1111")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2040")
    page.get_by_label("Name on card").fill("Alex Resident")
    page.get_by_label("Card security code").fill("123")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment complete")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Container requested")
    expect(page.locator("#reference")).to_have_text(Case.objects.get(resident=resident).reference)
    assert_accessible(page)

    page.goto(f"{live_server.url}/bins/{waste.home.uprn}/assisted/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for an assisted collection")
    assert_accessible(page)
    page.get_by_role("button", name="Send application").click()
    expect(page).to_have_title(re.compile("^Error: Apply for an assisted collection"))
    assert_accessible(page)
    assert Case.objects.filter(resident=resident).count() == 1
