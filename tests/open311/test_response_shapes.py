"""The answers GeoReport v2 has no schema file for (POST requests, servicerequestupdates),
checked against the shared schemas' own definitions of each field; GET requests' cap of
1,000 and its status list."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone
from jsonschema import Draft4Validator, FormatChecker

from borough.cases.models import Case
from borough.cases.services import case_close, case_public_update, case_status_change
from borough.open311.params import MAX_RESULTS
from tests.open311.conftest import BASE, SCHEMAS, assert_schema

# The shared request schema's definitions of the fields these answers share with it.
_REQUEST = json.loads((SCHEMAS / "request.json").read_text())["properties"]
_STRING = {"type": "string", "minLength": 1}
_NULLABLE_STRING = {"anyOf": [{"type": "string"}, {"type": "null"}]}

POST_REQUESTS_ANSWER: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "additionalProperties": False,
        "properties": {
            "service_request_id": _REQUEST["service_request_id"],
            "service_notice": _REQUEST["service_notice"],
            "token": _STRING,
            "account_id": _NULLABLE_STRING,
        },
    },
}

# FixMyStreet's servicerequestupdates (its Open311 client reads these fields).
UPDATES_ANSWER: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["update_id", "service_request_id", "status", "updated_datetime"],
        "additionalProperties": False,
        "properties": {
            "update_id": _STRING,
            "service_request_id": _REQUEST["service_request_id"],
            "status": _REQUEST["status"],
            "updated_datetime": _REQUEST["updated_datetime"],
            "description": {"type": "string"},
            "media_url": _REQUEST["media_url"],
            "external_status_code": _STRING,
        },
    },
}


def _valid(schema: dict[str, Any], instance: object) -> None:
    Draft4Validator(schema, format_checker=FormatChecker()).validate(instance)


def test_post_requests_answer_has_the_specs_fields(post_request, world):
    response = post_request(world)
    assert response.status_code == 201
    body = response.json()
    _valid(POST_REQUESTS_ANSWER, body)
    case = Case.objects.get()
    assert body[0]["service_request_id"] == case.reference
    assert body[0]["token"] == case.open311_request.token
    assert body[0]["service_notice"] == world.potholes.summary


def test_updates_answer_has_fixmystreets_fields(client, world, post_request, make_staff):
    post_request(world)
    case = Case.objects.get()
    officer = make_staff(world.highways, "caseworker")
    case_status_change(case=case, status="in_progress", actor=officer, public_message="Booked")
    case_public_update(case=case, actor=officer, body="Crew on site tomorrow")
    case_close(case=case, actor=officer, resolution="Filled in")
    body = client.get(f"{BASE}/servicerequestupdates.json", {"api_key": world.raw_key}).json()
    assert len(body) == 3
    _valid(UPDATES_ANSWER, body)
    assert [row["status"] for row in body] == ["open", "open", "closed"]


def test_get_requests_gives_at_most_1000_newest_first(client, world, post_request):
    post_request(world)
    first = Case.objects.get()
    now = timezone.now()
    copies = []
    for n in range(MAX_RESULTS):
        copy = Case.objects.get(pk=first.pk)
        copy.pk = None
        copy.reference = f"WCC-{5000 + n // 1000:04d}-{n % 1000:04d}"
        copy.idempotency_key = None
        copy.created_at = now - timedelta(minutes=n + 1)
        copies.append(copy)
    Case.objects.bulk_create(copies)
    # The first case is the newest; the oldest copy is the 1,001st and is left out.
    Case.objects.filter(pk=first.pk).update(created_at=now)
    assert Case.objects.count() == MAX_RESULTS + 1 == 1001
    body = client.get(f"{BASE}/requests.json").json()
    assert len(body) == 1000
    ids = [row["service_request_id"] for row in body]
    assert ids[0] == first.reference
    assert ids[1:] == [c.reference for c in copies[: MAX_RESULTS - 1]]
    assert copies[-1].reference not in ids
    assert_schema("requests.json", body[:5])


def test_get_requests_status_list(client, world, post_request, make_staff):
    post_request(world)
    post_request(world, **{"attribute[fixmystreet_id]": "2"})
    open_case, closed_case = Case.objects.order_by("pk")
    officer = make_staff(world.highways, "caseworker")
    case_close(case=closed_case, actor=officer, resolution="Filled in")

    def ids(status: str) -> set[str]:
        response = client.get(f"{BASE}/requests.json", {"status": status})
        assert response.status_code == 200
        return {row["service_request_id"] for row in response.json()}

    assert ids("open") == {open_case.reference}
    assert ids("closed") == {closed_case.reference}
    assert ids("open,closed") == {open_case.reference, closed_case.reference}
    assert ids("OPEN, Closed") == {open_case.reference, closed_case.reference}
    refused = client.get(f"{BASE}/requests.json", {"status": "open,lost"})
    assert refused.status_code == 400
