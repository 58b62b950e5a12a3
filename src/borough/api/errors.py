"""One shape for every error the internal API answers with.

    {"errors": [{"code": "stale", "message": "This case was changed ...", "field": null}]}

`code` is one of `ErrorCode` (stable, for programs), `message` is GOV.UK-style words (for
people) and `field` names the request field at fault, when there is one ("version",
"answers.kind", "reporter.email"). The handlers here turn every exception an endpoint can
raise (ours, the case services', ninja's request validation, Http404, PermissionDenied) into
that shape, so no endpoint builds an error body by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from borough.cases.services import CaseError, CaseInvalid, CaseStale

if TYPE_CHECKING:
    from ninja import NinjaAPI


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    NOT_SIGNED_IN = "not_signed_in"
    TOKEN_INVALID = "token_invalid"  # noqa: S105 (an error code)
    FORBIDDEN = "forbidden"
    NOT_STAFF = "not_staff"
    TWO_FACTOR_REQUIRED = "two_factor_required"
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    REQUIRED = "required"
    STALE = "stale"
    CLOSED = "closed"
    NOT_ALLOWED = "not_allowed"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    THROTTLED = "throttled"


class ApiError(Exception):
    """Raise from an endpoint (or auth) to answer `status` with `errors` (`error_item`s)."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "")
        self.status = status
        self.errors = errors

    @classmethod
    def one(
        cls, status: int, code: ErrorCode, message: str, *, field: str | None = None
    ) -> ApiError:
        return cls(status, [error_item(code, message, field)])


def error_item(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"code": str(code), "message": str(message), "field": field}


def error_body(errors: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"errors": list(errors)}


def field_errors(errors: Mapping[str, str], *, prefix: str = "") -> list[dict[str, Any]]:
    """Errors by field name (as the case services raise them) in the standard shape."""
    return [
        error_item(ErrorCode.INVALID, message, f"{prefix}{field}" if field else None)
        for field, message in errors.items()
    ]


# -- Request validation (ninja/pydantic) -----------------------------------------------------

# Where ninja says a value came from; dropped from the field name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: Iterable[Any]) -> str | None:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    # A request body is one argument named after its schema ("payload"): drop it too.
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or None


def _validation_message(error: Mapping[str, Any], field: str | None) -> str:
    kind = str(error.get("type", ""))
    name = (field or "").rsplit(".", 1)[-1].replace("_", " ") or _("the request body")
    if kind == "missing":
        return _("Enter %(name)s") % {"name": name}
    ctx = error.get("ctx") or {}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("%(name)s must be %(limit)s or more") % {
            "name": name.capitalize(),
            "limit": ctx.get("ge", ctx.get("gt")),
        }
    if kind in {"less_than_equal", "less_than"}:
        return _("%(name)s must be %(limit)s or less") % {
            "name": name.capitalize(),
            "limit": ctx.get("le", ctx.get("lt")),
        }
    if kind == "string_too_long":
        return _("%(name)s must be %(limit)s characters or fewer") % {
            "name": name.capitalize(),
            "limit": ctx.get("max_length"),
        }
    message = str(error.get("msg", "")) or _("Enter a valid value")
    # pydantic prefixes messages from our own validators with "Value error, ".
    return message.removeprefix("Value error, ")


def validation_errors(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    items = []
    for error in raw:
        field = _field_name(error.get("loc", ()))
        code = ErrorCode.REQUIRED if error.get("type") == "missing" else ErrorCode.INVALID
        items.append(error_item(code, _validation_message(error, field), field))
    return items or [error_item(ErrorCode.INVALID, _("Check the request and try again"))]


# -- Handlers --------------------------------------------------------------------------------

_HTTP_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_SIGNED_IN,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    409: ErrorCode.NOT_ALLOWED,
    422: ErrorCode.INVALID,
    429: ErrorCode.THROTTLED,
}


def _respond(
    api: NinjaAPI, request: HttpRequest, status: int, errors: list[dict[str, Any]]
) -> HttpResponse:
    response = api.create_response(request, error_body(errors), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's error handlers with ones answering in the standard shape."""

    def on_api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, exc.status, exc.errors)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 422, validation_errors(exc.errors))

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = exc.status_code
        if isinstance(exc, AuthenticationError):
            message = _("Sign in, or send a valid API token in the Authorization header")
        elif status == 403 and "CSRF" in exc.message:
            return _respond(
                api,
                request,
                403,
                [error_item(ErrorCode.CSRF_FAILED, _("Send the CSRF token with the request"))],
            )
        elif status == 400:
            message = _("The request body must be JSON")
        else:
            message = exc.message
        code = _HTTP_CODES.get(status, ErrorCode.BAD_REQUEST)
        return _respond(api, request, status, [error_item(code, message)])

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 404, [error_item(ErrorCode.NOT_FOUND, _("Not found"))])

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        message = _("You do not have permission to do that")
        return _respond(api, request, 403, [error_item(ErrorCode.FORBIDDEN, message)])

    def on_case_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, CaseInvalid):
            return _respond(api, request, 422, field_errors(exc.errors))
        if isinstance(exc, CaseStale):
            return _respond(api, request, 409, [error_item(ErrorCode.STALE, exc.message)])
        return _respond(api, request, 409, [error_item(str(exc.code), exc.message)])

    # (ninja types handlers' second argument loosely, as the exception or its class: `Any`.)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(CaseError, on_case_error)
