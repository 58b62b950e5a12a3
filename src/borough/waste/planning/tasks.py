"""The round planner's background task (the worker's database queue, like every task)."""

from __future__ import annotations

from django_tasks import task

from borough.waste.planning.services import round_plan_run


@task()
def round_plan_make(plan_id: int) -> str:
    """Make a waiting round plan; safe to run twice (a plan is made once)."""
    return round_plan_run(plan_id=plan_id)
