"""Plan the rounds of one waste stream over a gazetteer, and compare them with naive rounds.

The problem (all figures are `RoundSettings`, with the defaults below):

- every residential property has one bin of `kg_per_property` kilograms, emptied in
  `service_seconds`;
- neighbouring properties on the same street (in house-number order, up to
  `points_max_properties` of them within `points_max_span_m`) make one collection point, a
  stop for the solver: the crew works along them without a routing decision to make. The
  drive along a point is added to its service time and to the distance of the round that
  collects it. This keeps a few thousand properties to a few hundred stops, which the solver
  handles well in a minute;
- the vehicles leave the depot, collect, empty at the tip whenever they are full (a reload
  trip, `tip_minutes` at the tip), and end the shift by emptying at the tip and driving back
  to the depot; the whole shift, including that last leg, fits in `shift_hours`;
- the fleet is a mix of vehicle kinds, each with its payload, how many crews of it work each
  day, and a fixed cost per round (a crew and vehicle for a day), so the solver uses as few
  rounds as it can; over `days_per_cycle` working days every property is collected once
  (the default is a fortnightly rubbish collection: 18 kg a bin, 10 working days);
- the cost unit is £1 per kilometre driven (0.1p per metre); a round's fixed cost is in the
  same unit.

There is no road network offline, so distances are great-circle (haversine) distances times
`road_factor` (1.3: roads in a small English town are about a third longer than a straight
line), in whole metres; driving times are those distances at `speed_kmh` (an average for a
refuse vehicle in town, stops and junctions included).

The "current rounds" to compare against are the council's own rounds when the premises say
which round collects them (`Premises.current_round`, from the `Round` of each property's
`PropertyService`): each round's collection points (which never mix two rounds) are put in
the shortest visiting order the solver finds for that round alone in a moment (a travelling
salesman problem with trips to the tip when the vehicle is full), with the largest vehicle and
no shift limit, so a round that runs over the shift is costed as it is and flagged. Each
recorded round is one round of the cycle.

Only when no premises name a round are the current rounds modelled, as a council's rounds
grow without a planner: properties in ward order, then street by street (by street name,
then house number), each round taking the next collection points in that order with the
largest vehicle, emptying at the tip when full and closing when the shift would run over.

The planner starts its search from the current rounds when the fleet can work them within
the shift (else from the modelled ones, when it can), so its plan is then never worse than
them. Their distance and time are costed with the same matrices, so the saving is like for
like.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from borough.waste.planning.solver import (
    Clock,
    Plan,
    Problem,
    Progress,
    RoutePlan,
    Site,
    Stop,
    VehicleKind,
    plan_evaluate,
    plan_solve,
)

EARTH_RADIUS_M = 6_371_000.0
# The planner's unit of cost is 0.1p; a metre driven costs one (£1 a kilometre).
COST_UNITS_PER_POUND = 1000
COST_PER_METRE = 1


def cost_pence(units: int) -> int:
    """A cost in the planner's unit, in whole pence."""
    return units * 100 // COST_UNITS_PER_POUND


@dataclass(frozen=True)
class Premises:
    """A property to collect from."""

    uprn: str
    latitude: float
    longitude: float
    ward: str = ""
    street: str = ""
    paon: str = ""
    saon: str = ""
    # The council's round that collects it now (its name), if known.
    current_round: str = ""


# Where the "current rounds" compared against come from.
CURRENT_FROM_ROUNDS = "rounds"
CURRENT_FROM_MODEL = "model"


@dataclass(frozen=True)
class CurrentRound:
    """One of the council's current rounds, in the visiting order the planner found."""

    name: str
    properties: int
    trips: int
    load_kg: int
    distance_m: int
    duration_s: int
    # Whether it runs longer than the shift.
    over_shift: bool


@dataclass(frozen=True)
class FleetKind:
    name: str
    payload_kg: int
    crews_per_day: int
    # A crew and vehicle for a day, in the cost unit (£1 = 1000).
    round_cost: int


# A 26 tonne refuse collection vehicle and a 7.5 tonne narrow-access one (made-up figures of
# the right size).
DEFAULT_FLEET = (
    FleetKind(name="26t RCV", payload_kg=10_000, crews_per_day=2, round_cost=550_000),
    FleetKind(name="7.5t narrow access", payload_kg=3_000, crews_per_day=1, round_cost=450_000),
)


