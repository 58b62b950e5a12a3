"""`borough worker`: run background tasks from the database queue, with a heartbeat.

Runs django-tasks-db's `db_worker` on every queue. A daemon thread writes this process's
`WorkerHeartbeat` row every WORKER_HEARTBEAT_SECONDS, which `/healthz` reads; the row
is deleted when the worker stops cleanly (SIGTERM, SIGINT, or the end of `--batch`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from borough.core.models import WorkerHeartbeat

logger = logging.getLogger("borough.worker")


class Heartbeat:
    """Keeps one `WorkerHeartbeat` row fresh from a daemon thread."""

    def __init__(self, *, worker_id: str, interval: float) -> None:
        self.worker_id = worker_id
        self.interval = interval
        self.hostname = socket.gethostname()[:200]
        self.pid = os.getpid()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"hostname": self.hostname, "pid": self.pid, "seen_at": now},
            create_defaults={
                "hostname": self.hostname,
                "pid": self.pid,
                "started_at": now,
                "seen_at": now,
            },
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.beat()
            except Exception:  # a locked or unreachable database: try again next time
                logger.warning("Worker heartbeat failed", exc_info=True)
            finally:
                # This thread's own connection: never hold it (or a SQLite lock) between beats.
                connection.close()
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 30)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:  # the row goes stale and /healthz stops counting it
            logger.warning("Could not delete the worker heartbeat", exc_info=True)


class Command(BaseCommand):
    help = "Run background tasks from the database queue (all queues), with a heartbeat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait between polls when the queue is empty (default: 1).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the tasks waiting now, then exit.",
        )

    def handle(self, *args: Any, interval: float, batch: bool, **options: Any) -> None:
        if interval < 0:
            raise CommandError("--interval must be zero or more")
        worker_id = get_random_string(32)
        heartbeat = Heartbeat(worker_id=worker_id, interval=settings.WORKER_HEARTBEAT_SECONDS)
        heartbeat.start()
        logger.info(
            "Task worker started",
            extra={"worker_id": worker_id, "pid": heartbeat.pid, "batch": batch},
        )
        try:
            call_command(
                "db_worker",
                queue_name="*",
                interval=interval,
                batch=batch,
                reload=False,
                startup_delay=not batch,
                worker_id=worker_id,
                verbosity=options.get("verbosity", 1),
            )
        except SystemExit as exit_:
            # db_worker exits this way on SIGTERM/SIGINT while idle: a clean stop.
            if exit_.code not in (0, None):
                raise
        finally:
            heartbeat.stop()
            logger.info("Task worker stopped", extra={"worker_id": worker_id})
