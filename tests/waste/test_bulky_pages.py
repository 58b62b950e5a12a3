# ruff: noqa: RUF001
"""The bulky waste pages: sign in first, one thing a page (items, day, where), check and pay
with the test provider, the confirmation with the case reference; errors on every page; a
tampered price or a day filled meanwhile refused at the end; a booking only its resident can
see, change or cancel; and the staff list of the day's collections, authorised like the waste
office."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from borough.cases.models import Case
from borough.core.models import AuditEntry
from borough.core.services import organisation_create
from borough.payments.models import Payment, Refund, TestCardPayment
from borough.waste.models import BookingStatus, BulkyBooking
from borough.waste.services import bulky_day_set
from tests.conftest import DORCHESTER, square
from tests.waste.conftest import Bulky, london
from tests.waste.test_bulky import MONDAY, NOW, booked, pay


@pytest.fixture(autouse=True)
def _test_provider(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "test"


@pytest.fixture(autouse=True)
def _travel() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def url(bulky: Bulky, rest: str = "") -> str:
    return f"/bins/{bulky.waste.home.uprn}/bulky/{rest}"


def text(response: Any) -> str:
    return response.content.decode()


def fill_in(client: Any, bulky: Bulky, **items: int) -> None:
    quantities = items or {"sofa": 2, "fridge": 1, "table": 1}
    posted = {f"item-{code}": str(n) for code, n in quantities.items()}
    assert client.post(url(bulky, "items/"), posted).status_code == 302
    assert client.post(url(bulky, "date/"), {"date": "2026-03-09"}).status_code == 302
    assert client.post(url(bulky, "details/"), {"placement": "driveway"}).status_code == 302


def test_a_resident_must_sign_in_first(client, bulky):
    page = client.get(url(bulky))
    assert page.status_code == 200
    assert "You need to sign in to your account to do this" in text(page)
    assert "/sign-in/?next=" in text(page)
    assert client.get(url(bulky, "items/")).status_code == 200
    assert "Sign in" in text(client.get(url(bulky, "items/")))


def test_an_address_with_no_bulky_collections_is_told_so(client, bulky, make_resident):
    client.force_login(make_resident())
    page = client.get(f"/bins/{bulky.waste.friday_home.uprn}/bulky/")
    assert "We do not collect bulky waste from this address" in text(page)
    assert "Start now" not in text(page)
    assert client.get("/bins/999999999999/bulky/").status_code == 404


def test_the_bin_days_page_links_to_bulky_waste_only_where_it_is_collected(client, bulky):
    assert "Book a bulky waste collection" in text(client.get(f"/bins/{bulky.waste.home.uprn}/"))
    friday = text(client.get(f"/bins/{bulky.waste.friday_home.uprn}/"))
    assert "Book a bulky waste collection" not in friday


def test_the_whole_journey_books_and_pays(client, bulky, make_resident):
    resident = make_resident()
    client.force_login(resident)
    start = text(client.get(url(bulky)))
    assert "It costs £36 for up to 3 items" in start
    assert "Fridge or freezer" in start and "£15" in start
    # Items: nothing chosen, then too many, then a good answer.
    none = client.post(url(bulky, "items/"), {})
    assert "Enter how many of at least one item you want us to collect" in text(none)
    assert "<title>Error:" in text(none)
    too_many = client.post(url(bulky, "items/"), {"item-sofa": "4", "item-table": "2"})
    assert "We can collect up to 5 items at a time" in text(too_many)
    word = client.post(url(bulky, "items/"), {"item-sofa": "two"})
    assert "Sofa or settee must be a number, like 1" in text(word)
    assert client.post(
        url(bulky, "items/"), {"item-sofa": "2", "item-fridge": "1", "item-table": "1"}
    )["Location"] == url(bulky, "date/")
    # The day: only days with places, none chosen is an error.
    days = text(client.get(url(bulky, "date/")))
    assert "Monday 9 March 2026" in days and "Tuesday 7 April 2026" in days
    assert "Monday 6 April 2026" not in days
    assert "Select a collection day" in text(client.post(url(bulky, "date/"), {}))
    assert "Select a collection day" in text(
        client.post(url(bulky, "date/"), {"date": "2026-03-10"})
    )
    assert client.post(url(bulky, "date/"), {"date": "2026-03-09"}).status_code == 302
    # Where.
    assert "Select where you will leave the items" in text(client.post(url(bulky, "details/"), {}))
    assert (
        client.post(
            url(bulky, "details/"), {"placement": "driveway", "notes": "Gate code 1234"}
        ).status_code
        == 302
    )
    # Check: the items, day and price.
    check = text(client.get(url(bulky, "check/")))
    assert "2 × Sofa or settee" in check and "1 × Fridge or freezer" in check
    assert "Monday 9 March 2026" in check
    assert '<dd class="govuk-summary-list__value" id="price">£42</dd>' in check
    assert "until midday on Friday 6 March 2026" in check
    assert not BulkyBooking.objects.exists()
    paying = client.post(url(bulky, "check/"), {"price": "4200", "date": "2026-03-09"})
    assert paying.status_code == 302 and paying["Location"].startswith("/pay/test/")
    booking = BulkyBooking.objects.get()
    assert booking.status == BookingStatus.PENDING_PAYMENT
    # Pay with the test card; back through the payment's return page.
    card = client.post(
        paying["Location"],
        {
            "card-number": "4444 3333 2222 1111",
            "expiry-month": "12",
            "expiry-year": "2040",
            "name": "Alex Resident",
            "cvc": "123",
        },
    )
    result = client.get(card["Location"])
    assert "Payment complete" in text(result)
    confirmation = client.get(url(bulky, f"{booking.pk}/"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.case is not None
    assert "Bulky waste collection booked" in text(confirmation)
    assert booking.case.reference in text(confirmation)
    assert "£42" in text(confirmation)
    assert booking.notes == "Gate code 1234" and booking.placement == "driveway"


def test_a_double_submit_of_check_answers_makes_one_booking_and_one_payment(
    client, bulky, make_resident
):
    client.force_login(make_resident())
    fill_in(client, bulky)
    first = client.post(url(bulky, "check/"), {"price": "4200", "date": "2026-03-09"})
    # The second click of a double submit goes to the same payment page.
    again = client.post(url(bulky, "check/"), {"price": "4200", "date": "2026-03-09"})
    assert first.status_code == 302 and first["Location"].startswith("/pay/test/")
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert BulkyBooking.objects.count() == 1
    assert Payment.objects.count() == 1 and TestCardPayment.objects.count() == 1
    # Once paid, sending the page again shows the booking; a new journey starts afresh.
    booking = BulkyBooking.objects.get()
    pay(booking)
    late = client.post(url(bulky, "check/"), {"price": "4200", "date": "2026-03-09"})
    assert late["Location"] == url(bulky, f"{booking.pk}/")
    assert "Bulky waste collection booked" in text(client.get(late["Location"]))
    assert client.get(url(bulky, "check/"))["Location"] == url(bulky, "items/")
    assert BulkyBooking.objects.count() == 1 and Payment.objects.count() == 1


def test_a_tampered_price_is_refused_and_nothing_is_booked(client, bulky, make_resident):
    client.force_login(make_resident())
    fill_in(client, bulky)
    page = client.post(url(bulky, "check/"), {"price": "100", "date": "2026-03-09"})
    assert page.status_code == 400
    assert "The price has changed to £42. Check your answers and try again." in text(page)
    assert not BulkyBooking.objects.exists() and not Payment.objects.exists()
    other_day = client.post(url(bulky, "check/"), {"price": "4200", "date": "2026-03-10"})
    assert other_day.status_code == 400
    assert "Select a collection day from the list" in text(other_day)
    assert not BulkyBooking.objects.exists()


def test_a_day_filled_meanwhile_is_refused_at_the_end(client, bulky, make_resident):
    client.force_login(make_resident())
    fill_in(client, bulky)
    bulky_day_set(round_=bulky.round, day=MONDAY, capacity=1)
    booked(bulky, make_resident())
    page = client.post(url(bulky, "check/"), {"price": "4200", "date": "2026-03-09"})
    assert page.status_code == 400
    assert "Monday 9 March 2026 is now fully booked. Choose another day." in text(page)
    assert f'href="{url(bulky, "date/")}"' in text(page)
    assert BulkyBooking.objects.count() == 1
    assert "Monday 9 March 2026" not in text(client.get(url(bulky, "date/")))


def test_a_declined_payment_says_the_collection_was_not_booked(client, bulky, make_resident):
    client.force_login(make_resident())
    fill_in(client, bulky)
    paying = client.post(url(bulky, "check/"), {"price": "4200", "date": "2026-03-09"})
    card = client.post(
        paying["Location"],
        {
            "card-number": "4000 0000 0000 0002",
            "expiry-month": "12",
            "expiry-year": "2040",
            "name": "Alex Resident",
            "cvc": "123",
        },
    )
    assert "Your payment was declined" in text(client.get(card["Location"]))
    booking = BulkyBooking.objects.get()
    page = text(client.get(url(bulky, f"{booking.pk}/")))
    assert "Your collection was not booked" in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.UNPAID
    assert not Case.objects.exists()


def test_only_the_resident_sees_changes_and_cancels_their_booking(client, bulky, make_resident):
    booking = booked(bulky, make_resident())
    client.force_login(make_resident())
    for rest in ("", "cancel/", "change/"):
        assert client.get(url(bulky, f"{booking.pk}/{rest}")).status_code == 404
    assert client.post(url(bulky, f"{booking.pk}/cancel/")).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancelling_on_the_page_refunds_and_after_the_cutoff_is_refused(
    client, bulky, make_resident, _travel
):
    resident = make_resident()
    early = booked(bulky, resident)
    late = booked(bulky, resident, day=MONDAY)
    client.force_login(resident)
    confirm = text(client.get(url(bulky, f"{early.pk}/cancel/")))
    assert "We will refund £36 to the card you paid with." in confirm
    done = client.post(url(bulky, f"{early.pk}/cancel/"))
    assert done.status_code == 302
    assert "Your bulky waste collection has been cancelled" in text(client.get(done["Location"]))
    assert Refund.objects.get().amount_pence == 3600
    _travel.move_to(london(2026, 3, 6, 12, 30))
    page = client.post(url(bulky, f"{late.pk}/cancel/"))
    assert page.status_code == 400
    assert "It is too late to cancel this collection" in text(page)
    late.refresh_from_db()
    assert late.status == BookingStatus.CONFIRMED
    assert Refund.objects.count() == 1
    assert "It is too late to change or cancel this booking online" in text(
        client.get(url(bulky, f"{late.pk}/"))
    )


def test_changing_shows_the_new_price_then_refunds_the_difference(client, bulky, make_resident):
    resident = make_resident()
    booking = booked(
        bulky, resident, quantities={"sofa": 2, "fridge": 1, "table": 1}, price_pence=4200
    )
    client.force_login(resident)
    form = text(client.get(url(bulky, f"{booking.pk}/change/")))
    assert 'value="2"' in form and "Monday 9 March 2026" in form
    preview = client.post(
        url(bulky, f"{booking.pk}/change/"), {"item-sofa": "1", "date": "2026-03-16"}
    )
    assert "The new price is £36." in text(preview)
    assert "We will refund £6 to the card you paid with." in text(preview)
    booking.refresh_from_db()
    assert booking.price_pence == 4200
    done = client.post(
        url(bulky, f"{booking.pk}/change/"),
        {"item-sofa": "1", "date": "2026-03-16", "confirm": "yes", "price": "3600"},
    )
    assert done.status_code == 302
    booking.refresh_from_db()
    assert booking.date == date(2026, 3, 16) and booking.price_pence == 3600
    assert Refund.objects.get().amount_pence == 600


def test_a_dearer_change_goes_to_pay_the_difference(client, bulky, make_resident):
    resident = make_resident()
    booking = booked(bulky, resident)
    client.force_login(resident)
    posted = {"item-sofa": "4", "date": "2026-03-09"}
    preview = text(client.post(url(bulky, f"{booking.pk}/change/"), posted))
    assert "The new price is £48." in preview and "You need to pay £12 more." in preview
    paying = client.post(
        url(bulky, f"{booking.pk}/change/"), {**posted, "confirm": "yes", "price": "4800"}
    )
    assert paying["Location"].startswith("/pay/test/")
    assert Payment.objects.order_by("-created_at", "-pk").first().amount_pence == 1200


def test_staff_see_the_days_bulky_collections(client, bulky, make_resident, make_staff):
    booked(bulky, make_resident(), quantities={"sofa": 2, "fridge": 1}, price_pence=3600)
    officer = make_staff(bulky.waste.team, role="caseworker")
    client.force_login(officer)
    assert "Bulky waste collections" in text(client.get("/staff/waste/"))
    page = client.get("/staff/waste/bulky/", {"date": "2026-03-09"})
    assert page.status_code == 200
    body = text(page)
    assert "Monday bulky: 1 collection of 2" in body
    assert "1 High West Street, DT1 1UZ" in body
    assert "2 × Sofa or settee" in body and "1 × Fridge or freezer" in body
    assert BulkyBooking.objects.get().case.reference in body
    assert AuditEntry.objects.filter(actor=officer, action="waste.bulky_office_view").exists()
    empty = text(client.get("/staff/waste/bulky/", {"date": "2026-03-16"}))
    assert "No collections booked." in empty


def test_the_staff_list_is_refused_to_others(client, bulky, make_staff, make_team, make_resident):
    other = organisation_create(
        slug="elsewhere",
        name="Elsewhere",
        kind="district",
        reference_prefix="ELS",
        boundary=square(*DORCHESTER, 0.01),
    )
    client.force_login(make_staff(make_team(other), role="caseworker"))
    assert client.get("/staff/waste/bulky/").status_code == 403
    client.force_login(make_staff(bulky.waste.team, role="contractor"))
    assert client.get("/staff/waste/bulky/").status_code == 403
    client.force_login(make_resident())
    assert client.get("/staff/waste/bulky/").status_code == 403
    client.logout()
    assert client.get("/staff/waste/bulky/").status_code == 302


def test_the_admin_lists_bulky_waste_and_bookings_are_read_only(client, bulky, make_resident):
    from borough.accounts.models import User

    booking = booked(bulky, make_resident())
    client.force_login(User.objects.create_superuser("admin@example.org", "a long passphrase"))
    for name in ("bulkyitem", "bulkyround", "bulkyday", "bulkybooking"):
        assert client.get(f"/django-admin/waste/{name}/").status_code == 200
    assert "Sofa or settee" in text(client.get("/django-admin/waste/bulkyitem/"))
    detail = client.get(f"/django-admin/waste/bulkybooking/{booking.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in text(detail)
    assert client.get("/django-admin/waste/bulkybooking/add/").status_code == 403


def test_going_back_from_the_payment_page_and_changing_an_answer_gives_up_the_first_booking(
    client, bulky, make_resident
):
    client.force_login(make_resident())
    fill_in(client, bulky)
    first = client.post(url(bulky, "check/"), {"price": "4200", "date": "2026-03-09"})
    earlier = BulkyBooking.objects.get()
    # Back to the items: one sofa fewer.
    fill_in(client, bulky, sofa=1, fridge=1, table=1)
    second = client.post(url(bulky, "check/"), {"price": "3600", "date": "2026-03-09"})
    assert second["Location"] != first["Location"]
    earlier.refresh_from_db()
    assert earlier.status == BookingStatus.UNPAID
    assert Payment.objects.get(purpose_id=str(earlier.pk)).status == "cancelled"
    latest = BulkyBooking.objects.exclude(pk=earlier.pk).get()
    assert latest.status == BookingStatus.PENDING_PAYMENT and latest.price_pence == 3600
    # The first payment page can no longer take a payment.
    card = TestCardPayment.objects.get(idempotency_key=f"bulky-booking-{earlier.pk}")
    assert card.status == "cancelled"
