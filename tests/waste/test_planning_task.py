"""The round planner as a background task: a plan asked for is made by the worker, writes
its progress while it runs, and stores rounds that keep to the payload, the shift and the
trips to the tip; a failure is recorded with its reason; the task is safe to run twice."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from borough.core.models import AuditEntry
from borough.waste.models import PropertyService, RoundPlan, RoundPlanStatus
from borough.waste.planning import services as planning
from borough.waste.planning.demo_area import FleetKind, RoundSettings
from borough.waste.planning.services import (
    PlanningError,
    PlanningErrorCode,
    ProgressWriter,
    round_plan_run,
    round_plan_start,
    round_settings_from_json,
)
from tests.waste.conftest import Waste

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# A small vehicle, so that rounds need trips to the tip and a short shift, so that the
# area needs more than one round: 1 t a trip, 100 kg a house, four houses a stop.
SMALL = RoundSettings(
    kg_per_property=100,
    points_max_properties=4,
    shift_hours=2.0,
    fleet=(FleetKind(name="Small RCV", payload_kg=1_000, crews_per_day=2, round_cost=100_000),),
)


def homes(waste: Waste, make_property: Any, *, streets: int = 4, per_street: int = 10) -> list:
    """Houses 25 m apart along a few streets north of the centre of Dorchester, each with
    the waste fixture's Monday collections."""
    made = []
    for s in range(streets):
        for number in range(1, per_street + 1):
            made.append(
                waste.add_home(
                    make_property,
                    paon=str(number),
                    street_name=f"Planning Street {s + 1}",
                    lat=50.716 + 0.002 * s,
                    lon=-2.440 + 0.00035 * number,
                )
            )
    return made


@pytest.fixture
def area(waste, make_property) -> Waste:
    homes(waste, make_property)
    return waste


def refuse_uprns(waste: Waste) -> set[str]:
    return set(
        PropertyService.objects.filter(stream=waste.streams["refuse"]).values_list(
            "property__uprn", flat=True
        )
    )


# Committed for real: the worker's task runner closes a connection left in a transaction.
@pytest.mark.django_db(transaction=True)
def test_a_plan_is_made_by_the_worker_from_the_queue(area, make_staff, settings):
    settings.TASKS = DATABASE_TASKS
    leader = make_staff(area.team, role="team_leader")
    plan = round_plan_start(
        organisation=area.organisation,
        stream=area.streams["refuse"],
        seconds=1,
        actor=leader,
        round_settings=SMALL,
    )
    # Waiting in the worker's queue, with what it was asked for.
    task = DBTaskResult.objects.get()
    assert task.task_path == "borough.waste.planning.tasks.round_plan_make"
    assert task.args_kwargs == {"args": [], "kwargs": {"plan_id": plan.pk}}
    plan.refresh_from_db()
    assert plan.status == RoundPlanStatus.QUEUED
    assert plan.task_id == str(task.id)
    assert plan.properties == len(refuse_uprns(area)) == 42
    assert round_settings_from_json(plan.round_settings) == SMALL
    assert AuditEntry.objects.filter(
        action="waste.round_plan_start", object_id=str(plan.pk), actor=leader
    ).exists()

    call_command("db_worker", queue_name="*", batch=True, startup_delay=False, interval=0)

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == "done"
    plan.refresh_from_db()
    assert plan.status == RoundPlanStatus.DONE
    assert plan.progress == 1.0
    assert plan.started_at is not None and plan.finished_at >= plan.started_at
    assert plan.error == ""
    assert plan.result["feasible"] is True


