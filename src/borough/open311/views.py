"""The GeoReport v2 server at /open311/v2/, in XML and JSON, with FixMyStreet's extensions.

Views parse, authorise (the API key), call a service or selector and render. Every refusal
is the spec's error list with its HTTP status. The POST endpoints are exempt from CSRF: they
are authenticated by API key, never by a browser's cookies.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from borough.accounts.signin import request_ip
from borough.catalogue.models import Service
from borough.core.models import Organisation
from borough.open311 import selectors, services
from borough.open311.errors import Open311Error, bad_request, forbidden, not_found
from borough.open311.models import ApiKey
from borough.open311.params import (
    date_range,
    list_param,
    request_input,
    text_param,
    update_input,
)
from borough.open311.render import error_response, respond
from borough.open311.statuses import INCOMING_STATUSES

View = Callable[..., HttpResponse]


def open311_view(*methods: str) -> Callable[[View], View]:
    """Allow `methods`, turn every Open311Error into the spec's error response, and never let
    a browser or proxy cache an answer given for an API key."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, *args: Any, fmt: str = "xml", **kwargs: Any
        ) -> HttpResponse:
            if request.method not in methods:
                response = error_response(fmt, 405, [f"Use {' or '.join(methods)}"])
                response["Allow"] = ", ".join(methods)
                return response
            try:
                response = view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = error_response(fmt, error.status, error.descriptions)
            except (RequestDataTooBig, TooManyFieldsSent):
                response = error_response(fmt, 400, ["The request is too large"])
            response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorate


def _data(request: HttpRequest) -> QueryDict:
    """The parameters: the form-encoded body of a POST, else the query string."""
    return request.POST if request.method == "POST" else request.GET


def _jurisdiction(request: HttpRequest) -> Organisation | None:
    problems: list[str] = []
    slug = text_param(_data(request), "jurisdiction_id", 60, problems)
    if problems:
        raise bad_request(*problems)
    if slug is None:
        return None
    organisation = selectors.jurisdiction_by_slug(slug)
    if organisation is None:
        raise not_found(f"jurisdiction_id: there is no jurisdiction {slug}")
    return organisation


def _api_key(request: HttpRequest, *, required: bool, count: bool = True) -> ApiKey | None:
    """The key from the body or the query string, counted against its rate limit (unless
    `count` is false: the service that uses it counts it)."""
    problems: list[str] = []
    raw = text_param(request.POST, "api_key", 200, problems) if request.method == "POST" else None
    raw = raw or text_param(request.GET, "api_key", 200, problems)
    if problems:
        raise forbidden("api_key: the API key is not valid")
    if raw is None:
        if required:
            raise forbidden("api_key: an API key is needed for this request")
        services.anonymous_use(client_ip=request_ip(request))
        return None
    api_key = selectors.apikey_by_key(raw)
    if api_key is None:
        raise forbidden("api_key: the API key is not valid")
    if count:
        services.apikey_use(api_key=api_key)
    return api_key


def _extended(api_key: ApiKey | None) -> bool:
    return bool(api_key and api_key.extended_statuses)


# -- Discovery and services ------------------------------------------------------------------


@open311_view("GET", "HEAD")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    changed = Service.objects.aggregate(latest=Max("updated_at"))["latest"] or timezone.now()
    return respond(fmt, "discovery", selectors.discovery(changeset=changed))


@open311_view("GET", "HEAD")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    _api_key(request, required=False)
    return respond(fmt, "services", selectors.service_list(jurisdiction=jurisdiction))


@open311_view("GET", "HEAD")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    _api_key(request, required=False)
    definition = selectors.service_definition(code=code, jurisdiction=jurisdiction)
    if definition is None:
        raise not_found(f"service_code: there is no service with the code {code}")
    return respond(fmt, "service_definition", definition)


# -- Requests --------------------------------------------------------------------------------


