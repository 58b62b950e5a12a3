"""Round plans as background work: ask for a plan of one stream's rounds (`round_plan_start`),
and the task that makes it (`round_plan_run`).

A plan is advice for the round manager: making one changes nothing but its own row. The
task runs the planner (`demo_area.rounds_plan`, which calls `solver.plan_solve`) over the
properties the stream collects from, and writes its progress through the solver's progress
hook: at most every `PROGRESS_WRITE_SECONDS`, each write its own short transaction, so the
pages read it while the search goes on. The result (or the reason it failed) is written at
the end. Running the task twice plans once: only a waiting plan is started.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from dataclasses import asdict
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.core.models import Organisation
from borough.core.services import audit_record
from borough.waste.models import PropertyService, RoundPlan, RoundPlanStatus, Stream
from borough.waste.planning.demo_area import (
    COST_PER_METRE,
    FleetKind,
    Premises,
    RoundSettings,
    RoundsPlan,
    rounds_plan,
)
from borough.waste.planning.planner_settings import planner_settings_for

logger = logging.getLogger("borough.waste.planning")

# The progress hook is called about once a second; the plan's row is written at most this
# often (and once more when the time is up).
PROGRESS_WRITE_SECONDS = 2.0
# A plan still Planning whose progress was last written (or which started) longer ago than
# its time budget plus this margin has lost its worker (killed, or the machine went down):
# the pages show it as failed at once (`round_plan_stalled`), and the periodic sweep
# (`round_plans_stalled_fail`) records it so.
STALLED_MARGIN_SECONDS = 120


class PlanningErrorCode(StrEnum):
    INVALID = "invalid"
    NO_PROPERTIES = "no_properties"


class PlanningError(ValueError):
    def __init__(self, message: str, *, code: PlanningErrorCode, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def max_seconds() -> int:
    """The longest a member of staff may ask the planner to search (ROUND_PLAN_MAX_SECONDS)."""
    return int(settings.ROUND_PLAN_MAX_SECONDS)


def round_settings_to_json(round_settings: RoundSettings) -> dict[str, Any]:
    return asdict(round_settings)


def round_settings_from_json(data: dict[str, Any]) -> RoundSettings:
    values = dict(data)
    if "fleet" in values:
        values["fleet"] = tuple(FleetKind(**kind) for kind in values["fleet"])
    for name in ("depot", "tip"):
        if name in values:
            values[name] = tuple(values[name])
    return RoundSettings(**values)


def premises_for_stream(*, stream: Stream, on: date | None = None) -> list[Premises]:
    """The properties `stream` is collected from on `on` (today), as the planner's premises,
    each with the name of the council's round that collects it."""
    on = on or timezone.localdate()
    services = (
        PropertyService.objects.filter(organisation_id=stream.organisation_id, stream=stream)
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=on))
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=on))
        .select_related("property", "property__ward", "round")
        .order_by("property__uprn")
    )
    return [
        Premises(
            uprn=service.property.uprn,
            latitude=service.property.latitude,
            longitude=service.property.longitude,
            ward=service.property.ward.name if service.property.ward else "",
            street=service.property.street_name,
            paon=service.property.paon,
            saon=service.property.saon,
            current_round=service.round.name,
        )
        for service in services
    ]


def round_plan_start(
    *,
    organisation: Organisation,
    stream: Stream,
    seconds: int,
    actor: Any,
    round_settings: RoundSettings | None = None,
) -> RoundPlan:
    """Ask for a plan of `stream`'s rounds, searching for `seconds`, with the council's planner
    settings for the stream unless `round_settings` are given; the worker makes it.
    Refused (PlanningError, nothing written) for another council's stream, a time outside
    1 to ROUND_PLAN_MAX_SECONDS, or a stream with no properties to collect from."""
    if stream.organisation_id != organisation.pk:
        raise PlanningError(
            _("Select the waste stream to plan"), code=PlanningErrorCode.INVALID, field="stream"
        )
    limit = max_seconds()
    if not 1 <= seconds <= limit:
        raise PlanningError(
            _("The time to plan for must be between 1 and %(limit)s seconds") % {"limit": limit},
            code=PlanningErrorCode.INVALID,
            field="seconds",
        )
    properties = len(premises_for_stream(stream=stream))
    if not properties:
        raise PlanningError(
            _("No properties have %(stream)s collections to plan") % {"stream": stream.name},
            code=PlanningErrorCode.NO_PROPERTIES,
            field="stream",
        )
    with transaction.atomic():
        plan = RoundPlan.objects.create(
            organisation=organisation,
            stream=stream,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            seconds=seconds,
            round_settings=round_settings_to_json(
                round_settings or planner_settings_for(organisation=organisation, kind=stream.kind)
            ),
            properties=properties,
        )
        audit_record(
            actor=actor,
            action="waste.round_plan_start",
            obj=plan,
            detail={"stream": stream.kind, "seconds": seconds, "properties": properties},
        )
        transaction.on_commit(partial(round_plan_enqueue, plan.pk), robust=True)
    return plan


