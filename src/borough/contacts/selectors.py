"""Reads of contacts and channel costs."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from borough.contacts.models import ChannelCost
from borough.core.models import Organisation


def channel_cost_on(*, organisation: Organisation, channel: str, day: date) -> ChannelCost | None:
    """The cost in force on `day`: the organisation's own figure if it set one, else the default."""
    candidates = ChannelCost.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True),
        channel=channel,
        valid_from__lte=day,
    )
    own = candidates.filter(organisation=organisation).order_by("-valid_from").first()
    return own or candidates.filter(organisation__isnull=True).order_by("-valid_from").first()
