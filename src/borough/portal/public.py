"""How the public pages show a case: its status, where it is and how far, its updates.

Only what anyone may know is shown: never the reporter's email address, telephone number or
home. The reporter's name only when they chose to show it. For services that ask for a
property (an address), the case's point is the property, so only its street is shown and the
street's point is used on maps and for distances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from borough.cases.models import Attachment, Case, CaseEvent, EventKind, Status
from borough.cases.selectors import (
    CaseNear,
    public_case_events,
    public_case_first_photos,
)
from borough.core import timetext
from borough.places.selectors import haversine_metres, properties_near

LONDON: Final = ZoneInfo("Europe/London")

# How far the public list and the map look around a place, and the "same problem" check.
NEAR_METRES: Final = 1000
SAME_PROBLEM_METRES: Final = 50
# How far from a report to look for the address it is "near".
NEAREST_ADDRESS_METRES: Final = 150

# Public words for each status (the back office uses the staff words), and the tag colour.
_PUBLIC_STATUS: Final = {
    Status.OPEN: (_lazy("Open"), "govuk-tag--blue"),
    Status.FOR_TRIAGE: (_lazy("Open"), "govuk-tag--blue"),
    Status.INVESTIGATING: (_lazy("Investigating"), "govuk-tag--purple"),
    Status.IN_PROGRESS: (_lazy("In progress"), "govuk-tag--turquoise"),
    Status.ACTION_SCHEDULED: (_lazy("Action scheduled"), "govuk-tag--turquoise"),
    Status.WAITING: (_lazy("In progress"), "govuk-tag--turquoise"),
    Status.FIXED: (_lazy("Fixed"), "govuk-tag--green"),
    Status.CLOSED: (_lazy("Closed"), "govuk-tag--grey"),
    Status.DUPLICATE: (_lazy("Duplicate"), "govuk-tag--grey"),
    Status.NOT_RESPONSIBLE: (_lazy("Not the council’s responsibility"), "govuk-tag--grey"),  # noqa: RUF001
    Status.NO_FURTHER_ACTION: (_lazy("No further action"), "govuk-tag--grey"),
    Status.INTERNAL_REFERRAL: (_lazy("Referred"), "govuk-tag--grey"),
    Status.CANCELLED: (_lazy("Closed"), "govuk-tag--grey"),
}


def public_status(status: str) -> tuple[str, str]:
    """("In progress", "govuk-tag--turquoise"): the public label and tag class of a status."""
    try:
        label, tag = _PUBLIC_STATUS[Status(status)]
    except (KeyError, ValueError):
        return (_("Open"), "govuk-tag--blue")
    return (str(label), tag)


def distance_text(metres: float) -> str:
    """ "120 metres away", "Less than 10 metres away", "1.2 kilometres away"."""
    if metres < 10:
        return _("Less than 10 metres away")
    if metres < 995:
        return _("%(number)s metres away") % {"number": f"{round(metres / 10) * 10:,}"}
    kilometres = round(metres / 1000, 1)
    number = f"{kilometres:g}"
    if number == "1":
        return _("%(number)s kilometre away") % {"number": number}
    return _("%(number)s kilometres away") % {"number": number}


def date_text(moment: datetime) -> str:
    """5 March 2026, in Europe/London."""
    return timetext.date_text(moment)


def public_point(case: Case) -> tuple[float, float] | None:
    """Where the case may be shown on a map: its point, or for a property-based service the
    point of its street (never the home), or None."""
    if case.service.needs_property:
        street = case.street
        if street is not None and street.latitude is not None and street.longitude is not None:
            return street.latitude, street.longitude
        return None
    if case.latitude is None or case.longitude is None:
        return None
    return case.latitude, case.longitude


def public_title(case: Case) -> str:
    """The case's title, unless it could name a home (property-based services): then the
    service's name."""
    return case.service.name if case.service.needs_property else case.title


def _street_text(case: Case) -> str:
    street = case.street
    if street is not None:
        return f"{street.name}, {street.town}" if street.town else street.name
    if case.property is not None:
        return f"{case.property.street_name}, {case.property.town}"
    return ""


