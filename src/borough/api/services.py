"""Writes of the internal API: its tokens, and raising a case from an integration.

Every change to a case goes through `borough.cases.services`; this module only turns an API
request into the `Submission` that service takes, and its field errors into the API's names.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.models import User
from borough.api.errors import ApiError, ErrorCode, error_item
from borough.api.models import ApiToken
from borough.api.selectors import TOKEN_PREFIX, may_raise_cases, service_for_raising, token_hash
from borough.backoffice.access import is_staff_member
from borough.cases.models import Case
from borough.cases.services import CaseInvalid, Submission, case_create
from borough.catalogue.forms import questions
from borough.catalogue.models import Service

# -- Tokens --------------------------------------------------------------------------------


class ApiTokenError(ValueError):
    pass


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token for a member of staff: the saved token, and the token itself,
    which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ApiTokenError(_("Enter a name for the token"))
    if len(name) > 100:
        raise ApiTokenError(_("The name must be 100 characters or fewer"))
    if not is_staff_member(user):
        raise ApiTokenError(_("Only active members of staff can have API tokens"))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=token_hash(raw), prefix=raw[: len(TOKEN_PREFIX) + 8]
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token working, at once and for good. Revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


# How often a token's last use is written down (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# -- Raising a case ------------------------------------------------------------------------


@dataclass
class CaseRequest:
    """A POST /cases body, parsed."""

    service_code: str
    channel: str
    answers: dict[str, Any] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    uprn: str | None = None
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""


# The case services' names for fields that are not answers, as the API calls them.
_FIELD_NAMES = {
    "service": "service_code",
    "channel": "channel",
    "location": "location",
    "address": "uprn",
    "reporter_email": "reporter.email",
    "resident": "reporter",
}


def _api_field(name: str, question_ids: set[str]) -> str:
    if name in question_ids:
        return f"answers.{name}"
    return _FIELD_NAMES.get(name, name)


def _idempotency_key(user: User, key: str | None) -> str | None:
    # Keys are the caller's own: the same key from two people is two requests.
    return f"api:{user.pk}:{key}" if key else None


def api_case_create(
    *, user: User, request: CaseRequest, idempotency_key: str | None = None
) -> tuple[Case, bool]:
    """Raise a case for a resident as `user`, on the request's channel. Returns the case and
    whether it is new: a request repeated with the same idempotency key returns the first
    case and writes nothing (a different service under the same key is refused).

    Raises ApiError (422) naming each field at fault, and writes nothing, when the request is
    refused.
    """
    if not may_raise_cases(user=user):
        raise ApiError.one(403, ErrorCode.FORBIDDEN, _("You do not have permission to raise cases"))
    service = service_for_raising(user=user, code=request.service_code)
    if service is None:
        raise ApiError.one(
            422,
            ErrorCode.INVALID,
            _("Select a service your organisation provides"),
            field="service_code",
        )
    key = _idempotency_key(user, idempotency_key)
    if key is not None:
        existing = Case.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.service_id != service.pk:
                raise ApiError.one(
                    409,
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    _("This idempotency key was used for a case of another service"),
                    field="Idempotency-Key",
                )
            return existing, False

    errors: list[dict[str, Any]] = []
    if request.reporter_email:
        try:
            validate_email(request.reporter_email)
        except DjangoValidationError:
            errors.append(
                error_item(
                    ErrorCode.INVALID,
                    _("Enter an email address in the correct format, like name@example.com"),
                    "reporter.email",
                )
            )
    if (request.latitude is None) != (request.longitude is None):
        errors.append(
            error_item(ErrorCode.INVALID, _("Give both the latitude and the longitude"), "location")
        )
    if errors:
        raise ApiError(422, errors)

    submission = Submission(
        service=service,
        channel=request.channel,
        answers=request.answers,
        reporter_name=request.reporter_name,
        reporter_email=request.reporter_email,
        reporter_phone=request.reporter_phone,
        latitude=request.latitude,
        longitude=request.longitude,
        uprn=request.uprn or None,
        staff=user,
        idempotency_key=key,
    )
    try:
        case = case_create(submission=submission)
    except CaseInvalid as exc:
        raise _invalid(service, exc) from exc
    # (Two requests racing with one key both get the first case; each calls it new.)
    return case, True


def _invalid(service: Service, exc: CaseInvalid) -> ApiError:
    form = service.current_form
    ids = {q["id"] for q in questions(form.definition)} if form else set()
    return ApiError(
        422,
        [
            error_item(ErrorCode.INVALID, message, _api_field(name, ids))
            for name, message in exc.errors.items()
        ],
    )
