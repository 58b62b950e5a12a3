"""Resident pages the journeys do not reach, each checked with axe-core with JavaScript on
and off: resetting a password (and its error states), changing the email address, the sign-in
lock-out (429), a group of services, a search with no results, and "Page not found"."""

# The pages use GOV.UK typography (curly apostrophes).
# ruff: noqa: RUF001

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from tests.browser.conftest import assert_accessible

PASSWORD = "correct horse battery staple"
JS = ["page", "page_without_js"]


def _heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def _error_summary(page: Any) -> str:
    return str(page.locator(".govuk-error-summary").inner_text())


@pytest.mark.parametrize("page_fixture", JS)
def test_resetting_a_password(request, live_server, page_fixture, make_resident, settings):
    settings.SITE_URL = live_server.url
    page = request.getfixturevalue(page_fixture)
    make_resident(email="alex@example.com")
    mail.outbox.clear()

    page.goto(live_server.url + "/password-reset/")
    assert _heading(page) == "Reset your password"
    assert_accessible(page)
    page.get_by_role("button", name="Send link").click()
    assert page.title().startswith("Error: ")
    assert "Enter your email address" in _error_summary(page)
    assert_accessible(page)
    page.get_by_label("Email address").fill("alex@example.com")
    page.get_by_role("button", name="Send link").click()
    assert _heading(page) == "Check your email"
    assert_accessible(page)

    (message,) = [m for m in mail.outbox if m.to == ["alex@example.com"]]
    link = re.search(r"https?://\S+", message.body)
    assert link
    page.goto(link.group(0))
    assert _heading(page) == "Create a new password"
    assert "/set-password/" in page.url  # the token is not left in the address bar
    assert_accessible(page)
    page.get_by_label("New password").fill("short")
    page.get_by_role("button", name=re.compile("password", re.I)).last.click()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("New password").fill("a brand new lantern orchard")
    page.get_by_role("button", name=re.compile("password", re.I)).last.click()
    assert _heading(page) == "Your password has been changed"
    assert_accessible(page)

    # The same link again is not valid.
    page.goto(link.group(0))
    assert _heading(page) == "The link is not valid"
    assert_accessible(page)


def _sign_in(page: Any, live_server: Any, email: str, password: str) -> None:
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("page_fixture", JS)
def test_changing_the_email_address(request, live_server, page_fixture, make_resident):
    page = request.getfixturevalue(page_fixture)
    make_resident(email="alex@example.com")
    _sign_in(page, live_server, "alex@example.com", PASSWORD)
    page.goto(live_server.url + "/account/profile/email/")
    assert _heading(page) == "Change your email address"
    assert_accessible(page)
    page.get_by_role("button", name="Send link").click()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("New email address").fill("alex.new@example.com")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Send link").click()
    assert "alex.new@example.com" in page.locator("main").inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("page_fixture", JS)
def test_the_sign_in_lock_out_page(request, live_server, page_fixture, make_resident):
    page = request.getfixturevalue(page_fixture)
    make_resident(email="alex@example.com")
    statuses = []
    page.on("response", lambda response: statuses.append(response.status))
    for _ in range(5):
        _sign_in(page, live_server, "alex@example.com", "not the password")
    assert statuses[-1] == 429
    assert "You’ve entered the wrong details too many times. Try again in 15 minutes." in (
        page.locator("main").inner_text()
    )
    assert page.title().startswith("Error: ")
    assert_accessible(page)


@pytest.mark.parametrize("page_fixture", JS)
def test_a_group_of_services_and_a_search_with_no_results(
    request, live_server, page_fixture, district, make_service
):
    page = request.getfixturevalue(page_fixture)
    make_service(district, name="Report fly-tipping", group="Street cleaning")
    make_service(district, name="Report graffiti", group="Street cleaning")
    page.goto(live_server.url + "/services/street-cleaning/")
    assert _heading(page) == "Street cleaning"
    assert page.get_by_role("link", name="Report graffiti").count() == 1
    assert_accessible(page)

    page.goto(live_server.url + "/search?q=zebra+crossing+xylophone")
    assert "No services match" in page.locator("main").inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("page_fixture", JS)
def test_the_page_not_found_page(request, live_server, page_fixture):
    page = request.getfixturevalue(page_fixture)
    response = page.goto(live_server.url + "/no-such-page/")
    assert response is not None and response.status == 404
    assert _heading(page) == "Page not found"
    assert_accessible(page)
    # And for a report that is not public, or does not exist.
    response = page.goto(live_server.url + "/reports/CDC-0000-0000/")
    assert response is not None and response.status == 404
    assert _heading(page) == "Page not found"
    assert_accessible(page)
