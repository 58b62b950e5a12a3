"""Who may call the internal API: staff, by personal token or by back-office session."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from borough.accounts.services import staff_membership_remove
from borough.api.models import ApiToken
from borough.api.selectors import token_hash
from borough.api.services import ApiTokenError, api_token_create, api_token_revoke
from borough.cases.models import Case, CaseEvent
from tests.api.conftest import ApiClient

CASES = "/api/v1/cases"
SERVICES = "/api/v1/services"


def _errors(response) -> list[dict]:
    body = response.json()
    assert set(body) == {"errors"}
    for item in body["errors"]:
        assert set(item) == {"code", "message", "field"}
    return body["errors"]


def test_no_credentials_is_401_in_the_standard_shape(db):
    response = ApiClient().get(SERVICES)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    [error] = _errors(response)
    assert error["code"] == "not_signed_in"


def test_a_wrong_token_is_401(world):
    response = ApiClient("brg_not-a-real-token").get(SERVICES)

    assert response.status_code == 401
    assert _errors(response)[0]["code"] == "token_invalid"


def test_a_revoked_token_is_401_even_beside_a_signed_in_session(world):
    token, raw = api_token_create(user=world.caseworker, name="Revoked")
    client = Client()
    client.force_login(world.caseworker)
    api = ApiClient(raw, client=client)
    assert api.get(SERVICES).status_code == 200

    api_token_revoke(token=token)
    response = api.get(SERVICES)

    assert response.status_code == 401
    assert _errors(response)[0]["code"] == "token_invalid"


def test_a_token_works_and_records_when_it_was_last_used(world, token_for):
    raw = token_for(world.caseworker)
    token = ApiToken.objects.get(token_hash=token_hash(raw))
    assert token.last_used_at is None

    response = ApiClient(raw).get(SERVICES)

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Only the hash is stored, never the token.
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    assert raw.startswith(token.prefix)


def test_a_token_of_someone_no_longer_on_the_staff_is_403(world, token_for):
    raw = token_for(world.caseworker)
    staff_membership_remove(user=world.caseworker, team=world.team, role="caseworker")

    response = ApiClient(raw).get(SERVICES)

    assert response.status_code == 403
    assert _errors(response)[0]["code"] == "not_staff"


def test_residents_cannot_have_tokens_and_their_session_is_403(world, make_resident):
    resident = make_resident()
    with pytest.raises(ApiTokenError):
        api_token_create(user=resident, name="Mine")
    client = Client()
    client.force_login(resident)

    response = ApiClient(client=client).get(CASES)

    assert response.status_code == 403
    assert _errors(response)[0]["code"] == "not_staff"
    assert not ApiToken.objects.exists()


def test_a_staff_session_works(world):
    client = Client()
    client.force_login(world.caseworker)

    response = ApiClient(client=client).get(SERVICES)

    assert response.status_code == 200


def test_a_session_that_has_not_given_its_two_factor_code_is_403_but_a_token_works(
    world, settings, token_for
):
    settings.STAFF_TWO_FACTOR = True
    client = Client()
    client.force_login(world.caseworker)

    response = ApiClient(client=client).get(SERVICES)

    assert response.status_code == 403
    assert _errors(response)[0]["code"] == "two_factor_required"
    assert ApiClient(token_for(world.caseworker)).get(SERVICES).status_code == 200


def test_a_session_post_needs_the_csrf_token(world, make_case):
    case = make_case(world.service)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.caseworker)
    body = {"kind": "internal_note", "body": "Checked on site", "version": case.version}
    url = f"{CASES}/{case.reference}/updates"

    refused = client.post(url, json.dumps(body), content_type="application/json")

    assert refused.status_code == 403
    assert _errors(refused)[0]["code"] == "csrf_failed"
    assert not CaseEvent.objects.filter(case=case, kind="internal_note").exists()

    client.get("/api/v1/services")  # any page: sets the CSRF cookie
    client.get("/staff/")
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        url, json.dumps(body), content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.content
    assert CaseEvent.objects.filter(case=case, kind="internal_note").count() == 1


def test_a_token_post_needs_no_csrf_token(world, make_case, token_for):
    case = make_case(world.service)
    client = Client(enforce_csrf_checks=True)
    body = {"kind": "internal_note", "body": "Checked on site", "version": case.version}

    response = ApiClient(token_for(world.caseworker), client=client).post(
        f"{CASES}/{case.reference}/updates", body
    )

    assert response.status_code == 201


def test_the_command_prints_a_token_once_and_stores_its_hash(world):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "api_token_create",
        email="CASEY@casterbridge.example",
        name="Repairs",
        stdout=out,
        stderr=err,
    )

    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.token_hash == token_hash(raw)
    assert token.user == world.caseworker
    assert token.name == "Repairs"
    assert raw not in err.getvalue()
    assert ApiClient(raw).get(SERVICES).status_code == 200


def test_the_command_refuses_unknown_people_and_residents(world, make_resident):
    resident = make_resident()
    with pytest.raises(CommandError):
        call_command("api_token_create", email="nobody@example.org", name="X", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("api_token_create", email=resident.email, name="X", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_the_revoke_command_stops_a_token(world, token_for):
    raw = token_for(world.caseworker)
    out = io.StringIO()

    call_command("api_token_revoke", prefix=raw[:12], stdout=out)

    assert ApiToken.objects.get().revoked_at is not None
    assert ApiClient(raw).get(SERVICES).status_code == 401


def test_revoking_twice_keeps_the_first_time(world):
    token, _raw = api_token_create(user=world.caseworker, name="Twice")
    first = api_token_revoke(token=token).revoked_at
    assert first is not None and first <= timezone.now()

    assert api_token_revoke(token=token).revoked_at == first


def test_refused_calls_change_nothing(world, make_case):
    case = make_case(world.service)
    before = (Case.objects.count(), CaseEvent.objects.count())
    api = ApiClient("brg_wrong")

    api.post(CASES, {"service_code": world.service.code, "answers": {"kind": "small"}})
    api.post(f"{CASES}/{case.reference}/status", {"status": "in_progress", "version": case.version})

    assert (Case.objects.count(), CaseEvent.objects.count()) == before
