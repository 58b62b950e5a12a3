"""Reads for Open311: keys, the service list and definitions, requests and updates.

Requests are read through `cases.selectors.public_cases` (public cases of services that
publish their cases), plus the cases a client's own organisation made over Open311, which
that client may follow. Nothing returned ever holds the reporter's name, email address,
telephone number, answers or home: what is shown of a case is what the public report page
shows (`portal.public`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from borough.cases.models import Attachment, Case, CaseEvent, EventKind, Status
from borough.cases.selectors import PUBLIC_PHOTO_TYPES, public_case_first_photos, public_cases
from borough.catalogue.forms import open311_attributes
from borough.catalogue.models import Identity, Service
from borough.core.links import site_url
from borough.core.models import Organisation
from borough.core.references import reference_normalise
from borough.open311.models import ApiKey, ReceivedUpdate, ServiceRequest
from borough.open311.params import MAX_RESULTS
from borough.open311.render import w3c
from borough.open311.services import key_hash
from borough.open311.statuses import status_out, statuses_matching
from borough.portal.public import photo_url, public_point, public_title, public_where

SPECIFICATION: Final = "http://wiki.open311.org/GeoReport_v2"
# Events a client hears about as updates; the report itself (created) is not an update.
UPDATE_KINDS: Final = (
    EventKind.STATUS_CHANGED,
    EventKind.CLOSED,
    EventKind.REOPENED,
    EventKind.PUBLIC_UPDATE,
    EventKind.MARKED_DUPLICATE,
    EventKind.INFORMATION_REQUESTED,
    EventKind.ATTACHMENT_ADDED,
    EventKind.EXTERNAL_UPDATE,  # a contractor's, so FixMyStreet hears it too
)
# Events that carry the status the case moved to (in `data["status"]`).
_STATUS_KINDS: Final = (
    EventKind.STATUS_CHANGED,
    EventKind.CLOSED,
    EventKind.REOPENED,
    EventKind.INFORMATION_REQUESTED,
    EventKind.RESIDENT_REPLIED,
    EventKind.MARKED_DUPLICATE,
    EventKind.EXTERNAL_UPDATE,  # when the contractor changed it
)


def apikey_by_key(raw_key: str) -> ApiKey | None:
    """The active key for a key as a client sent it; None for anything else."""
    if not raw_key or len(raw_key) > 200:
        return None
    # get(), not first(): the hash is unique, and an ordered query (first() orders by the
    # keys' organisation and name) costs this hot path more to compile than to run.
    try:
        return ApiKey.objects.select_related("organisation").get(
            key_hash=key_hash(raw_key), revoked_at__isnull=True, organisation__is_active=True
        )
    except ApiKey.DoesNotExist:
        return None


def apikeys_for_organisations(organisations: Iterable[Organisation]) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organisation__in=list(organisations)).select_related(
        "organisation", "created_by", "revoked_by"
    )


def jurisdiction_by_slug(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug, is_active=True).first() if slug else None


# -- Services ------------------------------------------------------------------------------


def _open311_services(jurisdiction: Organisation | None) -> QuerySet[Service]:
    """Services an Open311 client can request (no Borough account needed), active or not (an
    inactive one carries the `inactive` keyword), of active organisations."""
    services = Service.objects.filter(
        organisation__is_active=True, identity=Identity.ANONYMOUS
    ).select_related("organisation")
    if jurisdiction is not None:
        services = services.filter(organisation=jurisdiction)
    return services.order_by("group", "name", "code")


def service_keywords(service: Service) -> list[str]:
    """The service's own keywords, then FixMyStreet's: `private` (its cases are not public),
    `inactive` (not taking requests), `waste_only` (asked about an address, not a map point)."""
    words = [str(word) for word in (service.keywords or []) if str(word).strip()]
    if not service.public_cases:
        words.append("private")
    if not service.is_active:
        words.append("inactive")
    if service.needs_property and not service.needs_location:
        words.append("waste_only")
    return list(dict.fromkeys(words))


def service_list(*, jurisdiction: Organisation | None) -> list[dict[str, Any]]:
    rows = []
    for service in _open311_services(jurisdiction).prefetch_related("forms"):
        forms = sorted(service.forms.all(), key=lambda f: f.version)
        has_attributes = bool(forms and open311_attributes(forms[-1].definition))
        rows.append(
            {
                "service_code": service.code,
                "service_name": service.name,
                "description": service.summary,
                "metadata": has_attributes,
                "type": "realtime",
                "keywords": ",".join(service_keywords(service)),
                "group": service.group,
            }
        )
    return rows


def service_definition(*, code: str, jurisdiction: Organisation | None) -> dict[str, Any] | None:
    service = _open311_services(jurisdiction).filter(code=code).first()
    if service is None:
        return None
    form = service.current_form
    return {
        "service_code": service.code,
        "attributes": open311_attributes(form.definition) if form is not None else [],
    }


# -- Requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilters:
    ids: list[str]
    service_codes: list[str]
    start: datetime
    end: datetime
    statuses: list[str]


def visible_cases(*, api_key: ApiKey | None, jurisdiction: Organisation | None) -> QuerySet[Case]:
    """Public cases, and the cases the key's organisation made over Open311."""
    cases = public_cases()
    if api_key is not None:
        own = Case.objects.filter(
            open311_request__api_key__organisation_id=api_key.organisation_id
        ).select_related("service", "organisation", "street", "property")
        cases = cases | own
    if jurisdiction is not None:
        cases = cases.filter(organisation=jurisdiction)
    return cases.distinct()


