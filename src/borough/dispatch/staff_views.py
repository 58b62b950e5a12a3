"""The back office's view of dispatches: `/staff/dispatch/` lists the cases that could not
be sent to a contractor and those waiting to be sent again, for the organisations where the
member of staff sees every case; team leaders and administrators can send one again now.

Reading the list is audited (`dispatch.list`, once for each organisation read); sending
again is audited by the service (`dispatch.retry`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from borough.backoffice.access import staff_view
from borough.core.services import audit_record
from borough.core.tenancy import staff_organisations
from borough.dispatch.selectors import (
    RETRY_ROLES,
    dispatch_for_staff,
    dispatch_organisations,
    dispatches_problems_for_staff,
)
from borough.dispatch.services import dispatch_retry


@staff_view
@require_safe
def dispatch_list(request: HttpRequest) -> HttpResponse:
    organisations = list(dispatch_organisations(user=request.user))
    if not organisations:
        raise PermissionDenied
    gave_up, retrying = dispatches_problems_for_staff(user=request.user)
    retry_organisations = set(
        staff_organisations(request.user, roles=RETRY_ROLES).values_list("id", flat=True)
    )
    for organisation in organisations:
        audit_record(
            actor=request.user,
            action="dispatch.list",
            obj=organisation,
            organisation=organisation,
            detail={"not_sent": len(gave_up), "retrying": len(retrying)},
        )
    context: dict[str, Any] = {
        "nav": "dispatch",
        "gave_up": gave_up,
        "retrying": retrying,
        "retry_organisations": retry_organisations,
        "several_organisations": len(organisations) > 1,
    }
    return render(request, "dispatch/list.html", context)


@staff_view
@require_POST
def dispatch_retry_view(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    dispatch = dispatch_for_staff(user=request.user, dispatch_id=dispatch_id)
    if dispatch is None:
        raise Http404("No such dispatch")
    if (
        not staff_organisations(request.user, roles=RETRY_ROLES)
        .filter(pk=dispatch.organisation_id)
        .exists()
    ):
        raise PermissionDenied
    names = {"reference": dispatch.case.reference, "team": dispatch.endpoint.team.name}
    if dispatch_retry(dispatch=dispatch, actor=request.user):
        messages.success(request, _("%(reference)s is being sent to %(team)s again") % names)
    else:
        messages.success(
            request, _("%(reference)s was not sent again: it is already on its way") % names
        )
    return redirect("dispatch_staff:list")
