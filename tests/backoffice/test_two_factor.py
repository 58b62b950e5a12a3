"""Two-factor authentication for staff: setting up an authenticator app, giving its code
after the password, and when it is asked for. Codes come from django-otp's TOTP algorithm."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from borough.backoffice.two_factor import device_for_setup
from tests.backoffice.conftest import PASSWORD

WRONG = "The code is not correct. Check your authenticator app and try again."


def code_for(device: TOTPDevice) -> str:
    """The code the authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code the device will refuse: none of the codes of the nearby time steps."""
    nearby = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0 + drift * device.step, digits=device.digits):06d}"
        for drift in range(-3, 4)
    }
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in nearby)


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def sign_in(user) -> Client:
    client = Client()
    response = client.post("/staff/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def set_up(user) -> TOTPDevice:
    device = device_for_setup(user=user)
    device.confirmed = True
    device.save()
    return device


def test_when_required_staff_without_an_app_are_sent_to_set_one_up(world, make_staff, required):
    officer = make_staff(world.team)
    client = sign_in(officer)
    response = client.get("/staff/queues/mine/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/two-factor/?next=%2Fstaff%2Fqueues%2Fmine%2F"
    response = client.get(response["Location"])
    assert response["Location"] == "/staff/two-factor/set-up/?next=%2Fstaff%2Fqueues%2Fmine%2F"

    response = client.get(response["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Set up two-factor authentication</h1>' in html
    assert '<svg aria-hidden="true" focusable="false" class="borough-qr"' in html
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed is False
    key = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1)
    assert b32decode(key.replace(" ", "")) == device.bin_key
    # Visiting again shows the same key.
    assert key in client.get("/staff/two-factor/set-up/").content.decode()
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    # Until it is set up, no back-office page opens.
    assert client.get("/staff/").status_code == 302

    response = client.post(
        "/staff/two-factor/set-up/", {"code": wrong_code_for(device), "next": "/staff/queues/mine/"}
    )
    assert response.status_code == 400
    assert f'<a href="#code">{WRONG}</a>' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False

    response = client.post(
        "/staff/two-factor/set-up/",
        {"code": code_for(device), "next": "/staff/queues/mine/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/queues/mine/"
    device.refresh_from_db()
    assert device.confirmed is True
    html = client.get("/staff/queues/mine/").content.decode()
    assert "Your authenticator app is set up" in html


def test_when_required_staff_give_the_code_after_their_password(world, make_staff, required):
    officer = make_staff(world.team)
    device = set_up(officer)
    client = sign_in(officer)
    response = client.get("/staff/")
    assert response["Location"] == "/staff/two-factor/?next=%2Fstaff%2F"
    response = client.get(response["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the 6-digit code from your authenticator app</label>" in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    # Someone with only the password cannot set up a second app.
    assert (
        client.get("/staff/two-factor/set-up/")["Location"] == "/staff/two-factor/?next=%2Fstaff%2F"
    )
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    key_before = client.session.session_key
    code = code_for(device)
    response = client.post(
        "/staff/two-factor/", {"code": f"{code[:3]} {code[3:]}", "next": "/staff/"}
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.session.session_key != key_before
    assert client.get("/staff/").status_code == 200
    # The same code cannot be used twice, in another session.
    other = sign_in(officer)
    response = other.post("/staff/two-factor/", {"code": code, "next": "/staff/"})
    assert response.status_code == 400
    assert WRONG in response.content.decode()
    assert other.get("/staff/").status_code == 302


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "The code must be 6 digits"),
        ("12345a", "The code must be 6 digits"),
    ],
)
def test_a_code_that_is_missing_or_malformed_is_refused(world, make_staff, required, code, message):
    officer = make_staff(world.team)
    set_up(officer)
    client = sign_in(officer)
    response = client.post("/staff/two-factor/", {"code": code, "next": "/staff/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Enter the 6-digit code" in html
    assert f'<a href="#code">{message}</a>' in html
    assert 'id="code-error"' in html
    assert client.get("/staff/").status_code == 302


def test_a_wrong_code_is_refused_with_the_govuk_message(world, make_staff, required):
    officer = make_staff(world.team)
    device = set_up(officer)
    client = sign_in(officer)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/staff/two-factor/", {"code": wrong, "next": "/staff/"})
    assert response.status_code == 400
    assert f'<a href="#code">{WRONG}</a>' in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_repeated_wrong_codes_make_the_next_try_wait(world, make_staff, settings):
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    officer = make_staff(world.team)
    device = set_up(officer)
    client = sign_in(officer)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    client.post("/staff/two-factor/", {"code": wrong, "next": "/staff/"})
    response = client.post("/staff/two-factor/", {"code": code_for(device), "next": "/staff/"})
    assert response.status_code == 400
    assert "too many times" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_when_optional_staff_without_an_app_are_not_asked(world, make_staff, settings):
    settings.STAFF_TWO_FACTOR = False
    officer = make_staff(world.team)
    client = sign_in(officer)
    assert client.get("/staff/").status_code == 200
    # They may set one up, and are asked for its code from then on.
    assert client.get("/staff/two-factor/set-up/").status_code == 200
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(
        "/staff/two-factor/set-up/", {"code": code_for(device), "next": "/staff/"}
    )
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    again = sign_in(officer)
    assert again.get("/staff/")["Location"] == "/staff/two-factor/?next=%2Fstaff%2F"


def test_the_code_pages_are_for_signed_in_staff_only(world, make_resident, required):
    response = Client().get("/staff/two-factor/")
    assert response["Location"] == "/staff/sign-in/?next=/staff/two-factor/"
    resident = make_resident()
    client = Client()
    client.force_login(resident)
    assert client.get("/staff/two-factor/").status_code == 403
    assert client.get("/staff/two-factor/set-up/").status_code == 403
    assert not TOTPDevice.objects.filter(user=resident).exists()


def test_a_post_before_the_code_goes_to_the_code_page_and_changes_nothing(
    world, make_staff, make_case, required
):
    officer = make_staff(world.team)
    set_up(officer)
    case = make_case(world.service)
    client = sign_in(officer)
    response = client.post(
        f"/staff/cases/{case.reference}/notes/", {"note-body": "Hi", "note-version": case.version}
    )
    assert response["Location"] == "/staff/two-factor/?next=%2Fstaff%2F"
    assert not case.events.filter(kind="internal_note").exists()


def test_the_next_address_must_be_on_this_site(world, make_staff, required):
    officer = make_staff(world.team)
    device = set_up(officer)
    client = sign_in(officer)
    response = client.post(
        "/staff/two-factor/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/"
