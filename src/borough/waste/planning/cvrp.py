"""Published capacitated vehicle routing (CVRPLIB) instances, for measuring the planner.

An instance is read with `vrplib` and turned into the planner's own `Problem`, so it is
solved by the same set-up as the waste rounds (`solver.plan_solve`). Distances follow the
CVRPLIB convention for the X instances: Euclidean distances rounded to the nearest whole
number, so costs compare with the `Cost` line of the instance's `.sol` file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import vrplib

from borough.waste.planning.solver import Plan, Problem, Site, Stop, VehicleKind, plan_evaluate


@dataclass(frozen=True)
class Instance:
    name: str
    problem: Problem
    # The best known cost from the `.sol` file beside the instance, if there is one.
    best_known: int | None
    best_known_routes: tuple[tuple[int, ...], ...] | None


def cvrp_read(path: Path | str) -> Instance:
    """Read a CVRPLIB `.vrp` file (one depot, first) and its `.sol` file if present.
    Raises ValueError when the file is not such an instance."""
    path = Path(path)
    try:
        raw: dict[str, Any] = vrplib.read_instance(str(path))
    except Exception as error:  # vrplib raises all sorts on a malformed file
        raise ValueError(f"vrplib cannot read it ({error})") from error
    missing = {"dimension", "capacity", "demand", "edge_weight"} - set(raw)
    if missing:
        raise ValueError(f"it has no {', '.join(sorted(missing))}")
    depots = [int(depot) for depot in np.atleast_1d(raw.get("depot", [0]))]
    if depots != [0]:
        raise ValueError("Only instances with one depot, listed first, are supported")
    coords = np.asarray(raw.get("node_coord", np.zeros((raw["dimension"], 2))), dtype=float)
    demands = np.asarray(raw["demand"], dtype=np.int64)
    distances = np.round(np.asarray(raw["edge_weight"], dtype=float)).astype(np.int64)
    size = int(raw["dimension"])
    stops = tuple(
        # CVRPLIB numbers customers 1..n (the depot is 0): keep that number as the name.
        Stop(name=str(node), demand=int(demands[node]), x=coords[node][0], y=coords[node][1])
        for node in range(1, size)
    )
    problem = Problem(
        sites=(Site(name="depot", x=coords[0][0], y=coords[0][1]),),
        stops=stops,
        # As many vehicles as customers: the X instances leave the fleet size free.
        vehicles=(
            VehicleKind(
                name="vehicle",
                capacity=int(raw["capacity"]),
                num_available=int(raw.get("vehicles", len(stops))),
            ),
        ),
        distances=distances,
    )
    best_known, routes = None, None
    solution_path = path.with_suffix(".sol")
    if solution_path.exists():
        solution = vrplib.read_solution(str(solution_path))
        best_known = round(float(solution["cost"]))
        routes = tuple(tuple(int(node) for node in route) for route in solution["routes"])
    return Instance(
        name=str(raw.get("name", path.stem)).strip(),
        problem=problem,
        best_known=best_known,
        best_known_routes=routes,
    )


def cvrp_routes(plan: Plan) -> list[list[int]]:
    """The plan's routes in CVRPLIB numbering (customers 1..n), as in a `.sol` file."""
    return [[stop + 1 for stop in route.stops] for route in plan.routes]


def cvrp_evaluate(instance: Instance, routes: list[list[int]] | None = None) -> Plan:
    """Cost routes given in CVRPLIB numbering (by default the `.sol` file's) with the solver."""
    if routes is None:
        if instance.best_known_routes is None:
            raise ValueError("The instance has no .sol file")
        routes = [list(route) for route in instance.best_known_routes]
    return plan_evaluate(
        problem=instance.problem, routes=[[[node - 1 for node in route]] for route in routes]
    )


def gap_percent(cost: int | None, best_known: int | None) -> float | None:
    """(found - best) / best, in per cent."""
    if cost is None or not best_known:
        return None
    return round(100 * (cost - best_known) / best_known, 3)
