"""Template filters for insight pages."""

from __future__ import annotations

from django import template

from borough.insight.figures import pounds as pounds_text

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """1234 -> £12.34."""
    return "" if pence is None else pounds_text(pence)
