"""Real-browser journeys through insight, with and without JavaScript, each page checked with
axe-core: a team leader reads and filters the dashboard; an administrator sets a channel cost
and a channel-shift target; a resident finds the public performance page from the footer;
and the dashboards and public page on the full demo."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from borough.contacts.models import ChannelCost
from borough.core.workingdays import LONDON
from borough.insight.models import ChannelShiftTarget
from tests.browser.conftest import assert_accessible
from tests.insight import conftest as insight_fixtures
from tests.insight.conftest import PASSWORD

log_contact = insight_fixtures.log_contact
report = insight_fixtures.report

BROWSERS = ["page", "page_without_js"]


def sign_in(page, live_server, email, password=PASSWORD, path="/staff/insight/"):
    page.goto(live_server.url + path)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def area(district, make_team, make_service, make_staff, log_contact, report):
    team = make_team(district, "Street cleansing")
    service = make_service(district, name="Report graffiti", default_team=team, sla_value=2)
    leader = make_staff(team, "team_leader", email="leader@casterbridge.example")
    admin = make_staff(team, "administrator", email="admin@casterbridge.example")
    officer = make_staff(team, "caseworker")
    now = timezone.now().astimezone(LONDON)
    for days in range(1, 60, 3):
        moment = now - timezone.timedelta(days=days)
        log_contact(district, "phone" if days % 2 else "web", moment, avoidable=days % 5 == 0)
    report(
        service,
        now - timezone.timedelta(days=20),
        closed=now - timezone.timedelta(days=17),
        actor=officer,
    )
    report(service, now - timezone.timedelta(days=3))
    return {"leader": leader, "admin": admin}


@pytest.mark.parametrize("browser_page", BROWSERS)
def test_a_team_leader_reads_and_filters_the_dashboard(request, live_server, browser_page, area):
    page = request.getfixturevalue(browser_page)
    sign_in(page, live_server, "leader@casterbridge.example", path="/staff/")
    page.get_by_role("link", name="Insight").click()
    assert page.url.startswith(live_server.url + "/staff/insight/")
    expect(page.get_by_role("heading", name="Contacts by channel")).to_be_visible()
    expect(page.get_by_role("img", name="Contacts by channel")).to_be_visible()
    expect(page.get_by_role("table", name="Contacts by channel")).to_be_visible()
    expect(
        page.get_by_role("link", name="Download the data for contacts by channel (CSV)")
    ).to_be_visible()
    assert_accessible(page)

    # A bad date: an error summary linked to the field, and no figures.
    page.get_by_label("From", exact=True).fill("31/2/2026")
    page.get_by_role("button", name="Show figures").click()
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="The start date must be a real date, like 27/3/2026")
    ).to_be_visible()
    assert page.title().startswith("Error:")
    assert page.get_by_role("heading", name="Contacts by channel").count() == 0
    assert_accessible(page)

    page.get_by_label("From", exact=True).fill("")
    page.get_by_label("Group by").select_option("week")
    page.get_by_label("Channel").select_option("phone")
    page.get_by_role("button", name="Show figures").click()
    assert "group=week" in page.url and "channel=phone" in page.url
    expect(page.get_by_role("columnheader", name="Week starting").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("browser_page", BROWSERS)
def test_an_administrator_sets_a_channel_cost_and_a_target(
    request, live_server, browser_page, area, district
):
    page = request.getfixturevalue(browser_page)
    sign_in(page, live_server, "admin@casterbridge.example")
    page.get_by_role("link", name="Channel costs").click()
    expect(page.get_by_role("heading", name="Channel costs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save cost").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the cost of one contact")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter where the figure comes from")).to_be_visible()
    assert_accessible(page)
    assert not ChannelCost.objects.filter(organisation=district).exists()

    page.get_by_label("Channel").select_option("phone")
    page.get_by_label("Applies from").fill("1/4/2026")
    page.get_by_label("Cost of one contact").fill("4.10")
    page.get_by_label("Source").fill("Casterbridge contact centre costing 2026")
    page.get_by_role("button", name="Save cost").click()
    assert "Cost saved" in page.locator(".govuk-notification-banner").inner_text()
    expect(page.get_by_role("cell", name="£4.10")).to_be_visible()
    assert_accessible(page)
    assert ChannelCost.objects.get(organisation=district).cost_pence == 410

    page.get_by_role("link", name="Back to insight").click()
    page.get_by_role("link", name="Channel-shift targets").first.click()
    page.get_by_label("Share of contacts online").fill("45")
    page.get_by_label("Runs from").fill("1/4/2026")
    page.get_by_label("Due").fill("1/4/2029")
    page.get_by_role("button", name="Save target").click()
    assert "Target saved" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    assert list(ChannelShiftTarget.objects.values_list("percent", "due_on")) == [
        (45, date(2029, 4, 1))
    ]
    page.get_by_role("link", name="Back to insight").click()
    expect(page.get_by_role("table", name="Channel-shift targets")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("browser_page", BROWSERS)
def test_a_resident_finds_the_performance_page_from_the_footer(
    request, live_server, browser_page, area
):
    page = request.getfixturevalue(browser_page)
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", name="Performance")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Casterbridge District Council").click()
    assert page.url == live_server.url + "/performance/casterbridge/"
    expect(page.get_by_role("img", name="Contacts by channel")).to_be_visible()
    expect(page.get_by_text("[c]").first).to_be_visible()
    assert_accessible(page)


def test_the_dashboards_and_public_page_on_the_demo(live_server, page, page_without_js):
    from borough.demo.build import demo_build
    from borough.demo.people import DEMO_PASSWORD

    with transaction.atomic():
        demo_build(seed=4242)
    for browser_page in (page, page_without_js):
        sign_in(browser_page, live_server, "administrator@casterbridge.example", DEMO_PASSWORD)
        expect(browser_page.get_by_role("heading", name="Digital take-up")).to_be_visible()
        expect(browser_page.get_by_role("table", name="Channel-shift targets")).to_be_visible()
        assert_accessible(browser_page)
        browser_page.get_by_label("Group by").select_option("week")
        browser_page.get_by_role("button", name="Show figures").click()
        assert_accessible(browser_page)
        browser_page.goto(live_server.url + "/performance/wessex/")
        expect(browser_page.get_by_role("heading", name="Time to resolve")).to_be_visible()
        assert_accessible(browser_page)
