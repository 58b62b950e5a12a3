# The pages use GOV.UK typography: curly apostrophes.
# ruff: noqa: RUF001
"""A resident books and pays for a bulky waste collection in a real browser, with JavaScript
on and off: signs in, chooses items (after an error), a day, where the items will be, checks
the price, pays on the test provider's card page and sees the booking with its case
reference; then cancels it before the cutoff for a refund. Every page, including the error
states, passes axe-core."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from borough.accounts.services import resident_register
from borough.payments.models import Refund
from borough.waste.models import BookingStatus, BulkyBooking
from tests.browser.conftest import assert_accessible
from tests.waste.conftest import Waste, bulky_build, london, waste_build

PASSWORD = "purple lantern orchard"


@pytest.fixture
def waste(district, make_team, make_property) -> Waste:
    return waste_build(district, make_team, make_property)


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_books_pays_for_and_cancels_a_bulky_collection(
    request, live_server, page_fixture, waste, settings
):
    settings.PAYMENT_PROVIDER = "test"
    # The session outlives the travel back in time.
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    page = request.getfixturevalue(page_fixture)
    bulky_build(waste)
    resident_register(
        email="robin@example.com", full_name="Robin Resident", password=PASSWORD, verified=True
    )
    with time_machine.travel(london(2026, 3, 4, 10, 0), tick=True):
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/")
        page.get_by_role("link", name="Book a bulky waste collection").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Book a bulky waste collection")
        expect(page.get_by_text("You need to sign in to your account to do this")).to_be_visible()
        assert_accessible(page)
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.get_by_label("Email address").fill("robin@example.com")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()

        # The start page, with the price rule and the item prices.
        expect(page.get_by_role("heading", level=1)).to_have_text("Book a bulky waste collection")
        expect(page.get_by_text("It costs £36 for up to 3 items.", exact=False)).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Start now").click()

        # Items: nothing chosen is an error.
        expect(page.get_by_role("heading", level=1)).to_have_text("What do you want us to collect?")
        assert_accessible(page)
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_title(re.compile("^Error: What do you want us to collect?"))
        alert = page.get_by_role("alert")
        expect(
            alert.get_by_text("Enter how many of at least one item you want us to collect")
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Sofa or settee").fill("2")
        page.get_by_label("Fridge or freezer").fill("1")
        page.get_by_label("Table or chairs").fill("1")
        page.get_by_role("button", name="Continue").click()

        # The day: only days with places left.
        expect(page.get_by_role("heading", level=1)).to_have_text("Choose a collection day")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("alert").get_by_text("Select a collection day")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Monday 9 March 2026").check()
        page.get_by_role("button", name="Continue").click()

        # Where.
        expect(page.get_by_role("heading", level=1)).to_have_text("Where will you leave the items?")
        assert_accessible(page)
        page.get_by_label("On the driveway").check()
        page.get_by_label("Is there anything the crew needs to know? (optional)").fill(
            "Gate code 1234"
        )
        page.get_by_role("button", name="Continue").click()

        # Check the booking and the price, then pay.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Check your booking before you pay"
        )
        main = page.locator("main")
        expect(main.get_by_text("2 × Sofa or settee")).to_be_visible()
        expect(main.get_by_text("Monday 9 March 2026")).to_be_visible()
        expect(page.locator("#price")).to_have_text("£42")
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

        # The booking, with its case reference.
        expect(page.get_by_role("heading", level=1)).to_have_text("Bulky waste collection booked")
        booking = BulkyBooking.objects.get()
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.case is not None
        expect(page.locator("#reference")).to_have_text(booking.case.reference)
        assert re.fullmatch(r"CDC-\d{4}-\d{4}", booking.case.reference)
        assert_accessible(page)

        # Cancel before the cutoff: a full refund.
        page.get_by_role("link", name="Cancel your booking").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Are you sure you want to cancel your collection?"
        )
        expect(page.get_by_text("We will refund £42 to the card you paid with.")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Cancel collection").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Bulky waste collection cancelled"
        )
        expect(page.get_by_text("Your bulky waste collection has been cancelled")).to_be_visible()
        assert_accessible(page)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Refund.objects.get().amount_pence == 4200


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
def test_a_resident_changes_a_booking_is_refused_a_late_cancellation_and_staff_see_it(
    request, live_server, page_fixture, waste, settings, make_resident, make_staff
):
    from tests.waste.test_bulky import booked

    settings.PAYMENT_PROVIDER = "test"
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    page = request.getfixturevalue(page_fixture)
    bulky = bulky_build(waste)
    resident = make_resident()
    with time_machine.travel(london(2026, 3, 4, 10, 0), tick=True):
        booking = booked(
            bulky, resident, quantities={"sofa": 2, "fridge": 1, "table": 1}, price_pence=4200
        )
        _sign_in_as(page, live_server, resident)
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/bulky/{booking.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Bulky waste collection booked")
        page.get_by_role("link", name="Change your booking").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Change your bulky waste collection"
        )
        assert_accessible(page)

        # A word for a number is an error.
        page.get_by_label("Sofa or settee").fill("lots")
        page.get_by_role("button", name="Check the new price").click()
        expect(page).to_have_title(re.compile("^Error: Change your bulky waste collection"))
        expect(
            page.get_by_role("alert").get_by_text("Sofa or settee must be a number, like 1")
        ).to_be_visible()
        assert_accessible(page)

        # One sofa on another day: the new price and the refund, then confirm.
        page.get_by_label("Sofa or settee").fill("1")
        page.get_by_label("Fridge or freezer").fill("0")
        page.get_by_label("Table or chairs").fill("0")
        page.get_by_label("Monday 16 March 2026").check()
        page.get_by_role("button", name="Check the new price").click()
        expect(page.locator("#new-price")).to_contain_text("The new price is £36.")
        expect(page.locator("#new-price")).to_contain_text("We will refund £6")
        assert_accessible(page)
        page.get_by_role("button", name="Confirm change").click()
        expect(page.get_by_text("Your bulky waste collection has been changed")).to_be_visible()
        expect(page.locator("main").get_by_text("Monday 16 March 2026")).to_be_visible()
        assert_accessible(page)
    booking.refresh_from_db()
    assert (booking.date.isoformat(), booking.price_pence) == ("2026-03-16", 3600)
    assert Refund.objects.get().amount_pence == 600

    # After midday on the Friday before, cancelling is refused and nothing changes.
    with time_machine.travel(london(2026, 3, 13, 12, 30), tick=True):
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/bulky/{booking.pk}/")
        expect(
            page.get_by_text("It is too late to change or cancel this booking online")
        ).to_be_visible()
        page.goto(f"{live_server.url}/bins/{waste.home.uprn}/bulky/{booking.pk}/cancel/")
        page.get_by_role("button", name="Cancel collection").click()
        expect(
            page.get_by_role("alert").get_by_text("It is too late to cancel this collection")
        ).to_be_visible()
        assert_accessible(page)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED

        # The waste office's list of the day's bulky collections.
        _sign_in_as(page, live_server, make_staff(waste.team, role="team_leader"))
        page.goto(f"{live_server.url}/staff/waste/")
        page.get_by_role("link", name="Bulky waste collections").click()
        page.goto(f"{live_server.url}/staff/waste/bulky/?date=2026-03-16")
        expect(page.get_by_role("heading", level=1)).to_have_text("Bulky waste collections")
        row = page.locator("tbody tr", has_text="1 High West Street")
        expect(row.get_by_text("1 × Sofa or settee")).to_be_visible()
        assert_accessible(page)
