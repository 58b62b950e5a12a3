"""Builders for API tests: two councils, staff in several roles, cases made through the real
services, and clients that call the API with a personal token or a session."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from borough.accounts.models import User
from borough.api.services import api_token_create
from borough.cases.models import Case
from borough.cases.services import Submission, case_create
from borough.catalogue.models import Service
from borough.core.models import Organisation, Team
from tests.conftest import DORCHESTER

ANSWERS = {"kind": "small", "details": "Bags of rubbish by the bins"}


class ApiClient:
    """A Django test client that sends a bearer token (or nothing) and JSON bodies."""

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            path,
            json.dumps(body),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


@pytest.fixture
def token_for() -> Callable[[User], str]:
    def make(user: User) -> str:
        _token, raw = api_token_create(user=user, name="Tests")
        return raw

    return make


@pytest.fixture
def api_as(token_for: Callable[[User], str]) -> Callable[[User], ApiClient]:
    """An API client acting as `user` with a new personal token."""

    def make(user: User) -> ApiClient:
        return ApiClient(token_for(user))

    return make


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def make(service: Service, **overrides: Any) -> Case:
        fields: dict[str, Any] = {
            "service": service,
            "channel": "web",
            "answers": dict(ANSWERS),
            "reporter_name": "Rita Reporter",
            "reporter_email": "rita@example.com",
            "latitude": DORCHESTER[0],
            "longitude": DORCHESTER[1],
        }
        fields.update(overrides)
        return case_create(submission=Submission(**fields))

    return make


@dataclass
class World:
    """Two councils. The district has our team and another team; the county has a third."""

    district: Organisation
    county: Organisation
    team: Team
    other_team: Team
    county_team: Team
    service: Service
    other_team_service: Service
    county_service: Service
    caseworker: User
    county_officer: User


@pytest.fixture
def world(district, county, make_team, make_service, make_staff) -> World:
    team = make_team(district, "Street cleansing")
    other_team = make_team(district, "Waste collections")
    county_team = make_team(county, "Highways")
    return World(
        district=district,
        county=county,
        team=team,
        other_team=other_team,
        county_team=county_team,
        service=make_service(
            district, code="report-fly-tipping", name="Report fly-tipping", default_team=team
        ),
        other_team_service=make_service(
            district, code="report-missed-bin", name="Report a missed bin", default_team=other_team
        ),
        county_service=make_service(
            county, code="report-pothole", name="Report a pothole", default_team=county_team
        ),
        caseworker=make_staff(team, "caseworker", email="casey@casterbridge.example"),
        county_officer=make_staff(county_team, "caseworker", email="officer@wessex.example"),
    )
