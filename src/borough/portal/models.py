"""What the resident pages keep beyond a session: a signed-in resident's unsent form."""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.db import models

from borough.core.models import TimeStampedModel

# A saved form not changed for this many days is forgotten.
SAVED_JOURNEY_DAYS: Final = 30


class SavedJourney(TimeStampedModel):
    """A signed-in resident's half-finished form for one service ("save and come back later").

    The raw answers are kept as the resident typed them, with the form version they were given
    under and the steps they finished; the runner checks them again against the current form
    version when the resident continues. Deleted when the form is sent, when the resident
    starts again, and after `SAVED_JOURNEY_DAYS` without a change.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_journeys"
    )
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.CASCADE, related_name="saved_journeys"
    )
    form_version = models.PositiveIntegerField()
    # The form's own questions, by question id, as typed.
    answers = models.JSONField(default=dict, blank=True)
    # The address or location step, "Your details" and "Is this the same problem?", as typed.
    place = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    same = models.JSONField(default=dict, blank=True)
    # The slugs of the steps the resident finished, in order.
    completed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="saved_journey_unique")
        ]
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"Saved {self.service_id} for {self.user_id}"
