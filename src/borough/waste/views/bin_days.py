"""Check your bin days: postcode, then address; the bin days page and its calendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from borough.places.models import Property
from borough.places.postcodes import postcode_normalise
from borough.places.selectors import addresses_for_postcode
from borough.portal.fields import Field, Item
from borough.waste.callers import TASK_START, caller_mode, private_for_caller
from borough.waste.ics import AllDayEvent, calendar
from borough.waste.models import Outcome
from borough.waste.schedule import collection_dates
from borough.waste.selectors import (
    bin_days,
    bulky_round_for,
    garden_round_for,
    local_now,
    pattern_for,
    property_services,
    shifts_for,
)
from borough.waste.views.common import property_or_404

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
    prop = property_or_404(uprn)
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
    prop = property_or_404(uprn)
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
