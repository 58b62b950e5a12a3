"""Every interaction on every channel, and what each channel costs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from borough.core.models import Organisation, TenantOwned


class Channel(models.TextChoices):
    WEB = "web", "Web"
    APP = "app", "App or API"
    PHONE = "phone", "Phone"
    FACE_TO_FACE = "face_to_face", "Face to face"
    KIOSK = "kiosk", "Kiosk"
    WEBCHAT = "webchat", "Web chat"
    FIELD = "field", "Staff in the field"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"


DIGITAL_CHANNELS = (Channel.WEB, Channel.APP, Channel.WEBCHAT)


class Outcome(models.TextChoices):
    CASE_CREATED = "case_created", "Case created"
    CASE_UPDATED = "case_updated", "Existing case updated"
    INFORMATION_GIVEN = "information_given", "Information given"
    SIGNPOSTED = "signposted", "Signposted elsewhere"
    PAYMENT_TAKEN = "payment_taken", "Payment taken"
    PROGRESS_CHASED = "progress_chased", "Progress chased"
    COMPLAINT = "complaint", "Complaint"
    OTHER = "other", "Other"


class Contact(TenantOwned):
    """One interaction with a resident, on one channel. What proves channel shift."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    service = models.ForeignKey(
        "catalogue.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    # The member of staff who handled it, for assisted channels.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    # Avoidable contact: chasing, or anything the resident could have done or known online.
    avoidable = models.BooleanField(default=False)
    resolved_at_first_contact = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    # Set by a form that may be sent twice (a double click): the second send finds the first.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["organisation", "channel", "at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} contact at {self.at:%Y-%m-%d %H:%M}"


class ChannelCost(models.Model):
    """What one transaction on a channel costs, from a date. Organisation null = the default."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="channel_costs"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    valid_from = models.DateField()
    cost_pence = models.PositiveIntegerField()
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["channel", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "channel", "valid_from"], name="channel_cost_unique"
            ),
            models.UniqueConstraint(
                fields=["channel", "valid_from"],
                condition=models.Q(organisation__isnull=True),
                name="channel_cost_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.cost_pence}p from {self.valid_from}"
