"""The GOV.UK Pay adapter against a local stub that speaks GOV.UK Pay's API: the resident's
journey through the hosted pages, failures, outages, duplicates and abandonment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.utils import timezone

from borough.payments.models import Payment
from borough.payments.providers.govuk_pay import GovukPay
from borough.payments.services import (
    PaymentError,
    PaymentErrorCode,
    payment_reconcile,
    payment_start,
)
from tests.payments.govuk_pay_stub import GovukPayStub


def _pay_on_hosted_pages(next_url: str, action: str) -> str:
    """The resident on GOV.UK Pay's pages; returns where GOV.UK Pay sends them back to."""
    assert httpx.get(next_url).status_code == 200
    response = httpx.post(next_url, data={"action": action}, follow_redirects=False)
    assert response.status_code == 303
    return response.headers["Location"]


def test_a_resident_pays_through_govuk_pay_end_to_end(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()

    [create] = govuk_pay.api_calls("POST", "/v1/payments")
    assert create.headers["Authorization"] == f"Bearer {govuk_pay.api_key}"
    assert create.headers["Idempotency-Key"] == payment.idempotency_key
    return_url = f"https://council.example/pay/return/{payment.return_token}/"
    assert create.body["amount"] == 2550 and isinstance(create.body["amount"], int)
    assert create.body["reference"] == payment.reference
    assert create.body["description"] == "Replacement green bin"
    assert create.body["return_url"] == return_url
    assert "moto" not in create.body
    assert payment.provider == "govuk_pay"
    assert payment.provider_payment_id in govuk_pay.payments

    next_url = payment_start(payment=payment)
    assert next_url.startswith(f"{govuk_pay.url}/secure/")
    assert _pay_on_hosted_pages(next_url, "success") == return_url

    page = client.get(f"/pay/return/{payment.return_token}/")
    assert "Payment complete" in page.text
    payment.refresh_from_db()
    assert (payment.status, payment.provider_status) == ("success", "success")
    assert recorder.paid == [payment.reference]
    # The status came from asking GOV.UK Pay, not from the return.
    assert govuk_pay.api_calls("GET", f"/v1/payments/{payment.provider_payment_id}")


@pytest.mark.parametrize(
    ("action", "status", "code", "words"),
    [
        ("declined", "failed", "P0010", "Your payment was declined"),
        ("cancel", "cancelled", "P0030", "Your payment was cancelled"),
    ],
)
def test_a_declined_or_cancelled_govuk_pay_payment_confirms_nothing(
    client: Any,
    govuk_pay: GovukPayStub,
    make_payment: Any,
    recorder: Any,
    action: str,
    status: str,
    code: str,
    words: str,
) -> None:
    payment = make_payment()
    _pay_on_hosted_pages(payment_start(payment=payment), action)
    page = client.get(f"/pay/return/{payment.return_token}/")

    assert words in page.text
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == (status, code)
    assert recorder.paid == [] and recorder.failed == [payment.reference]


def test_a_duplicate_submission_makes_one_govuk_pay_payment(
    govuk_pay: GovukPayStub, make_payment: Any
) -> None:
    first = make_payment(idempotency_key="booking-900")
    second = make_payment(idempotency_key="booking-900")
    payment_start(payment=second)

    assert first.pk == second.pk
    assert len(govuk_pay.api_calls("POST", "/v1/payments")) == 1
    assert len(govuk_pay.payments) == 1


def test_govuk_pay_itself_never_makes_two_payments_for_one_idempotency_key(
    govuk_pay: GovukPayStub,
) -> None:
    from borough.payments.providers import CreateRequest

    adapter = GovukPay(base_url=govuk_pay.url, api_key=govuk_pay.api_key)
    request = CreateRequest(
        amount_pence=500,
        reference="CDCP-0000-0000",
        description="Test",
        return_url="https://council.example/pay/return/x/",
        idempotency_key="same-key",
    )
    assert (
        adapter.create(request).provider_payment_id == adapter.create(request).provider_payment_id
    )
    assert len(govuk_pay.payments) == 1


def test_an_outage_at_create_leaves_the_payment_to_start_later_with_the_same_key(
    govuk_pay: GovukPayStub, make_payment: Any
) -> None:
    govuk_pay.fail_next(503)
    with pytest.raises(PaymentError) as error:
        make_payment(idempotency_key="booking-901")
    assert error.value.code == PaymentErrorCode.PROVIDER_UNAVAILABLE
    payment = Payment.objects.get()
    assert (payment.status, payment.provider_payment_id) == ("created", "")

    next_url = payment_start(payment=payment)
    payment.refresh_from_db()
    assert payment.provider_payment_id in govuk_pay.payments
    assert next_url.startswith(govuk_pay.url)
    keys = {c.headers["Idempotency-Key"] for c in govuk_pay.api_calls("POST", "/v1/payments")}
    assert keys == {"booking-901"}


def test_a_wrong_api_key_is_refused_and_the_resident_is_told_to_try_later(
    govuk_pay: GovukPayStub, make_payment: Any, settings: Any
) -> None:
    settings.GOVUK_PAY_API_KEY = "api_test_wrong"
    with pytest.raises(PaymentError) as error:
        make_payment()
    assert error.value.code == PaymentErrorCode.PROVIDER_UNAVAILABLE
    assert govuk_pay.payments == {}


def test_when_govuk_pay_cannot_be_asked_the_return_confirms_nothing(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    _pay_on_hosted_pages(payment_start(payment=payment), "success")
    govuk_pay.fail_next(500)

    page = client.get(f"/pay/return/{payment.return_token}/")
    assert "We are checking your payment" in page.text
    assert "Do not pay again" in page.text
    payment.refresh_from_db()
    assert payment.status == "created"
    assert recorder.paid == []

    # The reconciler finds it later.
    payment_reconcile(now=timezone.now() + timedelta(minutes=10))
    payment.refresh_from_db()
    assert payment.status == "success"
    assert recorder.paid == [payment.reference]


def test_an_abandoned_payment_that_govuk_pay_expired_is_failed_by_the_reconciler(
    govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    httpx.get(payment_start(payment=payment))  # the resident opened the page, then left
    govuk_pay.expire(payment.provider_payment_id)

    result = payment_reconcile(now=timezone.now() + timedelta(minutes=95))
    payment.refresh_from_db()
    assert result.finished == [payment.reference]
    assert (payment.status, payment.failure_code) == ("failed", "P0020")
    assert recorder.failed == [payment.reference] and recorder.paid == []


def test_an_abandoned_payment_still_open_at_govuk_pay_is_cancelled_there_and_failed_here(
    govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    httpx.get(payment_start(payment=payment))

    result = payment_reconcile(now=timezone.now() + timedelta(minutes=95))
    payment.refresh_from_db()
    assert result.expired == [payment.reference]
    assert (payment.status, payment.failure_code) == ("failed", "P0020")
    assert govuk_pay.payments[payment.provider_payment_id]["state"]["status"] == "cancelled"
    assert (
        len(govuk_pay.api_calls("POST", f"/v1/payments/{payment.provider_payment_id}/cancel")) == 1
    )
    assert recorder.failed == [payment.reference]


def test_a_payment_made_just_before_the_reconciler_cancels_it_counts_as_paid(
    govuk_pay: GovukPayStub, make_payment: Any, recorder: Any, monkeypatch: Any
) -> None:
    payment = make_payment()
    # Paid on the hosted page between the reconciler's status check and its cancel.
    original = GovukPay.cancel

    def paid_first(self: GovukPay, provider_payment_id: str) -> None:
        govuk_pay.finish(provider_payment_id, "success")
        original(self, provider_payment_id)

    monkeypatch.setattr(GovukPay, "cancel", paid_first)
    payment_reconcile(now=timezone.now() + timedelta(minutes=95))
    payment.refresh_from_db()
    assert payment.status == "success"
    assert recorder.paid == [payment.reference] and recorder.failed == []


def test_a_phone_payment_is_sent_to_govuk_pay_as_moto(
    govuk_pay: GovukPayStub, make_payment: Any, district: Any, make_team: Any, make_staff: Any
) -> None:
    advisor = make_staff(make_team(district), role="advisor")
    payment = make_payment(channel="phone", taken_by=advisor)
    [create] = govuk_pay.api_calls("POST", "/v1/payments")
    assert create.body["moto"] is True
    assert govuk_pay.payments[payment.provider_payment_id]["authorisation_mode"] == "moto_api"


def test_a_success_for_a_different_amount_is_never_confirmed(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    govuk_pay.payments[payment.provider_payment_id]["amount"] = 1
    govuk_pay.finish(payment.provider_payment_id, "success")
    client.get(f"/pay/return/{payment.return_token}/")
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == ("error", "amount_mismatch")
    assert recorder.paid == []
