"""API keys for Open311 clients, their rate-limit windows, and what each client sent.

A key is shown once when it is issued; only its SHA-256 hash is stored, with a short
prefix so that people can tell keys apart. Each key belongs to one organisation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from borough.core.models import TenantOwned, TimeStampedModel

# Requests a key may make in one minute, unless set otherwise on the key.
DEFAULT_RATE_LIMIT = 120


class ApiKey(TenantOwned, TimeStampedModel):
    """One client's key (an app, a FixMyStreet install), scoped to one organisation."""

    name = models.CharField(max_length=100, help_text="Who uses the key, like 'FixMyStreet'")
    # The first characters of the key, shown to staff to tell keys apart. Not secret.
    prefix = models.CharField(max_length=16, unique=True)
    # SHA-256 of the whole key, in hex.
    key_hash = models.CharField(max_length=64, unique=True)
    # Give FixMyStreet's extended statuses (fixed, in_progress, ...) instead of open/closed.
    extended_statuses = models.BooleanField(default=False)
    rate_limit = models.PositiveIntegerField(
        default=DEFAULT_RATE_LIMIT, help_text="Requests allowed in each minute"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveBigIntegerField(default=0)
    # The key's current fixed one-minute rate window: when it started and how many requests
    # were allowed in it. Kept on the key so that one conditional UPDATE both counts a
    # request against the limit and records the key's use (`services.apikey_use`).
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation__name", "name", "id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AnonymousRateWindow(models.Model):
    """How many requests one address made without a key in one fixed minute (reads of
    public data need no key, but are still limited)."""

    client_ip = models.GenericIPAddressField()
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client_ip", "window_start"], name="open311_anonymous_window_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_ip} {self.window_start:%H:%M} {self.count}"


class ServiceRequest(models.Model):
    """A case made over Open311: which key sent it, its token and what had no place on the
    case (extra attributes, the media URL, the address as the client wrote it)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="open311_request"
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    # For GET tokens/<token>: the spec's way to find the id of a request.
    token = models.CharField(max_length=64, unique=True)
    media_url = models.CharField(max_length=2000, blank=True)
    address_string = models.CharField(max_length=500, blank=True)
    # Attributes that are not questions of the service's form, as sent.
    extra_attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.token[:8]} -> {self.case_id}"


class ReceivedUpdate(models.Model):
    """An update a client posted to servicerequestupdates, kept so that sending it again
    returns the same update and changes nothing."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="updates")
    # The client's own id for the update (FixMyStreet's comment id).
    external_id = models.CharField(max_length=100)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The status the client sent, as it sent it (upper or lower case).
    status = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "external_id"], name="open311_received_update_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.external_id}"
