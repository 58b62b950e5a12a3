# ruff: noqa: RUF001
"""Book a bulky waste collection: the items, the date, the details, check and pay; the
booking, changing or cancelling it; and the bulky collections for staff."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime, timedelta
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
from borough.core.timetext import LONDON, clock_text
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
from borough.waste.models import BookingStatus, Placement, WasteSettings
from borough.waste.selectors import (
    BulkyDate,
    bulky_booking_for_resident,
    bulky_booking_taken_by,
    bulky_bookings_for_resident,
    bulky_collections_for_staff,
    bulky_cutoff,
    bulky_dates,
    day_text,
    local_now,
    waste_settings_for,
)
from borough.waste.services import (
    BulkySetup,
    WasteError,
    bulky_booking_cancel,
    bulky_booking_change,
    bulky_booking_create,
    bulky_booking_payment,
    bulky_lines,
    bulky_lines_price,
    bulky_setup,
)
from borough.waste.views.common import (
    booking_gate,
    caller_done,
    for_caller_context,
    office_organisation,
    property_or_404,
    resident_and_caller,
    sign_in_url,
    taken_for_caller_audit,
)

# -- Book a bulky waste collection ----------------------------------------------------------

BULKY_TITLE = gettext_lazy("Book a bulky waste collection")


def _journey(request: HttpRequest, prop: Property) -> dict[str, Any]:
    return journey_get(request, f"bulky:{prop.uprn}")


def _journey_save(request: HttpRequest, prop: Property, journey: dict[str, Any]) -> None:
    journey_save(request, f"bulky:{prop.uprn}", journey)


def _bulky_gate(
    request: HttpRequest, prop: Property
) -> tuple[BulkySetup | None, HttpResponse | None]:
    return booking_gate(
        request,
        prop,
        setup_for=bulky_setup,
        unavailable_template="waste/bulky_unavailable.html",
        title=BULKY_TITLE,
    )


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
    prop = property_or_404(uprn)
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
    prop = property_or_404(uprn)
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
    prop = property_or_404(uprn)
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
    prop = property_or_404(uprn)
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
    prop = property_or_404(uprn)
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
                **resident_and_caller(request),
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
            taken_for_caller_audit(request, booking)
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
    prop = property_or_404(uprn)
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
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
        caller_done(request, booking)
    settings = waste_settings_for(booking.organisation)
    context = _booking_context(booking, settings)
    context.update(for_caller_context(request, booking))
    return render(request, "waste/bulky_booking.html", context)


@require_http_methods(["GET", "POST"])
def bulky_cancel(request: HttpRequest, uprn: str, booking_id: int) -> HttpResponse:
    prop = property_or_404(uprn)
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
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
    prop = property_or_404(uprn)
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
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
    organisation, organisations = office_organisation(request)
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
