"""The schedule engine: frequencies, week patterns and bank holiday shifts, on the real
England and Wales bank holidays (the `holidays` package)."""

from __future__ import annotations

from datetime import date

import pytest

from borough.waste.schedule import (
    Pattern,
    bank_holiday_shifts,
    collection_dates,
    holiday_shifts,
    last_collection,
    next_collections,
    nominal_dates,
)

MONDAY = date(2026, 1, 5)


def test_weekly_and_every_few_weeks_from_the_anchor():
    weekly = Pattern(weekday=0, every_weeks=1, anchor=MONDAY)
    assert nominal_dates(weekly, date(2026, 1, 1), date(2026, 1, 31)) == [
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
    ]
    fortnightly = Pattern(weekday=0, every_weeks=2, anchor=MONDAY)
    assert nominal_dates(fortnightly, date(2026, 1, 6), date(2026, 2, 28)) == [
        date(2026, 1, 19),
        date(2026, 2, 2),
        date(2026, 2, 16),
    ]
    three = Pattern(weekday=0, every_weeks=3, anchor=MONDAY)
    assert nominal_dates(three, date(2026, 1, 1), date(2026, 2, 28)) == [
        date(2026, 1, 5),
        date(2026, 1, 26),
        date(2026, 2, 16),
    ]
    four = Pattern(weekday=0, every_weeks=4, anchor=MONDAY)
    assert nominal_dates(four, date(2026, 1, 1), date(2026, 3, 31)) == [
        date(2026, 1, 5),
        date(2026, 2, 2),
        date(2026, 3, 2),
        date(2026, 3, 30),
    ]


def test_the_anchor_may_be_after_the_dates_asked_for():
    fortnightly = Pattern(weekday=0, every_weeks=2, anchor=date(2026, 6, 1))
    # 1 June is 20 weeks after 12 January.
    assert nominal_dates(fortnightly, date(2026, 1, 1), date(2026, 1, 31)) == [
        date(2026, 1, 12),
        date(2026, 1, 26),
    ]


def test_alternate_weeks_never_meet():
    rubbish = Pattern(weekday=0, every_weeks=2, anchor=MONDAY)
    recycling = Pattern(weekday=0, every_weeks=2, anchor=date(2026, 1, 12))
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    assert not set(nominal_dates(rubbish, start, end)) & set(nominal_dates(recycling, start, end))
    assert len(nominal_dates(rubbish, start, end)) + len(nominal_dates(recycling, start, end)) == 52


def test_a_pattern_must_be_on_its_weekday_and_every_1_to_4_weeks():
    with pytest.raises(ValueError):
        Pattern(weekday=1, every_weeks=1, anchor=MONDAY)
    with pytest.raises(ValueError):
        Pattern(weekday=0, every_weeks=5, anchor=MONDAY)


def test_easter_moves_good_friday_and_the_week_after_easter_monday():
    shifts = bank_holiday_shifts(2026)
    # Good Friday 3 April: Friday to Saturday; days before it in the week do not move.
    assert shifts[date(2026, 4, 3)] == (date(2026, 4, 4), "Good Friday")
    assert date(2026, 4, 2) not in shifts
    # Easter Monday 6 April: every day that week one day later, Friday to Saturday.
    assert shifts[date(2026, 4, 6)][0] == date(2026, 4, 7)
    assert shifts[date(2026, 4, 8)][0] == date(2026, 4, 9)
    assert shifts[date(2026, 4, 10)] == (date(2026, 4, 11), "Easter Monday")


def test_christmas_and_new_year_2025():
    shifts = {day: target for day, (target, _name) in bank_holiday_shifts(2025).items()}
    # Christmas Day Thursday, Boxing Day Friday: Thursday to Saturday, Friday to Monday.
    assert shifts[date(2025, 12, 25)] == date(2025, 12, 27)
    assert shifts[date(2025, 12, 26)] == date(2025, 12, 29)
    assert date(2025, 12, 24) not in shifts
    new_year = {day: target for day, (target, _name) in bank_holiday_shifts(2026).items()}
    # New Year's Day 2026 is a Thursday: Thursday to Friday, Friday to Saturday.
    assert new_year[date(2026, 1, 1)] == date(2026, 1, 2)
    assert new_year[date(2026, 1, 2)] == date(2026, 1, 3)
    assert date(2025, 12, 29) not in new_year


