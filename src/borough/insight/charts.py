"""Charts drawn on the server as SVG: no JavaScript, crisp at any size.

Each chart is an image (`role="img"`) named by its figure's title and described by a sentence
that says what it shows and that the same data is in the table beside it; the table is what
screen readers and keyboard users read. Colours are from the GOV.UK palette, each with at
least 3:1 contrast against white, and series are told apart by a legend as well as by colour
(lines also by their markers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from borough.insight.figures import SUPPRESSED, ChartSpec, Table, pounds

COLOURS = [
    "#1d70b8",  # blue
    "#00703c",  # green
    "#d4351c",  # red
    "#4c2c92",  # purple
    "#003078",  # dark blue
    "#505a5f",  # dark grey
    "#d53880",  # pink
    "#6f72af",  # light purple
    "#28a197",  # turquoise
]
MARKERS = ["circle", "square", "diamond", "triangle"]

WIDTH = 760
HEIGHT = 320
LEFT = 72
RIGHT = 16
TOP = 16
BOTTOM = 56
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


def _number(value: Any) -> float | None:
    if value is None or value == SUPPRESSED or isinstance(value, str):
        return None
    return float(value)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    fraction = value / 10**exponent
    for step in (1, 2, 2.5, 5, 10):
        if fraction <= step:
            return step * 10**exponent
    return 10 * 10**exponent


def _tick_text(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value:g}%"
    if unit == "pence":
        pence = round(value)
        if abs(pence) >= 100_000:
            return f"£{pence / 100_000:g}k"
        return pounds(pence).replace(".00", "")
    return f"{value:,.10g}"


def chart_svg(*, table: Table, spec: ChartSpec, chart_id: str, description: str) -> SafeString:
    """The SVG for `spec` drawn from `table` (column 0 labels the x axis)."""
    labels = [str(row[0]) for row in table.rows]
    series = [
        (table.columns[i].name, [_number(row[i]) for row in table.rows]) for i in spec.columns
    ]
    if spec.kind == "hbar":
        return _horizontal(table, labels, series, spec, chart_id, description)
    values = [v for _, vs in series for v in vs if v is not None]
    if spec.kind == "stacked":
        totals = [sum(vs[j] or 0 for _, vs in series) for j in range(len(labels))]
        top = max(totals, default=0)
    else:
        top = max(values, default=0)
    bottom = min(0.0, min(values, default=0))
    y_max = 100.0 if spec.unit == "percent" and 50 < top <= 100 else _nice_max(top)
    y_min = -_nice_max(-bottom) if bottom < 0 else 0.0
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    legend_rows = math.ceil(len(series) / 3) if len(series) > 1 else 0
    height = HEIGHT + legend_rows * 22

    def y(value: float) -> float:
        return TOP + plot_h - (value - y_min) / (y_max - y_min) * plot_h

    parts: list[str] = [
        f'<svg class="borough-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(table.caption)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    # Grid lines and the y axis.
    for i in range(5):
        value = y_min + (y_max - y_min) * i / 4
        ypos = y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ypos:.1f}" y2="{ypos:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{ypos + 5:.1f}" text-anchor="end" font-size="14" '
            f'fill="{TEXT}">{escape(_tick_text(value, spec.unit))}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        f'stroke="{TEXT}" stroke-width="1.5"/>'
    )
    count = max(len(labels), 1)
    slot = plot_w / count
    every = max(1, math.ceil(count / 9))
    for j, label in enumerate(labels):
        if j % every:
            continue
        x = LEFT + slot * (j + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 22}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    if spec.kind in ("bar", "stacked"):
        parts += _bars(series, slot, y, stacked=spec.kind == "stacked")
    else:
        parts += _lines(series, slot, y)
    # Legend.
    if len(series) > 1:
        for k, (name, _) in enumerate(series):
            lx = LEFT + (k % 3) * (plot_w / 3)
            ly = HEIGHT - 10 + (k // 3) * 22
            parts.append(
                f'<rect x="{lx:.1f}" y="{ly - 12}" width="14" height="14" '
                f'fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
            parts.append(
                f'<text x="{lx + 20:.1f}" y="{ly}" font-size="14" fill="{TEXT}">'
                f"{escape(name)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def _bars(
    series: Sequence[tuple[str, list[float | None]]], slot: float, y: Any, *, stacked: bool
) -> list[str]:
    parts = []
    n = len(series)
    gap = slot * 0.2
    for j in range(len(series[0][1]) if series else 0):
        x0 = LEFT + slot * j + gap / 2
        width = slot - gap
        base = 0.0
        for k, (_, values) in enumerate(series):
            value = values[j]
            if value is None:
                continue
            colour = COLOURS[k % len(COLOURS)]
            if stacked:
                top, bottom = y(base + value), y(base)
                base += value
                x, w = x0, width
            else:
                top, bottom = (y(value), y(0)) if value >= 0 else (y(0), y(value))
                w = width / n
                x = x0 + w * k
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{max(w - 1, 1):.1f}" '
                f'height="{max(bottom - top, 0):.1f}" fill="{colour}" stroke="#ffffff" '
                f'stroke-width="0.5"/>'
            )
    return parts


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}'
            f'L{x - 5:.1f} {y:.1f}Z" fill="{colour}"/>'
        )
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" '
            f'fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _lines(series: Sequence[tuple[str, list[float | None]]], slot: float, y: Any) -> list[str]:
    parts = []
    for k, (_, values) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        segment: list[str] = []
        segments: list[list[str]] = []
        markers = []
        for j, value in enumerate(values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x = LEFT + slot * (j + 0.5)
            segment.append(f"{x:.1f},{y(value):.1f}")
            if len(values) <= 60:
                markers.append(_marker(MARKERS[k % len(MARKERS)], x, y(value), colour))
        if segment:
            segments.append(segment)
        dash = ' stroke-dasharray="6 4"' if k % 2 else ""
        for points in segments:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
        parts += markers
    return parts


H_LEFT = 300
H_ROW = 30


def _horizontal(
    table: Table,
    labels: list[str],
    series: Sequence[tuple[str, list[float | None]]],
    spec: ChartSpec,
    chart_id: str,
    description: str,
) -> SafeString:
    """Bars along, one group per row: for categories with long names (services)."""
    values = [v for _, vs in series for v in vs if v is not None]
    x_max = _nice_max(max(values, default=0))
    plot_w = WIDTH - H_LEFT - RIGHT - 10
    legend_y = TOP + len(labels) * H_ROW + 40
    height = (
        legend_y + 8 + (len(series) - 1) * 22 if len(series) > 1 else TOP + len(labels) * H_ROW + 30
    )

    def x(value: float) -> float:
        return H_LEFT + value / x_max * plot_w

    parts = [
        f'<svg class="borough-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'focusable="false" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(table.caption)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    bottom = TOP + len(labels) * H_ROW
    for i in range(5):
        value = x_max * i / 4
        xpos = x(value)
        parts.append(
            f'<line x1="{xpos:.1f}" x2="{xpos:.1f}" y1="{TOP}" y2="{bottom}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{xpos:.1f}" y="{bottom + 20}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}">{escape(_tick_text(value, spec.unit))}</text>'
        )
    bar_h = (H_ROW - 8) / max(len(series), 1)
    for j, label in enumerate(labels):
        top = TOP + j * H_ROW
        parts.append(
            f'<text x="{H_LEFT - 8}" y="{top + H_ROW / 2 + 5:.1f}" text-anchor="end" '
            f'font-size="13" fill="{TEXT}">{escape(label)}</text>'
        )
        for k, (_, vs) in enumerate(series):
            length = vs[j]
            if length is None:
                continue
            parts.append(
                f'<rect x="{H_LEFT}" y="{top + 4 + k * bar_h:.1f}" '
                f'width="{max(x(length) - H_LEFT, 0):.1f}" height="{bar_h - 1:.1f}" '
                f'fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
    parts.append(
        f'<line x1="{H_LEFT}" x2="{H_LEFT}" y1="{TOP}" y2="{bottom}" stroke="{TEXT}" '
        f'stroke-width="1.5"/>'
    )
    if len(series) > 1:
        for k, (name, _) in enumerate(series):
            lx = H_LEFT
            ly = legend_y + k * 22
            parts.append(
                f'<rect x="{lx:.1f}" y="{ly - 12}" width="14" height="14" '
                f'fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
            parts.append(
                f'<text x="{lx + 20:.1f}" y="{ly}" font-size="14" fill="{TEXT}">'
                f"{escape(name)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
