"""A caseworker's journey through the back office in a real browser, with and without
JavaScript: sign in, open the team queue, open a case, assign it to themself, add a public
update and close it with a resolution. Every page, and each error state, is checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from borough.cases.models import Case, EventKind, Status
from tests.backoffice import conftest as backoffice_fixtures
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible

# The back office's builders, shared rather than copied.
make_case = backoffice_fixtures.make_case
world = backoffice_fixtures.world


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"])
def test_caseworker_works_a_case_from_the_queue(
    request, live_server, browser_page, world, make_case, make_staff
):
    page = request.getfixturevalue(browser_page)
    officer = make_staff(world.team, "caseworker", email="casey@casterbridge.example")
    case = make_case(world.service)
    make_case(world.service)

    # Signing in: first with nothing typed, to see the errors.
    page.goto(live_server.url + "/staff/")
    assert page.url.startswith(live_server.url + "/staff/sign-in/?next=")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter your email address")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your password")).to_be_visible()
    assert page.title().startswith("Error: Sign in")
    assert_accessible(page)
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The team queue.
    assert page.url == live_server.url + "/staff/"
    expect(page.get_by_role("heading", name="Your teams' cases")).to_be_visible()
    assert page.locator('nav[aria-label="Queues"] a[aria-current="page"]').inner_text() == "Team"
    assert_accessible(page)

    # The case.
    page.get_by_role("link", name=case.reference).click()
    assert page.url == f"{live_server.url}/staff/cases/{case.reference}/"
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Assign to me").click()
    assert page.locator(".govuk-notification-banner").inner_text().endswith("Case assigned to you")
    assert_accessible(page)

    page.get_by_label("Update for the resident", exact=True).fill(
        "We will clear the rubbish on Tuesday."
    )
    page.get_by_role("button", name="Add public update").click()
    assert "Public update added" in page.locator(".govuk-notification-banner").inner_text()
    expect(page.get_by_text("We will clear the rubbish on Tuesday.")).to_be_visible()
    # Closing without saying what was done is refused, with an error summary.
    page.get_by_role("button", name="Close case").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role("link", name="Enter what was done")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Outcome").select_option("fixed")
    page.get_by_label("What was done").fill("Cleared by the street cleansing crew.")
    page.get_by_role("button", name="Close case").click()
    assert "Case closed" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("h1 + p .govuk-tag").inner_text() == "Fixed"
    assert_accessible(page)

    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.FIXED and case.assignee == officer
    assert list(case.events.filter(actor=officer).order_by("id").values_list("kind", "body")) == [
        (EventKind.ASSIGNED, ""),
        (EventKind.PUBLIC_UPDATE, "We will clear the rubbish on Tuesday."),
        (EventKind.CLOSED, "Cleared by the street cleansing crew."),
    ]
