"""Builders shared by the whole suite. Data is made through the real services."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from borough.accounts.models import User
from borough.accounts.services import resident_register, staff_membership_add, staff_user_create
from borough.catalogue.models import Service
from borough.catalogue.services import service_create
from borough.core.models import Organisation, Team
from borough.core.services import organisation_create, team_create
from borough.places.geo import clear_geometry_cache
from borough.places.services import property_upsert

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_geometry_cache() -> Iterator[None]:
    # Geometry is cached by (model, pk, updated_at); primary keys come round again after a
    # test's transaction is rolled back, so every test starts with an empty cache.
    clear_geometry_cache()
    yield
    clear_geometry_cache()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Django's cache (local memory in tests) keeps keys made of primary keys and dates, which
    # come round again in the next test: every test starts with it empty.
    cache.clear()
    yield
    cache.clear()


def square(lat: float, lon: float, half: float) -> dict[str, Any]:
    """A GeoJSON square polygon centred on (lat, lon)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - half, lat - half],
                [lon + half, lat - half],
                [lon + half, lat + half],
                [lon - half, lat + half],
                [lon - half, lat - half],
            ]
        ],
    }


# Dorchester, Dorset, and the districts around it.
DORCHESTER = (50.7150, -2.4370)

SIMPLE_FORM: dict[str, Any] = {
    "title": "Report a problem",
    "pages": [
        {
            "id": "kind",
            "questions": [
                {
                    "id": "kind",
                    "type": "radios",
                    "label": "What is the problem?",
                    "name": "the problem",
                    "options": [
                        {"value": "small", "label": "Small"},
                        {"value": "large", "label": "Large"},
                    ],
                }
            ],
        },
        {
            "id": "details",
            "questions": [
                {
                    "id": "details",
                    "type": "textarea",
                    "label": "Describe the problem",
                    "required": False,
                }
            ],
        },
    ],
}


@pytest.fixture
def county(db: Any) -> Organisation:
    return organisation_create(
        slug="wessex",
        name="Wessex County Council",
        kind="county",
        reference_prefix="WCC",
        boundary=square(*DORCHESTER, 0.5),
    )


@pytest.fixture
def district(db: Any) -> Organisation:
    return organisation_create(
        slug="casterbridge",
        name="Casterbridge District Council",
        kind="district",
        reference_prefix="CDC",
        boundary=square(*DORCHESTER, 0.1),
    )


@pytest.fixture
def make_team() -> Callable[..., Team]:
    def make(organisation: Organisation, name: str = "") -> Team:
        n = next(_counter)
        return team_create(organisation=organisation, slug=f"team-{n}", name=name or f"Team {n}")

    return make


@pytest.fixture
def make_staff() -> Callable[..., User]:
    def make(team: Team, role: str = "caseworker", email: str = "") -> User:
        user = staff_user_create(
            email=email or f"staff{next(_counter)}@example.org",
            full_name="Sam Officer",
            password="correct horse battery staple",
        )
        staff_membership_add(user=user, team=team, role=role)
        return user

    return make


@pytest.fixture
def make_resident(db: Any) -> Callable[..., User]:
    def make(email: str = "", full_name: str = "Alex Resident") -> User:
        return resident_register(
            email=email or f"resident{next(_counter)}@example.com",
            full_name=full_name,
            password="correct horse battery staple",
        )

    return make


@pytest.fixture
def make_service() -> Callable[..., Service]:
    def make(organisation: Organisation, **overrides: Any) -> Service:
        n = next(_counter)
        fields: dict[str, Any] = {
            "code": f"service-{n}",
            "name": f"Service {n}",
            "summary": "A test service",
            "group": "Tests",
            "kind": "report",
            "form": SIMPLE_FORM,
            "identity": "anonymous",
        }
        fields.update(overrides)
        return service_create(organisation=organisation, **fields)

    return make


@pytest.fixture
def make_property(db: Any) -> Callable[..., Any]:
    def make(
        uprn: str = "", lat: float = DORCHESTER[0], lon: float = DORCHESTER[1], **kw: Any
    ) -> Any:
        prop, _ = property_upsert(
            uprn=uprn or str(100040000000 + next(_counter)),
            paon=kw.pop("paon", "1"),
            street_name=kw.pop("street_name", "High West Street"),
            town="Dorchester",
            postcode=kw.pop("postcode", "DT1 1UZ"),
            latitude=lat,
            longitude=lon,
            **kw,
        )
        return prop

    return make
