"""The round planner's staff pages, under /staff/waste/planning/: the council's plans, the
form that asks for one, and a plan's page (its progress while the worker makes it, then
each round's figures, the comparison with the current rounds and a map). The progress
JSON and the rounds' GeoJSON are for the page's script; without JavaScript the page has a
Refresh link and the tables.

For team leaders and administrators of a council's waste teams
(`planning.selectors.planning_organisations_for_staff`): other staff get 403 on the list
and the form, and 404 for a plan. Page views and starts are audited."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from borough.backoffice.access import staff_view
from borough.core.models import Organisation
from borough.core.services import audit_record
from borough.portal.fields import Field, Item
from borough.waste.forms import money_text
from borough.waste.models import RoundPlan, RoundPlanStatus, Stream
from borough.waste.planning.demo_area import COST_UNITS_PER_POUND, cost_pence
from borough.waste.planning.forms import (
    posted_values,
    settings_groups,
    settings_parse,
    settings_values,
)
from borough.waste.planning.planner_settings import (
    PlannerSettingsInvalid,
    planner_settings_get,
    planner_settings_save,
)
from borough.waste.planning.selectors import (
    planning_organisations_for_staff,
    round_plan_for_staff,
    round_plans_as_seen,
    round_plans_for_staff,
    streams_for_planning,
)
from borough.waste.planning.services import (
    PlanningError,
    max_seconds,
    round_plan_start,
    round_settings_from_json,
)
from borough.waste.views.common import organisation_chosen

DEFAULT_SECONDS = 60
# How often the page's script asks for the progress (milliseconds).
POLL_MS = 2000


def _organisation(request: HttpRequest) -> tuple[Organisation, list[Organisation]]:
    return organisation_chosen(request, planning_organisations_for_staff(user=request.user))


def _km(metres: int) -> str:
    return f"{metres / 1000:,.1f}"


def _hours(seconds: int) -> str:
    hours, rest = divmod(round(seconds / 60), 60)
    return _("%(hours)s h %(minutes)02d min") % {"hours": f"{hours:,}", "minutes": rest}


def _pounds(cost: int) -> str:
    return f"£{round(cost / COST_UNITS_PER_POUND):,}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def _tonnes(kg: int) -> str:
    return f"{kg / 1000:,.1f}"


@staff_view
@require_safe
def plans(request: HttpRequest) -> HttpResponse:
    organisation, organisations = _organisation(request)
    rows = round_plans_as_seen(
        round_plans_for_staff(user=request.user, organisation=organisation)[:50]
    )
    audit_record(actor=request.user, action="waste.round_plans_view", obj=organisation)
    return render(
        request,
        "waste/planning/plans.html",
        {
            "nav": "waste",
            "organisation": organisation,
            "organisations": organisations,
            "plans": rows,
        },
    )


def _fields(streams: list[Stream], values: dict[str, str], errors: dict[str, str]) -> list[Field]:
    limit = max_seconds()
    return [
        Field(
            id="stream",
            name="stream",
            kind="radios",
            label=_("Which waste stream do you want to plan?"),
            size="m",
            error=errors.get("stream"),
            items=[
                Item(
                    id="stream" if number == 0 else f"stream-{stream.kind}",
                    value=stream.kind,
                    label=stream.name,
                    checked=values.get("stream") == stream.kind,
                )
                for number, stream in enumerate(streams)
            ],
        ),
        Field(
            id="seconds",
            name="seconds",
            kind="text",
            label=_("How long should the planner search, in seconds?"),
            hint=_(
                "Up to %(limit)s seconds. A longer search can find shorter rounds. "
                "A minute is enough for a town of a few thousand homes."
            )
            % {"limit": limit},
            size="m",
            error=errors.get("seconds"),
            value=values.get("seconds", str(min(DEFAULT_SECONDS, limit))),
            inputmode="numeric",
            spellcheck="false",
            classes="govuk-input--width-4",
        ),
    ]


@staff_view
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    organisation, organisations = _organisation(request)
    streams = list(streams_for_planning(organisation=organisation))
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {
            "stream": str(request.POST.get("stream", "")).strip(),
            "seconds": str(request.POST.get("seconds", "")).strip(),
        }
        stream = next((s for s in streams if s.kind == values["stream"]), None)
        if stream is None:
            errors["stream"] = _("Select the waste stream to plan")
        limit = max_seconds()
        seconds = 0
        if not values["seconds"]:
            errors["seconds"] = _("Enter how long the planner should search, in seconds")
        else:
            try:
                seconds = int(values["seconds"])
            except ValueError:
                errors["seconds"] = _(
                    "How long the planner should search must be a whole number of seconds, like 60"
                )
            else:
                if not 1 <= seconds <= limit:
                    errors["seconds"] = _(
                        "How long the planner should search must be between 1 and %(limit)s seconds"
                    ) % {"limit": limit}
        if not errors and stream is not None:
            try:
                plan = round_plan_start(
                    organisation=organisation, stream=stream, seconds=seconds, actor=request.user
                )
            except PlanningError as error:
                errors[error.field or "stream"] = error.message
            else:
                return redirect("waste:round_plan", plan_id=plan.pk)
    fields = _fields(streams, values, errors)
    summary = [(fields_error, f"#{name}") for name, fields_error in errors.items()]
    return render(
        request,
        "waste/planning/plan_new.html",
        {
            "nav": "waste",
            "organisation": organisation,
            "organisations": organisations,
            "fields": fields,
            "errors": summary,
            "streams": streams,
        },
        status=400 if errors else 200,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def planner_settings_page(request: HttpRequest) -> HttpResponse:
    """The council's planner settings: the depot, the tip, the roads, the shift, the fleet
    and each stream's load. Saving them changes no plan already made."""
    organisation, organisations = _organisation(request)
    streams = list(streams_for_planning(organisation=organisation))
    current = planner_settings_get(organisation=organisation)
    errors: dict[str, str] = {}
    if request.method == "POST":
        planner, errors = settings_parse(request.POST, current, streams)
        if not errors:
            try:
                planner_settings_save(
                    organisation=organisation, planner=planner, actor=request.user
                )
            except PlannerSettingsInvalid as error:
                errors = error.errors
            else:
                messages.success(
                    request, _("The planner settings have been saved. New plans will use them.")
                )
                query = urlencode({"organisation": organisation.slug})
                return redirect(f"{reverse('waste:round_plans')}?{query}")
        values = posted_values(request.POST)
    else:
        values = settings_values(current, streams)
        audit_record(
            actor=request.user, action="waste.round_planner_settings_view", obj=organisation
        )
    return render(
        request,
        "waste/planning/settings.html",
        {
            "nav": "waste",
            "organisation": organisation,
            "organisations": organisations,
            "groups": settings_groups(values, errors, streams),
            "errors": [(message, f"#{name}") for name, message in errors.items()],
        },
        status=400 if errors else 200,
    )


