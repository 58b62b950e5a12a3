"""The PyPI client `georeport` reads Borough's services, definitions and requests, in JSON and
XML, from a live server.

What the client cannot do: it has no method to POST a request (nor servicerequestupdates,
nor tokens), so POSTs are tested with Django's client in the other files; and its XML
parsing (xmltodict) returns one dict instead of a list when there is a single item.
"""

from __future__ import annotations

import pytest
from georeport import GeoReport

from borough.cases.services import Submission, case_create
from tests.conftest import DORCHESTER


@pytest.fixture
def reported(world):
    return case_create(
        submission=Submission(
            service=world.fly_tipping,
            channel="web",
            answers={"kind": "large"},
            reporter_email="rita@example.com",
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
        )
    )


def _client(live_server, fmt: str, jurisdiction: str | None = None) -> GeoReport:
    return GeoReport(f"{live_server.url}/open311/v2/", jurisdiction=jurisdiction, output_format=fmt)


@pytest.mark.django_db(transaction=True)
def test_json_services_definitions_and_requests(live_server, world, reported):
    client = _client(live_server, "json")
    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {"pothole", "fly-tipping", "noise"}
    definition = client.get_service_definition("pothole")
    assert definition["attributes"][0]["code"] == "size"
    requests = client.get_service_requests(service_code="fly-tipping", status="open")
    assert [r["service_request_id"] for r in requests] == [reported.reference]
    one = client.get_service_request(reported.reference)
    assert one["status"] == "open"
    assert "rita" not in str(one)


@pytest.mark.django_db(transaction=True)
def test_xml_services_definitions_and_requests(live_server, world, reported):
    client = _client(live_server, "xml", jurisdiction="casterbridge")
    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {"fly-tipping", "noise"}
    definition = client.get_service_definition("fly-tipping")
    assert definition["service_code"] == "fly-tipping"
    assert definition["attributes"]["attribute"][0]["code"] == "kind"
    requests = client.get_service_requests(service_request_id=reported.reference)
    # One request: xmltodict gives the element itself, not a list.
    assert requests["service_request_id"] == reported.reference
    one = client.get_service_request(reported.reference)
    assert one["service_code"] == "fly-tipping"
    assert one["agency_responsible"] == "Casterbridge District Council"


@pytest.mark.django_db(transaction=True)
def test_client_sees_the_spec_errors(live_server, world):
    import requests as http

    client = _client(live_server, "json")
    with pytest.raises(http.HTTPError) as raised:
        client.get_service_definition("nothing")
    assert raised.value.response.status_code == 404
    assert raised.value.response.json()[0]["code"] == 404