def _with_notes(cases: QuerySet[Case]) -> QuerySet[Case]:
    latest_body = (
        CaseEvent.objects.filter(case=OuterRef("pk"), public=True)
        .exclude(body="")
        .exclude(kind=EventKind.CREATED)
        .order_by("-at", "-id")
        .values("body")[:1]
    )
    return cases.annotate(
        last_public_at=Max("events__at", filter=Q(events__public=True)),
        status_notes=Subquery(latest_body),
    )


def request_list(
    *, api_key: ApiKey | None, jurisdiction: Organisation | None, filters: RequestFilters
) -> list[Case]:
    """GET requests: the ids asked for (which override every other filter), or the cases made
    in the date range, of the services and statuses asked for; newest first, 1,000 at most."""
    cases = visible_cases(api_key=api_key, jurisdiction=jurisdiction)
    if filters.ids:
        references = [r for r in (reference_normalise(i) for i in filters.ids) if r]
        cases = cases.filter(reference__in=references)
    else:
        cases = cases.filter(created_at__gte=filters.start, created_at__lte=filters.end)
        if filters.service_codes:
            cases = cases.filter(service__code__in=filters.service_codes)
        if filters.statuses:
            wanted: set[str] = set()
            for status in filters.statuses:
                wanted |= statuses_matching(status)
            cases = cases.filter(status__in=wanted)
    return list(_with_notes(cases).order_by("-created_at", "-pk")[:MAX_RESULTS])


def request_one(
    *, reference: str, api_key: ApiKey | None, jurisdiction: Organisation | None
) -> Case | None:
    normalised = reference_normalise(reference)
    if normalised is None:
        return None
    return (
        _with_notes(visible_cases(api_key=api_key, jurisdiction=jurisdiction))
        .filter(reference=normalised)
        .first()
    )


def request_rows(
    cases: list[Case], *, extended: bool, nearest_address: bool = False
) -> list[dict[str, Any]]:
    photos = public_case_first_photos(cases=cases)
    rows = []
    for case in cases:
        point = public_point(case)
        photo = photos.get(case.pk)
        updated = getattr(case, "last_public_at", None) or case.created_at
        rows.append(
            {
                "service_request_id": case.reference,
                "status": status_out(case.status, extended=extended),
                "status_notes": getattr(case, "status_notes", None) or None,
                "service_name": case.service.name,
                "service_code": case.service.code,
                "description": public_title(case),
                "agency_responsible": case.organisation.name,
                "service_notice": None,
                "requested_datetime": w3c(case.created_at),
                "updated_datetime": w3c(
                    case.closed_at if not case.is_open and case.closed_at else updated
                ),
                "expected_datetime": w3c(case.sla_due_at) if case.is_open else None,
                "address": public_where(case, nearest=nearest_address) or None,
                "address_id": None,
                "zipcode": None,
                "lat": point[0] if point else None,
                "long": point[1] if point else None,
                "media_url": site_url(photo_url(photo)) if photo is not None else None,
            }
        )
    return rows


