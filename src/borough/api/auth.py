"""Who is calling: a member of staff, by personal bearer token or by their back-office session.

- `Authorization: Bearer brg_...`: a token made with `borough manage api_token_create`. The
  token is its own second factor (it is long, random, stored only as a hash, and revocable),
  so no two-factor code is asked for. A token that is wrong or revoked is refused with 401,
  whatever else the request carries.
- The back-office session cookie: the same sign-in as the staff pages, with the same rule
  for two-factor authentication (`backoffice.two_factor`), and Django's CSRF check on every
  request that changes something.

Either way the caller must be an active member of staff (a role in an active team); the
endpoints then ask the back office's permissions (`core.permissions`) about each case.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from borough.api.errors import ApiError, ErrorCode
from borough.api.selectors import api_token_find
from borough.api.services import api_token_touch
from borough.backoffice.access import is_staff_member
from borough.backoffice.two_factor import is_verified, two_factor_needed

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _not_staff() -> ApiError:
    return ApiError.one(
        403, ErrorCode.NOT_STAFF, _("Only members of council staff can use this API")
    )


class StaffToken(HttpBearer):
    """A personal bearer token of a member of staff."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_find(raw=token.strip())
        if found is None:
            raise ApiError.one(
                401, ErrorCode.TOKEN_INVALID, _("The API token is not correct or was revoked")
            )
        user = found.user
        if not is_staff_member(user):
            raise _not_staff()
        api_token_touch(token=found)
        return user


class StaffSession(APIKeyCookie):
    """The back-office session, with two-factor authentication where the back office asks for
    it, and a CSRF token on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # `csrf` tells the API docs page to send the CSRF token; the check itself is below,
        # made only when there is a signed-in session to protect.
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError.one(
                403, ErrorCode.CSRF_FAILED, _("Send the CSRF token with the request")
            )
        if not is_staff_member(user):
            raise _not_staff()
        if two_factor_needed(user) and not is_verified(request):
            raise ApiError.one(
                403,
                ErrorCode.TWO_FACTOR_REQUIRED,
                _(
                    "Enter the code from your authenticator app in the back office first, "
                    "or use an API token"
                ),
            )
        return user


def staff_auth() -> list[Any]:
    """Token first (so a bad token is refused even beside a session), then the session."""
    return [StaffToken(), StaffSession()]
