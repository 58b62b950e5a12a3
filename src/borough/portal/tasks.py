"""Background tasks of the resident pages."""

from __future__ import annotations

from django_tasks import task

from borough.portal.services import saved_journeys_expire
from borough.portal.uploads import uploads_sweep


@task()
def saved_journeys_clear() -> int:
    """Delete residents' saved forms not changed for 30 days; how many. Idempotent: a second
    run deletes nothing more. Meant for `borough worker`'s periodic jobs (daily)."""
    return saved_journeys_expire()


@task()
def uploads_sweep_run() -> int:
    """Delete temporary uploads older than a day (forms never sent); how many. Idempotent.
    Enqueued every UPLOAD_SWEEP_SECONDS by `borough worker` (`portal.uploads.uploads_sweep`)."""
    return uploads_sweep()
