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
import secrets
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
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from borough.accounts.models import ContactPreference, ResidentProfile, User
from borough.cases.models import Case, CaseEvent, CaseFollower, EventKind, Status
from borough.core import timetext
from borough.core.links import site_url
from borough.core.models import Organisation
from borough.core.tasks import enqueue_with_transaction
from borough.notify.emails import email_render
from borough.notify.models import (
    Notification,
    NotificationKind,
    NotificationStatus,
    ReporterOptOut,
)
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


# Reporters' unsubscribe tokens start with this; a follower's (`secrets.token_urlsafe`)
# never holds a dot.
REPORTER_LINK_PREFIX = "r."


def reporter_unsubscribe_token(*, case: Case, email: str) -> str:
    """The unsubscribe token in the update emails to a case's reporter at `email`: made from
    the case and the address with the SECRET_KEY, so nothing is stored until it is used."""
    digest = salted_hmac(
        "borough.notify.reporter-unsubscribe", f"{case.pk}:{email}", algorithm="sha256"
    ).hexdigest()
    return REPORTER_LINK_PREFIX + digest[:40]


def _unsubscribed(token: str) -> bool:
    """Whether the holder of this unsubscribe token has unsubscribed."""
    if token.startswith(REPORTER_LINK_PREFIX):
        return ReporterOptOut.objects.filter(token=token).exists()
    return not CaseFollower.objects.filter(token=token).exists()


def reporter_wants_update_emails(case: Case, email: str) -> bool:
    """Whether the reporter at `email` should be emailed the case's updates: not once they
    used the unsubscribe link, nor when the resident whose case it is asked to be contacted
    another way (their profile's contact preference: phone, text message or post). Staff see
    that preference on the case page and contact them that way."""
    if ReporterOptOut.objects.filter(case=case, email=email).exists():
        return False
    if case.resident_id is not None:
        preference = (
            ResidentProfile.objects.filter(user_id=case.resident_id)
            .values_list("contact_preference", flat=True)
            .first()
        )
        if preference is not None and preference != ContactPreference.EMAIL:
            return False
    return True


@dataclass(frozen=True)
class Recipient:
    email: str
    user: User | None = None
    # Set for followers, and for reporters on update emails: the one-click unsubscribe link.
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
    """The reporter (unless they stopped these emails) and every follower, one entry per
    address (the reporter's wording wins)."""
    recipients: dict[str, Recipient] = {}
    reporter = _reporter(case)
    if reporter is not None and reporter_wants_update_emails(case, reporter.email):
        recipients[reporter.email] = Recipient(
            email=reporter.email,
            user=reporter.user,
            unsubscribe_token=reporter_unsubscribe_token(case=case, email=reporter.email),
            role="reporter",
        )
    for follower in CaseFollower.objects.filter(case=case).select_related("user").order_by("pk"):
        email = follower.email.strip().lower()
        if email and email not in recipients:
            recipients[email] = Recipient(
                email=email, user=follower.user, unsubscribe_token=follower.token, role="follower"
            )
    return list(recipients.values())


def _breach_recipients(event: CaseEvent, case: Case) -> list[Recipient]:
    """Who hears that a case is past its target time: the team leaders of its team that the
    escalation listed (in the event's data), then its assignee. Staff only, never the
    resident; one entry per address; people no longer active are left out."""
    leaders = [str(email).lower() for email in event.data.get("team_leaders") or []]
    users = {
        user.email.lower(): user for user in User.objects.filter(email__in=leaders, is_active=True)
    }
    recipients: dict[str, Recipient] = {}
    for email in leaders:
        if email in users and email not in recipients:
            recipients[email] = Recipient(email=email, user=users[email], role="staff")
    assignee = case.assignee
    if assignee is not None and assignee.is_active and assignee.email:
        email = assignee.email.lower()
        recipients.setdefault(email, Recipient(email=email, user=assignee, role="staff"))
    return list(recipients.values())


def _due_soon_recipient(case: Case) -> Recipient | None:
    """Who is warned that a case is due soon: its assignee, or, when nobody has it, its team's
    shared mailbox (so someone picks it up). Staff only; nobody when neither has an address."""
    assignee = case.assignee
    if assignee is not None and assignee.is_active and assignee.email:
        return Recipient(email=assignee.email.lower(), user=assignee, role="staff")
    if assignee is None and case.team is not None and case.team.email:
        return Recipient(email=case.team.email.lower(), role="staff")
    return None


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
    if event.kind == EventKind.SLA_DUE_SOON:
        warned = _due_soon_recipient(case)
        return (NotificationKind.SLA_DUE_SOON, [warned]) if warned else None
    if event.kind == EventKind.SLA_BREACHED:
        recipients = _breach_recipients(event, case)
        return (NotificationKind.SLA_BREACHED, recipients) if recipients else None
    if event.kind in PUBLIC_EVENT_KINDS and event.public:
        return PUBLIC_EVENT_KINDS[event.kind], _reporter_and_followers(case)
    # Internal notes and every other private event: no email.
    return None


