"""The schedule engine: pure functions from a round's pattern and a table of shifted days to
collection dates. No database here; `selectors` loads the rows and calls these.

A round collects on its weekday every `every_weeks` weeks, in the weeks of its anchor date.
A collection whose day is in the shift table (`{original day: new day}`) happens on the new
day instead.

The bank holiday rule (`holiday_shifts`), which generates a council's shift table: in a week
(Monday to Sunday) with a bank holiday on a weekday, every collection day from the first
bank holiday to the Friday moves one day later for each bank holiday on or before it that
week, and then on past any bank holiday or Sunday it lands on. So Easter Monday moves
Monday's collections to Tuesday, ..., Friday's to Saturday; Good Friday moves Friday's to
Saturday; Christmas Day on a Thursday and Boxing Day on the Friday move Thursday's to
Saturday and Friday's to the Monday after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from borough.core.workingdays import bank_holiday_name

WEEK = timedelta(days=7)
DAY = timedelta(days=1)
# How far a shift can move a day: the search for dates starts this much earlier.
MAX_SHIFT = timedelta(days=7)


@dataclass(frozen=True)
class Pattern:
    """When a round collects from a property."""

    weekday: int
    every_weeks: int
    anchor: date
    active_from: date | None = None
    active_to: date | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.every_weeks <= 4:
            raise ValueError("every_weeks must be 1 to 4")
        if self.anchor.weekday() != self.weekday:
            raise ValueError("The anchor date must be on the round's weekday")


def nominal_dates(pattern: Pattern, start: date, end: date) -> list[date]:
    """The round's days from `start` to `end` (inclusive) before any shift."""
    if end < start:
        return []
    step = WEEK * pattern.every_weeks
    # The first round day on or after `start`, counted in whole steps from the anchor.
    steps = -((pattern.anchor - start) // step)
    day = pattern.anchor + steps * step
    days = []
    while day <= end:
        days.append(day)
        day += step
    return days


def collection_dates(
    pattern: Pattern, shifts: Mapping[date, date], start: date, end: date
) -> list[date]:
    """The days the round collects from `start` to `end` (inclusive), after shifts, within
    the property's active dates (which apply to the day as scheduled)."""
    found = []
    for day in nominal_dates(pattern, start - MAX_SHIFT, end + MAX_SHIFT):
        actual = shifts.get(day, day)
        if not start <= actual <= end:
            continue
        if pattern.active_from and actual < pattern.active_from:
            continue
        if pattern.active_to and actual > pattern.active_to:
            continue
        found.append(actual)
    return sorted(found)


def next_collections(
    pattern: Pattern, shifts: Mapping[date, date], from_date: date, n: int
) -> list[date]:
    """The next `n` collection days on or after `from_date`."""
    found: list[date] = []
    start = from_date
    # Look ahead a window at a time (a pattern may have ended: stop after two years).
    while len(found) < n and start <= from_date + timedelta(days=730):
        end = start + WEEK * pattern.every_weeks * max(n, 1)
        found += collection_dates(pattern, shifts, start, end)
        start = end + DAY
    return found[:n]


def last_collection(
    pattern: Pattern, shifts: Mapping[date, date], on_or_before: date
) -> date | None:
    """The latest collection day on or before `on_or_before` (within the last 8 weeks)."""
    days = collection_dates(
        pattern, shifts, on_or_before - WEEK * pattern.every_weeks * 2, on_or_before
    )
    return days[-1] if days else None


def holiday_shifts(holidays: Iterable[date]) -> dict[date, date]:
    """The shift table for a set of bank holidays (see the module's docstring)."""
    weekday_holidays = {day for day in holidays if day.weekday() < 5}
    weeks: dict[date, list[date]] = {}
    for day in weekday_holidays:
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(day)
    shifts: dict[date, date] = {}
    for monday, in_week in weeks.items():
        for offset in range(5):
            day = monday + timedelta(days=offset)
            moves = sum(1 for holiday in in_week if holiday <= day)
            if not moves:
                continue
            target = day + timedelta(days=moves)
            while target in weekday_holidays or target.weekday() == 6:
                target += DAY
            shifts[day] = target
    return dict(sorted(shifts.items()))


def bank_holidays(year: int) -> list[tuple[date, str]]:
    """England and Wales bank holidays in `year`, with their names."""
    day, found = date(year, 1, 1), []
    while day.year == year:
        name = bank_holiday_name(day)
        if name:
            found.append((day, name))
        day += DAY
    return found


def bank_holiday_shifts(year: int) -> dict[date, tuple[date, str]]:
    """The shifts the bank holidays of `year` cause: {day: (new day, holiday name)}."""
    # The neighbouring years too: a week can span New Year.
    holidays = dict(bank_holidays(year - 1) + bank_holidays(year) + bank_holidays(year + 1))
    names = {}
    for day, target in holiday_shifts(holidays).items():
        if day.year != year:
            continue
        monday = day - timedelta(days=day.weekday())
        cause = min(h for h in holidays if monday <= h <= day)
        names[day] = (target, holidays[cause])
    return names
