import os
import subprocess
import sys

import pytest

STRONG_KEY = "k3J9!x2Qw7#pL0vZ8m$R4tY6uB1nC5eH9aS2dF7gJ0kL3zX6cV8bN1mQ4wE7rT9y"


def start(env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'borough.settings'); django.setup(); print('started')",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": STRONG_KEY}, "ALLOWED_HOSTS must list"),
        ({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start_without_a_strong_key_and_hosts(overrides, problem):
    result = start({"BOROUGH_ENV": "production", **overrides})
    assert result.returncode != 0
    assert "Borough refuses to start in production" in result.stderr
    assert problem in result.stderr


def test_production_starts_with_a_strong_key_and_hosts(tmp_path):
    result = start(
        {
            "BOROUGH_ENV": "production",
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "council.example",
            "BOROUGH_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def _two_factor(env_overrides) -> str:
    env = {k: v for k, v in os.environ.items() if k != "STAFF_TWO_FACTOR"}
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", "from borough import settings; print(settings.STAFF_TWO_FACTOR)"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_staff_two_factor_is_on_in_production_unless_turned_off(tmp_path):
    production = {
        "BOROUGH_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "council.example",
        "BOROUGH_VAR_DIR": str(tmp_path),
    }
    assert _two_factor(production) == "True"
    assert _two_factor({**production, "STAFF_TWO_FACTOR": "false"}) == "False"
    assert _two_factor({"BOROUGH_ENV": "development", "BOROUGH_VAR_DIR": str(tmp_path)}) == "False"
    assert _two_factor({"BOROUGH_ENV": "development", "STAFF_TWO_FACTOR": "true"}) == "True"


def test_database_url_switches_to_postgresql():
    env = {"DATABASE_URL": "postgres://user:pw@db.internal:5432/borough"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from borough import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['NAME'])",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.internal", "borough"]
