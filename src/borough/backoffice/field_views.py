"""The field officers' page, made for a phone: their cases for the day, nearest known, and
reporting something from where they stand, with the device's location and camera.

Only field officers and team leaders may open it (`field_selectors.FIELD_ROLES`); everyone
else in the back office is refused with 403. Every journey works without JavaScript: the
device's location fills hidden fields when JavaScript runs (`frontend/js/field-location.js`);
without it the officer types a postcode or street, or a latitude and longitude.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from borough.backoffice.access import staff_view
from borough.backoffice.audit import FIELD_LIST, audit_rows_shown
from borough.backoffice.field_selectors import (
    coordinate,
    field_cases_today,
    field_service,
    field_service_questions,
    field_services,
    form_questions,
    may_use_field_page,
    place_point,
    point_from,
)
from borough.backoffice.field_services import field_report_create
from borough.backoffice.views import _user
from borough.cases.services import LOCATION, CaseInvalid
from borough.catalogue.forms import answers_clean
from borough.catalogue.models import Service
from borough.places.selectors import addresses_for_postcode
from borough.portal.answers import place_lookup, raw_from_post
from borough.portal.fields import Field, field_for
from borough.portal.uploads import UploadError, upload_get, upload_store

# Names of the page's own inputs (prefixed so that no form question id can clash).
SERVICE = "field_service"
KEY = "field_key"
PLACE = "field_place"
LATITUDE = "field_latitude"
LONGITUDE = "field_longitude"
DEVICE_LATITUDE = "field_device_latitude"
DEVICE_LONGITUDE = "field_device_longitude"
PHOTO = "field_photo"
PHOTO_TOKEN = "field_photo_token"  # noqa: S105 (a field name, not a secret)
DESCRIPTION = "field_description"

DESCRIPTION_MAX_LENGTH = 1200


def _field_user(request: HttpRequest) -> Any:
    user = _user(request)
    if not may_use_field_page(user=user):
        raise PermissionDenied
    return user


# -- Your cases today -----------------------------------------------------------------------


@staff_view
@require_safe
def field_home(request: HttpRequest) -> HttpResponse:
    """The day's cases, with distances from where the officer is (the device's location, or
    a postcode typed in), and the start of a report."""
    user = _field_user(request)
    origin = point_from(request.GET, "lat", "lng")
    postcode = str(request.GET.get("postcode", "")).strip()[:20]
    errors: list[tuple[str, str]] = []
    postcode_error = ""
    status = 200
    if origin is None and "postcode" in request.GET:
        if not postcode:
            postcode_error = _("Enter a postcode")
        else:
            found = addresses_for_postcode(postcode)
            origin = place_point(found)
            if origin is None:
                postcode_error = _("We could not find that postcode \u2013 check it and try again")
        if postcode_error:
            errors.append(("#postcode", postcode_error))
            status = 400
    service_error = ""
    if request.GET.get("choose") == "1":
        service_error = _("Select what you are reporting")
        errors.append((f"#{SERVICE}", service_error))
        status = 400
    services = field_services(user=user)
    cases = field_cases_today(user=user, origin=origin)
    # Each card says where the case is (an address): a read of that case, recorded.
    audit_rows_shown(actor=user, action=FIELD_LIST, rows=[item.case for item in cases])
    return render(
        request,
        "backoffice/field/home.html",
        {
            "cases": cases,
            "origin": origin,
            "postcode": postcode,
            "postcode_error": postcode_error,
            "services": services,
            "several_organisations": len({s.organisation_id for s in services}) > 1,
            "service_error": service_error,
            "errors": errors,
            "nav": "field",
        },
        status=status,
    )


# -- Report something here ------------------------------------------------------------------


@dataclass
class Report:
    """What the report page shows, and what it was sent."""

    service: Service
    key: str
    place: str = ""
    latitude: str = ""
    longitude: str = ""
    device_latitude: str = ""
    device_longitude: str = ""
    description: str = ""
    photo_token: str = ""
    photo_name: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _questions(service: Service) -> list[dict[str, Any]]:
    return field_service_questions(service)


def _asks_description(service: Service) -> bool:
    """Whether the page adds its own description box: when the form has no long-text
    question to describe the problem in."""
    return not any(q.get("type") == "textarea" for q in _questions(service))


def _text(data: Mapping[str, Any], name: str, limit: int = 200) -> str:
    return str(data.get(name, "")).replace("\x00", "").strip()[:limit]


def _location(report: Report) -> tuple[float, float] | None:
    """The point reported: the device's, or the latitude and longitude typed, or the middle of
    the postcode or street typed. Puts a message in `report.errors` when there is none."""
    if report.device_latitude and report.device_longitude:
        lat, lon = coordinate(report.device_latitude), coordinate(report.device_longitude)
        if lat is not None and lon is not None:
            return lat, lon
    if report.latitude or report.longitude:
        lat, lon = coordinate(report.latitude), coordinate(report.longitude)
        if lat is None or lon is None:
            report.errors[LATITUDE] = _(
                "Enter the latitude and longitude as numbers, like 50.7150 and -2.4370"
            )
            return None
        return lat, lon
    if not report.place:
        report.errors[PLACE] = _("Enter a postcode or street, or use your location")
        return None
    found, message = place_lookup(report.place, postcode_only=False)
    point = place_point(found)
    if point is None:
        report.errors[PLACE] = message or _("Enter a postcode or street")
    return point


def _photo(request: HttpRequest, report: Report) -> None:
    """Check and keep a new photo; or keep the one added before a page with errors."""
    upload = request.FILES.get(PHOTO)
    if upload is not None:
        try:
            stored = upload_store(upload)
        except UploadError as exc:
            report.errors[PHOTO] = exc.message
            return
        report.photo_token, report.photo_name = stored.token, stored.filename
        return
    token = _text(request.POST, PHOTO_TOKEN, 64)
    stored_before = upload_get(token) if token else None
    if stored_before is not None:
        report.photo_token, report.photo_name = stored_before.token, stored_before.filename


def _answers(report: Report, point: tuple[float, float] | None) -> dict[str, Any]:
    """The raw answers to the whole form: those posted, and those the page gives itself."""
    answers = dict(report.raw)
    for question in form_questions(report.service):
        qid = str(question["id"])
        if question.get("type") == "location":
            answers[qid] = {"latitude": point[0], "longitude": point[1]} if point else None
        elif question.get("type") == "file":
            answers[qid] = [report.photo_token] if report.photo_token else []
    return answers


def _page_errors(report: Report, errors: Mapping[str, str]) -> None:
    """Put the form engine's (or case_create's) errors on the page's fields."""
    own = {
        str(q["id"]): str(q.get("type"))
        for q in form_questions(report.service)
        if q.get("type") in ("location", "file")
    }
    for key, message in errors.items():
        if key == LOCATION or own.get(key) == "location":
            report.errors.setdefault(PLACE, message)
        elif own.get(key) == "file":
            report.errors.setdefault(PHOTO, message)
        else:
            report.errors.setdefault(key, message)


