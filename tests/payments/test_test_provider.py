"""The built-in test provider end to end through the Django test client: the card page,
success, decline, cancel, bad input, and return URLs that must not be trusted."""

from __future__ import annotations

import re
from typing import Any

import pytest

from borough.payments.models import Payment, PaymentEvent, PaymentEventKind, TestCardPayment
from borough.payments.services import payment_start

pytestmark = pytest.mark.usefixtures("test_provider")

GOOD_CARD = {
    "card-number": "4444 3333 2222 1111",
    "expiry-month": "10",
    "expiry-year": "39",
    "name": "Alex Resident",
    "cvc": "123",
}


def _return_path(payment: Payment) -> str:
    return f"/pay/return/{payment.return_token}/"


def test_a_resident_pays_with_the_test_card_and_the_owner_is_confirmed_once(
    client: Any, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    next_url = payment_start(payment=payment)
    assert next_url == f"/pay/test/{payment.provider_payment_id}/"

    page = client.get(next_url)
    assert page.status_code == 200
    assert "This is a test payment page. No money will be taken." in page.text
    assert "£25.50" in page.text
    assert TestCardPayment.objects.get().status == "started"
    assert recorder.paid == []

    response = client.post(next_url, GOOD_CARD)
    assert response.status_code == 302
    assert response["Location"] == _return_path(payment)
    result = client.get(response["Location"])

    assert result.status_code == 200
    assert "Payment complete" in result.text
    assert payment.reference in result.text
    assert 'href="/bins/100040000001/"' in result.text
    payment.refresh_from_db()
    assert payment.status == "success"
    assert payment.finished_at is not None
    assert recorder.paid == [payment.reference]
    assert recorder.failed == []
    # Coming back again (a refresh, the back button) confirms nothing a second time.
    client.get(_return_path(payment))
    assert recorder.paid == [payment.reference]
    assert (
        PaymentEvent.objects.filter(payment=payment, kind=PaymentEventKind.OUTCOME_HANDLED).count()
        == 1
    )


def test_the_declined_test_card_takes_nothing_and_confirms_nothing(
    client: Any, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    next_url = payment_start(payment=payment)
    client.get(next_url)
    response = client.post(next_url, {**GOOD_CARD, "card-number": "4000000000000002"})
    result = client.get(response["Location"])

    assert "Your payment was declined" in result.text
    assert "No money has been taken" in result.text
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == ("failed", "P0010")
    assert recorder.paid == []
    assert recorder.failed == [payment.reference]


def test_a_resident_cancels_on_the_card_page(client: Any, make_payment: Any, recorder: Any) -> None:
    payment = make_payment()
    next_url = payment_start(payment=payment)
    response = client.post(next_url, {"action": "cancel"})
    result = client.get(response["Location"])

    assert "Your payment was cancelled" in result.text
    payment.refresh_from_db()
    assert payment.status == "cancelled"
    assert recorder.paid == [] and recorder.failed == [payment.reference]
    # The card page of a finished payment only sends the resident back.
    again = client.post(next_url, GOOD_CARD)
    assert again["Location"] == _return_path(payment)
    payment.refresh_from_db()
    assert payment.status == "cancelled"
    assert recorder.paid == []


def test_the_card_page_shows_errors_and_keeps_no_card_details(
    client: Any, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    next_url = payment_start(payment=payment)
    response = client.post(
        next_url, {"card-number": "1234", "expiry-month": "13", "expiry-year": "30", "cvc": "98765"}
    )

    assert response.status_code == 400
    text = response.text
    assert "There is a problem" in text
    assert 'href="#card-number">Enter a card number of 12 to 19 digits' in text
    assert 'href="#expiry-month">Expiry date must be a real date' in text
    assert 'href="#name">Enter the name on the card' in text
    assert 'href="#cvc">Security code must be 3 or 4 digits' in text
    assert "98765" not in text and 'value="1234"' not in text
    assert TestCardPayment.objects.get().status == "started"
    other = client.post(next_url, {**GOOD_CARD, "card-number": "4242424242424242"})
    assert "Enter one of the test card numbers shown on this page" in other.text
    past = client.post(next_url, {**GOOD_CARD, "expiry-year": "2001"})
    assert "Expiry date must be in the future" in past.text
    payment.refresh_from_db()
    assert payment.status == "created"
    assert recorder.paid == [] and recorder.failed == []


def test_the_card_page_needs_csrf(make_payment: Any) -> None:
    from django.test import Client

    payment = make_payment()
    response = Client(enforce_csrf_checks=True).post(payment_start(payment=payment), GOOD_CARD)
    assert response.status_code == 403
    assert TestCardPayment.objects.get().status == "created"


def test_an_unknown_card_page_or_return_token_is_not_found(client: Any, make_payment: Any) -> None:
    make_payment()
    assert client.get("/pay/test/not-a-payment/").status_code == 404
    assert client.get("/pay/return/not-a-token/").status_code == 404


def test_a_forged_return_url_confirms_nothing(
    client: Any, make_payment: Any, recorder: Any
) -> None:
    mine = make_payment()
    theirs = make_payment(idempotency_key="someone-else")
    payment_start(payment=mine)
    # Someone else's payment was paid; returning with my token, or with status words in the
    # query string, says nothing about mine.
    client.post(payment_start(payment=theirs), GOOD_CARD)
    page = client.get(
        _return_path(mine) + "?status=success&payment_id=" + theirs.provider_payment_id
    )

    assert page.status_code == 200
    assert "We are checking your payment" in page.text
    assert "Payment complete" not in page.text
    mine.refresh_from_db()
    assert mine.status == "created"
    assert recorder.paid == []
    client.get(_return_path(theirs))
    mine.refresh_from_db()
    assert mine.status == "created"
    assert recorder.paid == [theirs.reference]


def test_the_result_page_escapes_the_description(client: Any, make_payment: Any) -> None:
    payment = make_payment(description="<script>alert(1)</script> bin")
    page = client.get(_return_path(payment))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert re.search(r"We are checking your payment", page.text)
