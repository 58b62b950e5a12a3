"""Contractors' callbacks: signed JSON updates about cases Borough sent them.

`POST /integrations/webhooks/<endpoint id>/updates` with a body like

    {"update_id": "J-1001-3", "case_reference": "CDC-4827-3915", "status": "fixed",
     "description": "Cleared today.", "photo_url": "https://...", "updated_at": "..."}

signed in the X-Borough-Signature header (see `dispatch.webhooks`). Answers are JSON:
200 applied; 400 not JSON, missing fields, a status not understood, or an update id
already received (nothing changes); 403 a missing, wrong or stale signature (also for an
endpoint that does not exist, so the answer does not reveal which do); 404 no case of that
reference was sent to this contractor; 413 a body over 64 KB.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from borough.dispatch.models import ContractorEndpoint, Protocol
from borough.dispatch.selectors import dispatch_for_callback
from borough.dispatch.services import UpdateCode, UpdateRefused, external_update_apply
from borough.dispatch.webhooks import SIGNATURE_HEADER, SignatureProblem, signature_check

MAX_BODY = 64 * 1024


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(document: dict[str, Any], key: str) -> str:
    value = document.get(key)
    if value is None:
        return ""
    if isinstance(value, str | int):
        return str(value).strip()
    raise UpdateRefused(UpdateCode.INVALID, f"{key} must be a string")


# Exempt from CSRF because no browser sends this: each request is authenticated by its HMAC
# signature instead, made with a secret only Borough and the contractor hold.
@csrf_exempt
@require_POST
def webhook_updates(request: HttpRequest, endpoint_id: int) -> JsonResponse:
    if len(request.body) > MAX_BODY:
        return _error(413, "too_large", "The update is larger than 64 KB")
    endpoint = (
        ContractorEndpoint.objects.filter(pk=endpoint_id, protocol=Protocol.WEBHOOK, active=True)
        .select_related("team")
        .first()
    )
    problem = signature_check(
        secret=endpoint.secret if endpoint else "",
        body=request.body,
        header=request.headers.get(SIGNATURE_HEADER, ""),
    )
    if endpoint is None and problem is None:
        problem = SignatureProblem.WRONG
    if problem is not None or endpoint is None:
        return _error(403, problem or SignatureProblem.WRONG, "The signature is not valid")
    try:
        document = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(400, UpdateCode.INVALID, "The body must be JSON")
    if not isinstance(document, dict):
        return _error(400, UpdateCode.INVALID, "The body must be a JSON object")
    try:
        update_id = _text(document, "update_id")
        reference = _text(document, "case_reference")
        status = _text(document, "status")
        description = _text(document, "description")
        photo_url = _text(document, "photo_url")
    except UpdateRefused as refused:
        return _error(400, refused.code, refused.message)
    if not update_id or not reference:
        return _error(400, UpdateCode.INVALID, "Enter an update_id and a case_reference")
    if not status and not description:
        return _error(400, UpdateCode.INVALID, "Enter a status or a description")
    dispatch = dispatch_for_callback(endpoint=endpoint, reference=reference)
    if dispatch is None:
        return _error(404, "unknown_case", "No case with this reference was sent to you")
    try:
        record = external_update_apply(
            endpoint=endpoint,
            case=dispatch.case,
            update_id=update_id,
            status=status,
            description=description,
            photo_url=photo_url,
            at=_moment(document.get("updated_at")),
        )
    except UpdateRefused as refused:
        return _error(400, refused.code, refused.message)
    return JsonResponse(
        {
            "status": "applied",
            "case_reference": dispatch.case.reference,
            "update_id": record.update_id,
            "changed": record.event_id is not None,
        }
    )
