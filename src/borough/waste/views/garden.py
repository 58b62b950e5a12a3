"""Garden waste: subscribe, renew and cancel; the subscription; and the subscribers for
staff, with the export."""

from __future__ import annotations

import csv
import hashlib
import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from borough.backoffice.access import staff_view
from borough.core.services import audit_record
from borough.payments.services import PaymentError, PaymentErrorCode, payment_start
from borough.places.models import Property
from borough.waste import forms
from borough.waste.callers import (
    caller_mode,
    journey_drop,
    journey_get,
    journey_save,
    private_for_caller,
)
from borough.waste.forms import money_text
from borough.waste.models import GardenStatus, PropertyService
from borough.waste.selectors import (
    day_text,
    garden_holding,
    garden_reduced_from,
    garden_renewal_opens,
    garden_subscribers_for_staff,
    garden_subscription_for_resident,
    garden_subscription_taken_by,
    garden_subscriptions_for_resident,
    garden_year_for,
    garden_year_text,
    local_now,
    waste_settings_for,
)
from borough.waste.services import (
    GardenKind,
    GardenSetup,
    WasteError,
    garden_offer,
    garden_refund_due,
    garden_setup,
    garden_subscription_cancel,
    garden_subscription_create,
    garden_subscription_payment,
)
from borough.waste.views.common import (
    booking_gate,
    booking_owner,
    caller_done,
    for_caller_context,
    office_organisation,
    property_or_404,
    resident_and_caller,
    sign_in_url,
    taken_for_caller_audit,
)

# -- Garden waste subscriptions -------------------------------------------------------------

GARDEN_TITLE = gettext_lazy("Subscribe to garden waste collection")


def _garden_gate(
    request: HttpRequest, prop: Property
) -> tuple[GardenSetup | None, HttpResponse | None]:
    return booking_gate(
        request,
        prop,
        setup_for=garden_setup,
        unavailable_template="waste/garden_unavailable.html",
        title=GARDEN_TITLE,
    )


def _garden_journey(request: HttpRequest, prop: Property) -> dict[str, Any]:
    return journey_get(request, f"garden:{prop.uprn}")


def _garden_journey_save(request: HttpRequest, prop: Property, journey: dict[str, Any]) -> None:
    journey_save(request, f"garden:{prop.uprn}", journey)


@private_for_caller
@require_safe
def garden_start(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = property_or_404(uprn)
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
            setup, prop=prop, kind=GardenKind.RENEWAL, resident=booking_owner(request), now=now
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
    prop = property_or_404(uprn)
    setup, refusal = _garden_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    try:
        offer = garden_offer(setup, prop=prop, kind=kind, resident=booking_owner(request))
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
    prop = property_or_404(uprn)
    setup, refusal = _garden_gate(request, prop)
    if refusal is not None or setup is None:
        return refusal or redirect("waste:bin_days", uprn=prop.uprn)
    journey = _garden_journey(request, prop)
    kind = str(journey.get("kind", ""))
    if kind not in {k.value for k in GardenKind} or not journey.get("bins"):
        return redirect("waste:garden_start", uprn=prop.uprn)
    back = "waste:garden_renew" if kind == GardenKind.RENEWAL else "waste:garden_subscribe"
    try:
        offer = garden_offer(setup, prop=prop, kind=kind, resident=booking_owner(request))
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
                **resident_and_caller(request),
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
            taken_for_caller_audit(request, subscription)
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
    prop = property_or_404(uprn)
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
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
        caller_done(request, subscription)
    context = _garden_context(subscription)
    context.update(for_caller_context(request, subscription))
    return render(request, "waste/garden_subscription.html", context)


@require_http_methods(["GET", "POST"])
def garden_cancel(request: HttpRequest, uprn: str, subscription_id: int) -> HttpResponse:
    prop = property_or_404(uprn)
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
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
    organisation, organisations = office_organisation(request)
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
