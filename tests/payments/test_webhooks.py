"""GOV.UK Pay webhooks: signed, never trusted for a status, replays do nothing, and the
purpose handler runs once however the news arrives."""

from __future__ import annotations

import json
from typing import Any

from borough.payments.models import PaymentEvent, PaymentEventKind, WebhookMessage
from tests.payments.govuk_pay_stub import GovukPayStub

URL = "/pay/webhooks/govuk-pay/"


def _post(client: Any, body: bytes, signature: str) -> Any:
    return client.post(
        URL, data=body, content_type="application/json", HTTP_PAY_SIGNATURE=signature
    )


def test_a_signed_webhook_confirms_the_payment_with_govuk_pay(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    govuk_pay.finish(payment.provider_payment_id, "success")
    body = govuk_pay.webhook_body(
        event_type="card_payment_succeeded", payment_id=payment.provider_payment_id
    )

    response = _post(client, body, govuk_pay.sign(body))
    assert response.status_code == 200
    assert response.json() == {"result": "processed"}
    payment.refresh_from_db()
    assert payment.status == "success"
    assert recorder.paid == [payment.reference]
    event = PaymentEvent.objects.get(payment=payment, kind=PaymentEventKind.STATUS_CHANGED)
    assert event.source == "webhook"


def test_a_webhook_with_a_bad_or_missing_signature_changes_nothing(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    govuk_pay.finish(payment.provider_payment_id, "success")
    body = govuk_pay.webhook_body(
        event_type="card_payment_succeeded", payment_id=payment.provider_payment_id
    )
    gets_before = len(govuk_pay.api_calls("GET", f"/v1/payments/{payment.provider_payment_id}"))

    for signature in ("", "0" * 64, govuk_pay.sign(body, secret="not-the-secret")):
        assert _post(client, body, signature).status_code == 401
    tampered = body.replace(b'"api_version": 1', b'"api_version": 2')
    assert _post(client, tampered, govuk_pay.sign(body)).status_code == 401

    payment.refresh_from_db()
    assert payment.status == "created"
    assert recorder.paid == []
    assert not WebhookMessage.objects.exists()
    assert len(govuk_pay.api_calls("GET", f"/v1/payments/{payment.provider_payment_id}")) == (
        gets_before
    )


def test_a_replayed_webhook_does_nothing_more(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    govuk_pay.finish(payment.provider_payment_id, "success")
    body = govuk_pay.webhook_body(
        event_type="card_payment_succeeded", payment_id=payment.provider_payment_id
    )
    assert _post(client, body, govuk_pay.sign(body)).json() == {"result": "processed"}
    assert _post(client, body, govuk_pay.sign(body)).json() == {"result": "duplicate"}
    assert WebhookMessage.objects.count() == 1
    assert recorder.paid == [payment.reference]


def test_a_webhook_body_claiming_success_is_not_believed(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    message = json.loads(
        govuk_pay.webhook_body(
            event_type="card_payment_succeeded", payment_id=payment.provider_payment_id
        )
    )
    message["resource"]["state"] = {"status": "success", "finished": True}
    body = json.dumps(message).encode()

    assert _post(client, body, govuk_pay.sign(body)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "created"  # GOV.UK Pay says it is not paid
    assert recorder.paid == []


def test_the_handler_runs_once_when_the_return_and_the_webhook_both_arrive(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    govuk_pay.finish(payment.provider_payment_id, "success")
    client.get(f"/pay/return/{payment.return_token}/")
    for event_type in ("card_payment_succeeded", "card_payment_captured"):
        body = govuk_pay.webhook_body(event_type=event_type, payment_id=payment.provider_payment_id)
        assert _post(client, body, govuk_pay.sign(body)).status_code == 200
    client.get(f"/pay/return/{payment.return_token}/")

    assert recorder.paid == [payment.reference]
    assert (
        PaymentEvent.objects.filter(payment=payment, kind=PaymentEventKind.OUTCOME_HANDLED).count()
        == 1
    )


def test_a_failed_payment_webhook_marks_it_failed_once(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    govuk_pay.finish(payment.provider_payment_id, "declined")
    body = govuk_pay.webhook_body(
        event_type="card_payment_failed", payment_id=payment.provider_payment_id
    )
    _post(client, body, govuk_pay.sign(body))
    client.get(f"/pay/return/{payment.return_token}/")
    payment.refresh_from_db()
    assert payment.status == "failed"
    assert recorder.failed == [payment.reference] and recorder.paid == []


def test_webhooks_about_unknown_payments_or_malformed_ones(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any
) -> None:
    payment = make_payment()
    body = govuk_pay.webhook_body(
        event_type="card_payment_succeeded", payment_id=payment.provider_payment_id
    ).replace(payment.provider_payment_id.encode(), b"someone-elses-payment")
    assert _post(client, body, govuk_pay.sign(body)).json() == {"result": "unknown_payment"}
    assert _post(client, b"not json", govuk_pay.sign(b"not json")).status_code == 400
    assert client.get(URL).status_code == 405


def test_a_webhook_when_govuk_pay_cannot_be_asked_is_refused_so_it_is_sent_again(
    client: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    govuk_pay.finish(payment.provider_payment_id, "success")
    body = govuk_pay.webhook_body(
        event_type="card_payment_succeeded", payment_id=payment.provider_payment_id
    )
    govuk_pay.fail_next(502)
    assert _post(client, body, govuk_pay.sign(body)).status_code == 503
    assert not WebhookMessage.objects.exists()
    assert _post(client, body, govuk_pay.sign(body)).json() == {"result": "processed"}
    assert recorder.paid == [payment.reference]


def test_the_stub_signs_webhooks_over_http(
    live_server: Any, govuk_pay: GovukPayStub, make_payment: Any, recorder: Any
) -> None:
    payment = make_payment()
    govuk_pay.finish(payment.provider_payment_id, "success")
    body = govuk_pay.webhook_body(
        event_type="card_payment_succeeded", payment_id=payment.provider_payment_id
    )
    response = govuk_pay.send_webhook(live_server.url + URL, body)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "success"
    assert recorder.paid == [payment.reference]