@dataclass(frozen=True)
class RoundSettings:
    # Depot and tip of the demo area: generated points east of Dorchester, not real sites.
    depot: tuple[float, float] = (50.7195, -2.4105)
    tip: tuple[float, float] = (50.7268, -2.3840)
    road_factor: float = 1.3
    speed_kmh: float = 24.0
    service_seconds: int = 30
    kg_per_property: int = 18
    tip_minutes: int = 20
    shift_hours: float = 8.5
    days_per_cycle: int = 10
    fleet: tuple[FleetKind, ...] = field(default=DEFAULT_FLEET)
    points_max_properties: int = 20
    points_max_span_m: float = 120.0

    @property
    def shift_seconds(self) -> int:
        return int(self.shift_hours * 3600)


@dataclass(frozen=True)
class RoundSummary:
    name: str
    vehicle: str
    properties: int
    trips: int
    load_kg: int
    distance_m: int
    duration_s: int
    # [[latitude, longitude], ...] in visiting order, from the depot back to the depot.
    path: list[list[float]]
    trip_loads_kg: list[int]
    # The UPRNs collected, in visiting order.
    uprns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RoundsPlan:
    properties: int
    collection_points: int
    feasible: bool
    rounds: list[RoundSummary]
    distance_m: int
    duration_s: int
    seconds: float
    cpu_seconds: float
    baseline_rounds: int
    baseline_distance_m: int
    baseline_duration_s: int
    problems: list[str]
    # CURRENT_FROM_ROUNDS (the council's rounds) or CURRENT_FROM_MODEL (modelled rounds).
    baseline_source: str = CURRENT_FROM_MODEL
    # The council's rounds, one by one (only when they are the baseline).
    baseline_details: list[CurrentRound] = field(default_factory=list)

    @property
    def saving_distance_percent(self) -> float | None:
        return _saving(self.baseline_distance_m, self.distance_m)

    @property
    def saving_duration_percent(self) -> float | None:
        return _saving(self.baseline_duration_s, self.duration_s)

    def to_dict(self) -> dict[str, Any]:
        rounds = [
            {
                key: value
                for key, value in asdict(summary).items()
                if key not in ("path", "uprns") or len(self.rounds) <= 50
            }
            for summary in self.rounds
        ]
        return {
            "properties": self.properties,
            "collection_points": self.collection_points,
            "feasible": self.feasible,
            "problems": self.problems,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "rounds": rounds,
            "total": {
                "rounds": len(self.rounds),
                "distance_km": round(self.distance_m / 1000, 1),
                "hours": round(self.duration_s / 3600, 1),
            },
            "current": {
                "source": self.baseline_source,
                "rounds": self.baseline_rounds,
                "distance_km": round(self.baseline_distance_m / 1000, 1),
                "hours": round(self.baseline_duration_s / 3600, 1),
            },
            "saving_percent": {
                "distance": self.saving_distance_percent,
                "hours": self.saving_duration_percent,
                "rounds": _saving(self.baseline_rounds, len(self.rounds)),
            },
        }

    def to_geojson(self) -> dict[str, Any]:
        """The rounds as GeoJSON lines (longitude, latitude), for a map."""
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[lon, lat] for lat, lon in summary.path],
                    },
                    "properties": {
                        "name": summary.name,
                        "vehicle": summary.vehicle,
                        "properties": summary.properties,
                        "load_kg": summary.load_kg,
                        "distance_m": summary.distance_m,
                        "duration_s": summary.duration_s,
                    },
                }
                for summary in self.rounds
            ],
        }


def _saving(before: int, after: int) -> float | None:
    if not before:
        return None
    return round(100 * (before - after) / before, 1)


def haversine_matrix(points: Sequence[tuple[float, float]]) -> np.ndarray[Any, Any]:
    """Great-circle distances in metres between (latitude, longitude) points."""
    coords = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
    lat, lon = coords[:, 0], coords[:, 1]
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class CollectionPoint:
    """Neighbouring properties on one street, collected one after the other."""

    members: tuple[int, ...]
    latitude: float
    longitude: float
    # The drive from the first to the last member.
    inner_distance_m: int
    inner_seconds: int
    ward: str
    street: str
    first_house: tuple[int, str]
    current_round: str = ""


