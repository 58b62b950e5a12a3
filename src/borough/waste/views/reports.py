"""Report a missed collection, request a container, apply for an assisted collection, and
the page that says a request was sent."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from borough.cases.services import CaseInvalid
from borough.contacts.models import Channel
from borough.payments.services import PaymentError, payment_start
from borough.portal.answers import raw_from_post
from borough.portal.fields import field_for
from borough.waste import forms
from borough.waste.callers import private_for_caller
from borough.waste.models import ContainerRequestStatus, WasteSettings
from borough.waste.selectors import (
    container_request_for_resident,
    container_request_open,
    container_request_taken_by,
    container_types_for,
    missed_collection_checks,
    property_services,
    waste_settings_for,
)
from borough.waste.services import (
    WasteError,
    assisted_collection_apply,
    container_request_create,
    container_request_payment,
    missed_collection_report,
)
from borough.waste.views.common import (
    SENT,
    caller_done,
    caller_gate,
    for_caller_context,
    not_for_caller,
    property_or_404,
    resident_and_caller,
    resident_or_none,
    sign_in_url,
    taken_for_caller_audit,
)

# -- Report a missed collection -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def missed(request: HttpRequest, uprn: str) -> HttpResponse:
    prop = property_or_404(uprn)
    refusal = not_for_caller(request, prop, _("Report a missed collection"))
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
                    resident=resident_or_none(request),
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
    prop = property_or_404(uprn)
    types = container_types_for(prop)
    if not types:
        return render(request, "waste/no_collections.html", {"property": prop})
    if not request.user.is_authenticated:
        return render(
            request,
            "waste/sign_in_needed.html",
            {
                "property": prop,
                "sign_in_url": sign_in_url(request),
                "title": _("Request a new container"),
            },
        )
    refusal = caller_gate(request, prop, types[0].organisation, _("Request a new container"))
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
                    **resident_and_caller(request),
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
                caller_done(request, container_request)
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
    prop = property_or_404(uprn)
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
    container_request = container_request_for_resident(user=request.user, request_id=request_id)
    if container_request is None:
        container_request = container_request_taken_by(user=request.user, request_id=request_id)
        if container_request is not None:
            taken_for_caller_audit(request, container_request)
    if container_request is None or container_request.property_id != prop.pk:
        raise Http404("No such request")
    if container_request.status == ContainerRequestStatus.CONFIRMED:
        caller_done(request, container_request)
    return render(
        request,
        "waste/container_request.html",
        {
            "property": prop,
            "container_request": container_request,
            **for_caller_context(request, container_request),
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
    prop = property_or_404(uprn)
    refusal = not_for_caller(request, prop, _("Apply for an assisted collection"))
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
                "sign_in_url": sign_in_url(request),
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
    prop = property_or_404(uprn)
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
