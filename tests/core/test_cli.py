import subprocess
import sys


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "borough.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_borough_lists_its_own_commands():
    result = run("help")
    assert result.returncode == 0
    for command in ("serve", "worker", "demo", "import"):
        assert f"    {command}\n" in result.stdout


def test_borough_manage_passes_through_to_django():
    result = run("manage", "check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
