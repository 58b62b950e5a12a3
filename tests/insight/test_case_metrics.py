"""Case metrics on hand-built cases with known answers, across the Easter bank holidays of
2026 (Good Friday 3 April, Easter Monday 6 April): SLA met, time to resolve in calendar and
working days (median and 90th percentile), backlog, reopened, duplicates, repeat contacts."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from borough.cases.services import case_close, case_mark_duplicate, case_reopen
from borough.contacts.services import contact_log
from borough.insight.selectors import (
    InsightFilters,
    backlog,
    case_quality,
    percentile_cont,
    percentile_cont_counted,
    sla_met,
    sla_met_by_service,
    time_to_resolve,
)
from tests.insight.conftest import uk


@pytest.fixture
def cases(district, make_team, make_service, make_staff, report):
    team = make_team(district, "Street cleansing")
    officer = make_staff(team, "caseworker")
    graffiti = make_service(
        district, name="Report graffiti", default_team=team, sla_value=2, sla_unit="working_days"
    )
    bins = make_service(district, name="Report a missed bin", default_team=team)
    made = {
        # Thursday before Easter, 10am: due 2 working days later, Wednesday 8 April (not
        # Monday 6th, a bank holiday). Cleared Tuesday 7th: in time, 1 working day.
        "easter": report(graffiti, uk(2026, 4, 2, 10), closed=uk(2026, 4, 7, 15), actor=officer),
        # Wednesday 1 April 9:30am: due Tuesday 7th 9:30am. Cleared Thursday 9th 12:30pm: late,
        # 4 working days and 8 days 3 hours.
        "late": report(
            graffiti, uk(2026, 4, 1, 9, 30), closed=uk(2026, 4, 9, 12, 30), actor=officer
        ),
        # Monday 13th: cleared the same day in 7 hours, 0 working days.
        "quick": report(graffiti, uk(2026, 4, 13, 9), closed=uk(2026, 4, 13, 16), actor=officer),
        # Still open, due Wednesday 22nd.
        "open": report(graffiti, uk(2026, 4, 20, 10)),
        "bin": report(bins, uk(2026, 4, 14, 8), closed=uk(2026, 4, 15, 8), actor=officer),
    }
    with time_machine.travel(uk(2026, 4, 14, 10), tick=False):
        duplicate = report(graffiti, uk(2026, 4, 14, 9))
        made["duplicate"] = case_mark_duplicate(
            case=duplicate, original=made["quick"], actor=officer
        )
    with time_machine.travel(uk(2026, 4, 16, 10), tick=False):
        case_reopen(case=made["bin"], actor=officer, reason="Bin still not emptied")
    with time_machine.travel(uk(2026, 4, 17, 10), tick=False):
        made["bin"] = case_close(case=made["bin"], actor=officer, resolution="Emptied")
    # The resident chased the late one.
    contact_log(
        organisation=district,
        channel="phone",
        outcome="progress_chased",
        case=made["late"],
        avoidable=True,
        at=uk(2026, 4, 8),
    )
    made["graffiti"] = graffiti
    made["bins"] = bins
    return made


def april(district, **kw):
    kw.setdefault("date_from", date(2026, 3, 1))
    kw.setdefault("date_to", date(2026, 4, 30))
    return InsightFilters(organisation=district, **kw)


def test_sla_met_counts_closures_in_time_and_knows_the_bank_holidays(district, cases):
    rows = sla_met(filters=april(district))
    # The missed-bin service has no SLA; the duplicate is not counted.
    assert [(r.label, r.closed, r.met, r.met_share) for r in rows] == [
        ("Mar 2026", 0, 0, None),
        ("Apr 2026", 3, 2, 66.7),
    ]
    assert [(r.label, r.closed, r.met) for r in sla_met_by_service(filters=april(district))] == [
        ("Report graffiti", 3, 2)
    ]


def test_time_to_resolve_median_and_90th_percentile_in_calendar_and_working_days(district, cases):
    rows = {row.service: row for row in time_to_resolve(filters=april(district))}
    graffiti = rows["Report graffiti"]
    # Calendar: 7 hours, 5 days 5 hours, 8 days 3 hours.
    # Working days: 0, 1 (Good Friday and Easter Monday are not counted) and 4.
    assert graffiti.resolved == 3
    assert (graffiti.median_days, graffiti.p90_days) == (5.2, 7.5)
    assert (graffiti.median_working_days, graffiti.p90_working_days) == (1.0, 3.4)
    # The missed bin, closed a day later and again after being reopened: 3 days, 3 working days.
    bins = rows["Report a missed bin"]
    assert (bins.resolved, bins.median_days, bins.median_working_days) == (1, 3.1, 3.0)


def test_time_to_resolve_for_one_service(district, cases):
    rows = time_to_resolve(filters=april(district, service_id=cases["bins"].pk))
    assert [row.service for row in rows] == ["Report a missed bin"]


def test_backlog_is_what_was_open_at_the_end_of_each_period(district, cases):
    rows = backlog(filters=april(district), now=uk(2026, 11, 1))
    assert [(r.label, r.open, r.overdue) for r in rows] == [
        ("Mar 2026", 0, 0),
        ("Apr 2026", 1, 1),
    ]
    weekly = backlog(
        filters=april(
            district, date_from=date(2026, 4, 1), date_to=date(2026, 4, 12), grouping="week"
        ),
        now=uk(2026, 11, 1),
    )
    # Week of 30 March: the Easter and late cases were open at midnight on Sunday 5 April,
    # neither overdue yet. Week of 6 April: both closed by Sunday 12th.
    assert [(r.label, r.open, r.overdue) for r in weekly] == [
        ("30 Mar 2026", 2, 0),
        ("6 Apr 2026", 0, 0),
    ]


def test_reopened_duplicates_and_repeat_contacts(district, cases):
    row = case_quality(filters=april(district))[1]
    assert (row.label, row.cases, row.reopened, row.duplicates) == ("Apr 2026", 6, 1, 1)
    # Each case was made with one contact; the late case was chased once more.
    assert (row.contacts, row.cases_with_contacts, row.repeat_contacts) == (7, 6, 1)
    assert (row.reopened_share, row.duplicate_share, row.contacts_per_case) == (16.7, 16.7, 1.17)


def test_percentiles_interpolate_like_postgresql():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile_cont([0.0, 1.0, 4.0], 0.9) == pytest.approx(3.4)
    assert percentile_cont_counted([(0, 1), (1, 1), (4, 1)], 0.9) == pytest.approx(3.4)
    assert percentile_cont_counted([(2, 3), (10, 1)], 0.5) == 2


def test_the_working_day_count_agrees_with_core_working_days():
    import random
    from datetime import timedelta

    from borough.core.workingdays import working_days_between
    from borough.insight.selectors import _WorkingDayIndex

    index = _WorkingDayIndex()
    rng = random.Random(3)
    for _ in range(300):
        start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1000))
        end = start + timedelta(days=rng.randint(-5, 400))
        assert index.between(start, end) == working_days_between(start, end)
