"""`borough rounds solve-cvrp` and `borough rounds plan-demo`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from borough.core.services import organisation_create
from borough.places.models import AreaKind
from borough.places.services import area_create
from borough.waste.planning.demo_area import FleetKind
from borough.waste.planning.planner_settings import (
    StreamLoad,
    planner_settings_get,
    planner_settings_save,
)
from tests.conftest import DORCHESTER, square

# Four customers at the corners of a square around the depot, demand 1 each, capacity 2:
# the best is two routes, each to two neighbouring corners and back (10 + 10 + 10 twice = 60;
# rounded Euclidean distances: depot to a corner sqrt(50) = 7.07 -> 7, corner to corner 10).
TINY_VRP = """NAME : tiny-n5-k2
COMMENT : made up for a test
TYPE : CVRP
DIMENSION : 5
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 2
NODE_COORD_SECTION
1 0 0
2 -5 -5
3 5 -5
4 5 5
5 -5 5
DEMAND_SECTION
1 0
2 1
3 1
4 1
5 1
DEPOT_SECTION
1
-1
EOF
"""
TINY_SOL = """Route #1: 1 2
Route #2: 3 4
Cost 48
"""


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("rounds", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_solve_cvrp_prints_cost_routes_gap_and_time(tmp_path: Path) -> None:
    (tmp_path / "tiny.vrp").write_text(TINY_VRP)
    (tmp_path / "tiny.sol").write_text(TINY_SOL)

    result = run("solve-cvrp", str(tmp_path / "tiny.vrp"), "--seconds", "0.3", "--seed", "3")

    assert set(result) >= {
        "instance",
        "cost",
        "best_known",
        "gap_percent",
        "routes",
        "seconds",
        "feasible",
    }
    assert result["instance"] == "tiny-n5-k2"
    assert result["feasible"] is True
    # 7 + 10 + 7 for each of the two routes.
    assert result["cost"] == 48
    assert result["best_known"] == 48
    assert result["gap_percent"] == 0.0
    assert sorted(c for route in result["routes"] for c in route) == [1, 2, 3, 4]
    assert all(len(route) == 2 for route in result["routes"])
    assert 0.3 <= result["seconds"] < 30


def test_solve_cvrp_without_a_solution_file_has_no_gap(tmp_path: Path) -> None:
    (tmp_path / "tiny.vrp").write_text(TINY_VRP)

    result = run("solve-cvrp", str(tmp_path / "tiny.vrp"), "--seconds", "0.2")

    assert result["cost"] == 48
    assert result["best_known"] is None
    assert result["gap_percent"] is None


def test_solve_cvrp_with_a_cpu_clock(tmp_path: Path) -> None:
    (tmp_path / "tiny.vrp").write_text(TINY_VRP)

    result = run("solve-cvrp", str(tmp_path / "tiny.vrp"), "--seconds", "0.2", "--clock", "cpu")

    assert result["cost"] == 48
    assert result["cpu_seconds"] >= 0.2


def test_solve_cvrp_refuses_a_missing_file_and_a_zero_time_limit(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no file"):
        run("solve-cvrp", str(tmp_path / "missing.vrp"))
    (tmp_path / "tiny.vrp").write_text(TINY_VRP)
    with pytest.raises(CommandError, match="more than 0 seconds"):
        run("solve-cvrp", str(tmp_path / "tiny.vrp"), "--seconds", "0")


def test_solve_cvrp_refuses_a_file_that_is_not_an_instance(tmp_path: Path) -> None:
    (tmp_path / "bad.vrp").write_text("NAME : bad\nTYPE : CVRP\n")

    with pytest.raises(CommandError, match="is not a CVRPLIB instance"):
        run("solve-cvrp", str(tmp_path / "bad.vrp"), "--seconds", "0.1")


@pytest.mark.django_db
def test_plan_demo_plans_the_gazetteer(make_property: Callable[..., Any], tmp_path: Path) -> None:
    for number in range(1, 6):
        make_property(paon=str(number), lon=-2.4370 + number * 0.0003)

    geojson = tmp_path / "rounds.geojson"
    result = run("plan-demo", "--seconds", "0.3", "--geojson", str(geojson))

    assert result["properties"] == 5
    assert result["feasible"] is True
    assert result["total"]["rounds"] == len(result["rounds"]) == 1
    assert result["rounds"][0]["properties"] == 5
    assert result["current"]["rounds"] == 1
    assert set(result["saving_percent"]) == {"distance", "hours", "rounds"}
    features = json.loads(geojson.read_text())["features"]
    assert len(features) == 1
    assert features[0]["properties"]["properties"] == 5


@pytest.mark.django_db
def test_plan_demo_with_no_properties_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="run `borough demo`, or use --generated"):
        run("plan-demo", "--seconds", "0.2")


@pytest.mark.django_db
def test_plan_demo_for_an_unknown_organisation() -> None:
    with pytest.raises(CommandError, match="There is no organisation 'nowhere'"):
        run("plan-demo", "--seconds", "0.2", "--organisation", "nowhere")


@pytest.mark.django_db
def test_plan_demo_for_a_council_uses_its_planner_settings(
    make_property: Callable[..., Any], make_staff: Callable[..., Any], make_team: Any
) -> None:
    council = organisation_create(
        slug="westshire", name="Westshire District Council", kind="district", reference_prefix="WS"
    )
    area_create(
        kind=AreaKind.WARD, name="Castle", boundary=square(*DORCHESTER, 0.01), organisation=council
    )
    # 200 m apart: each home its own stop.
    for number in range(1, 7):
        make_property(paon=str(number), lon=DORCHESTER[1] - 0.009 + number * 0.003)
    defaults = run("plan-demo", "--seconds", "0.3", "--organisation", "westshire")
    assert defaults["properties"] == 6
    assert defaults["rounds"][0]["trips"] == 1

    # A small van and heavy bins: two homes a load, so three trips to the tip.
    planner = planner_settings_get(organisation=council)
    van = FleetKind(name="Van", payload_kg=100, crews_per_day=1, round_cost=300_000)
    planner = replace(
        planner,
        base=replace(planner.base, depot=(50.70, -2.44), fleet=(van,)),
        streams={"refuse": StreamLoad(kg_per_property=50, days_per_cycle=10)},
    )
    planner_settings_save(
        organisation=council, planner=planner, actor=make_staff(make_team(council, "Waste"))
    )
    result = run("plan-demo", "--seconds", "0.3", "--organisation", "westshire")

    assert result["feasible"] is True
    assert [summary["vehicle"] for summary in result["rounds"]] == ["Van"]
    assert result["rounds"][0]["trips"] == 3
    assert result["rounds"][0]["path"][0] == [50.70, -2.44]
