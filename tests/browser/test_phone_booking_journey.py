# The pages use GOV.UK typography: curly apostrophes.
# ruff: noqa: RUF001
"""An advisor books and pays for a bulky waste collection for a caller on the phone, in a
real browser with JavaScript on and off: signs in to the back office, chooses the bulky
service on "Raise a case for a caller" (after the wrong channel is refused), finds the
caller's address, takes the caller's details (after an error), goes through the same bulky
pages a resident does, takes the card on the test provider's page and reads the reference to
the caller. The payment is on the phone, taken by the advisor; the booking and its
confirmation email are the caller's. Every page, including the error states, passes axe-core."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from borough.contacts.models import Contact
from borough.notify.models import Notification
from borough.payments.models import Payment
from borough.waste.models import BookingStatus, BulkyBooking
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible
from tests.waste.conftest import Waste, bulky_build, london, waste_build


@pytest.fixture
def waste(district, make_team, make_property) -> Waste:
    return waste_build(district, make_team, make_property)


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_an_advisor_books_and_pays_a_bulky_collection_for_a_caller(
    request, live_server, page_fixture, waste, settings, make_staff
):
    settings.PAYMENT_PROVIDER = "test"
    # The session outlives the travel back in time.
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    page = request.getfixturevalue(page_fixture)
    bulky_build(waste)
    advisor = make_staff(waste.team, "advisor", email="avery@casterbridge.example")
    with time_machine.travel(london(2026, 3, 4, 10, 0), tick=True):
        page.goto(live_server.url + "/staff/")
        page.get_by_label("Email address").fill(advisor.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Raise a case for a caller"
        ).click()

        # The bulky service, by face to face: refused, the payment is taken on the phone.
        expect(page.get_by_role("heading", level=1)).to_have_text("Raise a case for a caller")
        page.get_by_label("Service", exact=True).select_option(
            label="Book a bulky waste collection"
        )
        page.get_by_label("Face to face").check()
        page.get_by_label("No, or they do not know").check()
        page.get_by_role("button", name="Continue").click()
        expect(
            page.get_by_role("alert").get_by_text(
                "Select phone: payments for this service are taken by card on the phone"
            )
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Service", exact=True).select_option(
            label="Book a bulky waste collection"
        )
        page.get_by_label("Phone").check()
        page.get_by_label("No, or they do not know").check()
        page.get_by_role("button", name="Continue").click()

        # The caller's address, with the banner saying who it is for.
        expect(page.get_by_role("heading", level=1)).to_have_text("Find the caller’s address")
        banner = page.get_by_role("region", name="Booking for a caller")
        expect(banner).to_contain_text("You’re booking for a caller on the phone")
        assert_accessible(page)
        page.get_by_label("Postcode").fill("DT1 1UZ")
        page.get_by_role("button", name="Find address").click()
        page.get_by_label("Select an address").select_option(label=waste.home.address)
        page.get_by_role("button", name="Continue").click()

        # The caller's details: the email address gets the confirmation.
        expect(page.get_by_role("heading", level=1)).to_have_text("The caller’s details")
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_title(re.compile("^Error: The caller’s details"))
        expect(
            page.get_by_role("alert").get_by_text("Enter the caller’s full name")
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Full name").fill("Casey Caller")
        page.get_by_label("Email address").fill("casey@example.com")
        page.get_by_role("button", name="Continue").click()

        # The same bulky pages a resident goes through.
        expect(page.get_by_role("heading", level=1)).to_have_text("Book a bulky waste collection")
        expect(banner).to_contain_text("It will be for Casey Caller (casey@example.com)")
        assert_accessible(page)
        page.get_by_role("button", name="Start now").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("What do you want us to collect?")
        page.get_by_role("button", name="Continue").click()
        expect(
            page.get_by_role("alert").get_by_text(
                "Enter how many of at least one item you want us to collect"
            )
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Sofa or settee").fill("2")
        page.get_by_label("Fridge or freezer").fill("1")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Choose a collection day")
        page.get_by_label("Monday 9 March 2026").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Where will you leave the items?")
        page.get_by_label("On the driveway").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Check your booking before you pay"
        )
        expect(page.locator("#price")).to_have_text("£36")
        assert_accessible(page)
        page.get_by_role("button", name="Accept and pay").click()

        # The same payment page: the advisor takes the caller's card.
        expect(
            page.get_by_text("This is a test payment page. No money will be taken.")
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Card number").fill("4444 3333 2222 1111")
        page.get_by_label("Month").fill("12")
        page.get_by_label("Year").fill("2040")
        page.get_by_label("Name on card").fill("Casey Caller")
        page.get_by_label("Card security code").fill("123")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Payment complete")
        page.get_by_role("button", name="Continue").click()

        # The reference to read to the caller; booking for them has ended.
        expect(page.get_by_role("heading", level=1)).to_have_text("Bulky waste collection booked")
        booking = BulkyBooking.objects.get()
        assert booking.status == BookingStatus.CONFIRMED and booking.case is not None
        expect(page.locator("#reference")).to_have_text(booking.case.reference)
        expect(page.locator("#for-caller")).to_contain_text(
            "Read the reference number to the caller. We’ll email their confirmation to "
            "casey@example.com."
        )
        expect(page.get_by_role("region", name="Booking for a caller")).to_have_count(0)
        assert_accessible(page)

    payment = Payment.objects.get()
    assert (payment.channel, payment.taken_by, payment.status) == ("phone", advisor, "success")
    assert (booking.resident, booking.taken_by, booking.contact_email) == (
        None,
        advisor,
        "casey@example.com",
    )
    assert booking.case.channel == "phone"
    assert Contact.objects.get(case=booking.case).staff == advisor
    assert Notification.objects.filter(
        recipient_email="casey@example.com", kind="acknowledgement"
    ).exists()
    assert not Notification.objects.filter(recipient_email=advisor.email).exists()
