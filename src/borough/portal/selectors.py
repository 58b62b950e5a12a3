"""Reads the resident pages need: the services a resident may use, and their groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from borough.cases.models import Case
from borough.catalogue.models import FormDefinition, Service
from borough.catalogue.selectors import service_groups, service_list_active
from borough.core.models import COUNCIL_KINDS, Organisation
from borough.places.models import Area, AreaKind
from borough.portal.journey import submitted_by_session
from borough.portal.models import SAVED_JOURNEY_DAYS, SavedJourney


@dataclass(frozen=True)
class ServiceGroup:
    name: str
    slug: str
    services: list[Service]


def service_group_list() -> list[ServiceGroup]:
    """Active services by group, for browsing: groups and services in name order."""
    return [
        ServiceGroup(name=name, slug=slugify(name), services=services)
        for name, services in service_groups()
    ]


def service_group_by_slug(slug: str) -> ServiceGroup | None:
    for group in service_group_list():
        if group.slug == slug:
            return group
    return None


def service_for_resident(code: str) -> Service | None:
    """The active service with this code (of an active organisation), or None."""
    return service_list_active().filter(code=code).first()


def service_form(service: Service) -> FormDefinition | None:
    """The service's current form version."""
    return service.forms.order_by("-version").first()


def case_submitted_in_session(*, session: SessionBase, code: str, reference: str) -> Case | None:
    """The case this browser sent, for its confirmation page; None for anyone else's case.

    A confirmation page shows a reference, so only the session that sent the case may see it.
    """
    if not submitted_by_session(session, reference):
        return None
    return (
        Case.objects.select_related("service", "organisation")
        .filter(reference=reference, service__code=code)
        .first()
    )


def map_areas() -> dict[str, Any]:
    """The councils' boundaries and their wards as a GeoJSON FeatureCollection, for maps.

    Each feature has `kind` ("council" or "ward"), `name` and, for councils, `slug`.
    """
    features: list[dict[str, Any]] = []
    councils = Organisation.objects.filter(
        is_active=True, kind__in=COUNCIL_KINDS, boundary__isnull=False
    ).order_by("name")
    for council in councils:
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": "council", "name": council.name, "slug": council.slug},
                "geometry": council.boundary,
            }
        )
    wards = Area.objects.filter(kind=AreaKind.WARD).exclude(organisation__is_active=False)
    for ward in wards.order_by("name"):
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": "ward", "name": ward.name},
                "geometry": ward.boundary,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def organisation_bounds(organisation: Organisation) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of an organisation's boundary, or None without one."""
    boundary = organisation.boundary
    if not isinstance(boundary, dict):
        return None
    points: list[tuple[float, float]] = []

    def walk(value: Any) -> None:
        if (
            isinstance(value, list | tuple)
            and len(value) >= 2
            and all(isinstance(v, int | float) for v in value[:2])
        ):
            points.append((float(value[1]), float(value[0])))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(boundary.get("coordinates"))
    if not points:
        return None
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    return min(lats), min(lons), max(lats), max(lons)


def council_bounds() -> tuple[float, float, float, float] | None:
    """The box around every active council's boundary, for a map with no place chosen yet."""
    boxes = [
        box
        for council in Organisation.objects.filter(
            is_active=True, kind__in=COUNCIL_KINDS, boundary__isnull=False
        )
        if (box := organisation_bounds(council)) is not None
    ]
    if not boxes:
        return None
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


# -- Saved forms (save and come back later) -----------------------------------------------------


def _saved_journeys_fresh(user: Any) -> QuerySet[SavedJourney]:
    """The resident's saved forms changed in the last `SAVED_JOURNEY_DAYS`, of services they
    may still use; older ones are ignored (and deleted by `saved_journeys_expire`)."""
    if not getattr(user, "is_authenticated", False):
        return SavedJourney.objects.none()
    since = timezone.now() - timedelta(days=SAVED_JOURNEY_DAYS)
    return SavedJourney.objects.filter(
        user=user,
        updated_at__gte=since,
        service__is_active=True,
        service__organisation__is_active=True,
    ).select_related("service")


def saved_journey_for_resident(*, user: Any, service: Service) -> SavedJourney | None:
    """The resident's saved form for `service`, if they have one still kept."""
    return _saved_journeys_fresh(user).filter(service=service).first()


def saved_journeys_for_resident(user: Any) -> list[SavedJourney]:
    """ "Saved requests you have not sent": the resident's saved forms, latest change first."""
    return list(_saved_journeys_fresh(user).order_by("-updated_at", "-id"))
