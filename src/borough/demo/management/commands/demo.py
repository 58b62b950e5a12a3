"""`borough demo [--reset] [--if-absent] [--seed N]`: build the generated two-tier demo area.

Without flags it builds the demo when it is not there and otherwise says so; `--if-absent`
does the same quietly (what `make setup` runs); `--reset` deletes the demo's data and builds
it again. The same seed always gives the same area, people, services and history.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from borough.demo.build import ALREADY_BUILT, demo_build, demo_exists


class Command(BaseCommand):
    help = (
        "Build the demo area: Wessex County and Casterbridge District, with 18 months of history."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--reset", action="store_true", help="Delete the demo's data and build it again."
        )
        group.add_argument(
            "--if-absent",
            action="store_true",
            help="Build only when the demo is not there, and say nothing when it is.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help=f"The seed to generate from (default: DEMO_SEED, now {settings.DEMO_SEED}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed = settings.DEMO_SEED if options["seed"] is None else options["seed"]
        if seed < 0:
            raise CommandError("Give a seed of 0 or more")
        if demo_exists() and not options["reset"]:
            if not options["if_absent"]:
                self.stdout.write(ALREADY_BUILT)
            return
        summary = demo_build(seed=seed, reset=options["reset"], stdout=self.stdout)
        self.stdout.write(summary.report())
