"""A resident subscribes to garden waste in a real browser, with JavaScript on and off: from
their bin days, signs in, reads the price rules, chooses how many bins (after an error),
checks the price, pays on the test provider's card page and sees the subscription with its
case reference and their garden waste collections on their bin days; then cancels it within
the 14 days for a full refund. Staff then see the subscriber list. Every page, including the
error state, passes axe-core."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from borough.accounts.services import resident_register
from borough.payments.models import Refund
from borough.waste.models import GardenStatus, GardenSubscription
from tests.browser.conftest import assert_accessible
from tests.waste.conftest import Waste, garden_build, london, waste_build

PASSWORD = "purple lantern orchard"


@pytest.fixture
def waste(district, make_team, make_property) -> Waste:
    return waste_build(district, make_team, make_property)


def _sign_in_as(page, live_server, user) -> None:
    from django.conf import settings as django_settings
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_subscribes_to_garden_waste_pays_and_cancels(
    request, live_server, page_fixture, waste, settings, make_staff
):
    settings.PAYMENT_PROVIDER = "test"
    # The session outlives the travel back in time.
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    page = request.getfixturevalue(page_fixture)
    garden_build(waste)
    resident_register(
        email="robin@example.com", full_name="Robin Resident", password=PASSWORD, verified=True
    )
    with time_machine.travel(london(2026, 5, 6, 10, 0), tick=True):
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/")
        page.get_by_role("link", name="Subscribe to garden waste collection").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Subscribe to garden waste collection"
        )
        expect(page.get_by_text("You need to sign in to your account to do this")).to_be_visible()
        assert_accessible(page)
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.get_by_label("Email address").fill("robin@example.com")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()

        # The start page, with the price and the part-year and refund rules.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Subscribe to garden waste collection"
        )
        expect(page.locator("#garden-price")).to_have_text(
            "Each bin costs £45 for the year 1 April 2026 to 31 March 2027. "
            "You can have up to 3 bins."
        )
        expect(page.get_by_text("each bin costs £25 for the rest of the year")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Start now").click()

        # How many bins: nothing chosen is an error.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "How many garden waste bins do you want emptied?"
        )
        assert_accessible(page)
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_title(
            re.compile("^Error: How many garden waste bins do you want emptied?")
        )
        expect(
            page.get_by_role("alert").get_by_text("Select how many bins you want")
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("2", exact=True).check()
        page.get_by_role("button", name="Continue").click()

        # Check the subscription and the price, then pay.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Check your subscription before you pay"
        )
        expect(page.locator("#period")).to_have_text(
            "Wednesday 6 May 2026 to Wednesday 31 March 2027"
        )
        expect(page.locator("#bins-count")).to_have_text("2 bins at £45 each")
        expect(page.locator("#price")).to_have_text("£90")
        assert_accessible(page)
        page.get_by_role("button", name="Accept and pay").click()

        expect(
            page.get_by_text("This is a test payment page. No money will be taken.")
        ).to_be_visible()
        page.get_by_label("Card number").fill("4444 3333 2222 1111")
        page.get_by_label("Month").fill("12")
        page.get_by_label("Year").fill("2040")
        page.get_by_label("Name on card").fill("Robin Resident")
        page.get_by_label("Card security code").fill("123")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Payment complete")
        page.get_by_role("button", name="Continue").click()

        # The subscription, with its case reference.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Garden waste subscription confirmed"
        )
        subscription = GardenSubscription.objects.get()
        assert subscription.status == GardenStatus.ACTIVE
        assert subscription.case is not None
        expect(page.locator("#reference")).to_have_text(subscription.case.reference)
        assert_accessible(page)

        # The bin days now include garden waste.
        page.get_by_role("link", name="Back to your bin days").click()
        expect(page.locator("main").get_by_text("Garden waste").first).to_be_visible()
        assert_accessible(page)

        # Cancel within 14 days: a full refund.
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/garden/{subscription.pk}/")
        page.get_by_role("link", name="Cancel your subscription").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Are you sure you want to cancel your garden waste subscription?"
        )
        expect(page.locator("#refund")).to_have_text(
            "We will refund £90 to the card you paid with."
        )
        assert_accessible(page)
        page.get_by_role("button", name="Cancel subscription").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Garden waste subscription cancelled"
        )
        expect(
            page.get_by_text("Your garden waste subscription has been cancelled")
        ).to_be_visible()
        assert_accessible(page)

        # A staff member sees the year's subscribers (none now) and the export link.
        officer = make_staff(waste.team, role="caseworker")
        _sign_in_as(page, live_server, officer)
        page.goto(f"{live_server.url}/staff/waste/garden/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Garden waste subscribers")
        expect(page.locator("#garden-totals")).to_have_text("0 subscribers, 0 bins")
        expect(page.get_by_role("link", name="Download the list as a CSV file")).to_be_visible()
        assert_accessible(page)
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.CANCELLED
    assert Refund.objects.get().amount_pence == 9000


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_tampered_price_and_a_duplicate_are_refused_in_the_browser(
    request, live_server, page_fixture, waste, settings, make_resident
):
    from tests.waste.test_garden import subscribed

    settings.PAYMENT_PROVIDER = "test"
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    page = request.getfixturevalue(page_fixture)
    garden = garden_build(waste)
    resident = make_resident()
    with time_machine.travel(london(2026, 5, 6, 10, 0), tick=True):
        _sign_in_as(page, live_server, resident)
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/garden/subscribe/")
        page.get_by_label("1", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        expect(page.locator("#price")).to_have_text("£45")

        # Someone changes the price on its way to the council (as a proxy could, with or
        # without JavaScript).
        def tamper(route) -> None:
            body = route.request.post_data or ""
            if route.request.method == "POST":
                route.continue_(post_data=body.replace("price=4500", "price=100"))
            else:
                route.continue_()

        page.route("**/garden/check/", tamper)
        page.get_by_role("button", name="Accept and pay").click()
        expect(page).to_have_title(re.compile("^Error: Check your subscription before you pay"))
        expect(
            page.get_by_role("alert").get_by_text(
                "The price has changed to £45. Check your answers and try again."
            )
        ).to_be_visible()
        assert_accessible(page)
        assert not GardenSubscription.objects.exists()
        page.unroute("**/garden/check/")

        # Another resident subscribes meanwhile: this one is told clearly.
        subscribed(garden, make_resident())
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/garden/subscribe/")
        expect(page.locator("#garden-message")).to_have_text(
            "This address already has a garden waste subscription for 1 April 2026 to 31 March 2027"
        )
        assert_accessible(page)
    assert GardenSubscription.objects.count() == 1
