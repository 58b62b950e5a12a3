"""Background tasks of the waste app: each calls a service and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from borough.waste.services import bulky_reminders_send, garden_reminders_send


@task()
def bulky_reminders_run() -> list[int]:
    """Remind residents of tomorrow's bulky waste collections, once per booking."""
    return bulky_reminders_send()


@task()
def garden_reminders_run() -> list[int]:
    """Remind garden waste subscribers to renew once renewal opens, once per subscription."""
    return garden_reminders_send()
