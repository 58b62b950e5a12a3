"""The back-office pages that issue and revoke API keys: administrators of the organisation."""

from __future__ import annotations

from django.test import Client

from borough.core.models import AuditEntry
from borough.open311.models import ApiKey
from borough.open311.selectors import apikey_by_key
from borough.open311.services import apikey_issue

LIST = "/staff/api-keys/"
NEW = "/staff/api-keys/new/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_administrator_issues_a_key_and_sees_it_once(county, make_team, make_staff):
    admin = make_staff(make_team(county), "administrator")
    client = _signed_in(admin)
    form = client.get(NEW)
    assert form.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in form.content
    response = client.post(
        NEW,
        {
            "organisation": county.pk,
            "name": "FixMyStreet",
            "extended_statuses": "yes",
            "rate_limit": "60",
        },
    )
    assert response.status_code == 200
    raw_key = response.context["raw_key"]
    api_key = apikey_by_key(raw_key)
    assert api_key is not None
    assert (api_key.organisation, api_key.name, api_key.extended_statuses, api_key.rate_limit) == (
        county,
        "FixMyStreet",
        True,
        60,
    )
    assert api_key.created_by == admin
    assert raw_key.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    listing = client.get(LIST)
    assert api_key.prefix.encode() in listing.content
    assert raw_key.encode() not in listing.content
    assert AuditEntry.objects.get(action="apikey.issue").actor == admin


def test_form_errors_are_shown_and_nothing_is_issued(county, make_team, make_staff):
    client = _signed_in(make_staff(make_team(county), "administrator"))
    response = client.post(NEW, {"organisation": county.pk, "name": "", "rate_limit": "lots"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter who will use the key" in content
    assert "Requests each minute must be a whole number, like 120" in content
    assert not ApiKey.objects.exists()


def test_caseworker_is_forbidden(county, make_team, make_staff):
    client = _signed_in(make_staff(make_team(county), "caseworker"))
    assert client.get(LIST).status_code == 403
    assert (
        client.post(
            NEW,
            {"organisation": county.pk, "name": "X", "extended_statuses": "no", "rate_limit": "60"},
        ).status_code
        == 403
    )
    assert not ApiKey.objects.exists()


def test_signed_out_goes_to_sign_in(db):
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/")


def test_administrator_cannot_issue_for_another_organisation(
    county, district, make_team, make_staff
):
    client = _signed_in(make_staff(make_team(county), "administrator"))
    response = client.post(
        NEW,
        {"organisation": district.pk, "name": "X", "extended_statuses": "no", "rate_limit": "60"},
    )
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_revoke_asks_then_revokes(county, make_team, make_staff):
    admin = make_staff(make_team(county), "administrator")
    api_key, raw_key = apikey_issue(organisation=county, name="Old app")
    client = _signed_in(admin)
    url = f"/staff/api-keys/{api_key.pk}/revoke/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert b"Revoke the key for Old app" in confirm.content
    assert apikey_by_key(raw_key) is not None
    response = client.post(url)
    assert response.status_code == 302
    assert apikey_by_key(raw_key) is None
    assert ApiKey.objects.get().revoked_by == admin


def test_another_organisations_key_is_not_found(county, district, make_team, make_staff):
    api_key, raw_key = apikey_issue(organisation=district, name="District app")
    client = _signed_in(make_staff(make_team(county), "administrator"))
    assert client.get(f"/staff/api-keys/{api_key.pk}/revoke/").status_code == 404
    assert client.post(f"/staff/api-keys/{api_key.pk}/revoke/").status_code == 404
    assert apikey_by_key(raw_key) is not None
    assert b"District app" not in client.get(LIST).content


def test_revoke_needs_csrf(county, make_team, make_staff):
    admin = make_staff(make_team(county), "administrator")
    api_key, raw_key = apikey_issue(organisation=county, name="App")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post(f"/staff/api-keys/{api_key.pk}/revoke/").status_code == 403
    assert apikey_by_key(raw_key) is not None
