"""The figures: one function per metric, each a database aggregate over Contacts and Cases.

Every function takes keyword-only filters (`InsightFilters`: one organisation, a date range in
UK dates, optionally a service, a ward and a channel, grouped by month or week) and returns
plain dataclasses. Nothing here returns a row about a person: only counts, sums and times.

How each figure is worked out (docs/insight.md says the same for readers):

- Periods are calendar months or weeks starting on Monday, in Europe/London; a period that
  runs past either end of the date range counts only the days inside it.
- Contacts are counted by when they happened (`Contact.at`); a contact's ward is the ward of
  its case, so a ward filter leaves out contacts that made no case.
- Digital take-up: contacts on the web, in the app (or API) or by web chat, over all contacts.
- Cost to serve: each contact costs what its channel cost on the day it happened (the
  organisation's own figure from `contacts.ChannelCost`, else the default), summed in the
  database in integer pence.
- Savings: what the range's contacts would have cost had they come in the baseline period's
  channel mix (at the cost of each day), less what they did cost.
- Avoidable contact: contacts marked avoidable. Failure demand: contacts caused by something
  not done or not done right: chasing progress and complaints.
- Resolution at first contact: contacts resolved there and then, over all contacts.
- SLA met, time to resolve: cases closed in the range that were not duplicates; met when
  closed by the SLA due time (which moves on while the clock is paused). Time to resolve is
  given in calendar days and in whole working days (England and Wales bank holidays), median
  and 90th percentile, interpolated like PostgreSQL's `percentile_cont`.
- Backlog: cases open at the end of each period (created before it, not closed by then).
- Reopened, duplicates, repeat contacts: of the cases made in each period, how many were
  reopened, how many were duplicates, and how many contacts came after the first about them.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models import (
    Case as Conditional,
)
from django.db.models.functions import TruncDate

from borough.cases.models import Case, CaseEvent, EventKind, Status
from borough.catalogue.models import Service
from borough.contacts.models import DIGITAL_CHANNELS, Channel, ChannelCost, Contact, Outcome
from borough.core.models import Organisation
from borough.core.workingdays import is_working_day
from borough.insight.models import ChannelShiftTarget

LONDON = ZoneInfo("Europe/London")

# Failure demand: contacts caused by a failure to do something, or to do it right.
FAILURE_OUTCOMES = (Outcome.PROGRESS_CHASED, Outcome.COMPLAINT)
CHANNELS = tuple(Channel)


class Grouping(StrEnum):
    MONTH = "month"
    WEEK = "week"


@dataclass(frozen=True)
class InsightFilters:
    organisation: Organisation
    date_from: date
    date_to: date  # inclusive
    grouping: str = Grouping.MONTH
    service_id: int | None = None
    ward_id: int | None = None
    channel: str = ""

    @property
    def start(self) -> datetime:
        return london_midnight(self.date_from)

    @property
    def end(self) -> datetime:
        """The first moment after the range."""
        return london_midnight(self.date_to + timedelta(days=1))


def london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LONDON)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    @property
    def is_week(self) -> bool:
        return (self.end - self.start).days == 7

    @property
    def label(self) -> str:
        if self.is_week:
            return f"{self.start.day} {self.start:%b %Y}"
        return f"{self.start:%b %Y}"


def periods_for(filters: InsightFilters) -> list[Period]:
    """The months (or weeks) the range touches, in order."""
    periods: list[Period] = []
    if filters.grouping == Grouping.WEEK:
        start = filters.date_from - timedelta(days=filters.date_from.weekday())
        while start <= filters.date_to:
            periods.append(Period(start, start + timedelta(days=7)))
            start += timedelta(days=7)
        return periods
    start = filters.date_from.replace(day=1)
    while start <= filters.date_to:
        following = _next_month(start)
        periods.append(Period(start, following))
        start = following
    return periods


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _trunc(filters: InsightFilters, field_name: str) -> Any:
    return _bucket(field_name, periods_for(filters))


def _bucket(field_name: str, periods: Sequence[Period]) -> Any:
    """The start of the period each row falls in, as nested CASEs of plain comparisons with
    the periods' starts (UK midnights, as UTC moments), halving the periods at each level so a
    row takes about log2(periods) comparisons. Unlike TruncMonth with a time zone, this needs
    no time-zone conversion per row (on SQLite, a call into Python for each row) and works the
    same on every database. Callers filter rows to the periods' span first."""
    if len(periods) == 1:
        return Value(periods[0].start, output_field=DateField())
    middle = len(periods) // 2
    return Conditional(
        When(
            **{f"{field_name}__lt": london_midnight(periods[middle].start)},
            then=_bucket(field_name, periods[:middle]),
        ),
        default=_bucket(field_name, periods[middle:]),
        output_field=DateField(),
    )


