"""Street reports in public: reports near a place, one report's page, its photos, and the
small JSON endpoints the map draws from.

Cases are fetched only through the public selectors in `cases.selectors`, which return
nothing but public cases of services that publish their cases; everything else is "Page
not found". What is shown of a case is chosen in `portal.public`: never an email address,
a telephone number or a home.
"""

from __future__ import annotations

import math
from typing import Any, Final

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from borough.accounts.signin import request_ip
from borough.cases.images import attachment_file
from borough.cases.selectors import (
    public_case,
    public_case_photos,
    public_cases,
    public_cases_near,
    public_photo,
)
from borough.cases.services import CaseInvalid
from borough.catalogue.forms import answer_clean
from borough.catalogue.models import Service
from borough.places.models import Property
from borough.places.postcodes import postcode_normalise
from borough.portal import maps
from borough.portal.answers import ENTER_PLACE, place_lookup
from borough.portal.public import (
    NEAR_METRES,
    date_text,
    photo_url,
    public_point,
    public_status,
    public_title,
    public_updates,
    public_where,
    report_cards,
)
from borough.portal.selectors import map_areas
from borough.portal.services import (
    FollowOutcome,
    follow_confirm,
    follow_token_read,
    web_follow_request,
)

# How many reports the list and the map show at most.
REPORTS_LIMIT: Final = 50
MAP_REPORTS_LIMIT: Final = 200
# The session remembers which reports this browser just followed, for the success banner.
FOLLOWED_KEY: Final = "portal.followed"
# And which reports it asked to follow by an address that must confirm first.
FOLLOW_ASKED_KEY: Final = "portal.follow_asked"

EMAIL_QUESTION: Final = {
    "id": "email",
    "type": "email",
    "label": "Email address",
    "name": "your email address",
}

# Points must be in Great Britain or Northern Ireland.
_LATITUDES = (49.8, 60.95)
_LONGITUDES = (-8.7, 1.8)


def _point_from(query: Any) -> tuple[float, float] | None:
    """A point from `latitude` and `longitude` parameters, or None when they are not one."""
    try:
        lat = float(str(query.get("latitude", "")))
        lon = float(str(query.get("longitude", "")))
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (_LATITUDES[0] <= lat <= _LATITUDES[1] and _LONGITUDES[0] <= lon <= _LONGITUDES[1]):
        return None
    return lat, lon


def _centre_of(found: list[Property]) -> tuple[float, float]:
    """The middle of the addresses found: a postcode's, or the first street's."""
    street = found[0].street_name
    same = [prop for prop in found if prop.street_name == street] or found
    return (
        sum(prop.latitude for prop in same) / len(same),
        sum(prop.longitude for prop in same) / len(same),
    )


# -- Reports near you ------------------------------------------------------------------------


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    searched = "q" in request.GET
    query = str(request.GET.get("q", "")).replace("\x00", "").strip()[:100]
    point = None if searched else _point_from(request.GET)
    error = ""
    place = ""
    if searched:
        if not query:
            error = str(ENTER_PLACE)
        else:
            found, lookup_error = place_lookup(query, postcode_only=False)
            if found:
                point = _centre_of(found)
                place = postcode_normalise(query) or query
            else:
                error = lookup_error or str(ENTER_PLACE)
    elif point is not None:
        place = "the place you chose on the map"
    cards = []
    if point is not None:
        nearby = public_cases_near(
            service=None,
            latitude=point[0],
            longitude=point[1],
            metres=NEAR_METRES,
            open_only=False,
            newest_first=True,
            limit=REPORTS_LIMIT,
        )
        cards = report_cards(nearby, point=point)
    context = {
        "query": query,
        "place": place,
        "error": error,
        "errors": [(error, "#q")] if error else [],
        "point": point,
        "cards": cards,
        "limit": REPORTS_LIMIT,
        "map": maps.reports_map(point=point),
    }
    return render(request, "portal/reports/list.html", context)


# -- One report --------------------------------------------------------------------------------


def _session_list(request: HttpRequest, key: str) -> list[str]:
    items = request.session.get(key)
    return [str(item) for item in items] if isinstance(items, list) else []


def _session_list_add(request: HttpRequest, key: str, reference: str) -> None:
    request.session[key] = [*_session_list(request, key), reference][-20:]


