"""GET requests, one request and tokens: public cases only, never the reporter's details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from borough.cases.models import Case
from borough.cases.services import Submission, case_create, case_status_change
from borough.open311.services import apikey_issue
from tests.conftest import DORCHESTER
from tests.open311.conftest import BASE, assert_schema, errors_of, xml_of


def _case(service, **overrides) -> Case:
    fields = {
        "service": service,
        "channel": "web",
        "answers": {"kind": "small", "details": "Secret details about Flat 2"},
        "reporter_name": "Rita Reporter",
        "reporter_email": "rita@example.com",
        "reporter_phone": "01632960002",
        "latitude": DORCHESTER[0],
        "longitude": DORCHESTER[1],
    }
    if service.code == "pothole":
        fields["answers"] = {"size": "small", "details": "Secret details about Flat 2"}
    fields.update(overrides)
    return case_create(submission=Submission(**fields))


def test_lists_public_cases_without_personal_data(client, world):
    public = _case(world.fly_tipping)
    _case(world.private_service)
    response = client.get(f"{BASE}/requests.json")
    assert response.status_code == 200
    body = response.json()
    assert_schema("requests.json", body)
    assert [row["service_request_id"] for row in body] == [public.reference]
    text = response.content.decode()
    for secret in ("Rita", "rita@example.com", "01632960002", "Secret details"):
        assert secret not in text
    row = body[0]
    assert row["status"] == "open"
    assert row["service_code"] == "fly-tipping"
    assert row["agency_responsible"] == "Casterbridge District Council"
    assert row["requested_datetime"].endswith("Z")
    assert (row["lat"], row["long"]) == DORCHESTER


def test_filters_by_service_code_status_and_ids(client, world, make_staff):
    officer = make_staff(world.cleansing, "caseworker")
    tipping = _case(world.fly_tipping)
    pothole = _case(world.potholes)
    fixed = _case(world.fly_tipping)
    case_status_change(case=fixed, status="fixed", actor=officer, public_message="Cleared")

    def ids(**params):
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return {row["service_request_id"] for row in response.json()}

    assert ids(service_code="pothole") == {pothole.reference}
    assert ids(service_code="pothole,fly-tipping") == {
        pothole.reference,
        tipping.reference,
        fixed.reference,
    }
    assert ids(status="closed") == {fixed.reference}
    assert ids(status="open") == {pothole.reference, tipping.reference}
    # service_request_id overrides every other filter.
    assert ids(service_request_id=f"{fixed.reference},{pothole.reference}", status="open") == {
        fixed.reference,
        pothole.reference,
    }
    assert ids(jurisdiction_id="wessex") == {pothole.reference}


def test_date_range_and_the_90_day_default(client, world):
    old = _case(world.fly_tipping, submitted_at=timezone.now() - timedelta(days=120))
    new = _case(world.fly_tipping)
    default = {row["service_request_id"] for row in client.get(f"{BASE}/requests.json").json()}
    assert default == {new.reference}
    start = (timezone.now() - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ranged = client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    assert [row["service_request_id"] for row in ranged] == [old.reference]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"start_date": "yesterday"},
            "start_date: must be a W3C datetime, like 2026-03-05T14:15:00Z",
        ),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "end_date: the range may not span more than 90 days",
        ),
        (
            {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "start_date: must be before end_date",
        ),
        ({"status": "lost"}, "status: lost is not a status; use open or closed"),
        ({"api_key": "wrong"}, "api_key: the API key is not valid"),
    ],
)
def test_bad_filters_get_the_error_list(client, world, params, expected):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code in (400, 403)
    assert errors_of(response) == [expected]


def test_one_request_in_xml_and_json(client, world, make_staff):
    case = _case(world.fly_tipping)
    officer = make_staff(world.cleansing, "caseworker")
    case_status_change(
        case=case, status="in_progress", actor=officer, public_message="Crew on the way"
    )
    body = client.get(f"{BASE}/requests/{case.reference}.json").json()
    assert_schema("requests.json", body)
    assert body[0]["status_notes"] == "Crew on the way"
    root = xml_of(client.get(f"{BASE}/requests/{case.reference}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == case.reference
    assert root.findtext("request/status") == "open"
    assert root.findtext("request/status_notes") == "Crew on the way"


def test_private_and_unknown_requests_are_404_alike(client, world):
    private = _case(world.private_service)
    for reference in (private.reference, "CDC-0000-0000", "nothing"):
        response = client.get(f"{BASE}/requests/{reference}.json")
        assert response.status_code == 404
        assert errors_of(response) == [f"service_request_id: there is no request {reference}"]


def test_extended_statuses_for_a_key_that_asks_for_them(client, world, make_staff):
    case = _case(world.fly_tipping)
    officer = make_staff(world.cleansing, "caseworker")
    case_status_change(case=case, status="action_scheduled", actor=officer)
    _, extended_key = apikey_issue(
        organisation=world.district, name="FixMyStreet", extended_statuses=True
    )
    plain = client.get(f"{BASE}/requests/{case.reference}.json").json()
    extended = client.get(
        f"{BASE}/requests/{case.reference}.json", {"api_key": extended_key}
    ).json()
    assert plain[0]["status"] == "open"
    assert extended[0]["status"] == "action_scheduled"
    filtered = client.get(
        f"{BASE}/requests.json", {"api_key": extended_key, "status": "action_scheduled"}
    ).json()
    assert [row["service_request_id"] for row in filtered] == [case.reference]


def test_the_keys_own_private_requests_are_visible_to_it_only(client, world):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": world.district_raw_key,
            "service_code": "noise",
            "lat": str(DORCHESTER[0]),
            "long": str(DORCHESTER[1]),
            "email": "pat@example.com",
            "attribute[kind]": "small",
        },
    )
    reference = response.json()[0]["service_request_id"]
    mine = client.get(f"{BASE}/requests/{reference}.json", {"api_key": world.district_raw_key})
    assert mine.status_code == 200
    assert "pat@example.com" not in mine.content.decode()
    assert client.get(f"{BASE}/requests/{reference}.json").status_code == 404
    assert (
        client.get(f"{BASE}/requests/{reference}.json", {"api_key": world.raw_key}).status_code
        == 404
    )


def test_token_gives_the_request_id(client, world, post_request):
    row = post_request(world).json()[0]
    response = client.get(f"{BASE}/tokens/{row['token']}.json")
    assert response.status_code == 200
    assert response.json() == [
        {"service_request_id": row["service_request_id"], "token": row["token"]}
    ]
    root = xml_of(client.get(f"{BASE}/tokens/{row['token']}.xml"))
    assert root.findtext("request/service_request_id") == row["service_request_id"]
    missing = client.get(f"{BASE}/tokens/not-a-token.json")
    assert missing.status_code == 404
    assert errors_of(missing) == ["token: there is no request with this token"]