def _house_number(paon: str) -> tuple[int, str]:
    match = re.match(r"\d+", paon)
    return (int(match.group()) if match else 10**9, paon)


def collection_points(
    premises: Sequence[Premises], settings: RoundSettings
) -> list[CollectionPoint]:
    """Group neighbouring properties of each street into collection points, in ward,
    street and house-number order (within each current round, when they are known: a point
    never mixes two rounds)."""
    order = sorted(
        range(len(premises)),
        key=lambda i: (
            premises[i].current_round,
            premises[i].ward,
            premises[i].street,
            _house_number(premises[i].paon),
            premises[i].saon,
            premises[i].uprn,
        ),
    )
    groups: list[list[int]] = []
    for index in order:
        here = premises[index]
        if groups:
            group = groups[-1]
            first = premises[group[0]]
            same_street = (first.current_round, first.ward, first.street) == (
                here.current_round,
                here.ward,
                here.street,
            )
            span = float(
                haversine_matrix(
                    [(first.latitude, first.longitude), (here.latitude, here.longitude)]
                )[0, 1]
            )
            if (
                same_street
                and len(group) < settings.points_max_properties
                and span <= settings.points_max_span_m
            ):
                group.append(index)
                continue
        groups.append([index])
    points = []
    speed = settings.speed_kmh / 3.6
    for group in groups:
        coords = [(premises[i].latitude, premises[i].longitude) for i in group]
        steps = haversine_matrix(coords) if len(group) > 1 else np.zeros((1, 1))
        inner = float(sum(steps[k, k + 1] for k in range(len(group) - 1))) * settings.road_factor
        first = premises[group[0]]
        points.append(
            CollectionPoint(
                members=tuple(group),
                latitude=sum(lat for lat, _ in coords) / len(coords),
                longitude=sum(lon for _, lon in coords) / len(coords),
                inner_distance_m=round(inner),
                inner_seconds=round(inner / speed),
                ward=first.ward,
                street=first.street,
                first_house=_house_number(first.paon),
                current_round=first.current_round,
            )
        )
    return points


def rounds_problem(points: Sequence[CollectionPoint], settings: RoundSettings) -> Problem:
    """Site 0 is the depot, site 1 the tip; stop i is points[i]."""
    coords = [settings.depot, settings.tip, *((p.latitude, p.longitude) for p in points)]
    metres = haversine_matrix(coords) * settings.road_factor
    distances = np.round(metres).astype(np.int64)
    durations = np.round(metres / (settings.speed_kmh / 3.6)).astype(np.int64)
    # Each shift ends with the last load tipped and the drive back to the depot; the solver
    # plans up to the tip, so that last leg comes off the shift it may use.
    last_leg = settings.tip_minutes * 60 + int(durations[1, 0])
    vehicles = tuple(
        VehicleKind(
            name=kind.name,
            capacity=kind.payload_kg,
            num_available=kind.crews_per_day * settings.days_per_cycle,
            start_site=0,
            end_site=1,
            reload_sites=(1,),
            max_duration=max(settings.shift_seconds - last_leg, 0),
            fixed_cost=kind.round_cost,
        )
        for kind in settings.fleet
    )
    return Problem(
        sites=(
            Site(name="Depot", x=settings.depot[1], y=settings.depot[0]),
            Site(
                name="Tip",
                x=settings.tip[1],
                y=settings.tip[0],
                service_duration=settings.tip_minutes * 60,
            ),
        ),
        stops=tuple(
            Stop(
                name=str(number),
                demand=settings.kg_per_property * len(point.members),
                service_duration=settings.service_seconds * len(point.members)
                + point.inner_seconds,
                x=point.longitude,
                y=point.latitude,
            )
            for number, point in enumerate(points)
        ),
        vehicles=vehicles,
        distances=distances * COST_PER_METRE,
        durations=durations,
    )


