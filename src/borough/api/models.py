"""Personal bearer tokens for the internal API.

A token belongs to one member of staff and acts with exactly their back-office permissions.
Only a SHA-256 hash of the token is stored; the token itself is shown once, when it is made
(`borough manage api_token_create`). `prefix` (the first characters) tells tokens apart in
lists and logs without revealing them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name} ({self.user_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
