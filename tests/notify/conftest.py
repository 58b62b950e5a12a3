"""Builders for notification tests: a council with a team, a service and a report on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from borough.accounts.models import User
from borough.cases.models import Case
from borough.cases.services import Submission, case_create
from borough.catalogue.models import Service
from borough.core.models import Organisation, Team
from borough.core.services import team_create
from tests.conftest import DORCHESTER


@dataclass
class World:
    district: Organisation
    team: Team
    service: Service
    officer: User
    colleague: User


@pytest.fixture
def world(district, make_service, make_staff) -> World:
    team = team_create(organisation=district, slug="street-cleansing", name="Street cleansing")
    return World(
        district=district,
        team=team,
        service=make_service(
            district,
            name="Report fly-tipping",
            default_team=team,
            public_cases=True,
            sla_value=5,
            sla_unit="working_days",
        ),
        officer=make_staff(team, "caseworker", email="officer@casterbridge.example"),
        colleague=make_staff(team, "team_leader", email="leader@casterbridge.example"),
    )


@pytest.fixture
def report(world: World) -> Callable[..., Case]:
    """A report made on the web by an anonymous resident (or `resident=` a signed-in one)."""

    def make(**overrides: Any) -> Case:
        fields: dict[str, Any] = {
            "service": world.service,
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
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block asked to do on commit, as a commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
