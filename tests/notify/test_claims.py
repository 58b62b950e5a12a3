"""Claim, then send, then record: no lock is held while the email server is talked to, two
workers never both send one email, and a worker that dies after its claim is recovered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from borough.notify import services
from borough.notify.models import Notification, NotificationStatus
from borough.notify.services import (
    CLAIM_TIMEOUT,
    PENDING_TIMEOUT,
    Claim,
    Delivery,
    notification_claim,
    notification_deliver,
    notifications_recover,
)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
FAILING = "tests.notify.test_claims.FailingBackend"
WATCHING = "tests.notify.test_claims.WatchingBackend"

# What the email backend saw while it was sending (WatchingBackend).
seen: list[tuple[bool, str]] = []


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused by smtp.casterbridge.example")


class WatchingBackend(LocmemBackend):
    """Records whether a transaction was open, and the row's status, while sending."""

    def send_messages(self, email_messages):
        connection = transaction.get_connection()
        status = Notification.objects.get(recipient_email=email_messages[0].to[0]).status
        seen.append((connection.in_atomic_block, status))
        return super().send_messages(email_messages)


def watchdogs():
    return [
        task for task in DBTaskResult.objects.all() if task.args_kwargs["kwargs"].get("claim_token")
    ]


def test_of_two_claims_on_one_notification_only_one_wins(world, report, mailoutbox):
    report()  # not committed: the notification waits
    notification = Notification.objects.get()
    first = notification_claim(notification_id=notification.pk)
    second = notification_claim(notification_id=notification.pk)
    assert isinstance(first, Claim)
    assert second == Delivery.IN_PROGRESS
    # While the claim is live, a second task sends nothing.
    assert notification_deliver(notification_id=notification.pk) == Delivery.IN_PROGRESS
    assert mailoutbox == []
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.claim_token) == (
        NotificationStatus.SENDING,
        1,
        first.token,
    )


def test_a_claim_that_loses_the_race_between_read_and_update_sends_nothing(
    world, report, mailoutbox, monkeypatch
):
    """Another worker claims the row after this one read it as pending and before its
    UPDATE: the UPDATE is conditional on the status, so it changes nothing and this worker
    sends nothing."""
    report()
    notification = Notification.objects.get()
    real_token_hex = services.secrets.token_hex
    rival: list[object] = []

    def rival_claims_first(nbytes):
        if not rival:
            rival.append(None)  # the rival's own claim must not start a third
            rival[0] = notification_claim(notification_id=notification.pk)
        return real_token_hex(nbytes)

    monkeypatch.setattr(services.secrets, "token_hex", rival_claims_first)
    assert notification_deliver(notification_id=notification.pk) == Delivery.IN_PROGRESS
    assert isinstance(rival[0], Claim)
    assert mailoutbox == []
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENDING, 1)
    assert notification.claim_token == rival[0].token


@pytest.mark.django_db(transaction=True)
def test_the_email_is_sent_outside_any_transaction_with_the_row_claimed(
    world, report, mailoutbox, settings
):
    settings.EMAIL_BACKEND = WATCHING
    seen.clear()
    report()  # committed: the task runs after the commit
    assert seen == [(False, NotificationStatus.SENDING)]
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 1)
    assert notification.sent_at is not None and notification.claimed_at is not None
    assert len(mailoutbox) == 1


def test_a_worker_that_dies_after_its_claim_is_recovered_later(world, report, mailoutbox, settings):
    settings.TASKS = DATABASE_TASKS
    report()
    notification = Notification.objects.get()
    claimed_at = timezone.now()
    claim = notification_claim(notification_id=notification.pk, now=claimed_at)
    assert isinstance(claim, Claim)
    # ... and the worker dies here, before sending. Its claim left a watchdog task.
    (watchdog,) = watchdogs()
    assert watchdog.task_path == "borough.notify.tasks.notification_send"
    assert watchdog.args_kwargs["kwargs"] == {
        "notification_id": notification.pk,
        "claim_token": claim.token,
    }
    assert claimed_at + CLAIM_TIMEOUT <= watchdog.run_after <= timezone.now() + CLAIM_TIMEOUT

    # Not yet stale: nothing is sent, by any route.
    almost = claimed_at + CLAIM_TIMEOUT - timedelta(seconds=1)
    assert notifications_recover(now=almost) == []
    assert (
        notification_deliver(notification_id=notification.pk, claim_token=claim.token, now=almost)
        == Delivery.IN_PROGRESS
    )
    assert mailoutbox == []

    # Stale: the sweep finds it, and the watchdog takes the claim over and sends it once.
    stale = claimed_at + CLAIM_TIMEOUT
    assert notifications_recover(now=stale) == [notification.pk]
    assert (
        notification_deliver(notification_id=notification.pk, claim_token=claim.token, now=stale)
        == Delivery.SENT
    )
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 2)
    assert notification.claim_token != claim.token
    # The second claim's watchdog went with its outcome; the sweep's send finds it sent.
    assert [w.args_kwargs["kwargs"]["claim_token"] for w in watchdogs()] == [claim.token]
    assert notification_deliver(notification_id=notification.pk) == Delivery.ALREADY_SENT
    assert (
        notification_deliver(notification_id=notification.pk, claim_token=claim.token, now=stale)
        == Delivery.ALREADY_SENT
    )
    assert len(mailoutbox) == 1


def test_a_finished_send_takes_its_watchdog_away(world, report, mailoutbox, settings):
    settings.TASKS = DATABASE_TASKS
    report()
    notification = Notification.objects.get()
    assert notification_deliver(notification_id=notification.pk) == Delivery.SENT
    # Left: only the send queued with the report (in its transaction), no watchdog.
    assert watchdogs() == []
    assert DBTaskResult.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_watchdog_leaves_a_failed_notification_to_its_retry(world, report, settings, mailoutbox):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = FAILING
    report()
    notification = Notification.objects.get()
    claimed_at = timezone.now()
    assert notification_deliver(notification_id=notification.pk, now=claimed_at) == (
        Delivery.FAILED
    )
    notification.refresh_from_db()
    token = notification.claim_token
    # Only the retry is queued beside the report's own send: the claim's watchdog went when
    # the failure was recorded.
    assert watchdogs() == []
    assert DBTaskResult.objects.count() == 2

    # A watchdog of that claim that still ran (another task backend) changes nothing.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = claimed_at + CLAIM_TIMEOUT + timedelta(minutes=1)
    assert (
        notification_deliver(notification_id=notification.pk, claim_token=token, now=later)
        == Delivery.FAILED
    )
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.FAILED, 1)
    assert mailoutbox == []
    # The retry itself sends it.
    assert notification_deliver(notification_id=notification.pk) == Delivery.SENT
    assert len(mailoutbox) == 1


def test_recovery_sends_pending_notifications_whose_task_never_ran(world, report, mailoutbox):
    report()  # not committed: its task was never enqueued
    notification = Notification.objects.get()
    assert notifications_recover(now=notification.created_at + timedelta(minutes=1)) == []
    assert mailoutbox == []
    # The immediate task backend of the tests sends it as it is enqueued.
    later = notification.created_at + PENDING_TIMEOUT
    assert notifications_recover(now=later) == [notification.pk]
    assert len(mailoutbox) == 1
    assert notifications_recover(now=later) == []
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
