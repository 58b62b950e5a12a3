"""API keys: stored hashed, scoped, rate limited, revoked, issued from the command line."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from borough.core.models import AuditEntry
from borough.open311.errors import Open311Error
from borough.open311.models import ApiKey
from borough.open311.selectors import apikey_by_key
from borough.open311.services import apikey_issue, apikey_revoke, apikey_use
from tests.open311.conftest import BASE, errors_of, pothole_post


def test_key_is_stored_only_as_a_hash(county):
    api_key, raw_key = apikey_issue(organisation=county, name="An app")
    assert raw_key.startswith("b311_") and len(raw_key) > 40
    assert api_key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert api_key.prefix == raw_key[:13]
    assert raw_key not in str(ApiKey.objects.filter(pk=api_key.pk).values().get())
    assert apikey_by_key(raw_key) == api_key
    assert apikey_by_key(raw_key + "x") is None
    entry = AuditEntry.objects.get(action="apikey.issue")
    assert entry.organisation == county
    assert raw_key not in str(entry.detail)


def test_revoked_key_no_longer_works_and_revoking_twice_is_harmless(county):
    api_key, raw_key = apikey_issue(organisation=county, name="An app")
    apikey_revoke(api_key=api_key)
    first = ApiKey.objects.get().revoked_at
    apikey_revoke(api_key=api_key)
    assert ApiKey.objects.get().revoked_at == first
    assert apikey_by_key(raw_key) is None
    assert AuditEntry.objects.filter(action="apikey.revoke").count() == 1


def test_key_of_an_inactive_organisation_does_not_work(county):
    _, raw_key = apikey_issue(organisation=county, name="An app")
    county.is_active = False
    county.save()
    assert apikey_by_key(raw_key) is None


def test_rate_limit_is_a_fixed_window_per_key(county):
    api_key, _ = apikey_issue(organisation=county, name="An app", rate_limit=2)
    now = timezone.now().replace(second=5)
    apikey_use(api_key=api_key, now=now)
    apikey_use(api_key=api_key, now=now)
    try:
        apikey_use(api_key=api_key, now=now)
    except Open311Error as refused:
        assert refused.status == 429
    else:
        raise AssertionError("the third request in a minute was allowed")
    # The next minute starts afresh.
    apikey_use(api_key=api_key, now=now + timedelta(minutes=1))
    used = ApiKey.objects.get()
    assert used.window_start == (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    assert used.window_count == 1
    # The refused request counts as a use, not against the window.
    assert used.use_count == 4
    assert used.last_used_at == now + timedelta(minutes=1)


def test_rate_limited_request_is_429_with_the_error_shape_and_creates_nothing(client, world):
    world.key.rate_limit = 1
    world.key.save()
    first = client.get(f"{BASE}/services.json", {"api_key": world.raw_key})
    assert first.status_code == 200
    response = client.post(f"{BASE}/requests.json", pothole_post(world))
    assert response.status_code == 429
    assert errors_of(response)[0].startswith("api_key: this key may make 1 requests a minute")
    assert not world.potholes.cases.exists()


def test_reads_without_a_key_are_limited_per_address(client, world, settings):
    settings.OPEN311_ANONYMOUS_RATE_LIMIT = 2
    for _ in range(2):
        assert client.get(f"{BASE}/services.json").status_code == 200
    refused = client.get(f"{BASE}/requests.json")
    assert refused.status_code == 429
    assert errors_of(refused)[0].startswith("Without an API key, 2 requests a minute")
    # Another address, and a client with its own key, are not held back by this one.
    assert client.get(f"{BASE}/services.json", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get(f"{BASE}/services.json", {"api_key": world.raw_key}).status_code == 200


def test_command_prints_the_key_once(county):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "apikey",
        "create",
        "--organisation",
        "wessex",
        "--name",
        "FixMyStreet",
        "--extended-statuses",
        stdout=out,
        stderr=err,
    )
    raw_key = out.getvalue().strip()
    api_key = apikey_by_key(raw_key)
    assert api_key is not None
    assert api_key.organisation == county
    assert api_key.extended_statuses is True
    assert raw_key not in err.getvalue()
    listing = io.StringIO()
    call_command("apikey", "list", stdout=listing)
    assert api_key.prefix in listing.getvalue()
    assert raw_key not in listing.getvalue()
    call_command("apikey", "revoke", api_key.prefix, stdout=io.StringIO())
    assert apikey_by_key(raw_key) is None


def test_borough_command_wraps_apikey(county, capsys, monkeypatch):
    from django.db import connections

    from borough.cli import main

    # A command run from the command line closes every connection when it ends, which on
    # PostgreSQL would close the one holding the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    main(["apikey", "create", "--organisation", "wessex", "--name", "App"])
    raw_key = capsys.readouterr().out.strip()
    assert apikey_by_key(raw_key) is not None


def test_command_refuses_an_unknown_organisation(db):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no organisation"):
        call_command("apikey", "create", "--organisation", "nowhere", "--name", "App")
    assert not ApiKey.objects.exists()
