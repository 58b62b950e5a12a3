"""Rounds planned over a gazetteer: collection points, capacity, reloads and shift length,
the naive current rounds, and properties read from the database."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from borough.waste.planning.demo_area import (
    FleetKind,
    Premises,
    RoundSettings,
    baseline_routes,
    collection_points,
    haversine_matrix,
    premises_from_gazetteer,
    premises_generated,
    rounds_plan,
    rounds_problem,
)

CENTRE = (50.7150, -2.4370)


def street(name: str, ward: str, count: int, lat: float, lon: float) -> list[Premises]:
    """`count` houses 20 m apart going east, numbered 1, 2, ..."""
    step = 20 / (111_320 * math.cos(math.radians(lat)))
    return [
        Premises(
            uprn=f"{abs(hash((name, number))) % 10**11}",
            latitude=lat,
            longitude=lon + number * step,
            ward=ward,
            street=name,
            paon=str(number),
        )
        for number in range(1, count + 1)
    ]


def test_haversine_matches_a_known_distance() -> None:
    # One minute of latitude is one nautical mile (1852 m) to within half a per cent.
    distances = haversine_matrix([(50.0, -2.0), (50.0 + 1 / 60, -2.0)])

    assert distances[0, 0] == 0
    assert distances[0, 1] == pytest.approx(1852, rel=0.005)
    assert np.allclose(distances, distances.T)


def test_collection_points_group_neighbours_on_one_street_only() -> None:
    settings = RoundSettings(points_max_properties=4, points_max_span_m=70)
    premises = [
        *street("Acland Road", "North", 6, *CENTRE),
        *street("Bridport Road", "North", 2, CENTRE[0] + 0.001, CENTRE[1]),
    ]

    points = collection_points(premises, settings)

    groups = [[premises[i].paon for i in point.members] for point in points]
    streets = [{premises[i].street for i in point.members} for point in points]
    # A span of 70 m holds four houses 20 m apart (60 m); the street's last two make a
    # point of their own; another street never joins.
    assert groups == [["1", "2", "3", "4"], ["5", "6"], ["1", "2"]]
    assert streets == [{"Acland Road"}, {"Acland Road"}, {"Bridport Road"}]
    assert points[0].inner_distance_m == pytest.approx(60 * settings.road_factor, abs=2)
    assert sorted(i for point in points for i in point.members) == list(range(8))


def test_the_problem_carries_demand_service_time_and_the_shift_less_the_last_leg() -> None:
    settings = RoundSettings(points_max_properties=3, kg_per_property=20, service_seconds=30)
    points = collection_points(street("Acland Road", "North", 3, *CENTRE), settings)

    problem = rounds_problem(points, settings)

    [stop] = problem.stops
    assert stop.demand == 60
    assert stop.service_duration == 90 + points[0].inner_seconds
    last_leg = settings.tip_minutes * 60 + int(problem.duration_matrix[1, 0])
    assert all(kind.max_duration == settings.shift_seconds - last_leg for kind in problem.vehicles)
    assert [(kind.name, kind.capacity, kind.num_available) for kind in problem.vehicles] == [
        ("26t RCV", 10_000, 20),
        ("7.5t narrow access", 3_000, 10),
    ]
    assert all(kind.reload_sites == (1,) and kind.end_site == 1 for kind in problem.vehicles)
    # Distances are the road factor times the straight line, in metres.
    straight = haversine_matrix([settings.depot, settings.tip])[0, 1]
    assert problem.distances[0, 1] == round(straight * settings.road_factor)


def small_area() -> list[Premises]:
    # Two wards whose streets sit on opposite sides of the depot, listed so that ward order
    # sends the naive rounds back and forth across town.
    return [
        *street("Acland Road", "A North", 30, CENTRE[0] + 0.010, CENTRE[1] - 0.03),
        *street("Bridport Road", "A North", 30, CENTRE[0] - 0.010, CENTRE[1] + 0.03),
        *street("Church Street", "B South", 30, CENTRE[0] + 0.012, CENTRE[1] - 0.03),
        *street("Damer Road", "B South", 30, CENTRE[0] - 0.012, CENTRE[1] + 0.03),
    ]


def small_settings(**changes: Any) -> RoundSettings:
    # 120 houses of 20 kg with 1 t vehicles: at least three loads, so reloads at the tip.
    fields: dict[str, Any] = {
        "fleet": (
            FleetKind(name="Big", payload_kg=1_000, crews_per_day=1, round_cost=50_000),
            FleetKind(name="Small", payload_kg=400, crews_per_day=1, round_cost=40_000),
        ),
        "kg_per_property": 20,
        "service_seconds": 60,
        "shift_hours": 3.0,
        "tip_minutes": 10,
        "days_per_cycle": 3,
        "points_max_properties": 5,
    }
    fields.update(changes)
    return RoundSettings(**fields)


def test_planned_rounds_collect_everything_within_capacity_and_shift() -> None:
    premises = small_area()
    settings = small_settings()

    plan = rounds_plan(premises=premises, settings=settings, seconds=1.0)

    assert plan.feasible and plan.problems == []
    assert plan.properties == 120
    assert sum(summary.properties for summary in plan.rounds) == 120
    payload = {kind.name: kind.payload_kg for kind in settings.fleet}
    for summary in plan.rounds:
        assert all(load <= payload[summary.vehicle] for load in summary.trip_loads_kg)
        assert summary.load_kg == sum(summary.trip_loads_kg) == summary.properties * 20
        assert summary.duration_s <= settings.shift_seconds
        assert summary.path[0] == list(settings.depot) == summary.path[-1]
        assert summary.path[-2] == list(settings.tip)
    assert sum(summary.trips for summary in plan.rounds) >= 3
    assert any(summary.trips > 1 for summary in plan.rounds)
    assert sum(s.vehicle == "Big" for s in plan.rounds) <= 3
    assert sum(s.vehicle == "Small" for s in plan.rounds) <= 3
    assert plan.distance_m == sum(summary.distance_m for summary in plan.rounds)
    # The naive rounds criss-cross town; the plan starts from them and does better.
    assert plan.baseline_rounds >= 1
    assert plan.distance_m < plan.baseline_distance_m
    assert plan.saving_distance_percent is not None and plan.saving_distance_percent > 0


def test_the_current_rounds_are_the_councils_own_when_the_premises_name_them() -> None:
    # The council's two rounds split every street by odd and even numbers, so both cross
    # town; the planner's rounds are shorter.
    premises = [
        replace(one, current_round="Tuesday B" if int(one.paon) % 2 else "Tuesday A")
        for one in small_area()
    ]
    settings = small_settings()

    points = collection_points(premises, settings)
    plan = rounds_plan(premises=premises, settings=settings, seconds=1.0)

    # A collection point never takes houses from two rounds.
    assert all(len({premises[i].current_round for i in point.members}) == 1 for point in points)
    assert plan.baseline_source == "rounds"
    assert [row.name for row in plan.baseline_details] == ["Tuesday A", "Tuesday B"]
    assert [row.properties for row in plan.baseline_details] == [60, 60]
    # 60 houses of 20 kg on a 1 t vehicle: two trips each, within the 3-hour shift.
    assert [row.trips for row in plan.baseline_details] == [2, 2]
    assert not any(row.over_shift for row in plan.baseline_details)
    assert plan.baseline_rounds == 2
    assert plan.baseline_distance_m == sum(row.distance_m for row in plan.baseline_details)
    assert plan.to_dict()["current"]["source"] == "rounds"
    assert plan.feasible
    assert plan.distance_m < plan.baseline_distance_m


def test_rounds_are_modelled_when_no_premises_name_one() -> None:
    plan = rounds_plan(premises=small_area(), settings=small_settings(), seconds=0.3)

    assert plan.baseline_source == "model" and plan.baseline_details == []


def test_the_plan_as_json_and_geojson() -> None:
    plan = rounds_plan(premises=small_area(), settings=small_settings(), seconds=0.5)

    summary = plan.to_dict()
    geojson = plan.to_geojson()

    assert summary["total"]["rounds"] == len(plan.rounds)
    assert summary["current"]["rounds"] == plan.baseline_rounds
    assert summary["saving_percent"]["distance"] == plan.saving_distance_percent
    assert set(summary["rounds"][0]) >= {"name", "vehicle", "load_kg", "distance_m", "path"}
    assert geojson["type"] == "FeatureCollection"
    assert len(geojson["features"]) == len(plan.rounds)
    first = geojson["features"][0]
    assert first["geometry"]["type"] == "LineString"
    # GeoJSON is longitude first.
    assert first["geometry"]["coordinates"][0] == [
        plan.rounds[0].path[0][1],
        plan.rounds[0].path[0][0],
    ]


def test_naive_rounds_follow_ward_and_street_order_and_respect_the_limits() -> None:
    settings = small_settings()
    premises = small_area()
    points = collection_points(premises, settings)
    problem = rounds_problem(points, settings)

    routes = baseline_routes(problem, 0)

    flat = [stop for route in routes for trip in route for stop in trip]
    assert flat == list(range(len(points)))
    big = problem.vehicles[0]
    for route in routes:
        assert all(sum(problem.stops[s].demand for s in trip) <= big.capacity for trip in route)
    wards = [premises[points[stop].members[0]].ward for stop in flat]
    assert wards == sorted(wards)


def test_a_property_too_far_for_a_shift_makes_the_plan_infeasible() -> None:
    far = Premises(uprn="100", latitude=CENTRE[0] + 1.0, longitude=CENTRE[1], street="Far Lane")

    plan = rounds_plan(premises=[far], settings=small_settings(), seconds=0.3)

    assert not plan.feasible
    assert plan.problems


def test_generated_demo_area_needs_no_database() -> None:
    premises = premises_generated(properties=300)

    assert 250 <= len(premises) <= 300
    assert all(p.ward and p.street for p in premises)


@pytest.mark.django_db
def test_premises_come_from_residential_properties_in_the_gazetteer(
    make_property: Callable[..., Any], district: Any
) -> None:
    home = make_property(paon="3", street_name="Acland Road")
    make_property(paon="4", street_name="Acland Road", classification="commercial")

    premises = premises_from_gazetteer()

    assert [p.uprn for p in premises] == [home.uprn]
    assert premises[0].street == "Acland Road"
    assert premises[0].paon == "3"
    assert (premises[0].latitude, premises[0].longitude) == (home.latitude, home.longitude)
    assert premises[0].ward == (home.ward.name if home.ward else "")