def baseline_routes(problem: Problem, vehicle_kind: int) -> list[list[list[int]]]:
    """The naive "current rounds" (see the module docstring) over the stops in their order,
    as lists of trips."""
    kind = problem.vehicles[vehicle_kind]
    limit = kind.max_duration if kind.max_duration is not None else math.inf
    durations = problem.duration_matrix
    tip = kind.reload_sites[0] if kind.reload_sites else kind.end_site
    tip_seconds = problem.sites[tip].service_duration
    routes: list[list[list[int]]] = []
    trips: list[list[int]] = [[]]
    where, elapsed, load = kind.start_site, 0, 0
    for stop in range(len(problem.stops)):
        row = problem.location(stop)
        demand = problem.stops[stop].demand
        service = problem.stops[stop].service_duration
        if load + demand > kind.capacity and trips[-1]:
            # Empty at the tip first.
            elapsed += int(durations[where, tip]) + tip_seconds
            where, load = tip, 0
            trips.append([])
        finish = elapsed + int(durations[where, row]) + service + int(durations[row, tip])
        if finish > limit and any(trips):
            # The shift is full: this round ends at the tip, the next one starts.
            routes.append([trip for trip in trips if trip])
            trips, where, elapsed, load = [[]], kind.start_site, 0, 0
        elapsed += int(durations[where, row]) + service
        where, load = row, load + demand
        trips[-1].append(stop)
    if any(trips):
        routes.append([trip for trip in trips if trip])
    return routes


def current_routes(
    problem: Problem,
    points: Sequence[CollectionPoint],
    vehicle_kind: int,
    *,
    seconds: float,
    seed: int = 0,
    clock: Clock = "wall",
) -> list[tuple[str, list[list[int]]]]:
    """The council's current rounds over the stops (each point's `current_round`), in
    round-name order, each as its name and its trips in the shortest visiting order the
    solver finds in `seconds` for that round alone: one vehicle of `vehicle_kind`, emptying
    at the tip when full, with no shift limit (a round that runs over is kept whole)."""
    members: dict[str, list[int]] = {}
    for stop, point in enumerate(points):
        members.setdefault(point.current_round, []).append(stop)
    kind = problem.vehicles[vehicle_kind]
    sites = len(problem.sites)
    routes = []
    for name in sorted(members):
        stops = members[name]
        rows = [*range(sites), *(problem.location(stop) for stop in stops)]
        single = Problem(
            sites=problem.sites,
            stops=tuple(problem.stops[stop] for stop in stops),
            vehicles=(replace(kind, num_available=1, max_duration=None, fixed_cost=0),),
            distances=problem.distances[np.ix_(rows, rows)],
            durations=problem.duration_matrix[np.ix_(rows, rows)],
        )
        solved = plan_solve(problem=single, seconds=seconds, seed=seed, clock=clock)
        if len(solved.routes) != 1 or solved.unplanned:
            raise ValueError(f"The current round {name!r} could not be ordered")
        trips = [[stops[stop] for stop in trip.stops] for trip in solved.routes[0].trips]
        routes.append((name, [trip for trip in trips if trip]))
    return routes


