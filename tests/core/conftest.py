"""Fixtures for running the `borough` command in real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

BoroughRun = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def borough_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a `borough` process on its own embedded (SQLite) database.

    The process does not import pytest, so it runs as in development: tasks go to the
    database queue (TASKS_BACKEND unset) and need a worker.
    """
    var_dir = tmp_path_factory.mktemp("borough-var")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TASKS_BACKEND", "DATABASE_URL", "DEBUG", "PYTHONWARNINGS"}
    }
    env.update(
        {
            "BOROUGH_ENV": "development",
            "BOROUGH_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "borough.settings",
            "WORKER_HEARTBEAT_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@pytest.fixture(scope="module")
def borough_run(borough_env: dict[str, str]) -> BoroughRun:
    """Run `borough ARGS...` to completion; the result has text stdout and stderr."""

    def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "borough.cli", *args],
            env=borough_env,
            cwd=borough_env["BOROUGH_VAR_DIR"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return run


@pytest.fixture(scope="module")
def borough_database(borough_env: dict[str, str], borough_run: BoroughRun) -> Path:
    """The subprocesses' SQLite database, migrated."""
    result = borough_run("migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    return Path(borough_env["BOROUGH_VAR_DIR"]) / "borough.sqlite3"
