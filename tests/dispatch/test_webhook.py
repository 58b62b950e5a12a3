"""Cases sent to a webhook contractor, signed; and the contractor's signed callbacks, which
reach the case and the resident once, while bad signatures and replays change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
import time_machine
from django.utils import timezone

from borough.cases.models import EventKind, Status
from borough.cases.services import case_transfer
from borough.dispatch.models import Dispatch, DispatchStatus, ExternalUpdate
from borough.dispatch.services import dispatch_deliver
from borough.notify.models import Notification, NotificationKind
from tests.dispatch.conftest import SECRET
from tests.dispatch.contractor import Answer


def signed(body: bytes, *, secret: str = SECRET, at: int | None = None) -> str:
    """The X-Borough-Signature header, made as the docs tell a contractor to make it."""
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), str(at).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def test_the_case_is_posted_signed_with_an_idempotency_key(
    world, webhook_contractor, make_endpoint, report, committed
):
    endpoint = make_endpoint(webhook_contractor.url, protocol="webhook")
    with committed():
        case = report()
    [post] = webhook_contractor.posts()
    assert post.path == "/hooks"
    assert webhook_contractor.signature_ok == [True]
    dispatch = Dispatch.objects.get()
    assert post.headers["idempotency-key"] == dispatch.idempotency_key
    assert post.headers["content-type"] == "application/json"
    document = post.json
    assert document["type"] == "case.dispatched"
    assert document["id"] == dispatch.idempotency_key
    assert document["callback_url"].endswith(f"/integrations/webhooks/{endpoint.pk}/updates")
    assert document["case"]["reference"] == case.reference
    assert document["case"]["service"]["contractor_code"] == "FT01"
    assert document["case"]["location"] == {"latitude": 50.715, "longitude": -2.437}
    assert {"id": "kind", "question": "What is the problem?", "answer": "Large"} in document[
        "case"
    ]["answers"]
    assert "reporter" not in document["case"]
    assert "rita" not in post.body.decode().lower()
    assert (dispatch.status, dispatch.external_id) == (DispatchStatus.SENT, "JOB-1")


def test_a_retry_after_a_failure_sends_the_same_key_and_the_contractor_gets_one_job(
    world, webhook_contractor, make_endpoint, report, committed
):
    make_endpoint(webhook_contractor.url, protocol="webhook")
    webhook_contractor.fail_next(Answer(500, "{}"))
    with committed():
        case = report()
    dispatch = Dispatch.objects.get()
    assert dispatch.status == DispatchStatus.FAILED
    with time_machine.travel(dispatch.next_attempt_at, tick=False):
        dispatch_deliver(dispatch_id=dispatch.pk)
        dispatch_deliver(dispatch_id=dispatch.pk)
    posts = webhook_contractor.posts()
    assert len(posts) == 2
    assert {p.headers["idempotency-key"] for p in posts} == {dispatch.idempotency_key}
    assert webhook_contractor.signature_ok == [True, True]
    assert case.events.filter(kind=EventKind.DISPATCHED).count() == 1


def test_a_second_routing_to_the_contractor_is_a_second_dispatch(
    world, webhook_contractor, make_endpoint, report, committed
):
    make_endpoint(webhook_contractor.url, protocol="webhook")
    with committed():
        case = report()
        case_transfer(case=case, team=world.council_team, actor=world.leader, reason="Ours")
        case_transfer(case=case, team=world.contractor_team, actor=world.leader, reason="Theirs")
    keys = [p.headers["idempotency-key"] for p in webhook_contractor.posts()]
    assert len(keys) == 2 and len(set(keys)) == 2
    assert Dispatch.objects.count() == 2


@pytest.fixture
def sent_case(world, webhook_contractor, make_endpoint, report, committed, make_resident):
    endpoint = make_endpoint(webhook_contractor.url, protocol="webhook")
    resident = make_resident(email="rita@example.com", full_name="Rita Reporter")
    with committed():
        case = report(resident=resident)
    assert Dispatch.objects.get().status == DispatchStatus.SENT
    return endpoint, case


def _post(client, endpoint, document, *, header=None, raw=None):
    body = raw if raw is not None else json.dumps(document).encode()
    headers = {"X-Borough-Signature": signed(body) if header is None else header}
    return client.post(
        f"/integrations/webhooks/{endpoint.pk}/updates",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_a_signed_callback_reaches_the_timeline_and_one_email_goes_to_the_resident(
    client, sent_case, committed, mailoutbox
):
    endpoint, case = sent_case
    mailoutbox.clear()
    document = {
        "update_id": "JOB-1-fixed",
        "case_reference": case.reference,
        "status": "fixed",
        "description": "Cleared this morning.",
        "photo_url": "https://photos.contractor.example/after.jpg",
        "updated_at": timezone.now().isoformat(),
    }
    with committed():
        response = _post(client, endpoint, document)
    assert response.status_code == 200
    assert response.json() == {
        "status": "applied",
        "case_reference": case.reference,
        "update_id": "JOB-1-fixed",
        "changed": True,
    }
    case.refresh_from_db()
    assert case.status == Status.FIXED
    event = case.events.get(kind=EventKind.EXTERNAL_UPDATE)
    assert (event.public, event.body, event.data["photo_url"]) == (
        True,
        "Cleared this morning.",
        "https://photos.contractor.example/after.jpg",
    )
    [email] = mailoutbox
    assert email.to == ["rita@example.com"]
    assert "Cleared this morning." in email.body
    assert Notification.objects.filter(kind=NotificationKind.CASE_UPDATE).count() == 1

    # The contractor's own job reference finds the case too.
    with committed():
        response = _post(
            client,
            endpoint,
            {"update_id": "JOB-1-note", "case_reference": "JOB-1", "description": "Signed off"},
        )
    assert response.status_code == 200
    assert case.events.filter(kind=EventKind.EXTERNAL_UPDATE).count() == 2


def _nothing_changed(case, status=Status.OPEN):
    case.refresh_from_db()
    assert case.status == status
    assert not case.events.filter(kind=EventKind.EXTERNAL_UPDATE).exists()
    assert not ExternalUpdate.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.CASE_UPDATE).exists()


UPDATE = {"update_id": "U-1", "status": "fixed", "description": "Cleared."}


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=abc,v1=def",
        "v1=0123",
        "t=1,v1=" + "0" * 64,
    ],
)
def test_missing_malformed_and_wrong_signatures_are_refused(client, sent_case, header):
    endpoint, case = sent_case
    response = _post(client, endpoint, {**UPDATE, "case_reference": case.reference}, header=header)
    assert response.status_code == 403
    _nothing_changed(case)


def test_a_signature_made_with_another_secret_is_refused(client, sent_case):
    endpoint, case = sent_case
    body = json.dumps({**UPDATE, "case_reference": case.reference}).encode()
    response = _post(client, endpoint, None, raw=body, header=signed(body, secret="guess"))
    assert (response.status_code, response.json()["error"]) == (403, "signature_invalid")
    _nothing_changed(case)


def test_a_tampered_body_is_refused(client, sent_case):
    endpoint, case = sent_case
    body = json.dumps({**UPDATE, "case_reference": case.reference}).encode()
    header = signed(body)
    tampered = body.replace(b"Cleared.", b"Closed, go away.")
    response = _post(client, endpoint, None, raw=tampered, header=header)
    assert response.status_code == 403
    _nothing_changed(case)


def test_a_stale_signature_is_refused(client, sent_case):
    endpoint, case = sent_case
    body = json.dumps({**UPDATE, "case_reference": case.reference}).encode()
    header = signed(body, at=int(time.time()) - 301)
    response = _post(client, endpoint, None, raw=body, header=header)
    assert (response.status_code, response.json()["error"]) == (403, "signature_stale")
    _nothing_changed(case)


def test_a_replayed_update_is_refused_and_changes_nothing(client, sent_case, committed, mailoutbox):
    endpoint, case = sent_case
    document = {**UPDATE, "case_reference": case.reference}
    with committed():
        assert _post(client, endpoint, document).status_code == 200
    mailoutbox.clear()
    case.refresh_from_db()
    version = case.version
    # The same update again, freshly signed (a contractor retrying, or a replay).
    with committed():
        response = _post(client, endpoint, {**document, "status": "in_progress"})
    assert (response.status_code, response.json()["error"]) == (400, "duplicate_update")
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.FIXED, version)
    assert case.events.filter(kind=EventKind.EXTERNAL_UPDATE).count() == 1
    assert mailoutbox == []


def test_an_unknown_endpoint_answers_as_a_bad_signature(client, sent_case):
    _endpoint, case = sent_case
    body = json.dumps({**UPDATE, "case_reference": case.reference}).encode()
    response = client.post(
        "/integrations/webhooks/987654/updates",
        data=body,
        content_type="application/json",
        headers={"X-Borough-Signature": signed(body)},
    )
    assert (response.status_code, response.json()["error"]) == (403, "signature_invalid")
    _nothing_changed(case)


def test_an_open311_endpoint_takes_no_callbacks(
    client, world, open311_contractor, make_endpoint, report, committed
):
    endpoint = make_endpoint(open311_contractor.url, secret=SECRET)
    with committed():
        case = report()
    response = _post(client, endpoint, {**UPDATE, "case_reference": case.reference})
    assert response.status_code == 403
    _nothing_changed(case)


@pytest.mark.parametrize(
    ("document", "status", "error"),
    [
        ({"case_reference": "{ref}", "description": "x"}, 400, "invalid"),
        ({"update_id": "U-9", "case_reference": "{ref}"}, 400, "invalid"),
        (
            {"update_id": "U-9", "case_reference": "{ref}", "status": "smashed"},
            400,
            "unknown_status",
        ),
        ({"update_id": "U-9", "case_reference": "{ref}", "status": ["fixed"]}, 400, "invalid"),
        (
            {"update_id": "U-9", "case_reference": "CDC-0000-0000", "status": "fixed"},
            404,
            "unknown_case",
        ),
    ],
)
def test_bad_updates_are_refused_with_a_clear_error(client, sent_case, document, status, error):
    endpoint, case = sent_case
    document = {
        k: v.replace("{ref}", case.reference) if isinstance(v, str) else v
        for k, v in document.items()
    }
    response = _post(client, endpoint, document)
    assert (response.status_code, response.json()["error"]) == (status, error)
    _nothing_changed(case)


def test_a_body_that_is_not_json_is_refused(client, sent_case):
    endpoint, case = sent_case
    response = _post(client, endpoint, None, raw=b"status=fixed")
    assert (response.status_code, response.json()["error"]) == (400, "invalid")
    _nothing_changed(case)


def test_only_post_is_allowed(client, sent_case):
    endpoint, _case = sent_case
    assert client.get(f"/integrations/webhooks/{endpoint.pk}/updates").status_code == 405


def test_a_case_sent_to_another_contractor_cannot_be_updated(
    client, world, sent_case, webhook_contractor, make_endpoint, make_team, report, committed
):
    _endpoint, case = sent_case
    other_team = make_team(world.district, "Another contractor")
    other = make_endpoint(webhook_contractor.url, protocol="webhook", team=other_team)
    response = _post(client, other, {**UPDATE, "case_reference": case.reference})
    assert (response.status_code, response.json()["error"]) == (404, "unknown_case")
    _nothing_changed(case)
