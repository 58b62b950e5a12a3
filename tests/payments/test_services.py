"""payment_create's rules: money in integer pence, idempotency, phone payments, purposes;
the reconciler; staff reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from borough.core.models import AuditEntry
from borough.payments.models import Payment, PaymentEvent, TestCardPayment
from borough.payments.money import pounds
from borough.payments.providers.test_provider import card_page_finish
from borough.payments.selectors import payment_for_staff
from borough.payments.services import (
    PaymentError,
    PaymentErrorCode,
    payment_reconcile,
    payment_return,
    payment_start,
)
from tests.payments.conftest import PURPOSE

pytestmark = pytest.mark.usefixtures("test_provider")


def test_the_same_idempotency_key_gives_the_same_payment_and_one_provider_payment(
    make_payment: Any,
) -> None:
    first = make_payment(idempotency_key="container-77")
    second = make_payment(idempotency_key="container-77")

    assert second.pk == first.pk
    assert Payment.objects.count() == 1
    assert TestCardPayment.objects.count() == 1
    assert payment_start(payment=second) == payment_start(payment=first)
    assert TestCardPayment.objects.count() == 1


def test_an_idempotency_key_reused_for_another_amount_is_refused(make_payment: Any) -> None:
    make_payment(idempotency_key="container-78")
    with pytest.raises(PaymentError) as error:
        make_payment(idempotency_key="container-78", amount_pence=9999)
    assert error.value.code == PaymentErrorCode.IDEMPOTENCY_MISMATCH
    assert Payment.objects.get().amount_pence == 2550


@pytest.mark.parametrize("amount", [25.5, 2550.0, True, 0, -100, 10_000_001, "2550"])
def test_amounts_are_whole_pence_never_floats(make_payment: Any, amount: Any) -> None:
    with pytest.raises(PaymentError) as error:
        make_payment(amount_pence=amount)
    assert error.value.code == PaymentErrorCode.AMOUNT_INVALID
    assert not Payment.objects.exists()
    assert not TestCardPayment.objects.exists()


def test_money_is_written_in_pounds_from_pence() -> None:
    assert pounds(2550) == "£25.50"
    assert pounds(5) == "£0.05"
    assert pounds(10_000_000) == "£100,000.00"


def test_an_unknown_purpose_or_an_outside_return_address_is_refused(make_payment: Any) -> None:
    with pytest.raises(PaymentError) as error:
        make_payment(purpose="nobody.registered")
    assert error.value.code == PaymentErrorCode.PURPOSE_UNKNOWN
    for bad in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "evil"):
        with pytest.raises(PaymentError) as error:
            make_payment(return_to=bad)
        assert error.value.code == PaymentErrorCode.RETURN_TO_INVALID
    assert not Payment.objects.exists()


def test_an_advisor_takes_a_payment_by_phone_through_the_same_flow(
    client: Any, make_payment: Any, district: Any, make_team: Any, make_staff: Any, recorder: Any
) -> None:
    advisor = make_staff(make_team(district), role="advisor")
    payment = make_payment(channel="phone", taken_by=advisor)
    assert (payment.channel, payment.taken_by) == ("phone", advisor)

    next_url = payment_start(payment=payment)
    client.force_login(advisor)
    client.post(
        next_url,
        {
            "card-number": "4444333322221111",
            "expiry-month": "1",
            "expiry-year": "2040",
            "name": "Alex Resident",
            "cvc": "123",
        },
    )
    payment = payment_return(token=payment.return_token)
    assert payment is not None and payment.status == "success"
    assert recorder.paid == [payment.reference]
    created = PaymentEvent.objects.get(payment=payment, kind="created")
    assert created.actor == advisor and created.data == {"channel": "phone"}


def test_only_the_councils_own_staff_take_phone_payments(
    make_payment: Any,
    county: Any,
    district: Any,
    make_team: Any,
    make_staff: Any,
    make_resident: Any,
) -> None:
    for taken_by in (
        None,
        make_resident(),
        make_staff(make_team(county), role="advisor"),
        make_staff(make_team(district), role="contractor"),
    ):
        with pytest.raises(PaymentError) as error:
            make_payment(channel="phone", taken_by=taken_by)
        assert error.value.code == PaymentErrorCode.NOT_ALLOWED
    advisor = make_staff(make_team(district), role="advisor")
    with pytest.raises(PaymentError) as error:
        make_payment(channel="web", taken_by=advisor)
    assert error.value.code == PaymentErrorCode.CHANNEL_INVALID
    assert not Payment.objects.exists()


def test_reconcile_expires_an_abandoned_payment_as_failed(make_payment: Any, recorder: Any) -> None:
    payment = make_payment()
    payment_start(payment=payment)
    now = timezone.now()

    early = payment_reconcile(now=now + timedelta(minutes=30))
    payment.refresh_from_db()
    assert early.checked == [payment.reference] and early.expired == []
    assert payment.status == "created"

    result = payment_reconcile(now=now + timedelta(minutes=91))
    payment.refresh_from_db()
    assert result.expired == [payment.reference]
    assert (payment.status, payment.failure_code) == ("failed", "P0020")
    assert recorder.failed == [payment.reference] and recorder.paid == []
    # The card page can no longer take it.
    assert TestCardPayment.objects.get().status == "cancelled"
    again = payment_reconcile(now=now + timedelta(minutes=200))
    assert again.checked == []
    assert recorder.failed == [payment.reference]


def test_reconcile_confirms_a_payment_whose_resident_never_came_back(
    make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    payment_start(payment=payment)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")

    result = payment_reconcile(now=timezone.now() + timedelta(minutes=10))
    payment.refresh_from_db()
    assert result.finished == [payment.reference]
    assert payment.status == "success"
    assert recorder.paid == [payment.reference]


def test_a_failing_purpose_handler_leaves_the_payment_to_be_confirmed_again(
    make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    payment_start(payment=payment)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
    recorder.raise_on_paid = True
    with pytest.raises(RuntimeError):
        payment_return(token=payment.return_token)
    payment.refresh_from_db()
    assert payment.status == "created" and payment.outcome_handled_at is None

    recorder.raise_on_paid = False
    payment = payment_return(token=payment.return_token)
    assert payment is not None and payment.status == "success"
    assert recorder.paid == [payment.reference]


def test_staff_see_payments_of_their_own_council_only_and_the_read_is_audited(
    make_payment: Any, county: Any, district: Any, make_team: Any, make_staff: Any
) -> None:
    payment = make_payment()
    caseworker = make_staff(make_team(district), role="caseworker")
    outsider = make_staff(make_team(county), role="administrator")
    contractor = make_staff(make_team(district), role="contractor")

    assert payment_for_staff(user=caseworker, reference=payment.reference) == payment
    assert payment_for_staff(user=outsider, reference=payment.reference) is None
    assert payment_for_staff(user=contractor, reference=payment.reference) is None
    audits = AuditEntry.objects.filter(action="payment.view")
    assert [(a.actor, a.object_id) for a in audits] == [(caseworker, payment.reference)]


def test_a_payment_without_a_purpose_needs_no_handler(make_payment: Any) -> None:
    payment = make_payment(purpose="", purpose_id="")
    payment_start(payment=payment)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
    payment = payment_return(token=payment.return_token)
    assert payment is not None and payment.status == "success"
    assert payment.purpose != PURPOSE


def test_the_worker_reconciles_payments_periodically(make_payment: Any, recorder: Any) -> None:
    from django.core.management import call_command

    from borough.core.management.commands.worker import PERIODIC_JOBS
    from borough.payments.tasks import payments_reconcile_run

    assert ("payments.reconcile", "PAYMENT_RECONCILE_SECONDS") in [j[:2] for j in PERIODIC_JOBS]
    payment = make_payment()
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=120))
    result = payments_reconcile_run.enqueue()
    assert result.return_value == {"finished": [], "expired": [payment.reference]}
    payment.refresh_from_db()
    assert payment.status == "failed"
    call_command("payments_reconcile")  # nothing left to do, and says so
    assert recorder.failed == [payment.reference]
