"""The public performance pages: `/performance/` lists the councils, `/performance/<slug>/`
shows one council's figures for the last 12 full months, with a CSV of each.

Aggregates only, never a row about a person; counts from 1 to 4, and anything worked out from
them, are shown as "[c]" (`insight.figures.SUPPRESS_BELOW`). The figures are the dashboard's,
for the whole council (no service, ward or channel filter).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from borough.core.models import COUNCIL_KINDS, Organisation
from borough.core.workingdays import LONDON
from borough.insight.cache import generation_key
from borough.insight.figures import FIGURES, SUPPRESS_BELOW, Context, Figure, figures_build
from borough.insight.forms import default_baseline, months_before
from borough.insight.selectors import Grouping, InsightFilters
from borough.insight.views import csv_response, figures_for_page

# What the public page shows: every figure but the savings against a staff-chosen baseline.
PUBLIC_FIGURES = [key for key in FIGURES if key != "savings"]


def _councils() -> list[Organisation]:
    return list(
        Organisation.objects.filter(is_active=True, kind__in=COUNCIL_KINDS).order_by("name")
    )


def _council(slug: str) -> Organisation:
    for organisation in _councils():
        if organisation.slug == slug:
            return organisation
    raise Http404("No such council")


def public_context(organisation: Organisation, today: date) -> Context:
    """The 12 full months before this one."""
    last = today.replace(day=1) - timedelta(days=1)
    first = months_before(today, 12)
    baseline_from, baseline_to = default_baseline(first)
    return Context(
        filters=InsightFilters(
            organisation=organisation, date_from=first, date_to=last, grouping=Grouping.MONTH
        ),
        baseline_from=baseline_from,
        baseline_to=baseline_to,
        today=today,
        public=True,
    )


def _today() -> date:
    return timezone.now().astimezone(LONDON).date()


def public_figures(organisation: Organisation, today: date) -> list[Figure]:
    """The public figures for `organisation`, kept in the cache for
    `INSIGHT_PUBLIC_CACHE_SECONDS`: the page is open to anyone and its queries read every
    contact of a year, so a flood of requests must not run them again each time. The key
    holds the day, the language and a generation that `public_figures_forget` moves on."""
    generation = cache.get(generation_key(organisation), 0)
    key = (
        f"insight:public:{organisation.pk}:{generation}:{organisation.updated_at.timestamp()}"
        f":{today.isoformat()}:{get_language()}"
    )
    figures = cache.get(key)
    if figures is None:
        figures = figures_build(public_context(organisation, today), PUBLIC_FIGURES)
        cache.set(key, figures, timeout=settings.INSIGHT_PUBLIC_CACHE_SECONDS)
    return figures


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "insight/public_index.html", {"councils": _councils()})


@require_safe
def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _council(slug)
    today = _today()
    ctx = public_context(organisation, today)
    figures = public_figures(organisation, today)
    return render(
        request,
        "insight/public_organisation.html",
        {
            "organisation": organisation,
            "ctx": ctx,
            "figures": figures_for_page(figures),
            "suppress_below": SUPPRESS_BELOW,
            "suppress_max": SUPPRESS_BELOW - 1,
            "brand_colour": organisation.brand_colour,
        },
    )


@require_safe
def organisation_download(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    if key not in PUBLIC_FIGURES:
        raise Http404("No such figure")
    organisation = _council(slug)
    figure = next(f for f in public_figures(organisation, _today()) if f.key == key)
    return csv_response(figure, organisation)
