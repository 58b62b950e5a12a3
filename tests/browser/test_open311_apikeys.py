"""An administrator issues an API key for FixMyStreet, copies it, and later revokes it, with and
without JavaScript, each page checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from borough.open311.models import ApiKey
from borough.open311.selectors import apikey_by_key
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"])
def test_an_administrator_issues_and_revokes_a_key(
    request, live_server, browser_page, county, make_team, make_staff
):
    page = request.getfixturevalue(browser_page)
    admin = make_staff(make_team(county), "administrator", email="ada@wessex.example")
    page.goto(live_server.url + "/staff/api-keys/")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url == live_server.url + "/staff/api-keys/"
    expect(page.get_by_text("No keys have been issued yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Issue a key").click()
    assert page.url == live_server.url + "/staff/api-keys/new/"
    assert_accessible(page)

    # Nothing entered: each error in the summary, linked to its field.
    page.get_by_label("Requests each minute").fill("")
    page.get_by_role("button", name="Issue key").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter who will use the key")).to_be_visible()
    assert page.title().startswith("Error: Issue an API key")
    assert_accessible(page)
    assert not ApiKey.objects.exists()

    page.get_by_label("Who will use the key").fill("FixMyStreet")
    page.get_by_label("Yes").check()
    page.get_by_label("Requests each minute").fill("60")
    page.get_by_role("button", name="Issue key").click()
    expect(page.get_by_role("heading", name="API key issued")).to_be_visible()
    raw_key = page.get_by_label("API key").input_value()
    api_key = apikey_by_key(raw_key)
    assert api_key is not None and api_key.extended_statuses
    assert_accessible(page)

    page.get_by_role("link", name="Back to API keys").last.click()
    expect(page.get_by_text(api_key.prefix, exact=True)).to_be_visible()
    assert raw_key not in page.content()
    page.get_by_role(
        "link", name=f"Revoke the key for FixMyStreet starting {api_key.prefix}"
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke key").click()
    assert page.url == live_server.url + "/staff/api-keys/"
    expect(page.get_by_text(f"Key {api_key.prefix}… revoked")).to_be_visible()
    assert_accessible(page)
    assert apikey_by_key(raw_key) is None
