"""Background tasks of the notify app: each takes an id, loads, and calls a service."""

from __future__ import annotations

from django_tasks import task

from borough.notify.services import notification_deliver


@task()
def notification_send(notification_id: int) -> str:
    """Send one outbox row. Safe to run twice: it sends once."""
    return notification_deliver(notification_id=notification_id)