def _period_key(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date() if value.tzinfo else value.date()
    return value


def share(part: int, whole: int) -> float | None:
    """A percentage to one decimal place, None when there is nothing to divide by."""
    return None if whole == 0 else round(100 * part / whole, 1)


# -- The rows each metric reads ----------------------------------------------------------------


def contacts_in(filters: InsightFilters) -> QuerySet[Contact]:
    """The contacts the filters select."""
    return _contacts(filters, filters.start, filters.end)


def _contacts(filters: InsightFilters, start: datetime, end: datetime) -> QuerySet[Contact]:
    qs = Contact.objects.filter(organisation=filters.organisation, at__gte=start, at__lt=end)
    if filters.service_id:
        qs = qs.filter(service_id=filters.service_id)
    if filters.ward_id:
        qs = qs.filter(case__ward_id=filters.ward_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.order_by()


def cases_of(filters: InsightFilters) -> QuerySet[Case]:
    """The organisation's cases the service, ward and channel filters select (any date)."""
    qs = Case.objects.filter(organisation=filters.organisation)
    if filters.service_id:
        qs = qs.filter(service_id=filters.service_id)
    if filters.ward_id:
        qs = qs.filter(ward_id=filters.ward_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.order_by()


def resolved_cases(filters: InsightFilters) -> QuerySet[Case]:
    """Cases closed in the range, not as duplicates."""
    return (
        cases_of(filters)
        .filter(closed_at__gte=filters.start, closed_at__lt=filters.end, closed_at__isnull=False)
        .exclude(status=Status.DUPLICATE)
    )


# -- Contacts by channel, digital take-up --------------------------------------------------


@dataclass
class ChannelRow:
    period: Period
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def digital(self) -> int:
        return sum(n for channel, n in self.counts.items() if channel in DIGITAL_CHANNELS)

    @property
    def digital_share(self) -> float | None:
        return share(self.digital, self.total)


@dataclass
class ContactsByChannel:
    rows: list[ChannelRow]
    channels: list[str]  # the channels with any contact, in Channel order

    @property
    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for row in self.rows:
            for channel, n in row.counts.items():
                totals[channel] += n
        return dict(totals)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def digital(self) -> int:
        return sum(row.digital for row in self.rows)

    @property
    def digital_share(self) -> float | None:
        return share(self.digital, self.total)


def contacts_by_channel(*, filters: InsightFilters) -> ContactsByChannel:
    """How many contacts came on each channel in each period (and so digital take-up)."""
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    seen: set[str] = set()
    query = (
        contacts_in(filters)
        .annotate(period=_trunc(filters, "at"))
        .values("period", "channel")
        .annotate(n=Count("id"))
    )
    for item in query:
        counts[_period_key(item["period"])][item["channel"]] = item["n"]
        seen.add(item["channel"])
    rows = [ChannelRow(period, counts.get(period.start, {})) for period in periods_for(filters)]
    return ContactsByChannel(rows=rows, channels=[c.value for c in CHANNELS if c in seen])


# -- Cost to serve and savings ---------------------------------------------------------------


@dataclass(frozen=True)
class CostSpan:
    """A channel's cost per contact from `start` until `end` (None: still in force)."""

    channel: str
    start: date
    end: date | None
    pence: int
    source: str
    own: bool  # the organisation's own figure, not the default


def cost_schedule(*, organisation: Organisation) -> dict[str, list[CostSpan]]:
    """Each channel's cost over time, as `contacts.selectors.channel_cost_on` reads it: on each
    day, the organisation's latest own figure if it has one by then, else the default."""
    rows = list(
        ChannelCost.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True))
        .order_by("channel", "valid_from")
        .values("channel", "valid_from", "cost_pence", "source", "organisation_id")
    )
    schedule: dict[str, list[CostSpan]] = {}
    for channel in CHANNELS:
        own = [r for r in rows if r["channel"] == channel and r["organisation_id"] is not None]
        default = [r for r in rows if r["channel"] == channel and r["organisation_id"] is None]
        breaks = sorted({r["valid_from"] for r in own + default})
        spans: list[CostSpan] = []
        for i, start in enumerate(breaks):
            end = breaks[i + 1] if i + 1 < len(breaks) else None
            mine = [r for r in own if r["valid_from"] <= start]
            chosen = mine[-1] if mine else [r for r in default if r["valid_from"] <= start][-1]
            span = CostSpan(
                channel,
                start,
                end,
                chosen["cost_pence"],
                chosen["source"],
                chosen["organisation_id"] is not None,
            )
            if spans and (spans[-1].pence, spans[-1].source, spans[-1].own) == (
                span.pence,
                span.source,
                span.own,
            ):
                spans[-1] = CostSpan(
                    channel, spans[-1].start, end, span.pence, span.source, span.own
                )
            else:
                spans.append(span)
        schedule[channel] = spans
    return schedule


def _spans_within(spans: Iterable[CostSpan], start: datetime, end: datetime) -> list[CostSpan]:
    return [
        span
        for span in spans
        if london_midnight(span.start) < end
        and (span.end is None or london_midnight(span.end) > start)
    ]


def _cost_expression(
    schedule: dict[str, list[CostSpan]], start: datetime, end: datetime
) -> Conditional:
    """Each contact's cost in pence: its channel's cost on its day."""
    whens = []
    for channel, spans in schedule.items():
        for span in _spans_within(spans, start, end):
            condition = Q(channel=channel, at__gte=london_midnight(span.start))
            if span.end is not None:
                condition &= Q(at__lt=london_midnight(span.end))
            whens.append(When(condition, then=Value(span.pence)))
    return Conditional(*whens, default=Value(0), output_field=IntegerField())


@dataclass
class CostRow:
    label: str
    contacts: int
    pence: int


@dataclass
class CostToServe:
    rows: list[CostRow]  # by period
    by_channel: list[CostRow]
    uncosted_channels: list[str]  # channels with contacts and no cost set for some of them
    spans: list[CostSpan]  # the costs in force during the range

    @property
    def contacts(self) -> int:
        return sum(row.contacts for row in self.rows)

    @property
    def pence(self) -> int:
        return sum(row.pence for row in self.rows)

    @property
    def pence_per_contact(self) -> int | None:
        return None if not self.contacts else _divide_round(self.pence, self.contacts)


def _divide_round(numerator: int, denominator: int) -> int:
    """Integer division rounding halves up (for pence)."""
    return (2 * numerator + denominator) // (2 * denominator)


def cost_to_serve(*, filters: InsightFilters) -> CostToServe:
    """What the contacts cost: each at its channel's cost on the day, summed in pence."""
    schedule = cost_schedule(organisation=filters.organisation)
    cost = _cost_expression(schedule, filters.start, filters.end)
    contacts = contacts_in(filters)
    by_period: dict[date, Any] = {
        _period_key(item["period"]): item
        for item in contacts.annotate(period=_trunc(filters, "at"))
        .values("period")
        .annotate(n=Count("id"), pence=Sum(cost))
    }
    rows = []
    for period in periods_for(filters):
        item = by_period.get(period.start, {})
        rows.append(CostRow(period.label, item.get("n", 0), item.get("pence") or 0))
    channel_items: dict[str, Any] = {
        item["channel"]: item
        for item in contacts.values("channel").annotate(n=Count("id"), pence=Sum(cost))
    }
    by_channel = [
        CostRow(Channel(c).label, channel_items[c]["n"], channel_items[c]["pence"] or 0)
        for c in CHANNELS
        if c in channel_items
    ]
    # Contacts on a day before the channel's first cost cost nothing here: say so.
    uncosted = []
    for channel in channel_items:
        spans = schedule.get(channel, [])
        first = london_midnight(spans[0].start) if spans else None
        if first is None or (
            first > filters.start and contacts.filter(channel=channel, at__lt=first).exists()
        ):
            uncosted.append(Channel(channel).label)
    spans_used = [
        span
        for c in CHANNELS
        for span in _spans_within(schedule.get(c, []), filters.start, filters.end)
    ]
    return CostToServe(
        rows=rows, by_channel=by_channel, uncosted_channels=uncosted, spans=spans_used
    )


@dataclass
class Savings:
    baseline_from: date
    baseline_to: date
    baseline_contacts: int
    baseline_mix: dict[str, float]  # channel -> percent of the baseline's contacts
    contacts: int
    actual_pence: int
    baseline_mix_pence: int | None  # None when the baseline has no contacts

    @property
    def savings_pence(self) -> int | None:
        if self.baseline_mix_pence is None:
            return None
        return self.baseline_mix_pence - self.actual_pence


def savings(*, filters: InsightFilters, baseline_from: date, baseline_to: date) -> Savings:
    """What the range's contacts cost, against what they would have cost in the channel mix
    of the baseline period, each day at that day's costs. Exact: every sum is in pence times
    counts, and only the final division by the baseline's contacts is rounded."""
    schedule = cost_schedule(organisation=filters.organisation)
    baseline = {
        item["channel"]: item["n"]
        for item in _contacts(
            filters, london_midnight(baseline_from), london_midnight(baseline_to + timedelta(1))
        )
        .values("channel")
        .annotate(n=Count("id"))
    }
    baseline_total = sum(baseline.values())
    contacts = contacts_in(filters)
    actual = contacts.aggregate(
        n=Count("id"), pence=Sum(_cost_expression(schedule, filters.start, filters.end))
    )
    mix_pence: int | None = None
    if baseline_total:
        # On each day, a contact in the baseline mix costs sum(baseline count * cost) / total.
        breaks = sorted(
            {
                span.start
                for spans in schedule.values()
                for span in _spans_within(spans, filters.start, filters.end)
            }
            | {filters.date_from}
        )
        whens = []
        for i, start in enumerate(breaks):
            day_start = max(london_midnight(start), filters.start)
            end = london_midnight(breaks[i + 1]) if i + 1 < len(breaks) else filters.end
            weight = sum(
                n * _cost_on(schedule.get(channel, []), start) for channel, n in baseline.items()
            )
            whens.append(When(at__gte=day_start, at__lt=end, then=Value(weight)))
        numerator = (
            contacts.aggregate(
                w=Sum(Conditional(*whens, default=Value(0), output_field=IntegerField()))
            )["w"]
            or 0
        )
        mix_pence = _divide_round(numerator, baseline_total)
    return Savings(
        baseline_from=baseline_from,
        baseline_to=baseline_to,
        baseline_contacts=baseline_total,
        baseline_mix={
            c.value: share(baseline[c], baseline_total) or 0.0 for c in CHANNELS if c in baseline
        },
        contacts=actual["n"],
        actual_pence=actual["pence"] or 0,
        baseline_mix_pence=mix_pence,
    )


def _cost_on(spans: Sequence[CostSpan], day: date) -> int:
    for span in spans:
        if span.start <= day and (span.end is None or day < span.end):
            return span.pence
    return 0


# -- Avoidable contact, failure demand, resolution at first contact ------------------------------


@dataclass
class DemandRow:
    period: Period
    contacts: int
    avoidable: int
    failure: int
    resolved_first_time: int

    @property
    def avoidable_share(self) -> float | None:
        return share(self.avoidable, self.contacts)

    @property
    def failure_share(self) -> float | None:
        return share(self.failure, self.contacts)

    @property
    def resolved_share(self) -> float | None:
        return share(self.resolved_first_time, self.contacts)


def contact_demand(*, filters: InsightFilters) -> list[DemandRow]:
    """Avoidable contact, failure demand and resolution at first contact, per period."""
    items: dict[date, Any] = {
        _period_key(item["period"]): item
        for item in contacts_in(filters)
        .annotate(period=_trunc(filters, "at"))
        .values("period")
        .annotate(
            n=Count("id"),
            avoidable=Count("id", filter=Q(avoidable=True)),
            failure=Count("id", filter=Q(outcome__in=FAILURE_OUTCOMES)),
            resolved=Count("id", filter=Q(resolved_at_first_contact=True)),
        )
    }
    rows = []
    for period in periods_for(filters):
        item = items.get(period.start, {})
        rows.append(
            DemandRow(
                period,
                item.get("n", 0),
                item.get("avoidable", 0),
                item.get("failure", 0),
                item.get("resolved", 0),
            )
        )
    return rows


def demand_totals(rows: Sequence[DemandRow]) -> DemandRow:
    return DemandRow(
        Period(rows[0].period.start, rows[-1].period.end) if rows else Period(date.min, date.min),
        sum(r.contacts for r in rows),
        sum(r.avoidable for r in rows),
        sum(r.failure for r in rows),
        sum(r.resolved_first_time for r in rows),
    )


# -- SLA met ---------------------------------------------------------------------------------


@dataclass
class SlaRow:
    label: str
    closed: int  # closed in the range with an SLA
    met: int

    @property
    def met_share(self) -> float | None:
        return share(self.met, self.closed)


def sla_met(*, filters: InsightFilters) -> list[SlaRow]:
    """Of the cases closed in each period that had an SLA, how many closed in time."""
    items: dict[date, Any] = {
        _period_key(item["period"]): item
        for item in resolved_cases(filters)
        .filter(sla_due_at__isnull=False)
        .annotate(period=_trunc(filters, "closed_at"))
        .values("period")
        .annotate(n=Count("id"), met=Count("id", filter=Q(closed_at__lte=F("sla_due_at"))))
    }
    return [
        SlaRow(p.label, items.get(p.start, {}).get("n", 0), items.get(p.start, {}).get("met", 0))
        for p in periods_for(filters)
    ]


def sla_met_by_service(*, filters: InsightFilters) -> list[SlaRow]:
    items = (
        resolved_cases(filters)
        .filter(sla_due_at__isnull=False)
        .values("service__name")
        .annotate(n=Count("id"), met=Count("id", filter=Q(closed_at__lte=F("sla_due_at"))))
        .order_by("service__name")
    )
    return [SlaRow(item["service__name"], item["n"], item["met"]) for item in items]


# -- Time to resolve -------------------------------------------------------------------------


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont(p) WITHIN GROUP (ORDER BY x)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_cont(ordered: Sequence[float], fraction: float) -> float | None:
    """The `fraction` percentile of ascending `ordered` values, interpolated between the two
    nearest values as PostgreSQL's percentile_cont does."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def percentile_cont_counted(values: Sequence[tuple[int, int]], fraction: float) -> float | None:
    """The same, for ascending (value, how many times) pairs."""
    total = sum(n for _, n in values)
    if not total:
        return None
    ends = []
    running = 0
    for _, n in values:
        running += n
        ends.append(running)

    def at(index: int) -> int:
        return values[bisect.bisect_right(ends, index)][0]

    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)
    return at(low) + (at(high) - at(low)) * (position - low)


class _WorkingDayIndex:
    """Working days between two dates in O(1), after counting each year's days once."""

    def __init__(self) -> None:
        # day -> working days from 1 January of its year up to and including it.
        self._in_year: dict[date, int] = {}
        self._year_totals: dict[int, int] = {}

    def _year(self, year: int) -> int:
        if year not in self._year_totals:
            day, count = date(year, 1, 1), 0
            while day.year == year:
                count += is_working_day(day)
                self._in_year[day] = count
                day += timedelta(days=1)
            self._year_totals[year] = count
        return self._year_totals[year]

    def _cumulative(self, day: date, base_year: int) -> int:
        """Working days from 1 January of `base_year` up to and including `day`."""
        total = sum(self._year(year) for year in range(base_year, day.year))
        self._year(day.year)
        return total + self._in_year[day]

    def between(self, start: date, end: date) -> int:
        """As `core.workingdays.working_days_between`: working days after start up to end."""
        if end <= start:
            return 0
        return self._cumulative(end, start.year) - self._cumulative(start, start.year)


@dataclass
class ResolveRow:
    service: str
    resolved: int
    median_days: float | None
    p90_days: float | None
    median_working_days: float | None
    p90_working_days: float | None


def _days(value: timedelta | float | None) -> float | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, timedelta) else value / 1_000_000
    return round(seconds / 86400, 1)


