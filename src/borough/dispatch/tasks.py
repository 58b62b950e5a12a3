"""Background tasks of the dispatch app: each takes an id, loads, and calls a service."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django_tasks import task

from borough.dispatch.services import dispatch_deliver, dispatch_sweep_run, endpoint_updates_poll


@task()
def dispatch_send(dispatch_id: int) -> str:
    """Send one dispatch to its contractor. Safe to run twice: it sends once."""
    return str(dispatch_deliver(dispatch_id=dispatch_id))


@task()
def dispatch_sweep() -> dict[str, Any]:
    """Enqueue the dispatches due a retry and a poll of each Open311 contractor's updates.
    Enqueued every DISPATCH_SWEEP_SECONDS by `borough worker`."""
    return asdict(dispatch_sweep_run())


@task()
def dispatch_poll(endpoint_id: int) -> dict[str, Any]:
    """Fetch and apply an Open311 contractor's updates. Safe to run twice: each update is
    applied once."""
    return asdict(endpoint_updates_poll(endpoint_id=endpoint_id))