def when_text(moment: datetime) -> str:
    """ "30 November 2026 at 9am", "1 December 2026 at 5:30pm": GOV.UK style, UK time."""
    return timetext.datetime_text(moment)


def _status_label(value: Any) -> str:
    return str(Status(value).label) if value in Status.values else ""


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
        # The council's own name for the status, when staff chose one ("Crew booked").
        "status": str(event.data.get("status_label") or "")
        or _status_label(event.data.get("status")),
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
        context["is_assignee"] = bool(
            recipient.user is not None and case.assignee_id == recipient.user.pk
        )
        if event.kind in (EventKind.SLA_BREACHED, EventKind.SLA_DUE_SOON) and event.data.get("due"):
            # The due time warned about or passed (the case's may have moved on since).
            context["due"] = when_text(datetime.fromisoformat(str(event.data["due"])))
        context["staff_url"] = site_url(
            reverse("backoffice:case", kwargs={"reference": case.reference})
        )
    return context


def notifications_for_event(event: CaseEvent, *, new: bool = False) -> list[Notification]:
    """Write the outbox rows `event` causes, in the caller's transaction, and send each one
    once that transaction commits. Returns the rows written (none when suppressed).

    Fanning an event out again writes nothing twice. `new` says the event was written a
    moment ago in this transaction, so no row for it can exist yet: each is then one plain
    INSERT, with no look-up first (its idempotency key is unique all the same)."""
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
        fields = {
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
        }
        key = f"{event.pk}:{kind}:{recipient.email}"
        if new:
            notification = Notification.objects.create(idempotency_key=key, **fields)
        else:
            notification, created = Notification.objects.get_or_create(
                idempotency_key=key, defaults=fields
            )
            if not created:
                continue
        enqueue_with_transaction(partial(_enqueue, notification.pk))
        written.append(notification)
    return written


# -- Delivery ---------------------------------------------------------------------------


def _enqueue(notification_id: int, *, delay: timedelta | None = None, claim_token: str = "") -> str:
    from borough.notify.tasks import notification_send

    task = notification_send
    if delay is not None:
        task = task.using(run_after=timezone.now() + delay)
    if claim_token:
        result = task.enqueue(notification_id=notification_id, claim_token=claim_token)
    else:
        result = task.enqueue(notification_id=notification_id)
    return str(result.id)


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
    # Another worker holds a live claim on it: it is being sent right now.
    IN_PROGRESS = "in progress"


# A claim older than this may be taken over: the worker that made it died (or hung) before it
# could record what happened. Keep it well above the SMTP timeout (EMAIL_TIMEOUT).
CLAIM_TIMEOUT = timedelta(minutes=10)
# A pending notification whose task never ran (the enqueue after commit failed) is sent by
# `notifications_recover` once it is this old.
PENDING_TIMEOUT = timedelta(minutes=10)

# The statuses a worker may claim a notification from: waiting, or failed and being retried.
CLAIMABLE = (NotificationStatus.PENDING, NotificationStatus.FAILED)


@dataclass(frozen=True)
class Claim:
    """A worker's claim on one notification: only the holder of `token` records the outcome."""

    notification: Notification
    token: str
    # The id of the watchdog task left with the claim, when the task backend can delay one.
    watchdog_id: str = ""


def _stale_claim(now: datetime) -> Q:
    return Q(status=NotificationStatus.SENDING, claimed_at__lte=now - CLAIM_TIMEOUT)


def notification_claim(
    *, notification_id: int, claim_token: str = "", now: datetime | None = None
) -> Claim | str:
    """Claim a notification for sending, in one short transaction: a `Claim`, or the
    `Delivery` outcome that says why there is nothing to send.

    The claim is a conditional UPDATE (status pending or failed, or a stale claim, becomes
    sending), so of any number of workers given the same notification at once exactly one
    gets it, on SQLite and PostgreSQL alike; the others are told it is in progress or sent.
    With `claim_token` (a watchdog left by an earlier claim) only a stale claim made with that
    token is taken over: a notification that was sent, or failed and rescheduled, is left.
    """
    now = now or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_related("organisation").filter(pk=notification_id).first()
        )
        if notification is None:
            return Delivery.MISSING
        if (
            notification.unsubscribe_token
            and notification.status in CLAIMABLE
            and _unsubscribed(notification.unsubscribe_token)
        ):
            # The follower (or reporter) unsubscribed before the email went.
            Notification.objects.filter(pk=notification.pk, status__in=CLAIMABLE).update(
                status=NotificationStatus.CANCELLED
            )
            return Delivery.CANCELLED
        token = secrets.token_hex(16)
        claimable = (
            _stale_claim(now) & Q(claim_token=claim_token)
            if claim_token
            else Q(status__in=CLAIMABLE) | _stale_claim(now)
        )
        claimed = Notification.objects.filter(claimable, pk=notification.pk).update(
            status=NotificationStatus.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
        )
        if not claimed:
            return _not_claimed(notification.pk)
        notification.refresh_from_db(
            fields=["status", "claimed_at", "claim_token", "attempts", "last_error"]
        )
        watchdog_id = ""
        if _can_delay():
            # The watchdog: should this worker die before it records the outcome, the claim
            # is taken over (and the email sent) once it is stale. Enqueued with the claim.
            watchdog_id = _enqueue(notification.pk, delay=CLAIM_TIMEOUT, claim_token=token)
    return Claim(notification=notification, token=token, watchdog_id=watchdog_id)