def time_to_resolve(*, filters: InsightFilters) -> list[ResolveRow]:
    """Per service, the median and 90th percentile time from report to close, in calendar days
    and in whole working days.

    Calendar days: PostgreSQL works out percentile_cont itself; on SQLite the durations come
    back in one query, ordered by service then duration, and are interpolated the same way.
    Working days: the cases are counted by (service, day reported, day closed) in UK dates, in
    one query, and the working days of each pair are counted with the bank holidays.
    """
    cases = resolved_cases(filters)
    duration = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    names = dict(
        Service.objects.filter(organisation=filters.organisation).values_list("id", "name")
    )
    names.update(
        Service.objects.filter(id__in=cases.values("service_id")).values_list("id", "name")
    )
    calendar: dict[int, tuple[int, float | None, float | None]] = {}
    if connection.vendor == "postgresql":
        for item in cases.values("service_id").annotate(
            n=Count("id"),
            median=PercentileCont(duration, 0.5, output_field=DurationField()),
            p90=PercentileCont(duration, 0.9, output_field=DurationField()),
        ):
            calendar[item["service_id"]] = (item["n"], _days(item["median"]), _days(item["p90"]))
    else:
        durations: dict[int, list[float]] = defaultdict(list)
        for service_id, taken in (
            cases.annotate(taken=duration)
            .order_by("service_id", "taken")
            .values_list("service_id", "taken")
        ):
            durations[service_id].append(taken.total_seconds())
        for service_id, seconds in durations.items():
            median, p90 = percentile_cont(seconds, 0.5), percentile_cont(seconds, 0.9)
            calendar[service_id] = (
                len(seconds),
                None if median is None else round(median / 86400, 1),
                None if p90 is None else round(p90 / 86400, 1),
            )
    index = _WorkingDayIndex()
    working: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for pair in cases.values(
        "service_id",
        reported=TruncDate("created_at", tzinfo=LONDON),
        closed=TruncDate("closed_at", tzinfo=LONDON),
    ).annotate(n=Count("id")):
        days = index.between(pair["reported"], pair["closed"])
        working[pair["service_id"]][days] += pair["n"]
    rows = []
    for service_id, (n, median, p90) in calendar.items():
        counted = sorted(working[service_id].items())
        w_median = percentile_cont_counted(counted, 0.5)
        w_p90 = percentile_cont_counted(counted, 0.9)
        rows.append(
            ResolveRow(
                names.get(service_id, str(service_id)),
                n,
                median,
                p90,
                None if w_median is None else round(w_median, 1),
                None if w_p90 is None else round(w_p90, 1),
            )
        )
    return sorted(rows, key=lambda row: row.service)


