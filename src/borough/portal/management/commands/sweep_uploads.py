"""`borough manage sweep_uploads [--hours N]`: delete temporary uploads of journeys that were
never finished. `borough worker` runs the same sweep every UPLOAD_SWEEP_SECONDS."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from borough.portal.uploads import TEMPORARY_MAX_AGE, uploads_sweep


class Command(BaseCommand):
    help = "Delete temporary uploads older than --hours (default 24): forms never sent."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=TEMPORARY_MAX_AGE.total_seconds() / 3600,
            help="Delete uploads kept longer than this many hours (default: 24).",
        )

    def handle(self, *args: Any, hours: float, **options: Any) -> None:
        if hours < 0:
            raise CommandError("--hours must be zero or more")
        swept = uploads_sweep(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {swept} temporary upload{'' if swept == 1 else 's'}")
