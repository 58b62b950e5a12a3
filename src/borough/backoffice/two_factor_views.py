"""The pages that set up an authenticator app and ask for its code (see `two_factor`).

Both come after the password (the user is signed in) and before the rest of the back office,
which `staff_view` keeps closed to a session that must give a code and has not.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from borough.backoffice.access import safe_next, staff_view_before_two_factor
from borough.backoffice.forms import CodeForm
from borough.backoffice.two_factor import (
    code_verify,
    confirmed_device,
    device_confirm,
    device_for_setup,
    is_verified,
    session_verify,
    setup_details,
)
from borough.backoffice.views import _user


def _next(request: HttpRequest) -> str:
    return safe_next(
        request,
        request.POST.get("next") or request.GET.get("next"),
        reverse("backoffice:queues"),
    )


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


@sensitive_post_parameters("code")
@staff_view_before_two_factor
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: "Enter the 6-digit code from your authenticator app"."""
    user = _user(request)
    target = _next(request)
    if is_verified(request):
        return redirect(target)
    if confirmed_device(user) is None:
        return redirect(_with_next("backoffice:two_factor_setup", target))
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                device = code_verify(user=user, code=form.cleaned_data["code"])
            except ValueError as exc:
                form.add_error("code", str(exc))
            else:
                session_verify(request, device)
                return redirect(target)
        status = 400
    return render(
        request,
        "backoffice/two_factor_verify.html",
        {"form": form, "errors": form.error_list(), "next": target},
        status=status,
    )


@sensitive_post_parameters("code")
@staff_view_before_two_factor
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code or type the key, then give a code.

    Only while the user has no app set up: replacing one takes an administrator (who removes
    the old one), so that a stolen password alone can never enrol a new app."""
    user = _user(request)
    target = _next(request)
    if confirmed_device(user) is not None:
        if is_verified(request):
            messages.success(request, "Your authenticator app is already set up")
            return redirect(target)
        return redirect(_with_next("backoffice:two_factor", target))
    device = device_for_setup(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                confirmed = device_confirm(user=user, code=form.cleaned_data["code"])
            except ValueError as exc:
                form.add_error("code", str(exc))
            else:
                session_verify(request, confirmed)
                messages.success(request, "Your authenticator app is set up")
                return redirect(target)
        status = 400
    return render(
        request,
        "backoffice/two_factor_setup.html",
        {
            "form": form,
            "errors": form.error_list(),
            "next": target,
            "setup": setup_details(device),
        },
        status=status,
    )
