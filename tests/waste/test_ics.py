"""The iCalendar writer: RFC 5545 line endings, folding, escaping and all-day events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from borough.waste.ics import AllDayEvent, calendar, escape_text, fold

STAMP = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_escaping_text():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_folding_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    # Unfolding gives the line back.
    assert folded.replace("\r\n ", "") == line
    assert fold("SUMMARY:short") == "SUMMARY:short"


def test_a_calendar_of_all_day_events():
    text = calendar(
        events=[
            AllDayEvent(uid="1-refuse-20260302@borough", day=date(2026, 3, 2), summary="Rubbish"),
            AllDayEvent(
                uid="1-food-20260302@borough",
                day=date(2026, 3, 2),
                summary="Food waste",
                description="1 High West Street, Dorchester, DT1 1UZ",
            ),
        ],
        name="Bin collections",
        product="-//Borough//Bin collections//EN",
        stamp=STAMP,
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    # Every line ends in CRLF: no bare LF.
    assert "\n" not in text.replace("\r\n", "")
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20260302\r\n" in text
    assert "DTEND;VALUE=DATE:20260303\r\n" in text
    assert "DTSTAMP:20260302T093000Z\r\n" in text
    assert "UID:1-food-20260302@borough\r\n" in text
    assert "DESCRIPTION:1 High West Street\\, Dorchester\\, DT1 1UZ\r\n" in text
