"""Background tasks of the cases app."""

from __future__ import annotations

from django_tasks import task

from borough.cases.sla import sla_check_run


@task()
def sla_check() -> dict[str, list[str]]:
    """Warn about cases due soon and escalate overdue ones (see `cases.sla`). Idempotent: a
    second run writes nothing new. Enqueued every SLA_CHECK_SECONDS by `borough worker`."""
    result = sla_check_run()
    return {"warned": result.warned, "escalated": result.escalated}
