"""Reads for the field officers' page (`/staff/field/`): who may use it, their cases for the
day with the distance to each, the services they may report on, and places to stand.

Field officers and team leaders use the page, for the organisations where they hold one of
those roles (`FIELD_ROLES`). Every list stays inside `cases_visible_to_staff`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.cases.models import Case
from borough.cases.selectors import OPEN_STATUSES, cases_visible_to_staff
from borough.cases.sla import due_soon_until
from borough.catalogue.forms import questions
from borough.catalogue.models import Service
from borough.core.models import Organisation, Role, Team
from borough.core.tenancy import staff_organisations, staff_teams
from borough.places.models import Property
from borough.places.selectors import haversine_metres, properties_near

FIELD_ROLES = frozenset({Role.FIELD_OFFICER.value, Role.TEAM_LEADER.value})

# The longest list the page shows: a day's work, not a queue.
TODAY_LIMIT = 50

# Question types the field page answers itself, from the place and the photo it asks for.
PAGE_ANSWERED_TYPES = frozenset({"location", "file"})

# Where the "Directions" link goes: walking or driving directions to the case's point.
DIRECTIONS_URL = "https://www.openstreetmap.org/directions"
MAP_URL = "https://www.openstreetmap.org/"


def field_teams(*, user: Any) -> QuerySet[Team]:
    """The active teams in which `user` is a field officer or a team leader."""
    return staff_teams(user, roles=set(FIELD_ROLES))


def field_organisations(*, user: Any) -> QuerySet[Organisation]:
    return staff_organisations(user, roles=set(FIELD_ROLES)).order_by("name")


def may_use_field_page(*, user: Any) -> bool:
    return field_teams(user=user).exists()


# -- Your cases today -----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldCase:
    """One case on the day's list, with where it is and how far away."""

    case: Case
    place: str
    metres: float | None
    directions_url: str
    map_url: str

    @property
    def distance_text(self) -> str:
        return distance_text(self.metres) if self.metres is not None else ""


def distance_text(metres: float) -> str:
    """ "Less than 10 metres", "120 metres", "1.2 kilometres"."""
    if metres < 10:
        return "Less than 10 metres"
    if metres < 995:
        return f"{round(metres / 10) * 10:,} metres"
    number = f"{round(metres / 1000, 1):g}"
    return f"{number} kilometre" if number == "1" else f"{number} kilometres"


# How far from a case placed on the map to look for an address to describe where it is.
NEAR_METRES = 150


def case_place(case: Case) -> str:
    """Where the case is, in words: its address, else its street, else the nearest address
    to its point ("Near 4 High East Street"), else ""."""
    if case.property is not None:
        return case.property.first_line
    if case.street is not None:
        return f"{case.street.name}, {case.street.town}"
    if case.latitude is not None and case.longitude is not None:
        nearest = properties_near(case.latitude, case.longitude, metres=NEAR_METRES, limit=1)
        if nearest:
            return _("Near %(address)s") % {"address": nearest[0].first_line}
    return ""


def directions_url(
    latitude: float, longitude: float, *, origin: tuple[float, float] | None = None
) -> str:
    start = f"{origin[0]:.6f},{origin[1]:.6f}" if origin else ""
    return f"{DIRECTIONS_URL}?{urlencode({'route': f'{start};{latitude:.6f},{longitude:.6f}'})}"


def map_url(latitude: float, longitude: float) -> str:
    query = urlencode({"mlat": f"{latitude:.6f}", "mlon": f"{longitude:.6f}"})
    return f"{MAP_URL}?{query}#map=18/{latitude:.6f}/{longitude:.6f}"


def field_cases_today(
    *, user: Any, now: datetime | None = None, origin: tuple[float, float] | None = None
) -> list[FieldCase]:
    """The field officer's shortlist: open cases assigned to `user`, and unassigned open cases
    in their field teams that are due soon (within one working day) or overdue. Soonest due
    first (no due time last), at most `TODAY_LIMIT`; with `origin` (where they stand) each
    has its distance."""
    now = now or timezone.now()
    cases = (
        cases_visible_to_staff(user=user)
        .filter(status__in=OPEN_STATUSES)
        .filter(
            Q(assignee=user)
            | Q(
                assignee__isnull=True,
                team__in=field_teams(user=user),
                sla_due_at__lte=due_soon_until(now),
            )
        )
        .select_related("service", "team", "property", "street")
        .order_by(F("sla_due_at").asc(nulls_last=True), "created_at", "id")[:TODAY_LIMIT]
    )
    found = []
    for case in cases:
        metres = None
        directions = ""
        shown_on_map = ""
        if case.latitude is not None and case.longitude is not None:
            if origin is not None:
                metres = haversine_metres(origin[0], origin[1], case.latitude, case.longitude)
            directions = directions_url(case.latitude, case.longitude, origin=origin)
            shown_on_map = map_url(case.latitude, case.longitude)
        found.append(
            FieldCase(
                case=case,
                place=case_place(case),
                metres=metres,
                directions_url=directions,
                map_url=shown_on_map,
            )
        )
    return found


# -- Reporting from where they stand --------------------------------------------------------


def form_questions(service: Service) -> list[dict[str, Any]]:
    form = service.current_form
    return questions(form.definition) if form is not None else []


def field_service_questions(service: Service) -> list[dict[str, Any]]:
    """The questions of `service`'s form the field page asks, in form order: all but those it
    answers itself (locations, from where the officer stands; files, from the photo)."""
    return [q for q in form_questions(service) if q.get("type") not in PAGE_ANSWERED_TYPES]


def field_reportable(service: Service) -> bool:
    """Whether a service can be reported from the field page: it asks for a map point, needs
    no address chosen from the gazetteer, and has no address question to answer."""
    if not service.needs_location or service.needs_property:
        return False
    return not any(q.get("type") == "address" for q in form_questions(service))


def field_services(*, user: Any) -> list[Service]:
    """The active services `user` may report from the field: those of the organisations where
    they are a field officer or team leader that take a map point (see `field_reportable`)."""
    services = (
        Service.objects.filter(
            organisation__in=field_organisations(user=user),
            is_active=True,
            needs_location=True,
            needs_property=False,
        )
        .select_related("organisation")
        .prefetch_related("forms")
        .order_by("organisation__name", "name")
    )
    return [service for service in services if field_reportable(service)]


def field_service(*, user: Any, service_id: object) -> Service | None:
    """One of `field_services`, by id; None for anything else (answered as not found)."""
    try:
        wanted = int(str(service_id))
    except ValueError:
        return None
    return next((s for s in field_services(user=user) if s.pk == wanted), None)


def place_point(properties: Sequence[Property]) -> tuple[float, float] | None:
    """The middle of the addresses found for a postcode or street, as the point to report."""
    if not properties:
        return None
    latitude = sum(p.latitude for p in properties) / len(properties)
    longitude = sum(p.longitude for p in properties) / len(properties)
    return latitude, longitude


def coordinate(value: object) -> float | None:
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def point_from(
    data: Mapping[str, Any], latitude: str, longitude: str
) -> tuple[float, float] | None:
    """A point from two fields of a query or form, when both are real numbers in range."""
    lat, lon = coordinate(data.get(latitude, "")), coordinate(data.get(longitude, ""))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon
