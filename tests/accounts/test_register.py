"""Registering, confirming the email address from the emailed link, and asking for it again."""

# The pages use GOV.UK typography (curly apostrophes and quotes).
# ruff: noqa: RUF001

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from borough.accounts.models import ResidentProfile, User
from borough.accounts.tokens import VERIFY_SALT, email_verify_token
from tests.accounts.conftest import PASSWORD, error_summary, html, link_in

GOOD = {"full_name": "Alex Smith", "email": "Alex@Example.com", "password": PASSWORD}


def register(client, capture, **overrides: str):
    with capture(execute=True):
        return client.post("/register/", {**GOOD, **overrides})


def test_the_register_page(client, db):
    response = client.get("/register/")
    assert response.status_code == 200
    page = html(response)
    assert "Create an account" in page
    assert 'autocomplete="new-password"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_registering_sends_a_confirmation_link(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    response = register(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/register/check-your-email/"
    user = User.objects.get()
    assert (user.email, user.full_name, user.email_verified_at) == (
        "alex@example.com",
        "Alex Smith",
        None,
    )
    assert user.check_password(PASSWORD)
    assert ResidentProfile.objects.filter(user=user).exists()
    # Not signed in: the page looks the same whether or not the address had an account.
    assert "_auth_user_id" not in client.session

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["alex@example.com"]
    assert message.subject == "Confirm your email address"
    assert "stops working after 3 days" in message.body
    assert link_in(message).startswith("/verify-email/")

    page = html(client.get("/register/check-your-email/"))
    assert "Check your email" in page and "<strong>alex@example.com</strong>" in page


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"full_name": "", "email": "", "password": ""},
            [
                ("#full_name", "Enter your full name"),
                ("#email", "Enter your email address"),
                ("#password", "Enter a password"),
            ],
        ),
        (
            {"email": "alex.example.com"},
            [("#email", "Enter an email address in the correct format, like name@example.com")],
        ),
        ({"password": "short"}, [("#password", "Your password must be 10 characters or more")]),
        (
            {"password": "qwertyuiop"},
            [
                (
                    "#password",
                    "Enter a password that is harder to guess. Do not use a common password "
                    "like ‘password123’",
                )
            ],
        ),
        (
            {"password": "73829461057"},
            [("#password", "Your password must include letters or symbols, not only numbers")],
        ),
        (
            {"password": "alex@example.com"},
            [("#password", "Your password must not be like your name or email address")],
        ),
    ],
)
def test_register_errors(client, db, mailoutbox, django_capture_on_commit_callbacks, data, errors):
    response = register(client, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 400
    assert error_summary(response) == errors
    page = html(response)
    assert "<title>Error: Create an account" in page
    # What was typed is kept, except the password.
    if data.get("email"):
        assert f'value="{data["email"]}"' in page
    if data.get("password"):
        assert data["password"] not in page.replace("alex@example.com", "")
    assert User.objects.count() == 0
    assert mailoutbox == []


def test_an_address_with_an_account_looks_the_same_and_its_owner_is_told(
    client, make_resident, mailoutbox, django_capture_on_commit_callbacks
):
    owner = make_resident(email="alex@example.com")
    response = register(client, django_capture_on_commit_callbacks, password="another good one")
    assert response.status_code == 302
    assert response["Location"] == "/register/check-your-email/"
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["alex@example.com"], "You already have an account")
    ]
    assert "/sign-in/" in mailoutbox[0].body and "/password-reset/" in mailoutbox[0].body


def test_an_address_with_an_account_still_shows_the_other_errors(
    client, make_resident, mailoutbox, django_capture_on_commit_callbacks
):
    make_resident(email="alex@example.com")
    response = register(client, django_capture_on_commit_callbacks, password="short")
    assert error_summary(response) == [("#password", "Your password must be 10 characters or more")]
    assert mailoutbox == []


def test_a_signed_in_resident_is_sent_to_their_account(make_resident, signed_in):
    client = signed_in(make_resident())
    assert client.get("/register/")["Location"] == "/account/"


# -- Confirming the address -------------------------------------------------------------------


