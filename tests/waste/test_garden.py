"""Garden waste subscriptions: the price and its part-year rule, subscribing and paying with
the test provider, payment failure and abandonment, double submits, tampered prices and
duplicates, renewal and its window, the renewal reminder (once, from a periodic job),
cancellation with the cooling-off refund rule, and the property's garden collection and bins
following the subscriptions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from borough.cases.models import Case, Status
from borough.core.models import AuditEntry
from borough.notify.models import Notification
from borough.payments.models import Payment, PaymentStatus, Refund
from borough.payments.providers.test_provider import card_page_finish
from borough.payments.services import (
    PaymentError,
    PaymentErrorCode,
    payment_reconcile,
    payment_return,
    payment_start,
)
from borough.waste.models import Container, GardenStatus, GardenSubscription, PropertyService
from borough.waste.selectors import (
    bin_days,
    garden_bin_price,
    garden_renewal_opens,
    garden_year_bounds,
    garden_year_for,
)
from borough.waste.services import (
    GardenKind,
    WasteError,
    WasteErrorCode,
    garden_reminders_send,
    garden_setup,
    garden_subscription_cancel,
    garden_subscription_create,
    garden_subscription_payment,
)
from tests.waste.conftest import Garden, garden_build, london

# A Wednesday in the subscription year 1 April 2026 to 31 March 2027.
NOW = london(2026, 5, 6, 10, 0)
YEAR_END = date(2027, 3, 31)
RENEWAL_OPENS = date(2027, 2, 18)


@pytest.fixture(autouse=True)
def _test_provider(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "test"


@pytest.fixture(autouse=True)
def _travel() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


_keys = iter(range(1, 100_000))


def subscribe(garden: Garden, resident: Any, **overrides: Any) -> GardenSubscription:
    fields: dict[str, Any] = {
        "prop": garden.waste.home,
        "resident": resident,
        "kind": GardenKind.NEW,
        "bins": 2,
        "price_pence": 9000,
        "idempotency_key": f"garden-test-{next(_keys)}",
    }
    fields.update(overrides)
    return garden_subscription_create(**fields)


def pay(subscription: GardenSubscription, *, card: str = "success", code: str = "") -> Payment:
    payment = garden_subscription_payment(subscription=subscription)
    payment_start(payment=payment)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status=card, code=code)
    result = payment_return(token=payment.return_token)
    assert result is not None
    return result


def subscribed(garden: Garden, resident: Any, **overrides: Any) -> GardenSubscription:
    subscription = subscribe(garden, resident, **overrides)
    pay(subscription)
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.ACTIVE
    return subscription


def garden_service_of(garden: Garden) -> PropertyService | None:
    return PropertyService.objects.filter(property=garden.waste.home, stream=garden.stream).first()


def garden_bins_at(garden: Garden) -> int:
    container = Container.objects.filter(
        property=garden.waste.home, container_type=garden.bin_type
    ).first()
    return container.quantity if container else 0


# -- The year and the price -------------------------------------------------------------------


def test_the_subscription_year_runs_april_to_march(garden):
    settings = garden_setup(garden.waste.home).settings
    assert garden_year_bounds(settings, 2026) == (date(2026, 4, 1), YEAR_END)
    assert garden_year_for(settings, date(2026, 4, 1)) == 2026
    assert garden_year_for(settings, date(2027, 3, 31)) == 2026
    assert garden_year_for(settings, date(2026, 3, 31)) == 2025
    assert garden_renewal_opens(settings, 2026) == RENEWAL_OPENS


def test_the_part_year_rule_a_bin_costs_less_from_the_seventh_month(garden):
    settings = garden_setup(garden.waste.home).settings
    assert garden_bin_price(settings, year=2026, starts_on=date(2026, 4, 1)) == 4500
    assert garden_bin_price(settings, year=2026, starts_on=date(2026, 9, 30)) == 4500
    assert garden_bin_price(settings, year=2026, starts_on=date(2026, 10, 1)) == 2500
    assert garden_bin_price(settings, year=2026, starts_on=date(2027, 3, 31)) == 2500


def test_with_no_reduced_price_a_bin_costs_the_same_all_year(waste):
    garden = garden_build(waste, reduced_price_pence=None)
    settings = garden_setup(garden.waste.home).settings
    assert garden_bin_price(settings, year=2026, starts_on=date(2027, 3, 1)) == 4500


def test_a_subscription_starting_in_october_is_charged_the_reduced_price(
    garden, make_resident, _travel
):
    _travel.move_to(london(2026, 10, 5, 9, 0))
    subscription = subscribed(garden, make_resident(), bins=2, price_pence=5000)
    assert subscription.price_pence == 5000
    assert subscription.starts_on == date(2026, 10, 5)
    assert subscription.ends_on == YEAR_END
    assert Payment.objects.get().amount_pence == 5000


# -- Subscribing and paying -------------------------------------------------------------------


def test_a_paid_subscription_is_active_with_its_case_collection_and_bins(
    garden, make_resident, django_capture_on_commit_callbacks
):
    resident = make_resident(email="robin@example.com")
    subscription = subscribe(garden, resident)
    assert subscription.status == GardenStatus.PENDING_PAYMENT
    assert subscription.year == 2026
    assert (subscription.starts_on, subscription.ends_on) == (date(2026, 5, 6), YEAR_END)
    # Nothing is collected until it is paid.
    assert garden_service_of(garden) is None
    assert not Case.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(subscription)
    assert payment.status == PaymentStatus.SUCCESS
    assert payment.amount_pence == 9000
    assert payment.purpose == "waste.garden"
    assert payment.idempotency_key == f"garden-subscription-{subscription.pk}"
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.ACTIVE
    assert subscription.paid_pence == 9000
    assert subscription.payment_reference == payment.reference
    case = subscription.case
    assert case is not None and case.service == garden.service
    assert case.answers["bins"] == 2
    assert case.answers["has_bin"] is False
    assert case.answers["start_date"] == "2026-05-06"
    service = garden_service_of(garden)
    assert service is not None and service.round == garden.round
    assert (service.active_from, service.active_to) == (date(2026, 5, 6), YEAR_END)
    assert garden_bins_at(garden) == 2
    # The acknowledgement email, and the bin days page shows garden waste.
    assert Notification.objects.filter(
        recipient_email="robin@example.com", kind="acknowledgement"
    ).exists()
    days = bin_days(prop=garden.waste.home, today=date(2026, 5, 6))
    assert days is not None
    garden_days = next(s for s in days.streams if s.stream.pk == garden.stream.pk)
    assert garden_days.next_dates[0] == date(2026, 5, 11)


@pytest.mark.parametrize(("card", "code"), [("failed", "P0010"), ("cancelled", "P0030")])
def test_a_declined_or_cancelled_payment_leaves_no_subscription_and_a_retry_works(
    garden, make_resident, card, code
):
    resident = make_resident()
    subscription = subscribe(garden, resident)
    payment = pay(subscription, card=card, code=code)
    assert not payment.is_paid
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.UNPAID
    assert subscription.case is None
    assert not Case.objects.exists()
    assert garden_service_of(garden) is None
    assert garden_bins_at(garden) == 0
    # Nothing blocks subscribing again.
    again = subscribed(garden, resident)
    assert again.pk != subscription.pk


def test_an_abandoned_payment_is_expired_by_the_reconciler(garden, make_resident, _travel):
    subscription = subscribe(garden, make_resident())
    payment = garden_subscription_payment(subscription=subscription)
    payment_start(payment=payment)
    _travel.shift(timedelta(minutes=91))
    assert payment_reconcile().expired == [payment.reference]
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.UNPAID
    assert garden_service_of(garden) is None
    assert subscribe(garden, make_resident()).status == GardenStatus.PENDING_PAYMENT


def test_a_double_submit_makes_one_subscription_and_one_payment(garden, make_resident):
    resident = make_resident()
    first = subscribe(garden, resident, idempotency_key="journey-1")
    second = subscribe(garden, resident, idempotency_key="journey-1")
    assert first.pk == second.pk
    assert (
        garden_subscription_payment(subscription=first).pk
        == garden_subscription_payment(subscription=second).pk
    )
    assert GardenSubscription.objects.count() == 1
    assert Payment.objects.count() == 1


def test_a_payment_is_taken_once_however_often_the_return_comes(garden, make_resident):
    subscription = subscribe(garden, make_resident())
    payment = pay(subscription)
    payment_return(token=payment.return_token)
    payment_return(token=payment.return_token)
    assert Case.objects.count() == 1
    assert Payment.objects.count() == 1
    subscription.refresh_from_db()
    with pytest.raises(WasteError) as refused:
        garden_subscription_payment(subscription=subscription)
    assert refused.value.message == "There is nothing to pay"
    with pytest.raises(PaymentError) as finished:
        payment_start(payment=payment)
    assert finished.value.code == PaymentErrorCode.FINISHED


# -- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bins": 2, "price_pence": 4500}, "The price has changed to £90."),
        ({"bins": 1, "price_pence": 1}, "The price has changed to £45."),
        ({"bins": 0, "price_pence": 0}, "Select how many bins you want, from 1 to 3"),
        ({"bins": 4, "price_pence": 18000}, "Select how many bins you want, from 1 to 3"),
        ({"kind": "lifetime"}, "Start again"),
    ],
)
def test_tampered_prices_and_bad_bin_counts_are_refused_and_nothing_changes(
    garden, make_resident, overrides, message
):
    with pytest.raises(WasteError) as refused:
        subscribe(garden, make_resident(), **overrides)
    assert refused.value.message.startswith(message)
    assert not GardenSubscription.objects.exists()
    assert not Payment.objects.exists()


def test_a_second_subscription_for_the_same_address_and_year_is_refused(garden, make_resident):
    subscribed(garden, make_resident())
    with pytest.raises(WasteError) as refused:
        subscribe(garden, make_resident())
    assert refused.value.code == WasteErrorCode.DUPLICATE
    assert refused.value.message == (
        "This address already has a garden waste subscription for 1 April 2026 to 31 March 2027"
    )
    assert GardenSubscription.objects.count() == 1
    assert Payment.objects.count() == 1


def test_another_residents_subscription_waiting_for_payment_is_not_given_up(garden, make_resident):
    waiting = subscribe(garden, make_resident())
    payment = garden_subscription_payment(subscription=waiting)
    with pytest.raises(WasteError) as refused:
        subscribe(garden, make_resident())
    assert refused.value.code == WasteErrorCode.DUPLICATE
    assert "is waiting for payment" in refused.value.message
    payment.refresh_from_db()
    assert not payment.is_finished
    waiting.refresh_from_db()
    assert waiting.status == GardenStatus.PENDING_PAYMENT


def test_the_same_resident_starting_again_gives_up_the_earlier_one_and_its_payment(
    garden, make_resident
):
    resident = make_resident()
    first = subscribe(garden, resident, bins=1, price_pence=4500)
    first_payment = garden_subscription_payment(subscription=first)
    payment_start(payment=first_payment)
    second = subscribe(garden, resident, bins=3, price_pence=13500)
    first.refresh_from_db()
    first_payment.refresh_from_db()
    assert first.status == GardenStatus.UNPAID
    assert first_payment.status == PaymentStatus.CANCELLED
    assert second.status == GardenStatus.PENDING_PAYMENT
    # The first can no longer be paid for: its card page was cancelled.
    assert not card_page_finish(
        provider_payment_id=first_payment.provider_payment_id, status="success"
    )
    pay(second)
    assert garden_bins_at(garden) == 3


def test_the_garden_round_is_the_one_on_the_addresss_collection_day(garden, make_resident):
    from borough.waste.services import round_create

    friday_garden = round_create(
        organisation=garden.waste.organisation,
        name="Friday garden",
        streams=[garden.stream],
        weekday=4,
        every_weeks=2,
        anchor_date=date(2026, 1, 9),
    )
    subscribed(garden, make_resident(), prop=garden.waste.friday_home)
    subscribed(garden, make_resident())
    rounds = dict(
        PropertyService.objects.filter(stream=garden.stream).values_list("property_id", "round")
    )
    assert rounds == {
        garden.waste.friday_home.pk: friday_garden.pk,
        garden.waste.home.pk: garden.round.pk,
    }


def test_an_address_without_collections_cannot_subscribe(garden, make_resident, make_property):
    nowhere = make_property(paon="3", street_name="Nowhere Lane", postcode="DT1 9ZZ")
    with pytest.raises(WasteError) as refused:
        subscribe(garden, make_resident(), prop=nowhere)
    assert refused.value.code == WasteErrorCode.NO_COLLECTIONS
    assert refused.value.message == "We do not collect garden waste from this address"


# -- Renewal ----------------------------------------------------------------------------------


def test_renewal_is_refused_before_its_window_and_without_a_subscription(
    garden, make_resident, _travel
):
    resident = make_resident()
    with pytest.raises(WasteError) as nothing:
        subscribe(garden, resident, kind=GardenKind.RENEWAL)
    assert nothing.value.message == (
        "You do not have a garden waste subscription at this address to renew"
    )
    subscribed(garden, resident)
    with pytest.raises(WasteError) as early:
        subscribe(garden, resident, kind=GardenKind.RENEWAL)
    assert early.value.message == "You can renew your subscription from Thursday 18 February 2027"
    _travel.move_to(london(2027, 2, 18, 9, 0))
    with pytest.raises(WasteError) as other:
        subscribe(garden, make_resident(), kind=GardenKind.RENEWAL)
    assert other.value.code == WasteErrorCode.NOT_ALLOWED
    assert GardenSubscription.objects.count() == 1


def test_a_renewal_is_for_the_whole_next_year_at_full_price(garden, make_resident, _travel):
    resident = make_resident()
    current = subscribed(garden, resident)
    _travel.move_to(london(2027, 3, 1, 9, 0))
    renewal = subscribe(garden, resident, kind=GardenKind.RENEWAL, bins=1, price_pence=4500)
    assert renewal.year == 2027
    assert renewal.renewal_of == current
    assert (renewal.starts_on, renewal.ends_on) == (date(2027, 4, 1), date(2028, 3, 31))
    pay(renewal)
    service = garden_service_of(garden)
    assert service is not None
    assert (service.active_from, service.active_to) == (date(2026, 5, 6), date(2028, 3, 31))
    # Renewing twice is refused.
    with pytest.raises(WasteError) as twice:
        subscribe(garden, resident, kind=GardenKind.RENEWAL, bins=1, price_pence=4500)
    assert twice.value.message == (
        "This address already has a garden waste subscription for 1 April 2027 to 31 March 2028"
    )


# -- Renewal reminders ------------------------------------------------------------------------


def test_the_renewal_reminder_is_sent_once_when_renewal_opens(
    garden, make_resident, _travel, django_capture_on_commit_callbacks
):
    subscription = subscribed(garden, make_resident(email="robin@example.com"))
    assert garden_reminders_send() == []
    _travel.move_to(london(2027, 2, 17, 23, 0))
    assert garden_reminders_send() == []
    _travel.move_to(london(2027, 2, 18, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        assert garden_reminders_send() == [subscription.pk]
        assert garden_reminders_send() == []
    _travel.move_to(london(2027, 3, 10, 9, 0))
    assert garden_reminders_send() == []
    reminders = Notification.objects.filter(recipient_email="robin@example.com", kind="case_update")
    assert reminders.count() == 1
    body = reminders.get().body_text
    assert "Your garden waste subscription ends on Wednesday 31 March 2027" in body
    assert "Renew it for 1 April 2027 to 31 March 2028" in body
    assert f"/bins/{garden.waste.home.uprn}/garden/" in body


def test_no_reminder_for_an_address_already_renewed_or_a_cancelled_subscription(
    garden, make_resident, make_property, _travel
):
    resident = make_resident()
    subscribed(garden, resident)
    other_home = garden.waste.add_home(make_property, paon="5", street_name="High West Street")
    cancelled = subscribed(garden, make_resident(), prop=other_home)
    garden_subscription_cancel(subscription=cancelled, resident=cancelled.resident)
    _travel.move_to(london(2027, 2, 20, 9, 0))
    renewal = subscribe(garden, resident, kind=GardenKind.RENEWAL)
    pay(renewal)
    assert garden_reminders_send() == []


def test_the_reminder_task_is_one_of_the_workers_periodic_jobs_and_sends_once(
    garden, make_resident, _travel
):
    from borough.core.management.commands.worker import PERIODIC_JOBS
    from borough.waste.tasks import garden_reminders_run

    assert (
        "waste.garden_reminders",
        "UPLOAD_SWEEP_SECONDS",
        "borough.waste.tasks.garden_reminders_run",
    ) in PERIODIC_JOBS
    subscription = subscribed(garden, make_resident())
    _travel.move_to(london(2027, 2, 18, 9, 0))
    assert garden_reminders_run.call() == [subscription.pk]
    assert garden_reminders_run.call() == []


# -- Cancelling -------------------------------------------------------------------------------


def test_cancelling_within_14_days_refunds_in_full_and_stops_collections(
    garden, make_resident, _travel
):
    resident = make_resident()
    subscription = subscribed(garden, resident)
    _travel.move_to(london(2026, 5, 19, 9, 0))
    cancelled = garden_subscription_cancel(subscription=subscription, resident=resident)
    assert cancelled.status == GardenStatus.CANCELLED
    assert cancelled.refunded_pence == 9000
    assert cancelled.paid_pence == 0
    refund = Refund.objects.get()
    assert refund.amount_pence == 9000
    assert refund.idempotency_key == f"garden-{subscription.pk}-cancel"
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    service = garden_service_of(garden)
    assert service is not None and service.active_to == date(2026, 5, 19)
    assert garden_bins_at(garden) == 0
    assert cancelled.case is not None
    cancelled.case.refresh_from_db()
    assert cancelled.case.status == Status.CANCELLED
    assert AuditEntry.objects.filter(action="waste.garden_cancel", actor=resident).exists()
    # Cancelling again is refused and refunds nothing more.
    with pytest.raises(WasteError) as again:
        garden_subscription_cancel(subscription=subscription, resident=resident)
    assert again.value.message == "This subscription has been cancelled"
    assert Refund.objects.count() == 1
    # The address can subscribe again.
    assert subscribe(garden, resident).status == GardenStatus.PENDING_PAYMENT


def test_cancelling_after_14_days_refunds_nothing(garden, make_resident, _travel):
    resident = make_resident()
    subscription = subscribed(garden, resident)
    _travel.move_to(london(2026, 5, 20, 10, 1))
    cancelled = garden_subscription_cancel(subscription=subscription, resident=resident)
    assert cancelled.status == GardenStatus.CANCELLED
    assert cancelled.refunded_pence == 0
    assert not Refund.objects.exists()
    assert garden_bins_at(garden) == 0
    assert cancelled.case is not None
    cancelled.case.refresh_from_db()
    assert cancelled.case.status == Status.CANCELLED
    from borough.cases.models import CaseEvent

    messages = [event.body for event in CaseEvent.objects.filter(case=cancelled.case)]
    assert any("There is no refund after the first 14 days" in m for m in messages)


def test_a_renewal_cancelled_before_it_starts_is_refunded_and_the_current_year_stays(
    garden, make_resident, _travel
):
    resident = make_resident()
    current = subscribed(garden, resident)
    _travel.move_to(london(2027, 2, 20, 9, 0))
    renewal = subscribe(garden, resident, kind=GardenKind.RENEWAL)
    pay(renewal)
    renewal.refresh_from_db()
    _travel.move_to(london(2027, 3, 20, 9, 0))
    cancelled = garden_subscription_cancel(subscription=renewal, resident=resident)
    assert cancelled.refunded_pence == 9000
    current.refresh_from_db()
    assert current.status == GardenStatus.ACTIVE
    service = garden_service_of(garden)
    assert service is not None and service.active_to == YEAR_END
    assert garden_bins_at(garden) == 2


def test_only_the_subscriber_can_cancel(garden, make_resident):
    subscription = subscribed(garden, make_resident())
    with pytest.raises(WasteError) as refused:
        garden_subscription_cancel(subscription=subscription, resident=make_resident())
    assert refused.value.message == "This is not your subscription"
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.ACTIVE


def test_a_refund_the_provider_refuses_cancels_nothing(garden, make_resident, monkeypatch):
    from borough.waste import services

    resident = make_resident()
    subscription = subscribed(garden, resident)

    def refuse(**kwargs: Any) -> Any:
        raise PaymentError(PaymentErrorCode.PROVIDER_UNAVAILABLE, "Sorry, refunds are not working")

    monkeypatch.setattr(services, "payment_refund", refuse)
    with pytest.raises(WasteError) as refused:
        garden_subscription_cancel(subscription=subscription, resident=resident)
    assert refused.value.message == "Sorry, refunds are not working"
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.ACTIVE
    assert garden_bins_at(garden) == 2


def test_a_payment_confirmed_after_midnight_still_makes_the_subscription(
    garden, make_resident, _travel
):
    _travel.move_to(london(2026, 5, 6, 23, 50))
    subscription = subscribe(garden, make_resident())
    payment = garden_subscription_payment(subscription=subscription)
    payment_start(payment=payment)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
    # The resident closed the browser; the reconciler confirms it the next day.
    _travel.move_to(london(2026, 5, 7, 0, 10))
    assert payment_reconcile().finished == [payment.reference]
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.ACTIVE
    assert subscription.case is not None
    assert subscription.case.answers["start_date"] == "2026-05-07"
