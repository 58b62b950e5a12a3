"""Notifications: which emails a case event causes, written to the outbox inside the event's
transaction, and their delivery by a background task after commit.

- `notifications_for_event(event)` is called by `cases.fanout.event_fanout` for every case
  event. It writes one `Notification` row per recipient (unique per event, kind and address)
  and asks for each to be sent when the transaction commits: a rolled-back change writes and
  sends nothing, a committed one is never forgotten.
- `notification_deliver(notification_id=...)` is what the `notification_send` task runs. It
  locks the row, sends at most once, and records the outcome; a failure is retried later
  (with a delay, when the task backend supports one) until `MAX_ATTEMPTS`.
- `notification_retry(notification=...)` sends a failed notification again (the admin's
  "Retry" action).
- `notifications_suppressed()` turns notifications off for a block of code, for bulk
  history such as the demo area.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from borough.accounts.models import User
from borough.cases.models import Case, CaseEvent, CaseFollower, EventKind, Status
from borough.core import timetext
from borough.core.links import site_url
from borough.core.models import Organisation
from borough.notify.emails import email_render
from borough.notify.models import Notification, NotificationKind, NotificationStatus
from borough.portal import display

logger = logging.getLogger(__name__)

# A failed email is tried this many times in all before it waits for someone to retry it.
MAX_ATTEMPTS = 5
# How long to wait before the 2nd, 3rd, 4th and 5th attempts.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)

# Public events that the reporter and every follower hear about, and as what.
PUBLIC_EVENT_KINDS: dict[str, str] = {
    EventKind.PUBLIC_UPDATE: NotificationKind.CASE_UPDATE,
    EventKind.STATUS_CHANGED: NotificationKind.CASE_UPDATE,
    EventKind.INFORMATION_REQUESTED: NotificationKind.CASE_UPDATE,
    EventKind.DECISION_MADE: NotificationKind.CASE_UPDATE,
    EventKind.EXTERNAL_UPDATE: NotificationKind.CASE_UPDATE,
    EventKind.CLOSED: NotificationKind.CASE_CLOSED,
    EventKind.REOPENED: NotificationKind.CASE_REOPENED,
    EventKind.MARKED_DUPLICATE: NotificationKind.MARKED_DUPLICATE,
}

# The public page of a case, when the portal has one (its URL takes the reference).
CASE_URL_NAME = "portal:report"


# -- Suppression ------------------------------------------------------------------------

_suppressed: ContextVar[bool] = ContextVar("borough_notifications_suppressed", default=False)


@contextlib.contextmanager
def notifications_suppressed() -> Iterator[None]:
    """Inside this block case events write no notifications (bulk history, imports)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def notifications_are_suppressed() -> bool:
    return _suppressed.get()


# -- Addresses --------------------------------------------------------------------------


def _absolute(url: str) -> str:
    """`url` as it must be in an email: absolute, or "" for anything else."""
    if url.startswith(("https://", "http://")):
        return url
    if url.startswith("/") and not url.startswith("//"):
        return site_url(url)
    return ""


def unsubscribe_url(token: str) -> str:
    return site_url(reverse("notify:unsubscribe", kwargs={"token": token}))


def case_url(case: Case) -> str:
    """The case's public page, or "" for a private case (or while there is no such page)."""
    if not case.is_public:
        return ""
    try:
        return site_url(reverse(CASE_URL_NAME, args=[case.reference]))
    except NoReverseMatch:
        return ""


