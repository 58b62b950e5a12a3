"""`borough manage waste_import_events FILE.csv --organisation SLUG`: crews' events from a CSV
file with the columns round, stream, date, outcome and optionally uprn (empty: the whole
round), note, id (the sender's id, so a file imported twice is recorded once) and
recorded_at. Every row is checked first; if any is refused, nothing is recorded."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from borough.core.models import Organisation
from borough.waste.models import EventSource
from borough.waste.services import collection_events_import


class Command(BaseCommand):
    help = "Import crews' collection events from a CSV file"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--organisation", required=True, help="The slug of the council that collects"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['organisation']!r}")
        path: Path = options["file"]
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as error:
            raise CommandError(f"Could not read {path}: {error}") from error
        report = collection_events_import(
            organisation=organisation, rows=rows, source=EventSource.IMPORT
        )
        if report.rejected:
            lines = [f"  row {number + 1}: {message}" for number, message in report.rejected]
            raise CommandError(
                "Nothing was imported. Correct these rows and try again:\n" + "\n".join(lines)
            )
        self.stdout.write(
            f"Recorded {report.recorded} events; {report.already} were already recorded."
        )
