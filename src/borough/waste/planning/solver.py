"""The one round-planning solver set-up: a plain problem description in, a plan out.

Everything that plans routes (the waste round planner, `borough rounds solve-cvrp`, the
benchmarks) goes through `plan_solve`, so a figure measured on a published CVRP instance is a
figure for the solver the councils use.

A problem is:

- sites: where vehicles start and finish (the depot) and empty (the tip); indices 0..S-1;
- stops: the places to collect from, each with the amount collected (`demand`, in any whole
  unit: kilograms for waste, the instance's unit for CVRP) and the time spent there;
- vehicle kinds: capacity per trip, how many are available, where they start and finish,
  the sites they may empty at mid-shift (reload trips to the tip), the shift length and a
  fixed cost per vehicle used (which makes the solver use as few vehicles as it can);
- a distance matrix and a duration matrix over sites then stops (whole metres and seconds
  for waste; the instance's rounded distances for CVRP).

The solver is PyVRP's iterated local search with its default parameters, stopped after a
time limit (`MaxRuntime`, counted from the start, building the first solution included),
with a fixed seed. Each stop's amount is a pickup: the load of a trip is what it collected
since the vehicle last emptied. Costs are whole numbers: distance
times 1 plus the fixed cost of each vehicle used.
"""

from __future__ import annotations

import itertools
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pyvrp
from pyvrp import Model
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxRuntime

# Called now and then while solving with (seconds so far, time limit, best cost so far).
Progress = Callable[[float, float, float], None]
# What a time limit counts: elapsed time, or processor time of this process.
Clock = Literal["wall", "cpu"]


@dataclass(frozen=True)
class Site:
    """A depot or a tip. `service_duration` is the time spent there on each reload visit."""

    name: str
    x: float = 0.0
    y: float = 0.0
    service_duration: int = 0


@dataclass(frozen=True)
class Stop:
    name: str
    demand: int
    service_duration: int = 0
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class VehicleKind:
    name: str
    capacity: int
    num_available: int
    start_site: int = 0
    end_site: int = 0
    # Sites where the vehicle can empty and carry on (trips to the tip).
    reload_sites: tuple[int, ...] = ()
    # The longest a shift may last (seconds); None for no limit.
    max_duration: int | None = None
    fixed_cost: int = 0
    max_reloads: int | None = None


@dataclass(frozen=True)
class Problem:
    sites: tuple[Site, ...]
    stops: tuple[Stop, ...]
    vehicles: tuple[VehicleKind, ...]
    # Square integer matrices over the sites then the stops.
    distances: np.ndarray[Any, Any]
    durations: np.ndarray[Any, Any] | None = None

    def __post_init__(self) -> None:
        size = len(self.sites) + len(self.stops)
        if not self.sites:
            raise ValueError("A problem needs at least one site")
        if not self.vehicles:
            raise ValueError("A problem needs at least one kind of vehicle")
        for matrix in (self.distances, self.durations):
            if matrix is not None and matrix.shape != (size, size):
                raise ValueError(f"The matrices must be {size} by {size}")
        for kind in self.vehicles:
            for site in (kind.start_site, kind.end_site, *kind.reload_sites):
                if not 0 <= site < len(self.sites):
                    raise ValueError(f"Vehicle kind {kind.name!r} names an unknown site {site}")

    @property
    def duration_matrix(self) -> np.ndarray[Any, Any]:
        return self.distances if self.durations is None else self.durations

    def location(self, stop: int) -> int:
        """The row of a stop in the matrices."""
        return len(self.sites) + stop


@dataclass(frozen=True)
class TripPlan:
    """From a site, through some stops, to a site (the tip or the end of the shift)."""

    start_site: int
    end_site: int
    stops: tuple[int, ...]
    load: int
    distance: int


@dataclass(frozen=True)
class RoutePlan:
    """One vehicle's shift: one or more trips."""

    vehicle_kind: int
    vehicle: str
    trips: tuple[TripPlan, ...]
    distance: int
    duration: int
    start_time: int
    end_time: int

    @property
    def stops(self) -> list[int]:
        return [stop for trip in self.trips for stop in trip.stops]

    @property
    def load(self) -> int:
        return sum(trip.load for trip in self.trips)

    def to_dict(self) -> dict[str, Any]:
        return {
            "vehicle": self.vehicle,
            "distance": self.distance,
            "duration": self.duration,
            "load": self.load,
            "trips": [
                {
                    "start_site": trip.start_site,
                    "end_site": trip.end_site,
                    "stops": list(trip.stops),
                    "load": trip.load,
                    "distance": trip.distance,
                }
                for trip in self.trips
            ],
        }