def test_a_week_spanning_new_year_counts_the_next_years_holiday():
    shifts = {day: target for day, (target, _name) in bank_holiday_shifts(2026).items()}
    # Boxing Day (observed) Monday 28 December 2026 and New Year's Day Friday 1 January 2027:
    # Thursday 31 December moves past the New Year holiday to Saturday 2 January.
    assert shifts[date(2026, 12, 28)] == date(2026, 12, 29)
    assert shifts[date(2026, 12, 31)] == date(2027, 1, 2)
    # Christmas Day Friday 25 December 2026: to Saturday (Boxing Day falls on it, but is
    # not a weekday bank holiday: the holiday is the Monday).
    assert shifts[date(2026, 12, 25)] == date(2026, 12, 26)


def test_holiday_shifts_skip_sundays_and_other_holidays():
    # Two holidays on Thursday and Friday of one week: Friday moves 2 days, past Sunday.
    shifts = holiday_shifts([date(2025, 12, 25), date(2025, 12, 26)])
    assert shifts == {
        date(2025, 12, 25): date(2025, 12, 27),
        date(2025, 12, 26): date(2025, 12, 29),
    }
    # A weekend holiday moves nothing.
    assert holiday_shifts([date(2026, 12, 26)]) == {}


def test_collection_dates_follow_the_shift_table():
    friday = Pattern(weekday=4, every_weeks=1, anchor=date(2026, 1, 9))
    shifts = {day: target for day, (target, _name) in bank_holiday_shifts(2026).items()}
    days = collection_dates(friday, shifts, date(2026, 3, 30), date(2026, 4, 12))
    # Good Friday's collection is on Saturday, and so is the next week's (Easter Monday).
    assert days == [date(2026, 4, 4), date(2026, 4, 11)]


def test_a_shifted_day_moved_in_from_before_the_window_is_found():
    friday = Pattern(weekday=4, every_weeks=1, anchor=date(2025, 12, 5))
    shifts = {date(2025, 12, 26): date(2025, 12, 29)}
    assert collection_dates(friday, shifts, date(2025, 12, 27), date(2025, 12, 31)) == [
        date(2025, 12, 29)
    ]


def test_next_collections_over_christmas_and_new_year():
    shifts = {}
    for year in (2025, 2026):
        shifts.update({d: t for d, (t, _n) in bank_holiday_shifts(year).items()})
    thursday = Pattern(weekday=3, every_weeks=1, anchor=date(2025, 12, 4))
    assert next_collections(thursday, shifts, date(2025, 12, 20), 4) == [
        date(2025, 12, 27),  # Christmas Day
        date(2026, 1, 2),  # New Year's Day
        date(2026, 1, 8),
        date(2026, 1, 15),
    ]
    monday_fortnightly = Pattern(weekday=0, every_weeks=2, anchor=date(2025, 12, 22))
    assert next_collections(monday_fortnightly, shifts, date(2025, 12, 20), 3) == [
        date(2025, 12, 22),
        date(2026, 1, 5),
        date(2026, 1, 19),
    ]


def test_active_dates_limit_the_collections():
    pattern = Pattern(
        weekday=0,
        every_weeks=1,
        anchor=MONDAY,
        active_from=date(2026, 1, 10),
        active_to=date(2026, 1, 25),
    )
    assert collection_dates(pattern, {}, date(2026, 1, 1), date(2026, 2, 28)) == [
        date(2026, 1, 12),
        date(2026, 1, 19),
    ]
    assert next_collections(pattern, {}, date(2026, 2, 1), 3) == []


def test_last_collection():
    pattern = Pattern(weekday=0, every_weeks=2, anchor=MONDAY)
    assert last_collection(pattern, {}, date(2026, 1, 18)) == date(2026, 1, 5)
    assert last_collection(pattern, {}, date(2026, 1, 19)) == date(2026, 1, 19)
    assert last_collection(pattern, {date(2026, 1, 19): date(2026, 1, 20)}, date(2026, 1, 19)) == (
        date(2026, 1, 5)
    )