def _settings_used(plan: RoundPlan) -> list[tuple[str, str]]:
    """The settings `plan` was made with, as rows of the plan's page."""
    used = round_settings_from_json(plan.round_settings or {})
    vehicles = "\n".join(
        _("%(name)s: %(payload)s kg, %(crews)s a day, %(cost)s a day")
        % {
            "name": kind.name,
            "payload": f"{kind.payload_kg:,}",
            "crews": kind.crews_per_day,
            "cost": money_text(cost_pence(kind.round_cost)),
        }
        for kind in used.fleet
    )
    return [
        (_("Depot"), f"{used.depot[0]:g}, {used.depot[1]:g}"),
        (_("Tip"), f"{used.tip[0]:g}, {used.tip[1]:g}"),
        (_("Road distance factor"), f"{used.road_factor:g}"),
        (_("Average speed"), _("%(speed)s km/h") % {"speed": f"{used.speed_kmh:g}"}),
        (_("Time at each property"), _("%(n)s seconds") % {"n": used.service_seconds}),
        (_("Time at the tip"), _("%(n)s minutes") % {"n": used.tip_minutes}),
        (_("Shift"), _hours(used.shift_seconds)),
        (_("Vehicles"), vehicles),
        (_("Weight from each property"), _("%(n)s kg") % {"n": used.kg_per_property}),
        (_("Working days in a cycle"), str(used.days_per_cycle)),
    ]


def _progress(plan: RoundPlan) -> dict[str, Any]:
    percent = round(100 * plan.progress)
    done_seconds = round(plan.progress * plan.seconds)
    return {
        "status": plan.status,
        "status_text": plan.get_status_display(),
        "percent": percent,
        "finished": plan.status in (RoundPlanStatus.DONE, RoundPlanStatus.FAILED),
        "best_cost": plan.best_cost,
        "best_cost_text": _pounds(plan.best_cost) if plan.best_cost is not None else "",
        "text": _progress_text(plan, percent, done_seconds),
    }


def _progress_text(plan: RoundPlan, percent: int, done_seconds: int) -> str:
    if plan.status == RoundPlanStatus.QUEUED:
        return _("Waiting for the planner to start.")
    if plan.status == RoundPlanStatus.RUNNING:
        text = _("Planning: %(percent)s%% done (%(done)s of %(seconds)s seconds).") % {
            "percent": percent,
            "done": done_seconds,
            "seconds": plan.seconds,
        }
        if plan.best_cost is not None:
            text += " " + _("Best cost so far: %(cost)s.") % {"cost": _pounds(plan.best_cost)}
        return text
    if plan.status == RoundPlanStatus.DONE:
        return _("Planned.")
    return _("The plan failed.")


