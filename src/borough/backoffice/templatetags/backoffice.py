"""Template filters for the back office: times in Europe/London, GOV.UK style, and tags."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from borough.cases import sla
from borough.cases.models import CLOSED_STATUSES, Status

register = template.Library()

LONDON = ZoneInfo("Europe/London")

STATUS_TAG_CLASSES = {
    Status.OPEN: "govuk-tag--blue",
    Status.FOR_TRIAGE: "govuk-tag--light-blue",
    Status.INVESTIGATING: "govuk-tag--purple",
    Status.IN_PROGRESS: "govuk-tag--turquoise",
    Status.ACTION_SCHEDULED: "govuk-tag--turquoise",
    Status.WAITING: "govuk-tag--yellow",
    Status.FIXED: "govuk-tag--green",
}


@register.filter
def status_tag_class(status: str) -> str:
    if status in STATUS_TAG_CLASSES:
        return STATUS_TAG_CLASSES[Status(status)]
    return "govuk-tag--grey" if status in CLOSED_STATUSES else "govuk-tag--blue"


def _time(moment: datetime) -> str:
    """GOV.UK style: 9am, 2:15pm, midday, midnight."""
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


@register.filter
def london(moment: datetime | None) -> str:
    """5 March 2026 at 2:15pm (Europe/London)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, LONDON)
    return f"{local.day} {local:%B %Y} at {_time(local)}"


@register.filter
def london_short(moment: datetime | None) -> str:
    """5 Mar 2026, 2:15pm (Europe/London), for tables."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, LONDON)
    return f"{local.day} {local:%b %Y}, {_time(local)}"


@register.filter
def london_date(moment: datetime | None) -> str:
    """5 Mar 2026 (Europe/London)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, LONDON)
    return f"{local.day} {local:%b %Y}"


@register.filter
def london_time(moment: datetime | None) -> str:
    """2:15pm (Europe/London)."""
    if moment is None:
        return ""
    return _time(timezone.localtime(moment, LONDON))


AUDIT_ACTIONS = {
    "case.view": "Opened a case",
    "audit.search": "Searched the audit trail",
    "audit.user_trail": "Read a person's audit trail",
}


@register.filter
def audit_action(action: str) -> str:
    """An audit entry's action in words."""
    return AUDIT_ACTIONS.get(action, action)


@register.filter
def is_overdue(case: object) -> bool:
    due = getattr(case, "sla_due_at", None)
    return bool(due and getattr(case, "is_open", False) and due < timezone.now())


@register.filter
def is_escalated(case: object) -> bool:
    """Whether an open case was escalated to its team leaders for the due time it has now."""
    return sla.is_escalated(case)


@register.simple_tag(takes_context=True)
def staff_menu(context: Any) -> dict[str, bool]:
    """Which of the back office's other areas the signed-in user may open."""
    from borough.backoffice.selectors import audit_organisations, contact_organisations

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "contacts": contact_organisations(user=user).exists(),
        "audit": audit_organisations(user=user).exists(),
    }


@register.filter
def field_value(bound_field: object) -> str:
    """A bound field's value as the text to put back in an input ("" for None)."""
    value = getattr(bound_field, "value", lambda: None)()
    return "" if value is None else str(value)


@register.filter
def select_options(bound_field: object) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """A choice field's options as [(group label or "", [(value, label, selected)])]."""
    value = getattr(bound_field, "value", lambda: None)()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    field = getattr(bound_field, "field", None)
    groups: list[tuple[str, list[tuple[str, str, bool]]]] = []
    for key, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):
            groups.append((str(key), [(str(v), str(text), str(v) in chosen) for v, text in label]))
        else:
            option = (str(key), str(label), str(key) in chosen)
            if groups and groups[-1][0] == "":
                groups[-1][1].append(option)
            else:
                groups.append(("", [option]))
    return groups
