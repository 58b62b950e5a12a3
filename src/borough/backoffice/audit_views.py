"""The audit trail, for auditors and administrators: who read or changed what.

`/staff/audit/` searches the entries of the organisations where the user audits (by the email
of who did it, a case reference, and dates); `/staff/audit/users/<id>/` lists everything one
person did in those organisations. Reading the trail is itself audited (`audit.search`,
`audit.user_trail`), once for each organisation read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from borough.backoffice.access import staff_view
from borough.backoffice.forms import AuditSearchForm
from borough.backoffice.selectors import (
    AuditFilters,
    audit_entries,
    audit_organisations,
    audit_user_in,
)
from borough.backoffice.views import _user, page_items
from borough.core.models import Organisation
from borough.core.services import audit_record

PAGE_SIZE = 50


def _organisations(request: HttpRequest) -> list[Organisation]:
    organisations = list(audit_organisations(user=_user(request)))
    if not organisations:
        raise PermissionDenied
    return organisations


def _audit_the_read(
    request: HttpRequest,
    *,
    action: str,
    obj: Any = None,
    organisations: list[Organisation],
    detail: dict[str, Any],
) -> None:
    """One entry for each organisation read; `obj` is what was read (the organisation's own
    trail when None)."""
    for organisation in organisations:
        audit_record(
            actor=request.user,
            action=action,
            obj=obj if obj is not None else organisation,
            organisation=organisation,
            detail=detail,
        )


def _page(request: HttpRequest, entries: Any) -> dict[str, Any]:
    page_obj = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read now, before the read is recorded: a page never lists its own audit entry.
    page_obj.object_list = list(page_obj.object_list)
    return {
        "page_obj": page_obj,
        "page_items": page_items(page_obj.number, page_obj.paginator.num_pages),
    }


@staff_view
@require_safe
def audit_search(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    form = AuditSearchForm(request.GET or None)
    status = 200
    filters = AuditFilters()
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = AuditFilters(
                email=data["email"],
                reference=data["reference"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
        else:
            status = 400
    context: dict[str, Any] = {
        "form": form,
        "errors": form.error_list(),
        "several_organisations": len(organisations) > 1,
        "nav": "audit",
    }
    if status == 200:
        # Read first, then record the read: the page does not list its own entry.
        context.update(_page(request, audit_entries(organisations=organisations, filters=filters)))
        _audit_the_read(
            request,
            action="audit.search",
            organisations=organisations,
            detail={
                "email": filters.email,
                "reference": filters.reference,
                "from": filters.date_from.isoformat() if filters.date_from else None,
                "to": filters.date_to.isoformat() if filters.date_to else None,
            },
        )
    return render(request, "backoffice/audit.html", context, status=status)


@staff_view
@require_safe
def audit_user(request: HttpRequest, user_id: int) -> HttpResponse:
    organisations = _organisations(request)
    target = audit_user_in(user_id=user_id, organisations=organisations)
    if target is None:
        raise Http404("No such user")
    context: dict[str, Any] = {
        "target": target,
        "several_organisations": len(organisations) > 1,
        "nav": "audit",
    }
    context.update(
        _page(
            request,
            audit_entries(organisations=organisations, filters=AuditFilters(actor_id=target.pk)),
        )
    )
    _audit_the_read(
        request,
        action="audit.user_trail",
        obj=target,
        organisations=organisations,
        detail={"email": target.email},
    )
    return render(request, "backoffice/audit_user.html", context)