@dataclass(frozen=True)
class Plan:
    feasible: bool
    # Distance plus fixed vehicle costs; None when the plan is infeasible.
    cost: int | None
    distance: int
    duration: int
    routes: tuple[RoutePlan, ...]
    # Stops no route visits (only when the plan is infeasible).
    unplanned: tuple[int, ...] = ()
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    iterations: int = 0
    # What is wrong with an infeasible plan, in plain words.
    problems: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "cost": self.cost,
            "distance": self.distance,
            "duration": self.duration,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "iterations": self.iterations,
            "unplanned": list(self.unplanned),
            "problems": list(self.problems),
            "routes": [route.to_dict() for route in self.routes],
        }


class _TimeLimit:
    """Stops `seconds` after it was made (so building the first solution counts too), and
    reports progress about once a second. On the "wall" clock it is PyVRP's `MaxRuntime`;
    on the "cpu" clock it counts the processor time this process gets, so a limit means the
    same work on a busy shared machine as on a quiet one (PyVRP runs on one core)."""

    def __init__(self, seconds: float, progress: Progress | None, clock: Clock) -> None:
        self.seconds = seconds
        self.progress = progress
        self.clock = clock
        # Our clock starts first, so the time reported when PyVRP's says stop is never less
        # than the limit.
        self.started = self.reported = time.perf_counter()
        self.max_runtime = MaxRuntime(seconds)
        self.max_runtime(0)  # starts its clock now
        self.cpu_started = time.process_time()

    def __call__(self, best_cost: float) -> bool:
        if self.clock == "cpu":
            done = time.process_time() - self.cpu_started > self.seconds
        else:
            done = self.max_runtime(int(best_cost))
        now = time.perf_counter()
        if self.progress is not None and (done or now - self.reported >= 1.0):
            self.reported = now
            self.progress(now - self.started, self.seconds, float(best_cost))
        return done


def problem_data(problem: Problem) -> pyvrp.ProblemData:
    """The PyVRP model of a problem (matrices set directly: adding them edge by edge would
    take minutes for a few thousand stops)."""
    model = Model()
    depots = []
    for site in problem.sites:
        location = model.add_location(site.x, site.y, name=site.name)
        depots.append(
            model.add_depot(location, service_duration=site.service_duration, name=site.name)
        )
    for stop in problem.stops:
        location = model.add_location(stop.x, stop.y, name=stop.name)
        model.add_client(
            location,
            pickup=int(stop.demand),
            service_duration=int(stop.service_duration),
            name=stop.name,
        )
    for kind in problem.vehicles:
        extra: dict[str, Any] = {}
        if kind.max_duration is not None:
            extra["shift_duration"] = int(kind.max_duration)
        if kind.max_reloads is not None:
            extra["max_reloads"] = int(kind.max_reloads)
        model.add_vehicle_type(
            num_available=int(kind.num_available),
            capacity=int(kind.capacity),
            start_depot=depots[kind.start_site],
            end_depot=depots[kind.end_site],
            fixed_cost=int(kind.fixed_cost),
            reload_depots=[depots[site] for site in kind.reload_sites],
            name=kind.name,
            **extra,
        )
    # (PyVRP's type stubs spell its matrices differently from numpy's.)
    distances: Any = np.asarray(problem.distances, dtype=np.int64)
    durations: Any = np.asarray(problem.duration_matrix, dtype=np.int64)
    return model.data().replace(distance_matrices=[distances], duration_matrices=[durations])


