"""`{% caller_banner %}`: on every waste page while an advisor books for a caller."""

from __future__ import annotations

from typing import Any

from django import template

from borough.waste.callers import caller_mode

register = template.Library()


@register.inclusion_tag("waste/caller_banner.html", takes_context=True)
def caller_banner(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    mode = caller_mode(request) if request is not None else None
    return {"mode": mode, "csrf_token": context.get("csrf_token")}
