"""Builders for back-office tests: cases made through the real services, signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from borough.accounts.models import User
from borough.cases.models import Case
from borough.cases.services import Submission, case_create
from borough.catalogue.models import Service
from borough.core.models import Organisation, Team
from tests.conftest import DORCHESTER

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def make(service: Service, **overrides: Any) -> Case:
        fields: dict[str, Any] = {
            "service": service,
            "channel": "web",
            "answers": {"kind": "small", "details": "Bags of rubbish by the bins"},
            "reporter_name": "Rita Reporter",
            "reporter_email": "rita@example.com",
            "latitude": DORCHESTER[0],
            "longitude": DORCHESTER[1],
        }
        fields.update(overrides)
        return case_create(submission=Submission(**fields))

    return make


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    """A test client signed in as `user` (each call a new client)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

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
    colleague: User
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
        service=make_service(district, name="Report fly-tipping", default_team=team),
        other_team_service=make_service(
            district, name="Report a missed bin", default_team=other_team
        ),
        county_service=make_service(county, name="Report a pothole", default_team=county_team),
        colleague=make_staff(team, "caseworker", email="colleague@casterbridge.example"),
        county_officer=make_staff(county_team, "caseworker", email="officer@wessex.example"),
    )
