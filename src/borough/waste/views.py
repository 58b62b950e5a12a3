"""Waste pages. Residents: check your bin days (postcode, then address), the calendar feed,
report a missed collection, request a container, apply for an assisted collection. Staff: the
waste back office and the crews' page. Contractors' systems: the crews' webhook.

Views parse, authorise, call a selector or service and render."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from borough.backoffice.access import staff_view
from borough.cases.selectors import case_for_staff
from borough.cases.services import CaseInvalid
from borough.contacts.models import Channel
from borough.core.models import Organisation
from borough.core.permissions import Action, can
from borough.core.services import audit_record
from borough.dispatch.webhooks import SIGNATURE_HEADER, signature_check
from borough.places.models import Property
from borough.places.postcodes import postcode_normalise
from borough.places.selectors import addresses_for_postcode, property_by_uprn
from borough.portal.answers import raw_from_post
from borough.portal.fields import Field, Item, field_for
from borough.waste import forms
from borough.waste.ics import AllDayEvent, calendar
from borough.waste.models import EventSource, Outcome, WasteSettings
from borough.waste.schedule import collection_dates
from borough.waste.selectors import (
    assisted_applications_open_for_staff,
    bin_days,
    container_request_open,
    container_requests_open_for_staff,
    container_types_for,
    crew_reports,
    day_text,
    local_now,
    missed_by_round,
    missed_collection_checks,
    missed_open_for_staff,
    pattern_for,
    property_services,
    round_for_crew,
    round_properties_on,
    rounds_for_crew,
    shifts_for,
    waste_organisations_for_staff,
    waste_settings_for,
)
from borough.waste.services import (
    WasteError,
    assisted_collection_apply,
    assisted_collection_approve,
    collection_events_import,
    container_request_create,
    crew_outcomes_record,
    missed_collection_report,
)

SENT = "waste_sent"


def _property(uprn: str) -> Property:
    prop = property_by_uprn(uprn)
    if prop is None:
        raise Http404("No such address")
    return prop


def _resident(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _sign_in_url(request: HttpRequest) -> str:
    return f"{reverse('accounts:sign_in')}?{urlencode({'next': request.get_full_path()})}"


# -- Check your bin days --------------------------------------------------------------------


@require_safe
def lookup(request: HttpRequest) -> HttpResponse:
    """Postcode, then address: all with GET forms, so it works without JavaScript."""
    postcode = str(request.GET.get("postcode", ""))[:20].strip()
    searched = "postcode" in request.GET
    errors: dict[str, str] = {}
    addresses: list[Property] = []
    if searched:
        normalised = postcode_normalise(postcode)
        if not postcode:
            errors["postcode"] = _("Enter a postcode")
        elif normalised is None:
            errors["postcode"] = _("Enter a full UK postcode, like DT1 1UZ")
        else:
            postcode = normalised
            addresses = addresses_for_postcode(normalised)
            if not addresses:
                errors["postcode"] = _(
                    "We could not find any addresses for that postcode. Check it is in the "
                    "area we cover"
                )
    if addresses and "uprn" in request.GET:
        uprn = str(request.GET.get("uprn", ""))
        if any(prop.uprn == uprn for prop in addresses):
            return redirect("waste:bin_days", uprn=uprn)
        errors["uprn"] = _("Select an address")
    postcode_field = Field(
        id="postcode",
        name="postcode",
        kind="text",
        label=_("Postcode"),
        hint=_("For example, DT1 1UZ"),
        value=postcode,
        error=errors.get("postcode"),
        classes="govuk-input--width-10",
        autocomplete="postal-code",
        spellcheck="false",
        size="s",
    )
    address_field = None
    if addresses:
        address_field = Field(
            id="uprn",
            name="uprn",
            kind="select",
            label=_("Select an address"),
            error=errors.get("uprn"),
            items=[
                Item(
                    id="uprn-none",
                    value="",
                    label=ngettext(
                        "%(count)s address found", "%(count)s addresses found", len(addresses)
                    )
                    % {"count": len(addresses)},
                ),
                *[
                    Item(
                        id=f"uprn-{prop.uprn}",
                        value=prop.uprn,
                        label=prop.address,
                        checked=prop.uprn == request.GET.get("uprn"),
                    )
                    for prop in addresses
                ],
            ],
            size="s",
        )
    return render(
        request,
        "waste/lookup.html",
        {
            "postcode_field": postcode_field,
            "address_field": address_field,
            "errors": [(message, f"#{name}") for name, message in errors.items()],
        },
    )


@require_safe
def bin_days_page(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    today = local_now().date()
    days = bin_days(prop=prop, today=today)
    if days is None:
        return render(request, "waste/no_collections.html", {"property": prop})
    shifts = shifts_for(days.organisation.pk)
    moved = set(shifts.values())
    settings = days.settings
    return render(
        request,
        "waste/bin_days.html",
        {
            "property": prop,
            "days": days,
            "moved": moved,
            "outcome_words": dict(Outcome.choices),
            "can_report": settings is not None and settings.missed_service_id is not None,
            "can_request": settings is not None and settings.container_service_id is not None,
            "can_apply": settings is not None and settings.assisted_service_id is not None,
        },
    )


@require_safe
def calendar_feed(request: HttpRequest, uprn: str) -> HttpResponse:
    """The next year of collections as an iCalendar feed (RFC 5545)."""
    prop = _property(uprn)
    services = property_services(prop)
    if not services:
        raise Http404("No collections")
    shifts = shifts_for(services[0].organisation_id)
    today = local_now().date()
    events = []
    for service in services:
        for day in collection_dates(
            pattern_for(service), shifts, today, today + timedelta(days=365)
        ):
            events.append(
                AllDayEvent(
                    uid=f"{prop.uprn}-{service.stream.kind}-{day:%Y%m%d}@borough",
                    day=day,
                    summary=_("%(stream)s collection") % {"stream": service.stream.name},
                    description=prop.address,
                )
            )
    events.sort(key=lambda event: (event.day, event.summary))
    body = calendar(
        events=events,
        name=_("Bin collections: %(address)s") % {"address": prop.first_line},
        product="-//Borough//Bin collections//EN",
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bin-days-{prop.uprn}.ics"'
    return response


# -- Report a missed collection -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def missed(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    checks = missed_collection_checks(prop=prop, now=timezone.now())
    if not checks:
        return render(request, "waste/no_collections.html", {"property": prop})
    ask_email = not request.user.is_authenticated
    posted = forms.Posted()
    if request.method == "POST":
        posted = forms.missed_clean(request.POST, checks, ask_email=ask_email)
        if not posted.errors:
            check = next(c for c in checks if str(c.stream.pk) == posted.values["stream"])
            try:
                case = missed_collection_report(
                    prop=prop,
                    stream=check.stream,
                    channel=Channel.WEB,
                    resident=_resident(request),
                    reporter_email=posted.values.get("email", ""),
                    details=posted.values["details"],
                )
            except WasteError as error:
                posted.errors["stream"] = error.message
            except CaseInvalid as error:
                posted.errors.update(
                    {
                        ("email" if key == "reporter_email" else "stream"): msg
                        for key, msg in error.errors.items()
                    }
                )
            else:
                request.session[SENT] = {
                    "reference": case.reference,
                    "uprn": prop.uprn,
                    "what": "missed",
                }
                return redirect("waste:sent", uprn=prop.uprn)
    refused = [check for check in checks if not check.allowed]
    allowed = [check for check in checks if check.allowed]
    return render(
        request,
        "waste/missed.html",
        {
            "property": prop,
            "allowed": allowed,
            "refused": refused,
            "fields": forms.missed_fields(checks, posted, ask_email=ask_email) if allowed else [],
            "errors": posted.summary(),
        },
    )


# -- Request a container ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def container(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    types = container_types_for(prop)
    if not types:
        return render(request, "waste/no_collections.html", {"property": prop})
    if not request.user.is_authenticated:
        return render(
            request,
            "waste/sign_in_needed.html",
            {
                "property": prop,
                "sign_in_url": _sign_in_url(request),
                "title": _("Request a new container"),
            },
        )
    posted = forms.Posted()
    if request.method == "POST":
        posted = forms.container_clean(request.POST, types)
        if not posted.errors:
            container_type = next(
                ct for ct in types if str(ct.pk) == posted.values["container_type"]
            )
            try:
                case = container_request_create(
                    prop=prop,
                    container_type=container_type,
                    reason=posted.values["reason"],
                    quantity=int(posted.values["quantity"]),
                    damage=posted.values["damage"],
                    channel=Channel.WEB,
                    resident=request.user,
                )
            except WasteError as error:
                posted.errors[error.field or "container_type"] = error.message
            except CaseInvalid as error:
                posted.errors["container_type"] = "; ".join(error.errors.values())
            else:
                request.session[SENT] = {
                    "reference": case.reference,
                    "uprn": prop.uprn,
                    "what": "container",
                }
                return redirect("waste:sent", uprn=prop.uprn)
    open_types = [ct for ct in types if container_request_open(prop=prop, container_type=ct)]
    return render(
        request,
        "waste/container.html",
        {
            "property": prop,
            "fields": forms.container_fields(types, posted),
            "open_types": open_types,
            "errors": posted.summary(),
        },
    )


# -- Apply for an assisted collection -------------------------------------------------------


def _assisted_questions(settings: WasteSettings | None) -> list[dict[str, Any]]:
    from borough.backoffice.field_selectors import form_questions

    if settings is None or settings.assisted_service is None:
        return []
    return [
        q
        for q in form_questions(settings.assisted_service)
        if q.get("type") not in ("address", "location", "file")
    ]


@require_http_methods(["GET", "POST"])
def assisted(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    services = property_services(prop)
    settings = waste_settings_for(services[0].organisation) if services else None
    questions = _assisted_questions(settings)
    if not services or not questions:
        return render(request, "waste/no_collections.html", {"property": prop})
    if not request.user.is_authenticated:
        return render(
            request,
            "waste/sign_in_needed.html",
            {
                "property": prop,
                "sign_in_url": _sign_in_url(request),
                "title": _("Apply for an assisted collection"),
            },
        )
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        for question in questions:
            raw[str(question["id"])] = raw_from_post(question, request.POST, stored=None)
        try:
            case = assisted_collection_apply(
                prop=prop, answers=raw, channel=Channel.WEB, resident=request.user
            )
        except WasteError as error:
            errors["application"] = error.message
        except CaseInvalid as error:
            errors.update(error.errors)
        else:
            request.session[SENT] = {
                "reference": case.reference,
                "uprn": prop.uprn,
                "what": "assisted",
            }
            return redirect("waste:sent", uprn=prop.uprn)
    fields = [
        field_for(q, raw.get(str(q["id"])), errors.get(str(q["id"])), heading=False, size="s")
        for q in questions
    ]
    summary = [(message, f"#{field.target}") for field in fields if (message := field.error)]
    if "application" in errors:
        summary.insert(0, (errors["application"], ""))
    return render(
        request,
        "waste/assisted.html",
        {"property": prop, "fields": fields, "errors": summary},
    )


@require_safe
def sent(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    done = request.session.get(SENT)
    if not isinstance(done, dict) or done.get("uprn") != prop.uprn:
        return redirect("waste:bin_days", uprn=prop.uprn)
    titles = {
        "missed": _("Missed collection reported"),
        "container": _("Container requested"),
        "assisted": _("Application sent"),
    }
    return render(
        request,
        "waste/sent.html",
        {
            "property": prop,
            "reference": done.get("reference", ""),
            "what": done.get("what"),
            "title": titles.get(str(done.get("what")), _("Request sent")),
        },
    )


# -- Staff: the waste back office -----------------------------------------------------------


def _organisation(request: HttpRequest) -> tuple[Organisation, list[Organisation]]:
    organisations = list(waste_organisations_for_staff(user=request.user))
    if not organisations:
        raise PermissionDenied
    chosen = str(request.GET.get("organisation", ""))
    organisation = next((o for o in organisations if o.slug == chosen), organisations[0])
    return organisation, organisations


@staff_view
@require_safe
def office(request: HttpRequest) -> HttpResponse:
    organisation, organisations = _organisation(request)
    today = local_now().date()
    since = today - timedelta(days=28)
    audit_record(actor=request.user, action="waste.office_view", obj=organisation)
    return render(
        request,
        "waste/office.html",
        {
            "nav": "waste",
            "organisation": organisation,
            "organisations": organisations,
            "since": since,
            "round_counts": missed_by_round(organisation=organisation, since=since),
            "missed": missed_open_for_staff(user=request.user, organisation=organisation),
            "reports": crew_reports(organisation=organisation, since=today - timedelta(days=7)),
            "container_requests": container_requests_open_for_staff(
                user=request.user, organisation=organisation
            ),
            "applications": assisted_applications_open_for_staff(
                user=request.user, organisation=organisation
            ),
            "crew_rounds": rounds_for_crew(user=request.user).exists(),
        },
    )


@staff_view
@require_POST
def assisted_approve(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for_staff(user=request.user, reference=reference)
    if not can(request.user, Action.CLOSE, case):
        raise PermissionDenied
    try:
        assisted_collection_approve(case=case, actor=request.user)  # type: ignore[arg-type]
    except WasteError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Assisted collections set up for %(address)s")
            % {"address": case.property.first_line if case.property else case.reference},
        )
    return redirect(
        f"{reverse('waste:office')}?{urlencode({'organisation': case.organisation.slug})}"
    )


# -- Staff: the crews' page -----------------------------------------------------------------


@staff_view
@require_safe
def crew_home(request: HttpRequest) -> HttpResponse:
    rounds = list(rounds_for_crew(user=request.user))
    if not rounds:
        raise PermissionDenied
    return render(request, "waste/crew_home.html", {"nav": "waste", "rounds": rounds})


@staff_view
@require_http_methods(["GET", "POST"])
def crew_round(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = round_for_crew(user=request.user, round_id=round_id)
    if round_ is None:
        raise Http404("No such round")
    today = local_now().date()
    services = round_properties_on(round_=round_, day=today)
    error = ""
    if request.method == "POST":
        outcomes: dict[int, str] = {}
        for service in services:
            value = str(request.POST.get(f"outcome-{service.pk}", Outcome.COLLECTED))
            outcomes[service.pk] = value
        try:
            events = crew_outcomes_record(
                round_=round_,
                day=today,
                outcomes=outcomes,
                crew=request.user,  # type: ignore[arg-type]
            )
        except WasteError as problem:
            error = problem.message
        else:
            messages.success(
                request,
                ngettext(
                    "Recorded %(count)s collection for %(round)s",
                    "Recorded %(count)s collections for %(round)s",
                    len(events),
                )
                % {"count": len(events), "round": round_.name},
            )
            return redirect("waste:crew_round", round_id=round_.pk)
    audit_record(actor=request.user, action="waste.crew_round_view", obj=round_)
    return render(
        request,
        "waste/crew_round.html",
        {
            "nav": "waste",
            "round": round_,
            "today": day_text(today),
            "fields": [forms.crew_field(service, "") for service in services],
            "errors": [(error, "")] if error else [],
        },
    )


# -- Crews' systems: the webhook ------------------------------------------------------------


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, slug: str) -> HttpResponse:
    """Crews' events as JSON, signed like the contractor webhooks (`dispatch.webhooks`):
    {"events": [{"round": ..., "stream": ..., "date": ..., "outcome": ..., "uprn": ...,
    "id": ...}, ...]}."""
    settings = (
        WasteSettings.objects.select_related("organisation")
        .filter(organisation__slug=slug, organisation__is_active=True)
        .exclude(webhook_secret="")
        .first()
    )
    body = request.body
    problem = signature_check(
        secret=settings.webhook_secret if settings else "",
        body=body,
        header=request.headers.get(SIGNATURE_HEADER, ""),
    )
    if settings is None or problem is not None:
        return JsonResponse({"error": problem or "signature_invalid"}, status=401)
    try:
        payload = json.loads(body)
        rows = payload["events"]
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": "invalid", "message": "Send a JSON object with a list of events"},
            status=400,
        )
    report = collection_events_import(
        organisation=settings.organisation, rows=rows, source=EventSource.WEBHOOK
    )
    if report.rejected:
        return JsonResponse(
            {
                "error": "invalid",
                "message": "No events were recorded",
                "rejected": [{"event": n, "message": m} for n, m in report.rejected],
            },
            status=400,
        )
    return JsonResponse({"recorded": report.recorded, "already_recorded": report.already})
