"""CSRF on every resident form: no resident page is exempt, every POST form on the resident
pages carries Django's token, and a POST to any resident page without it is refused (403)
and changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import URLPattern, get_resolver

from borough.accounts.models import ResidentProfile, SignInAttempt, User
from borough.accounts.services import resident_register
from borough.cases.models import Case, CaseEvent, CaseFollower
from borough.cases.services import Submission, case_create, case_request_information
from borough.portal.models import SavedJourney
from tests.conftest import DORCHESTER
from tests.portal.conftest import EVERY_TYPE_FORM, GOOD_ANSWERS, url

PASSWORD = "correct horse battery staple"
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def _resident_patterns() -> list[URLPattern]:
    patterns: list[URLPattern] = []
    for include in get_resolver().url_patterns:
        namespace = getattr(include, "namespace", None)
        if namespace in {"portal", "accounts", "notify"}:
            patterns.extend(p for p in include.url_patterns if isinstance(p, URLPattern))
    return patterns


def test_csrf_middleware_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in django_settings.MIDDLEWARE


def test_no_portal_or_account_page_is_exempt_from_csrf():
    patterns = _resident_patterns()
    assert len(patterns) > 30
    exempt = [
        str(p.pattern)
        for p in patterns
        if getattr(p.callback, "csrf_exempt", False)
        and not p.callback.__module__.startswith("borough.notify")
    ]
    assert exempt == []


def test_only_the_one_click_unsubscribe_is_exempt():
    # RFC 8058: mail clients POST one-click unsubscribes with no token (see notify.views).
    exempt = [p.name for p in _resident_patterns() if getattr(p.callback, "csrf_exempt", False)]
    assert exempt == ["unsubscribe"]


@pytest.fixture
def world(district, make_team, make_service, make_staff, make_property):
    team = make_team(district, "Street cleansing")
    service = make_service(
        district,
        code="report-street-problem",
        name="Report a street problem",
        form=EVERY_TYPE_FORM,
        public_cases=True,
        default_team=team,
    )
    located = make_service(
        district,
        code="report-fly-tipping",
        name="Report fly-tipping",
        needs_location=True,
        public_cases=True,
        default_team=team,
    )
    officer = make_staff(team, "caseworker", email="sam.officer@casterbridge.example")
    home = make_property(paon="1", street_name="High West Street", postcode="DT1 1UZ")
    resident = resident_register(
        email="alex@example.com", full_name="Alex Resident", password=PASSWORD, verified=True
    )
    public = case_create(
        submission=Submission(
            service=located,
            channel="web",
            answers={"kind": "small"},
            reporter_email="rita@example.com",
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
        )
    )
    waiting = case_create(
        submission=Submission(
            service=located,
            channel="web",
            resident=resident,
            answers={"kind": "small"},
            latitude=DORCHESTER[0] + 0.01,
            longitude=DORCHESTER[1],
        )
    )
    case_request_information(
        case=waiting, actor=officer, question="Is it on the pavement?", expected_version=None
    )
    return {
        "service": service,
        "located": located,
        "resident": resident,
        "public": public,
        "waiting": waiting,
        "home": home,
    }


def _post_forms(html: str) -> list[str]:
    return [
        body for attrs, body in FORM_RE.findall(html) if re.search(r'method="post"', attrs, re.I)
    ]


def test_every_post_form_on_the_resident_pages_carries_the_token(world, client):
    service, located = world["service"], world["located"]
    public, waiting = world["public"], world["waiting"]
    pages: list[str] = [f"/reports/{public.reference}/"]
    # Each page of the every-type form, as it is reached.
    for slug, data in GOOD_ANSWERS.items():
        pages.append(url(service, slug))
        assert client.get(url(service, slug)).status_code == 200, slug
        client.post(url(service, slug), data)
    pages += [url(service, "your-details"), url(service, "check")]
    client.post(url(service, "your-details"), {"email": "a@example.com"})
    # The same-problem page of a located service, and the follow page after it.
    client.post(
        url(located, "find-location"),
        {"location-search": "DT1 1UZ", "location-uprn": world["home"].uprn},
    )
    pages.append(url(located, "find-location"))
    pages.append(url(located, "same-problem"))
    client.post(url(located, "same-problem"), {"same": public.reference})
    pages.append(url(located, "get-updates"))
    pages += ["/register/", "/sign-in/", "/password-reset/"]

    signed_in = Client()
    signed_in.force_login(world["resident"])
    account_pages = [
        "/account/",
        f"/account/requests/{waiting.reference}/",
        "/account/profile/name/",
        "/account/profile/phone/",
        "/account/profile/contact/",
        "/account/profile/address/",
        "/account/profile/help/",
        "/account/profile/email/",
        "/account/delete/",
    ]

    forms: dict[str, int] = {}
    for browser, paths in ((client, pages), (signed_in, account_pages)):
        for path in paths:
            response = browser.get(path)
            assert response.status_code == 200, (path, response.get("Location"))
            posted = _post_forms(response.content.decode())
            for body in posted:
                assert 'name="csrfmiddlewaretoken"' in body, path
            forms[path] = len(posted)
    # Every one of these pages has a form that posts; the signed-in ones have the header's
    # "Sign out" as well as their own (Your requests has only "Sign out").
    assert [path for path, count in forms.items() if count == 0] == []
    assert {path: forms[path] for path in account_pages[1:] if forms[path] < 2} == {}


def _snapshot(world: dict[str, Any]) -> tuple[Any, ...]:
    resident = User.objects.get(pk=world["resident"].pk)
    profile = ResidentProfile.objects.get(user=resident)
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        CaseFollower.objects.count(),
        User.objects.count(),
        SavedJourney.objects.count(),
        SignInAttempt.objects.count(),
        len(mail.outbox),
        resident.full_name,
        resident.email,
        resident.pending_email,
        resident.is_active,
        resident.password,
        profile.phone,
        profile.contact_preference,
        profile.needs_assistance,
    )


REFUSED_POSTS = [
    # (signed in, path, data): {service}, {located}, {public} and {waiting} are filled in.
    (False, "/service/{service}/kind/", {"kind": "pothole"}),
    (False, "/service/{service}/check/", {"key": "x"}),
    (False, "/service/{located}/find-location/", {"location-search": "DT1 1UZ"}),
    (False, "/service/{located}/get-updates/", {"email": "b@example.com"}),
    (False, "/reports/{public}/", {"email": "b@example.com"}),
    (True, "/service/{service}/saved-answers/", {"action": "restart"}),
    (True, "/service/{service}/kind/", {"kind": "pothole"}),
    (
        False,
        "/register/",
        {"full_name": "New Person", "email": "new@example.com", "password": PASSWORD},
    ),
    (False, "/sign-in/", {"email": "alex@example.com", "password": PASSWORD}),
    (False, "/password-reset/", {"email": "alex@example.com"}),
    (True, "/sign-out/", {}),
    (True, "/verify-email/send-again/", {}),
    (True, "/account/requests/{waiting}/", {"reply": "Yes, on the pavement"}),
    (True, "/account/profile/name/", {"full_name": "Someone Else"}),
    (True, "/account/profile/phone/", {"phone": "01305 251010"}),
    (True, "/account/profile/contact/", {"contact_preference": "phone"}),
    (True, "/account/profile/address/", {"postcode": "DT1 1UZ"}),
    (True, "/account/profile/help/", {"needs_assistance": "yes"}),
    (True, "/account/profile/email/", {"email": "other@example.com", "password": PASSWORD}),
    (True, "/account/delete/", {"password": PASSWORD}),
]


@pytest.mark.parametrize(("signed_in", "path", "data"), REFUSED_POSTS)
def test_a_post_without_the_token_is_refused_and_changes_nothing(world, signed_in, path, data):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(world["resident"])
    mail.outbox.clear()
    before = _snapshot(world)
    target = path.format(
        service=world["service"].code,
        located=world["located"].code,
        public=world["public"].reference,
        waiting=world["waiting"].reference,
    )

    response = client.post(target, data)

    assert response.status_code == 403, target
    assert _snapshot(world) == before
    if signed_in:
        assert client.session.get("_auth_user_id") == str(world["resident"].pk)
    assert "portal.journeys" not in client.session
