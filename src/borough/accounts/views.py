"""Residents' account pages: register, confirm an email address, sign in and out, reset a
password, see your requests, change your details and delete your account.

Views parse the request, call a service or selector and render. Signing in goes through
`accounts.signin.sign_in_attempt` (lock-out and rate limiting), a resident's case only through
`cases.selectors.case_for_resident`. Pages with personal data are never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from borough.accounts import forms
from borough.accounts.display import (
    case_answers,
    case_question_for_resident,
    case_timeline_for_resident,
)
from borough.accounts.models import ResidentProfile, User
from borough.accounts.services import (
    AccountInvalid,
    email_address_to_confirm,
    email_verification_send,
    email_verify,
    password_reset_request,
    password_reset_set,
    resident_delete,
    resident_email_change,
    resident_profile_update,
    resident_sign_up,
)
from borough.accounts.signin import LOCKED_MESSAGE, SignInOutcome, request_ip, sign_in_attempt
from borough.accounts.tokens import password_reset_tokens, password_reset_user
from borough.cases.models import Case, Status
from borough.cases.selectors import case_for_resident, cases_for_resident
from borough.cases.services import CaseError, CaseInvalid, attachment_add, case_resident_reply
from borough.core.links import site_url
from borough.places.selectors import addresses_for_postcode

View = Callable[..., HttpResponseBase]

PAGE_SIZE = 20
# Session keys.
REGISTERED_EMAIL = "accounts.registered_email"
RESET_EMAIL = "accounts.reset_email"
RESET_TOKEN = "accounts.reset_token"  # noqa: S105


def _safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    form: forms.GovukForm | None = None,
    status: int | None = None,
) -> HttpResponse:
    """Render an account page: with the form's errors for the error summary (and a 400 when
    there are any), and never cached."""
    context = dict(context or {})
    errors = form.error_list() if form is not None and form.is_bound else []
    context.setdefault("form", form)
    context.setdefault("errors", errors)
    if request.user.is_authenticated:
        context.setdefault("to_confirm", email_address_to_confirm(_user(request)))
    response = render(request, template, context, status=status or (400 if errors else 200))
    add_never_cache_headers(response)
    return response


def resident_view(view: View) -> View:
    """Signed-out visitors go to the sign-in page, and come back after signing in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:sign_in"))
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


# -- Registering ---------------------------------------------------------------------------


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = forms.RegisterForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            resident_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                base_url=site_url(),
                ip=request_ip(request),
            )
        except AccountInvalid as exc:
            form.add_errors(exc.errors)
        else:
            request.session[REGISTERED_EMAIL] = form.cleaned_data["email"].strip().lower()
            return redirect("accounts:register_check_email")
    return _page(request, "accounts/register.html", form=form)


@require_GET
def register_check_email(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "accounts/check_email.html",
        {"email": request.session.get(REGISTERED_EMAIL, ""), "purpose": "register"},
    )


@require_GET
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    result = email_verify(token=token)
    return _page(
        request,
        "accounts/verify_email.html",
        {"outcome": str(result.outcome), "verified_user": result.user},
        status=200 if result.ok else 400,
    )


@require_POST
@resident_view
def verify_email_send(request: HttpRequest) -> HttpResponse:
    sent_to = email_verification_send(
        user=_user(request), base_url=site_url(), ip=request_ip(request)
    )
    if sent_to:
        messages.success(request, _("We’ve sent a new link to %(email)s") % {"email": sent_to})  # noqa: RUF001
    target = _safe_next(request, request.POST.get("next"), reverse("accounts:account"))
    return redirect(target)


