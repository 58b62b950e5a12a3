"""POST requests: a report from an app becomes a case through the case services."""

from __future__ import annotations

import pytest

from borough.cases.models import Case, CaseEvent, ExternalReference
from borough.contacts.models import Contact
from borough.core.models import AuditEntry
from borough.open311.models import ServiceRequest
from borough.open311.services import apikey_revoke
from tests.open311.conftest import BASE, assert_schema, errors_of, pothole_post, xml_of


def _nothing_created() -> None:
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert ServiceRequest.objects.count() == 0
    assert Contact.objects.count() == 0


def test_post_makes_a_routed_case_on_the_app_channel(client, world, post_request):
    response = post_request(
        world,
        **{
            "attribute[depth]": "12",
            "attribute[hazards][]": ["school", "bus_stop"],
            "attribute[seen_on]": "2026-01-05T09:30:00Z",
            "attribute[asset]": "LAMP-17",
            "attribute[priority_code]": "P1",
            "attribute[fixmystreet_id]": "9001",
            "attribute[easting]": "369000",
            "media_url": "https://photos.example.org/9001.jpeg",
        },
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [row] = response.json()
    case = Case.objects.get()
    assert row["service_request_id"] == case.reference
    assert case.channel == "app"
    assert case.organisation == world.county
    assert case.team == world.highways
    assert case.reporter_name == "Pat Reporter"
    assert case.reporter_email == "pat@example.com"
    assert case.reporter_phone == "01632960001"
    assert case.answers == {
        "size": "large",
        "depth": 12,
        "hazards": ["school", "bus_stop"],
        "seen": "2026-01-05",
        "asset": "LAMP-17",
        "details": "A deep pothole by the bus stop",
    }
    # server_set attributes are Borough's to set: what the client sent is not used.
    assert "priority_code" not in case.answers
    assert [(r.system, r.value) for r in ExternalReference.objects.filter(case=case)] == [
        ("fixmystreet", "9001")
    ]
    record = ServiceRequest.objects.get(case=case)
    assert record.api_key == world.key
    assert record.token == row["token"]
    assert record.media_url == "https://photos.example.org/9001.jpeg"
    assert record.extra_attributes == {"easting": "369000"}
    assert list(case.events.values_list("kind", flat=True)) == ["created", "routed"]
    assert Contact.objects.get(case=case).channel == "app"
    audit = AuditEntry.objects.get(action="open311.request_create")
    assert audit.object_id == case.reference
    assert audit.detail == {"api_key": world.key.prefix, "client": "FixMyStreet"}


def test_post_xml_answer(client, world, post_request):
    response = post_request(world, fmt="xml")
    assert response.status_code == 201
    root = xml_of(response)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == Case.objects.get().reference
    assert root.findtext("request/token")


def test_two_reports_about_one_asset_are_two_cases(client, world, post_request):
    # FixMyStreet names the lamp post in asset_id; many reports share it.
    first = post_request(world, **{"attribute[fixmystreet_id]": "81", "attribute[asset_id]": "L7"})
    second = post_request(world, **{"attribute[fixmystreet_id]": "82", "attribute[asset_id]": "L7"})
    app = post_request(
        world, **{"attribute[streetapp_report_id]": "5", "attribute[asset_id]": "L7"}
    )
    assert [first.status_code, second.status_code, app.status_code] == [201, 201, 201]
    assert Case.objects.count() == 3
    assert sorted(ExternalReference.objects.values_list("system", "value")) == [
        ("fixmystreet", "81"),
        ("fixmystreet", "82"),
        ("streetapp", "5"),
    ]
    assert {tuple(r.extra_attributes.items()) for r in ServiceRequest.objects.all()} == {
        (("asset_id", "L7"),)
    }
    assert post_request(world, **{"attribute[streetapp_report_id]": "5"}).status_code == 200
    assert Case.objects.count() == 3


def test_sending_the_same_fixmystreet_id_again_returns_the_first_case(client, world, post_request):
    first = post_request(world, **{"attribute[fixmystreet_id]": "77"})
    again = post_request(world, **{"attribute[fixmystreet_id]": "77"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Case.objects.count() == 1
    assert ServiceRequest.objects.count() == 1


def test_idempotency_key_header_makes_a_resend_safe(client, world):
    data = pothole_post(world)
    first = client.post(f"{BASE}/requests.json", data, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post(f"{BASE}/requests.json", data, HTTP_IDEMPOTENCY_KEY="abc-1")
    other = client.post(f"{BASE}/requests.json", data, HTTP_IDEMPOTENCY_KEY="abc-2")
    assert first.json() == again.json()
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    assert Case.objects.count() == 2


def test_api_key_may_be_in_the_query_string_and_empty_optionals_are_absent(client, world):
    data = pothole_post(world, api_key=None, phone="", address_string="", media_url="")
    data["attribute[depth]"] = ""
    response = client.post(f"{BASE}/requests.json?api_key={world.raw_key}", data)
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.reporter_phone == ""
    assert "depth" not in case.answers


def test_address_id_gives_the_location(client, world, make_property):
    prop = make_property(uprn="100040001234")
    response = client.post(
        f"{BASE}/requests.json", pothole_post(world, lat="", long="", address_id=prop.uprn)
    )
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.property == prop
    assert (case.latitude, case.longitude) == (prop.latitude, prop.longitude)


def test_address_string_matching_one_property_gives_the_location(client, world, make_property):
    prop = make_property(paon="17", street_name="Icen Way", postcode="DT1 1EW")
    response = client.post(
        f"{BASE}/requests.json",
        pothole_post(world, lat=None, long=None, address_string="17 Icen Way"),
    )
    assert response.status_code == 201
    assert Case.objects.get().property == prop
    assert ServiceRequest.objects.get().address_string == "17 Icen Way"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"service_code": "nothing"}, ["service_code: there is no service with the code nothing"]),
        ({"service_code": None}, ["service_code: Enter a service code"]),
        ({"lat": "north"}, ["lat: must be a number between -90 and 90"]),
        ({"long": "200"}, ["long: must be a number between -180 and 180"]),
        ({"long": None}, ["lat, long: give both a latitude and a longitude, or neither"]),
        (
            {"lat": "51.5", "long": "-0.12"},
            ["lat, long: this location is outside the area of every council here"],
        ),
        (
            {"lat": None, "long": None},
            ["lat, long: give a location as lat and long, address_string or address_id"],
        ),
        (
            {"address_id": "999999999999"},
            ["address_id: there is no address with the UPRN 999999999999"],
        ),
        ({"address_id": "12ab"}, ["address_id: must be a UPRN, up to 12 digits"]),
        ({"description": "x" * 4001}, ["description: must be 4,000 characters or fewer"]),
        (
            {"email": "not-an-email"},
            ["email: Enter an email address in the correct format, like name@example.com"],
        ),
        ({"email": None, "phone": None}, ["email: Enter your email address"]),
        ({"attribute[size]": "huge"}, ["attribute[size]: Select the size of the pothole"]),
        ({"attribute[size]": None}, ["attribute[size]: Select the size of the pothole"]),
        ({"attribute[depth]": "deep"}, ["attribute[depth]: The depth must be a number"]),
        (
            {"media_url": "javascript:alert(1)"},
            ["media_url: must be a web address starting http:// or https://"],
        ),
        ({"first_name": "P" * 101}, ["first_name: must be 100 characters or fewer"]),
    ],
)
def test_bad_input_is_a_400_and_creates_nothing(client, world, post_request, overrides, expected):
    response = post_request(world, **overrides)
    assert response.status_code == 400, response.content
    assert errors_of(response) == expected
    _nothing_created()


