"""`borough rounds ...`: the round planner from the command line.

    borough rounds solve-cvrp FILE.vrp [--seconds S] [--seed N] [--clock wall|cpu]
    borough rounds plan-demo [--seconds S] [--seed N] [--organisation SLUG] [--generated]
                             [--geojson FILE] [--clock wall|cpu]

`solve-cvrp` solves a CVRPLIB instance with the planner's own solver set-up and prints JSON:
the cost, the best known cost and the gap to it (when a `.sol` file is beside the instance),
the routes (CVRPLIB customer numbers) and the time taken.

`plan-demo` plans rubbish collection rounds over the gazetteer's residential properties (or
over the demo area generated in memory, with `--generated`) and prints JSON: each round's
distance, time and load, and the saving against naive current rounds. With `--organisation`
it plans that council's wards with its planner settings for rubbish (the staff pages'
"Planner settings"). `--geojson` also writes the rounds as GeoJSON lines for a map.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from borough.waste.planning.cvrp import cvrp_read, cvrp_routes, gap_percent
from borough.waste.planning.demo_area import (
    premises_from_gazetteer,
    premises_generated,
    rounds_plan,
)
from borough.waste.planning.planner_settings import planner_settings_for
from borough.waste.planning.solver import plan_solve


class Command(BaseCommand):
    help = "Plan waste collection rounds, or solve a CVRPLIB instance with the round planner."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        cvrp = commands.add_parser("solve-cvrp", help="Solve a CVRPLIB .vrp instance.")
        cvrp.add_argument("file", type=Path, help="The .vrp file.")
        cvrp.add_argument("--seconds", type=float, default=60.0, help="Time limit (60).")
        cvrp.add_argument("--seed", type=int, default=0)
        demo = commands.add_parser("plan-demo", help="Plan rounds over the demo area.")
        demo.add_argument("--seconds", type=float, default=60.0, help="Time limit (60).")
        demo.add_argument("--seed", type=int, default=0)
        demo.add_argument("--organisation", help="Only this council's wards (its slug).")
        demo.add_argument(
            "--generated",
            action="store_true",
            help="Plan over the demo area generated in memory, not the database.",
        )
        demo.add_argument("--geojson", type=Path, help="Also write the rounds to this file.")
        for sub in (cvrp, demo):
            sub.add_argument(
                "--clock",
                choices=["wall", "cpu"],
                default="wall",
                help="Count the time limit in elapsed time (wall) or processor time (cpu).",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seconds"] <= 0:
            raise CommandError("Give a time limit of more than 0 seconds")
        if options["action"] == "solve-cvrp":
            self._solve_cvrp(options)
        else:
            self._plan_demo(options)

    def _solve_cvrp(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}")
        try:
            instance = cvrp_read(path)
        except ValueError as error:
            raise CommandError(f"{path} is not a CVRPLIB instance this can read: {error}") from None
        plan = plan_solve(
            problem=instance.problem,
            seconds=options["seconds"],
            seed=options["seed"],
            clock=options["clock"],
        )
        output = {
            "instance": instance.name,
            "cost": plan.cost,
            "best_known": instance.best_known,
            "gap_percent": gap_percent(plan.cost, instance.best_known),
            "feasible": plan.feasible,
            "vehicles": len(plan.routes),
            "routes": cvrp_routes(plan),
            "seconds": round(plan.seconds, 3),
            "cpu_seconds": round(plan.cpu_seconds, 3),
            "iterations": plan.iterations,
        }
        self.stdout.write(json.dumps(output))

    def _plan_demo(self, options: dict[str, Any]) -> None:
        organisation = None
        if options["generated"]:
            premises = premises_generated()
        else:
            if options["organisation"]:
                from borough.core.models import Organisation

                organisation = Organisation.objects.filter(slug=options["organisation"]).first()
                if organisation is None:
                    raise CommandError(f"There is no organisation {options['organisation']!r}")
            premises = premises_from_gazetteer(organisation=organisation)
        if not premises:
            raise CommandError(
                "There are no residential properties to plan: run `borough demo`, "
                "or use --generated"
            )
        # A council's own planner settings for its rubbish rounds; the defaults otherwise.
        round_settings = (
            planner_settings_for(organisation=organisation, kind="refuse")
            if organisation is not None
            else None
        )
        plan = rounds_plan(
            premises=premises,
            settings=round_settings,
            seconds=options["seconds"],
            seed=options["seed"],
            clock=options["clock"],
        )
        if options["geojson"]:
            options["geojson"].write_text(json.dumps(plan.to_geojson()))
        self.stdout.write(json.dumps(plan.to_dict()))