def _session_list_pop(request: HttpRequest, key: str, reference: str) -> bool:
    """Whether `reference` is in the session's list (on a GET, taking it out)."""
    items = _session_list(request, key)
    if reference not in items:
        return False
    if request.method == "GET":
        request.session[key] = [item for item in items if item != reference]
    return True


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, reference: str) -> HttpResponse:
    case = public_case(reference=reference)
    if case.reference != reference:
        return redirect("portal:report", reference=case.reference, permanent=True)
    user = request.user if request.user.is_authenticated else None
    email = str(getattr(user, "email", "") or "")
    error = ""
    if request.method == "POST":
        email = str(request.POST.get("email", "")).replace("\x00", "")[:254]
        cleaned, error_or_none = answer_clean(EMAIL_QUESTION, email)
        error = error_or_none or ""
        if not error:
            try:
                outcome = web_follow_request(
                    case=case, email=str(cleaned), user=user, ip=request_ip(request)
                )
            except CaseInvalid as refused:
                error = refused.errors.get("email", refused.message)
            else:
                key = FOLLOWED_KEY if outcome == FollowOutcome.FOLLOWING else FOLLOW_ASKED_KEY
                _session_list_add(request, key, case.reference)
                return redirect(reverse("portal:report", args=[case.reference]) + "#updates")
    # Each banner is shown once, after following or asking to.
    just_followed = _session_list_pop(request, FOLLOWED_KEY, case.reference)
    just_asked = _session_list_pop(request, FOLLOW_ASKED_KEY, case.reference)
    label, tag = public_status(case.status)
    point = public_point(case)
    updates = public_updates(case)
    duplicate_of = ""
    if case.duplicate_of_id is not None:
        original = (
            public_cases()
            .filter(pk=case.duplicate_of_id)
            .values_list("reference", flat=True)
            .first()
        )
        duplicate_of = original or ""
    public_references = {
        reference
        for reference in public_cases()
        .filter(reference__in=[u.link_reference for u in updates if u.link_reference])
        .values_list("reference", flat=True)
    }
    context = {
        "case": case,
        "title": public_title(case),
        "service": case.service,
        "status": label,
        "status_class": tag,
        "where": public_where(case),
        "reported": date_text(case.created_at),
        "reporter": case.reporter_name if case.show_name_publicly else "",
        "photos": [photo_url(photo) for photo in public_case_photos(case=case)],
        "updates": updates,
        "public_references": public_references,
        "duplicate_of": duplicate_of,
        "email": email,
        "error": error,
        "errors": [(error, "#email")] if error else [],
        "just_followed": just_followed and not error,
        "just_asked": just_asked and not error,
        "map": maps.report_map(point=point) if point is not None else None,
    }
    return render(request, "portal/reports/report.html", context)


@require_GET
def report_photo(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    """A public photo of a public report (its thumbnail with `?size=thumbnail`). Uploads are
    never served from /media/."""
    photo = public_photo(reference=reference, attachment_id=attachment_id)
    stored, content_type = attachment_file(photo, size=request.GET.get("size"))
    try:
        handle = default_storage.open(str(stored.name), "rb")
    except (FileNotFoundError, OSError):
        raise Http404("The photo is missing") from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


# -- What the map draws ------------------------------------------------------------------------


@require_GET
def map_area_list(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(map_areas())
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def map_report_list(request: HttpRequest) -> JsonResponse:
    """Public reports within 1 km of `latitude`, `longitude`, newest first, as GeoJSON points:
    of one `service` (by code) and only open ones (`open=1`) when asked."""
    point = _point_from(request.GET)
    if point is None:
        return JsonResponse({"error": "Give a latitude and longitude in the UK"}, status=400)
    service = None
    code = str(request.GET.get("service", ""))
    if code:
        service = Service.objects.filter(code=code, public_cases=True).first()
        if service is None:
            return JsonResponse({"type": "FeatureCollection", "features": []})
    nearby = public_cases_near(
        service=service,
        latitude=point[0],
        longitude=point[1],
        metres=NEAR_METRES,
        open_only=request.GET.get("open") == "1",
        newest_first=True,
        limit=MAP_REPORTS_LIMIT,
    )
    features = []
    for near in nearby:
        case = near.case
        shown = public_point(case)
        if shown is None:
            continue
        label, _ = public_status(case.status)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [shown[1], shown[0]]},
                "properties": {
                    "reference": case.reference,
                    "title": public_title(case),
                    "status": label,
                    "open": case.is_open,
                    "reported": date_text(case.created_at),
                    "url": reverse("portal:report", args=[case.reference]),
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_http_methods(["GET", "POST"])
def follow_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a "Confirm you want updates" email. GET asks (a button), so that a mail
    scanner opening the link follows nothing; POST follows. An expired or broken link, or
    one for a report no longer public, says the link has expired."""
    user = request.user if request.user.is_authenticated else None
    token = token[:1000]
    read = follow_token_read(token)
    case = public_cases().filter(pk=read[0]).first() if read is not None else None
    followed = False
    if case is not None and request.method == "POST":
        followed = follow_confirm(token=token, user=user) is not None
    context = {
        "reference": case.reference if case is not None else "",
        "title": public_title(case) if case is not None else "",
        "followed": followed,
    }
    response = render(
        request, "portal/follow_confirm.html", context, status=200 if case is not None else 404
    )
    response["X-Robots-Tag"] = "noindex"
    return response
