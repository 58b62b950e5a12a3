"""The case: the one record of a piece of council business, with its timeline."""

from __future__ import annotations

import builtins
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from borough.contacts.models import Channel
from borough.core.models import Team, TenantOwned, TimeStampedModel


class Status(models.TextChoices):
    """Case statuses, FixMyStreet's extended set; each maps onto Open311 open or closed."""

    OPEN = "open", _("Open")
    FOR_TRIAGE = "for_triage", _("For triage")
    INVESTIGATING = "investigating", _("Investigating")
    IN_PROGRESS = "in_progress", _("In progress")
    ACTION_SCHEDULED = "action_scheduled", _("Action scheduled")
    WAITING = "waiting", _("Waiting for the resident")
    FIXED = "fixed", _("Fixed")
    CLOSED = "closed", _("Closed")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_RESPONSIBLE = "not_councils_responsibility", _("Not the council's responsibility")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")
    INTERNAL_REFERRAL = "internal_referral", _("Referred")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATUSES = frozenset(
    {
        Status.FIXED,
        Status.CLOSED,
        Status.DUPLICATE,
        Status.NOT_RESPONSIBLE,
        Status.NO_FURTHER_ACTION,
        Status.INTERNAL_REFERRAL,
        Status.CANCELLED,
    }
)


# The GOV.UK tag colour of each status wherever a status is shown as a tag (closed ones grey).
_STATUS_TAG_CLASSES = {
    Status.OPEN: "govuk-tag--blue",
    Status.FOR_TRIAGE: "govuk-tag--light-blue",
    Status.INVESTIGATING: "govuk-tag--purple",
    Status.IN_PROGRESS: "govuk-tag--turquoise",
    Status.ACTION_SCHEDULED: "govuk-tag--turquoise",
    Status.WAITING: "govuk-tag--yellow",
    Status.FIXED: "govuk-tag--green",
}


def status_tag_class(status: str) -> str:
    if status in _STATUS_TAG_CLASSES:
        return _STATUS_TAG_CLASSES[Status(status)]
    return "govuk-tag--grey" if status in CLOSED_STATUSES else "govuk-tag--blue"


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class Case(TenantOwned, TimeStampedModel):
    """Owned by `organisation` (the council working it) and queued in `team`."""

    reference = models.CharField(max_length=20, unique=True)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    # The resident with an account, or the contact details of an anonymous reporter.
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=30, blank=True)
    show_name_publicly = models.BooleanField(default=False)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    title = models.CharField(max_length=200, help_text="A one-line summary, built from the answers")
    answers = models.JSONField(default=dict, blank=True)
    # The answers as a person reads them (choices by their labels), for staff searching by
    # what the resident wrote: `cases.selectors` searches it. Set with the answers.
    search_text = models.TextField(blank=True, default="", editable=False)
    form_version = models.PositiveIntegerField()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    property = models.ForeignKey(
        "places.Property", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    street = models.ForeignKey(
        "places.Street", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    ward = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=40, choices=Status.choices, default=Status.OPEN)
    # The council's name for the status ("Crew booked"), when staff chose one of the named
    # statuses (`catalogue.CaseStatus`); `status` is what it stands for. See `status_text`.
    named_status = models.ForeignKey(
        "catalogue.CaseStatus",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    sla_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    # The due time a "due soon" warning, and an SLA breach escalation, was last written for:
    # each is written once per due time (see `cases.sla`).
    sla_warned_due_at = models.DateTimeField(null=True, blank=True)
    sla_escalated_due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(default=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # Set by the channel to make a resubmission return the first case instead of a second.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # Bumped by every change; a stale edit (older version) is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["service", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @builtins.property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @builtins.property
    def open311_status(self) -> str:
        return open311_status(self.status)

    @builtins.property
    def status_name(self) -> str:
        """The council's name for the status the case is in ("Crew booked"), or "" when it
        has none: the case is in a base status that no named status was chosen for (a change
        made elsewhere, such as asking the resident, leaves an earlier name behind)."""
        named = self.named_status if self.named_status_id else None
        if named is not None and named.base_status == self.status:
            return named.name
        return ""

    @builtins.property
    def status_text(self) -> str:
        """The status in staff's words: the council's name for it, or the base status."""
        return self.status_name or str(self.get_status_display())


class ExternalReference(models.Model):
    """An id the case has in another system (FixMyStreet, a contractor's, an app's)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="external_references")
    system = models.CharField(max_length=60)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="external_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    ROUTED = "routed", "Routed"
    TRANSFERRED = "transferred", "Transferred"
    ASSIGNED = "assigned", "Assigned"
    STATUS_CHANGED = "status_changed", "Status changed"
    PUBLIC_UPDATE = "public_update", "Public update"
    INTERNAL_NOTE = "internal_note", "Internal note"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    RESIDENT_REPLIED = "resident_replied", "Resident replied"
    SLA_DUE_SOON = "sla_due_soon", "Due soon"
    SLA_BREACHED = "sla_breached", "SLA breached"
    DECISION_MADE = "decision_made", "Decision made"
    DISPATCHED = "dispatched", "Dispatched"
    EXTERNAL_UPDATE = "external_update", "External update"
    MARKED_DUPLICATE = "marked_duplicate", "Marked as duplicate"
    PRIORITY_CHANGED = "priority_changed", "Priority changed"
    ATTACHMENT_ADDED = "attachment_added", "Attachment added"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


class AppendOnlyError(Exception):
    pass


class CaseEvent(models.Model):
    """The case's append-only timeline. Notifications and integrations read from it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Public events are shown to the resident and on public pages.
    public = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Case events are append-only")


class CaseFollower(models.Model):
    """Someone who asked to be emailed on each public update of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Secret in the one-click unsubscribe link.
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "email"], name="case_follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.email} follows {self.case_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.reference}/{instance.sha256[:16]}{_suffix(filename)}"


def thumbnail_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.reference}/{instance.sha256[:16]}-thumbnail.jpg"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:6] if dot != -1 else ""


class Attachment(TimeStampedModel):
    """A file on a case. Photos are stored cleaned of metadata (`cases.images`), with their
    size and a small JPEG `thumbnail`; other files as sent, and only ever downloaded."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    public = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.original_name
