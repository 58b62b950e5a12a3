"""Open311 load test: `borough serve` on loopback under a mix of POST and GET requests.

    python -m benchmarks.open311_load [--database sqlite|postgresql|all] [--sqlite-from FILE]

For each database (SQLite in a temporary directory; PostgreSQL as well when DATABASE_URL
is set or a PostgreSQL server can be started by scripts/with-postgres) it:

1. makes a throw-away database, migrates it and builds the demo area (a two-tier area with
   a gazetteer, routing rules and 18 months of history), then issues an Open311 API key to
   each council with the real service (`open311.services.apikey_issue`);
2. starts `borough serve` (gunicorn and its task worker, production settings, logs to a
   file) on a free loopback port and waits for `/healthz`;
3. drives it with one asyncio process (httpx, keep-alive connections):
   - open loop: POST /open311/v2/requests.json at BOROUGH_BENCH_LOAD_RATE a second (default
     300) plus BOROUGH_BENCH_LOAD_GET_PERCENT (default 10) GET lists, sent on a fixed
     schedule for BOROUGH_BENCH_LOAD_SECONDS (default 60) whatever the answers' speed.
     Latency is counted from the moment a request was due, so a slow server cannot hide its
     queue (no coordinated omission);
   - closed loop: BOROUGH_BENCH_LOAD_CONNECTIONS connections (default 32) each sending the
     same mix as fast as answers come back, for up to 20 seconds: the most it can do;
4. stops the server and checks that every service_request_id it accepted is a case in the
   database, and how much background work (notification emails) the worker has left.

Figures are printed, never asserted. The load generator shares the machine's cores with the
server: its own CPU use is printed beside the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BASE = "/open311/v2"
# The two councils of the demo area and what their apps report most.
REPORTS = (("wessex", "report-pothole"), ("casterbridge", "report-litter"))
RECENT_SECONDS = 2  # a GET list asks for the requests made in the last this many seconds
IDS_PER_GET = 10  # or for this many requests by id (a client checking on its reports)
REQUEST_TIMEOUT = 30.0
CLOSED_LOOP_MAX_SECONDS = 20.0
TARGET_POST_RATE = 300
TARGET_P99_MS = 250.0


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    seconds: float = field(default_factory=lambda: env_number("BOROUGH_BENCH_LOAD_SECONDS", 60))
    rate: float = field(default_factory=lambda: env_number("BOROUGH_BENCH_LOAD_RATE", 300))
    get_percent: float = field(
        default_factory=lambda: env_number("BOROUGH_BENCH_LOAD_GET_PERCENT", 10)
    )
    connections: int = field(
        default_factory=lambda: int(env_number("BOROUGH_BENCH_LOAD_CONNECTIONS", 32))
    )
    web_workers: int = field(
        default_factory=lambda: int(env_number("BOROUGH_BENCH_LOAD_WEB_WORKERS", 1))
    )
    threads: int = field(default_factory=lambda: int(env_number("BOROUGH_BENCH_LOAD_THREADS", 4)))
    log_level: str = field(
        default_factory=lambda: os.environ.get("BOROUGH_BENCH_LOAD_LOG_LEVEL", "INFO")
    )


# -- What is sent -------------------------------------------------------------------------


@dataclass(frozen=True)
class Client311:
    """One council's app: its key and the service it reports to."""

    api_key: str
    service_code: str
    attributes: tuple[tuple[str, str], ...]


@dataclass
class Plan:
    clients: list[Client311]
    points: list[tuple[float, float]]