def test_the_stored_rounds_keep_to_the_payload_the_shift_and_the_tip(
    area, make_staff, django_capture_on_commit_callbacks
):
    leader = make_staff(area.team, role="administrator")
    with django_capture_on_commit_callbacks(execute=True):
        plan = round_plan_start(
            organisation=area.organisation,
            stream=area.streams["refuse"],
            seconds=1,
            actor=leader,
            round_settings=SMALL,
        )
    plan.refresh_from_db()
    assert plan.status == RoundPlanStatus.DONE
    result = plan.result
    assert result["feasible"] is True and result["problems"] == []
    rounds = result["rounds"]
    # 42 houses of 100 kg on 1 t vehicles: at least five trips; a 2-hour shift holds a few.
    assert len(rounds) >= 2
    assert sum(row["trips"] for row in rounds) >= math.ceil(42 * 100 / 1_000)
    assert any(row["trips"] > 1 for row in rounds)  # trips to the tip to empty mid-shift
    shift = SMALL.shift_seconds
    assert result["shift_seconds"] == shift
    for row in rounds:
        assert row["vehicle"] == "Small RCV"
        assert row["trips"] == len(row["trip_loads_kg"])
        assert all(0 < load <= 1_000 for load in row["trip_loads_kg"])
        assert row["load_kg"] == sum(row["trip_loads_kg"]) == row["properties"] * 100
        assert 0 < row["duration_s"] <= shift
        assert row["distance_m"] > 0
        assert row["cost"] == 100_000 + row["distance_m"]
        assert len(row["uprns"]) == row["properties"]
        # The path goes from the depot, past every house, to the tip between trips and back.
        assert row["path"][0] == row["path"][-1] == [round(x, 6) for x in SMALL.depot]
        assert row["path"].count([round(x, 6) for x in SMALL.tip]) == row["trips"]
        assert len(row["path"]) == row["properties"] + row["trips"] + 2
    # Every house once, in exactly one round.
    visited = [uprn for row in rounds for uprn in row["uprns"]]
    assert sorted(visited) == sorted(refuse_uprns(area))
    total = result["total"]
    assert total["rounds"] == len(rounds)
    assert total["properties"] == 42 and total["load_kg"] == 4_200
    assert total["distance_m"] == sum(row["distance_m"] for row in rounds)
    assert total["duration_s"] == sum(row["duration_s"] for row in rounds)
    assert total["cost"] == sum(row["cost"] for row in rounds)
    assert total["vehicles"] == {"Small RCV": len(rounds)}
    assert total["vehicles_a_day"] == math.ceil(len(rounds) / 10)
    # The current rounds, costed the same way, and the saving against them.
    current, saving = result["current"], result["saving"]
    assert current["vehicle"] == "Small RCV"
    assert current["cost"] == current["rounds"] * 100_000 + current["distance_m"]
    assert saving["distance_m"] == current["distance_m"] - total["distance_m"]
    assert saving["rounds"] == current["rounds"] - total["rounds"]
    assert saving["cost"] == current["cost"] - total["cost"]
    # The current rounds are the council's own: every house here is on the Monday refuse
    # round but one on the Friday round, each costed whole even though the Monday round,
    # 41 houses on a 1 t vehicle, runs past the 2-hour shift. The plan keeps to the shift,
    # so it needs more rounds than that and costs more by its own measure.
    monday, friday = area.rounds["monday-refuse"], area.rounds["friday-refuse"]
    assert current["source"] == "rounds"
    assert current["names"] == sorted([monday.name, friday.name])
    assert current["rounds"] == 2
    details = {row["name"]: row for row in current["details"]}
    assert details[monday.name]["properties"] == 41 and details[friday.name]["properties"] == 1
    assert details[monday.name]["trips"] >= math.ceil(41 * 100 / 1_000)
    assert details[monday.name]["over_shift"] is True
    assert details[friday.name]["over_shift"] is False
    assert current["over_shift"] == 1
    assert sum(row["distance_m"] for row in current["details"]) == current["distance_m"]
    assert total["rounds"] > current["rounds"] and saving["cost"] < 0
    assert saving["cost_percent"] == round(100 * saving["cost"] / current["cost"], 1)


