"""`make bench`: builds the demo area in a throw-away database and prints measurements.

Figures are printed, never asserted: speed is reported, not tested.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return (
        f"n={len(ordered)} p50={pick(50):.2f} ms p95={pick(95):.2f} ms "
        f"p99={pick(99):.2f} ms max={ordered[-1]:.2f} ms"
    )


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="borough-bench-"))
    os.environ["BOROUGH_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "borough.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"Borough benchmarks on {connection.vendor}, database in {var_dir}")
    call_command("migrate", verbosity=0)

    start = time.perf_counter()
    call_command("demo", "--reset", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"demo build: {time.perf_counter() - start:.1f} s (target: under 60 s)")

    from benchmarks import foundation

    for name, line in foundation.run(timed=timed, percentiles=percentiles):
        print(f"{name}: {line}")

    from benchmarks import insight

    for name, line in insight.run(timed=timed, percentiles=percentiles):
        print(f"{name}: {line}", flush=True)

    from benchmarks import planning

    for name, line in planning.run(timed=timed, percentiles=percentiles):
        print(f"{name}: {line}", flush=True)

    from benchmarks import waste

    for name, line in waste.run(timed=timed, percentiles=percentiles):
        print(f"{name}: {line}", flush=True)

    # The Open311 load test runs `borough serve` on its own databases, in child processes.
    from benchmarks import open311_load

    open311_load.run_separately()


if __name__ == "__main__":
    sys.exit(main())
