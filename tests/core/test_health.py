"""GET /healthz: database and task worker health as JSON."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from borough.core import health
from borough.core.models import WorkerHeartbeat

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


@pytest.fixture
def database_tasks(settings: Any) -> Any:
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_STALE_SECONDS = 60
    return settings


def heartbeat(*, age_seconds: float) -> WorkerHeartbeat:
    seen_at = timezone.now() - timedelta(seconds=age_seconds)
    return WorkerHeartbeat.objects.create(
        worker_id=f"worker-{age_seconds}", hostname="web-1", pid=4242, seen_at=seen_at
    )


@pytest.mark.django_db
def test_healthz_is_ok_with_the_immediate_backend(client: Any) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "vendor": connection.vendor},
        "worker": {"ok": True, "live_workers": 0, "mode": "immediate"},
    }


@pytest.mark.django_db
def test_healthz_is_unavailable_without_a_worker_when_tasks_are_queued(
    client: Any, database_tasks: Any
) -> None:
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["worker"] == {"ok": False, "live_workers": 0}


@pytest.mark.django_db
def test_healthz_is_ok_once_a_worker_has_a_fresh_heartbeat(
    client: Any, database_tasks: Any
) -> None:
    heartbeat(age_seconds=5)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["worker"] == {"ok": True, "live_workers": 1}


@pytest.mark.django_db
def test_healthz_is_unavailable_when_the_only_heartbeat_is_stale(
    client: Any, database_tasks: Any
) -> None:
    heartbeat(age_seconds=61)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["worker"] == {"ok": False, "live_workers": 0}


@pytest.mark.django_db
def test_healthz_counts_only_fresh_heartbeats(client: Any, database_tasks: Any) -> None:
    heartbeat(age_seconds=1)
    heartbeat(age_seconds=2)
    heartbeat(age_seconds=600)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["worker"] == {"ok": True, "live_workers": 2}


class _DownConnection:
    vendor = "sqlite"

    def cursor(self) -> Any:
        raise OperationalError("unable to open database file")


@pytest.mark.django_db
def test_healthz_is_unavailable_when_the_database_is_down(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "connection", _DownConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": {"ok": False, "error": "OperationalError"},
        "worker": {"ok": False, "error": "database unavailable"},
    }


@pytest.mark.django_db
def test_healthz_only_answers_get(client: Any) -> None:
    assert client.post("/healthz").status_code == 405
