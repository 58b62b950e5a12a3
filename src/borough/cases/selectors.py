"""Reads of cases shared by the back office and the APIs.

`case_for_staff` is THE way to fetch one case a member of staff asked for: it checks role and
organisation, never reveals whether a case it refuses exists, and audits every read.
Lists go through `cases_visible_to_staff`, which builds the same scope as a queryset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from borough.cases.models import CLOSED_STATUSES, Attachment, Case, CaseEvent, Status
from borough.catalogue.models import Service
from borough.core.permissions import Action, roles_for
from borough.core.references import reference_normalise
from borough.core.services import audit_record
from borough.core.tenancy import for_staff, staff_teams
from borough.core.workingdays import due_after_working_days
from borough.places.postcodes import postcode_key, postcode_normalise
from borough.places.selectors import EARTH_RADIUS_M, haversine_metres

LONDON = ZoneInfo("Europe/London")

OPEN_STATUSES = tuple(status for status in Status.values if status not in CLOSED_STATUSES)


class Queue(StrEnum):
    MINE = "mine"
    TEAM = "team"
    UNASSIGNED = "unassigned"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ALL = "all"


class StatusFilter(StrEnum):
    """Groups of statuses a list can be filtered by, besides each status on its own."""

    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class CaseFilters:
    """What a case list is narrowed to. Empty values do not filter."""

    service: int | None = None
    # "open", "closed", one `Status` value, or "" for any.
    status: str = ""
    ward: int | None = None
    channel: str = ""
    # Dates the case was created on, in Europe/London, both inclusive.
    created_from: date | None = None
    created_to: date | None = None
    # A reference, postcode, address, resident name or email, or words of the title.
    search: str = ""


# The related rows a case list shows, fetched in the same query.
LIST_RELATED = ("organisation", "service", "team", "assignee")
DETAIL_RELATED = (
    *LIST_RELATED,
    "resident",
    "property",
    "street",
    "ward",
    "duplicate_of",
)


def cases_visible_to_staff(*, user: Any) -> QuerySet[Case]:
    """Every case `user` may view: all cases of the organisations where they hold a role that
    grants `view_case`, and where that role is limited to the cases sent to them (contractors)
    those queued in the teams they hold it in and those assigned to them. Agrees with
    `core.permissions.can(user, "view_case", case)`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    whole = for_staff(
        Case.objects.all(), user, roles=roles_for(Action.VIEW_CASE, assigned_only=False)
    )
    limited = roles_for(Action.VIEW_CASE, assigned_only=True)
    sent = for_staff(Case.objects.all(), user, roles=limited).filter(
        Q(assignee=user) | Q(team__in=staff_teams(user, roles=limited))
    )
    return whole | sent


def case_for_staff(*, user: Any, reference: str, audit: str | None = "case.view") -> Case:
    """The case with `reference` when `user` may view it, and an audit entry of the read.

    Raises Http404 both when there is no such case and when the user may not view it, so that
    the answer never tells anyone a case exists. A refused read writes no audit entry.
    `audit` is the entry's action; None leaves the entry to the caller, which must then write
    one itself (an action on the case records what was done, not a view:
    `backoffice.views._case_action`).
    """
    normalised = reference_normalise(reference)
    if normalised is None:
        raise Http404("No case found")
    case = (
        cases_visible_to_staff(user=user)
        .select_related(*DETAIL_RELATED)
        .filter(reference=normalised)
        .first()
    )
    if case is None:
        raise Http404("No case found")
    if audit is not None:
        audit_record(actor=user, action=audit, obj=case)
    return case


def case_events_after(*, case: Case, after_id: int) -> list[CaseEvent]:
    """The events of `case` written after the event `after_id` (0: all), oldest first: what
    one action wrote."""
    return list(case.events.filter(id__gt=after_id).order_by("id"))


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LONDON)


