"""Background tasks of the payments app."""

from __future__ import annotations

from django_tasks import task

from borough.payments.services import payment_reconcile


@task()
def payments_reconcile_run() -> dict[str, list[str]]:
    """Check unfinished payments with their provider; expire abandoned ones. Idempotent."""
    result = payment_reconcile()
    return {"finished": result.finished, "expired": result.expired}