def test_progress_is_written_while_the_planner_runs(
    area, make_staff, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(planning, "PROGRESS_WRITE_SECONDS", 0.0)
    seen: list[dict[str, Any]] = []
    call = ProgressWriter.__call__

    def spy(self: ProgressWriter, elapsed: float, limit: float, best_cost: float) -> None:
        call(self, elapsed, limit, best_cost)
        seen.append(
            RoundPlan.objects.values("status", "progress", "best_cost", "progress_at").get(
                pk=self.plan_id
            )
        )

    monkeypatch.setattr(ProgressWriter, "__call__", spy)
    with django_capture_on_commit_callbacks(execute=True):
        plan = round_plan_start(
            organisation=area.organisation,
            stream=area.streams["refuse"],
            seconds=2,
            actor=make_staff(area.team, role="team_leader"),
            round_settings=SMALL,
        )
    # The hook is called about once a second, and at the end.
    assert len(seen) >= 2
    assert all(row["status"] == RoundPlanStatus.RUNNING for row in seen)
    assert all(row["progress_at"] is not None and row["best_cost"] > 0 for row in seen)
    fractions = [row["progress"] for row in seen]
    assert fractions == sorted(fractions)
    assert 0 < fractions[0] < 1 and fractions[-1] == 1.0
    plan.refresh_from_db()
    assert plan.status == RoundPlanStatus.DONE
    # The best cost found is the plan's cost (the solver's cost: distance to the tip plus
    # each round's fixed cost; the stored figures add the drive back to the depot).
    assert plan.best_cost <= plan.result["total"]["cost"]


def test_progress_writes_are_throttled(area):
    plan = RoundPlan.objects.create(
        organisation=area.organisation,
        stream=area.streams["refuse"],
        seconds=10,
        status=RoundPlanStatus.RUNNING,
    )
    writer = ProgressWriter(plan.pk, every=60)

    writer(0.5, 10, 5_000)
    plan.refresh_from_db()
    assert (plan.progress, plan.best_cost) == (0.05, 5_000)
    writer(1.5, 10, 4_000)  # too soon: not written
    plan.refresh_from_db()
    assert (plan.progress, plan.best_cost) == (0.05, 5_000)
    writer(10.2, 10, 3_000)  # the time is up: always written
    plan.refresh_from_db()
    assert (plan.progress, plan.best_cost) == (1.0, 3_000)
    assert writer.writes == 2
    # A plan that is no longer running is not written to.
    RoundPlan.objects.filter(pk=plan.pk).update(status=RoundPlanStatus.DONE)
    ProgressWriter(plan.pk)(3.0, 10, 1)
    plan.refresh_from_db()
    assert plan.best_cost == 3_000


def test_running_the_task_twice_plans_once(area, make_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan = round_plan_start(
            organisation=area.organisation,
            stream=area.streams["refuse"],
            seconds=1,
            actor=make_staff(area.team, role="team_leader"),
            round_settings=SMALL,
        )
    plan.refresh_from_db()
    finished, result = plan.finished_at, plan.result

    assert round_plan_run(plan_id=plan.pk) == "done"
    plan.refresh_from_db()
    assert (plan.finished_at, plan.result) == (finished, result)
    assert round_plan_run(plan_id=999_999) == ""


def test_a_failure_is_recorded_with_its_reason(
    area, make_staff, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(planning, "rounds_plan", broken)
    with django_capture_on_commit_callbacks(execute=True):
        plan = round_plan_start(
            organisation=area.organisation,
            stream=area.streams["refuse"],
            seconds=1,
            actor=make_staff(area.team, role="team_leader"),
        )
    plan.refresh_from_db()
    assert plan.status == RoundPlanStatus.FAILED
    assert plan.error == "The planner stopped with an error: RuntimeError: solver crashed"
    assert plan.result is None
    assert plan.finished_at is not None
    assert plan.progress == 0.0


def test_a_stream_whose_collections_ended_before_the_worker_ran_fails(
    area, make_staff, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        plan = round_plan_start(
            organisation=area.organisation,
            stream=area.streams["recycling"],
            seconds=1,
            actor=make_staff(area.team, role="team_leader"),
        )
    PropertyService.objects.filter(stream=area.streams["recycling"]).delete()

    assert round_plan_run(plan_id=plan.pk) == "failed"
    plan.refresh_from_db()
    assert plan.status == RoundPlanStatus.FAILED
    assert plan.error == "No properties have Recycling collections to plan"


def test_bad_requests_are_refused_and_change_nothing(
    area, district, make_staff, make_team, settings, django_capture_on_commit_callbacks
):
    from borough.core.services import organisation_create
    from borough.waste.services import stream_create

    settings.ROUND_PLAN_MAX_SECONDS = 120
    leader = make_staff(area.team, role="team_leader")
    other = organisation_create(
        slug="elsewhere", name="Elsewhere Council", kind="district", reference_prefix="ELS"
    )
    cases: list[tuple[Any, int, str, PlanningErrorCode]] = [
        (area.streams["refuse"], 0, "seconds", PlanningErrorCode.INVALID),
        (area.streams["refuse"], 121, "seconds", PlanningErrorCode.INVALID),
        (stream_create(organisation=other, kind="refuse", name="Bins"), 5, "stream", "invalid"),
        (
            stream_create(organisation=district, kind="garden", name="Garden waste"),
            5,
            "stream",
            PlanningErrorCode.NO_PROPERTIES,
        ),
    ]
    for stream, seconds, field, code in cases:
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(PlanningError) as raised,
        ):
            round_plan_start(organisation=district, stream=stream, seconds=seconds, actor=leader)
        assert (raised.value.field, raised.value.code) == (field, code)
        assert callbacks == []
    assert RoundPlan.objects.count() == 0
    assert not AuditEntry.objects.filter(action="waste.round_plan_start").exists()


def test_the_sweep_records_plans_whose_worker_stopped_as_failed(area):
    from datetime import timedelta

    from django.utils import timezone

    from borough.core.management.commands.worker import PERIODIC_JOBS
    from borough.waste.planning.services import (
        STALLED_MARGIN_SECONDS,
        _finish,
        round_plan_stalled,
        round_plans_stalled_fail,
    )
    from borough.waste.planning.tasks import round_plans_sweep

    now = timezone.now()
    budget = timedelta(seconds=60 + STALLED_MARGIN_SECONDS)

    def plan(**values: Any) -> RoundPlan:
        return RoundPlan.objects.create(
            organisation=area.organisation, stream=area.streams["refuse"], seconds=60, **values
        )

    running = RoundPlanStatus.RUNNING
    stalled = plan(
        status=running, started_at=now - budget * 2, progress_at=now - budget - timedelta(seconds=1)
    )
    fresh = plan(
        status=running, started_at=now - budget * 2, progress_at=now - timedelta(seconds=2)
    )
    # Never wrote its progress, and started longer ago than the budget and the margin.
    silent = plan(status=running, started_at=now - budget - timedelta(seconds=1))
    # Not planning: left alone however old.
    queued = plan(status=RoundPlanStatus.QUEUED)
    done = plan(status=RoundPlanStatus.DONE, progress_at=now - budget * 10)
    RoundPlan.objects.filter(pk__in=[queued.pk, done.pk]).update(updated_at=now - budget * 10)

    assert round_plan_stalled(stalled, now=now) and round_plan_stalled(silent, now=now)
    assert not round_plan_stalled(fresh, now=now)
    assert round_plans_stalled_fail(now=now) == 2
    rows = {row.pk: row for row in RoundPlan.objects.all()}
    for pk in (stalled.pk, silent.pk):
        assert rows[pk].status == RoundPlanStatus.FAILED
        assert rows[pk].error == "The planner stopped before it finished. Start a new plan."
        assert rows[pk].finished_at == now
    assert rows[fresh.pk].status == running
    assert rows[queued.pk].status == RoundPlanStatus.QUEUED
    assert rows[done.pk].status == RoundPlanStatus.DONE and rows[done.pk].error == ""
    # Safe to run twice; a worker that comes back late cannot overwrite the failure.
    assert round_plans_sweep.call() == 0
    _finish(stalled.pk, status=RoundPlanStatus.DONE, result={"rounds": []})
    ProgressWriter(stalled.pk, every=0)(30.0, 60.0, 123.0)
    stalled.refresh_from_db()
    assert (stalled.status, stalled.result, stalled.best_cost) == (
        RoundPlanStatus.FAILED,
        None,
        None,
    )
    assert (
        "waste.round_plans_sweep",
        "UPLOAD_SWEEP_SECONDS",
        "borough.waste.planning.tasks.round_plans_sweep",
    ) in PERIODIC_JOBS
