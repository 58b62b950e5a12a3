"""The internal REST API, version 1, mounted at /api/v1/.

Endpoints parse, authorise with the back office's permissions, call a selector or service
and present the result; nothing else. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Query, Router, Status

from borough.accounts.models import User
from borough.api import present
from borough.api.auth import staff_auth
from borough.api.docs import GatedSwagger
from borough.api.errors import ApiError, ErrorCode, install_error_handlers
from borough.api.schemas import (
    CaseCreateHeaders,
    CaseCreateIn,
    CaseListQuery,
    CaseOut,
    CasePage,
    Errors,
    EventList,
    ServiceList,
    ServiceOut,
    StatusIn,
    UpdateIn,
)
from borough.api.selectors import (
    CaseQuery,
    case_events_for_staff,
    case_page_for_staff,
    service_for_staff,
    services_for_staff,
)
from borough.api.services import CaseRequest, api_case_create
from borough.backoffice.audit import AuditOutcome, audit_case_action
from borough.cases.models import CLOSED_STATUSES, Case
from borough.cases.selectors import case_events_after, case_for_staff
from borough.cases.services import (
    CaseStale,
    case_close,
    case_note_add,
    case_public_update,
    case_status_change,
)
from borough.core.permissions import Action, can

DESCRIPTION = """
The internal API of Borough, for a council's own integrations. It acts as a member of
staff, with exactly their back-office permissions.

**Authentication**: a personal token (`Authorization: Bearer brg_...`, made with
`borough manage api_token_create --email ... --name ...`), or the back-office session
(signed in, with two-factor authentication where the back office asks for it, and the
`X-CSRFToken` header on every POST).

**Errors** all have one shape: `{"errors": [{"code": "...", "message": "...", "field": "..."}]}`.

**Changes** to a case send the `version` you last read; if someone changed the case since,
the answer is 409 with the code `stale`: read it again and decide.
"""

api = NinjaAPI(
    title="Borough internal API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    auth=staff_auth(),
    docs=GatedSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)


def _errors(*codes: int) -> dict[int, type[Errors]]:
    return dict.fromkeys((401, 403, *codes), Errors)


def _staff(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _allowed(user: User, action: Action, case: Case) -> None:
    if not can(user, action, case):
        raise PermissionDenied


@contextmanager
def _audited(user: User, case: Case, action: str) -> Iterator[None]:
    """Record one audit entry for a request that acts on `case`, under the action's own name
    (`case.note`, `case.close`, ...) as the back office does, with how it ended and the events
    it wrote. The case was fetched with `audit=None`, so the request is not also a view."""
    last_event = case.events.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        yield
    except PermissionDenied:
        audit_case_action(actor=user, case=case, action=action, outcome=AuditOutcome.FORBIDDEN)
        raise
    except CaseStale:
        audit_case_action(actor=user, case=case, action=action, outcome=AuditOutcome.STALE)
        raise
    except Exception:
        audit_case_action(actor=user, case=case, action=action, outcome=AuditOutcome.REFUSED)
        raise
    audit_case_action(
        actor=user,
        case=case,
        action=action,
        outcome=AuditOutcome.DONE,
        events=case_events_after(case=case, after_id=last_event),
    )


# -- Services ------------------------------------------------------------------------------

services_router = Router(tags=["services"])


@services_router.get(
    "",
    response={200: ServiceList, **_errors(422)},
    url_name="service_list",
    operation_id="service_list",
    summary="Services",
)
def service_list(request: HttpRequest) -> dict[str, Any]:
    """The active services of the organisations you work for, each with the JSON Schema of
    the answers its form accepts."""
    services = services_for_staff(user=_staff(request))
    return {"results": [present.service_out(service) for service in services]}


@services_router.get(
    "/{code}",
    response={200: ServiceOut, **_errors(404, 422)},
    url_name="service_detail",
    operation_id="service_detail",
    summary="One service",
)
def service_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    service = service_for_staff(user=_staff(request), code=code)
    if service is None:
        raise Http404
    return present.service_out(service)


# -- Cases ---------------------------------------------------------------------------------

cases_router = Router(tags=["cases"])


def _page_link(request: HttpRequest, query: CaseListQuery, page: int) -> str:
    params = query.model_dump(exclude_none=True)
    params["page"] = page
    if "updated_since" in params:
        params["updated_since"] = params["updated_since"].isoformat()
    return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")


@cases_router.get(
    "",
    response={200: CasePage, **_errors(422)},
    url_name="case_list",
    operation_id="case_list",
    summary="Cases",
)
def case_list(request: HttpRequest, filters: Query[CaseListQuery]) -> dict[str, Any]:
    """The cases you may see, the least recently changed first (then by id, so pages are
    stable). To follow changes, pass the `updated_at` of the last case you saw as
    `updated_since`. Lists leave out the reporter and answers: get one case for those."""
    query = CaseQuery(
        status=filters.status or "",
        service=filters.service or "",
        team=filters.team,
        updated_since=filters.updated_since,
    )
    offset = (filters.page - 1) * filters.limit
    cases, count = case_page_for_staff(
        user=_staff(request), query=query, offset=offset, limit=filters.limit
    )
    more = offset + len(cases) < count
    return {
        "count": count,
        "next": _page_link(request, filters, filters.page + 1) if more else None,
        "previous": _page_link(request, filters, filters.page - 1) if filters.page > 1 else None,
        "results": [present.case_summary(case, request) for case in cases],
    }


@cases_router.get(
    "/{reference}",
    response={200: CaseOut, **_errors(404, 422)},
    url_name="case_detail",
    operation_id="case_detail",
    summary="One case",
)
def case_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    """A case you may see, with the reporter's details and the answers (an audited read).
    404 when there is no such case and when you may not see it."""
    case = case_for_staff(user=_staff(request), reference=reference)
    return present.case_detail(case, request)


@cases_router.post(
    "",
    response={200: CaseOut, 201: CaseOut, **_errors(400, 409, 422)},
    url_name="case_create",
    operation_id="case_create",
    summary="Raise a case",
)
def case_create(
    request: HttpRequest,
    response: HttpResponse,
    payload: CaseCreateIn,
    headers: Header[CaseCreateHeaders],
) -> Status[dict[str, Any]]:
    """Raise a case for a resident, on the channel they used, as staff of the organisation
    that owns the service. Answers are checked by the service's form, as on the web.
    201 with the new case; 200 with the first case when the `Idempotency-Key` was used
    before."""
    user = _staff(request)
    reporter = payload.reporter
    case, created = api_case_create(
        user=user,
        request=CaseRequest(
            service_code=payload.service_code,
            channel=str(payload.channel),
            answers=payload.answers,
            latitude=payload.location.latitude if payload.location else None,
            longitude=payload.location.longitude if payload.location else None,
            uprn=payload.uprn,
            reporter_name=reporter.name.strip() if reporter else "",
            reporter_email=reporter.email.strip() if reporter else "",
            reporter_phone=reporter.phone.strip() if reporter else "",
        ),
        idempotency_key=headers.idempotency_key,
    )
    case = Case.objects.select_related(
        "organisation", "service", "team", "assignee", "resident", "property", "street", "ward"
    ).get(pk=case.pk)
    response["Location"] = present.case_summary(case, request)["url"]
    if not created:
        response["Idempotent-Replayed"] = "true"
    return Status(201 if created else 200, present.case_detail(case, request))


@cases_router.get(
    "/{reference}/events",
    response={200: EventList, **_errors(404, 422)},
    url_name="case_events",
    operation_id="case_events",
    summary="A case's timeline",
)
def case_events(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Oldest first. Internal events (notes, routing, assignment, the resident's replies) are
    shown only to those who work the case or audit it."""
    user = _staff(request)
    case = case_for_staff(user=user, reference=reference)
    events = case_events_for_staff(user=user, case=case)
    return {"reference": case.reference, "results": [present.event_out(e) for e in events]}


