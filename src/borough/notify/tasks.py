"""Background tasks of the notify app: each takes an id, loads, and calls a service."""

from __future__ import annotations

from django_tasks import task

from borough.notify.services import notification_deliver, notifications_recover


@task()
def notification_send(notification_id: int, claim_token: str = "") -> str:
    """Send one outbox row. Safe to run twice: it sends once. With `claim_token` it is the
    watchdog of that claim: it sends only if that claim went stale without an outcome."""
    return notification_deliver(notification_id=notification_id, claim_token=claim_token)


@task()
def notification_recover() -> list[int]:
    """Send again what a worker dropped: stale claims, and pending rows whose task never ran.
    Safe to run at any time and at once on several workers (each send claims its row)."""
    return notifications_recover()
