"""The door to the back office: signed in, a member of staff, two-factor authentication where
it is needed, and pages that are never cached.

Every back-office view is wrapped in `staff_view`. It sends anyone signed out to the staff
sign-in page, answers 403 to a signed-in user with no staff membership, sends a session that
must give a code from an authenticator app and has not to the code page (`two_factor`), and
turns Http404 and PermissionDenied raised inside a view into GOV.UK-styled pages. The pages
that set up and ask for the code are wrapped in `staff_view_before_two_factor`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from borough.backoffice.two_factor import is_verified, two_factor_needed
from borough.core.tenancy import staff_organisations

View = Callable[..., HttpResponseBase]


def is_staff_member(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and staff_organisations(user).exists()
    )


def page_forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/403.html", status=403)


def page_not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/404.html", status=404)


def two_factor_redirect(request: HttpRequest) -> HttpResponse:
    """To the code page, coming back here afterwards (to the queue after a POST)."""
    target = (
        request.get_full_path()
        if request.method in ("GET", "HEAD")
        else reverse("backoffice:queues")
    )
    return redirect(f"{reverse('backoffice:two_factor')}?{urlencode({'next': target})}")


def staff_view(view: View) -> View:
    return _staff_view(view, two_factor=True)


def staff_view_before_two_factor(view: View) -> View:
    """For the pages that set up and ask for the code: signed in and staff is enough."""
    return _staff_view(view, two_factor=False)


def _staff_view(view: View, *, two_factor: bool) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            response: HttpResponseBase = redirect_to_login(
                request.get_full_path(), reverse("backoffice:sign_in")
            )
        elif not is_staff_member(request.user):
            response = page_forbidden(request)
        elif two_factor and not is_verified(request) and two_factor_needed(request.user):
            response = two_factor_redirect(request)
        else:
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                response = page_not_found(request)
            except PermissionDenied:
                response = page_forbidden(request)
        # Staff pages carry personal data: no copies in caches or the back button.
        add_never_cache_headers(response)
        return response

    return wrapper


def safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