@cases_router.post(
    "/{reference}/updates",
    response={201: CaseOut, **_errors(400, 404, 409, 422)},
    url_name="case_update",
    operation_id="case_update",
    summary="Add a public update or an internal note",
)
def case_update(request: HttpRequest, reference: str, payload: UpdateIn) -> Status[dict[str, Any]]:
    """A public update is sent to the resident and followers; an internal note is for staff
    only. 409 `stale` when the case changed since the `version` you send."""
    user = _staff(request)
    case = case_for_staff(user=user, reference=reference, audit=None)
    if payload.kind == "internal_note":
        with _audited(user, case, "case.note"):
            _allowed(user, Action.ADD_NOTE, case)
            case_note_add(
                case=case, actor=user, body=payload.body, expected_version=payload.version
            )
    else:
        with _audited(user, case, "case.public_update"):
            _allowed(user, Action.PUBLIC_UPDATE, case)
            case_public_update(
                case=case, actor=user, body=payload.body, expected_version=payload.version
            )
    case.refresh_from_db()
    return Status(201, present.case_detail(case, request))


@cases_router.post(
    "/{reference}/status",
    response={200: CaseOut, **_errors(400, 404, 409, 422)},
    url_name="case_status",
    operation_id="case_status",
    summary="Change a case's status",
)
def case_status(request: HttpRequest, reference: str, payload: StatusIn) -> dict[str, Any]:
    """Move a case to another status; a `message` is sent to the resident as a public update.
    Closing (to a closed status) needs the `close` permission and a message saying what was
    done. 409 `stale` when the case changed since the `version` you send."""
    user = _staff(request)
    case = case_for_staff(user=user, reference=reference, audit=None)
    status = str(payload.status.value)
    if case.is_open and status in CLOSED_STATUSES:
        with _audited(user, case, "case.close"):
            _allowed(user, Action.CLOSE, case)
            if not payload.message.strip():
                raise ApiError.one(
                    422, ErrorCode.REQUIRED, _("Enter what was done"), field="message"
                )
            case_close(
                case=case,
                actor=user,
                resolution=payload.message,
                status=status,
                expected_version=payload.version,
            )
    else:
        with _audited(user, case, "case.status_change"):
            _allowed(user, Action.CHANGE_STATUS, case)
            case_status_change(
                case=case,
                status=status,
                actor=user,
                public_message=payload.message,
                expected_version=payload.version,
            )
    case.refresh_from_db()
    return present.case_detail(case, request)


api.add_router("/services", services_router)
api.add_router("/cases", cases_router)
