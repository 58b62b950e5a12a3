"""The round planner: cost, time and gap to the best known solution on published CVRP
instances, and the plan for the demo area with its saving against naive rounds.

The instances are the CVRPLIB "X" files in `BOROUGH_BENCH_CVRP_DIR` (by default
`../shared/benchmarks/cvrp/` beside the repository), each solved for
`BOROUGH_BENCH_CVRP_SECONDS` (60) of one core's processor time (PyVRP is single-threaded;
counting processor time keeps the figure fair on a busy machine; set
`BOROUGH_BENCH_CVRP_CLOCK=wall` to count elapsed time instead). Target: within 1% of the
best known cost.
The demo area plan gets `BOROUGH_BENCH_ROUNDS_SECONDS` (60) on the same clock.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

DEFAULT_CVRP_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "cvrp"


def run(**_: Callable[..., Any]) -> Iterator[tuple[str, str]]:
    from borough.waste.planning.cvrp import cvrp_read, gap_percent
    from borough.waste.planning.demo_area import (
        premises_from_gazetteer,
        premises_generated,
        rounds_plan,
    )
    from borough.waste.planning.solver import plan_solve

    seconds = float(os.environ.get("BOROUGH_BENCH_CVRP_SECONDS", "60"))
    clock: Literal["wall", "cpu"] = (
        "wall" if os.environ.get("BOROUGH_BENCH_CVRP_CLOCK") == "wall" else "cpu"
    )
    folder = Path(os.environ.get("BOROUGH_BENCH_CVRP_DIR", DEFAULT_CVRP_DIR))
    files = sorted(folder.glob("*.vrp"))
    if not files:
        yield "round planner CVRP", f"no .vrp files in {folder}"
    for path in files:
        instance = cvrp_read(path)
        plan = plan_solve(problem=instance.problem, seconds=seconds, clock=clock)
        gap = gap_percent(plan.cost, instance.best_known)
        gap_text = "no best known" if gap is None else f"gap {gap:.2f}% (target: within 1%)"
        yield (
            f"round planner {instance.name}",
            f"cost {plan.cost} best known {instance.best_known} {gap_text} "
            f"in {plan.cpu_seconds:.1f} s of one core ({plan.seconds:.1f} s elapsed), "
            f"{len(plan.routes)} routes, "
            f"{'feasible' if plan.feasible else 'INFEASIBLE'}",
        )

    premises = premises_from_gazetteer()
    source = "demo database"
    if not premises:
        premises, source = premises_generated(), "generated demo area"
    rounds_seconds = float(os.environ.get("BOROUGH_BENCH_ROUNDS_SECONDS", "60"))
    result = rounds_plan(premises=premises, seconds=rounds_seconds, clock=clock)
    summary = result.to_dict()
    yield (
        "round planner demo area",
        f"{result.properties} properties ({source}) in {result.collection_points} collection "
        f"points: {len(result.rounds)} rounds, {summary['total']['distance_km']} km, "
        f"{summary['total']['hours']} h; current rounds {result.baseline_rounds}, "
        f"{summary['current']['distance_km']} km, {summary['current']['hours']} h; saving "
        f"{result.saving_distance_percent}% distance, {result.saving_duration_percent}% time "
        f"in {result.cpu_seconds:.1f} s of one core ({result.seconds:.1f} s elapsed), "
        f"{'feasible' if result.feasible else 'INFEASIBLE'}",
    )
