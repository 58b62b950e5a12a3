"""Signing in and out, with the lock-out and rate limiting shared with the staff sign-in."""

# The messages use GOV.UK typography (curly apostrophes).
# ruff: noqa: RUF001

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from borough.accounts.models import SignInAttempt
from borough.accounts.signin import (
    LOCKED_MESSAGE,
    WRONG_DETAILS_MESSAGE,
    SignInOutcome,
    sign_in_attempt,
    sign_in_attempts_delete_old,
    sign_in_lock,
)
from tests.accounts.conftest import PASSWORD, error_summary, html

LOCKED = ("#email", LOCKED_MESSAGE)
WRONG = ("#email", WRONG_DETAILS_MESSAGE)


def post_sign_in(client: Client, email: str, password: str, ip: str = "10.0.0.1", **data: str):
    return client.post("/sign-in/", {"email": email, "password": password, **data}, REMOTE_ADDR=ip)


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


# -- The page --------------------------------------------------------------------------------


def test_the_sign_in_page(client, db):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    page = html(response)
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'autocomplete="current-password"' in page
    assert 'href="/password-reset/"' in page and 'href="/register/"' in page
    assert "no-store" in response["Cache-Control"]


def test_signing_in_goes_to_your_requests(make_resident):
    resident = make_resident(email="alex@example.com")
    client = Client(enforce_csrf_checks=True)
    token = client.get("/sign-in/").cookies["csrftoken"].value
    response = client.post(
        "/sign-in/",
        {"email": "  Alex@Example.com ", "password": PASSWORD},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert signed_in_as(client) == str(resident.pk)
    attempt = SignInAttempt.objects.get()
    assert (attempt.email, attempt.succeeded, attempt.blocked) == ("alex@example.com", True, False)


def test_sign_in_refuses_a_post_without_the_csrf_token(make_resident):
    make_resident(email="alex@example.com")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"email": "alex@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert signed_in_as(client) is None
    assert SignInAttempt.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "password", "errors"),
    [
        ("", "", [("#email", "Enter your email address"), ("#password", "Enter your password")]),
        ("alex@example.com", "", [("#password", "Enter your password")]),
        (
            "alex.example.com",
            "a secret password",
            [("#email", "Enter an email address in the correct format, like name@example.com")],
        ),
        ("alex@example.com", "wrong password", [WRONG]),
        ("nobody@example.com", PASSWORD, [WRONG]),
    ],
)
def test_sign_in_errors(client, make_resident, email, password, errors):
    make_resident(email="alex@example.com")
    response = post_sign_in(client, email, password)
    assert response.status_code == 400
    assert error_summary(response) == errors
    page = html(response)
    assert "<title>Error: Sign in" in page
    assert page.count("govuk-form-group--error") == len(errors)
    if password:
        assert password not in page
    assert signed_in_as(client) is None


def test_an_invalid_form_records_no_attempt(client, db):
    post_sign_in(client, "", "")
    post_sign_in(client, "not-an-email", "x")
    assert SignInAttempt.objects.count() == 0


def test_an_inactive_account_cannot_sign_in(client, make_resident):
    resident = make_resident(email="alex@example.com")
    resident.is_active = False
    resident.save()
    response = post_sign_in(client, "alex@example.com", PASSWORD)
    assert response.status_code == 400 and error_summary(response) == [WRONG]
    assert signed_in_as(client) is None


