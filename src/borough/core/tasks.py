"""Background tasks of the core app."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django_tasks import task, task_backends
from django_tasks_db import DatabaseBackend


@task()
def ping() -> str:
    """A diagnostic task: proves that a worker picks tasks up and records their results."""
    return "pong"


def enqueue_with_transaction(enqueue: Callable[[], object]) -> None:
    """Enqueue background work that the current transaction causes.

    With the database queue (django-tasks-db) the task's row is written inside the
    transaction: it commits with the work that needs it or not at all (an outbox), and no
    second write transaction follows the commit (on SQLite, one write lock a request, not
    two). With any other backend (the immediate backend in tests runs the task on the
    spot) the task is enqueued once the transaction has committed, as before.
    """
    if transaction.get_connection().in_atomic_block and isinstance(
        task_backends["default"], DatabaseBackend
    ):
        enqueue()
    else:
        transaction.on_commit(enqueue, robust=True)
