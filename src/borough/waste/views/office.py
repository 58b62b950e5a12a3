"""The waste back office: the waste team's work, and approving assisted collections."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from borough.backoffice.access import staff_view
from borough.cases.selectors import case_for_staff
from borough.core.permissions import Action, can
from borough.core.services import audit_record
from borough.waste.planning.selectors import planning_organisations_for_staff
from borough.waste.selectors import (
    assisted_applications_open_for_staff,
    container_requests_open_for_staff,
    crew_reports,
    local_now,
    missed_by_round,
    missed_open_for_staff,
    rounds_for_crew,
)
from borough.waste.services import WasteError, assisted_collection_approve
from borough.waste.views.common import office_organisation

# -- Staff: the waste back office -----------------------------------------------------------


@staff_view
@require_safe
def office(request: HttpRequest) -> HttpResponse:
    organisation, organisations = office_organisation(request)
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