def attributes_for(definition: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The smallest valid Open311 attributes for a form: the first option of every required
    choice, a word for required text. `description` fills the long-text question."""
    pairs: list[tuple[str, str]] = []
    for page in definition["pages"]:
        for question in page["questions"]:
            kind = question["type"]
            if not question.get("required", True) or kind in {"location", "file", "textarea"}:
                continue
            settings = question.get("open311") or {}
            code = str(settings.get("code", question["id"]))
            if kind in {"radios", "select"}:
                pairs.append((f"attribute[{code}]", question["options"][0]["value"]))
            elif kind == "checkboxes":
                pairs.append((f"attribute[{code}][]", question["options"][0]["value"]))
            elif kind == "yes_no":
                pairs.append((f"attribute[{code}]", "no"))
            elif kind == "date":
                pairs.append((f"attribute[{code}]", date.today().isoformat()))
            elif kind in {"number", "money"}:
                pairs.append((f"attribute[{code}]", "1"))
            else:
                pairs.append((f"attribute[{code}]", "Load test"))
    return tuple(pairs)


def area_build(*, sqlite_from: str | None) -> Plan:
    """Migrate, build the demo area (or use a copy of a prepared database) and issue keys."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from borough.catalogue.models import Service
    from borough.core.models import Organisation
    from borough.demo.build import demo_build
    from borough.open311.services import apikey_issue
    from borough.places.models import Property

    if sqlite_from:
        connections.close_all()
        shutil.copyfile(sqlite_from, settings.DATABASES["default"]["NAME"])
    call_command("migrate", verbosity=0, interactive=False)
    if not sqlite_from:
        started = time.perf_counter()
        demo_build(seed=settings.DEMO_SEED)
        print(f"  demo area built in {time.perf_counter() - started:.0f} s", flush=True)
    clients = []
    for slug, code in REPORTS:
        organisation = Organisation.objects.get(slug=slug)
        service = Service.objects.get(organisation=organisation, code=code)
        assert service.current_form is not None
        _, raw_key = apikey_issue(
            organisation=organisation, name=f"Load test {secrets.token_hex(3)}", rate_limit=100_000
        )
        clients.append(
            Client311(
                api_key=raw_key,
                service_code=code,
                attributes=attributes_for(service.current_form.definition),
            )
        )
    district = Organisation.objects.get(slug=REPORTS[1][0])
    points = list(
        Property.objects.filter(ward__organisation=district)
        .order_by("uprn")
        .values_list("latitude", "longitude")[:2000]
    )
    if not points:
        raise SystemExit("The demo area has no properties to report problems at")
    connections.close_all()
    return Plan(clients=clients, points=[(float(a), float(b)) for a, b in points])


# -- The server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`borough serve` as a child process in its own session, logging to a file."""

    def __init__(self, *, port: int, web_workers: int, threads: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "borough.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(web_workers),
                "--threads",
                str(threads),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 180.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"borough serve exited; see {self.log_path}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            time.sleep(0.5)
        raise SystemExit(f"borough serve was not healthy within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a live process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def _is_task_worker(pid: int) -> bool:
    try:
        return b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[3:4][0]
    except (OSError, IndexError):
        return False


def server_cpu(root: int) -> tuple[float, float]:
    """CPU seconds used so far by the web server processes and by the task worker."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _proc_stat(int(entry.name))) is not None:
            stats[int(entry.name)] = stat
    web = worker = 0.0
    tree = {root}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in stats.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    for pid in tree:
        if pid not in stats:
            continue
        if _is_task_worker(pid):
            worker += stats[pid][1]
        else:
            web += stats[pid][1]
    return web, worker


# -- The load -----------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    due: float
    sent: float
    done: float
    status: int | str  # HTTP status, or the exception's name


@dataclass
class Phase:
    name: str
    samples: list[Sample] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    generator_cpu: float = 0.0
    web_cpu: float = 0.0
    worker_cpu: float = 0.0
    rows_returned: int = 0


class Load:
    def __init__(self, *, server: Server, plan: Plan, settings: Settings) -> None:
        self.server = server
        self.plan = plan
        self.settings = settings
        self.rng = random.Random(311)
        self.recent: list[str] = []
        self.accepted: set[str] = set()
        self.counter = 0

    def post_body(self) -> dict[str, str | list[str]]:
        self.counter += 1
        client = self.plan.clients[self.counter % len(self.plan.clients)]
        lat, lon = self.rng.choice(self.plan.points)
        body: dict[str, str | list[str]] = {
            "api_key": client.api_key,
            "service_code": client.service_code,
            "lat": f"{lat + self.rng.uniform(-1e-4, 1e-4):.6f}",
            "long": f"{lon + self.rng.uniform(-1e-4, 1e-4):.6f}",
            "description": f"Load test report {self.counter}",
            "email": f"load{self.counter}@example.com",
            "first_name": "Load",
            "last_name": "Test",
        }
        for key, value in client.attributes:
            if key.endswith("[]"):
                body[key] = [value]
            else:
                body[key] = value
        return body

    def get_params(self, kind: str) -> dict[str, str]:
        client = self.plan.clients[self.counter % len(self.plan.clients)]
        if kind == "get ids" and self.recent:
            return {"api_key": client.api_key, "service_request_id": ",".join(self.recent)}
        now = datetime.now(UTC)
        start = now - timedelta(seconds=RECENT_SECONDS)
        return {
            "api_key": client.api_key,
            "start_date": start.isoformat(timespec="seconds"),
            "end_date": now.isoformat(timespec="seconds"),
        }

    async def one(self, http: Any, kind: str, due: float, phase: Phase) -> None:
        loop = asyncio.get_running_loop()
        sent = loop.time()
        try:
            if kind == "post":
                response = await http.post(f"{BASE}/requests.json", data=self.post_body())
            else:
                response = await http.get(f"{BASE}/requests.json", params=self.get_params(kind))
            status: int | str = response.status_code
            if kind == "post" and status == 201:
                reference = response.json()[0]["service_request_id"]
                phase.accepted.append(reference)
                self.accepted.add(reference)
                self.recent = [reference, *self.recent[: IDS_PER_GET - 1]]
            elif kind != "post" and status == 200:
                phase.rows_returned += response.content.count(b'"service_request_id"')
        except Exception as error:  # counted, never hidden: every failure is an error
            status = type(error).__name__
        phase.samples.append(Sample(kind, due, sent, loop.time(), status))

    def kind_for(self, index: int) -> str:
        every = round(100 / self.settings.get_percent) if self.settings.get_percent > 0 else 0
        if every and index % every == every - 1:
            return "get ids" if (index // every) % 2 else "get recent"
        return "post"

    async def open_loop(self, http: Any, phase: Phase) -> None:
        """Send on a fixed schedule; a request waits for a free connection if need be."""
        loop = asyncio.get_running_loop()
        settings = self.settings
        total_rate = settings.rate * (1 + settings.get_percent / 100)
        count = int(total_rate * settings.seconds)
        gate = asyncio.Semaphore(settings.connections)
        tasks: list[asyncio.Task[None]] = []

        async def run(kind: str, due: float) -> None:
            async with gate:
                if loop.time() - due > REQUEST_TIMEOUT:
                    # Waited too long for a connection: a real client would have given up.
                    phase.samples.append(Sample(kind, due, loop.time(), loop.time(), "gave up"))
                    return
                await self.one(http, kind, due, phase)

        start = loop.time() + 0.05
        for index in range(count):
            due = start + index / total_rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(run(self.kind_for(index), due)))
        await asyncio.wait(tasks)

    async def closed_loop(self, http: Any, phase: Phase, seconds: float) -> None:
        """Every connection sends its next request as soon as the last one is answered."""
        loop = asyncio.get_running_loop()
        stop_at = loop.time() + seconds
        index = 0

        async def connection() -> None:
            nonlocal index
            while loop.time() < stop_at:
                kind = self.kind_for(index)
                index += 1
                await self.one(http, kind, loop.time(), phase)

        await asyncio.gather(*(connection() for _ in range(self.settings.connections)))

    async def measured(self, phase: Phase, work: Any) -> Phase:
        loop = asyncio.get_running_loop()
        web0, worker0 = server_cpu(self.server.process.pid)
        cpu0 = time.process_time()
        phase.started = loop.time()
        await work
        phase.ended = loop.time()
        phase.generator_cpu = time.process_time() - cpu0
        web1, worker1 = server_cpu(self.server.process.pid)
        phase.web_cpu, phase.worker_cpu = web1 - web0, worker1 - worker0
        return phase


async def drive(*, server: Server, plan: Plan, settings: Settings) -> tuple[Load, list[Phase]]:
    import httpx

    load = Load(server=server, plan=plan, settings=settings)
    connections = settings.connections
    async with httpx.AsyncClient(
        base_url=server.url,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        timeout=httpx.Timeout(REQUEST_TIMEOUT, pool=None),
    ) as http:
        # Opens the connections and fills the server's caches; not reported.
        warm = Phase("warm-up")
        await load.closed_loop(http, warm, seconds=3)
        posts = [s for s in warm.samples if s.kind == "post"]
        if not posts or posts[0].status != 201:
            raise SystemExit(f"The first POST was refused ({posts[:1]}); see the server log")
        opened = Phase(
            f"open loop, {settings.rate:g} POST/s + {settings.get_percent:g}% GET, "
            f"{settings.seconds:g} s"
        )
        await load.measured(opened, load.open_loop(http, opened))
        seconds = min(CLOSED_LOOP_MAX_SECONDS, settings.seconds)
        closed = Phase(f"closed loop, {connections} connections, {seconds:g} s")
        await load.measured(closed, load.closed_loop(http, closed, seconds))
    return load, [warm, opened, closed]


# -- The report ---------------------------------------------------------------------------


def pick(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def phase_lines(phase: Phase) -> Iterator[str]:
    wall = max(phase.ended - phase.started, 1e-9)
    yield f"{phase.name}:"
    for kind in ("post", "get recent", "get ids"):
        samples = [s for s in phase.samples if s.kind == kind]
        if not samples:
            continue
        ok = [s for s in samples if isinstance(s.status, int) and s.status < 400]
        waits = sorted((s.done - s.due) * 1000 for s in samples)
        service = sorted((s.done - s.sent) * 1000 for s in samples)
        errors = Counter(str(s.status) for s in samples if s not in ok)
        yield (
            f"  {kind:<10} {len(ok) / wall:6.1f}/s ok  "
            f"p50={pick(waits, 50):.0f} p95={pick(waits, 95):.0f} p99={pick(waits, 99):.0f} "
            f"max={waits[-1]:.0f} ms  (on the wire p99={pick(service, 99):.0f} ms)  "
            f"errors={dict(errors) if errors else 0}"
        )
    gets = [s for s in phase.samples if s.kind != "post" and s.status == 200]
    if gets:
        yield f"  GET lists returned {phase.rows_returned / len(gets):.0f} requests on average"
    yield (
        f"  CPU: web server {phase.web_cpu / wall:.0%} of a core, task worker "
        f"{phase.worker_cpu / wall:.0%}, load generator {phase.generator_cpu / wall:.0%} "
        f"(all on the same {os.cpu_count()} cores)"
    )
    answered = sum(1 for s in phase.samples if isinstance(s.status, int))
    if answered:
        per = (phase.web_cpu + phase.worker_cpu) / answered * 1000
        yield (
            f"  server CPU per answered request: {phase.web_cpu / answered * 1000:.1f} ms web "
            f"+ {phase.worker_cpu / answered * 1000:.1f} ms task worker; with all "
            f"{os.cpu_count()} cores to itself the server could answer at most "
            f"~{(os.cpu_count() or 1) * 1000 / per:.0f} requests/s of this mix"
        )


def verify(load: Load) -> tuple[list[str], int]:
    from django.db.models import Count

    from borough.cases.models import Case
    from borough.open311.models import ServiceRequest

    accepted = sorted(load.accepted)
    found: set[str] = set()
    for start in range(0, len(accepted), 500):
        chunk = accepted[start : start + 500]
        found.update(Case.objects.filter(reference__in=chunk).values_list("reference", flat=True))
    lost = [ref for ref in accepted if ref not in found]
    made = ServiceRequest.objects.filter(api_key__name__startswith="Load test").count()
    lines = [
        f"accepted {len(accepted)} POSTs; {len(accepted) - len(lost)} are cases in the database; "
        f"lost: {len(lost)}{' ' + ', '.join(lost[:10]) if lost else ''}"
    ]
    if made != len(accepted):
        lines.append(f"  {made - len(accepted)} cases were made whose answer the client never got")
    try:
        from django_tasks_db.models import DBTaskResult

        left = dict(
            DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by("status")
        )
        lines.append(f"background tasks by status when the server stopped: {left}")
    except Exception as error:  # the figure is informative; never fail the run for it
        lines.append(f"background tasks: not counted ({type(error).__name__})")
    return lines, len(lost)


def verdict(phase: Phase, lost: int, settings: Settings) -> str:
    posts = [s for s in phase.samples if s.kind == "post"]
    wall = max(phase.ended - phase.started, 1e-9)
    ok = [s for s in posts if s.status == 201]
    errors = len(phase.samples) - sum(
        1 for s in phase.samples if isinstance(s.status, int) and s.status < 400
    )
    p99 = pick(sorted((s.done - s.due) * 1000 for s in posts), 99) if posts else float("inf")
    rate = len(ok) / wall
    met = (
        settings.rate >= TARGET_POST_RATE
        and settings.seconds >= 60
        and rate >= 0.98 * settings.rate
        and p99 < TARGET_P99_MS
        and errors == 0
        and lost == 0
    )
    return (
        f"target ({TARGET_POST_RATE} POST/s for 60 s, p99 < {TARGET_P99_MS:.0f} ms, no errors, "
        f"nothing lost): {'met' if met else 'NOT met'} "
        f"({rate:.0f} POST/s, p99 {p99:.0f} ms, {errors} errors, {lost} lost)"
    )


# -- One database -------------------------------------------------------------------------


def _throwaway_postgres(url: str) -> tuple[str, str]:
    """Create an empty database beside the one `url` names; return its URL and name."""
    import psycopg

    name = f"borough_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_one(*, database: str, sqlite_from: str | None, settings: Settings) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="borough-load-"))
    (var_dir / "static").mkdir()
    os.environ.update(
        {
            "BOROUGH_VAR_DIR": str(var_dir),
            "BOROUGH_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "EMAIL_BACKEND": "file",
            "SITE_URL": "http://127.0.0.1",
            "LOG_LEVEL": settings.log_level,
            "DJANGO_SETTINGS_MODULE": "borough.settings",
        }
    )
    os.environ.pop("DEBUG", None)
    os.environ.pop("TASKS_BACKEND", None)
    server_url = os.environ.pop("DATABASE_URL", "")
    dropped: tuple[str, str] | None = None
    if database == "postgresql":
        os.environ["DATABASE_URL"], name = _throwaway_postgres(server_url)
        dropped = (server_url, name)
    try:
        _bench_in(var_dir=var_dir, database=database, sqlite_from=sqlite_from, settings=settings)
    finally:
        if dropped is not None:
            from django.db import connections

            connections.close_all()
            _drop_postgres(*dropped)
        if os.environ.get("BOROUGH_BENCH_LOAD_KEEP"):
            print(f"  kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def _bench_in(*, var_dir: Path, database: str, sqlite_from: str | None, settings: Settings) -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.db import connection

    load_average = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"\nOpen311 load test on {connection.vendor} ({database}); machine: {os.cpu_count()} "
        f"cores, load average {load_average} before the run",
        flush=True,
    )
    if database == "postgresql":
        print("  (the PostgreSQL server's own CPU is not counted in the figures below)")
    plan = area_build(sqlite_from=sqlite_from if database == "sqlite" else None)
    server = Server(
        port=free_port(),
        web_workers=settings.web_workers,
        threads=settings.threads,
        log_path=var_dir / "serve.log",
    )
    try:
        server.wait_healthy()
        print(
            f"  borough serve --workers {settings.web_workers} --threads {settings.threads} on "
            f"{server.url} (production "
            f"settings, LOG_LEVEL={settings.log_level}, access log on), one task worker",
            flush=True,
        )
        load, phases = asyncio.run(drive(server=server, plan=plan, settings=settings))
    finally:
        server.stop()
    for phase in phases[1:]:
        for line in phase_lines(phase):
            print(f"  {line}")
    lines, lost = verify(load)
    for line in lines:
        print(f"  {line}")
    print(f"  {verdict(phases[1], lost, settings)}", flush=True)
    print(
        "  (latency is from when a request was due, so queueing for a connection counts; "
        "'on the wire' is from when it was sent)",
        flush=True,
    )


# -- Entry points -------------------------------------------------------------------------


def _postgres_available() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def _child(args: list[str], *, wrap: list[str] | None = None) -> int:
    command = [*(wrap or []), sys.executable, "-m", "benchmarks.open311_load", *args]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def run_separately() -> None:
    """For `make bench`: run this module in its own processes (it needs its own settings)."""
    if Settings().seconds <= 0:
        print("Open311 load test: skipped (BOROUGH_BENCH_LOAD_SECONDS=0)")
        return
    sys.stdout.flush()
    _child([])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument(
        "--sqlite-from",
        metavar="FILE",
        help="start from a copy of this SQLite database (migrated, with the demo area) "
        "instead of building the demo",
    )
    options = parser.parse_args(argv)
    settings = Settings()
    if options.database != "all":
        bench_one(database=options.database, sqlite_from=options.sqlite_from, settings=settings)
        return 0
    extra = ["--sqlite-from", options.sqlite_from] if options.sqlite_from else []
    code = _child(["--database", "sqlite", *extra])
    if os.environ.get("DATABASE_URL"):
        code = _child(["--database", "postgresql"]) or code
    elif _postgres_available():
        wrap = [str(ROOT / "scripts" / "with-postgres")]
        code = _child(["--database", "postgresql"], wrap=wrap) or code
    else:
        print("\nOpen311 load test on PostgreSQL: skipped (no DATABASE_URL, no PostgreSQL here)")
    return code


if __name__ == "__main__":
    sys.exit(main())
