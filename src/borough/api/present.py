"""Cases, services and events as the API shows them (plain dicts matching `schemas`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from borough.cases.models import Case, CaseEvent, EventKind, Status
from borough.catalogue.forms import answers_json_schema
from borough.catalogue.models import Service


def _url(request: HttpRequest, name: str, reference: str) -> str:
    return request.build_absolute_uri(reverse(f"api:v1:{name}", kwargs={"reference": reference}))


def service_out(service: Service) -> dict[str, Any]:
    # `forms` is prefetched by the selector: pick the newest without another query.
    forms = sorted(service.forms.all(), key=lambda form: form.version)
    form = forms[-1] if forms else None
    return {
        "code": service.code,
        "name": service.name,
        "summary": service.summary,
        "description": service.description,
        "group": service.group,
        "kind": service.kind,
        "keywords": [str(word) for word in service.keywords or []],
        "lgsl_code": service.lgsl_code,
        "organisation": {"slug": service.organisation.slug, "name": service.organisation.name},
        "needs_location": service.needs_location,
        "needs_property": service.needs_property,
        "identity": service.identity,
        "fee_pence": service.fee_pence,
        "sla_value": service.sla_value,
        "sla_unit": service.sla_unit,
        "public_cases": service.public_cases,
        "form_version": form.version if form else None,
        "answers_schema": answers_json_schema(form.definition) if form else {},
    }


def _person(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    return {"name": user.full_name, "email": user.email}


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def case_summary(case: Case, request: HttpRequest) -> dict[str, Any]:
    """What a list shows: no reporter details and no answers (GET one case for those; that
    read is audited)."""
    located = case.latitude is not None and case.longitude is not None
    return {
        "reference": case.reference,
        "url": _url(request, "case_detail", case.reference),
        "title": case.title,
        "service": {"code": case.service.code, "name": case.service.name},
        "organisation": {"slug": case.organisation.slug, "name": case.organisation.name},
        "team": {"id": case.team.pk, "slug": case.team.slug, "name": case.team.name}
        if case.team
        else None,
        "assignee": _person(case.assignee),
        "status": case.status,
        "status_label": _status_label(case.status),
        "open311_status": case.open311_status,
        "priority": case.priority,
        "channel": case.channel,
        "location": {"latitude": case.latitude, "longitude": case.longitude} if located else None,
        "uprn": case.property.uprn if case.property else None,
        "usrn": case.street.usrn if case.street else None,
        "ward": case.ward.name if case.ward else None,
        "is_public": case.is_public,
        "sla_due_at": case.sla_due_at,
        "closed_at": case.closed_at,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "version": case.version,
    }


def case_detail(case: Case, request: HttpRequest) -> dict[str, Any]:
    return {
        **case_summary(case, request),
        "events_url": _url(request, "case_events", case.reference),
        "answers": case.answers,
        "form_version": case.form_version,
        "address": case.property.address if case.property else None,
        "reporter": {
            "name": case.reporter_name,
            "email": case.reporter_email,
            "phone": case.reporter_phone,
            "show_name_publicly": case.show_name_publicly,
        },
        "resident": _person(case.resident),
        "duplicate_of": case.duplicate_of.reference if case.duplicate_of else None,
        "external_references": {
            ref.system: ref.value for ref in case.external_references.order_by("system", "id")
        },
    }


def event_out(event: CaseEvent) -> dict[str, Any]:
    actor = event.actor
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": str(EventKind(event.kind).label)
        if event.kind in EventKind.values
        else event.kind,
        "at": event.at,
        "public": event.public,
        "actor": (actor.full_name or actor.email) if actor else None,
        "body": event.body,
        "data": event.data if isinstance(event.data, dict) else {},
    }
