"""`payment_cancel`: an owner stops a payment still under way (a booking's change replaced,
a booking cancelled), at the provider too, so it can no longer be paid; one paid meanwhile
counts."""

from __future__ import annotations

from typing import Any

import httpx

from borough.payments.providers.govuk_pay import GovukPay
from borough.payments.providers.test_provider import card_page_finish
from borough.payments.services import payment_cancel, payment_refresh, payment_start
from tests.payments.govuk_pay_stub import GovukPayStub


def test_a_test_provider_payment_is_cancelled_and_can_no_longer_be_paid(
    test_provider: Any, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    payment_start(payment=payment)
    cancelled = payment_cancel(payment=payment)
    assert cancelled.status == "cancelled" and cancelled.failure_code == "P0040"
    assert recorder.failed == [payment.reference] and recorder.paid == []
    assert not card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
    # Again: nothing more happens.
    assert payment_cancel(payment=payment).status == "cancelled"
    assert recorder.failed == [payment.reference]


def test_a_finished_payment_is_left_as_it_was(
    test_provider: Any, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    payment_start(payment=payment)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
    payment_refresh(payment=payment, source="return")
    assert payment_cancel(payment=payment).status == "success"
    assert recorder.paid == [payment.reference] and recorder.failed == []


def test_a_govuk_pay_payment_is_cancelled_at_govuk_pay(
    govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    httpx.get(payment_start(payment=payment))
    cancelled = payment_cancel(payment=payment)
    assert cancelled.status == "cancelled"
    assert govuk_pay.payments[payment.provider_payment_id]["state"]["status"] == "cancelled"
    assert recorder.failed == [payment.reference]


def test_a_payment_paid_just_before_it_is_cancelled_counts_as_paid(
    govuk_pay: GovukPayStub, make_payment: Any, recorder: Any, monkeypatch: Any
) -> None:
    payment = make_payment()
    original = GovukPay.cancel

    def paid_first(self: GovukPay, provider_payment_id: str) -> None:
        govuk_pay.finish(provider_payment_id, "success")
        original(self, provider_payment_id)

    monkeypatch.setattr(GovukPay, "cancel", paid_first)
    assert payment_cancel(payment=payment).status == "success"
    assert recorder.paid == [payment.reference] and recorder.failed == []
