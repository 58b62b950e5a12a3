from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from borough.core.workingdays import (
    add_working_days,
    bank_holiday_name,
    due_after_working_days,
    due_after_working_hours,
    is_working_day,
    next_working_day,
    working_days_between,
    working_seconds_between,
)

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return datetime(*args, tzinfo=LONDON)


# -- Bank holidays -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2022, 6, 2), "Spring Bank Holiday"),
        (date(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "Coronation of Charles III"),
        (date(2022, 12, 27), "Christmas Day (observed)"),
    ],
)
def test_bank_holidays_in_england_and_wales(day, name):
    assert bank_holiday_name(day) == name
    assert not is_working_day(day)


def test_ordinary_days():
    assert bank_holiday_name(date(2026, 12, 24)) is None
    assert is_working_day(date(2026, 12, 24))  # Thursday
    assert not is_working_day(date(2026, 12, 26))  # Saturday (Boxing Day)
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    # The late May bank holiday of 2022 moved to 2 June: 30 May was a working day.
    assert is_working_day(date(2022, 5, 30))


# -- Working days ------------------------------------------------------------------------


def test_next_working_day_skips_weekends_and_bank_holidays():
    assert next_working_day(date(2026, 11, 20)) == date(2026, 11, 23)  # Fri -> Mon
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)  # Thu -> Tue
    assert next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)  # Easter
    assert next_working_day(date(2022, 6, 1)) == date(2022, 6, 6)  # Jubilee
    assert next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)  # New Year, Saturday...


def test_add_working_days():
    assert add_working_days(date(2026, 12, 23), 0) == date(2026, 12, 23)
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
    assert add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)  # Coronation
    assert add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)  # State funeral
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(date(2026, 1, 5), -1)


def test_working_days_between():
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 31)) == 4  # 24, 29, 30, 31
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 8)) == 3  # 2, 7, 8
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 20)) == 0
    # It agrees with add_working_days.
    start = date(2026, 12, 18)
    for count in range(15):
        assert working_days_between(start, add_working_days(start, count)) == count


# -- Due times in working days -----------------------------------------------------------


def test_due_after_working_days_from_a_friday_afternoon():
    # Friday 20 November 2026, 15:30: five working days is the Friday after, same time.
    assert due_after_working_days(london(2026, 11, 20, 15, 30), 5) == london(2026, 11, 27, 15, 30)
    assert due_after_working_days(london(2026, 11, 20, 15, 30), 1) == london(2026, 11, 23, 15, 30)


def test_due_after_working_days_from_a_weekend_or_out_of_hours_starts_at_nine():
    # Saturday: the clock starts at 09:00 on Monday.
    assert due_after_working_days(london(2026, 11, 21, 11, 0), 1) == london(2026, 11, 24, 9, 0)
    # Before opening: 09:00 the same day.
    assert due_after_working_days(london(2026, 11, 23, 7, 45), 2) == london(2026, 11, 25, 9, 0)
    # After closing, and at closing exactly: 09:00 the next working day.
    assert due_after_working_days(london(2026, 11, 23, 17, 30), 2) == london(2026, 11, 26, 9, 0)
    assert due_after_working_days(london(2026, 11, 23, 17, 0), 2) == london(2026, 11, 26, 9, 0)
    # Raised on Christmas Eve evening: the clock starts on Tuesday 29 December.
    assert due_after_working_days(london(2026, 12, 24, 18, 0), 1) == london(2026, 12, 30, 9, 0)
    # Zero days: when the clock starts.
    assert due_after_working_days(london(2026, 11, 21, 11, 0), 0) == london(2026, 11, 23, 9, 0)


def test_due_after_working_days_keeps_london_time_across_the_clock_change():
    # Friday 27 March 2026 10:00 GMT; the clocks go forward on Sunday 29 March.
    start = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)
    due = due_after_working_days(start, 1)
    assert due == london(2026, 3, 30, 10, 0)
    assert due.utcoffset() == timedelta(hours=1)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    # Friday 23 October 2026 10:00 BST (09:00 UTC); the clocks go back on Sunday 25 October.
    start = datetime(2026, 10, 23, 9, 0, tzinfo=UTC)
    due = due_after_working_days(start, 1)
    assert due == london(2026, 10, 26, 10, 0)
    assert due.utcoffset() == timedelta(0)


def test_due_after_working_days_takes_a_time_in_utc():
    # 08:30 UTC in summer is 09:30 in London: inside office hours.
    assert due_after_working_days(datetime(2026, 7, 1, 8, 30, tzinfo=UTC), 1) == london(
        2026, 7, 2, 9, 30
    )
    # 16:30 UTC in summer is 17:30 in London: after closing.
    assert due_after_working_days(datetime(2026, 7, 1, 16, 30, tzinfo=UTC), 1) == london(
        2026, 7, 3, 9, 0
    )


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        due_after_working_days(datetime(2026, 11, 20, 10, 0), 1)
    with pytest.raises(ValueError, match="time zone"):
        due_after_working_hours(datetime(2026, 11, 20, 10, 0), 1)
    with pytest.raises(ValueError, match="time zone"):
        working_seconds_between(datetime(2026, 11, 20, 10, 0), london(2026, 11, 20, 11, 0))


