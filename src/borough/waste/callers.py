"""Booking for a caller on the phone: the waste pages in assisted mode.

An advisor (the roles that log contacts) starts it at `/staff/assisted/` by choosing a paid
waste service (bulky waste, garden waste or a container: `selectors.paid_waste_task`) and the
phone, with the caller's account if they find it. The session is put in assisted mode
(`portal.journey.assisted_start`) and the advisor finds the caller's address on the bin days
look-up, then goes through the same pages a resident does, for the caller: a caller without
an account first gives their name and email address ("The caller's details"), where the
confirmation goes. The payment is taken on the same payment pages, on the phone channel, by
the advisor (a MOTO payment at GOV.UK Pay). Assisted mode ends when the booking is confirmed,
or when the advisor stops.

`caller_mode` says whether a request is in that mode; it is worked out once a request. Only
the advisor who started it, while they may still log contacts, is in it: for anyone else the
waste pages are their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

from borough.accounts.models import User
from borough.backoffice.selectors import contact_organisations
from borough.catalogue.models import Service
from borough.contacts.models import Channel
from borough.portal.journey import (
    ASSISTED_JOURNEYS_KEY,
    Assisted,
    assisted_details,
    assisted_get,
)
from borough.waste.selectors import paid_waste_task
from borough.waste.services import Caller

# Where the bin days look-up sends the advisor for each task, once the address is found.
TASK_START = {
    "bulky": "waste:bulky_start",
    "garden": "waste:garden_start",
    "container": "waste:container",
}
_CACHE = "_waste_caller_mode"


@dataclass(frozen=True)
class CallerMode:
    assisted: Assisted
    task: str
    advisor: User
    resident: User | None
    details: dict[str, str] = field(default_factory=dict)

    @property
    def needs_details(self) -> bool:
        """A caller without an account gives their name and email address first."""
        return self.resident is None and not self.details.get("email")

    def caller(self) -> Caller:
        return Caller(
            advisor=self.advisor,
            resident=self.resident,
            name=self.details.get("name", ""),
            email=self.details.get("email", ""),
            phone=self.details.get("phone", ""),
        )


def _mode(request: HttpRequest) -> CallerMode | None:
    assisted = assisted_get(request.session)
    if assisted is None or assisted.channel != Channel.PHONE:
        return None
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated or user.pk != assisted.staff_id:
        return None
    if not contact_organisations(user=user).exists():
        return None
    service = Service.objects.filter(code=assisted.service_code).first()
    task = paid_waste_task(service) if service is not None else None
    if task is None:
        return None
    resident = None
    if assisted.resident_id is not None:
        resident = User.objects.filter(pk=assisted.resident_id, is_active=True).first()
    return CallerMode(
        assisted=assisted,
        task=task,
        advisor=user,
        resident=resident,
        details=assisted_details(request.session),
    )


def caller_mode(request: HttpRequest) -> CallerMode | None:
    """The caller this advisor is booking for on the phone, or None."""
    if not hasattr(request, _CACHE):
        setattr(request, _CACHE, _mode(request))
    found: CallerMode | None = getattr(request, _CACHE)
    return found


def caller_mode_forget(request: HttpRequest) -> None:
    if hasattr(request, _CACHE):
        delattr(request, _CACHE)


def journey_get(request: HttpRequest, key: str) -> dict[str, Any]:
    """A waste journey's answers in the session: for a caller, kept with the assisted mode's
    journeys (apart from the advisor's own, and gone when it ends)."""
    if caller_mode(request) is None:
        journey = request.session.get(key)
    else:
        journeys = request.session.get(ASSISTED_JOURNEYS_KEY)
        journey = journeys.get(key) if isinstance(journeys, dict) else None
    return journey if isinstance(journey, dict) else {}


def journey_save(request: HttpRequest, key: str, journey: dict[str, Any]) -> None:
    if caller_mode(request) is None:
        request.session[key] = journey
        return
    journeys = request.session.get(ASSISTED_JOURNEYS_KEY)
    journeys = dict(journeys) if isinstance(journeys, dict) else {}
    journeys[key] = journey
    request.session[ASSISTED_JOURNEYS_KEY] = journeys


def journey_drop(request: HttpRequest, key: str) -> None:
    if caller_mode(request) is None:
        request.session.pop(key, None)
        return
    journeys = request.session.get(ASSISTED_JOURNEYS_KEY)
    if isinstance(journeys, dict) and key in journeys:
        request.session[ASSISTED_JOURNEYS_KEY] = {k: v for k, v in journeys.items() if k != key}


def private_for_caller(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """For a caller the pages hold their personal data: never cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if assisted_get(request.session) is not None:
            add_never_cache_headers(response)
        return response

    return wrapper