def _search(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    text = text.strip()
    if not text:
        return cases
    reference = reference_normalise(text)
    if reference is not None:
        return cases.filter(reference=reference)
    if postcode_normalise(text) is not None:
        return cases.filter(property__postcode_key=postcode_key(text))
    # Each word must appear somewhere: "high west" finds "1 High West Street", "mattress"
    # a report whose description says so.
    for word in text.split()[:8]:
        cases = cases.filter(
            Q(reference__icontains=word)
            | Q(title__icontains=word)
            | Q(property__saon__icontains=word)
            | Q(property__paon__icontains=word)
            | Q(property__street_name__icontains=word)
            | Q(property__postcode_key__contains=postcode_key(word))
            | Q(street__name__icontains=word)
            | Q(reporter_name__icontains=word)
            | Q(reporter_email__icontains=word)
            | Q(resident__full_name__icontains=word)
            | Q(resident__email__icontains=word)
            | Q(search_text__icontains=word)
        )
    return cases


def _filter(cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    if filters.service:
        cases = cases.filter(service_id=filters.service)
    if filters.status == StatusFilter.OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status == StatusFilter.CLOSED:
        cases = cases.filter(status__in=CLOSED_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.ward:
        cases = cases.filter(ward_id=filters.ward)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.created_from:
        cases = cases.filter(created_at__gte=_london_midnight(filters.created_from))
    if filters.created_to:
        cases = cases.filter(
            created_at__lt=_london_midnight(filters.created_to + timedelta(days=1))
        )
    return _search(cases, filters.search)


def case_list_for_staff(
    *,
    user: Any,
    queue: str = Queue.TEAM,
    filters: CaseFilters | None = None,
    now: datetime | None = None,
) -> QuerySet[Case]:
    """The cases of one queue, filtered, soonest due first (cases with no due time last).

    Queues: mine (assigned to the user), team (queued in the user's teams), unassigned,
    due_soon (open and due within one working day), overdue (open and past due) and all.
    Every queue is within what the user may view.
    """
    now = now or timezone.now()
    cases = cases_visible_to_staff(user=user)
    if queue == Queue.MINE:
        cases = cases.filter(assignee=user)
    elif queue == Queue.TEAM:
        cases = cases.filter(team__in=staff_teams(user))
    elif queue == Queue.UNASSIGNED:
        cases = cases.filter(assignee__isnull=True)
    elif queue == Queue.DUE_SOON:
        # A case waiting for the resident has its clock stopped: it is neither due nor late.
        cases = cases.filter(
            status__in=OPEN_STATUSES,
            sla_paused_at__isnull=True,
            sla_due_at__gte=now,
            sla_due_at__lte=due_after_working_days(now, 1),
        )
    elif queue == Queue.OVERDUE:
        cases = cases.filter(
            status__in=OPEN_STATUSES, sla_paused_at__isnull=True, sla_due_at__lt=now
        )
    elif queue != Queue.ALL:
        raise ValueError(f"Unknown queue {queue!r}")
    cases = _filter(cases, filters or CaseFilters())
    return cases.select_related(*LIST_RELATED).order_by(
        F("sla_due_at").asc(nulls_last=True), "created_at", "id"
    )


def case_others_for_staff(*, user: Any, case: Case, limit: int = 20) -> list[Case]:
    """The same resident's (or reporter email's) other cases in the case's organisation that
    `user` may view, newest first."""
    match = Q()
    if case.resident_id:
        match |= Q(resident_id=case.resident_id)
    if case.reporter_email:
        match |= Q(reporter_email__iexact=case.reporter_email)
    if not match:
        return []
    return list(
        cases_visible_to_staff(user=user)
        .filter(match, organisation_id=case.organisation_id)
        .exclude(pk=case.pk)
        .select_related("service")
        .order_by("-created_at")[:limit]
    )


# -- Public reports ------------------------------------------------------------------------
# What anyone, signed in or not, may see: only cases marked public, of services whose cases
# are public. These are THE way the public pages fetch cases; none of them audits, because
# none of them returns personal data to a member of staff (the pages choose what to show).

# The image types a public photo may have (what the portal accepts for uploads).
PUBLIC_PHOTO_TYPES = ("image/jpeg", "image/png")


def public_cases() -> QuerySet[Case]:
    """Every case anyone may see: `is_public` cases of services with `public_cases`."""
    return Case.objects.filter(is_public=True, service__public_cases=True).select_related(
        "service", "organisation", "street", "property"
    )


def public_case(*, reference: str) -> Case:
    """The public case with `reference`. Http404 when there is none or it is not public, so
    a private case looks exactly like one that does not exist."""
    normalised = reference_normalise(reference)
    case = public_cases().filter(reference=normalised).first() if normalised else None
    if case is None:
        raise Http404("No public report found")
    return case


@dataclass(frozen=True)
class CaseNear:
    """A case and how far it is from the point asked about, in metres."""

    case: Case
    metres: float


def _bbox_around(latitude: float, longitude: float, metres: float) -> tuple[float, float]:
    """Half the height and width, in degrees, of a box holding the circle (a little generous)."""
    angle = metres / EARTH_RADIUS_M
    dlat = math.degrees(angle) * 1.001
    if abs(latitude) + dlat >= 90:
        return dlat, 180.0
    ratio = min(1.0, math.sin(angle) / math.cos(math.radians(latitude)))
    return dlat, math.degrees(math.asin(ratio)) * 1.001


def public_cases_near(
    *,
    service: Service | None,
    latitude: float,
    longitude: float,
    metres: float,
    open_only: bool = True,
    newest_first: bool = False,
    limit: int | None = None,
) -> list[CaseNear]:
    """Public cases within `metres` of the point: of `service`, or of every service when it is
    None; only open ones unless `open_only` is False. Nearest first (ties: newest first), or
    newest first with `newest_first`.

    A bounding box in SQL first, then the haversine distance on what it found.
    """
    if metres < 0 or not all(math.isfinite(v) for v in (latitude, longitude, metres)):
        raise ValueError("Give a point and a distance of 0 metres or more")
    dlat, dlon = _bbox_around(latitude, longitude, metres)
    cases = public_cases().filter(
        latitude__gte=latitude - dlat,
        latitude__lte=latitude + dlat,
        longitude__gte=longitude - dlon,
        longitude__lte=longitude + dlon,
    )
    if service is not None:
        cases = cases.filter(service=service)
    if open_only:
        cases = cases.filter(status__in=OPEN_STATUSES)
    found = []
    for case in cases:
        assert case.latitude is not None and case.longitude is not None
        distance = haversine_metres(latitude, longitude, case.latitude, case.longitude)
        if distance <= metres:
            found.append(CaseNear(case=case, metres=distance))
    if newest_first:
        found.sort(key=lambda near: (near.case.created_at, near.case.pk), reverse=True)
    else:
        found.sort(key=lambda near: (near.metres, -near.case.created_at.timestamp(), -near.case.pk))
    return found[:limit] if limit is not None else found


def public_case_events(*, case: Case) -> list[CaseEvent]:
    """The public part of a public case's timeline, oldest first."""
    return list(case.events.filter(public=True).order_by("at", "id"))


def public_case_photos(*, case: Case) -> list[Attachment]:
    """A public case's photos that are marked public, oldest first."""
    return list(
        case.attachments.filter(public=True, content_type__in=PUBLIC_PHOTO_TYPES).order_by(
            "created_at", "id"
        )
    )


def public_case_first_photos(*, cases: list[Case]) -> dict[int, Attachment]:
    """The first public photo of each of `cases` that has one, by case id, in one query."""
    first: dict[int, Attachment] = {}
    photos = Attachment.objects.filter(
        case__in=[case.pk for case in cases if case.is_public],
        public=True,
        content_type__in=PUBLIC_PHOTO_TYPES,
    ).order_by("created_at", "id")
    for photo in photos:
        first.setdefault(photo.case_id, photo)
    return first


def public_photo(*, reference: str, attachment_id: int) -> Attachment:
    """A photo anyone may see: public, on a public case. Http404 for anything else."""
    normalised = reference_normalise(reference)
    photo = (
        Attachment.objects.filter(
            pk=attachment_id,
            public=True,
            content_type__in=PUBLIC_PHOTO_TYPES,
            case__in=public_cases().filter(reference=normalised),
        ).first()
        if normalised
        else None
    )
    if photo is None:
        raise Http404("No public photo found")
    return photo


# -- Residents' own cases ---------------------------------------------------------------


def cases_for_resident(*, user: Any) -> QuerySet[Case]:
    """A signed-in resident's cases, newest first: those made with their account, and those
    sent with their email address once they have confirmed that they own it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    match = Q(resident_id=user.pk)
    if user.email_verified_at is not None and user.email:
        match |= Q(reporter_email__iexact=user.email)
    return (
        Case.objects.filter(match)
        .select_related("service", "organisation")
        .order_by("-created_at", "-id")
    )


def case_for_resident(*, user: Any, reference: str) -> Case:
    """One of `user`'s own cases (as `cases_for_resident`), by reference typed in any case or
    spacing. Raises Http404 when there is no such case and when it is someone else's, so the
    answer never tells anyone that a reference is real."""
    normalised = reference_normalise(reference)
    if normalised is None:
        raise Http404("No case found")
    case = (
        cases_for_resident(user=user)
        .select_related("property", "street", "duplicate_of")
        .filter(reference=normalised)
        .first()
    )
    if case is None:
        raise Http404("No case found")
    return case
