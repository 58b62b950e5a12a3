"""`borough report --format csv|json [--organisation SLUG] [--from DATE --to DATE] [--group
month|week]`: print the insight figures of one council, or of every active council.

The figures are the staff dashboard's (nothing suppressed), for the whole council; by default
for the last 12 months up to today, with savings against the six months before.
"""

from __future__ import annotations

import csv
import json
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from borough.core.models import COUNCIL_KINDS, Organisation
from borough.core.workingdays import LONDON
from borough.insight.figures import Context, figures_build
from borough.insight.forms import default_baseline, default_range
from borough.insight.selectors import Grouping, InsightFilters


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Give dates like 2026-03-31, not {text!r}") from None


class Command(BaseCommand):
    help = "Print the insight figures (contacts, channel shift, cost, SLA, backlog) as CSV or JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--organisation", help="The slug of one organisation.")
        parser.add_argument("--from", dest="date_from", help="First day, like 2025-04-01.")
        parser.add_argument("--to", dest="date_to", help="Last day, like 2026-03-31.")
        parser.add_argument("--group", choices=[g.value for g in Grouping], default="month")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.now().astimezone(LONDON).date()
        default_from, default_to = default_range(today)
        date_from = _date(options["date_from"]) if options["date_from"] else default_from
        date_to = _date(options["date_to"]) if options["date_to"] else default_to
        if date_to < date_from:
            raise CommandError("The end date must be the same as or after the start date")
        organisations = Organisation.objects.filter(is_active=True).order_by("name")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(
                    f"No active organisation has the slug {options['organisation']!r}"
                )
        else:
            organisations = organisations.filter(kind__in=COUNCIL_KINDS)
        baseline_from, baseline_to = default_baseline(date_from)
        reports = []
        for organisation in organisations:
            ctx = Context(
                filters=InsightFilters(
                    organisation=organisation,
                    date_from=date_from,
                    date_to=date_to,
                    grouping=options["group"],
                ),
                baseline_from=baseline_from,
                baseline_to=baseline_to,
                today=today,
            )
            reports.append((organisation, figures_build(ctx)))
        if options["format"] == "json":
            document = {
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "group": options["group"],
                "baseline": {"from": baseline_from.isoformat(), "to": baseline_to.isoformat()},
                "organisations": [
                    {
                        "slug": organisation.slug,
                        "name": organisation.name,
                        "figures": [figure.as_json() for figure in figures],
                    }
                    for organisation, figures in reports
                ],
            }
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        for organisation, figures in reports:
            for figure in figures:
                for table in figure.tables:
                    writer.writerow([organisation.name, figure.title, table.caption])
                    writer.writerows(table.csv_rows())
                    writer.writerow([])