def stalled_message() -> str:
    return _("The planner stopped before it finished. Start a new plan.")


def round_plan_stalled(plan: RoundPlan, *, now: datetime | None = None) -> bool:
    """Whether `plan` is Planning but its worker has gone: its progress, written every
    PROGRESS_WRITE_SECONDS while the search runs, was last written (or, before the first
    write, the plan started) longer ago than its time budget plus STALLED_MARGIN_SECONDS."""
    if plan.status != RoundPlanStatus.RUNNING:
        return False
    last = plan.progress_at or plan.started_at or plan.updated_at
    if last is None:
        return True
    now = now or timezone.now()
    return now - last > timedelta(seconds=plan.seconds + STALLED_MARGIN_SECONDS)


@transaction.atomic
def round_plans_stalled_fail(*, now: datetime | None = None) -> int:
    """Record every stalled plan (`round_plan_stalled`) as failed, with the reason; returns
    how many. A worker that comes back later cannot overwrite it (`_finish` and the
    progress writes only touch a plan still Planning). Safe to run twice."""
    now = now or timezone.now()
    plans = list(
        RoundPlan.objects.select_for_update().filter(status=RoundPlanStatus.RUNNING).order_by("pk")
    )
    stalled = [plan.pk for plan in plans if round_plan_stalled(plan, now=now)]
    if stalled:
        RoundPlan.objects.filter(pk__in=stalled, status=RoundPlanStatus.RUNNING).update(
            status=RoundPlanStatus.FAILED,
            error=stalled_message()[:500],
            finished_at=now,
            updated_at=now,
        )
        for plan_id in stalled:
            logger.warning("Round plan stalled: its worker stopped", extra={"plan": plan_id})
    return len(stalled)


def round_plan_enqueue(plan_id: int) -> None:
    """Ask a worker to make the plan (with the immediate backend, make it now)."""
    from borough.waste.planning.tasks import round_plan_make

    result = round_plan_make.enqueue(plan_id=plan_id)
    RoundPlan.objects.filter(pk=plan_id).update(task_id=str(result.id)[:64])


class ProgressWriter:
    """The solver's progress hook: writes the fraction of the time used and the best cost
    so far to the plan's row, at most every `every` seconds, each write its own transaction.
    A write that fails (a busy database) is skipped: the search goes on."""

    def __init__(self, plan_id: int, *, every: float | None = None) -> None:
        self.plan_id = plan_id
        self.every = PROGRESS_WRITE_SECONDS if every is None else every
        self.written = -math.inf
        self.writes = 0

    def __call__(self, elapsed: float, limit: float, best_cost: float) -> None:
        now = time.monotonic()
        last = elapsed >= limit
        if now - self.written < self.every and not last:
            return
        self.written = now
        fraction = min(elapsed / limit, 1.0) if limit > 0 else 1.0
        cost = int(best_cost) if math.isfinite(best_cost) else None
        try:
            with transaction.atomic():
                RoundPlan.objects.filter(pk=self.plan_id, status=RoundPlanStatus.RUNNING).update(
                    progress=round(fraction, 4), best_cost=cost, progress_at=timezone.now()
                )
        except DatabaseError:
            logger.warning("Round plan progress not written", extra={"plan": self.plan_id})
            return
        self.writes += 1


def round_plan_run(*, plan_id: int) -> str:
    """Make a waiting plan: claim it, run the planner, write the result or the failure.
    A plan that is not waiting (already made, or being made) is left alone. Returns the
    plan's status."""
    with transaction.atomic():
        plan = (
            RoundPlan.objects.select_for_update(of=("self",))
            .select_related("stream")
            .filter(pk=plan_id)
            .first()
        )
        if plan is None:
            return ""
        if plan.status != RoundPlanStatus.QUEUED:
            return str(plan.status)
        plan.status = RoundPlanStatus.RUNNING
        plan.started_at = timezone.now()
        plan.progress = 0.0
        plan.save(update_fields=["status", "started_at", "progress", "updated_at"])
    try:
        round_settings = round_settings_from_json(plan.round_settings)
        premises = premises_for_stream(stream=plan.stream)
        if not premises:
            raise PlanningError(
                _("No properties have %(stream)s collections to plan")
                % {"stream": plan.stream.name},
                code=PlanningErrorCode.NO_PROPERTIES,
            )
        planned = rounds_plan(
            premises=premises,
            settings=round_settings,
            seconds=plan.seconds,
            progress=ProgressWriter(plan.pk),
        )
        result = round_plan_result(planned, round_settings)
    except Exception as error:
        logger.exception("Round plan failed", extra={"plan": plan.pk})
        message = (
            error.message
            if isinstance(error, PlanningError)
            else _("The planner stopped with an error: %(error)s")
            % {"error": f"{type(error).__name__}: {error}"}
        )
        _finish(plan.pk, status=RoundPlanStatus.FAILED, error=message[:500])
        return str(RoundPlanStatus.FAILED)
    _finish(plan.pk, status=RoundPlanStatus.DONE, result=result, properties=len(premises))
    return str(RoundPlanStatus.DONE)