def test_a_too_long_description_for_the_form_is_refused_by_the_form_engine(
    client, world, make_service
):
    make_service(
        world.county,
        code="short",
        needs_location=True,
        form={
            "title": "Short",
            "pages": [
                {
                    "id": "d",
                    "questions": [
                        {
                            "id": "d",
                            "type": "textarea",
                            "label": "Details",
                            "name": "the details",
                            "validation": {"max_length": 10},
                        }
                    ],
                }
            ],
        },
    )
    response = client.post(
        f"{BASE}/requests.json", pothole_post(world, service_code="short", description="x" * 11)
    )
    assert response.status_code == 400
    assert errors_of(response) == ["description: The details must be 10 characters or less"]
    _nothing_created()


def test_a_service_needing_an_account_cannot_be_requested(client, world, make_service):
    make_service(world.county, code="blue-badge", identity="account")
    response = client.post(f"{BASE}/requests.json", pothole_post(world, service_code="blue-badge"))
    assert response.status_code == 400
    assert "needs a Borough account" in errors_of(response)[0]
    _nothing_created()


def test_inactive_service_is_refused(client, world):
    world.potholes.is_active = False
    world.potholes.save()
    response = client.post(f"{BASE}/requests.json", pothole_post(world))
    assert response.status_code == 400
    assert errors_of(response) == ["service_code: This service is not available"]
    _nothing_created()


@pytest.mark.parametrize("key", [None, "", "b311_not-a-real-key"])
def test_post_without_a_valid_key_is_403(client, world, key):
    response = client.post(f"{BASE}/requests.json", pothole_post(world, api_key=key))
    assert response.status_code == 403
    assert errors_of(response)[0].startswith("api_key:")
    _nothing_created()


def test_revoked_key_is_403(client, world):
    apikey_revoke(api_key=world.key)
    response = client.post(f"{BASE}/requests.json", pothole_post(world))
    assert response.status_code == 403
    assert errors_of(response) == ["api_key: the API key is not valid"]
    _nothing_created()


def test_key_of_one_organisation_cannot_make_cases_for_another(client, world):
    # The district's key sending a county service: the case would be the county's.
    response = client.post(
        f"{BASE}/requests.json", pothole_post(world, api_key=world.district_raw_key)
    )
    assert response.status_code == 403
    assert errors_of(response) == [
        "service_code: this request would go to Wessex County Council, and this API key is "
        "for Casterbridge District Council"
    ]
    _nothing_created()
    assert not AuditEntry.objects.filter(action="open311.request_create").exists()


def test_jurisdiction_other_than_the_keys_is_403(client, world):
    response = client.post(
        f"{BASE}/requests.json", pothole_post(world, jurisdiction_id="casterbridge")
    )
    assert response.status_code == 403
    _nothing_created()


def test_jurisdiction_of_the_key_is_accepted(client, world):
    response = client.post(f"{BASE}/requests.json", pothole_post(world, jurisdiction_id="wessex"))
    assert response.status_code == 201


def test_oversize_body_is_400(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(f"{BASE}/requests.json", pothole_post(world, description="x" * 2000))
    assert response.status_code == 400
    assert errors_of(response) == ["The request is too large"]
    _nothing_created()


def test_created_request_reads_back_against_the_schema(client, world, post_request):
    reference = post_request(world).json()[0]["service_request_id"]
    body = client.get(f"{BASE}/requests/{reference}.json").json()
    assert_schema("requests.json", body)
    assert body[0]["service_request_id"] == reference