def request_by_token(*, token: str, jurisdiction: Organisation | None) -> ServiceRequest | None:
    if not token or len(token) > 64:
        return None
    records = ServiceRequest.objects.filter(token=token).select_related("case")
    if jurisdiction is not None:
        records = records.filter(case__organisation=jurisdiction)
    return records.first()


# -- Updates (FixMyStreet's servicerequestupdates) -------------------------------------------


def update_list(
    *,
    api_key: ApiKey | None,
    jurisdiction: Organisation | None,
    start: datetime,
    end: datetime,
) -> list[CaseEvent]:
    """Public events on the cases a client may see, between `start` and `end`, oldest first;
    not the ones this key sent itself. 1,000 at most."""
    events = CaseEvent.objects.filter(
        case__in=visible_cases(api_key=api_key, jurisdiction=jurisdiction),
        public=True,
        kind__in=UPDATE_KINDS,
        at__gte=start,
        at__lte=end,
    )
    if api_key is not None:
        own = ReceivedUpdate.objects.filter(api_key=api_key, event__isnull=False).values("event_id")
        events = events.exclude(pk__in=own)
    return list(events.select_related("case").order_by("at", "id")[:MAX_RESULTS])


def _statuses_at(events: list[CaseEvent]) -> dict[int, str]:
    """The case's status just after each event, by event id."""
    if not events:
        return {}
    latest = max(event.at for event in events)
    history: dict[int, list[tuple[datetime, int, str]]] = defaultdict(list)
    rows = (
        CaseEvent.objects.filter(
            case_id__in={event.case_id for event in events},
            kind__in=_STATUS_KINDS,
            at__lte=latest,
        )
        .order_by("at", "id")
        .values_list("case_id", "at", "id", "kind", "data")
    )
    for case_id, at, event_id, kind, data in rows:
        status = Status.DUPLICATE.value if kind == EventKind.MARKED_DUPLICATE else None
        if isinstance(data, dict) and isinstance(data.get("status"), str):
            status = status or data["status"]
        if status:
            history[case_id].append((at, event_id, status))
    found = {}
    for event in events:
        steps = history.get(event.case_id, [])
        index = bisect.bisect_right(steps, (event.at, event.pk, "\uffff")) - 1
        found[event.pk] = steps[index][2] if index >= 0 else Status.OPEN.value
    return found


def update_rows(events: list[CaseEvent], *, extended: bool) -> list[dict[str, Any]]:
    statuses = _statuses_at(events)
    photo_ids = [
        event.data.get("attachment")
        for event in events
        if event.kind == EventKind.ATTACHMENT_ADDED and isinstance(event.data, dict)
    ]
    photos = {
        photo.pk: photo
        for photo in Attachment.objects.filter(
            pk__in=[pk for pk in photo_ids if isinstance(pk, int)],
            public=True,
            content_type__in=PUBLIC_PHOTO_TYPES,
            case__is_public=True,
        ).select_related("case")
    }
    rows = []
    for event in events:
        status = statuses.get(event.pk, Status.OPEN.value)
        photo = (
            photos.get(event.data.get("attachment"))
            if event.kind == EventKind.ATTACHMENT_ADDED
            else None
        )
        rows.append(
            {
                "update_id": str(event.pk),
                "service_request_id": event.case.reference,
                "status": status_out(status, extended=extended),
                "updated_datetime": w3c(event.at),
                "description": event.body,
                "media_url": site_url(photo_url(photo)) if photo is not None else None,
                "external_status_code": status,
            }
        )
    return rows


def discovery(*, changeset: datetime) -> dict[str, Any]:
    base = site_url(reverse("open311:discovery", args=["xml"]).rsplit("/", 1)[0] + "/v2/")
    return {
        "changeset": w3c(changeset),
        "contact": site_url("/"),
        "key_service": "Ask the council's digital team for an API key",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": w3c(changeset),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