# -- Working hours -----------------------------------------------------------------------


def test_due_after_working_hours_within_a_day():
    assert due_after_working_hours(london(2026, 11, 23, 10, 0), 4) == london(2026, 11, 23, 14, 0)
    # Exactly to closing time.
    assert due_after_working_hours(london(2026, 11, 23, 9, 0), 8) == london(2026, 11, 23, 17, 0)
    assert due_after_working_hours(london(2026, 11, 23, 10, 0), 0.5) == london(2026, 11, 23, 10, 30)


def test_due_after_working_hours_spanning_days():
    # Friday 15:00 + 4 hours: 2 on Friday, 2 on Monday.
    assert due_after_working_hours(london(2026, 11, 20, 15, 0), 4) == london(2026, 11, 23, 11, 0)
    # 20 hours from Monday 09:00: Monday 8, Tuesday 8, Wednesday 4.
    assert due_after_working_hours(london(2026, 11, 23, 9, 0), 20) == london(2026, 11, 25, 13, 0)
    # Over Christmas: Thursday 24 December 16:00 + 2 hours.
    assert due_after_working_hours(london(2026, 12, 24, 16, 0), 2) == london(2026, 12, 29, 10, 0)
    # From a Saturday: counted from Monday 09:00.
    assert due_after_working_hours(london(2026, 11, 21, 12, 0), 3) == london(2026, 11, 23, 12, 0)
    # From 18:00: counted from the next morning.
    assert due_after_working_hours(london(2026, 11, 23, 18, 0), 1) == london(2026, 11, 24, 10, 0)


def test_due_after_working_hours_across_the_clock_change():
    # Friday 23 October 2026 15:00 BST + 4 hours = Monday 11:00 GMT.
    due = due_after_working_hours(london(2026, 10, 23, 15, 0), 4)
    assert due == london(2026, 10, 26, 11, 0)
    assert due.utcoffset() == timedelta(0)
    # Friday 27 March 2026 16:00 GMT + 2 hours = Monday 10:00 BST.
    due = due_after_working_hours(datetime(2026, 3, 27, 16, 0, tzinfo=UTC), 2)
    assert due == london(2026, 3, 30, 10, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def test_due_after_working_hours_refuses_negative_hours():
    with pytest.raises(ValueError, match="must not be negative"):
        due_after_working_hours(london(2026, 11, 23, 10, 0), -1)


# -- Working seconds between two moments -------------------------------------------------


def test_working_seconds_between():
    hour = 3600.0
    assert working_seconds_between(london(2026, 11, 23, 10, 0), london(2026, 11, 23, 12, 30)) == (
        2.5 * hour
    )
    # Friday 16:00 to Monday 10:00: one hour each side of the weekend.
    assert working_seconds_between(london(2026, 11, 20, 16, 0), london(2026, 11, 23, 10, 0)) == (
        2 * hour
    )
    # Over Christmas 2026 (Thu 24 16:00 to Tue 29 10:00).
    assert working_seconds_between(london(2026, 12, 24, 16, 0), london(2026, 12, 29, 10, 0)) == (
        2 * hour
    )
    # A whole week: five days of eight hours.
    assert working_seconds_between(london(2026, 11, 23, 0, 0), london(2026, 11, 30, 0, 0)) == (
        40 * hour
    )
    # Entirely out of hours, or backwards.
    assert working_seconds_between(london(2026, 11, 23, 18, 0), london(2026, 11, 24, 8, 0)) == 0
    assert working_seconds_between(london(2026, 11, 21, 9, 0), london(2026, 11, 22, 17, 0)) == 0
    assert working_seconds_between(london(2026, 11, 23, 12, 0), london(2026, 11, 23, 10, 0)) == 0


def test_working_seconds_between_across_the_clock_change():
    # Friday 27 March 16:00 GMT to Monday 30 March 10:00 BST: 1 hour + 1 hour of office time.
    assert (
        working_seconds_between(
            datetime(2026, 3, 27, 16, 0, tzinfo=UTC), datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
        )
        == 2 * 3600.0
    )
    assert (
        working_seconds_between(london(2026, 10, 23, 16, 0), london(2026, 10, 26, 10, 0))
        == 2 * 3600.0
    )


def test_working_hours_and_seconds_agree():
    start = london(2026, 12, 22, 14, 15)
    for hours in [0, 1, 2.75, 8, 9, 30]:
        due = due_after_working_hours(start, hours)
        assert working_seconds_between(start, due) == pytest.approx(hours * 3600)