# -- Signing in and out -------------------------------------------------------------------


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    default = reverse("accounts:account")
    target = _safe_next(request, request.POST.get("next") or request.GET.get("next"), default)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(target)
    form = forms.SignInForm(request.POST if request.method == "POST" else None)
    status = None
    if form.is_bound and form.is_valid():
        result = sign_in_attempt(
            request=request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if result.ok and result.user is not None:
            # login() rotates the session key and the CSRF token.
            login(request, result.user)
            return redirect(target)
        form.add_error("email", result.message)
        status = 429 if result.outcome == SignInOutcome.LOCKED else 400
    return _page(
        request,
        "accounts/sign_in.html",
        {"next": target if target != default else ""},
        form=form,
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:signed_out")


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return _page(request, "accounts/signed_out.html")


# -- Resetting a password -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordResetForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        # The same answer whether or not an account has the address.
        password_reset_request(
            email=form.cleaned_data["email"], base_url=site_url(), ip=request_ip(request)
        )
        request.session[RESET_EMAIL] = form.cleaned_data["email"]
        return redirect("accounts:password_reset_sent")
    return _page(request, "accounts/password_reset.html", form=form)


@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "accounts/check_email.html",
        {"email": request.session.get(RESET_EMAIL, ""), "purpose": "reset"},
    )


@require_GET
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the email. The token is moved into the session and the browser sent on to
    an address without it, so it cannot leak from the address bar or a Referer header."""
    user = password_reset_user(uidb64)
    if user is None or not password_reset_tokens.check_token(user, token):
        return _page(request, "accounts/password_reset_invalid.html", status=400)
    request.session[RESET_TOKEN] = {"uid": uidb64, "token": token}
    return redirect("accounts:password_reset_set", uidb64=uidb64)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def password_reset_new(request: HttpRequest, uidb64: str) -> HttpResponse:
    saved = request.session.get(RESET_TOKEN) or {}
    user = password_reset_user(uidb64) if saved.get("uid") == uidb64 else None
    if user is None or not password_reset_tokens.check_token(user, saved.get("token")):
        return _page(request, "accounts/password_reset_invalid.html", status=400)
    form = forms.SetPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            password_reset_set(user=user, password=form.cleaned_data["password"])
        except AccountInvalid as exc:
            form.add_errors(exc.errors)
        else:
            del request.session[RESET_TOKEN]
            return redirect("accounts:password_reset_done")
    return _page(request, "accounts/password_reset_new.html", {"reset_user": user}, form=form)


@require_GET
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return _page(request, "accounts/password_reset_done.html")


# -- Your requests ---------------------------------------------------------------------------


@require_GET
@resident_view
def account(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(cases_for_resident(user=_user(request)), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return _page(
        request,
        "accounts/requests.html",
        {"page_obj": page_obj, "cases": page_obj.object_list, "nav": "requests"},
    )


def _reply(request: HttpRequest, case: Case, form: forms.RequestReplyForm) -> bool:
    """Send the resident's reply (and its photo, both or neither); False with the form's
    errors when it was refused."""
    if not form.is_valid():
        return False
    photo = form.cleaned_data.get("photo")
    user = _user(request)
    try:
        with transaction.atomic():
            event = case_resident_reply(case=case, body=form.cleaned_data["body"], resident=user)
            if photo is not None:
                attachment_add(
                    case=case,
                    content=photo.content,
                    filename=photo.filename,
                    actor=user,
                    public=False,
                    content_type=photo.content_type,
                    width=photo.width,
                    height=photo.height,
                    event=event,
                )
    except CaseInvalid as exc:
        # A photo the case refused ("file") is the photo field's error.
        form.add_errors({"photo" if key == "file" else key: msg for key, msg in exc.errors.items()})
        return False
    except CaseError as exc:
        form.add_error(None, exc.message)
        return False
    return True


@require_http_methods(["GET", "POST"])
@resident_view
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The resident's own request: its status and what has happened; while the council waits
    for them, its question and a reply form (text and an optional photo)."""
    user = _user(request)
    case = case_for_resident(user=user, reference=reference)
    waiting = case.status == Status.WAITING
    form: forms.RequestReplyForm | None = None
    if request.method == "POST":
        if not waiting:
            # Nothing to reply to (already replied, say, in another tab): nothing is written.
            return redirect("accounts:request", reference=case.reference)
        form = forms.RequestReplyForm(request.POST, request.FILES)
        if _reply(request, case, form):
            messages.success(request, _("Your reply has been sent"))
            return redirect("accounts:request", reference=case.reference)
    elif waiting:
        form = forms.RequestReplyForm()
    return _page(
        request,
        "accounts/request.html",
        {
            "case": case,
            "answers": case_answers(case),
            "timeline": case_timeline_for_resident(case=case, user=user),
            "question": case_question_for_resident(case=case) if waiting else None,
            "reply_form": form,
            "nav": "requests",
        },
        form=form,
    )


# -- Your details -------------------------------------------------------------------------


def _profile(user: User) -> ResidentProfile:
    return ResidentProfile.objects.filter(user=user).select_related(
        "property"
    ).first() or ResidentProfile(user=user)


@require_GET
@resident_view
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _page(
        request,
        "accounts/profile.html",
        {"resident": user, "profile": _profile(user), "nav": "profile"},
    )


def _detail_page(
    request: HttpRequest,
    *,
    form_class: type[forms.GovukForm],
    template: str,
    initial: dict[str, Any],
    save: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A page that changes one of the resident's details and goes back to "Your details"."""
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except AccountInvalid as exc:
                form.add_errors(exc.errors)
            else:
                messages.success(request, done)
                return redirect("accounts:profile")
    else:
        form = form_class(initial=initial)
    return _page(request, template, {"nav": "profile"}, form=form)


@require_http_methods(["GET", "POST"])
@resident_view
def profile_name(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _detail_page(
        request,
        form_class=forms.NameForm,
        template="accounts/profile_name.html",
        initial={"full_name": user.full_name},
        save=lambda data: resident_profile_update(user=user, full_name=data["full_name"]),
        done=_("Your name has been changed"),
    )


@require_http_methods(["GET", "POST"])
@resident_view
def profile_phone(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _detail_page(
        request,
        form_class=forms.PhoneForm,
        template="accounts/profile_phone.html",
        initial={"phone": _profile(user).phone},
        save=lambda data: resident_profile_update(user=user, phone=data["phone"]),
        done=_("Your phone number has been changed"),
    )


@require_http_methods(["GET", "POST"])
@resident_view
def profile_contact(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _detail_page(
        request,
        form_class=forms.ContactForm,
        template="accounts/profile_contact.html",
        initial={"contact_preference": _profile(user).contact_preference},
        save=lambda data: resident_profile_update(
            user=user, contact_preference=data["contact_preference"]
        ),
        done=_("How we contact you has been changed"),
    )


@require_http_methods(["GET", "POST"])
@resident_view
def profile_assistance(request: HttpRequest) -> HttpResponse:
    """Do you need help to use council services? Yes goes on to ask what help."""
    user = _user(request)
    if request.method == "POST":
        form = forms.AssistanceForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["needs_assistance"] == "yes":
                return redirect("accounts:profile_assistance_notes")
            resident_profile_update(user=user, needs_assistance=False)
            messages.success(request, _("The help you need has been changed"))
            return redirect("accounts:profile")
    else:
        needs = _profile(user).needs_assistance
        form = forms.AssistanceForm(initial={"needs_assistance": "yes" if needs else "no"})
    return _page(request, "accounts/profile_assistance.html", {"nav": "profile"}, form=form)


@require_http_methods(["GET", "POST"])
@resident_view
def profile_assistance_notes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _detail_page(
        request,
        form_class=forms.AssistanceNotesForm,
        template="accounts/profile_assistance_notes.html",
        initial={"assistance_notes": _profile(user).assistance_notes},
        save=lambda data: resident_profile_update(
            user=user, needs_assistance=True, assistance_notes=data["assistance_notes"]
        ),
        done=_("The help you need has been changed"),
    )


@require_http_methods(["GET", "POST"])
@resident_view
def profile_address(request: HttpRequest) -> HttpResponse:
    """What is your address? Step 1: the postcode."""
    if request.method == "POST":
        form = forms.PostcodeForm(request.POST)
        if form.is_valid():
            query = urlencode({"postcode": form.cleaned_data["postcode"]})
            return redirect(f"{reverse('accounts:profile_address_choose')}?{query}")
    else:
        form = forms.PostcodeForm(initial={"postcode": request.GET.get("postcode", "")})
    return _page(request, "accounts/profile_address.html", {"nav": "profile"}, form=form)


@require_http_methods(["GET", "POST"])
@resident_view
def profile_address_choose(request: HttpRequest) -> HttpResponse:
    """Step 2: choose the address from the gazetteer's addresses at the postcode."""
    postcode_form = forms.PostcodeForm({"postcode": request.GET.get("postcode", "")})
    if not postcode_form.is_valid():
        return redirect("accounts:profile_address")
    postcode = postcode_form.cleaned_data["postcode"]
    addresses = [(prop.uprn, prop.address) for prop in addresses_for_postcode(postcode)]
    user = _user(request)
    current = _profile(user).property
    form = forms.AddressForm(
        request.POST if request.method == "POST" else None,
        addresses=addresses,
        initial={"uprn": current.uprn if current else None},
    )
    if form.is_bound and form.is_valid():
        try:
            resident_profile_update(user=user, uprn=form.cleaned_data["uprn"])
        except AccountInvalid as exc:
            form.add_errors(exc.errors)
        else:
            messages.success(request, _("Your address has been changed"))
            return redirect("accounts:profile")
    return _page(
        request,
        "accounts/profile_address_choose.html",
        {"nav": "profile", "postcode": postcode, "addresses": addresses},
        form=form,
    )


def _password_problem(request: HttpRequest, password: str) -> str | None:
    """Check the signed-in resident's password again, with the sign-in lock-out."""
    user = _user(request)
    result = sign_in_attempt(request=request, email=user.email, password=password)
    if result.outcome == SignInOutcome.LOCKED:
        return LOCKED_MESSAGE
    if not result.ok or result.user is None or result.user.pk != user.pk:
        return _("Enter the correct password")
    return None


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@resident_view
def email_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.EmailChangeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        problem = _password_problem(request, form.cleaned_data["password"])
        if problem:
            form.add_error("password", problem)
        else:
            try:
                sent_to = resident_email_change(
                    user=user,
                    email=form.cleaned_data["email"],
                    base_url=site_url(),
                    ip=request_ip(request),
                )
            except AccountInvalid as exc:
                form.add_errors(exc.errors)
            else:
                messages.success(
                    request,
                    _("We’ve sent a link to %(email)s. Use it to confirm your new address.")  # noqa: RUF001
                    % {"email": sent_to},
                )
                return redirect("accounts:profile")
    return _page(request, "accounts/email_change.html", {"nav": "profile"}, form=form)


# -- Deleting your account ---------------------------------------------------------------


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@resident_view
def delete(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = forms.DeleteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        problem = _password_problem(request, form.cleaned_data["password"])
        if problem:
            form.add_error("password", problem)
        else:
            try:
                resident_delete(user=user, base_url=site_url())
            except AccountInvalid as exc:
                form.add_errors(exc.errors)
            else:
                logout(request)
                return redirect("accounts:deleted")
    return _page(request, "accounts/delete.html", {"nav": "profile"}, form=form)


@require_GET
def deleted(request: HttpRequest) -> HttpResponse:
    return _page(request, "accounts/deleted.html")