def plan_solve(
    *,
    problem: Problem,
    seconds: float,
    seed: int = 0,
    progress: Progress | None = None,
    initial_routes: Sequence[Sequence[Sequence[int]]] | None = None,
    initial_vehicle_kind: int = 0,
    clock: Clock = "wall",
) -> Plan:
    """Solve `problem` for about `seconds` (one core) and return the best plan found.

    `initial_routes` (as for `plan_evaluate`) warm-start the search: the plan is then never
    worse than they are."""
    if not problem.stops:
        return Plan(feasible=True, cost=0, distance=0, duration=0, routes=())
    started, cpu_started = time.perf_counter(), time.process_time()
    stop = _TimeLimit(seconds, progress, clock)
    data = problem_data(problem)
    initial = None
    if initial_routes is not None:
        initial = _solution(problem, data, initial_routes, initial_vehicle_kind)
    with warnings.catch_warnings():
        # PyVRP warns when it struggles to find a feasible plan; the plan says so itself.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pyvrp.solve(
            data,
            stop=stop,
            seed=seed,
            collect_stats=False,
            display=False,
            initial_solution=initial,
        )
    plan = _plan(problem, data, result.best)
    return replace(
        plan,
        seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu_started,
        iterations=result.num_iterations,
    )


def plan_evaluate(
    *, problem: Problem, routes: Sequence[Sequence[Sequence[int]]], vehicle_kind: int = 0
) -> Plan:
    """The plan made of given routes, costed exactly as the solver costs its own. A route is
    a list of trips, a trip a list of stop indices; between two trips the vehicle empties at
    its first reload site."""
    data = problem_data(problem)
    return _plan(problem, data, _solution(problem, data, routes, vehicle_kind))


def _solution(
    problem: Problem,
    data: pyvrp.ProblemData,
    routes: Sequence[Sequence[Sequence[int]]],
    vehicle_kind: int,
) -> pyvrp.Solution:
    kind = problem.vehicles[vehicle_kind]
    pyvrp_routes = []
    for trips in routes:
        activities = []
        for number, trip in enumerate(trips):
            if number:
                if not kind.reload_sites:
                    raise ValueError(f"Vehicle kind {kind.name!r} has no reload site")
                activities.append(pyvrp.Activity(pyvrp.ActivityType.DEPOT, kind.reload_sites[0]))
            activities += [pyvrp.Activity(pyvrp.ActivityType.CLIENT, int(stop)) for stop in trip]
        pyvrp_routes.append(pyvrp.Route(data, activities, vehicle_kind))
    return pyvrp.Solution(data, pyvrp_routes)


def _plan(problem: Problem, data: pyvrp.ProblemData, solution: pyvrp.Solution) -> Plan:
    num_sites = len(problem.sites)
    distances = problem.distances
    routes = []
    for route in solution.routes():
        trips: list[TripPlan] = []
        start_site = route.start_depot()
        visits: list[int] = []
        for activity in list(route)[1:]:
            if activity.is_client():
                visits.append(activity.idx)
                continue
            # A depot: the end of a trip (a reload at the tip, or the end of the shift).
            path = [start_site, *(num_sites + stop for stop in visits), activity.idx]
            trips.append(
                TripPlan(
                    start_site=start_site,
                    end_site=activity.idx,
                    stops=tuple(visits),
                    load=sum(problem.stops[stop].demand for stop in visits),
                    distance=int(sum(distances[a, b] for a, b in itertools.pairwise(path))),
                )
            )
            start_site, visits = activity.idx, []
        kind = route.vehicle_type()
        routes.append(
            RoutePlan(
                vehicle_kind=kind,
                vehicle=problem.vehicles[kind].name,
                trips=tuple(trips),
                distance=int(route.distance()),
                duration=int(route.duration()),
                start_time=int(route.start_time()),
                end_time=int(route.end_time()),
            )
        )
    planned = {stop for route in routes for stop in route.stops}
    unplanned = tuple(stop for stop in range(len(problem.stops)) if stop not in planned)
    problems = []
    if unplanned:
        problems.append(f"{len(unplanned)} stops are not on any route")
    if solution.has_excess_load():
        problems.append("A trip carries more than its vehicle's capacity")
    if solution.has_time_warp():
        problems.append("A shift lasts longer than its vehicle's shift length")
    if len(planned) != sum(len(route.stops) for route in routes):
        problems.append("A stop is visited twice")
    feasible = solution.is_feasible() and not problems
    cost = None
    if feasible:
        cost = int(solution.distance_cost() + solution.fixed_vehicle_cost())
    return Plan(
        feasible=feasible,
        cost=cost,
        distance=int(solution.distance()),
        duration=int(solution.duration()),
        routes=tuple(routes),
        unplanned=unplanned,
        problems=tuple(problems),
    )
