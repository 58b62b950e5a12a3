"""Template filters for the resident pages."""

from __future__ import annotations

import re

from django import template

register = template.Library()


@register.filter
def paragraphs(text: object) -> list[str]:
    """Text split into paragraphs at blank lines, for `<p class="govuk-body">` each.

    The paragraphs are plain strings: the template escapes them.
    """
    value = str(text or "").replace("\r\n", "\n").strip()
    return [part.strip() for part in re.split(r"\n\s*\n", value) if part.strip()]
