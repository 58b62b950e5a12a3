"""Delivery: after commit only, once only, and failures recorded and retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from borough.cases.services import case_follow, case_public_update, case_unfollow
from borough.notify.models import Notification, NotificationKind, NotificationStatus
from borough.notify.services import (
    MAX_ATTEMPTS,
    Delivery,
    notification_deliver,
    notification_retry,
)
from borough.notify.tasks import notification_send

FAILING = "tests.notify.test_delivery.FailingBackend"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class FailingBackend(BaseEmailBackend):
    """An email backend whose server is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused by smtp.casterbridge.example")


def test_nothing_is_sent_before_the_transaction_commits(
    world, report, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = report()
        assert Notification.objects.get().status == NotificationStatus.PENDING
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.subject for m in mailoutbox] == [f"Report received: {case.reference}"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_writes_and_sends_nothing(world, report, mailoutbox):
    case = report()
    case_follow(case=case, email="alice@example.com")
    assert len(mailoutbox) == 1  # the acknowledgement, sent on commit
    mailoutbox.clear()

    with pytest.raises(RuntimeError), transaction.atomic():
        case_public_update(case=case, actor=world.officer, body="Cleared.")
        assert Notification.objects.filter(kind=NotificationKind.CASE_UPDATE).count() == 2
        raise RuntimeError("something later in the request failed")
    assert mailoutbox == []
    assert Notification.objects.filter(kind=NotificationKind.CASE_UPDATE).count() == 0

    # The same change, committed, is sent.
    case_public_update(case=case, actor=world.officer, body="Cleared.")
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "rita@example.com"]
    assert set(
        Notification.objects.filter(kind=NotificationKind.CASE_UPDATE).values_list(
            "status", flat=True
        )
    ) == {NotificationStatus.SENT}


def test_the_task_run_twice_sends_once(world, report, committed, mailoutbox):
    with committed():
        report()
    notification = Notification.objects.get()
    assert len(mailoutbox) == 1
    result = notification_send.enqueue(notification_id=notification.pk)
    assert result.return_value == Delivery.ALREADY_SENT
    assert notification_deliver(notification_id=notification.pk) == Delivery.ALREADY_SENT
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 1)


def test_a_pending_notification_delivered_twice_is_sent_once(world, report, mailoutbox):
    report()  # not committed: the notification waits
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.PENDING
    assert notification_deliver(notification_id=notification.pk) == Delivery.SENT
    assert notification_deliver(notification_id=notification.pk) == Delivery.ALREADY_SENT
    assert len(mailoutbox) == 1


def test_a_missing_notification_is_not_an_error(db):
    assert notification_deliver(notification_id=987654) == Delivery.MISSING


def test_a_failing_backend_marks_the_notification_failed(
    world, report, committed, mailoutbox, settings
):
    settings.EMAIL_BACKEND = FAILING
    with committed():
        report()
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 1
    assert notification.last_error == (
        "ConnectionRefusedError: Connection refused by smtp.casterbridge.example"
    )
    assert notification.sent_at is None
    assert mailoutbox == []


def test_a_failure_is_retried_later_when_the_task_backend_can_wait(
    world, report, mailoutbox, settings
):
    report()
    notification = Notification.objects.get()
    settings.EMAIL_BACKEND = FAILING
    settings.TASKS = DATABASE_TASKS
    before = timezone.now()
    assert notification_deliver(notification_id=notification.pk) == Delivery.FAILED
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "borough.notify.tasks.notification_send"
    assert retry.args_kwargs == {"args": [], "kwargs": {"notification_id": notification.pk}}
    assert before + timedelta(minutes=1) <= retry.run_after <= timezone.now() + timedelta(minutes=1)

    # The worker runs it when it is due: the server is back, so it is sent.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_deliver(notification_id=notification.pk) == Delivery.SENT
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (
        NotificationStatus.SENT,
        2,
        "",
    )
    assert len(mailoutbox) == 1


def test_retries_stop_after_the_last_attempt(world, report, settings):
    report()
    notification = Notification.objects.get()
    settings.EMAIL_BACKEND = FAILING
    settings.TASKS = DATABASE_TASKS
    for _ in range(MAX_ATTEMPTS):
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.FAILED, 5)
    # Four retries were scheduled, further and further apart; none after the fifth attempt.
    delays = sorted(
        task.run_after - task.enqueued_at for task in DBTaskResult.objects.order_by("run_after")
    )
    assert len(delays) == MAX_ATTEMPTS - 1
    assert delays == sorted(delays)
    assert timedelta(hours=2) - timedelta(seconds=5) < delays[-1] <= timedelta(hours=2)


def test_a_failed_notification_can_be_retried_by_hand(
    world, report, committed, mailoutbox, settings
):
    settings.EMAIL_BACKEND = FAILING
    with committed():
        report()
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with committed():
        assert notification_retry(notification=notification) is True
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 2)
    assert len(mailoutbox) == 1
    # Only failed notifications are retried: a sent one is left alone.
    with committed():
        assert notification_retry(notification=notification) is False
    assert len(mailoutbox) == 1


def test_an_email_to_someone_who_unsubscribed_before_it_went_is_cancelled(
    world, report, committed, mailoutbox
):
    case = report()
    follower = case_follow(case=case, email="alice@example.com")
    case_public_update(case=case, actor=world.officer, body="Cleared.")  # not yet sent
    case_unfollow(token=follower.token)
    pending = Notification.objects.get(recipient_email="alice@example.com")
    assert notification_deliver(notification_id=pending.pk) == Delivery.CANCELLED
    pending.refresh_from_db()
    assert pending.status == NotificationStatus.CANCELLED
    assert mailoutbox == []
