"""The public performance pages: `/performance/` lists the councils, `/performance/<slug>/`
shows one council's figures for the last 12 full months, with a CSV of each.

Aggregates only, never a row about a person; counts from 1 to 4, and anything worked out from
them, are shown as "[c]" (`insight.figures.SUPPRESS_BELOW`). The figures are the dashboard's,
for the whole council (no service, ward or channel filter).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from borough.core.models import COUNCIL_KINDS, Organisation
from borough.core.workingdays import LONDON
from borough.insight.figures import FIGURES, SUPPRESS_BELOW, Context, figures_build
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


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "insight/public_index.html", {"councils": _councils()})


@require_safe
def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _council(slug)
    ctx = public_context(organisation, _today())
    figures = figures_build(ctx, PUBLIC_FIGURES)
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
    figure = figures_build(public_context(organisation, _today()), [key])[0]
    return csv_response(figure, organisation)
