"""Channel-shift targets: the share of contacts an organisation aims to take online, by when."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from borough.core.models import TenantOwned, TimeStampedModel


class ChannelShiftTarget(TenantOwned, TimeStampedModel):
    """`percent` of contacts on digital channels by `due_on`, measured from `starts_on`.

    The tracker draws a straight line from the share actually reached in the month of
    `starts_on` (the baseline) to `percent` at `due_on`, and says whether the organisation is
    on or behind that line now (see `insight.selectors.channel_shift_tracker`).
    """

    starts_on = models.DateField()
    due_on = models.DateField()
    percent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["organisation", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "due_on"], name="channel_shift_target_unique_due"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gt=models.F("starts_on")),
                name="channel_shift_target_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% online by {self.due_on} ({self.organisation_id})"
