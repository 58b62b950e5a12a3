"""The accounts app's periodic job: old sign-in attempts are deleted by the worker."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from borough.accounts.models import SignInAttempt
from borough.accounts.tasks import sign_in_attempts_clear
from borough.core.management.commands.worker import PERIODIC_JOBS


def test_the_worker_schedules_deleting_old_sign_in_attempts():
    assert (
        "accounts.sign_in_attempts_clear",
        "UPLOAD_SWEEP_SECONDS",
        "borough.accounts.tasks.sign_in_attempts_clear",
    ) in PERIODIC_JOBS


def test_the_task_deletes_attempts_older_than_30_days_only(db):
    old = SignInAttempt.objects.create(email="a@example.com", ip="192.0.2.1")
    SignInAttempt.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    recent = SignInAttempt.objects.create(email="a@example.com", ip="192.0.2.1")
    assert sign_in_attempts_clear.call() == 1
    assert list(SignInAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert sign_in_attempts_clear.call() == 0
