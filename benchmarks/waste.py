"""Waste measurements on the demo: the bin-day lookup (every stream's next collections and
last outcome for one address), the missed-collection checks and the calendar feed."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import timedelta


def run(
    *, timed: Callable[[Callable[[], object], int], list[float]], percentiles: Callable[..., str]
) -> Iterator[tuple[str, str]]:
    from django.test import Client
    from django.utils import timezone

    from borough.waste.models import PropertyService
    from borough.waste.selectors import bin_days, local_now, missed_collection_checks

    uprns = list(PropertyService.objects.values_list("property__uprn", flat=True).distinct()[:2000])
    if not uprns:
        yield "waste", "no demo collections"
        return
    from borough.places.models import Property

    homes = list(Property.objects.filter(uprn__in=uprns))
    rng = random.Random(1)
    today = local_now().date()

    def lookup() -> object:
        return bin_days(prop=rng.choice(homes), today=today)

    yield "bin-day lookup (selector)", percentiles(timed(lookup, 300))

    def checks() -> object:
        return missed_collection_checks(
            prop=rng.choice(homes), now=timezone.now() - timedelta(hours=rng.randint(0, 300))
        )

    yield "missed-collection checks", percentiles(timed(checks, 300))

    client = Client()

    def page() -> object:
        response = client.get(f"/bins/{rng.choice(uprns)}/")
        assert response.status_code == 200
        return response

    yield "bin-day page (GET /bins/<uprn>/)", percentiles(timed(page, 200))

    def feed() -> object:
        return client.get(f"/bins/{rng.choice(uprns)}/calendar.ics")

    yield "calendar feed (a year of collections)", percentiles(timed(feed, 100))