@csrf_exempt
@open311_view("GET", "HEAD", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_post(request, fmt)
    jurisdiction = _jurisdiction(request)
    api_key = _api_key(request, required=False)
    data = request.GET
    problems: list[str] = []
    ids = list_param(data, "service_request_id", problems)
    codes = list_param(data, "service_code", problems)
    statuses = [s.lower() for s in list_param(data, "status", problems)]
    allowed = INCOMING_STATUSES - {"reopen"}
    for status in statuses:
        if status not in allowed:
            problems.append(f"status: {status} is not a status; use open or closed")
    start, end = date_range(data, problems) if not ids else (timezone.now(), timezone.now())
    if problems:
        raise bad_request(*problems)
    cases = selectors.request_list(
        api_key=api_key,
        jurisdiction=jurisdiction,
        filters=selectors.RequestFilters(
            ids=ids, service_codes=codes, start=start, end=end, statuses=statuses
        ),
    )
    rows = selectors.request_rows(cases, extended=_extended(api_key))
    return respond(fmt, "service_requests", rows)


def _request_post(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    api_key = _api_key(request, required=True, count=False)  # request_create counts it
    assert api_key is not None
    try:
        data = request_input(request.POST)
    except Open311Error:
        services.apikey_use(api_key=api_key)
        raise
    created = services.request_create(
        api_key=api_key,
        data=data,
        jurisdiction=jurisdiction,
        idempotency_header=(request.headers.get("Idempotency-Key") or "")[:200] or None,
    )
    service_notice = created.case.service.summary
    row = {
        "service_request_id": created.case.reference,
        "token": created.record.token,
        "service_notice": service_notice,
        "account_id": None,
    }
    return respond(fmt, "service_requests", [row], status=201 if created.created else 200)


@open311_view("GET", "HEAD")
def request_detail(request: HttpRequest, reference: str, fmt: str) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    api_key = _api_key(request, required=False)
    case = selectors.request_one(reference=reference, api_key=api_key, jurisdiction=jurisdiction)
    if case is None:
        raise not_found(f"service_request_id: there is no request {reference}")
    rows = selectors.request_rows([case], extended=_extended(api_key), nearest_address=True)
    return respond(fmt, "service_requests", rows)


@open311_view("GET", "HEAD")
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    _api_key(request, required=False)
    record = selectors.request_by_token(token=token, jurisdiction=jurisdiction)
    if record is None:
        raise not_found("token: there is no request with this token")
    return respond(
        fmt,
        "service_requests",
        [{"service_request_id": record.case.reference, "token": record.token}],
    )


# -- FixMyStreet's servicerequestupdates -------------------------------------------------------


@csrf_exempt
@open311_view("GET", "HEAD", "POST")
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    if request.method == "POST":
        api_key = _api_key(request, required=True)
        assert api_key is not None
        if jurisdiction is not None and jurisdiction.pk != api_key.organisation_id:
            raise forbidden(
                f"jurisdiction_id: this API key is for {api_key.organisation.name}, "
                f"not {jurisdiction.name}"
            )
        data = update_input(request.POST, statuses=INCOMING_STATUSES)
        received = services.update_receive(api_key=api_key, data=data)
        update_id = str(received.event.pk) if received.event is not None else ""
        return respond(
            fmt,
            "service_request_updates",
            [{"update_id": update_id}],
            status=201 if received.created else 200,
        )
    api_key = _api_key(request, required=False)
    problems: list[str] = []
    start, end = date_range(request.GET, problems)
    if problems:
        raise bad_request(*problems)
    events = selectors.update_list(api_key=api_key, jurisdiction=jurisdiction, start=start, end=end)
    rows = selectors.update_rows(events, extended=_extended(api_key))
    return respond(fmt, "service_request_updates", rows)


@open311_view("GET", "HEAD", "POST")
def unknown(request: HttpRequest, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
    raise not_found("There is no such Open311 resource; see /open311/discovery.xml")