def test_the_emailed_link_confirms_the_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks)
    response = client.get(link_in(mailoutbox[0]))
    assert response.status_code == 200
    assert "Email address confirmed" in html(response)
    user = User.objects.get()
    assert user.email_verified_at is not None
    first = user.email_verified_at
    # Following it again changes nothing.
    again = client.get(link_in(mailoutbox[0]))
    assert again.status_code == 200 and "Email address confirmed" in html(again)
    user.refresh_from_db()
    assert user.email_verified_at == first


def test_a_link_older_than_3_days_has_expired(make_resident):
    resident = make_resident(email="alex@example.com")
    with time_machine.travel(timezone.now() - timedelta(days=3, minutes=1)):
        token = email_verify_token(user=resident, email=resident.email)
    response = Client().get(f"/verify-email/{token}/")
    assert response.status_code == 400
    assert "The link has expired" in html(response)
    resident.refresh_from_db()
    assert resident.email_verified_at is None


def test_a_link_just_under_3_days_old_still_works(client, make_resident):
    resident = make_resident(email="alex@example.com")
    with time_machine.travel(timezone.now() - timedelta(days=3) + timedelta(minutes=1)):
        token = email_verify_token(user=resident, email=resident.email)
    assert client.get(f"/verify-email/{token}/").status_code == 200
    resident.refresh_from_db()
    assert resident.email_verified_at is not None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_link_is_not_valid(client, make_resident, tamper):
    resident = make_resident(email="alex@example.com")
    token = tamper(email_verify_token(user=resident, email=resident.email))
    response = client.get(f"/verify-email/{token}/")
    assert response.status_code == 400
    assert "The link is not valid" in html(response)
    resident.refresh_from_db()
    assert resident.email_verified_at is None


def test_a_link_signed_for_another_purpose_or_address_is_not_valid(client, make_resident):
    resident = make_resident(email="alex@example.com")
    other_salt = signing.dumps({"u": resident.pk, "e": resident.email}, salt="something-else")
    other_email = signing.dumps({"u": resident.pk, "e": "mallory@example.com"}, salt=VERIFY_SALT)
    for token in (other_salt, other_email):
        response = client.get(f"/verify-email/{token}/")
        assert response.status_code == 400 and "The link is not valid" in html(response)
    resident.refresh_from_db()
    assert resident.email_verified_at is None


# -- Unconfirmed residents ----------------------------------------------------------------------


def test_an_unconfirmed_resident_can_sign_in_and_sees_the_banner(client, make_resident):
    make_resident(email="alex@example.com")
    client.post("/sign-in/", {"email": "alex@example.com", "password": PASSWORD})
    page = html(client.get("/account/"))
    assert "Confirm your email address" in page
    assert "Send the link again" in page
    assert 'action="/verify-email/send-again/"' in page


def test_a_confirmed_resident_sees_no_banner(make_resident, signed_in):
    resident = make_resident()
    resident.email_verified_at = timezone.now()
    resident.save()
    assert "Confirm your email address" not in html(signed_in(resident).get("/account/"))


def test_send_the_link_again(
    make_resident, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    resident = make_resident(email="alex@example.com")
    client = signed_in(resident)
    assert client.get("/verify-email/send-again/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/verify-email/send-again/", {"next": "/account/profile/"})
    assert response["Location"] == "/account/profile/"
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["alex@example.com"], "Confirm your email address")
    ]
    assert "We’ve sent a new link to alex@example.com" in html(client.get("/account/profile/"))
    assert client.get(link_in(mailoutbox[0])).status_code == 200
    resident.refresh_from_db()
    assert resident.email_verified_at is not None


def test_send_the_link_again_does_nothing_once_confirmed(
    make_resident, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    resident = make_resident()
    resident.email_verified_at = timezone.now()
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(resident).post("/verify-email/send-again/")
    assert response["Location"] == "/account/"
    assert mailoutbox == []


def test_send_the_link_again_needs_signing_in(client, db, mailoutbox):
    response = client.post("/verify-email/send-again/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert mailoutbox == []
