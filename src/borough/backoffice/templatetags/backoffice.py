"""Template filters for the back office: times in Europe/London, GOV.UK style, and tags."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from borough.cases import sla
from borough.cases.models import status_tag_class as cases_status_tag_class
from borough.core import timetext

register = template.Library()


@register.filter
def status_tag_class(status: str) -> str:
    return cases_status_tag_class(status)


@register.filter
def london(moment: datetime | None) -> str:
    """5 March 2026 at 2:15pm (Europe/London)."""
    return timetext.datetime_text(moment) if moment is not None else ""


@register.filter
def london_short(moment: datetime | None) -> str:
    """5 Mar 2026, 2:15pm (Europe/London), for tables."""
    return timetext.datetime_short_text(moment) if moment is not None else ""


@register.filter
def london_date(moment: datetime | None) -> str:
    """5 Mar 2026 (Europe/London)."""
    return timetext.date_short_text(moment) if moment is not None else ""


@register.filter
def london_time(moment: datetime | None) -> str:
    """2:15pm (Europe/London)."""
    return timetext.clock_text(moment) if moment is not None else ""


@register.filter
def audit_action(action: str) -> str:
    """An audit entry's action in words (`backoffice.audit.AUDIT_ACTIONS`)."""
    from borough.backoffice.audit import AUDIT_ACTIONS

    return str(AUDIT_ACTIONS.get(action, action))


@register.filter
def audit_outcome(entry: object) -> str:
    """How the action of an audit entry ended, in words ("" for a read)."""
    from borough.backoffice.audit import AUDIT_OUTCOMES

    detail = getattr(entry, "detail", None) or {}
    outcome = detail.get("outcome") if isinstance(detail, dict) else None
    if not outcome:
        return ""
    return str(AUDIT_OUTCOMES.get(str(outcome), outcome))


@register.filter
def is_overdue(case: object) -> bool:
    """Whether an open case is past its due time. Not while its clock is stopped (waiting
    for the resident): the due time moves on when they reply."""
    due = getattr(case, "sla_due_at", None)
    return bool(
        due
        and getattr(case, "is_open", False)
        and getattr(case, "sla_paused_at", None) is None
        and due < timezone.now()
    )


@register.filter
def is_escalated(case: object) -> bool:
    """Whether an open case was escalated to its team leaders for the due time it has now."""
    return sla.is_escalated(case)


@register.simple_tag(takes_context=True)
def staff_menu(context: Any) -> dict[str, bool]:
    """Which of the back office's other areas the signed-in user may open."""
    from borough.backoffice.field_selectors import may_use_field_page
    from borough.backoffice.selectors import audit_organisations, contact_organisations
    from borough.dispatch.selectors import dispatch_organisations_with_contractors
    from borough.insight.access import insight_organisations

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "contacts": contact_organisations(user=user).exists(),
        "audit": audit_organisations(user=user).exists(),
        "field": may_use_field_page(user=user),
        "dispatch": dispatch_organisations_with_contractors(user=user).exists(),
        "insight": insight_organisations(user=user).exists(),
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