def test_next_is_followed_when_it_is_on_this_site(client, make_resident):
    make_resident(email="alex@example.com")
    response = client.get("/account/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/account/profile/"
    page = html(client.get("/sign-in/?next=/account/profile/"))
    assert '<input type="hidden" name="next" value="/account/profile/">' in page
    response = post_sign_in(client, "alex@example.com", PASSWORD, next="/account/profile/")
    assert response["Location"] == "/account/profile/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_elsewhere_is_ignored(client, make_resident, target):
    make_resident(email="alex@example.com")
    response = post_sign_in(client, "alex@example.com", PASSWORD, next=target)
    assert response.status_code == 302 and response["Location"] == "/account/"


def test_a_signed_in_resident_is_sent_on_from_the_sign_in_page(make_resident, signed_in):
    client = signed_in(make_resident())
    assert client.get("/sign-in/")["Location"] == "/account/"
    assert client.get("/sign-in/?next=/account/profile/")["Location"] == "/account/profile/"


def test_signing_out_is_a_post(make_resident, signed_in):
    client = signed_in(make_resident())
    assert client.get("/sign-out/").status_code == 405
    assert signed_in_as(client) is not None
    response = client.post("/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/signed-out/"
    assert signed_in_as(client) is None
    assert "You’ve signed out" in html(client.get("/signed-out/"))
    assert client.get("/account/").status_code == 302


# -- Lock-out by email address -----------------------------------------------------------------


def test_five_failures_lock_the_email_address_for_15_minutes(client, make_resident):
    make_resident(email="alex@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(4):
            response = post_sign_in(client, "alex@example.com", "wrong password")
            assert response.status_code == 400 and error_summary(response) == [WRONG]
            traveller.shift(timedelta(seconds=30))
        # The fifth failure locks, and says so.
        response = post_sign_in(client, "alex@example.com", "wrong password")
        assert response.status_code == 429 and error_summary(response) == [LOCKED]
        lock_start = timezone.now()

        # The right password is not even checked while locked.
        traveller.shift(timedelta(minutes=14, seconds=59))
        response = post_sign_in(client, "alex@example.com", PASSWORD)
        assert response.status_code == 429 and error_summary(response) == [LOCKED]
        assert signed_in_as(client) is None
        assert SignInAttempt.objects.filter(blocked=True).count() == 1

        # 15 minutes after the lock began, the right password works again.
        traveller.move_to(lock_start + timedelta(minutes=15, seconds=1))
        response = post_sign_in(client, "alex@example.com", PASSWORD)
        assert response.status_code == 302
        assert signed_in_as(client) is not None


def test_tries_during_a_lock_do_not_make_it_longer(client, make_resident):
    make_resident(email="alex@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            post_sign_in(client, "alex@example.com", "wrong password")
        for _ in range(10):
            traveller.shift(timedelta(minutes=1))
            assert post_sign_in(client, "alex@example.com", "wrong").status_code == 429
        traveller.move_to(start + timedelta(minutes=15, seconds=1))
        assert post_sign_in(client, "alex@example.com", PASSWORD).status_code == 302


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client, make_resident):
    make_resident(email="alex@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(8):
            response = post_sign_in(client, "alex@example.com", "wrong password")
            assert response.status_code == 400 and error_summary(response) == [WRONG]
            traveller.shift(timedelta(minutes=4))
        assert post_sign_in(client, "alex@example.com", PASSWORD).status_code == 302


def test_signing_in_starts_the_count_again(make_resident):
    make_resident(email="alex@example.com")
    client = Client()
    for _ in range(4):
        post_sign_in(client, "alex@example.com", "wrong password")
    assert post_sign_in(client, "alex@example.com", PASSWORD).status_code == 302
    client.post("/sign-out/")
    for _ in range(4):
        response = post_sign_in(client, "alex@example.com", "wrong password")
        assert error_summary(response) == [WRONG]
    assert post_sign_in(client, "alex@example.com", PASSWORD).status_code == 302


def test_an_unknown_email_is_locked_with_the_same_message(client, make_resident):
    make_resident(email="alex@example.com")
    known = [post_sign_in(client, "alex@example.com", "wrong") for _ in range(6)]
    unknown = [post_sign_in(client, "nobody@example.com", "wrong") for _ in range(6)]
    for a, b in zip(known, unknown, strict=True):
        assert a.status_code == b.status_code
        assert error_summary(a) == error_summary(b)
    assert [r.status_code for r in unknown] == [400, 400, 400, 400, 429, 429]

    # Apart from the address typed back into the form, the pages are the same.
    def main(response, email: str) -> str:
        page = html(response).replace(email, "X")
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
        return page[page.index("<main") :]

    assert main(known[-1], "alex@example.com") == main(unknown[-1], "nobody@example.com")


def test_the_lock_is_per_email_address(client, make_resident):
    make_resident(email="alex@example.com")
    make_resident(email="sam@example.com")
    for _ in range(5):
        post_sign_in(client, "alex@example.com", "wrong")
    assert post_sign_in(client, "sam@example.com", PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_email_lock_holds_from_any_ip_address(client, make_resident):
    make_resident(email="alex@example.com")
    for n in range(5):
        post_sign_in(client, "alex@example.com", "wrong", ip=f"10.0.1.{n}")
    response = post_sign_in(client, "ALEX@example.com", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 429 and error_summary(response) == [LOCKED]


# -- Rate limit by IP address --------------------------------------------------------------------


def test_twenty_failures_from_one_ip_address_lock_it(client, make_resident):
    make_resident(email="alex@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        # 20 different addresses, 1 failure each: no address is locked, but the IP is.
        for n in range(19):
            response = post_sign_in(client, f"guess{n}@example.com", "wrong", ip="10.9.9.9")
            assert response.status_code == 400
        response = post_sign_in(client, "guess19@example.com", "wrong", ip="10.9.9.9")
        assert response.status_code == 429 and error_summary(response) == [LOCKED]
        response = post_sign_in(client, "alex@example.com", PASSWORD, ip="10.9.9.9")
        assert response.status_code == 429 and error_summary(response) == [LOCKED]
        assert signed_in_as(client) is None
        # Another IP address is not affected.
        assert (
            post_sign_in(Client(), "alex@example.com", PASSWORD, ip="10.9.9.8").status_code == 302
        )
        # After 15 minutes the IP address may try again.
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert post_sign_in(client, "alex@example.com", PASSWORD, ip="10.9.9.9").status_code == 302


def test_signing_in_does_not_reset_the_ip_count(client, make_resident):
    make_resident(email="alex@example.com")
    for n in range(19):
        post_sign_in(client, f"guess{n}@example.com", "wrong", ip="10.9.9.9")
    assert post_sign_in(Client(), "alex@example.com", PASSWORD, ip="10.9.9.9").status_code == 302
    response = post_sign_in(client, "guess19@example.com", "wrong", ip="10.9.9.9")
    assert response.status_code == 429


# -- The shared function -----------------------------------------------------------------------


def test_sign_in_attempt_records_every_try(make_resident):
    resident = make_resident(email="alex@example.com")
    request = RequestFactory().post("/sign-in/", REMOTE_ADDR="192.0.2.7")
    wrong = sign_in_attempt(request=request, email=" Alex@Example.com", password="nope")
    assert (wrong.outcome, wrong.user, wrong.message) == (
        SignInOutcome.WRONG_DETAILS,
        None,
        WRONG_DETAILS_MESSAGE,
    )
    right = sign_in_attempt(request=request, email="alex@example.com", password=PASSWORD)
    assert right.ok and right.user == resident and right.message == ""
    rows = list(SignInAttempt.objects.values_list("email", "ip", "succeeded", "blocked"))
    assert rows == [
        ("alex@example.com", "192.0.2.7", False, False),
        ("alex@example.com", "192.0.2.7", True, False),
    ]


def test_sign_in_lock_reports_when_the_lock_ends(db):
    request = RequestFactory().post("/sign-in/", REMOTE_ADDR="192.0.2.7")
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            result = sign_in_attempt(request=request, email="x@example.com", password="nope")
            traveller.shift(timedelta(seconds=10))
    assert result.outcome == SignInOutcome.LOCKED
    assert result.locked_until == start + timedelta(seconds=40, minutes=15)
    assert sign_in_lock(email="X@example.com", ip=None, now=start + timedelta(minutes=15)) == (
        start + timedelta(seconds=40, minutes=15)
    )
    assert sign_in_lock(email="x@example.com", ip=None, now=start + timedelta(minutes=16)) is None
    assert sign_in_lock(email="y@example.com", ip="192.0.2.7", now=start) is None


def test_a_missing_or_bad_remote_address_is_stored_as_none(db):
    request = RequestFactory().post("/sign-in/", REMOTE_ADDR="not an address")
    sign_in_attempt(request=request, email="x@example.com", password="nope")
    assert SignInAttempt.objects.get().ip is None


def test_old_attempts_are_deleted(db):
    old = SignInAttempt.objects.create(
        email="x@example.com", at=timezone.now() - timedelta(days=31)
    )
    recent = SignInAttempt.objects.create(email="x@example.com")
    assert sign_in_attempts_delete_old() == 1
    assert list(SignInAttempt.objects.all()) == [recent]
    assert not SignInAttempt.objects.filter(pk=old.pk).exists()


# -- The staff sign-in uses the same lock-out ---------------------------------------------------


def test_the_staff_sign_in_is_locked_too(client, district, make_team, make_staff):
    officer = make_staff(make_team(district), email="officer@casterbridge.example")
    for _ in range(4):
        response = client.post("/staff/sign-in/", {"email": officer.email, "password": "wrong"})
        assert response.status_code == 400
    response = client.post("/staff/sign-in/", {"email": officer.email, "password": "wrong"})
    assert response.status_code == 429
    assert LOCKED_MESSAGE in html(response)
    response = client.post("/staff/sign-in/", {"email": officer.email, "password": PASSWORD})
    assert response.status_code == 429
    assert signed_in_as(client) is None
    assert SignInAttempt.objects.filter(email=officer.email).count() == 6


def test_failures_on_either_sign_in_page_count_together(client, district, make_team, make_staff):
    officer = make_staff(make_team(district), email="officer@casterbridge.example")
    for _ in range(3):
        client.post("/staff/sign-in/", {"email": officer.email, "password": "wrong"})
    for _ in range(2):
        post_sign_in(client, officer.email, "wrong")
    response = client.post("/staff/sign-in/", {"email": officer.email, "password": PASSWORD})
    assert response.status_code == 429
