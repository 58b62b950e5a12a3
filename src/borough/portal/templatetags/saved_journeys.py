"""The list of a resident's saved forms, for their account page ("Saved requests you have not
sent"). Accounts' page includes `portal/saved_journeys.html`, which uses this tag."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from borough.core import timetext
from borough.portal.models import SAVED_JOURNEY_DAYS
from borough.portal.selectors import saved_journeys_for_resident

register = template.Library()


@register.inclusion_tag("portal/saved_journeys_list.html", takes_context=True)
def saved_journeys_list(context: Any) -> dict[str, Any]:
    """The signed-in resident's saved forms: each service, its start page (which offers to
    continue or start again) and when the answers were last changed."""
    request = context.get("request")
    user = getattr(request, "user", None)
    saved = saved_journeys_for_resident(user) if user is not None else []
    return {
        "saved": [
            {
                "service": item.service,
                "url": reverse("portal:start", args=[item.service.code]),
                "changed": timetext.datetime_text(item.updated_at),
            }
            for item in saved
        ],
        "days": SAVED_JOURNEY_DAYS,
    }