def from_address(organisation: Organisation) -> str:
    """DEFAULT_FROM_EMAIL's address, with the organisation's name as the display name."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((organisation.name, address or settings.DEFAULT_FROM_EMAIL))


# -- Writing the outbox -----------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    user: User | None = None
    # Set for followers: their emails carry the one-click unsubscribe link.
    unsubscribe_token: str = ""
    # Who they are to the case: "reporter", "follower" or "staff" (chooses the wording).
    role: str = "reporter"


def _reporter(case: Case) -> Recipient | None:
    email = case.reporter_email.strip().lower()
    if not email:
        return None
    user = case.resident if case.resident and case.resident.email.lower() == email else None
    return Recipient(email=email, user=user, role="reporter")


def _reporter_and_followers(case: Case) -> list[Recipient]:
    """The reporter and every follower, one entry per address (the reporter's wording wins)."""
    recipients: dict[str, Recipient] = {}
    reporter = _reporter(case)
    if reporter is not None:
        recipients[reporter.email] = reporter
    for follower in CaseFollower.objects.filter(case=case).select_related("user").order_by("pk"):
        email = follower.email.strip().lower()
        if email and email not in recipients:
            recipients[email] = Recipient(
                email=email, user=follower.user, unsubscribe_token=follower.token, role="follower"
            )
    return list(recipients.values())


def _plan(event: CaseEvent, case: Case) -> tuple[str, list[Recipient]] | None:
    """The kind of notification `event` causes and who gets it; None for no email."""
    if event.kind == EventKind.CREATED:
        reporter = _reporter(case)
        return (NotificationKind.ACKNOWLEDGEMENT, [reporter]) if reporter else None
    if event.kind == EventKind.ASSIGNED:
        assignee = case.assignee
        if assignee is None or assignee.pk == event.actor_id or not assignee.is_active:
            return None
        recipient = Recipient(email=assignee.email.lower(), user=assignee, role="staff")
        return NotificationKind.ASSIGNED_TO_YOU, [recipient]
    if event.kind == EventKind.TRANSFERRED:
        team = case.team
        if team is None or not team.email:
            return None
        return NotificationKind.TRANSFERRED_TO_TEAM, [
            Recipient(email=team.email.lower(), role="staff")
        ]
    if event.kind in PUBLIC_EVENT_KINDS and event.public:
        return PUBLIC_EVENT_KINDS[event.kind], _reporter_and_followers(case)
    # Internal notes and every other private event: no email.
    return None


def when_text(moment: datetime) -> str:
    """ "30 November 2026 at 9am", "1 December 2026 at 5:30pm": GOV.UK style, UK time."""
    return timetext.datetime_text(moment)


def _status_label(value: Any) -> str:
    return Status(value).label if value in Status.values else ""


def _context(event: CaseEvent, case: Case, recipient: Recipient) -> dict[str, Any]:
    service = case.service
    organisation = case.organisation
    context: dict[str, Any] = {
        "organisation": organisation,
        "brand_colour": organisation.brand_colour,
        "logo_url": _absolute(organisation.logo_url),
        "case": case,
        "service": service,
        "event": event,
        "actor": event.actor,
        "recipient": recipient,
        "role": recipient.role,
        "noun": display.kind_noun(service),
        "sla": display.sla_text(service),
        "message": event.body,
        "status": _status_label(event.data.get("status")),
        "case_url": case_url(case),
        "site_url": site_url("/"),
        "unsubscribe_url": unsubscribe_url(recipient.unsubscribe_token)
        if recipient.unsubscribe_token
        else "",
    }
    if event.kind == EventKind.MARKED_DUPLICATE:
        context["original"] = event.data.get("original", "")
    if recipient.role == "staff":
        context["team"] = case.team
        context["due"] = when_text(case.sla_due_at) if case.sla_due_at else ""
        context["staff_url"] = site_url(
            reverse("backoffice:case", kwargs={"reference": case.reference})
        )
    return context


def notifications_for_event(event: CaseEvent) -> list[Notification]:
    """Write the outbox rows `event` causes, in the caller's transaction, and send each one
    once that transaction commits. Returns the rows written (none when suppressed)."""
    if _suppressed.get():
        return []
    case = event.case
    organisation = case.organisation
    if not organisation.is_active:
        return []
    plan = _plan(event, case)
    if plan is None:
        return []
    kind, recipients = plan
    written: list[Notification] = []
    for recipient in recipients:
        email = email_render(kind=kind, context=_context(event, case, recipient))
        notification, created = Notification.objects.get_or_create(
            idempotency_key=f"{event.pk}:{kind}:{recipient.email}",
            defaults={
                "organisation": organisation,
                "case": case,
                "event": event,
                "recipient_email": recipient.email,
                "recipient_user": recipient.user,
                "kind": kind,
                "subject": email.subject,
                "body_text": email.text,
                "body_html": email.html,
                "unsubscribe_token": recipient.unsubscribe_token,
            },
        )
        if created:
            transaction.on_commit(partial(_enqueue, notification.pk), robust=True)
            written.append(notification)
    return written


# -- Delivery ---------------------------------------------------------------------------


def _enqueue(notification_id: int, *, delay: timedelta | None = None) -> None:
    from borough.notify.tasks import notification_send

    task = notification_send
    if delay is not None:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(notification_id=notification_id)


def _can_delay() -> bool:
    from borough.notify.tasks import notification_send

    return bool(notification_send.get_backend().supports_defer)


def _message(notification: Notification) -> EmailMultiAlternatives:
    organisation = notification.organisation
    headers: dict[str, str] = {"Auto-Submitted": "auto-generated"}
    if notification.unsubscribe_token:
        # RFC 2369 and RFC 8058: mail clients offer "Unsubscribe" and POST to it in one click.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(notification.unsubscribe_token)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=from_address(organisation),
        to=[notification.recipient_email],
        reply_to=[organisation.email] if organisation.email else None,
        headers=headers,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    return message


class Delivery:
    """What `notification_deliver` did (the task's return value)."""

    SENT = "sent"
    ALREADY_SENT = "already sent"
    CANCELLED = "cancelled"
    FAILED = "failed"
    MISSING = "missing"


def notification_deliver(*, notification_id: int) -> str:
    """Send one notification, at most once however often it is called.

    The row is locked while it is sent, so two workers given the same notification send it
    once. A follower who unsubscribed before the email went is not sent it. A failure is
    recorded (status failed, attempts, last_error) and, while attempts remain and the task
    backend can delay a task, tried again later.
    """
    retry_in: timedelta | None = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return Delivery.MISSING
        if notification.status == NotificationStatus.SENT:
            return Delivery.ALREADY_SENT
        if notification.status == NotificationStatus.CANCELLED:
            return Delivery.CANCELLED
        if (
            notification.unsubscribe_token
            and not CaseFollower.objects.filter(token=notification.unsubscribe_token).exists()
        ):
            notification.status = NotificationStatus.CANCELLED
            notification.save(update_fields=["status"])
            return Delivery.CANCELLED
        notification.attempts += 1
        try:
            _message(notification).send()
        except Exception as error:
            notification.status = NotificationStatus.FAILED
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            notification.save(update_fields=["status", "attempts", "last_error"])
            logger.warning(
                "notification failed",
                extra={"notification": notification.pk, "attempts": notification.attempts},
            )
            if notification.attempts < MAX_ATTEMPTS and _can_delay():
                retry_in = RETRY_DELAYS[min(notification.attempts, len(RETRY_DELAYS)) - 1]
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
            notification.save(update_fields=["status", "attempts", "sent_at", "last_error"])
            return Delivery.SENT
    if retry_in is not None:
        _enqueue(notification_id, delay=retry_in)
    return Delivery.FAILED


@transaction.atomic
def notification_retry(*, notification: Notification) -> bool:
    """Send a failed notification again. Returns False (and does nothing) unless it failed."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.status != NotificationStatus.FAILED:
        return False
    locked.status = NotificationStatus.PENDING
    locked.save(update_fields=["status"])
    transaction.on_commit(partial(_enqueue, locked.pk), robust=True)
    return True