def _finish(plan_id: int, *, status: str, **values: Any) -> None:
    with transaction.atomic():
        RoundPlan.objects.filter(pk=plan_id, status=RoundPlanStatus.RUNNING).update(
            status=status,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
            **({"progress": 1.0} if status == RoundPlanStatus.DONE else {}),
            **values,
        )


def _percent(before: int, after: int) -> float | None:
    if not before:
        return None
    return round(100 * (before - after) / before, 1)


def round_plan_result(plan: RoundsPlan, round_settings: RoundSettings) -> dict[str, Any]:
    """What a plan's row keeps: each round, the totals, the current rounds and the saving.
    Distances are metres, times seconds, loads kilograms, costs in the planner's unit (0.1p:
    £1 a kilometre plus each round's crew and vehicle)."""
    fleet = {kind.name: kind for kind in round_settings.fleet}
    largest = max(round_settings.fleet, key=lambda kind: kind.payload_kg)
    days = max(round_settings.days_per_cycle, 1)
    rounds: list[dict[str, Any]] = []
    for summary in plan.rounds:
        kind = fleet[summary.vehicle]
        rounds.append(
            {
                "name": summary.name,
                "vehicle": summary.vehicle,
                "payload_kg": kind.payload_kg,
                "properties": summary.properties,
                "trips": summary.trips,
                "trip_loads_kg": summary.trip_loads_kg,
                "load_kg": summary.load_kg,
                "distance_m": summary.distance_m,
                "duration_s": summary.duration_s,
                "cost": kind.round_cost + summary.distance_m * COST_PER_METRE,
                "uprns": summary.uprns,
                "path": [[round(lat, 6), round(lon, 6)] for lat, lon in summary.path],
            }
        )
    vehicles = Counter(summary.vehicle for summary in plan.rounds)
    cost = sum(int(row["cost"]) for row in rounds)
    current_cost = (
        plan.baseline_rounds * largest.round_cost + plan.baseline_distance_m * COST_PER_METRE
    )
    # Vehicles (crews) out on the busiest day: the cycle's rounds spread over its days.
    vehicles_a_day = sum(math.ceil(count / days) for count in vehicles.values())
    current_vehicles_a_day = math.ceil(plan.baseline_rounds / days)
    return {
        "properties": plan.properties,
        "collection_points": plan.collection_points,
        "feasible": plan.feasible,
        "problems": plan.problems,
        "seconds": round(plan.seconds, 1),
        "days_per_cycle": round_settings.days_per_cycle,
        "shift_seconds": round_settings.shift_seconds,
        "depot": list(round_settings.depot),
        "tip": list(round_settings.tip),
        "rounds": rounds,
        "total": {
            "rounds": len(rounds),
            "vehicles": dict(vehicles),
            "vehicles_a_day": vehicles_a_day,
            "properties": sum(int(row["properties"]) for row in rounds),
            "load_kg": sum(int(row["load_kg"]) for row in rounds),
            "trips": sum(int(row["trips"]) for row in rounds),
            "distance_m": plan.distance_m,
            "duration_s": plan.duration_s,
            "cost": cost,
        },
        "current": {
            # "rounds": the council's own rounds; "model": modelled ones (no rounds recorded).
            "source": plan.baseline_source,
            "names": [row.name for row in plan.baseline_details],
            "over_shift": sum(row.over_shift for row in plan.baseline_details),
            "details": [asdict(row) for row in plan.baseline_details],
            "rounds": plan.baseline_rounds,
            "vehicle": largest.name,
            "vehicles_a_day": current_vehicles_a_day,
            "distance_m": plan.baseline_distance_m,
            "duration_s": plan.baseline_duration_s,
            "cost": current_cost,
        },
        "saving": {
            "rounds": plan.baseline_rounds - len(rounds),
            "vehicles_a_day": current_vehicles_a_day - vehicles_a_day,
            "distance_m": plan.baseline_distance_m - plan.distance_m,
            "distance_percent": _percent(plan.baseline_distance_m, plan.distance_m),
            "duration_s": plan.baseline_duration_s - plan.duration_s,
            "duration_percent": _percent(plan.baseline_duration_s, plan.duration_s),
            "cost": current_cost - cost,
            "cost_percent": _percent(current_cost, cost),
        },
    }
