# ruff: noqa: RUF001
"""Bulky waste bookings: the price rule, the days offered (cutoff, bank holidays, capacity),
booking and paying with the test provider, payment failure and abandonment, double submits,
changes with the price difference charged or refunded, cancellation around the cutoff and the
reminder the day before."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from borough.cases.models import Case, CaseEvent, EventKind, Status
from borough.notify.models import Notification
from borough.payments.models import Payment, PaymentStatus, Refund
from borough.payments.providers.test_provider import card_page_finish
from borough.payments.services import payment_reconcile, payment_return, payment_start
from borough.waste.models import BookingStatus, BulkyBooking
from borough.waste.selectors import bulky_cutoff, bulky_dates, bulky_price
from borough.waste.services import (
    WasteError,
    WasteErrorCode,
    bulky_booking_cancel,
    bulky_booking_change,
    bulky_booking_create,
    bulky_booking_payment,
    bulky_day_set,
    bulky_reminders_send,
    bulky_setup,
)
from tests.waste.conftest import Bulky, london

# A Wednesday: the next Monday collections are 9, 16, 23 March ...
NOW = london(2026, 3, 4, 10, 0)
MONDAY = date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _test_provider(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "test"


@pytest.fixture(autouse=True)
def _travel() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


_keys = iter(range(1, 100_000))


def book(bulky: Bulky, resident: Any, **overrides: Any) -> BulkyBooking:
    fields: dict[str, Any] = {
        "prop": bulky.waste.home,
        "resident": resident,
        "quantities": {"sofa": 1, "fridge": 1},
        "day": MONDAY,
        "placement": "front_garden",
        "notes": "By the side gate",
        "price_pence": 3600,
        "idempotency_key": f"test-{next(_keys)}",
    }
    fields.update(overrides)
    return bulky_booking_create(**fields)


def pay(booking: BulkyBooking, *, card: str = "success", code: str = "") -> Payment:
    payment = bulky_booking_payment(booking=booking)
    payment_start(payment=payment)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status=card, code=code)
    result = payment_return(token=payment.return_token)
    assert result is not None
    return result


def booked(bulky: Bulky, resident: Any, **overrides: Any) -> BulkyBooking:
    booking = book(bulky, resident, **overrides)
    pay(booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    return booking


# -- Price ------------------------------------------------------------------------------------


def test_the_base_price_covers_the_three_dearest_items_and_the_rest_cost_their_own(bulky):
    settings = bulky_setup(bulky.waste.home).settings
    assert bulky_price(settings, []) == 0
    assert bulky_price(settings, [(1200, 1)]) == 3600
    assert bulky_price(settings, [(1200, 2), (1500, 1)]) == 3600
    # sofa, sofa, fridge, mattress, table: the fridge and sofas are covered.
    assert bulky_price(settings, [(1200, 2), (1500, 1), (1000, 1), (600, 1)]) == 3600 + 1000 + 600


@pytest.mark.parametrize(
    ("quantities", "message"),
    [
        ({}, "Select at least one item to collect"),
        ({"sofa": 0}, "Select at least one item to collect"),
        ({"sofa": 6}, "Enter a number from 0 to 5"),
        ({"sofa": -1}, "Enter a number from 0 to 5"),
        ({"sofa": 3, "table": 3}, "We can collect up to 5 items at a time"),
        ({"piano": 1}, "Select items from the list"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_booked(bulky, make_resident, quantities, message):
    with pytest.raises(WasteError) as refused:
        book(bulky, make_resident(), quantities=quantities)
    assert refused.value.message == message
    assert not BulkyBooking.objects.exists()


def test_a_tampered_price_is_refused(bulky, make_resident):
    with pytest.raises(WasteError) as refused:
        book(bulky, make_resident(), quantities={"sofa": 4}, price_pence=3600)
    assert refused.value.message == (
        "The price has changed to £48. Check your answers and try again."
    )
    assert not BulkyBooking.objects.exists()


def test_an_address_with_no_bulky_round_is_refused(bulky, make_resident):
    with pytest.raises(WasteError) as refused:
        book(bulky, make_resident(), prop=bulky.waste.friday_home)
    assert refused.value.code == WasteErrorCode.NO_COLLECTIONS
    assert refused.value.message == "We do not collect bulky waste from this address"
    assert not BulkyBooking.objects.exists()


# -- Days -------------------------------------------------------------------------------------


def test_the_days_offered_are_the_rounds_mondays_until_midday_the_working_day_before(bulky):
    setup = bulky_setup(bulky.waste.home)
    days = [d.day for d in bulky_dates(round_=setup.round, settings=setup.settings, now=NOW)]
    assert days[:3] == [date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]
    # Easter Monday: the round collects on the Tuesday.
    assert date(2026, 4, 6) not in days
    assert date(2026, 4, 7) in days
    assert days[-1] <= NOW.date() + timedelta(days=42)
    assert bulky_cutoff(MONDAY, setup.settings) == london(2026, 3, 6, 12, 0)
    # The Friday before, just before and at midday.
    before = bulky_dates(
        round_=setup.round, settings=setup.settings, now=london(2026, 3, 6, 11, 59)
    )
    at = bulky_dates(round_=setup.round, settings=setup.settings, now=london(2026, 3, 6, 12, 0))
    assert before[0].day == MONDAY
    assert at[0].day == date(2026, 3, 16)


def test_a_day_not_on_the_round_is_refused(bulky, make_resident):
    with pytest.raises(WasteError) as refused:
        book(bulky, make_resident(), day=date(2026, 3, 10))
    assert refused.value.message == "Select a collection day from the list"
    assert not BulkyBooking.objects.exists()


def test_capacity_is_never_exceeded_and_a_full_day_is_no_longer_offered(bulky, make_resident):
    setup = bulky_setup(bulky.waste.home)
    # Two residents see Monday with places left; five try to book it.
    assert bulky_dates(round_=setup.round, settings=setup.settings, now=NOW)[0].places_left == 2
    outcomes = []
    for _n in range(5):
        try:
            book(bulky, make_resident())
            outcomes.append("booked")
        except WasteError as error:
            assert error.code == WasteErrorCode.NOT_ALLOWED
            outcomes.append(error.message)
    assert (
        outcomes
        == ["booked", "booked"]
        + ["Monday 9 March 2026 is now fully booked. Choose another day."] * 3
    )
    assert BulkyBooking.objects.filter(date=MONDAY).count() == 2
    offered = [d.day for d in bulky_dates(round_=setup.round, settings=setup.settings, now=NOW)]
    assert MONDAY not in offered and date(2026, 3, 16) in offered


def test_a_day_closed_by_the_council_is_not_offered(bulky, make_resident):
    bulky_day_set(round_=bulky.round, day=MONDAY, capacity=0)
    with pytest.raises(WasteError):
        book(bulky, make_resident())
    setup = bulky_setup(bulky.waste.home)
    assert MONDAY not in [
        d.day for d in bulky_dates(round_=setup.round, settings=setup.settings, now=NOW)
    ]


# -- Booking and paying -----------------------------------------------------------------------


def test_a_paid_booking_is_confirmed_with_its_case(bulky, make_resident):
    resident = make_resident()
    booking = book(
        bulky, resident, quantities={"sofa": 2, "fridge": 1, "table": 1}, price_pence=4200
    )
    assert booking.status == BookingStatus.PENDING_PAYMENT
    assert booking.case is None
    assert not Case.objects.exists()
    payment = pay(booking)
    assert payment.status == PaymentStatus.SUCCESS
    assert payment.amount_pence == 4200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.paid_pence == 4200
    assert booking.payment_reference == payment.reference
    case = booking.case
    assert case is not None and case.service == bulky.service
    assert case.resident == resident
    assert case.property == bulky.waste.home
    assert case.answers == {
        "items": ["sofa", "table", "fridge_freezer"],
        "item_count": 4,
        "placement": "front_garden",
        "collection_date": "2026-03-09",
        "details": "By the side gate",
    }
    assert [(line["code"], line["quantity"]) for line in booking.items] == [
        ("sofa", 2),
        ("fridge", 1),
        ("table", 1),
    ]


@pytest.mark.parametrize(
    ("card", "code"), [("failed", "P0010"), ("failed", "P0030")], ids=["declined", "cancelled"]
)
def test_a_failed_payment_leaves_no_booking_and_frees_the_place(bulky, make_resident, card, code):
    bulky_day_set(round_=bulky.round, day=MONDAY, capacity=1)
    booking = book(bulky, make_resident())
    # Its place is held while it waits for payment.
    with pytest.raises(WasteError):
        book(bulky, make_resident())
    payment = pay(booking, card=card, code=code)
    assert not payment.is_paid
    booking.refresh_from_db()
    assert booking.status == BookingStatus.UNPAID
    assert booking.case is None
    assert not Case.objects.exists()
    # The place is free again.
    assert book(bulky, make_resident()).status == BookingStatus.PENDING_PAYMENT


def test_an_abandoned_payment_is_expired_by_the_reconciler_and_frees_the_place(
    bulky, make_resident, _travel
):
    bulky_day_set(round_=bulky.round, day=MONDAY, capacity=1)
    booking = book(bulky, make_resident())
    payment = bulky_booking_payment(booking=booking)
    payment_start(payment=payment)
    _travel.shift(timedelta(minutes=91))
    result = payment_reconcile()
    assert result.expired == [payment.reference]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.UNPAID
    assert not Case.objects.exists()
    assert book(bulky, make_resident()).status == BookingStatus.PENDING_PAYMENT


def test_a_double_submit_makes_one_booking_and_one_payment(bulky, make_resident):
    resident = make_resident()
    first = book(bulky, resident, idempotency_key="journey-1")
    second = book(bulky, resident, idempotency_key="journey-1")
    assert first.pk == second.pk
    assert bulky_booking_payment(booking=first).pk == bulky_booking_payment(booking=second).pk
    assert BulkyBooking.objects.count() == 1
    assert Payment.objects.count() == 1
    pay(first)
    # The payment's return and a second check confirm it once: one case.
    payment = Payment.objects.get()
    payment_return(token=payment.return_token)
    assert Case.objects.count() == 1


def test_a_free_booking_is_confirmed_without_a_payment(bulky, make_resident):
    from borough.waste.services import waste_settings_set

    waste_settings_set(organisation=bulky.waste.organisation, bulky_base_price_pence=0)
    booking = book(bulky, make_resident(), price_pence=0)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.case is not None
    assert not Payment.objects.exists()


# -- Changing ---------------------------------------------------------------------------------


def test_a_cheaper_change_is_made_at_once_and_the_difference_refunded(bulky, make_resident):
    resident = make_resident()
    booking = booked(
        bulky, resident, quantities={"sofa": 3, "fridge": 1, "table": 1}, price_pence=5400
    )
    changed = bulky_booking_change(
        booking=booking,
        resident=resident,
        quantities={"sofa": 1},
        day=date(2026, 3, 16),
        price_pence=3600,
    )
    assert changed.date == date(2026, 3, 16)
    assert changed.price_pence == 3600
    assert changed.paid_pence == 3600
    refund = Refund.objects.get()
    assert refund.amount_pence == 1800
    assert refund.status == "success"
    update = CaseEvent.objects.filter(case=changed.case, kind=EventKind.PUBLIC_UPDATE).get()
    assert "Monday 16 March 2026" in update.body and "1 × Sofa or settee" in update.body


def test_a_cheaper_change_whose_refund_fails_leaves_the_booking_as_it_was(
    bulky, make_resident, monkeypatch
):
    from borough.payments.services import PaymentError, PaymentErrorCode
    from borough.waste import services

    resident = make_resident()
    booking = booked(bulky, resident, quantities={"sofa": 4}, price_pence=4800)

    def refuse(**kwargs: Any) -> None:
        raise PaymentError(
            PaymentErrorCode.PROVIDER_UNAVAILABLE,
            "Sorry, refunds are not working at the moment. Try again later.",
        )

    monkeypatch.setattr(services, "payment_refund", refuse)
    with pytest.raises(WasteError) as refused:
        bulky_booking_change(
            booking=booking,
            resident=resident,
            quantities={"sofa": 1},
            day=date(2026, 3, 16),
            price_pence=3600,
        )
    assert refused.value.message == "Sorry, refunds are not working at the moment. Try again later."
    booking.refresh_from_db()
    assert (booking.date, booking.price_pence, booking.paid_pence) == (MONDAY, 4800, 4800)
    assert booking.item_count == 4
    assert not CaseEvent.objects.filter(case=booking.case, kind=EventKind.PUBLIC_UPDATE).exists()
    # Its old day still holds its place; the new day's place was given back.
    setup = bulky_setup(bulky.waste.home)
    places = {
        d.day: d.places_left
        for d in bulky_dates(round_=setup.round, settings=setup.settings, now=NOW)
    }
    assert places[MONDAY] == 1 and places[date(2026, 3, 16)] == 2


def test_a_change_replaced_before_it_was_paid_can_no_longer_be_paid(bulky, make_resident):
    resident = make_resident()
    booking = booked(bulky, resident)
    first = bulky_booking_change(
        booking=booking, resident=resident, quantities={"sofa": 4}, day=MONDAY, price_pence=4800
    )
    old = bulky_booking_payment(booking=first)
    payment_start(payment=old)
    second = bulky_booking_change(
        booking=first, resident=resident, quantities={"sofa": 5}, day=MONDAY, price_pence=6000
    )
    # The first change's payment was cancelled at the provider: its page can take nothing.
    old.refresh_from_db()
    assert old.status == PaymentStatus.CANCELLED
    assert not card_page_finish(provider_payment_id=old.provider_payment_id, status="success")
    # The second change charges the difference from what was paid, and is made once paid.
    payment = pay(second)
    assert payment.amount_pence == 2400
    second.refresh_from_db()
    assert (second.price_pence, second.paid_pence, second.item_count) == (6000, 6000, 5)


def test_cancelling_with_a_change_waiting_for_payment_stops_that_payment(bulky, make_resident):
    resident = make_resident()
    booking = booked(bulky, resident)
    changed = bulky_booking_change(
        booking=booking, resident=resident, quantities={"sofa": 4}, day=MONDAY, price_pence=4800
    )
    open_payment = bulky_booking_payment(booking=changed)
    payment_start(payment=open_payment)
    cancelled = bulky_booking_cancel(booking=changed, resident=resident)
    assert cancelled.status == BookingStatus.CANCELLED
    open_payment.refresh_from_db()
    assert open_payment.status == PaymentStatus.CANCELLED
    assert [refund.amount_pence for refund in Refund.objects.all()] == [3600]


def test_a_dearer_change_waits_for_the_difference_to_be_paid(bulky, make_resident):
    resident = make_resident()
    booking = booked(bulky, resident)
    changed = bulky_booking_change(
        booking=booking,
        resident=resident,
        quantities={"sofa": 1, "fridge": 1, "mattress": 1, "table": 1},
        day=MONDAY,
        price_pence=4200,
    )
    # Nothing changes until it is paid.
    assert changed.items == booking.items and changed.price_pence == 3600
    assert changed.pending_price_pence == 4200
    payment = pay(changed)
    assert payment.amount_pence == 600
    changed.refresh_from_db()
    assert changed.price_pence == 4200
    assert changed.paid_pence == 4200
    assert changed.item_count == 4
    assert changed.pending_price_pence is None


def test_a_dearer_change_not_paid_leaves_the_booking_as_it_was(bulky, make_resident):
    resident = make_resident()
    booking = booked(bulky, resident)
    bulky_day_set(round_=bulky.round, day=date(2026, 3, 16), capacity=1)
    changed = bulky_booking_change(
        booking=booking,
        resident=resident,
        quantities={"sofa": 4},
        day=date(2026, 3, 16),
        price_pence=4800,
    )
    # The new day's place is held meanwhile.
    with pytest.raises(WasteError):
        book(bulky, make_resident(), day=date(2026, 3, 16))
    pay(changed, card="failed", code="P0010")
    changed.refresh_from_db()
    assert changed.status == BookingStatus.CONFIRMED
    assert (changed.date, changed.price_pence, changed.paid_pence) == (MONDAY, 3600, 3600)
    assert changed.pending_price_pence is None
    assert book(bulky, make_resident(), day=date(2026, 3, 16)).status == "pending_payment"


def test_a_change_to_a_full_day_is_refused_and_changes_nothing(bulky, make_resident):
    resident = make_resident()
    booking = booked(bulky, resident)
    bulky_day_set(round_=bulky.round, day=date(2026, 3, 16), capacity=1)
    booked(bulky, make_resident(), day=date(2026, 3, 16))
    with pytest.raises(WasteError) as refused:
        bulky_booking_change(
            booking=booking,
            resident=resident,
            quantities={"sofa": 1},
            day=date(2026, 3, 16),
            price_pence=3600,
        )
    assert refused.value.message == "Monday 16 March 2026 is now fully booked. Choose another day."
    booking.refresh_from_db()
    assert booking.date == MONDAY
    assert not Refund.objects.exists()


# -- Cancelling -------------------------------------------------------------------------------


def test_cancelling_before_the_cutoff_refunds_in_full_and_closes_the_case(
    bulky, make_resident, _travel
):
    resident = make_resident()
    booking = booked(bulky, resident)
    _travel.move_to(london(2026, 3, 6, 11, 59))
    cancelled = bulky_booking_cancel(booking=booking, resident=resident)
    assert cancelled.status == BookingStatus.CANCELLED
    refund = Refund.objects.get()
    assert refund.amount_pence == 3600
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.REFUNDED
    case = Case.objects.get()
    assert case.status == Status.CANCELLED
    # Its place is free again, and cancelling twice refunds once.
    assert book(bulky, make_resident()).status == "pending_payment"
    with pytest.raises(WasteError):
        bulky_booking_cancel(booking=booking, resident=resident)
    assert Refund.objects.count() == 1


def test_cancelling_at_the_cutoff_is_refused_and_changes_nothing(bulky, make_resident, _travel):
    resident = make_resident()
    booking = booked(bulky, resident)
    _travel.move_to(london(2026, 3, 6, 12, 0))
    with pytest.raises(WasteError) as refused:
        bulky_booking_cancel(booking=booking, resident=resident)
    assert refused.value.message == (
        "It is too late to cancel this collection. You could cancel it until midday on "
        "Friday 6 March 2026. Contact the council if you need help."
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not Refund.objects.exists()
    with pytest.raises(WasteError):
        bulky_booking_change(
            booking=booking,
            resident=resident,
            quantities={"sofa": 1},
            day=MONDAY,
            price_pence=3600,
        )


def test_someone_else_cannot_cancel_a_booking(bulky, make_resident):
    booking = booked(bulky, make_resident())
    with pytest.raises(WasteError):
        bulky_booking_cancel(booking=booking, resident=make_resident())
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# -- Reminder ---------------------------------------------------------------------------------


def test_the_reminder_is_sent_once_the_day_before(
    bulky, make_resident, _travel, django_capture_on_commit_callbacks
):
    resident = make_resident(email="robin@example.com")
    booking = booked(bulky, resident)
    other = booked(bulky, make_resident(), day=date(2026, 3, 16))
    assert bulky_reminders_send() == []
    _travel.move_to(london(2026, 3, 8, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        assert bulky_reminders_send() == [booking.pk]
        assert bulky_reminders_send() == []
    reminders = Notification.objects.filter(recipient_email="robin@example.com", kind="case_update")
    assert reminders.count() == 1
    assert (
        "Your bulky waste collection is tomorrow, Monday 9 March 2026" in reminders.get().body_text
    )
    other.refresh_from_db()
    assert other.reminder_sent_at is None


def test_the_reminder_task_is_one_of_the_workers_periodic_jobs_and_sends_once(
    bulky, make_resident, _travel
):
    from borough.core.management.commands.worker import PERIODIC_JOBS
    from borough.waste.tasks import bulky_reminders_run

    assert (
        "waste.bulky_reminders",
        "UPLOAD_SWEEP_SECONDS",
        "borough.waste.tasks.bulky_reminders_run",
    ) in PERIODIC_JOBS
    booking = booked(bulky, make_resident())
    _travel.move_to(london(2026, 3, 8, 18, 0))
    assert bulky_reminders_run.call() == [booking.pk]
    assert bulky_reminders_run.call() == []
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None
    assert (
        CaseEvent.objects.filter(
            case=booking.case, kind=EventKind.PUBLIC_UPDATE, body__contains="is tomorrow"
        ).count()
        == 1
    )
