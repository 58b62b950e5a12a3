"""Staff pages for insight: the dashboard, its CSV downloads, and the pages where
administrators set an organisation's channel costs and channel-shift targets.

Team leaders, auditors and administrators see the figures of the organisations where they
hold that role (`insight.access`); everyone else gets 403, and an organisation they may not
see is not offered (a forged choice is an error on the form). Every read of the figures is
audited (`insight.view`, `insight.download`), even though they are aggregates.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from borough.backoffice.access import staff_view
from borough.contacts.models import Channel
from borough.contacts.services import ContactInvalid
from borough.core.models import Organisation
from borough.core.services import audit_record
from borough.core.workingdays import LONDON
from borough.insight import access
from borough.insight.charts import chart_svg
from borough.insight.figures import FIGURES, Context, Figure, figures_build
from borough.insight.forms import (
    ChannelCostForm,
    ChannelShiftTargetForm,
    InsightFilterForm,
    RemoveForm,
    default_baseline,
    default_range,
)
from borough.insight.selectors import channel_costs, channel_shift_targets
from borough.insight.services import (
    InsightInvalid,
    channel_cost_change,
    channel_cost_remove,
    channel_shift_target_remove,
    channel_shift_target_set,
)


def _today() -> Any:
    return timezone.now().astimezone(LONDON).date()


def _organisations(request: HttpRequest) -> list[Organisation]:
    organisations = list(access.insight_organisations(user=request.user))
    if not organisations:
        raise PermissionDenied
    return organisations


def _filter_form(request: HttpRequest, organisations: list[Organisation]) -> InsightFilterForm:
    data = request.GET.copy()
    if not data.get("organisation"):
        data["organisation"] = organisations[0].slug
    if not data.get("date_from") and not data.get("date_to"):
        # Show the default range (the last 12 months) and baseline in the form.
        date_from, date_to = default_range(_today())
        baseline_from, baseline_to = default_baseline(date_from)
        for name, day in (
            ("date_from", date_from),
            ("date_to", date_to),
            ("baseline_from", baseline_from),
            ("baseline_to", baseline_to),
        ):
            if not data.get(name):
                data[name] = f"{day.day}/{day.month}/{day.year}"
    return InsightFilterForm(data, organisations=organisations, today=_today())


def _context(form: InsightFilterForm, *, public: bool = False) -> Context:
    return Context(
        filters=form.filters(),
        baseline_from=form.cleaned_data["baseline_from"],
        baseline_to=form.cleaned_data["baseline_to"],
        today=_today(),
        public=public,
    )


def figures_for_page(figures: list[Figure]) -> list[dict[str, Any]]:
    """Each figure with its chart drawn and its tables ready to show."""
    shown = []
    for figure in figures:
        chart = None
        if figure.chart is not None and figure.tables and figure.tables[0].rows:
            chart = chart_svg(
                table=figure.tables[0],
                spec=figure.chart,
                chart_id=f"chart-{figure.key}",
                description=figure.summary + " " + _("The data is in the table below the chart."),
            )
        shown.append(
            {
                "figure": figure,
                "chart": chart,
                "tables": [
                    {
                        "table": table,
                        "rows": [
                            list(zip(row, [c.numeric for c in table.columns], strict=True))
                            for row in table.display_rows()
                        ],
                    }
                    for table in figure.tables
                ],
            }
        )
    return shown


def _audit(request: HttpRequest, action: str, ctx: Context, **detail: Any) -> None:
    filters = ctx.filters
    audit_record(
        actor=request.user,
        action=action,
        obj=filters.organisation,
        organisation=filters.organisation,
        detail={
            "from": filters.date_from.isoformat(),
            "to": filters.date_to.isoformat(),
            "group": str(filters.grouping),
            "service": filters.service_id,
            "ward": filters.ward_id,
            "channel": filters.channel,
            **detail,
        },
    )


@staff_view
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    form = _filter_form(request, organisations)
    context: dict[str, Any] = {"form": form, "nav": "insight", "figures": []}
    if not form.is_valid():
        context["errors"] = form.error_list()
        return render(request, "insight/dashboard.html", context, status=400)
    ctx = _context(form)
    figures = figures_build(ctx)
    _audit(request, "insight.view", ctx)
    query = request.GET.copy()
    query["organisation"] = ctx.filters.organisation.slug
    manage = access.insight_manage_organisations(user=request.user).filter(
        pk=ctx.filters.organisation.pk
    )
    context.update(
        {
            "organisation": ctx.filters.organisation,
            "ctx": ctx,
            "figures": figures_for_page(figures),
            "query": query.urlencode(),
            "may_manage": manage.exists(),
        }
    )
    return render(request, "insight/dashboard.html", context)


@staff_view
@require_safe
def download(request: HttpRequest, key: str) -> HttpResponse:
    if key not in FIGURES:
        raise Http404("No such figure")
    organisations = _organisations(request)
    form = _filter_form(request, organisations)
    if not form.is_valid():
        return HttpResponse(
            "\n".join(message for _, message in form.error_list()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    ctx = _context(form)
    figure = figures_build(ctx, [key])[0]
    _audit(request, "insight.download", ctx, figure=key)
    return csv_response(figure, ctx.filters.organisation)


def csv_response(figure: Figure, organisation: Organisation) -> HttpResponse:
    response = HttpResponse(figure.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{organisation.slug}-{figure.key}.csv"'
    return response


# -- Channel costs and targets (administrators) ---------------------------------------------


def _removal(request: HttpRequest) -> int | None:
    form = RemoveForm(request.POST)
    return form.cleaned_data["remove"] if form.is_valid() else None


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def costs(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.organisation_to_manage(user=request.user, slug=slug)
    form = ChannelCostForm()
    status = 200
    if request.method == "POST":
        if "remove" in request.POST:
            cost_id = _removal(request)
            if cost_id is not None and channel_cost_remove(
                organisation=organisation, actor=request.user, cost_id=cost_id
            ):
                messages.success(request, _("Cost removed"))
            return redirect("insight:costs", slug=organisation.slug)
        form = ChannelCostForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                channel_cost_change(
                    organisation=organisation,
                    actor=request.user,
                    channel=data["channel"],
                    valid_from=data["valid_from"],
                    cost_pence=data["cost"],
                    source=data["source"],
                )
            except ContactInvalid as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Cost saved"))
                return redirect("insight:costs", slug=organisation.slug)
        status = 400
    rows = [
        {"cost": cost, "channel": Channel(cost.channel).label}
        for cost in channel_costs(organisation=organisation)
    ]
    return render(
        request,
        "insight/costs.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": form.error_list() if form.is_bound else [],
            "rows": rows,
            "nav": "insight",
            "dashboard_url": reverse("insight:dashboard") + f"?organisation={organisation.slug}",
        },
        status=status,
    )


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def targets(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.organisation_to_manage(user=request.user, slug=slug)
    form = ChannelShiftTargetForm()
    status = 200
    if request.method == "POST":
        if "remove" in request.POST:
            target_id = _removal(request)
            if target_id is not None and channel_shift_target_remove(
                organisation=organisation, actor=request.user, target_id=target_id
            ):
                messages.success(request, _("Target removed"))
            return redirect("insight:targets", slug=organisation.slug)
        form = ChannelShiftTargetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                channel_shift_target_set(
                    organisation=organisation,
                    actor=request.user,
                    starts_on=data["starts_on"],
                    due_on=data["due_on"],
                    percent=data["percent"],
                    note=data["note"],
                )
            except InsightInvalid as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Target saved"))
                return redirect("insight:targets", slug=organisation.slug)
        status = 400
    return render(
        request,
        "insight/targets.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": form.error_list() if form.is_bound else [],
            "targets": channel_shift_targets(organisation=organisation),
            "nav": "insight",
            "dashboard_url": reverse("insight:dashboard") + f"?organisation={organisation.slug}",
        },
        status=status,
    )