# -- Backlog -----------------------------------------------------------------------------------


@dataclass
class BacklogRow:
    label: str
    at: datetime
    open: int
    overdue: int


def backlog(*, filters: InsightFilters, now: datetime | None = None) -> list[BacklogRow]:
    """Cases open, and open past their SLA due time, at the end of each period (or now, for a
    period not over yet). One query of conditional counts."""
    from django.utils import timezone

    now = now or timezone.now()
    ends = []
    for period in periods_for(filters):
        end = min(london_midnight(period.end), filters.end, now)
        ends.append((period.label, end))
    if not ends:
        return []
    aggregates: dict[str, Any] = {}
    for i, (_, end) in enumerate(ends):
        still_open = Q(created_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        aggregates[f"open_{i}"] = Count("id", filter=still_open)
        aggregates[f"overdue_{i}"] = Count("id", filter=still_open & Q(sla_due_at__lt=end))
    earliest = min(end for _, end in ends)
    counts = (
        cases_of(filters)
        .filter(created_at__lt=max(end for _, end in ends))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=earliest))
        .aggregate(**aggregates)
    )
    return [
        BacklogRow(label, end, counts[f"open_{i}"], counts[f"overdue_{i}"])
        for i, (label, end) in enumerate(ends)
    ]


# -- Reopened, duplicates, repeat contacts ------------------------------------------------------


