"""Working days and working hours in England and Wales.

Bank holidays come from the `holidays` package (England's calendar, which Wales shares),
so nothing is fetched at run time. Times are taken in any zone and worked out in
Europe/London; office hours are 09:00 to 17:00.

SLA clocks:
- working days: due at the same London time of day, that many working days later. A case
  raised outside a working day (or after hours) starts its clock at 09:00 on the next one.
- working hours: counted inside office hours only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
OPENS = time(9, 0)
CLOSES = time(17, 0)
HOURS_PER_DAY = 8


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holiday_name(day: date) -> str | None:
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    if count < 0:
        raise ValueError("count must not be negative")
    for _ in range(count):
        day = next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def _london(moment: datetime) -> datetime:
    # A naive datetime would be read in the server's zone (UTC on most servers), an hour
    # out in summer: refuse it rather than guess.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Give a datetime with a time zone (use django.utils.timezone.now())")
    return moment.astimezone(LONDON)


def _clock_start(moment: datetime) -> datetime:
    """The moment an SLA clock starts: now if inside office hours, else the next opening."""
    local = _london(moment)
    if is_working_day(local.date()):
        if local.time() < OPENS:
            return datetime.combine(local.date(), OPENS, LONDON)
        if local.time() < CLOSES:
            return local
    return datetime.combine(next_working_day(local.date()), OPENS, LONDON)


def due_after_working_days(moment: datetime, count: int) -> datetime:
    start = _clock_start(moment)
    due_day = add_working_days(start.date(), count)
    return datetime.combine(due_day, start.timetz().replace(tzinfo=None), LONDON)


def due_after_working_hours(moment: datetime, hours: float) -> datetime:
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    current = _clock_start(moment)
    while True:
        close = datetime.combine(current.date(), CLOSES, LONDON)
        available = close - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = datetime.combine(next_working_day(current.date()), OPENS, LONDON)


def working_seconds_between(start: datetime, end: datetime) -> float:
    """Seconds of office hours between two moments (for pausing and resuming SLA clocks)."""
    end_local = _london(end)
    if end <= _london(start):
        return 0.0
    total = 0.0
    current = _clock_start(start)
    while current < end_local:
        close = datetime.combine(current.date(), CLOSES, LONDON)
        total += (min(close, end_local) - current).total_seconds()
        current = datetime.combine(next_working_day(current.date()), OPENS, LONDON)
    return total
