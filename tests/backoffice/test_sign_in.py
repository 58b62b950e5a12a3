"""Staff sign-in and sign-out, and who gets into the back office at all."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.backoffice.conftest import PASSWORD


def error_summary(response) -> str:
    html = response.content.decode()
    start = html.find('class="govuk-error-summary"')
    assert start != -1, "no error summary"
    return html[start : html.find("</ul>", start)]


def test_the_sign_in_page(client, db):
    response = client.get("/staff/sign-in/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'autocomplete="current-password"' in html
    assert "no-store" in response["Cache-Control"]


def test_signing_in_goes_to_the_team_queue(world, make_staff):
    make_staff(world.team, email="officer@casterbridge.example")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/staff/sign-in/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/staff/sign-in/",
        {"email": "  Officer@Casterbridge.example ", "password": PASSWORD},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_sign_in_refuses_a_post_without_the_csrf_token(world, make_staff):
    officer = make_staff(world.team)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/staff/sign-in/", {"email": officer.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("email", "password", "messages"),
    [
        ("", "", ["Enter your email address", "Enter your password"]),
        ("officer@casterbridge.example", "", ["Enter your password"]),
        ("", "whatever", ["Enter your email address"]),
        (
            "officer@casterbridge.example",
            "wrong password",
            ["Enter a correct email address and password"],
        ),
        ("nobody@casterbridge.example", PASSWORD, ["Enter a correct email address and password"]),
    ],
)
def test_sign_in_errors(client, world, make_staff, email, password, messages):
    make_staff(world.team, email="officer@casterbridge.example")
    response = client.post("/staff/sign-in/", {"email": email, "password": password})
    assert response.status_code == 400
    summary = error_summary(response)
    for message in messages:
        assert message in summary
    html = response.content.decode()
    assert html.count('<a href="#') >= len(messages)
    assert "<title>Error: " in html
    # The password is never sent back.
    if password:
        assert password not in html
    assert "_auth_user_id" not in client.session


def test_the_wrong_password_and_an_unknown_email_look_the_same(client, world, make_staff):
    make_staff(world.team, email="officer@casterbridge.example")
    wrong = client.post(
        "/staff/sign-in/", {"email": "officer@casterbridge.example", "password": "nope"}
    )
    unknown = client.post(
        "/staff/sign-in/", {"email": "nobody@casterbridge.example", "password": "nope"}
    )
    assert error_summary(wrong) == error_summary(unknown)


def test_next_is_followed_when_it_is_on_this_site(client, world, make_staff):
    officer = make_staff(world.team)
    response = client.get("/staff/queues/mine/?status=all")
    assert response.status_code == 302
    assert response["Location"] == "/staff/sign-in/?next=/staff/queues/mine/%3Fstatus%3Dall"
    response = client.post(
        "/staff/sign-in/?next=/staff/queues/mine/%3Fstatus%3Dall",
        {"email": officer.email, "password": PASSWORD},
    )
    assert response["Location"] == "/staff/queues/mine/?status=all"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_elsewhere_is_ignored(client, world, make_staff, target):
    officer = make_staff(world.team)
    response = client.post(
        "/staff/sign-in/", {"email": officer.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_an_inactive_user_cannot_sign_in(client, world, make_staff):
    officer = make_staff(world.team)
    officer.is_active = False
    officer.save()
    response = client.post("/staff/sign-in/", {"email": officer.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Enter a correct email address and password" in error_summary(response)


def test_signing_out_is_a_post(world, make_staff, signed_in):
    client = signed_in(make_staff(world.team))
    assert client.get("/staff/sign-out/").status_code == 405
    response = client.post("/staff/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/staff/sign-in/"
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/").status_code == 302
    assert "You have signed out" in client.get("/staff/sign-in/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, world, make_case):
    case = make_case(world.service)
    for path in ("/staff/", f"/staff/cases/{case.reference}/", "/staff/queues/overdue/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/sign-in/?next=")


def test_residents_get_403_on_every_back_office_page(world, make_case, make_resident, signed_in):
    resident = make_resident()
    case = make_case(world.service, resident=resident)
    client = signed_in(resident)
    for path in ("/staff/", "/staff/queues/mine/", f"/staff/cases/{case.reference}/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "You do not have permission" in response.content.decode()
        assert case.reference not in response.content.decode()
    response = client.post(
        f"/staff/cases/{case.reference}/notes/", {"note-body": "Hi", "note-version": 1}
    )
    assert response.status_code == 403
    assert case.events.count() == 2


def test_a_resident_can_sign_in_here_but_is_still_refused(client, world, make_resident):
    resident = make_resident(email="res@example.com")
    response = client.post("/staff/sign-in/", {"email": "res@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 403
    assert resident.pk
