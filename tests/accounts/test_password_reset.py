"""Resetting a forgotten password: ask, follow the emailed link, set a new one, sign in."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from borough.accounts.models import User
from borough.accounts.services import staff_membership_add, staff_user_create
from borough.accounts.tokens import password_reset_tokens, password_reset_uid
from borough.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD, error_summary, html, link_in

NEW_PASSWORD = "purple lantern orchard"


def ask(client, capture, email: str):
    with capture(execute=True):
        return client.post("/password-reset/", {"email": email})


def test_reset_end_to_end(client, make_resident, mailoutbox, django_capture_on_commit_callbacks):
    resident = make_resident(email="alex@example.com")
    assert client.get("/password-reset/").status_code == 200

    response = ask(client, django_capture_on_commit_callbacks, " Alex@Example.com ")
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/check-your-email/"
    assert "<strong>alex@example.com</strong>" in html(client.get(response["Location"]))
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["alex@example.com"], "Reset your password")
    ]

    # The link puts the token in the session and moves to an address without it.
    link = link_in(mailoutbox[0])
    response = client.get(link)
    assert response.status_code == 302
    set_url = f"/password-reset/{password_reset_uid(resident)}/set-password/"
    assert response["Location"] == set_url
    page = html(client.get(set_url))
    assert "Create a new password" in page and 'autocomplete="new-password"' in page

    response = client.post(set_url, {"password": ""})
    assert error_summary(response) == [("#password", "Enter a new password")]
    response = client.post(set_url, {"password": "short"})
    assert error_summary(response) == [("#password", "Your password must be 10 characters or more")]
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)

    response = client.post(set_url, {"password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/password-reset/done/"
    assert "Your password has been changed" in html(client.get("/password-reset/done/"))
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    # The link proved the address is theirs.
    assert resident.email_verified_at is not None
    assert AuditEntry.objects.filter(action="account.password_reset").count() == 1

    # The link works once.
    response = client.get(link)
    assert response.status_code == 400 and "The link is not valid" in html(response)
    assert client.get(set_url).status_code == 400

    response = Client().post("/sign-in/", {"email": "alex@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_the_same_answer_when_no_account_has_the_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    response = ask(client, django_capture_on_commit_callbacks, "nobody@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/check-your-email/"
    assert mailoutbox == []
    page = html(client.get(response["Location"]))
    assert "If <strong>nobody@example.com</strong> belongs to an account" in page


def test_no_reset_for_a_deactivated_account(
    client, make_resident, mailoutbox, django_capture_on_commit_callbacks
):
    resident = make_resident(email="alex@example.com")
    resident.is_active = False
    resident.save()
    response = ask(client, django_capture_on_commit_callbacks, "alex@example.com")
    assert response.status_code == 302
    assert mailoutbox == []


def test_reset_form_errors(client, db, mailoutbox):
    response = client.post("/password-reset/", {"email": ""})
    assert response.status_code == 400
    assert error_summary(response) == [("#email", "Enter your email address")]
    response = client.post("/password-reset/", {"email": "nope"})
    assert error_summary(response) == [
        ("#email", "Enter an email address in the correct format, like name@example.com")
    ]
    assert mailoutbox == []


def test_a_tampered_or_foreign_link_is_refused(client, make_resident):
    alex = make_resident(email="alex@example.com")
    sam = make_resident(email="sam@example.com")
    token = password_reset_tokens.make_token(alex)
    for path in (
        f"/password-reset/{password_reset_uid(alex)}/{token[:-1]}x/",
        f"/password-reset/{password_reset_uid(sam)}/{token}/",
        f"/password-reset/!!!/{token}/",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "The link is not valid" in html(response)
    # Without going through the link first, the set-password page refuses.
    response = client.post(
        f"/password-reset/{password_reset_uid(alex)}/set-password/", {"password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    alex.refresh_from_db()
    assert alex.check_password(PASSWORD)


def test_a_link_older_than_3_days_has_expired(client, make_resident):
    resident = make_resident(email="alex@example.com")
    with time_machine.travel(timezone.now() - timedelta(days=3, minutes=1)):
        token = password_reset_tokens.make_token(resident)
    response = client.get(f"/password-reset/{password_reset_uid(resident)}/{token}/")
    assert response.status_code == 400


def test_staff_without_a_password_can_set_one(
    client, district, make_team, mailoutbox, django_capture_on_commit_callbacks
):
    officer = staff_user_create(email="new@casterbridge.example", full_name="New Officer")
    staff_membership_add(user=officer, team=make_team(district), role="caseworker")
    ask(client, django_capture_on_commit_callbacks, "new@casterbridge.example")
    client.get(link_in(mailoutbox[0]))
    client.post(
        f"/password-reset/{password_reset_uid(officer)}/set-password/", {"password": NEW_PASSWORD}
    )
    officer = User.objects.get(pk=officer.pk)
    assert officer.check_password(NEW_PASSWORD)
