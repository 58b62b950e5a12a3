"""Builders for the Open311 tests: councils, services and keys made through the real services."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeET
import pytest
from django.test import Client
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from borough.catalogue.models import Service
from borough.core.models import Organisation, Team
from borough.open311.models import ApiKey
from borough.open311.services import apikey_issue
from tests.conftest import DORCHESTER

BASE = "/open311/v2"

POTHOLE_FORM: dict[str, Any] = {
    "title": "Report a pothole",
    "pages": [
        {
            "id": "size",
            "questions": [
                {
                    "id": "size",
                    "type": "radios",
                    "label": "How big is the pothole?",
                    "name": "the size of the pothole",
                    "options": [
                        {"value": "small", "label": "Smaller than a football"},
                        {"value": "large", "label": "Larger than a football"},
                    ],
                }
            ],
        },
        {
            "id": "depth",
            "questions": [
                {
                    "id": "depth",
                    "type": "number",
                    "label": "How deep is it, in centimetres?",
                    "name": "the depth",
                    "required": False,
                    "validation": {"min": 0, "max": 100},
                }
            ],
        },
        {
            "id": "hazards",
            "questions": [
                {
                    "id": "hazards",
                    "type": "checkboxes",
                    "label": "What is near it?",
                    "name": "what is near it",
                    "required": False,
                    "options": [
                        {"value": "school", "label": "A school"},
                        {"value": "junction", "label": "A junction"},
                        {"value": "bus_stop", "label": "A bus stop"},
                    ],
                }
            ],
        },
        {
            "id": "seen",
            "questions": [
                {
                    "id": "seen",
                    "type": "date",
                    "label": "When did you see it?",
                    "name": "the date you saw it",
                    "required": False,
                    "open311": {"code": "seen_on"},
                }
            ],
        },
        {
            "id": "asset",
            "questions": [
                {
                    "id": "asset",
                    "type": "text",
                    "label": "Asset id",
                    "required": False,
                    "open311": {"automated": "hidden_field"},
                },
                {
                    "id": "priority_code",
                    "type": "text",
                    "label": "Priority code",
                    "required": False,
                    "open311": {"automated": "server_set"},
                },
            ],
        },
        {
            "id": "details",
            "questions": [
                {
                    "id": "details",
                    "type": "textarea",
                    "label": "Describe the problem",
                    "name": "the description",
                    "required": False,
                }
            ],
        },
    ],
}


@dataclass
class World:
    county: Organisation
    district: Organisation
    highways: Team
    cleansing: Team
    potholes: Service
    fly_tipping: Service
    private_service: Service
    key: ApiKey
    raw_key: str
    district_key: ApiKey
    district_raw_key: str


@pytest.fixture
def world(county, district, make_team, make_service) -> World:
    highways = make_team(county, "Highways")
    cleansing = make_team(district, "Street cleansing")
    potholes = make_service(
        county,
        code="pothole",
        name="Report a pothole",
        group="Roads",
        keywords=["road", "hole"],
        form=POTHOLE_FORM,
        needs_location=True,
        public_cases=True,
        default_team=highways,
    )
    fly_tipping = make_service(
        district,
        code="fly-tipping",
        name="Report fly-tipping",
        group="Streets",
        needs_location=True,
        public_cases=True,
        default_team=cleansing,
    )
    private_service = make_service(
        district,
        code="noise",
        name="Report noise",
        group="Environment",
        needs_location=True,
        public_cases=False,
        default_team=cleansing,
    )
    key, raw_key = apikey_issue(organisation=county, name="FixMyStreet")
    district_key, district_raw_key = apikey_issue(organisation=district, name="District app")
    return World(
        county=county,
        district=district,
        highways=highways,
        cleansing=cleansing,
        potholes=potholes,
        fly_tipping=fly_tipping,
        private_service=private_service,
        key=key,
        raw_key=raw_key,
        district_key=district_key,
        district_raw_key=district_raw_key,
    )


def pothole_post(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "api_key": world.raw_key,
        "service_code": "pothole",
        "lat": str(DORCHESTER[0]),
        "long": str(DORCHESTER[1]),
        "email": "pat@example.com",
        "first_name": "Pat",
        "last_name": "Reporter",
        "phone": "01632 960 001",
        "description": "A deep pothole by the bus stop",
        "attribute[size]": "large",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def post_request(client: Client) -> Callable[..., Any]:
    def post(world: World, fmt: str = "json", **overrides: Any) -> Any:
        return client.post(f"{BASE}/requests.{fmt}", pothole_post(world, **overrides))

    return post


SCHEMAS = Path(__file__).resolve().parent / "georeport-v2"


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (path.as_uri(), DRAFT4.create_resource(json.loads(path.read_text())))
        for path in SCHEMAS.glob("*.json")
    )


def assert_schema(name: str, instance: object) -> None:
    """Validate a JSON response against the GeoReport v2 schema `name` (e.g. "services.json")."""
    schema = {"$ref": (SCHEMAS / name).as_uri()}
    Draft4Validator(schema, registry=_registry(), format_checker=FormatChecker()).validate(instance)


def xml_of(response: Any) -> ElementTree.Element:
    """A response's XML, parsed safely."""
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return SafeET.fromstring(response.content)


def errors_of(response: Any) -> list[str]:
    """The error descriptions of a JSON error response."""
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert all(error["code"] == response.status_code for error in body)
    return [error["description"] for error in body]