def public_where(case: Case, *, nearest: bool = True) -> str:
    """Where the problem is, in words anyone may read.

    A property-based service gives the street only. A report placed on the map gives the
    first line of the nearest address ("Near 3 High West Street") when `nearest` (one query),
    otherwise its street.
    """
    if case.service.needs_property:
        return _street_text(case)
    if nearest and case.latitude is not None and case.longitude is not None:
        found = properties_near(
            case.latitude, case.longitude, metres=NEAREST_ADDRESS_METRES, limit=1
        )
        if found:
            # The building and street only: never a flat, which could be someone's home.
            place = found[0]
            line = f"{place.paon} {place.street_name}".strip()
            return _("Near %(place)s") % {"place": f"{line}, {place.town}"}
    street = _street_text(case)
    return _("On or near %(street)s") % {"street": street} if street else ""


@dataclass(frozen=True)
class ReportCard:
    """One public report in a list."""

    reference: str
    title: str
    service: str
    status: str
    status_class: str
    reported: str
    reported_at: datetime
    where: str
    distance: str
    reporter: str
    url: str
    photo_url: str


def photo_url(photo: Attachment) -> str:
    return reverse("portal:report_photo", args=[photo.case.reference, photo.pk])


def report_cards(
    nearby: list[CaseNear], *, point: tuple[float, float] | None = None
) -> list[ReportCard]:
    """Cards for public cases found near a point, with the first public photo of each.

    Distances are from `point` to where each case may be shown (`public_point`).
    """
    cases = [near.case for near in nearby]
    photos = public_case_first_photos(cases=cases)
    cards = []
    for near in nearby:
        case = near.case
        metres = near.metres
        shown = public_point(case)
        if point is not None and shown is not None and case.service.needs_property:
            metres = haversine_metres(point[0], point[1], shown[0], shown[1])
        label, tag = public_status(case.status)
        photo = photos.get(case.pk)
        cards.append(
            ReportCard(
                reference=case.reference,
                title=public_title(case),
                service=case.service.name,
                status=label,
                status_class=tag,
                reported=date_text(case.created_at),
                reported_at=case.created_at,
                where=public_where(case, nearest=False),
                distance=distance_text(metres),
                reporter=case.reporter_name if case.show_name_publicly else "",
                url=reverse("portal:report", args=[case.reference]),
                photo_url=photo_url(photo) if photo is not None else "",
            )
        )
    return cards


@dataclass(frozen=True)
class Update:
    """One public event on a report's timeline."""

    title: str
    at: datetime
    when: str
    author: str
    body: str
    link_reference: str


def _status_words(value: object) -> str:
    return public_status(str(value or ""))[0]


def public_updates(case: Case) -> list[Update]:
    """The public timeline of a public case, oldest first. Staff are never named: updates are
    from the organisation. The report itself is "Reported", by the reporter's name only when
    they chose to show it."""
    organisation = case.organisation.name
    updates = []
    for event in public_case_events(case=case):
        author = organisation
        title = _("Update")
        link = ""
        if event.kind == EventKind.CREATED:
            title = _("Reported")
            author = case.reporter_name if case.show_name_publicly else ""
        elif event.kind in (EventKind.STATUS_CHANGED, EventKind.CLOSED, EventKind.REOPENED):
            # The council's own name for the status, when staff chose one ("Crew booked").
            title = _("Status changed to %(status)s") % {
                "status": str(
                    event.data.get("status_label") or _status_words(event.data.get("status"))
                )
            }
        elif event.kind == EventKind.MARKED_DUPLICATE:
            title = _("Marked as a duplicate")
            link = str(event.data.get("original") or "")
        elif event.kind == EventKind.ATTACHMENT_ADDED:
            title = _("Photo added")
        updates.append(_update(event, title, author, link))
    return updates


def _update(event: CaseEvent, title: str, author: str, link: str) -> Update:
    return Update(
        title=title,
        at=event.at,
        when=timetext.datetime_text(event.at),
        author=author,
        body=event.body,
        link_reference=link,
    )
