"""The round planner's solver set-up: feasibility on small hand-built problems, and the
published CVRP instances costed exactly as CVRPLIB costs them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from borough.waste.planning.cvrp import cvrp_evaluate, cvrp_read
from borough.waste.planning.solver import (
    Plan,
    Problem,
    Site,
    Stop,
    VehicleKind,
    plan_evaluate,
    plan_solve,
)

# X-n101-k25 (Uchoa et al. 2017) and its best known solution, from the PyVRP/Instances
# repository (MIT licence), as in ../shared/benchmarks/cvrp/.
CVRP_DIR = Path(__file__).resolve().parent / "planning_data"
SECONDS = 0.5


def line_problem(
    *,
    positions: list[int],
    demands: list[int],
    vehicles: tuple[VehicleKind, ...],
    service: int = 0,
    tip_at: int = 0,
    tip_seconds: int = 0,
) -> Problem:
    """Sites and stops on a line: site 0 (the depot) at 0, site 1 (the tip) at `tip_at`;
    distances and durations are the gaps between positions."""
    xs = np.array([0, tip_at, *positions])
    matrix = np.abs(np.subtract.outer(xs, xs)).astype(np.int64)
    return Problem(
        sites=(Site(name="Depot"), Site(name="Tip", service_duration=tip_seconds)),
        stops=tuple(
            Stop(name=f"s{i}", demand=d, service_duration=service) for i, d in enumerate(demands)
        ),
        vehicles=vehicles,
        distances=matrix,
    )


def visited(plan: Plan) -> list[int]:
    return sorted(stop for route in plan.routes for stop in route.stops)


def test_reload_trips_keep_every_trip_within_capacity() -> None:
    # 6 stops of 4 with a capacity of 8: one vehicle must empty at the tip twice.
    problem = line_problem(
        positions=[10, 11, 12, 13, 14, 15],
        demands=[4] * 6,
        tip_at=5,
        vehicles=(
            VehicleKind(name="RCV", capacity=8, num_available=1, end_site=1, reload_sites=(1,)),
        ),
    )

    plan = plan_solve(problem=problem, seconds=SECONDS)

    assert plan.feasible and plan.problems == ()
    assert visited(plan) == [0, 1, 2, 3, 4, 5]
    [route] = plan.routes
    assert len(route.trips) == 3
    assert [trip.load for trip in route.trips] == [8, 8, 8]
    assert all(trip.end_site == 1 for trip in route.trips)
    assert route.trips[0].start_site == 0
    assert all(trip.start_site == 1 for trip in route.trips[1:])
    assert route.load == 24
    assert sum(trip.distance for trip in route.trips) == route.distance
    assert plan.cost == route.distance


def test_without_a_tip_more_than_one_load_is_infeasible() -> None:
    problem = line_problem(
        positions=[10, 11, 12],
        demands=[4, 4, 4],
        vehicles=(VehicleKind(name="RCV", capacity=8, num_available=1),),
    )

    plan = plan_solve(problem=problem, seconds=SECONDS)

    assert not plan.feasible
    assert plan.cost is None
    assert "A trip carries more than its vehicle's capacity" in plan.problems


def test_a_stop_bigger_than_any_vehicle_is_infeasible_even_with_reloads() -> None:
    problem = line_problem(
        positions=[10, 20],
        demands=[3, 9],
        tip_at=5,
        vehicles=(
            VehicleKind(name="RCV", capacity=8, num_available=2, end_site=1, reload_sites=(1,)),
        ),
    )

    plan = plan_solve(problem=problem, seconds=SECONDS)

    assert not plan.feasible
    assert plan.cost is None


def test_shift_length_splits_the_work_between_vehicles() -> None:
    # Each stop takes 100 s; a shift of 450 s cannot do all six (600 s of service alone).
    problem = line_problem(
        positions=[10, 11, 12, 13, 14, 15],
        demands=[1] * 6,
        service=100,
        vehicles=(VehicleKind(name="RCV", capacity=100, num_available=3, max_duration=450),),
    )

    plan = plan_solve(problem=problem, seconds=SECONDS)

    assert plan.feasible
    assert visited(plan) == [0, 1, 2, 3, 4, 5]
    assert len(plan.routes) >= 2
    assert all(route.duration <= 450 for route in plan.routes)
    assert all(route.end_time - route.start_time <= 450 for route in plan.routes)


def test_a_shift_too_short_for_the_fleet_is_infeasible() -> None:
    problem = line_problem(
        positions=[10, 11, 12, 13, 14, 15],
        demands=[1] * 6,
        service=100,
        vehicles=(VehicleKind(name="RCV", capacity=100, num_available=1, max_duration=450),),
    )

    plan = plan_solve(problem=problem, seconds=SECONDS)

    assert not plan.feasible
    assert "A shift lasts longer than its vehicle's shift length" in plan.problems


def test_reload_time_at_the_tip_counts_towards_the_shift() -> None:
    # Two loads need one reload of 300 s: 2 x 10 s of service + 300 s + driving fits 400 s
    # with the tip next to the stops, but not a 200 s shift.
    def problem(max_duration: int) -> Problem:
        return line_problem(
            positions=[10, 10],
            demands=[5, 5],
            service=10,
            tip_at=10,
            tip_seconds=300,
            vehicles=(
                VehicleKind(
                    name="RCV",
                    capacity=5,
                    num_available=1,
                    end_site=1,
                    reload_sites=(1,),
                    max_duration=max_duration,
                ),
            ),
        )

    enough = plan_solve(problem=problem(400), seconds=SECONDS)
    short = plan_solve(problem=problem(200), seconds=SECONDS)

    assert enough.feasible
    assert enough.routes[0].duration == 10 + 10 + 300 + 10
    assert not short.feasible


def test_fleet_mix_uses_the_big_vehicle_only_where_it_is_needed() -> None:
    small = VehicleKind(name="small", capacity=5, num_available=2, fixed_cost=100)
    big = VehicleKind(name="big", capacity=16, num_available=1, fixed_cost=1000)
    # The stop of 15 only fits the big vehicle, which cannot take everything; the stops of 4
    # and 1, far the other way, fit one small vehicle.
    problem = line_problem(
        positions=[50, -50, -51],
        demands=[15, 4, 1],
        vehicles=(small, big),
    )

    plan = plan_solve(problem=problem, seconds=SECONDS)

    assert plan.feasible
    by_kind = {route.vehicle: route for route in plan.routes}
    assert set(by_kind) == {"small", "big"}
    assert by_kind["big"].stops == [0]
    assert sorted(by_kind["small"].stops) == [1, 2]
    assert by_kind["small"].load <= 5
    assert plan.cost == plan.distance + 100 + 1000


def test_fleet_limits_are_respected() -> None:
    small = VehicleKind(name="small", capacity=5, num_available=1)
    big = VehicleKind(name="big", capacity=10, num_available=1)
    # 15 in all: exactly one small and one big vehicle, nothing to spare.
    problem = line_problem(positions=[10, 20, 30], demands=[5, 5, 5], vehicles=(small, big))

    plan = plan_solve(problem=problem, seconds=SECONDS)

    assert plan.feasible
    assert sorted(route.vehicle for route in plan.routes) == ["big", "small"]
    assert all(route.load <= {"small": 5, "big": 10}[route.vehicle] for route in plan.routes)


def test_progress_is_reported_until_the_time_limit() -> None:
    calls: list[tuple[float, float, float]] = []
    problem = line_problem(
        positions=[10, 20],
        demands=[1, 1],
        vehicles=(VehicleKind(name="RCV", capacity=5, num_available=1),),
    )

    plan = plan_solve(problem=problem, seconds=0.2, progress=lambda *args: calls.append(args))

    assert plan.feasible
    assert calls
    elapsed, limit, best = calls[-1]
    assert limit == 0.2
    assert elapsed >= 0.2
    assert best == plan.cost == 40


def test_an_empty_problem_needs_no_routes() -> None:
    problem = Problem(
        sites=(Site(name="Depot"),),
        stops=(),
        vehicles=(VehicleKind(name="RCV", capacity=5, num_available=1),),
        distances=np.zeros((1, 1), dtype=np.int64),
    )

    plan = plan_solve(problem=problem, seconds=SECONDS)

    assert plan.feasible and plan.routes == () and plan.cost == 0


def test_problem_checks_its_matrices_and_sites() -> None:
    with pytest.raises(ValueError, match="2 by 2"):
        Problem(
            sites=(Site(name="Depot"),),
            stops=(Stop(name="a", demand=1),),
            vehicles=(VehicleKind(name="RCV", capacity=5, num_available=1),),
            distances=np.zeros((3, 3), dtype=np.int64),
        )
    with pytest.raises(ValueError, match="unknown site 4"):
        Problem(
            sites=(Site(name="Depot"),),
            stops=(),
            vehicles=(VehicleKind(name="RCV", capacity=5, num_available=1, reload_sites=(4,)),),
            distances=np.zeros((1, 1), dtype=np.int64),
        )


def test_evaluating_given_routes_costs_their_trips() -> None:
    problem = line_problem(
        positions=[10, 20],
        demands=[5, 5],
        tip_at=15,
        vehicles=(
            VehicleKind(name="RCV", capacity=5, num_available=1, end_site=1, reload_sites=(1,)),
        ),
    )

    plan = plan_evaluate(problem=problem, routes=[[[0], [1]]])

    assert plan.feasible
    [route] = plan.routes
    # 0 -> 10 -> tip at 15, then 15 -> 20 -> 15.
    assert [trip.distance for trip in route.trips] == [15, 10]
    assert plan.cost == 25


def test_the_best_known_solution_of_x_n101_k25_costs_what_cvrplib_says() -> None:
    instance = cvrp_read(CVRP_DIR / "X-n101-k25.vrp")

    plan = cvrp_evaluate(instance)

    assert instance.best_known == 27591
    assert len(instance.problem.stops) == 100
    assert instance.problem.vehicles[0].capacity == 206
    assert plan.feasible
    assert plan.cost == 27591
    assert len(plan.routes) == 26


def test_cvrp_routes_over_capacity_are_infeasible() -> None:
    instance = cvrp_read(CVRP_DIR / "X-n101-k25.vrp")
    assert instance.best_known_routes is not None
    routes = [list(route) for route in instance.best_known_routes]
    merged = [routes[0] + routes[1], *routes[2:]]

    plan = cvrp_evaluate(instance, merged)

    assert not plan.feasible
    assert plan.cost is None