def _not_claimed(notification_id: int) -> str:
    status = (
        Notification.objects.filter(pk=notification_id).values_list("status", flat=True).first()
    )
    if status is None:
        return Delivery.MISSING
    if status == NotificationStatus.SENT:
        return Delivery.ALREADY_SENT
    if status == NotificationStatus.CANCELLED:
        return Delivery.CANCELLED
    if status == NotificationStatus.SENDING:
        return Delivery.IN_PROGRESS
    # Failed or pending again, but not for this watchdog's claim: another task has it.
    return Delivery.FAILED if status == NotificationStatus.FAILED else Delivery.IN_PROGRESS


def _record(claim: Claim, **fields: Any) -> bool:
    """Write the outcome of a claimed send, only while the claim is still ours, and take
    away the claim's watchdog: with the outcome recorded there is nothing left to recover."""
    with transaction.atomic():
        recorded = Notification.objects.filter(
            pk=claim.notification.pk,
            status=NotificationStatus.SENDING,
            claim_token=claim.token,
        ).update(**fields)
        if recorded and claim.watchdog_id:
            _watchdog_remove(claim.watchdog_id)
        return bool(recorded)


def _watchdog_remove(task_id: str) -> None:
    """Delete a watchdog task that has not started, from the database task queue. Other task
    backends keep it: when it runs it finds the notification finished and does nothing."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from borough.notify.tasks import notification_send

    if isinstance(notification_send.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.READY).delete()


def notification_deliver(
    *, notification_id: int, claim_token: str = "", now: datetime | None = None
) -> str:
    """Send one notification, at most once however often (and by however many workers) it is
    called: claim, send, record.

    1. A short transaction claims the row (`notification_claim`) and commits.
    2. The email goes to the email backend outside any transaction, so a slow SMTP server
       holds no lock (on SQLite, no other writer waits for it).
    3. A second short transaction records the outcome: sent, or failed (with `last_error`),
       and while attempts remain and the task backend can delay a task, tried again later.

    A worker that dies between 1 and 3 leaves the row `sending`; once the claim is older
    than `CLAIM_TIMEOUT` it is taken over by the watchdog task left at claim time, or by
    `notifications_recover`. That is the one case in which an email can go twice: when the
    server took it but the worker died before it could say so.
    """
    claim = notification_claim(notification_id=notification_id, claim_token=claim_token, now=now)
    if not isinstance(claim, Claim):
        return claim
    notification = claim.notification
    try:
        _message(notification).send()
    except Exception as error:
        _record(
            claim,
            status=NotificationStatus.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning(
            "notification failed",
            extra={"notification": notification.pk, "attempts": notification.attempts},
        )
        if notification.attempts < MAX_ATTEMPTS and _can_delay():
            _enqueue(
                notification.pk,
                delay=RETRY_DELAYS[min(notification.attempts, len(RETRY_DELAYS)) - 1],
            )
        return Delivery.FAILED
    if not _record(claim, status=NotificationStatus.SENT, sent_at=timezone.now(), last_error=""):
        # Our claim went stale and another worker took it over while the server was slow.
        logger.warning("notification claim lost", extra={"notification": notification.pk})
    return Delivery.SENT


def notifications_recover(*, now: datetime | None = None) -> list[int]:
    """Send again what a worker dropped: notifications claimed longer ago than
    `CLAIM_TIMEOUT` and never finished, and pending ones older than `PENDING_TIMEOUT` whose
    task never ran. Enqueues a send for each (which claims it); returns their ids."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            _stale_claim(now)
            | Q(status=NotificationStatus.PENDING, created_at__lte=now - PENDING_TIMEOUT)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    for notification_id in ids:
        _enqueue(notification_id)
    return ids


@transaction.atomic
def notification_retry(*, notification: Notification) -> bool:
    """Send a failed notification again. Returns False (and does nothing) unless it failed."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.status != NotificationStatus.FAILED:
        return False
    locked.status = NotificationStatus.PENDING
    locked.save(update_fields=["status"])
    enqueue_with_transaction(partial(_enqueue, locked.pk))
    return True


@transaction.atomic
def reporter_unsubscribe(*, token: str) -> ReporterOptOut | None:
    """One-click unsubscribe from an update email to a case's reporter: no more update emails
    about that case go to that address. The token alone identifies the case and the address
    (from the emails sent with it). Safe to repeat; None for a token no email carried."""
    if not token.startswith(REPORTER_LINK_PREFIX):
        return None
    notification = (
        Notification.objects.filter(unsubscribe_token=token, case__isnull=False)
        .exclude(recipient_email="")
        .select_related("case")
        .first()
    )
    if notification is None or notification.case is None:
        return None
    opt_out, _ = ReporterOptOut.objects.get_or_create(
        case=notification.case, email=notification.recipient_email, defaults={"token": token}
    )
    return opt_out
