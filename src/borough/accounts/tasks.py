"""Background tasks of the accounts app."""

from __future__ import annotations

from django_tasks import task

from borough.accounts.signin import sign_in_attempts_delete_old


@task()
def sign_in_attempts_clear() -> int:
    """Delete sign-in attempts older than 30 days (they hold IP addresses); how many.
    Idempotent. Enqueued by `borough worker` as the periodic job `accounts.sign_in_attempts_clear`."""
    return sign_in_attempts_delete_old()
