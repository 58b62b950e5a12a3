"""The crews' pages (each round's properties today, and what the crew found) and the
webhook for crews' in-cab systems."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from borough.backoffice.access import staff_view
from borough.core.services import audit_record
from borough.dispatch.webhooks import SIGNATURE_HEADER, signature_check
from borough.waste import forms
from borough.waste.models import EventSource, Outcome, WasteSettings
from borough.waste.selectors import (
    day_text,
    local_now,
    round_for_crew,
    round_properties_on,
    rounds_for_crew,
)
from borough.waste.services import WasteError, collection_events_import, crew_outcomes_record

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