def _results(plan: RoundPlan) -> dict[str, Any] | None:
    result = plan.result
    if plan.status != RoundPlanStatus.DONE or not result:
        return None
    total, current, saving = result["total"], result["current"], result["saving"]
    rounds = [
        {
            "name": row["name"],
            "vehicle": row["vehicle"],
            "properties": f"{row['properties']:,}",
            "trips": row["trips"],
            "load": _tonnes(row["load_kg"]),
            "trip_loads": ", ".join(_tonnes(load) for load in row["trip_loads_kg"]),
            "distance": _km(row["distance_m"]),
            "time": _hours(row["duration_s"]),
        }
        for row in result["rounds"]
    ]
    comparison = [
        (
            _("Rounds in a %(days)s-day cycle") % {"days": result["days_per_cycle"]},
            f"{current['rounds']:,}",
            f"{total['rounds']:,}",
            f"{saving['rounds']:,}",
        ),
        (
            _("Vehicles out a day"),
            f"{current['vehicles_a_day']:,}",
            f"{total['vehicles_a_day']:,}",
            f"{saving['vehicles_a_day']:,}",
        ),
        (
            _("Distance (km)"),
            _km(current["distance_m"]),
            _km(total["distance_m"]),
            f"{_km(saving['distance_m'])} ({_percent(saving['distance_percent'])})",
        ),
        (
            _("Time"),
            _hours(current["duration_s"]),
            _hours(total["duration_s"]),
            f"{_hours(saving['duration_s'])} ({_percent(saving['duration_percent'])})"
            if saving["duration_s"] >= 0
            else _("%(time)s more") % {"time": _hours(-saving["duration_s"])},
        ),
        (
            _("Cost of a cycle"),
            _pounds(current["cost"]),
            _pounds(total["cost"]),
            f"{_pounds(saving['cost'])} ({_percent(saving['cost_percent'])})",
        ),
    ]
    return {
        "feasible": result["feasible"],
        "problems": result["problems"],
        "properties": f"{result['properties']:,}",
        "collection_points": f"{result['collection_points']:,}",
        "seconds": result["seconds"],
        "rounds": rounds,
        "total": {
            "rounds": f"{total['rounds']:,}",
            "properties": f"{total['properties']:,}",
            "trips": f"{total['trips']:,}",
            "load": _tonnes(total["load_kg"]),
            "distance": _km(total["distance_m"]),
            "time": _hours(total["duration_s"]),
        },
        "current_vehicle": current["vehicle"],
        # Plans made before the council's rounds were compared have no source: modelled.
        "current_from_rounds": current.get("source") == "rounds",
        "current_over_shift": current.get("over_shift", 0),
        "current_rounds": [
            {
                "name": row["name"],
                "properties": f"{row['properties']:,}",
                "trips": row["trips"],
                "load": _tonnes(row["load_kg"]),
                "distance": _km(row["distance_m"]),
                "time": _hours(row["duration_s"]),
                "over_shift": row["over_shift"],
            }
            for row in current.get("details", [])
        ],
        "comparison": comparison,
        "saving_distance_percent": _percent(saving["distance_percent"]),
        "saving_cost": _pounds(saving["cost"]),
        "shift": _hours(result["shift_seconds"]),
    }


@staff_view
@require_safe
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = round_plan_for_staff(user=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404("No such round plan")
    audit_record(actor=request.user, action="waste.round_plan_view", obj=plan)
    return render(
        request,
        "waste/planning/plan.html",
        {
            "nav": "waste",
            "plan": plan,
            "organisation": plan.organisation,
            "progress": _progress(plan),
            "results": _results(plan),
            "settings_used": _settings_used(plan),
            "poll_ms": POLL_MS,
            "progress_url": reverse("waste:round_plan_progress", args=[plan.pk]),
            "map_url": reverse("waste:round_plan_map", args=[plan.pk]),
            "tile_url": str(getattr(settings, "MAP_TILE_URL", "") or ""),
            "tile_attribution": str(getattr(settings, "MAP_TILE_ATTRIBUTION", "") or ""),
        },
    )


@staff_view
@require_safe
def plan_progress(request: HttpRequest, plan_id: int) -> JsonResponse:
    """The plan's status and progress, for the page's script (not audited: no more than
    the page it polls from, which is)."""
    plan = round_plan_for_staff(user=request.user, plan_id=plan_id)
    if plan is None:
        raise Http404("No such round plan")
    return JsonResponse(_progress(plan))


@staff_view
@require_safe
def plan_map(request: HttpRequest, plan_id: int) -> JsonResponse:
    """The planned rounds as GeoJSON lines (longitude, latitude), with the depot and tip."""
    plan = round_plan_for_staff(user=request.user, plan_id=plan_id)
    if plan is None or plan.status != RoundPlanStatus.DONE or not plan.result:
        raise Http404("No such round plan")
    result = plan.result
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[lon, lat] for lat, lon in row["path"]],
            },
            "properties": {
                "kind": "round",
                "name": row["name"],
                "vehicle": row["vehicle"],
                "properties": row["properties"],
                "trips": row["trips"],
                "load": _tonnes(row["load_kg"]),
                "distance": _km(row["distance_m"]),
                "time": _hours(row["duration_s"]),
            },
        }
        for row in result["rounds"]
    ]
    for kind, name in (("depot", _("Depot")), ("tip", _("Tip"))):
        lat, lon = result[kind]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"kind": kind, "name": name},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
