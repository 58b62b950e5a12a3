"""Discovery, the service list and service definitions, in XML and JSON."""

from __future__ import annotations

import pytest

from borough.catalogue.services import service_create
from tests.open311.conftest import BASE, assert_schema, errors_of, xml_of


def test_discovery_names_the_endpoint_in_both_formats(client, world):
    response = client.get("/open311/discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    endpoint = response.json()["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml_of(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]
    assert root.findtext("changeset").endswith("Z")


def test_service_list_json_has_groups_keywords_and_fixmystreet_flags(client, world):
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    body = response.json()
    assert_schema("services.json", body)
    by_code = {row["service_code"]: row for row in body}
    assert by_code["pothole"] == {
        "service_code": "pothole",
        "service_name": "Report a pothole",
        "description": "A test service",
        "metadata": True,
        "type": "realtime",
        "keywords": "road,hole",
        "group": "Roads",
    }
    assert by_code["noise"]["keywords"] == "private"
    assert set(by_code) == {"pothole", "fly-tipping", "noise"}


def test_service_list_marks_inactive_and_waste_only_and_leaves_out_account_services(
    client, world, make_service
):
    world.fly_tipping.is_active = False
    world.fly_tipping.save()
    make_service(world.district, code="missed-bin", needs_property=True, public_cases=True)
    make_service(world.district, code="council-tax", identity="account")
    by_code = {row["service_code"]: row for row in client.get(f"{BASE}/services.json").json()}
    assert by_code["fly-tipping"]["keywords"] == "inactive"
    assert by_code["missed-bin"]["keywords"] == "waste_only"
    assert "council-tax" not in by_code


def test_service_list_xml(client, world):
    root = xml_of(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    pothole = next(s for s in root.findall("service") if s.findtext("service_code") == "pothole")
    assert pothole.findtext("metadata") == "true"
    assert pothole.findtext("keywords") == "road,hole"
    assert pothole.findtext("group") == "Roads"


def test_jurisdiction_selects_one_organisation(client, world):
    codes = {
        row["service_code"]
        for row in client.get(f"{BASE}/services.json", {"jurisdiction_id": "wessex"}).json()
    }
    assert codes == {"pothole"}
    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": "atlantis"})
    assert response.status_code == 404
    assert errors_of(response) == ["jurisdiction_id: there is no jurisdiction atlantis"]


def test_service_definition_attributes_come_from_the_form(client, world):
    response = client.get(f"{BASE}/services/pothole.json")
    assert response.status_code == 200
    body = response.json()
    assert_schema("service-definition.json", body)
    attributes = {a["code"]: a for a in body["attributes"]}
    # Location and file questions are GeoReport's own; every other question is an attribute.
    assert list(attributes) == [
        "size",
        "depth",
        "hazards",
        "seen_on",
        "asset",
        "priority_code",
        "details",
    ]
    assert attributes["size"]["datatype"] == "singlevaluelist"
    assert attributes["size"]["required"] is True
    assert attributes["size"]["values"] == [
        {"key": "small", "name": "Smaller than a football"},
        {"key": "large", "name": "Larger than a football"},
    ]
    assert attributes["depth"]["datatype"] == "number"
    assert attributes["hazards"]["datatype"] == "multivaluelist"
    assert attributes["seen_on"]["datatype"] == "datetime"
    assert attributes["details"]["datatype"] == "text"
    assert attributes["asset"]["automated"] == "hidden_field"
    assert attributes["priority_code"]["automated"] == "server_set"
    assert attributes["priority_code"]["variable"] is False
    assert [a["order"] for a in body["attributes"]] == [1, 2, 3, 4, 5, 6, 7]


def test_service_definition_xml(client, world):
    root = xml_of(client.get(f"{BASE}/services/pothole.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "pothole"
    first = root.find("attributes/attribute")
    assert first.findtext("code") == "size"
    assert first.findtext("required") == "true"
    assert [v.findtext("key") for v in first.findall("values/value")] == ["small", "large"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404(client, world, fmt):
    response = client.get(f"{BASE}/services/nothing.{fmt}")
    assert response.status_code == 404
    if fmt == "xml":
        error = xml_of(response).find("error")
        assert error.findtext("code") == "404"
        assert "nothing" in error.findtext("description")
    else:
        assert errors_of(response) == ["service_code: there is no service with the code nothing"]


def test_unknown_resource_and_format_get_the_error_shape(client, world):
    response = client.get(f"{BASE}/services.html")
    assert response.status_code == 404
    assert xml_of(response).find("error/code").text == "404"
    response = client.get(f"{BASE}/nothing.json")
    assert response.status_code == 404
    assert errors_of(response)


def test_wrong_method_is_refused_with_the_error_shape(client, world):
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert errors_of(response) == ["Use GET or HEAD"]


def test_service_of_an_inactive_organisation_is_not_listed(client, world):
    world.district.is_active = False
    world.district.save()
    codes = {row["service_code"] for row in client.get(f"{BASE}/services.json").json()}
    assert codes == {"pothole"}


def test_service_without_attributes_has_metadata_false(client, world):
    service_create(
        organisation=world.county,
        code="graffiti",
        name="Report graffiti",
        summary="Paint on walls",
        group="Streets",
        kind="report",
        identity="anonymous",
        form={
            "title": "Graffiti",
            "pages": [
                {
                    "id": "where",
                    "questions": [{"id": "where", "type": "location", "label": "Where is it?"}],
                }
            ],
        },
    )
    by_code = {row["service_code"]: row for row in client.get(f"{BASE}/services.json").json()}
    assert by_code["graffiti"]["metadata"] is False
