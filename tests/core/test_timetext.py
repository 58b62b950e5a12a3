from datetime import UTC, datetime

from borough.core.timetext import (
    clock_text,
    date_short_text,
    date_text,
    datetime_short_text,
    datetime_text,
)


def test_times_are_written_the_gov_uk_way_in_uk_time():
    summer = datetime(2026, 6, 1, 13, 15, tzinfo=UTC)  # 2:15pm British Summer Time
    assert datetime_text(summer) == "1 June 2026 at 2:15pm"
    assert datetime_short_text(summer) == "1 Jun 2026, 2:15pm"
    assert date_text(summer) == "1 June 2026"
    assert date_short_text(summer) == "1 Jun 2026"
    assert clock_text(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) == "9am"
    assert clock_text(datetime(2026, 1, 5, 12, 0, tzinfo=UTC)) == "midday"
    assert clock_text(datetime(2026, 1, 5, 0, 0, tzinfo=UTC)) == "midnight"
    # 23:30 UTC on 31 March is already 1 April in London.
    assert date_text(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "1 April 2026"
