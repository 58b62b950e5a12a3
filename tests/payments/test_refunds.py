"""Refunds, full and partial, through both providers; more than was paid is refused."""

from __future__ import annotations

from typing import Any

import pytest

from borough.payments.models import Payment, Refund
from borough.payments.providers.test_provider import card_page_finish
from borough.payments.services import (
    PaymentError,
    PaymentErrorCode,
    payment_refund,
    payment_return,
    payment_webhook_receive,
)
from tests.payments.govuk_pay_stub import GovukPayStub


def _paid_with_test_provider(make_payment: Any, settings: Any, **kw: Any) -> Payment:
    settings.PAYMENT_PROVIDER = "test"
    payment = make_payment(**kw)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
    paid = payment_return(token=payment.return_token)
    assert paid is not None and paid.status == "success"
    return paid


def test_a_full_refund_with_the_test_provider(
    make_payment: Any, settings: Any, district: Any, make_team: Any, make_staff: Any
) -> None:
    payment = _paid_with_test_provider(make_payment, settings)
    caseworker = make_staff(make_team(district))
    refund = payment_refund(
        payment=payment, amount_pence=2550, idempotency_key="r-1", actor=caseworker, reason="Sorry"
    )
    payment.refresh_from_db()
    assert (refund.status, refund.requested_by) == ("success", caseworker)
    assert (payment.status, payment.refunded_pence) == ("refunded", 2550)
    with pytest.raises(PaymentError) as error:
        payment_refund(payment=payment, amount_pence=1, idempotency_key="r-2")
    assert error.value.code == PaymentErrorCode.REFUND_TOO_MUCH
    assert Refund.objects.count() == 1


def test_partial_refunds_then_too_much_is_refused(make_payment: Any, settings: Any) -> None:
    payment = _paid_with_test_provider(make_payment, settings)
    payment_refund(payment=payment, amount_pence=1000, idempotency_key="r-1")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_pence) == ("partially_refunded", 1000)

    with pytest.raises(PaymentError) as error:
        payment_refund(payment=payment, amount_pence=1551, idempotency_key="r-2")
    assert error.value.code == PaymentErrorCode.REFUND_TOO_MUCH
    assert error.value.message == "Enter an amount no more than £15.50"
    payment_refund(payment=payment, amount_pence=1550, idempotency_key="r-3")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_pence) == ("refunded", 2550)


def test_the_same_refund_key_refunds_once(make_payment: Any, settings: Any) -> None:
    payment = _paid_with_test_provider(make_payment, settings)
    first = payment_refund(payment=payment, amount_pence=500, idempotency_key="r-1")
    second = payment_refund(payment=payment, amount_pence=500, idempotency_key="r-1")
    assert first.pk == second.pk
    payment.refresh_from_db()
    assert payment.refunded_pence == 500


def test_refund_rules_come_from_the_caller_and_unpaid_payments_cannot_be_refunded(
    make_payment: Any, settings: Any
) -> None:
    settings.PAYMENT_PROVIDER = "test"
    unpaid = make_payment()
    with pytest.raises(PaymentError) as error:
        payment_refund(payment=unpaid, amount_pence=100, idempotency_key="r-0")
    assert error.value.code == PaymentErrorCode.NOT_PAID

    payment = _paid_with_test_provider(make_payment, settings, idempotency_key="paid")
    with pytest.raises(PaymentError) as error:
        payment_refund(
            payment=payment,
            amount_pence=100,
            idempotency_key="r-1",
            rule=lambda p, amount: "Collections booked for tomorrow cannot be refunded",
        )
    assert error.value.code == PaymentErrorCode.REFUND_NOT_ALLOWED
    assert error.value.message == "Collections booked for tomorrow cannot be refunded"
    with pytest.raises(PaymentError):
        payment_refund(payment=payment, amount_pence=12.5, idempotency_key="r-2")  # type: ignore[arg-type]
    assert not Refund.objects.exists()


def _paid_with_govuk_pay(client: Any, govuk_pay: GovukPayStub, make_payment: Any) -> Payment:
    payment = make_payment()
    govuk_pay.finish(payment.provider_payment_id, "success")
    client.get(f"/pay/return/{payment.return_token}/")
    payment.refresh_from_db()
    assert payment.status == "success"
    return payment


def test_partial_and_full_refunds_through_govuk_pay(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any
) -> None:
    payment = _paid_with_govuk_pay(client, govuk_pay, make_payment)
    path = f"/v1/payments/{payment.provider_payment_id}/refunds"

    payment_refund(payment=payment, amount_pence=550, idempotency_key="r-1")
    payment_refund(payment=payment, amount_pence=2000, idempotency_key="r-2")
    bodies = [c.body for c in govuk_pay.api_calls("POST", path)]
    assert bodies == [
        {"amount": 550, "refund_amount_available": 2550},
        {"amount": 2000, "refund_amount_available": 2000},
    ]
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_pence) == ("refunded", 2550)
    assert [r.provider_refund_id for r in payment.refunds.all()] == [
        r["refund_id"] for r in govuk_pay.refunds[payment.provider_payment_id]
    ]
    with pytest.raises(PaymentError) as error:
        payment_refund(payment=payment, amount_pence=1, idempotency_key="r-3")
    assert error.value.code == PaymentErrorCode.REFUND_TOO_MUCH
    assert len(govuk_pay.api_calls("POST", path)) == 2


def test_govuk_pay_refuses_a_refund_when_its_available_amount_differs(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any
) -> None:
    payment = _paid_with_govuk_pay(client, govuk_pay, make_payment)
    govuk_pay.refund_elsewhere(payment.provider_payment_id, 2000)  # in GOV.UK Pay's admin tool

    with pytest.raises(PaymentError) as error:
        payment_refund(payment=payment, amount_pence=1000, idempotency_key="r-1")
    assert error.value.code == PaymentErrorCode.REFUND_REFUSED
    refund = Refund.objects.get()
    assert refund.status == "error" and refund.error.startswith("P0604")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_pence) == ("success", 0)


def test_a_submitted_refund_is_settled_by_the_refunded_webhook(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any
) -> None:
    payment = _paid_with_govuk_pay(client, govuk_pay, make_payment)
    govuk_pay.refund_status = "submitted"
    refund = payment_refund(payment=payment, amount_pence=1000, idempotency_key="r-1")
    payment.refresh_from_db()
    assert (refund.status, payment.status, payment.refunded_pence) == ("submitted", "success", 0)

    govuk_pay.refund_settle(payment.provider_payment_id, refund.provider_refund_id)
    body = govuk_pay.webhook_body(
        event_type="card_payment_refunded", payment_id=payment.provider_payment_id
    )
    outcome = payment_webhook_receive(
        body=body, signature=govuk_pay.sign(body), secret=govuk_pay.webhook_secret
    )
    assert outcome == "processed"
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == "success"
    assert (payment.status, payment.refunded_pence) == ("partially_refunded", 1000)
