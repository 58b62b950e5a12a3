# ruff: noqa: RUF001
"""Waste pages. Residents: check your bin days (postcode, then address), the calendar feed,
report a missed collection, request a container, apply for an assisted collection. Staff: the
waste back office and the crews' page. Contractors' systems: the crews' webhook.

Views parse, authorise, call a selector or service and render."""

from __future__ import annotations

import csv
import hashlib
import json
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from borough.backoffice.access import staff_view
from borough.cases.selectors import case_for_staff
from borough.cases.services import CaseInvalid
from borough.contacts.models import Channel
from borough.core.models import Organisation
from borough.core.permissions import Action, can
from borough.core.services import audit_record
from borough.core.tenancy import staff_roles
from borough.core.timetext import LONDON, clock_text
from borough.dispatch.webhooks import SIGNATURE_HEADER, signature_check
from borough.payments.services import (
    PHONE_PAYMENT_ROLES,
    PaymentError,
    PaymentErrorCode,
    payment_start,
)
from borough.places.models import Property
from borough.places.postcodes import postcode_normalise
from borough.places.selectors import addresses_for_postcode, property_by_uprn
from borough.portal.answers import raw_from_post
from borough.portal.fields import Field, Item, field_for
from borough.portal.journey import assisted_details_set, assisted_end
from borough.waste import forms
from borough.waste.callers import (
    TASK_START,
    caller_mode,
    caller_mode_forget,
    journey_drop,
    journey_get,
    journey_save,
    private_for_caller,
)
from borough.waste.forms import money_text
from borough.waste.ics import AllDayEvent, calendar
from borough.waste.models import (
    BookingStatus,
    ContainerRequestStatus,
    EventSource,
    GardenStatus,
    Outcome,
    Placement,
    PropertyService,
    WasteSettings,
)
from borough.waste.planning.selectors import planning_organisations_for_staff
from borough.waste.schedule import collection_dates
from borough.waste.selectors import (
    BulkyDate,
    assisted_applications_open_for_staff,
    bin_days,
    bulky_booking_for_resident,
    bulky_booking_taken_by,
    bulky_bookings_for_resident,
    bulky_collections_for_staff,
    bulky_cutoff,
    bulky_dates,
    bulky_round_for,
    container_request_for_resident,
    container_request_open,
    container_request_taken_by,
    container_requests_open_for_staff,
    container_types_for,
    crew_reports,
    day_text,
    garden_holding,
    garden_reduced_from,
    garden_renewal_opens,
    garden_round_for,
    garden_subscribers_for_staff,
    garden_subscription_for_resident,
    garden_subscription_taken_by,
    garden_subscriptions_for_resident,
    garden_year_for,
    garden_year_text,
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
    BulkySetup,
    GardenKind,
    GardenSetup,
    WasteError,
    assisted_collection_apply,
    assisted_collection_approve,
    bulky_booking_cancel,
    bulky_booking_change,
    bulky_booking_create,
    bulky_booking_payment,
    bulky_lines,
    bulky_lines_price,
    bulky_setup,
    collection_events_import,
    container_request_create,
    container_request_payment,
    crew_outcomes_record,
    garden_offer,
    garden_refund_due,
    garden_setup,
    garden_subscription_cancel,
    garden_subscription_create,
    garden_subscription_payment,
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


# -- For a caller on the phone (`callers`) -----------------------------------------------------


def _for(request: HttpRequest) -> Any:
    """Whose booking it is: the caller's account for an advisor booking for a caller (None
    without one), else the signed-in resident."""
    mode = caller_mode(request)
    if mode is not None:
        return mode.resident
    return _resident(request)


def _who(request: HttpRequest) -> dict[str, Any]:
    """The services' `resident` and `caller` for this request."""
    mode = caller_mode(request)
    if mode is not None:
        return {"resident": mode.resident, "caller": mode.caller()}
    return {"resident": request.user}


def _caller_gate(
    request: HttpRequest, prop: Property, organisation: Organisation, title: Any
) -> HttpResponse | None:
    """For a caller: only an advisor who may take payments for the council, and a caller
    without an account gives their details first."""
    mode = caller_mode(request)
    if mode is None:
        return None
    if not staff_roles(mode.advisor, organisation) & {str(r) for r in PHONE_PAYMENT_ROLES}:
        return render(
            request,
            "waste/unavailable.html",
            {
                "property": prop,
                "title": title,
                "message": _("You cannot take payments for %(council)s")
                % {"council": organisation.name},
            },
            status=403,
        )
    if mode.needs_details:
        query = urlencode({"next": request.path})
        return redirect(f"{reverse('waste:caller', args=[prop.uprn])}?{query}")
    return None


def _taken_view(request: HttpRequest, thing: Any) -> None:
    """An advisor opens what they booked for a caller: audited as a read of the caller's."""
    audit_record(
        actor=request.user,
        action="waste.for_caller_view",
        obj=thing,
        detail={"uprn": thing.property.uprn},
    )


def _caller_done(request: HttpRequest, thing: Any) -> None:
    """Booked for the caller: assisted mode ends (the browser is the advisor's own again)."""
    if caller_mode(request) is not None and thing.taken_by_id == request.user.pk:
        assisted_end(request.session)
        caller_mode_forget(request)


def _not_for_caller(request: HttpRequest, prop: Property, title: Any) -> HttpResponse | None:
    """Booking for a caller covers the paid services; anything else for them is raised as a
    case for a caller, after stopping this."""
    if caller_mode(request) is None:
        return None
    return render(
        request,
        "waste/unavailable.html",
        {
            "property": prop,
            "title": title,
            "message": _(
                "You’re booking for a caller. To do this for them, stop booking for them and "
                "raise a case for a caller."
            ),
        },
        status=403,
    )


def _for_caller_context(request: HttpRequest, thing: Any) -> dict[str, Any]:
    resident = getattr(thing, "resident", None)
    return {
        "for_caller": thing.resident_id != request.user.pk,
        "caller_email": thing.contact_email or (resident.email if resident else ""),
    }


@private_for_caller
@staff_view
@require_http_methods(["GET", "POST"])
def caller(request: HttpRequest, uprn: str) -> HttpResponse:
    """ "The caller's details": an advisor booking for a caller without an account takes
    their name and email address (where the confirmation goes), once per caller."""
    prop = _property(uprn)
    mode = caller_mode(request)
    if mode is None:
        raise PermissionDenied
    after = str(request.GET.get("next", ""))
    if not after.startswith(f"/bins/{prop.uprn}/") or "//" in after or "\\" in after:
        after = reverse(TASK_START[mode.task], args=[prop.uprn])
    if mode.resident is not None:
        return redirect(after)
    values = dict(mode.details)
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = forms.caller_clean(request.POST)
        values, errors = posted.values, posted.errors
        if not errors:
            assisted_details_set(request.session, posted.values)
            return redirect(after)
    return render(
        request,
        "waste/caller.html",
        {
            "property": prop,
            "fields": forms.caller_fields(values, errors),
            "errors": [(message, f"#{name}") for name, message in errors.items()],
        },
        status=400 if errors else 200,
    )


# -- Check your bin days --------------------------------------------------------------------


@private_for_caller
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
            mode = caller_mode(request)
            if mode is not None:
                # Booking for a caller: straight on to what they called about.
                return redirect(TASK_START[mode.task], uprn=uprn)
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
            "for_caller": caller_mode(request) is not None,
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
            "can_book_bulky": settings is not None
            and settings.bulky_service_id is not None
            and bulky_round_for(prop) is not None,
            "can_subscribe_garden": settings is not None
            and settings.garden_service_id is not None
            and settings.garden_price_pence > 0
            and garden_round_for(prop) is not None,
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
    refusal = _not_for_caller(request, prop, _("Report a missed collection"))
    if refusal is not None:
        return refusal
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


@private_for_caller
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
    refusal = _caller_gate(request, prop, types[0].organisation, _("Request a new container"))
    if refusal is not None:
        return refusal
    posted = forms.Posted()
    if request.method == "POST":
        posted = forms.container_clean(request.POST, types)
        if not posted.errors:
            container_type = next(
                ct for ct in types if str(ct.pk) == posted.values["container_type"]
            )
            try:
                container_request = container_request_create(
                    prop=prop,
                    container_type=container_type,
                    reason=posted.values["reason"],
                    quantity=int(posted.values["quantity"]),
                    damage=posted.values["damage"],
                    channel=Channel.WEB,
                    **_who(request),
                )
                if container_request.status == ContainerRequestStatus.PENDING_PAYMENT:
                    # The fee is paid first; the request is sent when it is.
                    return redirect(
                        payment_start(payment=container_request_payment(request=container_request))
                    )
            except WasteError as error:
                posted.errors[error.field or "container_type"] = error.message
            except CaseInvalid as error:
                posted.errors["container_type"] = "; ".join(error.errors.values())
            except PaymentError as error:
                posted.errors["container_type"] = error.message
            else:
                case = container_request.case
                request.session[SENT] = {
                    "reference": case.reference if case else "",
                    "uprn": prop.uprn,
                    "what": "container",
                }
                _caller_done(request, container_request)
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


@private_for_caller
@never_cache
@require_safe
def container_request_page(request: HttpRequest, uprn: str, request_id: int) -> HttpResponse:
    """Where the payment provider sends the resident back: requested, or not paid."""
    prop = _property(uprn)
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request))
    container_request = container_request_for_resident(user=request.user, request_id=request_id)
    if container_request is None:
        container_request = container_request_taken_by(user=request.user, request_id=request_id)
        if container_request is not None:
            _taken_view(request, container_request)
    if container_request is None or container_request.property_id != prop.pk:
        raise Http404("No such request")
    if container_request.status == ContainerRequestStatus.CONFIRMED:
        _caller_done(request, container_request)
    return render(
        request,
        "waste/container_request.html",
        {
            "property": prop,
            "container_request": container_request,
            **_for_caller_context(request, container_request),
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
    refusal = _not_for_caller(request, prop, _("Apply for an assisted collection"))
    if refusal is not None:
        return refusal
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


@private_for_caller
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
            "can_plan": planning_organisations_for_staff(user=request.user)
            .filter(pk=organisation.pk)
            .exists(),
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


# -- Book a bulky waste collection ----------------------------------------------------------

BULKY_TITLE = gettext_lazy("Book a bulky waste collection")


def _journey(request: HttpRequest, prop: Property) -> dict[str, Any]:
    return journey_get(request, f"bulky:{prop.uprn}")


def _journey_save(request: HttpRequest, prop: Property, journey: dict[str, Any]) -> None:
    journey_save(request, f"bulky:{prop.uprn}", journey)


def _bulky_gate(
    request: HttpRequest, prop: Property
) -> tuple[BulkySetup | None, HttpResponse | None]:
    """The council's set-up for the address, or the page that says why there is none or that
    the resident needs to sign in first."""
    try:
        setup = bulky_setup(prop)
    except WasteError as error:
        return None, render(
            request,
            "waste/bulky_unavailable.html",
            {"property": prop, "message": error.message},
        )
    if not request.user.is_authenticated:
        return None, render(
            request,
            "waste/sign_in_needed.html",
            {"property": prop, "sign_in_url": _sign_in_url(request), "title": BULKY_TITLE},
        )
    refusal = _caller_gate(request, prop, setup.round.organisation, BULKY_TITLE)
    if refusal is not None:
        return None, refusal
    return setup, None


def _answers_digest(journey: dict[str, Any], day: date) -> str:
    answers = json.dumps(
        [
            sorted((journey.get("quantities") or {}).items()),
            day.isoformat(),
            journey.get("placement", ""),
            journey.get("notes", ""),
        ]
    )
    return hashlib.sha256(answers.encode()).hexdigest()[:16]


def _lines_text(lines: list[dict[str, Any]]) -> list[str]:
    return [f"{line['quantity']} × {line['name']}" for line in lines]


@private_for_caller
@require_safe
def bulky_start(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    setup, refusal = _bulky_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    return render(
        request,
        "waste/bulky_start.html",
        {
            "property": prop,
            "settings": setup.settings,
            "prices": [(item.name, money_text(item.price_pence)) for item in setup.items],
            "base_price": money_text(setup.settings.bulky_base_price_pence),
            "cutoff_time": clock_text(
                datetime.combine(local_now().date(), setup.settings.bulky_cutoff, LONDON)
            ),
            "bookings": []
            if caller_mode(request)
            else bulky_bookings_for_resident(user=request.user, prop=prop),
        },
    )


@private_for_caller
@require_http_methods(["GET", "POST"])
def bulky_items(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    setup, refusal = _bulky_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    journey = _journey(request, prop)
    raw = {code: str(n) for code, n in (journey.get("quantities") or {}).items()}
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = forms.bulky_items_clean(request.POST, setup.items, setup.settings.bulky_max_items)
        raw, errors = posted.values["raw"], posted.errors
        if not errors:
            journey["quantities"] = {k: v for k, v in posted.values["quantities"].items() if v}
            journey.setdefault("key", secrets.token_urlsafe(16))
            _journey_save(request, prop, journey)
            return redirect("waste:bulky_date", uprn=prop.uprn)
    return render(
        request,
        "waste/bulky_items.html",
        {
            "property": prop,
            "settings": setup.settings,
            "base_price": money_text(setup.settings.bulky_base_price_pence),
            "fields": forms.bulky_item_fields(
                setup.items, raw, errors, extra=setup.settings.bulky_base_items > 0
            ),
            "errors": [(message, f"#{name}") for name, message in errors.items()],
        },
    )


@private_for_caller
@require_http_methods(["GET", "POST"])
def bulky_date(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    setup, refusal = _bulky_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    journey = _journey(request, prop)
    if not journey.get("quantities"):
        return redirect("waste:bulky_items", uprn=prop.uprn)
    options = bulky_dates(round_=setup.round, settings=setup.settings, now=timezone.now())
    chosen = str(journey.get("date", ""))
    error = None
    if request.method == "POST":
        chosen = str(request.POST.get("date", ""))
        if chosen in {option.day.isoformat() for option in options}:
            journey["date"] = chosen
            _journey_save(request, prop, journey)
            return redirect("waste:bulky_details", uprn=prop.uprn)
        error = str(_("Select a collection day"))
    return render(
        request,
        "waste/bulky_date.html",
        {
            "property": prop,
            "field": forms.bulky_date_field(options, chosen, error),
            "options": options,
            "errors": [(error, "#date")] if error else [],
        },
    )


@private_for_caller
@require_http_methods(["GET", "POST"])
def bulky_details(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    setup, refusal = _bulky_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    journey = _journey(request, prop)
    if not journey.get("date"):
        return redirect("waste:bulky_date", uprn=prop.uprn)
    values = {"placement": journey.get("placement", ""), "notes": journey.get("notes", "")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = forms.bulky_details_clean(request.POST)
        values, errors = {**values, **posted.values}, posted.errors
        if not errors:
            journey.update(placement=posted.values["placement"], notes=posted.values["notes"])
            _journey_save(request, prop, journey)
            return redirect("waste:bulky_check", uprn=prop.uprn)
    return render(
        request,
        "waste/bulky_details.html",
        {
            "property": prop,
            "fields": forms.bulky_details_fields(values, errors),
            "errors": [(message, f"#{name}") for name, message in errors.items()],
        },
    )


@private_for_caller
@require_http_methods(["GET", "POST"])
def bulky_check(request: HttpRequest, uprn: str) -> HttpResponse:
    """Check your answers and pay. The price and day shown are posted back and checked by
    the service: a changed price or a day filled meanwhile is refused and nothing is booked."""
    prop = _property(uprn)
    setup, refusal = _bulky_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    journey = _journey(request, prop)
    if not journey.get("placement") or not journey.get("date") or not journey.get("quantities"):
        return redirect("waste:bulky_items", uprn=prop.uprn)
    errors: list[tuple[str, str]] = []
    try:
        lines = bulky_lines(setup, journey["quantities"])
    except WasteError:
        return redirect("waste:bulky_items", uprn=prop.uprn)
    price = bulky_lines_price(setup.settings, lines)
    day = date.fromisoformat(str(journey["date"]))
    journey_key = f"{request.user.pk}-{journey.get('key', '')}"
    if request.method == "POST":
        try:
            shown_price = int(str(request.POST.get("price", "")))
            shown_day = date.fromisoformat(str(request.POST.get("date", "")))
        except ValueError:
            shown_price, shown_day = -1, day
        try:
            booking = bulky_booking_create(
                prop=prop,
                **_who(request),
                quantities=journey["quantities"],
                day=shown_day,
                placement=journey["placement"],
                notes=journey.get("notes", ""),
                price_pence=shown_price,
                # The same answers sent again give the same booking; changed answers a new
                # one, which gives up the earlier booking of this journey.
                idempotency_key=f"{journey_key}-{_answers_digest(journey, shown_day)}",
                replaces=f"{journey_key}-",
            )
            next_url = reverse("waste:bulky_booking", args=[prop.uprn, booking.pk])
            if booking.status == BookingStatus.PENDING_PAYMENT:
                # Sent again (a double click): the same booking and the same payment.
                next_url = payment_start(payment=bulky_booking_payment(booking=booking))
        except WasteError as error:
            href = {"date": reverse("waste:bulky_date", args=[prop.uprn])}.get(error.field, "")
            errors.append((error.message, href))
        except PaymentError as error:
            if error.code != PaymentErrorCode.FINISHED:
                errors.append((error.message, ""))
            else:
                return redirect(next_url)
        else:
            return redirect(next_url)
    return render(
        request,
        "waste/bulky_check.html",
        {
            "property": prop,
            "lines": _lines_text(lines),
            "day": day,
            "day_text": day_text(day),
            "placement": Placement(journey["placement"]).label,
            "notes": journey.get("notes", ""),
            "price": price,
            "price_text": money_text(price),
            "cutoff_time": clock_text(bulky_cutoff(day, setup.settings)),
            "cutoff_day": day_text(bulky_cutoff(day, setup.settings).date()),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _booking(request: HttpRequest, prop: Property, booking_id: int, *, taken: bool = False) -> Any:
    """The resident's own booking; with `taken`, also one the advisor made for a caller."""
    booking = bulky_booking_for_resident(user=request.user, booking_id=booking_id)
    if booking is None and taken:
        booking = bulky_booking_taken_by(user=request.user, booking_id=booking_id)
        if booking is not None and booking.property_id == prop.pk:
            _taken_view(request, booking)
    if booking is None or booking.property_id != prop.pk:
        raise Http404("No such booking")
    return booking


def _booking_context(booking: Any, settings: WasteSettings | None) -> dict[str, Any]:
    cutoff = bulky_cutoff(booking.date, settings) if settings else None
    return {
        "cutoff_time": clock_text(cutoff) if cutoff else "",
        "cutoff_day": day_text(cutoff.date()) if cutoff else "",
        "property": booking.property,
        "booking": booking,
        "lines": _lines_text(booking.items),
        "day_text": day_text(booking.date),
        "price_text": money_text(booking.price_pence),
        "paid_text": money_text(booking.paid_pence),
        "cutoff": cutoff,
        "can_change": cutoff is not None
        and booking.status == BookingStatus.CONFIRMED
        and timezone.now() < cutoff,
    }


@private_for_caller
@never_cache
@require_safe
def bulky_booking(request: HttpRequest, uprn: str, booking_id: int) -> HttpResponse:
    prop = _property(uprn)
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request))
    booking = _booking(request, prop, booking_id, taken=True)
    journey = _journey(request, prop)
    if (
        booking.status != BookingStatus.PENDING_PAYMENT
        and journey.get("key")
        and booking.idempotency_key.startswith(f"{request.user.pk}-{journey['key']}-")
    ):
        # The journey has ended in this booking (paid or not): a new one starts afresh.
        journey_drop(request, f"bulky:{prop.uprn}")
    if booking.status == BookingStatus.CONFIRMED:
        _caller_done(request, booking)
    settings = waste_settings_for(booking.organisation)
    context = _booking_context(booking, settings)
    context.update(_for_caller_context(request, booking))
    return render(request, "waste/bulky_booking.html", context)


@require_http_methods(["GET", "POST"])
def bulky_cancel(request: HttpRequest, uprn: str, booking_id: int) -> HttpResponse:
    prop = _property(uprn)
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request))
    booking = _booking(request, prop, booking_id)
    settings = waste_settings_for(booking.organisation)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            bulky_booking_cancel(booking=booking, resident=request.user)
        except WasteError as error:
            errors.append((error.message, ""))
        else:
            messages.success(request, _("Your bulky waste collection has been cancelled"))
            return redirect("waste:bulky_booking", uprn=prop.uprn, booking_id=booking.pk)
    context = _booking_context(booking, settings)
    context["errors"] = errors
    return render(request, "waste/bulky_cancel.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def bulky_change(request: HttpRequest, uprn: str, booking_id: int) -> HttpResponse:
    """Change the items and day on one page; the new price is shown before it is confirmed."""
    prop = _property(uprn)
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request))
    booking = _booking(request, prop, booking_id)
    try:
        setup = bulky_setup(prop)
    except WasteError as error:
        return render(
            request, "waste/bulky_unavailable.html", {"property": prop, "message": error.message}
        )
    options = bulky_dates(
        round_=setup.round,
        settings=setup.settings,
        now=timezone.now(),
        exclude_booking_id=booking.pk,
    )
    current = BulkyDate(booking.date, 1)
    if booking.date not in {option.day for option in options}:
        options = sorted([current, *options], key=lambda option: option.day)
    raw = {str(line["code"]): str(line["quantity"]) for line in booking.items}
    chosen = booking.date.isoformat()
    errors: dict[str, str] = {}
    summary: list[tuple[str, str]] = []
    new_price: int | None = None
    if request.method == "POST":
        posted = forms.bulky_items_clean(request.POST, setup.items, setup.settings.bulky_max_items)
        raw, errors = posted.values["raw"], posted.errors
        chosen = str(request.POST.get("date", ""))
        if chosen not in {option.day.isoformat() for option in options}:
            errors["date"] = str(_("Select a collection day"))
        if not errors:
            quantities = {k: v for k, v in posted.values["quantities"].items() if v}
            lines = bulky_lines(setup, quantities)
            new_price = bulky_lines_price(setup.settings, lines)
            if request.POST.get("confirm") == "yes":
                try:
                    shown = int(str(request.POST.get("price", "")))
                except ValueError:
                    shown = -1
                try:
                    changed = bulky_booking_change(
                        booking=booking,
                        resident=request.user,
                        quantities=quantities,
                        day=date.fromisoformat(chosen),
                        price_pence=shown,
                    )
                    if changed.pending_price_pence is not None:
                        return redirect(
                            payment_start(payment=bulky_booking_payment(booking=changed))
                        )
                except (WasteError, PaymentError) as error:
                    summary.append((error.message, ""))
                    new_price = None
                else:
                    messages.success(request, _("Your bulky waste collection has been changed"))
                    return redirect("waste:bulky_booking", uprn=prop.uprn, booking_id=booking.pk)
    summary = summary + [(message, f"#{name}") for name, message in errors.items()]
    context = _booking_context(booking, setup.settings)
    context.update(
        {
            "fields": forms.bulky_item_fields(
                setup.items, raw, errors, extra=setup.settings.bulky_base_items > 0
            ),
            "date_field": forms.bulky_date_field(options, chosen, errors.get("date")),
            "errors": summary,
            "new_price": new_price,
            "new_price_text": money_text(new_price) if new_price is not None else "",
            "difference_text": money_text(abs((new_price or 0) - booking.paid_pence)),
            "dearer": new_price is not None and new_price > booking.paid_pence,
            "cheaper": new_price is not None and new_price < booking.paid_pence,
            "base_price": money_text(setup.settings.bulky_base_price_pence),
            "settings": setup.settings,
        }
    )
    context["date_field"].heading = False
    context["date_field"].size = "m"
    return render(request, "waste/bulky_change.html", context, status=400 if summary else 200)


@staff_view
@require_safe
def bulky_office(request: HttpRequest) -> HttpResponse:
    """Bulky collections per round on a day (the next working day unless `date` is given)."""
    organisation, organisations = _organisation(request)
    today = local_now().date()
    try:
        day = date.fromisoformat(str(request.GET.get("date", "")))
    except ValueError:
        day = today + timedelta(days=1)
    audit_record(
        actor=request.user,
        action="waste.bulky_office_view",
        obj=organisation,
        detail={"date": day.isoformat()},
    )
    return render(
        request,
        "waste/bulky_office.html",
        {
            "nav": "waste",
            "organisation": organisation,
            "organisations": organisations,
            "day": day,
            "day_text": day_text(day),
            "previous": (day - timedelta(days=1)).isoformat(),
            "next": (day + timedelta(days=1)).isoformat(),
            "rounds": [
                (row, [(booking, _lines_text(booking.items)) for booking in row.bookings])
                for row in bulky_collections_for_staff(organisation=organisation, day=day)
            ],
        },
    )


# -- Garden waste subscriptions -------------------------------------------------------------

GARDEN_TITLE = gettext_lazy("Subscribe to garden waste collection")


def _garden_gate(
    request: HttpRequest, prop: Property
) -> tuple[GardenSetup | None, HttpResponse | None]:
    """The council's garden waste set-up for the address, or the page that says why there
    is none or that the resident needs to sign in first."""
    try:
        setup = garden_setup(prop)
    except WasteError as error:
        return None, render(
            request,
            "waste/garden_unavailable.html",
            {"property": prop, "message": error.message},
        )
    if not request.user.is_authenticated:
        return None, render(
            request,
            "waste/sign_in_needed.html",
            {"property": prop, "sign_in_url": _sign_in_url(request), "title": GARDEN_TITLE},
        )
    refusal = _caller_gate(request, prop, setup.round.organisation, GARDEN_TITLE)
    if refusal is not None:
        return None, refusal
    return setup, None


def _garden_journey(request: HttpRequest, prop: Property) -> dict[str, Any]:
    return journey_get(request, f"garden:{prop.uprn}")


def _garden_journey_save(request: HttpRequest, prop: Property, journey: dict[str, Any]) -> None:
    journey_save(request, f"garden:{prop.uprn}", journey)


@private_for_caller
@require_safe
def garden_start(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = _property(uprn)
    setup, refusal = _garden_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    settings = setup.settings
    now = timezone.now()
    today = local_now(now).date()
    year = garden_year_for(settings, today)
    new = garden_offer(setup, prop=prop, kind=GardenKind.NEW, now=now)
    renewal = None
    try:
        renewal = garden_offer(
            setup, prop=prop, kind=GardenKind.RENEWAL, resident=_for(request), now=now
        )
    except WasteError:
        renewal = None
    holding = garden_holding(prop=prop, year=year)
    renewed = garden_holding(prop=prop, year=year + 1)
    reduced = settings.garden_reduced_price_pence
    return render(
        request,
        "waste/garden_start.html",
        {
            "property": prop,
            "settings": settings,
            "year_text": garden_year_text(settings, year),
            "price": money_text(settings.garden_price_pence),
            "reduced_price": money_text(reduced) if reduced is not None else "",
            "reduced_from": day_text(garden_reduced_from(settings, year)),
            "bin_price": money_text(new.bin_price_pence),
            "can_subscribe": holding is None,
            "holding": holding,
            "can_renew": renewal is not None and renewed is None,
            "renewal_year_text": garden_year_text(settings, year + 1),
            "renewal_opens": day_text(garden_renewal_opens(settings, year)),
            "subscriptions": []
            if caller_mode(request)
            else garden_subscriptions_for_resident(user=request.user, prop=prop),
        },
    )


def _garden_bins(request: HttpRequest, uprn: str, kind: GardenKind) -> HttpResponse:
    prop = _property(uprn)
    setup, refusal = _garden_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    try:
        offer = garden_offer(setup, prop=prop, kind=kind, resident=_for(request))
    except WasteError as refused:
        return render(
            request,
            "waste/garden_unavailable.html",
            {"property": prop, "message": refused.message},
            status=400,
        )
    holding = garden_holding(prop=prop, year=offer.year)
    if holding is not None and holding.status == GardenStatus.ACTIVE:
        return render(
            request,
            "waste/garden_unavailable.html",
            {
                "property": prop,
                "message": _("This address already has a garden waste subscription for %(year)s")
                % {"year": garden_year_text(setup.settings, offer.year)},
            },
            status=400,
        )
    journey = _garden_journey(request, prop)
    if journey.get("kind") != kind:
        journey = {"kind": str(kind)}
    chosen = str(journey.get("bins", ""))
    if not chosen and offer.renews is not None:
        chosen = str(offer.renews.bins)
    bins_error: str | None = None
    if request.method == "POST":
        posted = forms.garden_bins_clean(request.POST, setup.settings.garden_max_bins)
        if not posted.errors:
            journey["bins"] = posted.values["bins"]
            journey.setdefault("key", secrets.token_urlsafe(16))
            _garden_journey_save(request, prop, journey)
            return redirect("waste:garden_check", uprn=prop.uprn)
        chosen, bins_error = str(request.POST.get("bins", "")), posted.errors["bins"]
    _garden_journey_save(request, prop, journey)
    return render(
        request,
        "waste/garden_bins.html",
        {
            "property": prop,
            "field": forms.garden_bins_field(
                setup.settings.garden_max_bins, offer.bin_price_pence, chosen, bins_error
            ),
            "errors": [(bins_error, "#bins")] if bins_error else [],
            "year_text": garden_year_text(setup.settings, offer.year),
            "renewal": kind == GardenKind.RENEWAL,
        },
        status=400 if bins_error else 200,
    )


@private_for_caller
@require_http_methods(["GET", "POST"])
def garden_subscribe(request: HttpRequest, uprn: str) -> HttpResponse:
    return _garden_bins(request, uprn, GardenKind.NEW)


@private_for_caller
@require_http_methods(["GET", "POST"])
def garden_renew(request: HttpRequest, uprn: str) -> HttpResponse:
    return _garden_bins(request, uprn, GardenKind.RENEWAL)


@private_for_caller
@require_http_methods(["GET", "POST"])
def garden_check(request: HttpRequest, uprn: str) -> HttpResponse:
    """Check your answers and pay. The bins and price shown are posted back and checked by
    the service: a changed price or bin count is refused and nothing is made."""
    prop = _property(uprn)
    setup, refusal = _garden_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    journey = _garden_journey(request, prop)
    kind = str(journey.get("kind", ""))
    if kind not in {k.value for k in GardenKind} or not journey.get("bins"):
        return redirect("waste:garden_start", uprn=prop.uprn)
    back = "waste:garden_renew" if kind == GardenKind.RENEWAL else "waste:garden_subscribe"
    try:
        offer = garden_offer(setup, prop=prop, kind=kind, resident=_for(request))
    except WasteError as error:
        return render(
            request,
            "waste/garden_unavailable.html",
            {"property": prop, "message": error.message},
            status=400,
        )
    bins = int(journey["bins"])
    price = offer.price(bins)
    errors: list[tuple[str, str]] = []
    journey_key = f"{request.user.pk}-garden-{journey.get('key', '')}"
    if request.method == "POST":
        try:
            shown_price = int(str(request.POST.get("price", "")))
            shown_bins = int(str(request.POST.get("bins", "")))
        except ValueError:
            shown_price, shown_bins = -1, bins
        answers = hashlib.sha256(f"{kind}-{offer.year}-{shown_bins}".encode()).hexdigest()[:16]
        try:
            subscription = garden_subscription_create(
                prop=prop,
                **_who(request),
                kind=kind,
                bins=shown_bins,
                price_pence=shown_price,
                # The same answers sent again give the same subscription; changed answers a
                # new one, which gives up the earlier one of this journey.
                idempotency_key=f"{journey_key}-{answers}",
                replaces=f"{journey_key}-",
            )
            next_url = reverse("waste:garden_subscription", args=[prop.uprn, subscription.pk])
            if subscription.status == GardenStatus.PENDING_PAYMENT:
                next_url = payment_start(
                    payment=garden_subscription_payment(subscription=subscription)
                )
        except WasteError as error:
            href = {"bins": reverse(back, args=[prop.uprn])}.get(error.field, "")
            errors.append((error.message, href))
        except PaymentError as error:
            if error.code != PaymentErrorCode.FINISHED:
                errors.append((error.message, ""))
            else:
                return redirect(next_url)
        else:
            return redirect(next_url)
    return render(
        request,
        "waste/garden_check.html",
        {
            "property": prop,
            "back": back,
            "renewal": kind == GardenKind.RENEWAL,
            "year_text": garden_year_text(setup.settings, offer.year),
            "starts_text": day_text(offer.starts_on),
            "ends_text": day_text(offer.ends_on),
            "bins": bins,
            "bin_price_text": money_text(offer.bin_price_pence),
            "price": price,
            "price_text": money_text(price),
            "cooling_off_days": setup.settings.garden_cooling_off_days,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _garden_subscription(
    request: HttpRequest, prop: Property, subscription_id: int, *, taken: bool = False
) -> Any:
    """The resident's own subscription; with `taken`, also one the advisor made for a caller."""
    subscription = garden_subscription_for_resident(
        user=request.user, subscription_id=subscription_id
    )
    if subscription is None and taken:
        subscription = garden_subscription_taken_by(
            user=request.user, subscription_id=subscription_id
        )
        if subscription is not None and subscription.property_id == prop.pk:
            _taken_view(request, subscription)
    if subscription is None or subscription.property_id != prop.pk:
        raise Http404("No such subscription")
    return subscription


def _garden_context(subscription: Any) -> dict[str, Any]:
    settings = waste_settings_for(subscription.organisation)
    now = timezone.now()
    refund = garden_refund_due(subscription, settings, now) if settings else 0
    return {
        "property": subscription.property,
        "subscription": subscription,
        "year_text": garden_year_text(settings, subscription.year)
        if settings
        else str(subscription.year),
        "starts_text": day_text(subscription.starts_on),
        "ends_text": day_text(subscription.ends_on),
        "price_text": money_text(subscription.price_pence),
        "refund": refund,
        "refund_text": money_text(refund),
        "refunded_text": money_text(subscription.refunded_pence),
        "cooling_off_days": settings.garden_cooling_off_days if settings else 0,
    }


@private_for_caller
@never_cache
@require_safe
def garden_subscription(request: HttpRequest, uprn: str, subscription_id: int) -> HttpResponse:
    prop = _property(uprn)
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request))
    subscription = _garden_subscription(request, prop, subscription_id, taken=True)
    journey = _garden_journey(request, prop)
    if (
        subscription.status != GardenStatus.PENDING_PAYMENT
        and journey.get("key")
        and subscription.idempotency_key.startswith(f"{request.user.pk}-garden-{journey['key']}-")
    ):
        # The journey has ended in this subscription (paid or not): a new one starts afresh.
        journey_drop(request, f"garden:{prop.uprn}")
    if subscription.status == GardenStatus.ACTIVE:
        _caller_done(request, subscription)
    context = _garden_context(subscription)
    context.update(_for_caller_context(request, subscription))
    return render(request, "waste/garden_subscription.html", context)


@require_http_methods(["GET", "POST"])
def garden_cancel(request: HttpRequest, uprn: str, subscription_id: int) -> HttpResponse:
    prop = _property(uprn)
    if not request.user.is_authenticated:
        return redirect(_sign_in_url(request))
    subscription = _garden_subscription(request, prop, subscription_id)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            garden_subscription_cancel(subscription=subscription, resident=request.user)
        except WasteError as error:
            errors.append((error.message, ""))
        else:
            messages.success(request, _("Your garden waste subscription has been cancelled"))
            return redirect(
                "waste:garden_subscription", uprn=prop.uprn, subscription_id=subscription.pk
            )
    context = _garden_context(subscription)
    context["errors"] = errors
    return render(request, "waste/garden_cancel.html", context, status=400 if errors else 200)


GARDEN_CSV_COLUMNS = (
    "uprn",
    "address",
    "postcode",
    "bins",
    "starts_on",
    "ends_on",
    "price_pence",
    "paid_pence",
    "payment_reference",
    "case",
    "round",
)


@staff_view
@require_safe
def garden_office(request: HttpRequest) -> HttpResponse:
    """The council's garden waste subscribers for a subscription year (the current one
    unless `year` is given), and the same list as CSV with `format=csv`. Authorised like the
    office page; every view and export is audited."""
    organisation, organisations = _organisation(request)
    settings = waste_settings_for(organisation)
    today = local_now().date()
    current = garden_year_for(settings, today) if settings else today.year
    try:
        year = int(str(request.GET.get("year", current)))
    except ValueError:
        year = current
    if not 2000 <= year <= 2100:
        year = current
    export = request.GET.get("format") == "csv"
    subscribers = garden_subscribers_for_staff(organisation=organisation, year=year)
    audit_record(
        actor=request.user,
        action="waste.garden_export" if export else "waste.garden_office_view",
        obj=organisation,
        detail={"year": year, "count": len(subscribers)},
    )
    rounds = {
        service.property_id: service.round.name
        for service in PropertyService.objects.filter(
            property_id__in=[s.property_id for s in subscribers],
            stream__kind="garden",
        ).select_related("round")
    }
    if export:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="garden-waste-{organisation.slug}-{year}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(GARDEN_CSV_COLUMNS)
        for s in subscribers:
            writer.writerow(
                [
                    s.property.uprn,
                    _csv_safe(s.property.first_line),
                    s.property.postcode,
                    s.bins,
                    s.starts_on.isoformat(),
                    s.ends_on.isoformat(),
                    s.price_pence,
                    s.paid_pence,
                    s.payment_reference,
                    s.case.reference if s.case else "",
                    _csv_safe(rounds.get(s.property_id, "")),
                ]
            )
        return response
    return render(
        request,
        "waste/garden_office.html",
        {
            "nav": "waste",
            "organisation": organisation,
            "organisations": organisations,
            "year": year,
            "year_text": garden_year_text(settings, year) if settings else str(year),
            "previous": year - 1,
            "next": year + 1,
            "rows": [(s, rounds.get(s.property_id, "")) for s in subscribers],
            "bins": sum(s.bins for s in subscribers),
        },
    )


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
