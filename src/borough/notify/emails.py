"""How each kind of notification reads: its subject, and its body from Django templates.

Bodies are GOV.UK Notify in tone: short sentences, the reference first, what happens next,
no jargon. The plain-text version is the email; the HTML version carries the organisation's
name and colour. Each kind has `notify/email/<kind>.txt` and `notify/email/<kind>.html`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from borough.notify.models import NotificationKind


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _subject(kind: str, context: dict[str, Any]) -> str:
    reference = context["case"].reference
    if kind == NotificationKind.ACKNOWLEDGEMENT:
        return f"{context['noun'].capitalize()} received: {reference}"
    if kind == NotificationKind.CASE_UPDATE:
        return f"Update on {reference}"
    if kind == NotificationKind.CASE_CLOSED:
        return f"{reference} is closed"
    if kind == NotificationKind.CASE_REOPENED:
        return f"{reference} has been reopened"
    if kind == NotificationKind.MARKED_DUPLICATE:
        return f"{reference} is a duplicate of {context['original']}"
    if kind == NotificationKind.ASSIGNED_TO_YOU:
        return f"{reference} has been assigned to you"
    if kind == NotificationKind.TRANSFERRED_TO_TEAM:
        return f"{reference} has been transferred to {context['team'].name}"
    if kind == NotificationKind.SLA_DUE_SOON:
        return f"{reference} is due soon"
    if kind == NotificationKind.SLA_BREACHED:
        return f"{reference} is past its target time"
    raise ValueError(f"No subject for notifications of kind {kind!r}")


_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """Template tags leave stray spaces and blank lines; a plain-text email should not."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)) + "\n"


def email_render(*, kind: str, context: dict[str, Any]) -> RenderedEmail:
    # Headers never hold a line break.
    subject = " ".join(_subject(kind, context).split())[:250]
    context = {**context, "subject": subject}
    text = render_to_string(f"notify/email/{kind}.txt", context)
    html = render_to_string(f"notify/email/{kind}.html", context)
    return RenderedEmail(subject=subject, text=_tidy(text), html=html.strip() + "\n")
