"""Contacts that needed no case: an advisor logs a call, visit, letter, email or chat that was
dealt with there and then, so that channel shift and avoidable contact can be measured.

Advisors, caseworkers, team leaders and administrators may log contacts
(`selectors.CONTACT_LOG_ROLES`), for the organisations where they hold one of those roles.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from borough.backoffice.access import staff_view
from borough.backoffice.audit import CONTACT_LIST, audit_rows_shown
from borough.backoffice.forms import ContactLogForm
from borough.backoffice.selectors import (
    contact_organisations,
    contact_services,
    contacts_on_day,
    london_today,
)
from borough.backoffice.views import _user, page_items
from borough.contacts.services import ContactInvalid, contact_log

PAGE_SIZE = 50


@staff_view
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = list(contact_organisations(user=user))
    if not organisations:
        raise PermissionDenied
    form = ContactLogForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        services=list(contact_services(organisations)),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                contact_log(
                    organisation=data["organisation"],
                    channel=data["channel"],
                    outcome=data["outcome"],
                    service=data["service"],
                    staff=user,
                    avoidable=data["avoidable"],
                    resolved_at_first_contact=data["resolved"],
                    notes=data["notes"],
                    # Without a key (a form from elsewhere) every send is logged.
                    idempotency_key=f"contact:{user.pk}:{data['key']}" if data["key"] else None,
                )
            except ContactInvalid as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, "Contact logged")
                return redirect("backoffice:contacts")
        status = 400
    return render(
        request,
        "backoffice/contact_new.html",
        {"form": form, "errors": form.error_list(), "nav": "contacts"},
        status=status,
    )


@staff_view
@require_safe
def contact_list(request: HttpRequest) -> HttpResponse:
    """Today's contacts (Europe/London) of the organisations the user logs contacts for."""
    user = _user(request)
    organisations = list(contact_organisations(user=user))
    if not organisations:
        raise PermissionDenied
    today = london_today()
    contacts = contacts_on_day(organisations=organisations, day=today)
    page_obj = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    # The rows carry staff notes about residents and link their cases: each row shown is
    # recorded as read.
    page_obj.object_list = list(page_obj.object_list)
    audit_rows_shown(
        actor=user,
        action=CONTACT_LIST,
        rows=page_obj.object_list,
        detail={"day": today.isoformat(), "page": page_obj.number},
    )
    return render(
        request,
        "backoffice/contacts.html",
        {
            "today": today,
            "page_obj": page_obj,
            "page_items": page_items(page_obj.number, page_obj.paginator.num_pages),
            "several_organisations": len(organisations) > 1,
            "nav": "contacts",
        },
    )
