"""The selectors' results as figures: titled tables (what the pages, the CSV downloads, the JSON
and `borough report` show) and the chart drawn from each figure's first table.

On the public performance page, counts from 1 to 4 (and any rate, cost or time worked out from
fewer than 5 contacts or cases) are shown as "[c]", so that no one can be picked out of a
small number, and every other count is rounded to the nearest 5, so that a hidden count
cannot be worked out by taking the others from a total (the way the ONS publishes small
areas). The headline sentences follow the same rules. Dashboards for staff show every figure
exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from borough.contacts.models import Channel
from borough.insight import selectors as s

# Counts below this (and above 0) are not published.
SUPPRESS_BELOW = 5
SUPPRESSED = "[c]"
# Published counts are rounded to a multiple of this, and costs to £100.
ROUND_TO = 5
ROUND_MONEY_PENCE = 10_000


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "count"  # text, count, percent, pence, days

    @property
    def numeric(self) -> bool:
        return self.kind != "text"

    @property
    def heading(self) -> str:
        """The column heading on pages: shares say they are percentages."""
        return f"{self.name} (%)" if self.kind == "percent" else self.name


@dataclass
class Table:
    caption: str
    columns: list[Column]
    rows: list[list[Any]]

    def display_rows(self) -> list[list[str]]:
        return [
            [display(value, column.kind) for value, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]

    def csv_rows(self) -> list[list[str]]:
        header = [column_heading(column) for column in self.columns]
        body = [
            [csv_value(value, column.kind) for value, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]
        return [header, *body]

    def as_json(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "columns": [{"name": c.name, "kind": c.kind} for c in self.columns],
            "rows": self.rows,
        }


@dataclass
class ChartSpec:
    kind: str  # "bar", "stacked", "line", "hbar" (bars along, for long category names)
    columns: list[int]  # which columns of the first table to plot, against column 0
    unit: str = "count"  # count, percent, pence, days


@dataclass
class Figure:
    key: str
    title: str
    summary: str  # one sentence with the headline figure, also the chart's text alternative
    tables: list[Table]
    chart: ChartSpec | None = None
    notes: list[str] = field(default_factory=list)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        for i, table in enumerate(self.tables):
            if i:
                writer.writerow([])
            if len(self.tables) > 1:
                writer.writerow([table.caption])
            writer.writerows(table.csv_rows())
        return out.getvalue()

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "summary": self.summary,
            "tables": [table.as_json() for table in self.tables],
            "notes": self.notes,
        }


def column_heading(column: Column) -> str:
    if column.kind == "pence":
        return f"{column.name} (£)"
    if column.kind == "percent":
        return f"{column.name} (%)"
    return column.name


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}£{pence // 100:,}.{pence % 100:02d}"


def display(value: Any, kind: str) -> str:
    if value is None:
        return _("No data")
    if value == SUPPRESSED:
        return SUPPRESSED
    if kind == "count":
        return f"{value:,}"
    if kind == "percent":
        return f"{value:.1f}%"
    if kind == "pence":
        return pounds(value)
    if kind == "days":
        return f"{value:,.1f}"
    return str(value)


def csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if value == SUPPRESSED:
        return SUPPRESSED
    if kind == "pence":
        sign = "-" if value < 0 else ""
        return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"
    return str(value)


@dataclass
class Context:
    """Everything the figures are worked out from."""

    filters: s.InsightFilters
    baseline_from: date
    baseline_to: date
    today: date
    public: bool = False
    # Results shared by more than one figure (contacts by channel feeds two).
    cache: dict[str, Any] = field(default_factory=dict)

    def contacts_by_channel(self) -> s.ContactsByChannel:
        if "channels" not in self.cache:
            self.cache["channels"] = s.contacts_by_channel(filters=self.filters)
        return self.cache["channels"]


class _Hide:
    """Suppression for the public page (a no-op for staff)."""

    def __init__(self, public: bool) -> None:
        self.public = public

    def small(self, n: int) -> bool:
        return self.public and 0 < n < SUPPRESS_BELOW

    def count(self, n: int) -> int | str:
        if not self.public:
            return n
        if self.small(n):
            return SUPPRESSED
        return (n + ROUND_TO // 2) // ROUND_TO * ROUND_TO

    def derived(self, value: Any, base: int) -> Any:
        """A rate, cost or time worked out from `base` contacts or cases."""
        return SUPPRESSED if self.small(base) else value

    def money(self, pence: int | None, base: int) -> Any:
        """A cost worked out from `base` contacts: rounded to the pound hundred in public,
        or the cost and the cost per contact would give the exact count."""
        if not self.public or pence is None:
            return pence
        if self.small(base):
            return SUPPRESSED
        return (pence + ROUND_MONEY_PENCE // 2) // ROUND_MONEY_PENCE * ROUND_MONEY_PENCE

    def count_text(self, n: int) -> str:
        """A count in a sentence."""
        return display(self.count(n), "count")

    def percent_text(self, value: float | None, base: int) -> str:
        """A share of `base` contacts or cases in a sentence."""
        return SUPPRESSED if self.small(base) else _percent(value)


def _period_column(filters: s.InsightFilters) -> Column:
    return Column(_("Week starting") if filters.grouping == s.Grouping.WEEK else _("Month"), "text")


def _range_text(filters: s.InsightFilters) -> str:
    return _("from %(start)s to %(end)s") % {
        "start": _date(filters.date_from),
        "end": _date(filters.date_to),
    }


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _percent(value: float | None) -> str:
    return _("no data") if value is None else f"{value:.1f}%"


# -- The figures ---------------------------------------------------------------------------


def figure_channels(ctx: Context) -> Figure:
    hide = _Hide(ctx.public)
    result = ctx.contacts_by_channel()
    channels = result.channels or [Channel.WEB.value, Channel.PHONE.value]
    columns = [
        _period_column(ctx.filters),
        *(Column(Channel(c).label) for c in channels),
        Column(_("All channels")),
    ]
    rows = [
        [
            row.period.label,
            *(hide.count(row.counts.get(c, 0)) for c in channels),
            hide.count(row.total),
        ]
        for row in result.rows
    ]
    return Figure(
        key="channels",
        title=_("Contacts by channel"),
        summary=_("%(total)s contacts %(range)s.")
        % {"total": hide.count_text(result.total), "range": _range_text(ctx.filters)},
        tables=[Table(_("Contacts by channel"), columns, rows)],
        chart=ChartSpec("stacked", list(range(1, len(channels) + 1))),
    )


def figure_take_up(ctx: Context) -> Figure:
    hide = _Hide(ctx.public)
    result = ctx.contacts_by_channel()
    rows = [
        [
            row.period.label,
            hide.count(row.total),
            hide.count(row.digital),
            hide.derived(row.digital_share, row.total),
        ]
        for row in result.rows
    ]
    return Figure(
        key="take-up",
        title=_("Digital take-up"),
        summary=_("%(share)s of contacts %(range)s were on the web, in the app or by web chat.")
        % {
            "share": hide.percent_text(result.digital_share, result.total),
            "range": _range_text(ctx.filters),
        },
        tables=[
            Table(
                _("Digital take-up"),
                [
                    _period_column(ctx.filters),
                    Column(_("Contacts")),
                    Column(_("Digital contacts")),
                    Column(_("Digital take-up"), "percent"),
                ],
                rows,
            )
        ],
        chart=ChartSpec("line", [3], unit="percent"),
    )


STATUS_TEXT = {
    "met": "Met",
    "on_track": "On track",
    "behind": "Behind",
    "no_data": "No data yet",
}


def figure_targets(ctx: Context) -> Figure:
    tracker = s.channel_shift_tracker(
        organisation=ctx.filters.organisation,
        today=ctx.today,
        min_contacts=SUPPRESS_BELOW if ctx.public else 0,
    )
    rows = [
        [
            f"{p.target.percent}%",
            _date(p.target.due_on),
            _date(p.target.starts_on),
            p.baseline_share,
            p.current_share,
            p.expected_share,
            _(STATUS_TEXT[p.status]),
        ]
        for p in tracker.targets
    ]
    targets_table = Table(
        _("Channel-shift targets"),
        [
            Column(_("Target online"), "text"),
            Column(_("Due"), "text"),
            Column(_("Runs from"), "text"),
            Column(_("Share at the start"), "percent"),
            Column(_("Share last month"), "percent"),
            Column(_("Share expected by now"), "percent"),
            Column(_("Progress"), "text"),
        ],
        rows,
    )
    # The chart: actual monthly share against the straight line to each target.
    path_rows = []
    for month, actual in tracker.months:
        expected = None
        for p in tracker.targets:
            if p.baseline_share is not None and p.target.starts_on <= month <= p.target.due_on:
                span = (p.target.due_on - p.target.starts_on).days
                gone = (month - p.target.starts_on).days
                expected = round(
                    p.baseline_share + (p.target.percent - p.baseline_share) * gone / span, 1
                )
                break
        path_rows.append([f"{month:%b %Y}", actual, expected])
    path_table = Table(
        _("Digital take-up by month against the targets"),
        [
            Column(_("Month"), "text"),
            Column(_("Digital take-up"), "percent"),
            Column(_("Target path"), "percent"),
        ],
        path_rows,
    )
    if not tracker.targets:
        summary = _("No channel-shift targets have been set.")
    else:
        first = tracker.targets[0]
        summary = _(
            "%(current)s of contacts were digital last month, against a target of %(target)s "
            "by %(due)s: %(status)s."
        ) % {
            "current": _percent(first.current_share),
            "target": f"{first.target.percent}%",
            "due": _date(first.target.due_on),
            "status": _(STATUS_TEXT[first.status]).lower(),
        }
    return Figure(
        key="targets",
        title=_("Channel-shift targets"),
        summary=summary,
        tables=[path_table, targets_table] if tracker.targets else [targets_table],
        chart=ChartSpec("line", [1, 2], unit="percent") if tracker.targets else None,
        notes=[
            _(
                "Progress compares last month's digital share with a straight line from the "
                "share in the month the target runs from to the target on the day it is due."
            )
        ],
    )


def figure_cost(ctx: Context) -> Figure:
    hide = _Hide(ctx.public)
    result = s.cost_to_serve(filters=ctx.filters)
    by_period = Table(
        _("Cost to serve by period"),
        [_period_column(ctx.filters), Column(_("Contacts")), Column(_("Cost"), "pence")],
        [[r.label, hide.count(r.contacts), hide.money(r.pence, r.contacts)] for r in result.rows],
    )
    by_channel = Table(
        _("Cost to serve by channel"),
        [
            Column(_("Channel"), "text"),
            Column(_("Contacts")),
            Column(_("Cost"), "pence"),
            Column(_("Cost per contact"), "pence"),
        ],
        [
            [
                r.label,
                hide.count(r.contacts),
                hide.money(r.pence, r.contacts),
                hide.derived(
                    s._divide_round(r.pence, r.contacts) if r.contacts else None, r.contacts
                ),
            ]
            for r in result.by_channel
        ],
    )
    costs_used = Table(
        _("Channel costs used"),
        [
            Column(_("Channel"), "text"),
            Column(_("From"), "text"),
            Column(_("Until"), "text"),
            Column(_("Cost per contact"), "pence"),
            Column(_("Source"), "text"),
        ],
        [
            [
                Channel(span.channel).label,
                _date(span.start),
                _date(span.end - timedelta(days=1)) if span.end else _("Now"),
                span.pence,
                span.source if span.own else _("Default: %(source)s") % {"source": span.source},
            ]
            for span in result.spans
        ],
    )
    notes = []
    if result.uncosted_channels:
        notes.append(
            _("No cost is set for some contacts by %(channels)s: they are counted at £0.")
            % {"channels": ", ".join(result.uncosted_channels)}
        )
    return Figure(
        key="cost",
        title=_("Cost to serve"),
        summary=_("Contacts %(range)s cost %(cost)s, %(each)s each on average.")
        % {
            "range": _range_text(ctx.filters),
            "cost": display(hide.money(result.pence, result.contacts), "pence"),
            "each": display(hide.derived(result.pence_per_contact or 0, result.contacts), "pence"),
        },
        tables=[by_period, by_channel, costs_used],
        chart=ChartSpec("bar", [2], unit="pence"),
        notes=notes,
    )


def figure_savings(ctx: Context) -> Figure:
    result = s.savings(
        filters=ctx.filters, baseline_from=ctx.baseline_from, baseline_to=ctx.baseline_to
    )
    baseline_text = _("%(start)s to %(end)s") % {
        "start": _date(result.baseline_from),
        "end": _date(result.baseline_to),
    }
    rows: list[list[Any]] = [
        [_("Cost at the baseline's channel mix"), result.baseline_mix_pence],
        [_("Actual cost"), result.actual_pence],
        [_("Saving"), result.savings_pence],
    ]
    mix = Table(
        _("Baseline channel mix"),
        [Column(_("Channel"), "text"), Column(_("Share of baseline contacts"), "percent")],
        [[Channel(c).label, pct] for c, pct in result.baseline_mix.items()],
    )
    if result.savings_pence is None:
        summary = _("There were no contacts in the baseline period, %(baseline)s.") % {
            "baseline": baseline_text
        }
    else:
        summary = _(
            "Against the channel mix of %(baseline)s, contacts %(range)s cost %(saving)s less."
        ) % {
            "baseline": baseline_text,
            "range": _range_text(ctx.filters),
            "saving": pounds(result.savings_pence),
        }
    return Figure(
        key="savings",
        title=_("Savings against the baseline"),
        summary=summary,
        tables=[
            Table(
                _("Savings against the baseline"),
                [Column(_("Measure"), "text"), Column(_("Amount"), "pence")],
                rows,
            ),
            mix,
        ],
        chart=ChartSpec("bar", [1], unit="pence") if result.savings_pence is not None else None,
        notes=[
            _(
                "The saving is what this period's %(contacts)s contacts would have cost had they "
                "come on each channel in the same shares as the %(baseline_contacts)s contacts "
                "of the baseline, each day at that day's costs, less what they did cost."
            )
            % {
                "contacts": f"{result.contacts:,}",
                "baseline_contacts": f"{result.baseline_contacts:,}",
            }
        ],
    )


def figure_demand(ctx: Context) -> Figure:
    hide = _Hide(ctx.public)
    rows = s.contact_demand(filters=ctx.filters)
    totals = s.demand_totals(rows)
    table_rows = [
        [
            r.period.label,
            hide.count(r.contacts),
            hide.count(r.avoidable),
            hide.derived(r.avoidable_share, r.contacts),
            hide.count(r.failure),
            hide.derived(r.failure_share, r.contacts),
            hide.count(r.resolved_first_time),
            hide.derived(r.resolved_share, r.contacts),
        ]
        for r in rows
    ]
    return Figure(
        key="demand",
        title=_("Avoidable contact, failure demand and resolution at first contact"),
        summary=_(
            "%(avoidable)s of contacts could have been avoided, %(failure)s were failure demand "
            "and %(resolved)s were resolved at the first contact."
        )
        % {
            "avoidable": hide.percent_text(totals.avoidable_share, totals.contacts),
            "failure": hide.percent_text(totals.failure_share, totals.contacts),
            "resolved": hide.percent_text(totals.resolved_share, totals.contacts),
        },
        tables=[
            Table(
                _("Avoidable contact, failure demand and resolution at first contact"),
                [
                    _period_column(ctx.filters),
                    Column(_("Contacts")),
                    Column(_("Avoidable")),
                    Column(_("Avoidable"), "percent"),
                    Column(_("Failure demand")),
                    Column(_("Failure demand"), "percent"),
                    Column(_("Resolved at first contact")),
                    Column(_("Resolved at first contact"), "percent"),
                ],
                table_rows,
            )
        ],
        chart=ChartSpec("line", [3, 5, 7], unit="percent"),
        notes=[_("Failure demand is chasing progress and complaints.")],
    )


def figure_sla(ctx: Context) -> Figure:
    hide = _Hide(ctx.public)
    rows = s.sla_met(filters=ctx.filters)
    by_service = s.sla_met_by_service(filters=ctx.filters)
    closed = sum(r.closed for r in rows)
    met = sum(r.met for r in rows)
    columns = [Column(_("Closed with an SLA")), Column(_("Met")), Column(_("Met"), "percent")]
    return Figure(
        key="sla",
        title=_("SLA met"),
        summary=_("%(share)s of %(closed)s cases closed %(range)s met their SLA.")
        % {
            "share": hide.percent_text(s.share(met, closed), closed),
            "closed": hide.count_text(closed),
            "range": _range_text(ctx.filters),
        },
        tables=[
            Table(
                _("SLA met by period"),
                [_period_column(ctx.filters), *columns],
                [
                    [
                        r.label,
                        hide.count(r.closed),
                        hide.count(r.met),
                        hide.derived(r.met_share, r.closed),
                    ]
                    for r in rows
                ],
            ),
            Table(
                _("SLA met by service"),
                [Column(_("Service"), "text"), *columns],
                [
                    [
                        r.label,
                        hide.count(r.closed),
                        hide.count(r.met),
                        hide.derived(r.met_share, r.closed),
                    ]
                    for r in by_service
                ],
            ),
        ],
        chart=ChartSpec("line", [3], unit="percent"),
        notes=[
            _(
                "Cases closed in the period that had an SLA, not counting duplicates. Working "
                "days leave out weekends and bank holidays in England and Wales."
            )
        ],
    )


def figure_resolve(ctx: Context) -> Figure:
    hide = _Hide(ctx.public)
    rows = s.time_to_resolve(filters=ctx.filters)
    table_rows = [
        [
            r.service,
            hide.count(r.resolved),
            hide.derived(r.median_working_days, r.resolved),
            hide.derived(r.p90_working_days, r.resolved),
            hide.derived(r.median_days, r.resolved),
            hide.derived(r.p90_days, r.resolved),
        ]
        for r in rows
    ]
    return Figure(
        key="resolve",
        title=_("Time to resolve"),
        summary=_("Median and 90th percentile days from report to close for %(n)s services.")
        % {"n": len(rows)},
        tables=[
            Table(
                _("Time to resolve by service"),
                [
                    Column(_("Service"), "text"),
                    Column(_("Cases closed")),
                    Column(_("Median, working days"), "days"),
                    Column(_("90th percentile, working days"), "days"),
                    Column(_("Median, calendar days"), "days"),
                    Column(_("90th percentile, calendar days"), "days"),
                ],
                table_rows,
            )
        ],
        chart=ChartSpec("hbar", [2, 3], unit="days"),
        notes=[
            _(
                "Half of cases closed within the median; 9 in 10 within the 90th percentile. "
                "Duplicates are not counted."
            )
        ],
    )


def figure_backlog(ctx: Context) -> Figure:
    hide = _Hide(ctx.public)
    rows = s.backlog(filters=ctx.filters)
    last = rows[-1] if rows else None
    return Figure(
        key="backlog",
        title=_("Backlog"),
        summary=(
            _("%(open)s cases were open at the end of the range, %(overdue)s of them overdue.")
            % {"open": hide.count_text(last.open), "overdue": hide.count_text(last.overdue)}
            if last
            else _("No data.")
        ),
        tables=[
            Table(
                _("Cases open at the end of each period"),
                [_period_column(ctx.filters), Column(_("Open")), Column(_("Overdue"))],
                [[r.label, hide.count(r.open), hide.count(r.overdue)] for r in rows],
            )
        ],
        chart=ChartSpec("line", [1, 2]),
    )


def figure_quality(ctx: Context) -> Figure:
    hide = _Hide(ctx.public)
    rows = s.case_quality(filters=ctx.filters)
    cases = sum(r.cases for r in rows)
    return Figure(
        key="quality",
        title=_("Reopened cases, duplicates and repeat contacts"),
        summary=_(
            "Of %(cases)s cases made %(range)s, %(reopened)s were reopened and %(duplicates)s "
            "were duplicates; residents got in touch %(repeat)s more times about them."
        )
        % {
            "cases": hide.count_text(cases),
            "range": _range_text(ctx.filters),
            "reopened": hide.percent_text(s.share(sum(r.reopened for r in rows), cases), cases),
            "duplicates": hide.percent_text(s.share(sum(r.duplicates for r in rows), cases), cases),
            "repeat": hide.count_text(sum(r.repeat_contacts for r in rows)),
        },
        tables=[
            Table(
                _("Reopened cases, duplicates and repeat contacts by period"),
                [
                    _period_column(ctx.filters),
                    Column(_("Cases made")),
                    Column(_("Reopened")),
                    Column(_("Reopened"), "percent"),
                    Column(_("Duplicates")),
                    Column(_("Duplicates"), "percent"),
                    Column(_("Repeat contacts")),
                    Column(_("Contacts per case"), "days"),
                ],
                [
                    [
                        r.label,
                        hide.count(r.cases),
                        hide.count(r.reopened),
                        hide.derived(r.reopened_share, r.cases),
                        hide.count(r.duplicates),
                        hide.derived(r.duplicate_share, r.cases),
                        hide.count(r.repeat_contacts),
                        hide.derived(r.contacts_per_case, r.cases),
                    ]
                    for r in rows
                ],
            )
        ],
        chart=ChartSpec("line", [3, 5], unit="percent"),
        notes=[_("Repeat contacts are contacts about a case after the first.")],
    )


FIGURES: dict[str, Callable[[Context], Figure]] = {
    "channels": figure_channels,
    "take-up": figure_take_up,
    "targets": figure_targets,
    "cost": figure_cost,
    "savings": figure_savings,
    "demand": figure_demand,
    "sla": figure_sla,
    "resolve": figure_resolve,
    "backlog": figure_backlog,
    "quality": figure_quality,
}


def figures_build(ctx: Context, keys: Sequence[str] | None = None) -> list[Figure]:
    return [FIGURES[key](ctx) for key in (keys or FIGURES)]
