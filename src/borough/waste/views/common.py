# ruff: noqa: RUF001
"""What the waste pages share: the address a page is about, the signed-in resident, the
staff member's council, and the helpers for an advisor taking a caller through a journey on
the phone (`borough.waste.callers`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from borough.core.models import Organisation
from borough.core.services import audit_record
from borough.core.tenancy import staff_roles
from borough.payments.services import PHONE_PAYMENT_ROLES
from borough.places.models import Property
from borough.places.selectors import property_by_uprn
from borough.portal.journey import assisted_end
from borough.waste.callers import caller_mode, caller_mode_forget
from borough.waste.selectors import waste_organisations_for_staff
from borough.waste.services import WasteError

SENT = "waste_sent"


class _CouncilSetup(Protocol):
    @property
    def round(self) -> Any: ...  # a round of the council that offers the service


Setup = TypeVar("Setup", bound=_CouncilSetup)


def property_or_404(uprn: str) -> Property:
    prop = property_by_uprn(uprn)
    if prop is None:
        raise Http404("No such address")
    return prop


def resident_or_none(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def sign_in_url(request: HttpRequest) -> str:
    return f"{reverse('accounts:sign_in')}?{urlencode({'next': request.get_full_path()})}"


# -- For a caller on the phone (`callers`) -----------------------------------------------------


def booking_owner(request: HttpRequest) -> Any:
    """Whose booking it is: the caller's account for an advisor booking for a caller (None
    without one), else the signed-in resident."""
    mode = caller_mode(request)
    if mode is not None:
        return mode.resident
    return resident_or_none(request)


def resident_and_caller(request: HttpRequest) -> dict[str, Any]:
    """The services' `resident` and `caller` for this request."""
    mode = caller_mode(request)
    if mode is not None:
        return {"resident": mode.resident, "caller": mode.caller()}
    return {"resident": request.user}


def caller_gate(
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


def taken_for_caller_audit(request: HttpRequest, thing: Any) -> None:
    """An advisor opens what they booked for a caller: audited as a read of the caller's."""
    audit_record(
        actor=request.user,
        action="waste.for_caller_view",
        obj=thing,
        detail={"uprn": thing.property.uprn},
    )


def caller_done(request: HttpRequest, thing: Any) -> None:
    """Booked for the caller: assisted mode ends (the browser is the advisor's own again)."""
    if caller_mode(request) is not None and thing.taken_by_id == request.user.pk:
        assisted_end(request.session)
        caller_mode_forget(request)


def not_for_caller(request: HttpRequest, prop: Property, title: Any) -> HttpResponse | None:
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


def for_caller_context(request: HttpRequest, thing: Any) -> dict[str, Any]:
    resident = getattr(thing, "resident", None)
    return {
        "for_caller": thing.resident_id != request.user.pk,
        "caller_email": thing.contact_email or (resident.email if resident else ""),
    }


def office_organisation(request: HttpRequest) -> tuple[Organisation, list[Organisation]]:
    return organisation_chosen(request, waste_organisations_for_staff(user=request.user))


def organisation_chosen(
    request: HttpRequest, allowed: Iterable[Organisation]
) -> tuple[Organisation, list[Organisation]]:
    """The council a staff page is about: the one its `organisation` (in the query, or the
    form posted) names among those `allowed`, else the first; 403 when none is allowed."""
    organisations = list(allowed)
    if not organisations:
        raise PermissionDenied
    chosen = str(request.GET.get("organisation", "") or request.POST.get("organisation", ""))
    organisation = next((o for o in organisations if o.slug == chosen), organisations[0])
    return organisation, organisations


def booking_gate(
    request: HttpRequest,
    prop: Property,
    *,
    setup_for: Callable[[Property], Setup],
    unavailable_template: str,
    title: Any,
) -> tuple[Setup | None, HttpResponse | None]:
    """The start of a paid booking (bulky waste, garden waste): the council's set-up for the
    address (`setup_for`, which raises WasteError when there is none), or the page that
    says why there is none, that the resident needs to sign in first, or that this advisor
    cannot take the caller's payment."""
    try:
        setup = setup_for(prop)
    except WasteError as error:
        return None, render(
            request, unavailable_template, {"property": prop, "message": error.message}
        )
    if not request.user.is_authenticated:
        return None, render(
            request,
            "waste/sign_in_needed.html",
            {"property": prop, "sign_in_url": sign_in_url(request), "title": title},
        )
    refusal = caller_gate(request, prop, setup.round.organisation, title)
    if refusal is not None:
        return None, refusal
    return setup, None
