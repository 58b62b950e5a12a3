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
from django.utils.translation import gettext as _

from borough.notify.models import NotificationKind


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _subject(kind: str, context: dict[str, Any]) -> str:
    reference = context["case"].reference
    if kind == NotificationKind.ACKNOWLEDGEMENT:
        return _("%(noun)s received: %(reference)s") % {
            "noun": str(context["noun"]).capitalize(),
            "reference": reference,
        }
    if kind == NotificationKind.CASE_UPDATE:
        return _("Update on %(reference)s") % {"reference": reference}
    if kind == NotificationKind.CASE_CLOSED:
        return _("%(reference)s is closed") % {"reference": reference}
    if kind == NotificationKind.CASE_REOPENED:
        return _("%(reference)s has been reopened") % {"reference": reference}
    if kind == NotificationKind.MARKED_DUPLICATE:
        return _("%(reference)s is a duplicate of %(original)s") % {
            "reference": reference,
            "original": context["original"],
        }
    if kind == NotificationKind.ASSIGNED_TO_YOU:
        return _("%(reference)s has been assigned to you") % {"reference": reference}
    if kind == NotificationKind.TRANSFERRED_TO_TEAM:
        return _("%(reference)s has been transferred to %(team)s") % {
            "reference": reference,
            "team": context["team"].name,
        }
    if kind == NotificationKind.SLA_DUE_SOON:
        return _("%(reference)s is due soon") % {"reference": reference}
    if kind == NotificationKind.SLA_BREACHED:
        return _("%(reference)s is past its target time") % {"reference": reference}
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
