"""Insight measurements: the dashboard's queries on one million contacts.

Adds BOROUGH_BENCH_CONTACTS (default 1,000,000) generated contacts to the demo's two councils,
spread over three years with the channel mix moving online, about one in twenty about one of
the demo's cases (so the ward filter has something to find). They go in with plain bulk
INSERTs in batches (COPY on PostgreSQL), not through `contact_log`: this measures reads.
Then times each figure of the dashboard (p50/p95), for the whole council by month, and with
a service filter, a ward filter and by week.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

CHANNEL_WEIGHTS_START = {
    "phone": 50,
    "face_to_face": 14,
    "email": 10,
    "letter": 4,
    "kiosk": 3,
    "field": 2,
    "web": 12,
    "app": 3,
    "webchat": 2,
}
CHANNEL_WEIGHTS_END = {
    "phone": 25,
    "face_to_face": 6,
    "email": 8,
    "letter": 1,
    "kiosk": 3,
    "field": 2,
    "web": 35,
    "app": 12,
    "webchat": 8,
}
OUTCOMES = [
    ("information_given", 44),
    ("signposted", 14),
    ("progress_chased", 20),
    ("payment_taken", 10),
    ("complaint", 4),
    ("other", 8),
]
BATCH = 50_000
YEARS = 3


def contacts_insert(count: int, *, seed: int = 7) -> float:
    """Insert `count` contacts for the demo's councils; returns the seconds it took."""
    from django.db import connection, transaction

    from borough.cases.models import Case
    from borough.catalogue.models import Service
    from borough.contacts.models import Contact
    from borough.core.models import Organisation

    rng = random.Random(seed)
    organisations = list(Organisation.objects.filter(slug__in=["casterbridge", "wessex"]))
    services = {
        org.pk: list(Service.objects.filter(organisation=org).values_list("pk", flat=True))
        for org in organisations
    }
    cases = {
        org.pk: list(Case.objects.filter(organisation=org).values_list("pk", flat=True)[:5000])
        for org in organisations
    }
    end = datetime.now(UTC)
    start = end - timedelta(days=365 * YEARS)
    span = (end - start).total_seconds()
    channels = list(CHANNEL_WEIGHTS_START)
    outcomes = [o for o, _ in OUTCOMES]
    outcome_weights = [w for _, w in OUTCOMES]
    table = Contact._meta.db_table
    columns = [
        "organisation_id",
        "at",
        "channel",
        "service_id",
        "case_id",
        "outcome",
        "avoidable",
        "resolved_at_first_contact",
        "notes",
    ]
    started = time.perf_counter()

    # The channel mix at 100 points in time, as cumulative weights for random.choices.
    mixes = []
    for step in range(100):
        fraction = step / 99
        running, cumulative = 0.0, []
        for c in channels:
            running += (
                CHANNEL_WEIGHTS_START[c]
                + (CHANNEL_WEIGHTS_END[c] - CHANNEL_WEIGHTS_START[c]) * fraction
            )
            cumulative.append(running)
        mixes.append(cumulative)
    outcome_cumulative = []
    running = 0.0
    for weight in outcome_weights:
        running += weight
        outcome_cumulative.append(running)
    on_postgresql = connection.vendor == "postgresql"
    naive_start = start.replace(tzinfo=None)

    # In the order they happened, as a live contact log is written (so rows near in time are
    # near on disk, as they would be).
    fractions = sorted(rng.random() for _ in range(count))

    def rows(batch: list[float]) -> Iterator[tuple[Any, ...]]:
        choices, rand = rng.choices, rng.random
        for fraction in batch:
            offset = timedelta(seconds=fraction * span)
            # SQLite stores naive UTC text, which is what Django would write.
            moment: Any = start + offset if on_postgresql else str(naive_start + offset)
            channel = choices(channels, cum_weights=mixes[int(fraction * 99)])[0]
            outcome = choices(outcomes, cum_weights=outcome_cumulative)[0]
            org = organisations[0] if rand() < 0.62 else organisations[-1]
            org_cases, org_services = cases[org.pk], services[org.pk]
            yield (
                org.pk,
                moment,
                channel,
                org_services[int(rand() * len(org_services))]
                if org_services and rand() < 0.75
                else None,
                org_cases[int(rand() * len(org_cases))] if org_cases and rand() < 0.05 else None,
                outcome,
                outcome == "progress_chased" or rand() < 0.1,
                outcome in ("information_given", "signposted", "payment_taken"),
                "",
            )

    for first in range(0, count, BATCH):
        batch = fractions[first : first + BATCH]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(  # type: ignore[attr-defined]
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                ) as copy:
                    for row in rows(batch):
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
                    list(rows(batch)),
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def run(
    *, timed: Callable[..., list[float]], percentiles: Callable[[list[float]], str]
) -> Iterator[tuple[str, str]]:
    from datetime import date

    from borough.catalogue.models import Service
    from borough.contacts.models import Contact
    from borough.core.models import Organisation
    from borough.insight.figures import FIGURES, Context
    from borough.insight.forms import default_baseline, default_range
    from borough.insight.selectors import InsightFilters
    from borough.places.models import Area, AreaKind

    count = int(os.environ.get("BOROUGH_BENCH_CONTACTS", "1000000"))
    repeat = int(os.environ.get("BOROUGH_BENCH_INSIGHT_REPEAT", "5"))
    seconds = contacts_insert(count)
    total = Contact.objects.count()
    yield "insight: contacts inserted", f"{count:,} in {seconds:.1f} s ({total:,} in the table)"

    district = Organisation.objects.get(slug="casterbridge")
    today = date.today()
    date_from, date_to = default_range(today)
    baseline_from, baseline_to = default_baseline(date_from)
    service = Service.objects.filter(organisation=district).order_by("pk").first()
    ward = Area.objects.filter(kind=AreaKind.WARD).order_by("pk").first()
    views = {
        "council, 12 months by month": InsightFilters(
            organisation=district, date_from=date_from, date_to=date_to
        ),
        "one service": InsightFilters(
            organisation=district,
            date_from=date_from,
            date_to=date_to,
            service_id=service.pk if service else None,
        ),
        "one ward": InsightFilters(
            organisation=district,
            date_from=date_from,
            date_to=date_to,
            ward_id=ward.pk if ward else None,
        ),
        "3 years by week": InsightFilters(
            organisation=district,
            date_from=date(today.year - 3, today.month, 1),
            date_to=date_to,
            grouping="week",
        ),
    }
    for view, filters in views.items():

        def fresh(filters: InsightFilters = filters) -> Context:
            # A new context each time: nothing cached from the last sample.
            return Context(
                filters=filters, baseline_from=baseline_from, baseline_to=baseline_to, today=today
            )

        whole: list[float] = []
        for key, build in FIGURES.items():
            samples = timed(lambda build=build, fresh=fresh: build(fresh()), repeat)
            whole.append(sorted(samples)[len(samples) // 2])
            yield f"insight [{view}] {key}", percentiles(samples)
        yield f"insight [{view}] whole dashboard (sum of medians)", f"{sum(whole):.0f} ms"
