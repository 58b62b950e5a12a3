"""A team leader finds a case that could not be sent to the contractor and sends it again, in
a real browser with and without JavaScript, each page checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from borough.dispatch.models import Dispatch, DispatchStatus
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible
from tests.dispatch import conftest as dispatch_fixtures
from tests.dispatch.contractor import Answer

# The dispatch tests' builders, shared rather than copied.
world = dispatch_fixtures.world
make_endpoint = dispatch_fixtures.make_endpoint
report = dispatch_fixtures.report
open311_contractor = dispatch_fixtures.open311_contractor


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"])
def test_a_team_leader_sends_a_refused_case_again(
    request, live_server, browser_page, world, make_endpoint, report, open311_contractor
):
    page = request.getfixturevalue(browser_page)
    make_endpoint(open311_contractor.url)
    open311_contractor.fail_next(
        Answer(400, '[{"code":400,"description":"Unknown service_code FT01"}]'),
        Answer(503, "[]"),
    )
    refused = report()
    waiting = report()
    assert Dispatch.objects.get(case=refused).status == DispatchStatus.GAVE_UP

    page.goto(live_server.url + "/staff/")
    page.get_by_label("Email address").fill(world.leader.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Dispatch").click()
    assert page.url == live_server.url + "/staff/dispatch/"
    expect(page.get_by_role("heading", name="Dispatch to contractors")).to_be_visible()
    not_sent = page.locator("#not-sent")
    expect(not_sent.get_by_role("link", name=refused.reference)).to_be_visible()
    expect(not_sent.get_by_text("Unknown service_code FT01")).to_be_visible()
    expect(page.locator("#retrying").get_by_role("link", name=waiting.reference)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=f"Retry now {refused.reference}").click()
    assert page.url == live_server.url + "/staff/dispatch/"
    banner = page.locator(".govuk-notification-banner")
    assert f"{refused.reference} is being sent to Ringway" in banner.inner_text()
    assert page.locator("#not-sent").count() == 0
    expect(page.get_by_text("There are no cases that could not be sent.")).to_be_visible()
    assert_accessible(page)

    dispatch = Dispatch.objects.get(case=refused)
    assert (dispatch.status, dispatch.external_id) == (DispatchStatus.SENT, "SR-3")
    # The case page's timeline says where it went.
    page.goto(f"{live_server.url}/staff/cases/{refused.reference}/")
    expect(
        page.get_by_text("Sent to Ringway (highways contractor), their reference SR-3")
    ).to_be_visible()
    assert_accessible(page)
