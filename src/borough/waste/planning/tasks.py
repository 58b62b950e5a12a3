"""The round planner's background task (the worker's database queue, like every task)."""

from __future__ import annotations

from django_tasks import task

from borough.waste.planning.services import round_plan_run, round_plans_stalled_fail


@task()
def round_plan_make(plan_id: int) -> str:
    """Make a waiting round plan; safe to run twice (a plan is made once)."""
    return round_plan_run(plan_id=plan_id)


@task()
def round_plans_sweep() -> int:
    """Record plans whose worker stopped mid-search as failed (a periodic job)."""
    return round_plans_stalled_fail()
