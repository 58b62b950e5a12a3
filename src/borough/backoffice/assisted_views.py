"""Assisted digital: an advisor raises a case for a caller or visitor (phone, face to face,
kiosk, letter, email) through the same form runner residents use.

`/staff/assisted/` asks for the service (any published service: services are routed by
location, so an advisor of one council may raise a case for another's), the channel, and
whether the caller has an account. `/staff/assisted/caller/` finds that account by email
address or name; every account shown is audited. The session is then put in assisted mode for
that service (`portal.journey.assisted_start`) and the advisor goes through the service's own
pages; the case is made on the caller's channel, by the advisor, with the caller's account if
found, and assisted mode ends when it is sent, or when the advisor stops (`action=end`).

A paid waste service (a bulky waste collection, a garden waste subscription, a container:
`waste.selectors.paid_waste_task`) is taken on the phone only: the advisor goes through the
waste pages for the caller (find the address, the same pages and the same payment pages, the
payment taken by the advisor), not the form runner (`waste.callers`).

Only staff who take calls and visits may do this: the roles that log contacts
(`selectors.CONTACT_LOG_ROLES`: advisor, caseworker, team leader, administrator), not field
officers, contractors or auditors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from borough.accounts.models import User
from borough.backoffice.access import staff_view
from borough.backoffice.forms import GovukForm
from borough.backoffice.selectors import (
    RESIDENT_SEARCH_MIN,
    contact_organisations,
    resident_search,
)
from borough.backoffice.views import _user
from borough.catalogue.models import Service
from borough.catalogue.selectors import service_list_active
from borough.contacts.models import Channel
from borough.core.models import Organisation
from borough.core.services import audit_record
from borough.portal.journey import Journey, assisted_end, assisted_start
from borough.portal.search import MAX_QUERY_LENGTH, service_search
from borough.portal.selectors import service_form
from borough.portal.services import ASSISTED_CHANNELS
from borough.waste.selectors import paid_waste_task

# What the advisor chose on the first page while they look for the caller's account.
PENDING_KEY = "backoffice.assisted_pending"
NEW_CALLER, HAS_ACCOUNT = "new", "account"


def _organisations(request: HttpRequest) -> list[Organisation]:
    """The organisations the user takes calls and visits for; 403 for anyone else."""
    organisations = list(contact_organisations(user=_user(request)))
    if not organisations:
        raise PermissionDenied
    return organisations


def _services() -> QuerySet[Service]:
    """Every published service: a case is routed by where it is, whoever raises it."""
    return service_list_active().filter(forms__isnull=False).distinct()


class AssistedStartForm(GovukForm):
    service = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        error_messages={
            "required": gettext_lazy("Select the service the caller wants to use"),
            "invalid_choice": gettext_lazy("Select the service the caller wants to use"),
        },
    )
    channel = forms.ChoiceField(
        choices=[(channel.value, channel.label) for channel in ASSISTED_CHANNELS],
        error_messages={
            "required": gettext_lazy("Select how the caller got in touch"),
            "invalid_choice": gettext_lazy("Select how the caller got in touch"),
        },
    )
    caller = forms.ChoiceField(
        choices=[
            (HAS_ACCOUNT, gettext_lazy("Yes, find their account")),
            (NEW_CALLER, gettext_lazy("No, or they do not know")),
        ],
        error_messages={
            "required": gettext_lazy("Select if the caller has an account"),
            "invalid_choice": gettext_lazy("Select if the caller has an account"),
        },
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = {service.pk: service for service in services}
        groups: dict[str, list[tuple[int, str]]] = {}
        for service in services:
            groups.setdefault(service.organisation.name, []).append((service.pk, service.name))
        choices: list[Any] = [("", _("Select a service"))]
        choices += [(name, options) for name, options in sorted(groups.items())]
        service_choice = self.fields["service"]
        assert isinstance(service_choice, forms.ChoiceField)
        service_choice.choices = choices

    def chosen_service(self) -> Service:
        service: Service = self.services[self.cleaned_data["service"]]
        return service


def _runner_url(request: HttpRequest, service: Service) -> str:
    """The first page of the service's form, as the advisor now sees it."""
    form = service_form(service)
    if form is None:
        return reverse("portal:start", args=[service.code])
    journey = Journey(
        session=request.session,
        service=service,
        form=form,
        signed_in=True,
    )
    steps = journey.steps()
    if not steps:
        return reverse("portal:check", args=[service.code])
    return reverse("portal:page", args=[service.code, steps[0].slug])