def _fields(report: Report) -> list[Field]:
    return [
        field_for(
            question,
            report.raw.get(str(question["id"])),
            report.errors.get(str(question["id"])),
            heading=False,
            size="s",
        )
        for question in _questions(report.service)
    ]


def _error_list(report: Report, fields: list[Field]) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for name in (PLACE, LATITUDE, PHOTO):
        if name in report.errors:
            items.append((f"#{name}", report.errors[name]))
    for item in fields:
        if item.error:
            items.append((f"#{item.target}", item.error))
    if DESCRIPTION in report.errors:
        items.append((f"#{DESCRIPTION}", report.errors[DESCRIPTION]))
    other = report.errors.get("service") or report.errors.get("__all__")
    if other:
        items.insert(0, ("", other))
    return items


def _render(request: HttpRequest, report: Report, *, status: int = 200) -> HttpResponse:
    fields = _fields(report)
    return render(
        request,
        "backoffice/field/report.html",
        {
            "report": report,
            "service": report.service,
            "fields": fields,
            "asks_description": _asks_description(report.service),
            "description_max_length": DESCRIPTION_MAX_LENGTH,
            "errors": _error_list(report, fields),
            "names": {
                "service": SERVICE,
                "key": KEY,
                "place": PLACE,
                "latitude": LATITUDE,
                "longitude": LONGITUDE,
                "device_latitude": DEVICE_LATITUDE,
                "device_longitude": DEVICE_LONGITUDE,
                "photo": PHOTO,
                "photo_token": PHOTO_TOKEN,
                "description": DESCRIPTION,
            },
            "nav": "field",
        },
        status=status,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def field_report(request: HttpRequest) -> HttpResponse:
    """Report something from where the officer stands: GET with the chosen service shows its
    questions on one page; POST checks everything and makes the case (channel "field")."""
    user = _field_user(request)
    data = request.POST if request.method == "POST" else request.GET
    service = field_service(user=user, service_id=data.get(SERVICE, ""))
    if service is None:
        # Nothing (or something not offered) was chosen: back to the choice, with the error.
        return redirect(f"{_home_url()}?choose=1#{SERVICE}")
    if request.method == "GET":
        return _render(request, Report(service=service, key=secrets.token_urlsafe(16)))

    post = request.POST
    report = Report(
        service=service,
        key=_text(post, KEY, 40) or secrets.token_urlsafe(16),
        place=_text(post, PLACE),
        latitude=_text(post, LATITUDE, 40),
        longitude=_text(post, LONGITUDE, 40),
        device_latitude=_text(post, DEVICE_LATITUDE, 40),
        device_longitude=_text(post, DEVICE_LONGITUDE, 40),
        description=str(post.get(DESCRIPTION, "")).replace("\x00", "").strip(),
    )
    for question in _questions(service):
        report.raw[str(question["id"])] = raw_from_post(question, post, stored=None)
    point = _location(report)
    _photo(request, report)
    if _asks_description(service) and len(report.description) > DESCRIPTION_MAX_LENGTH:
        report.errors[DESCRIPTION] = _("The description must be %(count)s characters or less") % {
            "count": DESCRIPTION_MAX_LENGTH
        }
    answers = _answers(report, point)
    form = service.current_form
    if form is not None:
        # Every problem at once: the answers are checked even when the place was not found
        # (a location question's error then gives way to the place's own message).
        _cleaned, answer_errors = answers_clean(form.definition, answers)
        _page_errors(report, answer_errors)
    if report.errors:
        return _render(request, report, status=400)
    assert point is not None
    try:
        case = field_report_create(
            service=service,
            officer=user,
            answers=answers,
            latitude=point[0],
            longitude=point[1],
            photo_token=report.photo_token,
            note=report.description if _asks_description(service) else "",
            idempotency_key=f"field:{user.pk}:{report.key}",
        )
    except CaseInvalid as exc:
        _page_errors(report, exc.errors)
        return _render(request, report, status=400)
    messages.success(request, _("Report sent: %(reference)s") % {"reference": case.reference})
    return redirect(_home_url())


def _home_url() -> str:
    return reverse("backoffice:field")
