"""Contact metrics on small hand-built data with known answers: channels, digital take-up,
cost to serve with a channel cost that changes mid-period, savings against a baseline,
avoidable contact, failure demand and resolution at first contact."""

from __future__ import annotations

from datetime import date

import pytest

from borough.contacts.services import channel_cost_set
from borough.insight.selectors import (
    InsightFilters,
    contact_demand,
    contacts_by_channel,
    cost_to_serve,
    demand_totals,
    savings,
)
from tests.insight.conftest import uk


@pytest.fixture
def contacts(district, county, log_contact):
    """January: 3 phone calls and 1 web contact. February: 2 calls before the phone cost
    changes on 15 February, 1 after, then 2 web contacts and 1 in the app."""
    log_contact(district, "phone", uk(2026, 1, 5), outcome="progress_chased", avoidable=True)
    log_contact(district, "phone", uk(2026, 1, 6), outcome="complaint")
    log_contact(district, "phone", uk(2026, 1, 7), resolved_at_first_contact=True)
    log_contact(district, "web", uk(2026, 1, 8), resolved_at_first_contact=True)
    log_contact(district, "phone", uk(2026, 2, 10))
    log_contact(district, "phone", uk(2026, 2, 10, 15))
    log_contact(district, "phone", uk(2026, 2, 20))
    log_contact(district, "web", uk(2026, 2, 20))
    log_contact(district, "web", uk(2026, 2, 20, 16))
    log_contact(district, "app", uk(2026, 2, 20, 17))
    # Another council's contact never counts.
    log_contact(county, "phone", uk(2026, 1, 5))
    # From 15 February, a phone call costs the district £4.00 (the default is £2.83).
    channel_cost_set(
        organisation=district,
        channel="phone",
        valid_from=date(2026, 2, 15),
        cost_pence=400,
        source="Casterbridge contact centre costing 2026",
    )


def filters(district, **kw):
    kw.setdefault("date_from", date(2026, 1, 1))
    kw.setdefault("date_to", date(2026, 2, 28))
    return InsightFilters(organisation=district, **kw)


def test_contacts_are_counted_by_channel_per_month(district, contacts):
    result = contacts_by_channel(filters=filters(district))
    assert [(row.period.label, row.counts) for row in result.rows] == [
        ("Jan 2026", {"phone": 3, "web": 1}),
        ("Feb 2026", {"phone": 3, "web": 2, "app": 1}),
    ]
    assert result.channels == ["web", "app", "phone"]
    assert result.total == 10


def test_digital_take_up_is_the_share_on_web_app_and_web_chat(district, contacts):
    result = contacts_by_channel(filters=filters(district))
    assert [row.digital_share for row in result.rows] == [25.0, 50.0]
    assert result.digital_share == 40.0


def test_weeks_start_on_monday_and_filters_narrow_the_count(district, contacts):
    result = contacts_by_channel(
        filters=filters(
            district, date_from=date(2026, 2, 9), date_to=date(2026, 2, 22), grouping="week"
        )
    )
    assert [(row.period.start, row.total) for row in result.rows] == [
        (date(2026, 2, 9), 2),
        (date(2026, 2, 16), 4),
    ]
    phone_only = contacts_by_channel(filters=filters(district, channel="phone"))
    assert phone_only.total == 6


def test_a_contact_just_after_midnight_in_summer_counts_in_the_uk_month(district, log_contact):
    # 00:30 on 1 April in UK summer time is 23:30 on 31 March in UTC.
    log_contact(district, "web", uk(2026, 4, 1, 0, 30))
    result = contacts_by_channel(
        filters=filters(district, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30))
    )
    assert [(row.period.label, row.total) for row in result.rows] == [
        ("Mar 2026", 0),
        ("Apr 2026", 1),
    ]


def test_cost_to_serve_uses_the_cost_in_force_on_each_day(district, contacts):
    result = cost_to_serve(filters=filters(district))
    # January: 3 calls at 283p and a web contact at 15p.
    # February: 2 calls at 283p, 1 at 400p, 2 web contacts at 15p, and an app contact with
    # no cost set (so 0p, and said so).
    assert [(row.label, row.contacts, row.pence) for row in result.rows] == [
        ("Jan 2026", 4, 864),
        ("Feb 2026", 6, 996),
    ]
    assert result.pence == 1860
    assert result.pence_per_contact == 186
    assert [(row.label, row.contacts, row.pence) for row in result.by_channel] == [
        ("Web", 3, 45),
        ("App or API", 1, 0),
        ("Phone", 6, 1815),
    ]
    assert result.uncosted_channels == ["App or API"]
    phone = [(s.start, s.end, s.pence, s.own) for s in result.spans if s.channel == "phone"]
    assert phone == [
        (date(2012, 5, 1), date(2026, 2, 15), 283, False),
        (date(2026, 2, 15), None, 400, True),
    ]


def test_savings_against_a_baseline_price_the_baseline_mix_at_each_days_cost(district, contacts):
    result = savings(
        filters=filters(district, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)),
        baseline_from=date(2026, 1, 1),
        baseline_to=date(2026, 1, 31),
    )
    # Baseline mix: 3 phone to 1 web. In that mix a contact costs (3 x 283 + 15) / 4 before
    # 15 February and (3 x 400 + 15) / 4 after: 2 x 864 / 4 + 4 x 1215 / 4 = 1647p.
    assert result.baseline_contacts == 4
    assert result.baseline_mix == {"web": 25.0, "phone": 75.0}
    assert (result.contacts, result.actual_pence) == (6, 996)
    assert result.baseline_mix_pence == 1647
    assert result.savings_pence == 651


def test_savings_need_contacts_in_the_baseline(district, contacts):
    result = savings(
        filters=filters(district),
        baseline_from=date(2025, 1, 1),
        baseline_to=date(2025, 1, 31),
    )
    assert result.baseline_mix_pence is None and result.savings_pence is None


def test_avoidable_contact_failure_demand_and_first_contact_resolution(district, contacts):
    rows = contact_demand(filters=filters(district))
    january = rows[0]
    assert (january.contacts, january.avoidable, january.failure, january.resolved_first_time) == (
        4,
        1,
        2,
        2,
    )
    assert (january.avoidable_share, january.failure_share, january.resolved_share) == (
        25.0,
        50.0,
        50.0,
    )
    totals = demand_totals(rows)
    assert (totals.contacts, totals.avoidable, totals.failure, totals.resolved_first_time) == (
        10,
        1,
        2,
        2,
    )
