"""Background tasks of the core app."""

from __future__ import annotations

from django_tasks import task


@task()
def ping() -> str:
    """A diagnostic task: proves that a worker picks tasks up and records their results."""
    return "pong"
