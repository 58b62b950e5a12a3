"""`borough serve`: the ASGI web server and, in the embedded default, the task worker.

Runs uvicorn on `borough.asgi:application`. Unless `--no-worker` is given (or tasks run
in-process with the immediate backend), it also runs `borough worker` as a child process
in the same process group, restarts it if it dies, and stops it when the server stops, so
the worker never outlives the server.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import types
import warnings
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandError
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

logger = logging.getLogger("borough.serve")

ASGI_APP = "borough.asgi:application"
# How long a worker gets to finish the task in hand when the server stops.
WORKER_STOP_SECONDS = 30.0
WORKER_RESTART_DELAY_SECONDS = 5.0
# WhiteNoise hands Django's ASGI handler a synchronous file iterator, which Django reads
# in a thread and warns about once per process. Harmless for static files: keep it quiet.
SYNC_ITERATOR_WARNING = "StreamingHttpResponse must consume synchronous iterators"


def _quiet_sync_iterator_warning() -> None:
    warnings.filterwarnings("ignore", message=SYNC_ITERATOR_WARNING)
    # Web processes started with --workers N are spawned afresh: tell them through the env.
    rule = f"ignore:{SYNC_ITERATOR_WARNING}"
    existing = os.environ.get("PYTHONWARNINGS")
    if rule not in (existing or ""):
        os.environ["PYTHONWARNINGS"] = f"{existing},{rule}" if existing else rule


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
    """Raised by our SIGTERM handler outside uvicorn's own signal handling."""


def _raise_stop(signum: int, frame: types.FrameType | None) -> None:
    raise _Stop(signum)


def _database_backend_in_use() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


class Command(BaseCommand):
    help = "Serve Borough over HTTP (uvicorn) and, unless --no-worker, run the task worker."

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
            "--no-worker",
            action="store_true",
            help="Do not run a task worker; run `borough worker` elsewhere.",
        )

    def handle(
        self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **options: Any
    ) -> None:
        if workers < 1:
            raise CommandError("--workers must be 1 or more")
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535")

        worker: WorkerProcess | None = None
        if no_worker:
            logger.info("Not running a task worker (--no-worker)")
        elif not _database_backend_in_use():
            logger.info("Tasks run in-process with the immediate backend: no task worker")
        else:
            worker = WorkerProcess()

        _quiet_sync_iterator_warning()
        # uvicorn restores the previous handler and re-raises a captured SIGTERM once it has
        # shut down; the default handler would end the process before the worker is stopped.
        previous_sigterm = signal.signal(signal.SIGTERM, _raise_stop)
        try:
            if worker is not None:
                worker.start()
            logger.info(
                "Serving Borough",
                extra={"url": f"http://{_url_host(host)}:{port}/", "web_workers": workers},
            )
            uvicorn.run(
                ASGI_APP if workers > 1 else _load_application(),
                host=host,
                port=port,
                workers=workers,
                lifespan="off",
                log_config=None,  # keep Django's LOGGING: one JSON object a line
                access_log=True,
                server_header=False,
            )
        except (_Stop, KeyboardInterrupt):
            pass
        finally:
            if worker is not None:
                worker.stop()
            signal.signal(signal.SIGTERM, previous_sigterm)
        logger.info("Stopped serving Borough")


def _load_application() -> Any:
    from borough.asgi import application

    return application


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
