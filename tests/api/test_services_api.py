"""GET /services and GET /services/{code}: the services of the caller's organisations."""

from __future__ import annotations

import jsonschema

from borough.catalogue.services import form_publish
from tests.conftest import SIMPLE_FORM


def test_the_list_holds_the_services_of_the_callers_organisations_only(world, api_as):
    response = api_as(world.caseworker).get("/api/v1/services")

    assert response.status_code == 200
    codes = [service["code"] for service in response.json()["results"]]
    assert codes == ["report-fly-tipping", "report-missed-bin"]
    assert "report-pothole" not in codes


def test_a_service_carries_its_answers_json_schema(world, api_as):
    form_publish(service=world.service, definition={**SIMPLE_FORM, "title": "Version two"})

    response = api_as(world.caseworker).get(f"/api/v1/services/{world.service.code}")

    assert response.status_code == 200
    body = response.json()
    assert body["organisation"] == {"slug": "casterbridge", "name": world.district.name}
    assert body["form_version"] == 2
    schema = body["answers_schema"]
    assert schema["title"] == "Version two"
    jsonschema.validate({"kind": "small"}, schema)
    assert not jsonschema.Draft202012Validator(schema).is_valid({"kind": "enormous"})


def test_another_organisations_service_is_404(world, api_as):
    response = api_as(world.caseworker).get(f"/api/v1/services/{world.county_service.code}")

    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"code": "not_found", "message": "Not found", "field": None}]
    }


def test_an_inactive_service_is_not_listed(world, api_as):
    world.other_team_service.is_active = False
    world.other_team_service.save(update_fields=["is_active"])

    response = api_as(world.caseworker).get("/api/v1/services")

    assert [s["code"] for s in response.json()["results"]] == ["report-fly-tipping"]


def test_the_openapi_document_is_open_and_the_docs_page_is_for_staff(world, client, settings):
    settings.DEBUG = False
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    schema = document.json()
    assert schema["info"]["title"] == "Borough internal API"
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/cases", "/api/v1/cases/{reference}/status"} <= set(schema["paths"])

    assert client.get("/api/v1/docs").status_code == 404
    client.force_login(world.caseworker)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/api/v1/docs/assets/swagger-ui-bundle.js" in page.content
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert client.get("/api/v1/docs/assets/..%2Fmain.py").status_code == 404


def test_the_docs_page_is_shown_to_anyone_when_debugging(db, client, settings):
    settings.DEBUG = True

    assert client.get("/api/v1/docs").status_code == 200
