"""Contractors reached over Open311 or a JSON webhook, and each case sent to one.

A `ContractorEndpoint` makes a team an external contractor: cases routed or transferred to
that team are sent to the contractor by a background task. Each sending is one `Dispatch`
row, written in the transaction that routed the case and unique by its idempotency key, so
a case is sent once however often the task runs. Updates that come back from the contractor
are recorded once each as an `ExternalUpdate` (unique per endpoint and update id).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from borough.core.models import Team, TenantOwned, TimeStampedModel


class Protocol(models.TextChoices):
    OPEN311 = "open311", _("Open311 GeoReport v2")
    WEBHOOK = "webhook", _("JSON webhook")


class ContractorEndpoint(TenantOwned, TimeStampedModel):
    """How to reach the contractor behind a team. `organisation` is the team's."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="contractor_endpoint")
    protocol = models.CharField(max_length=10, choices=Protocol.choices)
    # Open311: the GeoReport base URL (requests.json is added). Webhook: the URL posted to.
    base_url = models.URLField(max_length=300)
    # Open311: the api_key sent with each request.
    api_key = models.CharField(max_length=200, blank=True)
    # Webhook: the shared secret for the HMAC-SHA256 signatures, both ways.
    secret = models.CharField(max_length=200, blank=True)
    jurisdiction_id = models.CharField(max_length=100, blank=True)
    # Borough service code -> the contractor's service code (Open311); unmapped codes are
    # sent as they are.
    service_codes = models.JSONField(default=dict, blank=True)
    # The contractor's status -> a Borough case status, for statuses that are not already
    # Borough's own (open, in_progress, fixed, closed and the rest).
    status_map = models.JSONField(default=dict, blank=True)
    # Whether the reporter's name, email address and phone number are sent. Off by default:
    # a contractor gets what it needs to do the job (what, where), not who asked.
    share_reporter_contact = models.BooleanField(default=False)
    timeout_seconds = models.PositiveSmallIntegerField(default=10)
    active = models.BooleanField(default=True)
    # Open311: the end of the last window of updates fetched.
    updates_polled_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team__name"]

    def __str__(self) -> str:
        return f"{self.team.name} ({self.get_protocol_display()})"

    @property
    def system(self) -> str:
        """The name of this contractor's ids among a case's external references."""
        return f"contractor-{self.pk}"


class DispatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will try again")
    GAVE_UP = "gave_up", _("Not sent")


class Dispatch(TenantOwned, TimeStampedModel):
    """One case sent (or to be sent) to one contractor. `organisation` is the case's."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="dispatches")
    endpoint = models.ForeignKey(
        ContractorEndpoint, on_delete=models.PROTECT, related_name="dispatches"
    )
    # The case event (routed or transferred) that caused it.
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "<case id>:<endpoint id>:<event id>", sent as the Idempotency-Key header.
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(
        max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker that claimed the sending; the result is recorded only with it.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # The contractor's id of the request (Open311 service_request_id, or the webhook's
    # reference), and an Open311 token while the id is not known yet.
    external_id = models.CharField(max_length=200, blank=True, db_index=True)
    token = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "dispatches"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} to {self.endpoint_id} ({self.status})"


class ExternalUpdate(TenantOwned):
    """An update received from a contractor, recorded once: a repeat of the same update id
    from the same endpoint changes nothing."""

    endpoint = models.ForeignKey(
        ContractorEndpoint, on_delete=models.CASCADE, related_name="updates"
    )
    update_id = models.CharField(max_length=200)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "update_id"], name="external_update_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id}:{self.update_id}"
