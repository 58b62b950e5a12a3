# The pages use GOV.UK typography: curly apostrophes.
# ruff: noqa: RUF001
"""Booking for a caller on the phone: an advisor starts at "Raise a case for a caller" with a
paid waste service, finds the caller's address, goes through the same waste pages and pays on
the same payment pages. The payment is on the phone channel, taken by the advisor; the
booking, subscription or request is the caller's (their account, or the details the advisor
took); the contact is logged on the phone; the confirmation goes to the caller, not the
advisor; everything is audited. Who may do it, and a failed or abandoned payment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from borough.cases.models import Case
from borough.contacts.models import Contact
from borough.core.models import AuditEntry
from borough.notify.models import Notification
from borough.payments.models import Payment, TestCardPayment
from borough.payments.services import payment_reconcile
from borough.portal.journey import ASSISTED_KEY
from borough.waste.models import (
    BookingStatus,
    BulkyBooking,
    ContainerRequest,
    ContainerRequestStatus,
    GardenStatus,
    GardenSubscription,
)
from borough.waste.services import Caller, WasteError, bulky_booking_create
from tests.waste.conftest import Bulky, Garden, bulky_build, garden_build, london

BULKY_NOW = london(2026, 3, 4, 10, 0)
GARDEN_NOW = london(2026, 5, 6, 10, 0)
CARD = {
    "card-number": "4444 3333 2222 1111",
    "expiry-month": "12",
    "expiry-year": "2040",
    "name": "Casey Caller",
    "cvc": "123",
}


@pytest.fixture(autouse=True)
def _test_provider(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "test"
    # Sessions made in the past outlive the travel back in time.
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600


@pytest.fixture
def bulky(waste: Any) -> Bulky:
    return bulky_build(waste)


@pytest.fixture
def advisor(waste: Any, make_staff: Any) -> Any:
    return make_staff(waste.team, "advisor", email="avery@casterbridge.example")


def text(response: Any) -> str:
    return response.content.decode()


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(client: Client, service: Any, **overrides: str) -> Any:
    data = {"service": str(service.pk), "channel": "phone", "caller": "new", **overrides}
    return client.post("/staff/assisted/", data)


def find_address(client: Client, prop: Any) -> Any:
    return client.get("/bins/", {"postcode": prop.postcode, "uprn": prop.uprn})


def give_details(client: Client, prop: Any, **details: str) -> Any:
    data = {"name": "Casey Caller", "email": "casey@example.com", "phone": "01632 960 001"}
    data.update(details)
    return client.post(f"/bins/{prop.uprn}/caller/?next=/bins/{prop.uprn}/bulky/", data)


def fill_in_bulky(client: Client, prop: Any) -> Any:
    base = f"/bins/{prop.uprn}/bulky/"
    assert client.post(f"{base}items/", {"item-sofa": "2", "item-fridge": "1"}).status_code == 302
    assert client.post(f"{base}date/", {"date": "2026-03-09"}).status_code == 302
    assert client.post(f"{base}details/", {"placement": "driveway"}).status_code == 302
    return client.post(f"{base}check/", {"price": "3600", "date": "2026-03-09"})


def pay_on_card_page(client: Client, paying: Any, card: dict[str, str] = CARD) -> Any:
    assert paying.status_code == 302 and paying["Location"].startswith("/pay/test/")
    finished = client.post(paying["Location"], card)
    result = client.get(finished["Location"])
    assert result.status_code == 200
    return result


# -- Bulky waste, for a caller without an account -----------------------------------------------


def test_an_advisor_books_and_pays_a_bulky_collection_for_a_caller_without_an_account(
    bulky, advisor
):
    prop = bulky.waste.home
    client = signed_in(advisor)
    with time_machine.travel(BULKY_NOW, tick=False):
        # The bulky service goes to the waste pages, starting with the address.
        started = start(client, bulky.service)
        assert started.status_code == 302 and started["Location"] == "/bins/"
        lookup = client.get("/bins/")
        assert "Booking for a caller" in text(lookup)
        assert find_address(client, prop)["Location"] == f"/bins/{prop.uprn}/bulky/"
        # The caller's details come first, with their errors.
        first = client.get(f"/bins/{prop.uprn}/bulky/")
        assert (
            first["Location"] == f"/bins/{prop.uprn}/caller/?next=%2Fbins%2F{prop.uprn}%2Fbulky%2F"
        )
        assert "no-store" in first.get("Cache-Control", "")
        empty = give_details(client, prop, name="", email="", phone="12")
        assert empty.status_code == 400
        for message in (
            "Enter the caller’s full name",
            "Enter the caller’s email address",
            "Enter a telephone number, like 01632 960 001",
        ):
            assert message in text(empty)
        assert give_details(client, prop)["Location"] == f"/bins/{prop.uprn}/bulky/"
        start_page = text(client.get(f"/bins/{prop.uprn}/bulky/"))
        assert "It will be for Casey Caller (casey@example.com)" in start_page
        # The same pages, then the same payment page.
        paying = fill_in_bulky(client, prop)
        booking = BulkyBooking.objects.get()
        assert booking.status == BookingStatus.PENDING_PAYMENT
        payment = Payment.objects.get()
        assert (payment.channel, payment.taken_by) == ("phone", advisor)
        assert payment.return_to == f"/bins/{prop.uprn}/bulky/{booking.pk}/"
        assert "Payment complete" in text(pay_on_card_page(client, paying))
        done = client.get(payment.return_to)
    assert done.status_code == 200
    body = text(done)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.case is not None
    assert booking.case.reference in body
    assert "We’ll email their confirmation to casey@example.com" in body
    assert "Change your booking" not in body and "Cancel your booking" not in body
    # The booking is the caller's, taken by the advisor on the phone.
    assert booking.resident is None and booking.taken_by == advisor
    assert (booking.channel, booking.contact_name, booking.contact_email) == (
        "phone",
        "Casey Caller",
        "casey@example.com",
    )
    assert booking.contact_phone == "01632 960 001"
    case = booking.case
    assert (case.channel, case.resident, case.reporter_email) == (
        "phone",
        None,
        "casey@example.com",
    )
    assert case.reporter_name == "Casey Caller"
    contact = Contact.objects.get(case=case)
    assert (contact.channel, contact.staff) == ("phone", advisor)
    # The confirmation goes to the caller, never to the advisor.
    assert Notification.objects.filter(
        recipient_email="casey@example.com", kind="acknowledgement"
    ).exists()
    assert not Notification.objects.filter(recipient_email=advisor.email).exists()
    # Audited; assisted mode has ended and the banner is gone.
    actions = set(AuditEntry.objects.filter(actor=advisor).values_list("action", flat=True))
    assert {"waste.for_caller", "waste.for_caller_view"} <= actions
    made = AuditEntry.objects.get(action="waste.for_caller")
    assert made.detail == {"what": "bulky", "channel": "phone", "resident": None}
    assert ASSISTED_KEY not in client.session
    assert "Booking for a caller" not in text(client.get("/bins/"))
    # The advisor can still open it; nobody else can, and the advisor cannot cancel it.
    assert client.get(payment.return_to).status_code == 200
    assert client.get(f"/bins/{prop.uprn}/bulky/{booking.pk}/cancel/").status_code == 404


def test_a_declined_phone_payment_books_nothing_and_the_advisor_can_try_again(bulky, advisor):
    prop = bulky.waste.home
    client = signed_in(advisor)
    with time_machine.travel(BULKY_NOW, tick=False):
        start(client, bulky.service)
        give_details(client, prop)
        paying = fill_in_bulky(client, prop)
        pay_on_card_page(client, paying, {**CARD, "card-number": "4000 0000 0000 0002"})
        booking = BulkyBooking.objects.get()
        page = client.get(f"/bins/{prop.uprn}/bulky/{booking.pk}/")
        assert "Your collection was not booked" in text(page)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.UNPAID and booking.case is None
        assert not Case.objects.exists() and not Contact.objects.exists()
        assert not Notification.objects.exists()
        # Still booking for the caller: the journey starts again, and this time it is paid.
        assert ASSISTED_KEY in client.session
        again = fill_in_bulky(client, prop)
        pay_on_card_page(client, again)
        second = BulkyBooking.objects.exclude(pk=booking.pk).get()
        client.get(f"/bins/{prop.uprn}/bulky/{second.pk}/")
    second.refresh_from_db()
    assert second.status == BookingStatus.CONFIRMED
    assert BulkyBooking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_an_abandoned_phone_payment_is_expired_and_books_nothing(bulky, advisor):
    prop = bulky.waste.home
    client = signed_in(advisor)
    with time_machine.travel(BULKY_NOW, tick=False):
        start(client, bulky.service)
        give_details(client, prop)
        fill_in_bulky(client, prop)
        # The caller rings off before the card is taken.
        result = payment_reconcile(now=timezone.now() + timedelta(minutes=95))
    payment = Payment.objects.get()
    assert result.expired == [payment.reference]
    booking = BulkyBooking.objects.get()
    assert booking.status == BookingStatus.UNPAID and booking.case is None
    assert not Case.objects.exists() and not Notification.objects.exists()


# -- Garden waste, for a caller with an account ---------------------------------------------------


def test_an_advisor_subscribes_a_caller_with_an_account_to_garden_waste(
    waste, advisor, make_resident
):
    garden: Garden = garden_build(waste)
    prop = waste.home
    caller = make_resident(email="robin@example.com", full_name="Robin Resident")
    client = signed_in(advisor)
    with time_machine.travel(GARDEN_NOW, tick=False):
        start(client, garden.service, caller="account")
        client.post("/staff/assisted/caller/", {"q": "robin@example.com", "resident": caller.pk})
        assert find_address(client, prop)["Location"] == f"/bins/{prop.uprn}/garden/"
        # No details to take: the booking is on the caller's account.
        page = text(client.get(f"/bins/{prop.uprn}/garden/"))
        assert "It will be on Robin Resident’s account (robin@example.com)" in page
        assert client.post(f"/bins/{prop.uprn}/garden/subscribe/", {"bins": "1"}).status_code == 302
        paying = client.post(f"/bins/{prop.uprn}/garden/check/", {"price": "4500", "bins": "1"})
        payment = Payment.objects.get()
        assert (payment.channel, payment.taken_by) == ("phone", advisor)
        pay_on_card_page(client, paying)
        done = client.get(payment.return_to)
    subscription = GardenSubscription.objects.get()
    assert subscription.status == GardenStatus.ACTIVE
    assert (subscription.resident, subscription.taken_by) == (caller, advisor)
    assert subscription.contact_email == ""
    assert subscription.case is not None and subscription.case.channel == "phone"
    assert "We’ll email their confirmation to robin@example.com" in text(done)
    assert Notification.objects.filter(
        recipient_email="robin@example.com", kind="acknowledgement"
    ).exists()
    assert not Notification.objects.filter(recipient_email=advisor.email).exists()
    assert AuditEntry.objects.filter(action="resident.act_for", actor=advisor).exists()
    made = AuditEntry.objects.get(action="waste.for_caller")
    assert made.detail == {"what": "garden", "channel": "phone", "resident": caller.pk}
    # The caller sees it on their account, as their own.
    own = signed_in(caller).get(payment.return_to)
    assert own.status_code == 200 and "Cancel your subscription" in text(own)


# -- A container, for a caller without an account -----------------------------------------------


def test_an_advisor_requests_a_chargeable_container_for_a_caller(waste, advisor):
    prop = waste.home
    client = signed_in(advisor)
    with time_machine.travel(BULKY_NOW, tick=False):
        start(client, waste.container)
        assert find_address(client, prop)["Location"] == f"/bins/{prop.uprn}/container/"
        give_details(client, prop, email="jo@example.com", name="Jo Caller")
        paying = client.post(
            f"/bins/{prop.uprn}/container/",
            {
                "container_type": str(waste.types["rubbish-bin"].pk),
                "reason": "damaged",
                "damage": "Lid broken",
                "quantity": "1",
            },
        )
        payment = Payment.objects.get()
        assert (payment.channel, payment.taken_by) == ("phone", advisor)
        pay_on_card_page(client, paying)
        done = client.get(payment.return_to)
    request = ContainerRequest.objects.get()
    assert request.status == ContainerRequestStatus.CONFIRMED
    assert (request.resident, request.taken_by, request.contact_email) == (
        None,
        advisor,
        "jo@example.com",
    )
    assert request.case is not None
    assert (request.case.channel, request.case.reporter_email) == ("phone", "jo@example.com")
    assert Contact.objects.get(case=request.case).staff == advisor
    assert "We’ll email their confirmation to jo@example.com" in text(done)
    assert Notification.objects.filter(recipient_email="jo@example.com").exists()


# -- Who may do it ----------------------------------------------------------------------------------


def test_a_paid_waste_service_is_taken_on_the_phone_only(bulky, advisor):
    client = signed_in(advisor)
    refused = start(client, bulky.service, channel="face_to_face")
    assert refused.status_code == 400
    assert "Select phone: payments for this service are taken by card on the phone" in text(refused)
    assert ASSISTED_KEY not in client.session


@pytest.mark.parametrize("role", ["auditor", "field_officer", "contractor"])
def test_staff_who_do_not_take_calls_are_forbidden(bulky, make_staff, role):
    client = signed_in(make_staff(bulky.waste.team, role))
    assert start(client, bulky.service).status_code == 403
    assert ASSISTED_KEY not in client.session
    assert client.get(f"/bins/{bulky.waste.home.uprn}/caller/").status_code == 403


def test_a_resident_cannot_put_themselves_in_assisted_mode(bulky, make_resident):
    resident = make_resident()
    client = signed_in(resident)
    assert start(client, bulky.service).status_code == 403
    assert ASSISTED_KEY not in client.session
    assert client.get(f"/bins/{bulky.waste.home.uprn}/caller/").status_code == 403
    # A session that says otherwise is not believed: the pages are the resident's own.
    session = client.session
    session[ASSISTED_KEY] = {
        "service_code": bulky.service.code,
        "channel": "phone",
        "staff_id": resident.pk,
        "resident_id": None,
    }
    session.save()
    with time_machine.travel(BULKY_NOW, tick=False):
        page = client.get(f"/bins/{bulky.waste.home.uprn}/bulky/")
        assert page.status_code == 200 and "Booking for a caller" not in text(page)
        fill_in_bulky(client, bulky.waste.home)
    booking = BulkyBooking.objects.get()
    assert (booking.resident, booking.taken_by, booking.channel) == (resident, None, "web")
    assert Payment.objects.get().channel == "web"


def test_an_advisor_of_another_council_is_refused_the_payment(bulky, county, make_team, make_staff):
    other = make_staff(make_team(county), "advisor")
    client = signed_in(other)
    with time_machine.travel(BULKY_NOW, tick=False):
        assert start(client, bulky.service).status_code == 302
        page = client.get(f"/bins/{bulky.waste.home.uprn}/bulky/")
    assert page.status_code == 403
    assert "You cannot take payments for Casterbridge District Council" in text(page)
    assert not BulkyBooking.objects.exists()


def test_an_advisor_who_loses_the_role_is_no_longer_booking_for_the_caller(bulky, advisor):
    from borough.accounts.services import staff_membership_remove

    client = signed_in(advisor)
    with time_machine.travel(BULKY_NOW, tick=False):
        start(client, bulky.service)
        give_details(client, bulky.waste.home)
        staff_membership_remove(user=advisor, team=bulky.waste.team, role="advisor")
        page = client.get(f"/bins/{bulky.waste.home.uprn}/bulky/")
    assert "Booking for a caller" not in text(page)


def test_the_service_refuses_a_caller_without_an_account_or_an_email_address(bulky, advisor):
    with time_machine.travel(BULKY_NOW, tick=False):
        kwargs: dict[str, Any] = {
            "prop": bulky.waste.home,
            "resident": None,
            "quantities": {"sofa": 1},
            "day": london(2026, 3, 9, 0, 0).date(),
            "placement": "driveway",
            "notes": "",
            "price_pence": 3600,
            "idempotency_key": "phone-1",
        }
        with pytest.raises(WasteError, match="Enter the caller’s email address"):
            bulky_booking_create(**kwargs, caller=Caller(advisor=advisor, name="Casey"))
        with pytest.raises(WasteError, match="Sign in"):
            bulky_booking_create(**kwargs)
    assert not BulkyBooking.objects.exists() and not TestCardPayment.objects.exists()


def test_other_waste_pages_are_not_done_for_a_caller_here(bulky, advisor):
    client = signed_in(advisor)
    start(client, bulky.service)
    for rest in ("missed/", "assisted/"):
        page = client.get(f"/bins/{bulky.waste.home.uprn}/{rest}")
        assert page.status_code == 403
        assert "You’re booking for a caller" in text(page)
    assert not Case.objects.exists()