@dataclass
class CaseQualityRow:
    label: str
    cases: int
    reopened: int
    duplicates: int
    contacts: int  # contacts about these cases
    cases_with_contacts: int

    @property
    def reopened_share(self) -> float | None:
        return share(self.reopened, self.cases)

    @property
    def duplicate_share(self) -> float | None:
        return share(self.duplicates, self.cases)

    @property
    def repeat_contacts(self) -> int:
        """Contacts after the first about the same case."""
        return self.contacts - self.cases_with_contacts

    @property
    def contacts_per_case(self) -> float | None:
        return None if not self.cases else round(self.contacts / self.cases, 2)


def case_quality(*, filters: InsightFilters) -> list[CaseQualityRow]:
    """Of the cases made in each period: reopened, duplicates, and contacts about them."""
    cases = cases_of(filters).filter(created_at__gte=filters.start, created_at__lt=filters.end)
    reopened = CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.REOPENED)
    items: dict[date, Any] = {
        _period_key(item["period"]): item
        for item in cases.annotate(was_reopened=Exists(reopened))
        .annotate(period=_trunc(filters, "created_at"))
        .values("period")
        .annotate(
            n=Count("id"),
            reopened=Count("id", filter=Q(was_reopened=True)),
            duplicated=Count(
                "id", filter=Q(duplicate_of__isnull=False) | Q(status=Status.DUPLICATE)
            ),
        )
    }
    contact_items: dict[date, Any] = {
        _period_key(item["period"]): item
        for item in Contact.objects.filter(case__in=cases.values("pk"))
        .order_by()
        .annotate(period=_trunc(filters, "case__created_at"))
        .values("period")
        .annotate(n=Count("id"), cases=Count("case_id", distinct=True))
    }
    rows = []
    for period in periods_for(filters):
        item = items.get(period.start, {})
        contact = contact_items.get(period.start, {})
        rows.append(
            CaseQualityRow(
                period.label,
                item.get("n", 0),
                item.get("reopened", 0),
                item.get("duplicated", 0),
                contact.get("n", 0),
                contact.get("cases", 0),
            )
        )
    return rows


