"""`borough serve` and `borough worker`, run for real in subprocesses."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from borough.core.management.commands import serve as serve_command

BoroughRun = Callable[..., subprocess.CompletedProcess[str]]
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str) -> tuple[int, bytes, str]:
    """Status, body and content type; error statuses are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


def query(database: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(database, timeout=20)) as conn:
        return conn.execute(sql, params).fetchall()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited: only its exit status is left to collect
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def wait_until_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.2)
    return not pid_alive(pid)


def test_serve_runs_the_web_server_and_a_worker_and_stops_both(
    borough_env: dict[str, str], borough_database: Path, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    worker_pid: int | None = None
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "borough.cli", "serve", "--port", str(port)],
            env=borough_env,
            cwd=borough_env["BOROUGH_VAR_DIR"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so cleanup can take all of it
        )
        try:
            health: dict[str, Any] = {}
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while time.monotonic() < deadline:
                assert server.poll() is None, log_path.read_text()
                try:
                    status, body, _ = http_get(f"{base}/healthz")
                except OSError:  # not listening yet
                    status = 0
                if status == 200:
                    health = json.loads(body)
                    break
                time.sleep(0.5)
            assert health, f"/healthz never answered 200:\n{log_path.read_text()}"
            assert health["status"] == "ok"
            assert health["database"]["ok"] is True
            assert health["worker"] == {"ok": True, "live_workers": 1}

            rows = query(borough_database, "SELECT pid FROM core_workerheartbeat")
            assert len(rows) == 1
            worker_pid = int(rows[0][0])
            assert worker_pid != server.pid
            assert pid_alive(worker_pid)
            assert os.getpgid(worker_pid) == server.pid  # the server's own process group

            status, body, content_type = http_get(f"{base}/static/build/borough.css")
            assert status == 200, "build the assets first: make assets"
            assert content_type.startswith("text/css")
            assert b"--borough-brand" in body

            status, body, _ = http_get(f"{base}/")
            assert status == 200
            assert b'class="govuk-template"' in body

            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=STOP_TIMEOUT) == 0, log_path.read_text()
            assert wait_until_gone(worker_pid, timeout=10), "the worker outlived the server"
            # The worker stopped cleanly: it removed its own heartbeat.
            assert query(borough_database, "SELECT COUNT(*) FROM core_workerheartbeat") == [(0,)]
        finally:
            if server.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=STOP_TIMEOUT)
            if worker_pid is not None and pid_alive(worker_pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker_pid, signal.SIGKILL)

    log_lines = [json.loads(line) for line in log_path.read_text().splitlines() if line[:1] == "{"]
    messages = {line["message"] for line in log_lines}
    assert "Serving Borough" in messages
    assert "Stopped the task worker" in messages
    serving = next(line for line in log_lines if line["message"] == "Serving Borough")
    assert serving["url"] == f"{base}/"
    # gunicorn's access log goes through Django's LOGGING, as JSON like every other line.
    access = [line for line in log_lines if line.get("logger") == "gunicorn.access"]
    assert any('"GET /healthz HTTP/1.1" 200' in line["message"] for line in access)


def test_worker_batch_runs_an_enqueued_task(
    borough_run: BoroughRun, borough_database: Path
) -> None:
    enqueue = borough_run(
        "shell",
        "--verbosity=0",
        "--command",
        "from borough.core.tasks import ping; print(ping.enqueue().id)",
    )
    assert enqueue.returncode == 0, enqueue.stderr
    # SQLite keeps a UUID primary key as 32 hex digits.
    task_id = uuid.UUID(enqueue.stdout.strip().splitlines()[-1]).hex
    task_sql = "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = ?"
    assert query(borough_database, task_sql, task_id) == [("READY", None)]

    worker = borough_run("worker", "--batch")

    assert worker.returncode == 0, worker.stderr
    assert query(borough_database, task_sql, task_id) == [("SUCCESSFUL", json.dumps("pong"))]
    assert query(borough_database, "SELECT COUNT(*) FROM core_workerheartbeat") == [(0,)]


class _NoWorker:
    def __init__(self) -> None:
        raise AssertionError("no task worker should be started")


def _record_runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stand in for gunicorn's arbiter: record the settings each server would run with."""
    runs: list[dict[str, Any]] = []

    def run(server: serve_command.WebServer) -> None:
        runs.append({name: server.cfg.settings[name].value for name in server.options})

    monkeypatch.setattr(serve_command.WebServer, "run", run)
    return runs


def test_serve_starts_no_worker_with_the_immediate_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve_command, "WorkerProcess", _NoWorker)
    runs = _record_runs(monkeypatch)

    call_command("serve", "--port", "8123", "--host", "0.0.0.0")  # noqa: S104

    assert len(runs) == 1
    assert runs[0]["bind"] == ["0.0.0.0:8123"]
    assert (runs[0]["workers"], runs[0]["worker_class"], runs[0]["threads"]) == (1, "gthread", 4)
    assert runs[0]["preload_app"] is True


def test_serve_no_worker_starts_no_worker_with_the_database_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve_command, "_database_backend_in_use", lambda: True)
    monkeypatch.setattr(serve_command, "WorkerProcess", _NoWorker)
    runs = _record_runs(monkeypatch)

    call_command("serve", "--no-worker", "--workers", "3", "--threads", "8", "--host", "::1")

    assert len(runs) == 1
    assert runs[0]["bind"] == ["[::1]:8000"]
    assert (runs[0]["workers"], runs[0]["threads"]) == (3, 8)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--workers", "0"], "--workers must be 1 or more"),
        (["--threads", "0"], "--threads must be 1 or more"),
        (["--port", "70000"], "--port must be between 1 and 65535"),
    ],
)
def test_serve_refuses_bad_options(
    monkeypatch: pytest.MonkeyPatch, option: list[str], message: str
) -> None:
    monkeypatch.setattr(serve_command, "WorkerProcess", _NoWorker)
    runs = _record_runs(monkeypatch)

    with pytest.raises(CommandError, match=message):
        call_command("serve", *option)

    assert runs == []


def test_serve_reports_a_web_server_that_stopped_with_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve_command, "WorkerProcess", _NoWorker)

    def fail(server: serve_command.WebServer) -> None:
        raise SystemExit(3)  # as gunicorn's arbiter ends when its workers cannot boot

    monkeypatch.setattr(serve_command.WebServer, "run", fail)

    with pytest.raises(CommandError, match="exit code 3"):
        call_command("serve")
