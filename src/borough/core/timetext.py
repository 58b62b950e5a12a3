"""Times and dates as GOV.UK style writes them, in UK time: "5 March 2026 at 2:15pm".

One place for the wording, used by pages, emails and templates alike.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, LONDON)


def clock_text(moment: datetime) -> str:
    """9am, 2:15pm, midday, midnight."""
    local = _local(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def date_text(moment: datetime) -> str:
    """5 March 2026."""
    local = _local(moment)
    return f"{local.day} {local:%B %Y}"


def datetime_text(moment: datetime) -> str:
    """5 March 2026 at 2:15pm."""
    return f"{date_text(moment)} at {clock_text(moment)}"


def date_short_text(moment: datetime) -> str:
    """5 Mar 2026, for tables."""
    local = _local(moment)
    return f"{local.day} {local:%b %Y}"


def datetime_short_text(moment: datetime) -> str:
    """5 Mar 2026, 2:15pm, for tables."""
    return f"{date_short_text(moment)}, {clock_text(moment)}"
