"""Template filters for the account pages: field values, case status tags, London times."""

from __future__ import annotations

from datetime import datetime

from django import template

from borough.accounts import display
from borough.cases.models import status_tag_class as cases_status_tag_class
from borough.core import timetext

register = template.Library()


@register.filter
def field_value(bound_field: object) -> str:
    """A bound field's value as the text to put back in an input ("" for None)."""
    value = getattr(bound_field, "value", lambda: None)()
    return "" if value is None else str(value)


@register.filter
def choice_items(bound_field: object) -> list[dict[str, object]]:
    """A choice field's options (radios or a select): id, value, label and checked. The first
    radio's id is the field's name, as in GOV.UK Frontend, so the error summary's link reaches
    it; then name-2, name-3..."""
    field = getattr(bound_field, "field", None)
    name = getattr(bound_field, "html_name", "")
    value = getattr(bound_field, "value", lambda: None)()
    chosen = "" if value is None else str(value)
    return [
        {
            "id": name if n == 1 else f"{name}-{n}",
            "value": str(key),
            "label": str(label),
            "checked": str(key) == chosen,
        }
        for n, (key, label) in enumerate(getattr(field, "choices", []), start=1)
    ]


@register.filter
def status_label(status: str) -> str:
    return display.status_label(status)


@register.filter
def status_tag_class(status: str) -> str:
    return cases_status_tag_class(status)


@register.filter
def london(moment: datetime | None) -> str:
    """5 March 2026 at 2:15pm (Europe/London)."""
    return timetext.datetime_text(moment) if moment is not None else ""


@register.filter
def london_date(moment: datetime | None) -> str:
    """5 March 2026 (Europe/London)."""
    return timetext.date_text(moment) if moment is not None else ""
