"""JSON webhooks to and from a contractor, signed with HMAC-SHA256.

Every request either way carries

    X-Borough-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

keyed with the endpoint's shared secret. Borough's requests also carry an Idempotency-Key
header (the same key however often the case is sent). A signature is checked with a
constant-time comparison and refused when its time is more than `TOLERANCE` away from now.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx
from django.urls import reverse

from borough.cases.models import Case
from borough.core.links import site_url
from borough.dispatch.models import ContractorEndpoint, Dispatch
from borough.dispatch.open311_client import case_answers
from borough.dispatch.transport import (
    Sent,
    error_for_exception,
    error_for_status,
    http_client,
)

SIGNATURE_HEADER = "X-Borough-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Signatures older (or newer) than this many seconds are refused: a replay defence.
TOLERANCE = 300


def signature(*, secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret=secret, body=body, timestamp=timestamp)}"


class SignatureProblem:
    MISSING = "signature_missing"
    MALFORMED = "signature_malformed"
    STALE = "signature_stale"
    WRONG = "signature_invalid"


def signature_check(
    *, secret: str, body: bytes, header: str, now: float | None = None
) -> str | None:
    """None when `header` is a valid, fresh signature of `body`; otherwise the problem."""
    if not header:
        return SignatureProblem.MISSING
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            return SignatureProblem.MALFORMED
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts.get("t", [""])[0])
    except ValueError:
        return SignatureProblem.MALFORMED
    candidates = parts.get("v1", [])
    if not candidates:
        return SignatureProblem.MALFORMED
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE:
        return SignatureProblem.STALE
    if not secret:
        return SignatureProblem.WRONG
    expected = signature(secret=secret, body=body, timestamp=timestamp)
    # Compare against every v1 given (a contractor rotating its secret may send two).
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        return SignatureProblem.WRONG
    return None


def callback_url(endpoint: ContractorEndpoint) -> str:
    return site_url(reverse("dispatch:webhook_updates", kwargs={"endpoint_id": endpoint.pk}))


def case_payload(*, endpoint: ContractorEndpoint, case: Case) -> dict[str, Any]:
    """What the contractor is told about the case: what, where, when it is due."""
    service = case.service
    payload: dict[str, Any] = {
        "reference": case.reference,
        "service": {
            "code": service.code,
            "name": service.name,
            "contractor_code": str(endpoint.service_codes.get(service.code) or service.code),
        },
        "title": case.title,
        "status": case.status,
        "priority": case.priority,
        "created_at": case.created_at.isoformat(),
        "due_at": case.sla_due_at.isoformat() if case.sla_due_at else None,
        "location": (
            {"latitude": case.latitude, "longitude": case.longitude}
            if case.latitude is not None and case.longitude is not None
            else None
        ),
        "address": case.property.address if case.property else None,
        "uprn": case.property.uprn if case.property else None,
        "usrn": case.street.usrn if case.street else None,
        "answers": [
            {"id": question_id, "question": label, "answer": text}
            for question_id, label, text in case_answers(case)
        ],
    }
    if endpoint.share_reporter_contact:
        payload["reporter"] = {
            "name": case.reporter_name,
            "email": case.reporter_email,
            "phone": case.reporter_phone,
        }
    return payload


def dispatch_body(dispatch: Dispatch) -> bytes:
    endpoint = dispatch.endpoint
    document = {
        "type": "case.dispatched",
        "id": dispatch.idempotency_key,
        "callback_url": callback_url(endpoint),
        "case": case_payload(endpoint=endpoint, case=dispatch.case),
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def webhook_post(*, endpoint: ContractorEndpoint, body: bytes, idempotency_key: str) -> Sent:
    """POST a signed body to the contractor. Raises `ContractorError` unless it was accepted.
    The contractor may answer with {"reference": "..."}: its id for the job."""
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(secret=endpoint.secret, body=body),
        IDEMPOTENCY_HEADER: idempotency_key,
    }
    try:
        with http_client(endpoint) as client:
            response = client.post(endpoint.base_url, content=body, headers=headers)
    except httpx.HTTPError as error:
        raise error_for_exception(error) from error
    if not response.is_success:
        raise error_for_status(response)
    # Any 2xx means accepted; an answer that is not JSON just carries no reference.
    reference = ""
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if isinstance(answer, dict) and answer.get("reference") is not None:
        reference = str(answer["reference"]).strip()[:200]
    return Sent(external_id=reference, status_code=response.status_code)
