"""Builders for dispatch tests: a district council whose highways contractor is reached over
Open311 or a webhook, a service whose cases go to it, and the contractors' servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from borough.accounts.models import User
from borough.cases.models import Case
from borough.cases.services import Submission, case_create
from borough.catalogue.models import Service
from borough.core.models import Organisation, Team
from borough.core.services import team_create
from borough.dispatch.models import ContractorEndpoint
from tests.conftest import DORCHESTER
from tests.dispatch.contractor import Contractor, contractor_server

SECRET = "a-long-shared-secret-for-the-test-contractor"


@pytest.fixture
def open311_contractor() -> Iterator[Contractor]:
    with contractor_server("open311") as contractor:
        yield contractor


@pytest.fixture
def webhook_contractor() -> Iterator[Contractor]:
    with contractor_server("webhook", secret=SECRET) as contractor:
        yield contractor


@dataclass
class World:
    district: Organisation
    council_team: Team
    contractor_team: Team
    service: Service
    leader: User
    caseworker: User


@pytest.fixture
def world(district, make_service, make_staff) -> World:
    council_team = team_create(organisation=district, slug="street-scene", name="Street scene")
    contractor_team = team_create(
        organisation=district, slug="ringway", name="Ringway (highways contractor)"
    )
    service = make_service(
        district,
        code="fly-tipping",
        name="Report fly-tipping",
        default_team=contractor_team,
        public_cases=True,
    )
    return World(
        district=district,
        council_team=council_team,
        contractor_team=contractor_team,
        service=service,
        leader=make_staff(council_team, "team_leader", email="leader@casterbridge.example"),
        caseworker=make_staff(council_team, "caseworker", email="casey@casterbridge.example"),
    )


@pytest.fixture
def make_endpoint(world: World) -> Callable[..., ContractorEndpoint]:
    def make(url: str, protocol: str = "open311", **fields: Any) -> ContractorEndpoint:
        team = fields.pop("team", world.contractor_team)
        defaults: dict[str, Any] = {
            "organisation": team.organisation,
            "team": team,
            "protocol": protocol,
            "base_url": url,
            "api_key": "contractor-api-key" if protocol == "open311" else "",
            "secret": SECRET if protocol == "webhook" else "",
            "jurisdiction_id": "casterbridge",
            "service_codes": {"fly-tipping": "FT01"},
        }
        defaults.update(fields)
        return ContractorEndpoint.objects.create(**defaults)

    return make


@pytest.fixture
def report(world: World) -> Callable[..., Case]:
    """A report made on the web by a resident, routed to the contractor's team."""

    def make(**overrides: Any) -> Case:
        fields: dict[str, Any] = {
            "service": world.service,
            "channel": "web",
            "answers": {"kind": "large", "details": "A sofa and bags on the verge"},
            "reporter_name": "Rita Reporter",
            "reporter_email": "rita@example.com",
            "reporter_phone": "07700 900123",
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
