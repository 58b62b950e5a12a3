"""`borough serve`: the web server and, in the embedded default, the task worker.

Runs gunicorn on the WSGI application (`borough.wsgi:application`): `--workers` processes
(default 1), each answering with a pool of `--threads` threads (default 4). Every view is
synchronous, so WSGI runs each request on one thread from start to end; under ASGI each
request crossed between the event loop and worker threads at every middleware and cost
about twice the CPU (docs/operations.md). gunicorn's own log lines, the access log among
them, go through Django's LOGGING (JSON, one object a line).

Unless `--no-worker` is given (or tasks run in-process with the immediate backend), it
also runs `borough worker` as a child process in the same process group, restarts it if it
dies, and stops it when the server stops, so the worker never outlives the server.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import threading
import types
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config
from gunicorn.glogging import Logger

logger = logging.getLogger("borough.serve")

# How long a worker gets to finish the task in hand when the server stops.
WORKER_STOP_SECONDS = 30.0
WORKER_RESTART_DELAY_SECONDS = 5.0
# How long a request in hand gets to finish when the server stops, and how long one may
# take before gunicorn restarts its worker process.
GRACEFUL_TIMEOUT_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 120
KEEPALIVE_SECONDS = 5


def _exit_with_parent_hook() -> Callable[[], None] | None:
    """On Linux, a hook that has the kernel send SIGTERM to the child if the server dies.

    It runs in the child between fork and exec, so everything it needs is looked up here.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig, sigterm = 1, int(signal.SIGTERM)

    def hook() -> None:
        prctl(pr_set_pdeathsig, sigterm)

    return hook


class WorkerProcess:
    """`borough worker` as a child process, restarted if it dies, stopped on request."""

    def __init__(self) -> None:
        self.command = [sys.executable, "-m", "borough.cli", "worker"]
        self._preexec = _exit_with_parent_hook()
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="worker-watcher", daemon=True)

    def _spawn(self) -> None:
        self.process = subprocess.Popen(self.command, preexec_fn=self._preexec)
        logger.info("Started the task worker", extra={"worker_pid": self.process.pid})

    def start(self) -> None:
        with self._lock:
            self._spawn()
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            with self._lock:
                if self._stopping.is_set() or self.process is None:
                    return
                code = self.process.poll()
            if code is None:
                continue
            logger.error(
                "The task worker exited; restarting it",
                extra={"exit_code": code, "delay_seconds": WORKER_RESTART_DELAY_SECONDS},
            )
            if self._stopping.wait(WORKER_RESTART_DELAY_SECONDS):
                return
            with self._lock:
                if not self._stopping.is_set():
                    self._spawn()

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            logger.warning("The task worker did not stop in time; killing it")
            process.kill()
            process.wait()
        logger.info("Stopped the task worker", extra={"exit_code": process.returncode})


class _Stop(Exception):
    """Raised by our SIGTERM handler until gunicorn's arbiter installs its own."""


def _raise_stop(signum: int, frame: types.FrameType | None) -> None:
    raise _Stop(signum)


def _database_backend_in_use() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


class GunicornLogger(Logger):
    """gunicorn's logger without gunicorn's handlers: its error and access lines propagate to
    the root logger, which Django's LOGGING writes as JSON."""

    def setup(self, cfg: Config) -> None:
        self.cfg = cfg
        self.error_log.propagate = True
        self.access_log.propagate = True


class WebServer(BaseApplication):
    """gunicorn with our settings, serving the WSGI application loaded in this process (so
    a broken application fails here, before any worker process is forked)."""

    def __init__(self, *, bind: str, workers: int, threads: int) -> None:
        self.options = {
            "bind": bind,
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "keepalive": KEEPALIVE_SECONDS,
            "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
            "timeout": REQUEST_TIMEOUT_SECONDS,
            "preload_app": True,
            "accesslog": "-",  # on: GunicornLogger sends it to LOGGING
            "logger_class": GunicornLogger,
            "proc_name": "borough",
        }
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from borough.wsgi import application

        # Forked worker processes must not share this process's database connections.
        connections.close_all()
        return application


class Command(BaseCommand):
    help = "Serve Borough over HTTP (gunicorn) and, unless --no-worker, run the task worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to bind (default: 127.0.0.1)."
        )
        parser.add_argument("--port", type=int, default=8000, help="Port to bind (default: 8000).")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Web server processes (default: 1). Task workers are separate.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=4,
            help="Threads answering requests in each web server process (default: 4).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run a task worker; run `borough worker` elsewhere.",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        no_worker: bool,
        **options: Any,
    ) -> None:
        if workers < 1:
            raise CommandError("--workers must be 1 or more")
        if threads < 1:
            raise CommandError("--threads must be 1 or more")
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535")

        worker: WorkerProcess | None = None
        if no_worker:
            logger.info("Not running a task worker (--no-worker)")
        elif not _database_backend_in_use():
            logger.info("Tasks run in-process with the immediate backend: no task worker")
        else:
            worker = WorkerProcess()

        server = WebServer(bind=f"{_url_host(host)}:{port}", workers=workers, threads=threads)
        # gunicorn's arbiter handles SIGTERM (a graceful stop) once it runs, then ends with
        # SystemExit; until then a SIGTERM must not end the process before the worker stops.
        previous_sigterm = signal.signal(signal.SIGTERM, _raise_stop)
        exit_code = 0
        try:
            if worker is not None:
                worker.start()
            logger.info(
                "Serving Borough",
                extra={
                    "url": f"http://{_url_host(host)}:{port}/",
                    "web_workers": workers,
                    "threads": threads,
                },
            )
            server.run()
        except SystemExit as stopped:  # how gunicorn's arbiter ends, 0 after a clean stop
            exit_code = stopped.code if isinstance(stopped.code, int) else int(bool(stopped.code))
        except (_Stop, KeyboardInterrupt):
            pass
        finally:
            # The arbiter's SIGCHLD handler would reap the task worker before we could.
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            if worker is not None:
                worker.stop()
            signal.signal(signal.SIGTERM, previous_sigterm)
        logger.info("Stopped serving Borough")
        if exit_code:
            raise CommandError(f"The web server stopped with exit code {exit_code}")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
