"""The caller's details: an advisor booking for a caller on the phone without an account."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from borough.backoffice.access import staff_view
from borough.portal.journey import assisted_details_set
from borough.waste import forms
from borough.waste.callers import TASK_START, caller_mode, private_for_caller
from borough.waste.views.common import property_or_404


@private_for_caller
@staff_view
@require_http_methods(["GET", "POST"])
def caller(request: HttpRequest, uprn: str) -> HttpResponse:
    """ "The caller's details": an advisor booking for a caller without an account takes
    their name and email address (where the confirmation goes), once per caller."""
    prop = property_or_404(uprn)
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
