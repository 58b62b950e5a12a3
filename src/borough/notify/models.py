"""The outbox: one row for each email Borough means to send, written in the transaction of
the change that caused it and delivered by a background task after commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from borough.core.models import TenantOwned


class NotificationKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    CASE_UPDATE = "case_update", "Case update"
    CASE_CLOSED = "case_closed", "Case closed"
    CASE_REOPENED = "case_reopened", "Case reopened"
    MARKED_DUPLICATE = "marked_duplicate", "Marked as duplicate"
    ASSIGNED_TO_YOU = "assigned_to_you", "Assigned to you"
    TRANSFERRED_TO_TEAM = "transferred_to_team", "Transferred to team"
    SLA_DUE_SOON = "sla_due_soon", "Due soon"
    SLA_BREACHED = "sla_breached", "Past its target time"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    # Claimed by a worker that is sending it now (see `notify.services.notification_claim`).
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # The follower unsubscribed before the email went: it is never sent.
    CANCELLED = "cancelled", "Cancelled"


class Notification(TenantOwned):
    """One email to one address. `idempotency_key` makes each (event, kind, address) one row."""

    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_email = models.EmailField()
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # For emails to a follower: the follower's token, for the one-click unsubscribe link.
    unsubscribe_token = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    # Attempts started: each claim adds one, before the email is handed to the server.
    attempts = models.PositiveSmallIntegerField(default=0)
    # The worker that claimed it last: when, and the secret that lets only that worker record
    # the outcome. A claim older than `CLAIM_TIMEOUT` may be taken over (the worker died).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=300, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_email} ({self.status})"


class ReporterOptOut(models.Model):
    """A reporter who used the unsubscribe link in an update email about their own case: no
    more update emails about that case go to that address. (Followers unsubscribe by their
    `CaseFollower` row going; a reporter has no such row.)"""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    # The token of the link they used (`notify.services.reporter_unsubscribe_token`).
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "email"], name="reporter_opt_out_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.email} stopped updates on {self.case_id}"