def rounds_plan(
    *,
    premises: Sequence[Premises],
    settings: RoundSettings | None = None,
    seconds: float = 30.0,
    seed: int = 0,
    progress: Progress | None = None,
    clock: Clock = "wall",
) -> RoundsPlan:
    """Plan rounds for `premises` and compare them with the current rounds: the council's
    own when every one of the premises names its round, else the modelled ones (see the
    module docstring). Ordering the council's rounds takes at most a fifth of `seconds`
    (from 0.1 to 1 second a round), before the search."""
    settings = settings or RoundSettings()
    points = collection_points(premises, settings)
    problem = rounds_problem(points, settings)
    largest = max(range(len(problem.vehicles)), key=lambda k: problem.vehicles[k].capacity)
    available = problem.vehicles[largest].num_available

    def loose(count: int) -> Problem:
        # Current rounds may need more crews than the fleet has: cost them all regardless.
        return replace(
            problem,
            vehicles=tuple(
                replace(vehicle, num_available=max(vehicle.num_available, count))
                for vehicle in problem.vehicles
            ),
        )

    naive = baseline_routes(problem, largest)
    modelled = plan_evaluate(problem=loose(len(naive)), routes=naive, vehicle_kind=largest)
    # Start the search from current rounds only when the fleet can work them in the shift.
    start = naive if modelled.feasible and len(naive) <= available else None
    baseline, source, names = modelled, CURRENT_FROM_MODEL, []
    if premises and all(one.current_round for one in premises):
        ordered = current_routes(
            problem,
            points,
            largest,
            seconds=min(1.0, max(0.1, 0.2 * seconds / len({p.current_round for p in points}))),
            seed=seed,
            clock=clock,
        )
        names = [name for name, _trips in ordered]
        routes = [trips for _name, trips in ordered]
        baseline = plan_evaluate(problem=loose(len(routes)), routes=routes, vehicle_kind=largest)
        source = CURRENT_FROM_ROUNDS
        if baseline.feasible and len(routes) <= available:
            start = routes
    plan = plan_solve(
        problem=problem,
        seconds=seconds,
        seed=seed,
        progress=progress,
        initial_routes=start,
        initial_vehicle_kind=largest,
        clock=clock,
    )
    last_distance = int(problem.distances[1, 0])
    last_seconds = problem.sites[1].service_duration + int(problem.duration_matrix[1, 0])

    def inner(route: RoutePlan) -> int:
        return sum(points[stop].inner_distance_m for stop in route.stops)

    def totals(result: Plan) -> tuple[int, int]:
        distance = sum(r.distance + inner(r) + last_distance for r in result.routes)
        duration = sum(r.duration + last_seconds for r in result.routes)
        return distance, duration

    summaries = []
    for number, route in enumerate(plan.routes, start=1):
        path = [list(settings.depot)]
        for trip in route.trips:
            for stop in trip.stops:
                path += [
                    [premises[i].latitude, premises[i].longitude] for i in points[stop].members
                ]
            path.append(list(settings.tip))
        path.append(list(settings.depot))
        summaries.append(
            RoundSummary(
                name=f"Round {number}",
                vehicle=route.vehicle,
                properties=sum(len(points[stop].members) for stop in route.stops),
                trips=len(route.trips),
                load_kg=route.load,
                distance_m=route.distance + inner(route) + last_distance,
                duration_s=route.duration + last_seconds,
                path=path,
                trip_loads_kg=[trip.load for trip in route.trips],
                uprns=[premises[i].uprn for stop in route.stops for i in points[stop].members],
            )
        )
    distance, duration = totals(plan)
    baseline_distance, baseline_duration = totals(baseline)
    details = []
    if source == CURRENT_FROM_ROUNDS:
        # (The evaluated routes keep the order they were given in.)
        for name, route in zip(names, baseline.routes, strict=True):
            details.append(
                CurrentRound(
                    name=name,
                    properties=sum(len(points[stop].members) for stop in route.stops),
                    trips=len(route.trips),
                    load_kg=route.load,
                    distance_m=route.distance + inner(route) + last_distance,
                    duration_s=route.duration + last_seconds,
                    over_shift=route.duration + last_seconds > settings.shift_seconds,
                )
            )
    return RoundsPlan(
        properties=len(premises),
        collection_points=len(points),
        feasible=plan.feasible,
        rounds=summaries,
        distance_m=distance,
        duration_s=duration,
        seconds=plan.seconds,
        cpu_seconds=plan.cpu_seconds,
        baseline_rounds=len(baseline.routes),
        baseline_distance_m=baseline_distance,
        baseline_duration_s=baseline_duration,
        problems=list(plan.problems),
        baseline_source=source,
        baseline_details=details,
    )


def premises_from_gazetteer(*, organisation: Any = None) -> list[Premises]:
    """Residential properties of the gazetteer (in `organisation`'s wards, if given)."""
    from borough.places.models import Property, PropertyClass

    rows = Property.objects.filter(classification=PropertyClass.RESIDENTIAL)
    if organisation is not None:
        rows = rows.filter(ward__organisation=organisation)
    return [
        Premises(
            uprn=row.uprn,
            latitude=row.latitude,
            longitude=row.longitude,
            ward=row.ward.name if row.ward else "",
            street=row.street_name,
            paon=row.paon,
            saon=row.saon,
        )
        for row in rows.select_related("ward").order_by("uprn")
    ]


def premises_generated(*, seed: int = 1, properties: int = 3000) -> list[Premises]:
    """The demo area's properties, generated in memory (no database needed)."""
    from borough.demo.geography import geography_generate

    return premises_from_specs(geography_generate(seed=seed, properties=properties).properties)


def premises_from_specs(specs: Iterable[Any]) -> list[Premises]:
    return [
        Premises(
            uprn=spec.uprn,
            latitude=spec.latitude,
            longitude=spec.longitude,
            ward=spec.ward,
            street=spec.street_name,
            paon=spec.paon,
            saon=spec.saon,
        )
        for spec in specs
        if getattr(spec, "classification", "residential") == "residential"
    ]