# -- Channel-shift targets --------------------------------------------------------------------


@dataclass
class TargetProgress:
    target: ChannelShiftTarget
    baseline_share: float | None  # digital share in the month of starts_on
    current_share: float | None  # digital share in the last full month
    current_month: date
    expected_share: float | None  # where the straight line from baseline to target is now

    @property
    def status(self) -> str:
        if self.current_share is None:
            return "no_data"
        if self.current_share >= self.target.percent:
            return "met"
        if self.expected_share is None:
            # No share in the month the target runs from (or it has not started yet): there
            # is no line to be behind.
            return "no_data"
        if self.current_share >= self.expected_share:
            return "on_track"
        return "behind"


@dataclass
class ChannelShiftTracker:
    targets: list[TargetProgress]
    # Digital share by month, from the earliest target's start month to the last full month.
    months: list[tuple[date, float | None]] = field(default_factory=list)


def _months(first: date, last: date) -> list[Period]:
    months = []
    month = first
    while month <= last:
        months.append(Period(month, _next_month(month)))
        month = _next_month(month)
    return months


def _digital_share_by_month(
    organisation: Organisation, first: date, last: date, min_contacts: int = 0
) -> dict[date, float | None]:
    items = (
        Contact.objects.filter(
            organisation=organisation,
            at__gte=london_midnight(first),
            at__lt=london_midnight(_next_month(last)),
        )
        .order_by()
        .annotate(month=_bucket("at", _months(first, last)))
        .values("month")
        .annotate(n=Count("id"), digital=Count("id", filter=Q(channel__in=DIGITAL_CHANNELS)))
    )
    found = {
        _period_key(item["month"]): share(item["digital"], item["n"])
        for item in items
        if item["n"] >= min_contacts
    }
    months: dict[date, float | None] = {}
    month = first
    while month <= last:
        months[month] = found.get(month)
        month = _next_month(month)
    return months


