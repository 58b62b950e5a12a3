"""A council's waste set-up, built through the real services: the demo's three catalogue
services (missed bin, container, assisted collection), streams, containers, Monday rounds
(rubbish and recycling every 2 weeks in alternate weeks, food every week) and a Friday
rubbish round, and the bank holiday shifts of 2025 to 2027."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from borough.catalogue.models import Service
from borough.catalogue.services import form_publish, service_create
from borough.core.models import Organisation, Team
from borough.core.timetext import LONDON
from borough.demo.services import SERVICES
from borough.places.models import Property
from borough.waste.demo import container_form_with_extra
from borough.waste.models import ContainerType, Round, Stream
from borough.waste.services import (
    collection_shifts_generate,
    container_set,
    container_type_create,
    property_service_set,
    round_create,
    stream_create,
    waste_settings_set,
)

# Monday rounds: rubbish in the weeks of 5 January 2026, recycling in the others.
REFUSE_ANCHOR = date(2026, 1, 5)
RECYCLING_ANCHOR = date(2026, 1, 12)


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


@dataclass
class Waste:
    organisation: Organisation
    team: Team
    crew: Team
    missed: Service
    container: Service
    assisted: Service
    streams: dict[str, Stream]
    types: dict[str, ContainerType]
    rounds: dict[str, Round]
    home: Property
    friday_home: Property
    extra: dict[str, Any] = field(default_factory=dict)

    def add_home(self, make_property: Callable[..., Property], **kw: Any) -> Property:
        prop = make_property(**kw)
        for kind in ("refuse", "recycling", "food"):
            property_service_set(
                prop=prop, stream=self.streams[kind], round_=self.rounds[f"monday-{kind}"]
            )
        return prop


def _service(district: Organisation, team: Team, code: str) -> Service:
    spec = next(spec for spec in SERVICES if spec.code == code)
    return service_create(organisation=district, default_team=team, **spec.service_create_kwargs())


@pytest.fixture
def waste(district, make_team, make_property) -> Waste:
    return waste_build(district, make_team, make_property)


def waste_build(
    district: Organisation,
    make_team: Callable[..., Team],
    make_property: Callable[..., Property],
) -> Waste:
    team = make_team(district, "Waste")
    crew = make_team(district, "Crews")
    missed = _service(district, team, "report-missed-bin")
    container = _service(district, team, "request-container")
    updated = container_form_with_extra(container.current_form.definition)
    assert updated is not None
    form_publish(service=container, definition=updated)
    assisted = _service(district, team, "apply-assisted-collection")

    streams = {
        "refuse": stream_create(
            organisation=district,
            kind="refuse",
            name="Rubbish",
            missed_answer="rubbish",
            position=1,
        ),
        "recycling": stream_create(
            organisation=district,
            kind="recycling",
            name="Recycling",
            missed_answer="recycling",
            position=2,
        ),
        "food": stream_create(
            organisation=district, kind="food", name="Food waste", missed_answer="food", position=3
        ),
    }
    types = {
        "rubbish-bin": container_type_create(
            stream=streams["refuse"],
            code="rubbish-bin",
            name="Rubbish bin",
            request_answer="rubbish_bin",
            fee_pence=2500,
        ),
        "food-caddy": container_type_create(
            stream=streams["food"],
            code="food-caddy",
            name="Food waste caddy",
            request_answer="food_caddy",
            fee_pence=0,
        ),
    }
    rounds = {
        "monday-refuse": round_create(
            organisation=district,
            name="Monday rubbish",
            streams=[streams["refuse"]],
            weekday=0,
            every_weeks=2,
            anchor_date=REFUSE_ANCHOR,
            crew_team=crew,
            vehicle="RCV 01",
        ),
        "monday-recycling": round_create(
            organisation=district,
            name="Monday recycling",
            streams=[streams["recycling"]],
            weekday=0,
            every_weeks=2,
            anchor_date=RECYCLING_ANCHOR,
            crew_team=crew,
        ),
        "monday-food": round_create(
            organisation=district,
            name="Monday food",
            streams=[streams["food"]],
            weekday=0,
            every_weeks=1,
            anchor_date=REFUSE_ANCHOR,
            crew_team=crew,
        ),
        "friday-refuse": round_create(
            organisation=district,
            name="Friday rubbish",
            streams=[streams["refuse"]],
            weekday=4,
            every_weeks=1,
            anchor_date=date(2026, 1, 9),
            crew_team=crew,
        ),
    }
    waste_settings_set(
        organisation=district,
        missed_service=missed,
        container_service=container,
        assisted_service=assisted,
    )
    for year in (2025, 2026, 2027):
        collection_shifts_generate(organisation=district, year=year)
    area = Waste(
        organisation=district,
        team=team,
        crew=crew,
        missed=missed,
        container=container,
        assisted=assisted,
        streams=streams,
        types=types,
        rounds=rounds,
        home=make_property(paon="1", street_name="High West Street", postcode="DT1 1UZ"),
        friday_home=make_property(paon="9", street_name="South Street", postcode="DT1 1DE"),
    )
    for kind in ("refuse", "recycling", "food"):
        property_service_set(prop=area.home, stream=streams[kind], round_=rounds[f"monday-{kind}"])
    container_set(prop=area.home, container_type=types["rubbish-bin"], quantity=1)
    property_service_set(
        prop=area.friday_home, stream=streams["refuse"], round_=rounds["friday-refuse"]
    )
    return area


# -- Bulky waste ------------------------------------------------------------------------------

# (code, name, price in pence, the bulky form's items answer)
BULKY_ITEMS = (
    ("sofa", "Sofa or settee", 1200, "sofa"),
    ("armchair", "Armchair", 800, "armchair"),
    ("mattress", "Mattress", 1000, "mattress"),
    ("fridge", "Fridge or freezer", 1500, "fridge_freezer"),
    ("table", "Table or chairs", 600, "table"),
)


@dataclass
class Bulky:
    waste: Waste
    service: Service
    round: Any
    items: dict[str, Any]


def bulky_build(area: Waste, *, capacity: int = 2) -> Bulky:
    """Bulky waste for the Monday homes: a weekly Monday bulky round taking `capacity`
    bookings a day; £36 covers up to 3 items, each further item costs its own price."""
    from borough.waste.services import bulky_item_create, bulky_round_create

    service = _service(area.organisation, area.team, "book-bulky-waste")
    waste_settings_set(
        organisation=area.organisation,
        bulky_service=service,
        bulky_base_price_pence=3600,
        bulky_base_items=3,
        bulky_max_items=5,
    )
    items = {
        code: bulky_item_create(
            organisation=area.organisation,
            code=code,
            name=name,
            price_pence=price,
            form_answer=answer,
            position=position,
        )
        for position, (code, name, price, answer) in enumerate(BULKY_ITEMS, start=1)
    }
    round_ = bulky_round_create(
        organisation=area.organisation,
        name="Monday bulky",
        weekday=0,
        anchor_date=REFUSE_ANCHOR,
        areas=[area.rounds["monday-refuse"]],
        capacity=capacity,
        crew_team=area.crew,
    )
    return Bulky(waste=area, service=service, round=round_, items=items)


@pytest.fixture
def bulky(waste) -> Bulky:
    return bulky_build(waste)


# -- Garden waste -----------------------------------------------------------------------------


@dataclass
class Garden:
    waste: Waste
    service: Service
    stream: Stream
    bin_type: ContainerType
    round: Round


def garden_build(area: Waste, *, reduced_price_pence: int | None = 2500) -> Garden:
    """Garden waste for the Monday homes: a garden round every 2 weeks on Mondays; £45 a bin
    a year (April to March), £25 a bin from October, up to 3 bins, renewal from 42 days before
    the year ends, a full refund within 14 days of paying."""
    service = _service(area.organisation, area.team, "subscribe-garden-waste")
    stream = stream_create(
        organisation=area.organisation,
        kind="garden",
        name="Garden waste",
        missed_answer="garden",
        position=4,
    )
    bin_type = container_type_create(
        stream=stream, code="garden-bin", name="Garden waste bin", request_answer="garden_bin"
    )
    round_ = round_create(
        organisation=area.organisation,
        name="Monday garden",
        streams=[stream],
        weekday=0,
        every_weeks=2,
        anchor_date=REFUSE_ANCHOR,
        crew_team=area.crew,
    )
    waste_settings_set(
        organisation=area.organisation,
        garden_service=service,
        garden_price_pence=4500,
        garden_reduced_price_pence=reduced_price_pence,
        garden_reduced_after_months=6,
        garden_max_bins=3,
        garden_year_start_month=4,
        garden_renewal_days=42,
        garden_cooling_off_days=14,
    )
    return Garden(waste=area, service=service, stream=stream, bin_type=bin_type, round=round_)


@pytest.fixture
def garden(waste) -> Garden:
    return garden_build(waste)
