"""API keys in the back office: administrators of an organisation issue and revoke its keys.

A new key is shown once, on the page that answers the form (never stored, never redirected
with). Anyone who is not an administrator of the key's organisation gets "Page not found"
for a key, and "Forbidden" for the pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from borough.backoffice.access import staff_view
from borough.backoffice.views import _user
from borough.core.models import Organisation, Role
from borough.core.tenancy import staff_organisations
from borough.open311.models import ApiKey
from borough.open311.selectors import apikeys_for_organisations
from borough.open311.services import ApiKeyInvalid, apikey_issue, apikey_revoke
from borough.open311.staff_forms import ApiKeyIssueForm

ADMIN_ROLES = {Role.ADMINISTRATOR.value}


def _organisations(request: HttpRequest) -> list[Organisation]:
    organisations = list(staff_organisations(_user(request), roles=ADMIN_ROLES))
    if not organisations:
        raise PermissionDenied
    return organisations


def _key(request: HttpRequest, key_id: int) -> ApiKey:
    api_key = apikeys_for_organisations(_organisations(request)).filter(pk=key_id).first()
    if api_key is None:
        raise Http404("No such key")
    return api_key


@staff_view
@require_safe
def apikey_list(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    return render(
        request,
        "open311/apikey_list.html",
        {
            "keys": list(apikeys_for_organisations(organisations)),
            "several_organisations": len(organisations) > 1,
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def apikey_new(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    form = ApiKeyIssueForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                api_key, raw_key = apikey_issue(
                    organisation=form.chosen_organisation(),
                    name=data["name"],
                    actor=_user(request),
                    extended_statuses=data["extended_statuses"],
                    rate_limit=data["rate_limit"],
                )
            except ApiKeyInvalid as refused:
                for field, message in refused.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                return render(
                    request,
                    "open311/apikey_issued.html",
                    {"api_key": api_key, "raw_key": raw_key},
                )
        status = 400
    return render(
        request,
        "open311/apikey_new.html",
        {"form": form, "errors": form.error_list()},
        status=status,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def apikey_revoke_view(request: HttpRequest, key_id: int) -> HttpResponse:
    api_key = _key(request, key_id)
    if request.method == "POST":
        apikey_revoke(api_key=api_key, actor=_user(request))
        messages.success(request, _("Key %(prefix)s… revoked") % {"prefix": api_key.prefix})
        return redirect("backoffice:open311_staff:list")
    return render(request, "open311/apikey_revoke.html", {"api_key": api_key})