def channel_shift_tracker(
    *, organisation: Organisation, today: date, min_contacts: int = 0
) -> ChannelShiftTracker:
    """Each target of the organisation against the digital share it has reached. A month
    with fewer than `min_contacts` contacts has no share (the public page's rule)."""
    targets = list(ChannelShiftTarget.objects.filter(organisation=organisation).order_by("due_on"))
    last_full = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if not targets:
        return ChannelShiftTracker(targets=[])
    first = min(t.starts_on for t in targets).replace(day=1)
    months = _digital_share_by_month(organisation, min(first, last_full), last_full, min_contacts)
    current = months.get(last_full)
    progress = []
    for target in targets:
        baseline = months.get(target.starts_on.replace(day=1))
        expected = None
        if baseline is not None:
            span = (target.due_on - target.starts_on).days
            gone = min(max((today - target.starts_on).days, 0), span)
            expected = round(baseline + (target.percent - baseline) * gone / span, 1)
        progress.append(TargetProgress(target, baseline, current, last_full, expected))
    return ChannelShiftTracker(
        targets=progress, months=[(m, s) for m, s in months.items() if m >= first]
    )


def channel_shift_targets(*, organisation: Organisation) -> QuerySet[ChannelShiftTarget]:
    return ChannelShiftTarget.objects.filter(organisation=organisation).order_by("due_on")


def channel_costs(*, organisation: Organisation) -> QuerySet[ChannelCost]:
    """The organisation's own channel costs, newest first within each channel."""
    return ChannelCost.objects.filter(organisation=organisation).order_by("channel", "-valid_from")
