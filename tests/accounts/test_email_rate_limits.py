"""Limits on the emails anyone can ask for: confirmation links, "you already have an
account" and password reset links, per email address and per IP address, kept in the
database so that they hold across web processes."""

from __future__ import annotations

import logging
from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from borough.accounts.models import EmailSend, EmailSendKind
from borough.accounts.signin import (
    EMAIL_SENDS_PER_ADDRESS,
    EMAIL_SENDS_PER_IP,
    email_send_claim,
)
from tests.accounts.conftest import PASSWORD, html

HOME_IP = "192.0.2.10"
OTHER_IP = "198.51.100.7"


def ask_reset(client: Client, capture, email: str, ip: str = HOME_IP):
    with capture(execute=True):
        return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=ip)


def subjects(mailoutbox) -> list[tuple[list[str], str]]:
    return [(message.to, message.subject) for message in mailoutbox]


def test_a_fourth_reset_email_within_the_hour_is_not_sent_and_the_page_looks_the_same(
    client, make_resident, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    make_resident(email="alex@example.com")
    for _ in range(EMAIL_SENDS_PER_ADDRESS):
        response = ask_reset(client, django_capture_on_commit_callbacks, "alex@example.com")
        assert response["Location"] == "/password-reset/check-your-email/"
    assert len(mailoutbox) == 3
    sent_page = html(client.get("/password-reset/check-your-email/"))

    with caplog.at_level(logging.WARNING, logger="borough.accounts.signin"):
        response = ask_reset(client, django_capture_on_commit_callbacks, "Alex@Example.com")
    # The same answer as when it is sent: nothing says an account exists, or a limit.
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/check-your-email/"
    assert html(client.get(response["Location"])) == sent_page
    assert len(mailoutbox) == 3
    held = EmailSend.objects.get(sent=False)
    assert (held.kind, held.email, held.ip) == (
        EmailSendKind.PASSWORD_RESET,
        "alex@example.com",
        HOME_IP,
    )
    assert [(r.getMessage(), r.limit, r.kind) for r in caplog.records] == [
        ("email_rate_limited", "email", "password_reset")
    ]

    # From another IP address it is still the same address: held back too.
    ask_reset(client, django_capture_on_commit_callbacks, "alex@example.com", ip=OTHER_IP)
    assert len(mailoutbox) == 3

    # An hour after the first ones, the resident can ask again.
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        ask_reset(client, django_capture_on_commit_callbacks, "alex@example.com")
    assert len(mailoutbox) == 4


def test_one_ip_address_can_ask_for_20_emails_an_hour_whatever_the_addresses(
    client, make_resident, mailoutbox, django_capture_on_commit_callbacks
):
    emails = [f"resident{n}@example.com" for n in range(EMAIL_SENDS_PER_IP + 1)]
    for email in emails:
        make_resident(email=email)
    for email in emails[:EMAIL_SENDS_PER_IP]:
        ask_reset(client, django_capture_on_commit_callbacks, email)
    assert len(mailoutbox) == EMAIL_SENDS_PER_IP

    response = ask_reset(client, django_capture_on_commit_callbacks, emails[-1])
    assert response["Location"] == "/password-reset/check-your-email/"
    assert len(mailoutbox) == EMAIL_SENDS_PER_IP
    assert EmailSend.objects.filter(sent=False).get().email == emails[-1]

    # Someone else, elsewhere, is not held back by it.
    ask_reset(client, django_capture_on_commit_callbacks, emails[-1], ip=OTHER_IP)
    assert mailoutbox[-1].to == [emails[-1]]


def test_an_address_without_an_account_sends_nothing_and_counts_nothing(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(5):
        ask_reset(client, django_capture_on_commit_callbacks, "nobody@example.com")
    assert mailoutbox == []
    assert EmailSend.objects.count() == 0


def register(client: Client, capture, email: str, password: str = PASSWORD, ip: str = HOME_IP):
    with capture(execute=True):
        return client.post(
            "/register/",
            {"full_name": "Alex Smith", "email": email, "password": password},
            REMOTE_ADDR=ip,
        )


def test_sign_up_and_send_again_share_the_limit_on_confirmation_emails(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    response = register(client, django_capture_on_commit_callbacks, "alex@example.com")
    assert response["Location"] == "/register/check-your-email/"
    client.login(username="alex@example.com", password=PASSWORD)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/verify-email/send-again/", REMOTE_ADDR=HOME_IP)
        assert response.status_code == 302
    # The resident is told the link was sent each time, but only 3 went.
    assert subjects(mailoutbox) == [(["alex@example.com"], "Confirm your email address")] * 3
    assert "sent a new link to alex@example.com" in html(client.get("/account/"))
    assert EmailSend.objects.filter(kind=EmailSendKind.CONFIRM, sent=False).count() == 1

    # Signing up again with the address: "you already have an account" counts with them.
    register(Client(), django_capture_on_commit_callbacks, "alex@example.com", "another one!!")
    assert len(mailoutbox) == 3

    # Reset emails are counted apart: the resident can still reset their password.
    ask_reset(Client(), django_capture_on_commit_callbacks, "alex@example.com")
    assert subjects(mailoutbox)[-1] == (["alex@example.com"], "Reset your password")


def test_changing_email_address_is_limited_per_new_address(
    make_resident, mailoutbox, django_capture_on_commit_callbacks
):
    from borough.accounts.services import resident_email_change

    residents = [make_resident(email=f"r{n}@example.com") for n in range(4)]
    for resident in residents:
        with django_capture_on_commit_callbacks(execute=True):
            # Each says its new address is the victim's: only 3 links reach it.
            assert (
                resident_email_change(
                    user=resident, email="victim@example.com", base_url="http://testserver"
                )
                == "victim@example.com"
            )
    assert len(mailoutbox) == 3


def test_the_claim_counts_only_what_was_sent_before_it_and_forgets_after_a_day(db):
    now = timezone.now()
    claims = [
        email_send_claim(kind=EmailSendKind.CONFIRM, email="a@example.com", ip=None, now=now)
        for _ in range(5)
    ]
    assert claims == [True, True, True, False, False]
    assert EmailSend.objects.filter(sent=True).count() == 3
    assert email_send_claim(
        kind=EmailSendKind.PASSWORD_RESET, email="a@example.com", ip=None, now=now
    )
    later = now + timedelta(days=1, minutes=1)
    assert email_send_claim(kind=EmailSendKind.CONFIRM, email="b@example.com", ip=None, now=later)
    # The rows of a day ago (email and IP addresses) are gone.
    assert list(EmailSend.objects.values_list("email", flat=True)) == ["b@example.com"]