def _start(
    request: HttpRequest, *, service: Service, channel: str, resident: User | None
) -> HttpResponse:
    assisted_start(
        request.session,
        service_code=service.code,
        channel=channel,
        staff_id=_user(request).pk,
        resident_id=resident.pk if resident is not None else None,
    )
    request.session.pop(PENDING_KEY, None)
    if paid_waste_task(service) is not None:
        # Booked and paid for through the waste pages, starting with the caller's address.
        return redirect("waste:lookup")
    return redirect(_runner_url(request, service))


@staff_view
@require_http_methods(["GET", "POST"])
def assisted(request: HttpRequest) -> HttpResponse:
    """ "Raise a case for a caller": the service, the channel, and whether they have an account.
    Posting `action=end` stops raising a case for a caller (from any of the runner's pages)."""
    _organisations(request)
    if request.method == "POST" and request.POST.get("action") == "end":
        assisted_end(request.session)
        request.session.pop(PENDING_KEY, None)
        messages.success(request, _("You’ve stopped raising a case for a caller"))  # noqa: RUF001
        return redirect("backoffice:assisted")

    query = str(request.GET.get("q") or request.POST.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    everything = list(_services().order_by("organisation__name", "name"))
    services = service_search(query, services=everything) if query else everything
    form = AssistedStartForm(
        request.POST if request.method == "POST" else None,
        services=services if services else everything,
        initial={"service": services[0].pk} if query and len(services) == 1 else None,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and (
            form.cleaned_data["channel"] != Channel.PHONE
            and paid_waste_task(form.chosen_service()) is not None
        ):
            form.add_error(
                "channel",
                _("Select phone: payments for this service are taken by card on the phone"),
            )
        if form.is_valid():
            service = form.chosen_service()
            channel = form.cleaned_data["channel"]
            if form.cleaned_data["caller"] == NEW_CALLER:
                return _start(request, service=service, channel=channel, resident=None)
            request.session[PENDING_KEY] = {"service": service.code, "channel": channel}
            return redirect("backoffice:assisted_caller")
        status = 400
    return render(
        request,
        "backoffice/assisted/start.html",
        {
            "form": form,
            "errors": form.error_list(),
            "query": query,
            "matches": len(services) if query else None,
            "nav": "assisted",
        },
        status=status,
    )


def _pending(request: HttpRequest) -> tuple[Service, str] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    service = _services().filter(code=str(pending.get("service", ""))).first()
    channel = str(pending.get("channel", ""))
    if service is None or channel not in {str(c) for c in ASSISTED_CHANNELS}:
        return None
    return service, channel


def _shown_audit(
    request: HttpRequest, found: list[User], query: str, organisation: Organisation
) -> None:
    """Each account shown to the advisor is audited as read."""
    for resident in found:
        audit_record(
            actor=request.user,
            action="resident.search",
            obj=resident,
            organisation=organisation,
            detail={"query": query},
        )


@staff_view
@require_http_methods(["GET", "POST"])
def assisted_caller(request: HttpRequest) -> HttpResponse:
    """Find the caller's account by email address or name, and choose it (or carry on
    without one)."""
    organisations = _organisations(request)
    pending = _pending(request)
    if pending is None:
        return redirect("backoffice:assisted")
    service, channel = pending
    source = request.POST if request.method == "POST" else request.GET
    query = " ".join(str(source.get("q", "")).split())[:254]
    errors: list[tuple[str, str]] = []
    status = 200

    if request.method == "POST" and request.POST.get("action") == "without":
        return _start(request, service=service, channel=channel, resident=None)

    searched = "q" in source
    if searched and len(query) < RESIDENT_SEARCH_MIN:
        message = _("Enter at least 3 characters of the caller’s email address or name")  # noqa: RUF001
        errors.append(("#q", message))
        status = 400
    found = resident_search(query=query) if searched and not errors else []

    if request.method == "POST" and not errors:
        chosen = str(request.POST.get("resident", ""))
        resident = next((item for item in found if str(item.pk) == chosen), None)
        if resident is None:
            errors.append(("#resident", _("Select the caller’s account")))  # noqa: RUF001
            status = 400
        else:
            audit_record(
                actor=request.user,
                action="resident.act_for",
                obj=resident,
                organisation=organisations[0],
                detail={"service": service.code, "channel": channel},
            )
            return _start(request, service=service, channel=channel, resident=resident)

    _shown_audit(request, found, query, organisations[0])
    return render(
        request,
        "backoffice/assisted/caller.html",
        {
            "service": service,
            "channel": Channel(channel).label.lower(),
            "query": query,
            "searched": searched and not any(href == "#q" for href, _m in errors),
            "found": found,
            "errors": errors,
            "resident_error": next((m for href, m in errors if href == "#resident"), ""),
            "query_error": next((m for href, m in errors if href == "#q"), ""),
            "nav": "assisted",
        },
        status=status,
    )
