"""`borough worker`: run background tasks from the database queue, with a heartbeat.

Runs django-tasks-db's `db_worker` on every queue. A daemon thread writes this process's
`WorkerHeartbeat` row every WORKER_HEARTBEAT_SECONDS, which `/healthz` reads; the row
is deleted when the worker stops cleanly (SIGTERM, SIGINT, or the end of `--batch`).

Another daemon thread enqueues the periodic jobs (`PERIODIC_JOBS`, such as the SLA check
every SLA_CHECK_SECONDS). However many workers run, each job is enqueued once per interval:
a worker claims it by locking the job's `ScheduledJob` row (`job_claim`). With `--batch` the
jobs that are due are enqueued once, before the waiting tasks are run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from argparse import ArgumentParser
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from borough.core.models import ScheduledJob, WorkerHeartbeat

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


# Periodic jobs: (name, the setting holding its interval in seconds, the task to enqueue).
PERIODIC_JOBS = [
    ("cases.sla_check", "SLA_CHECK_SECONDS", "borough.cases.tasks.sla_check"),
    ("portal.uploads_sweep", "UPLOAD_SWEEP_SECONDS", "borough.portal.tasks.uploads_sweep_run"),
    # Residents' saved forms older than 30 days: the same housekeeping interval as uploads.
    (
        "portal.saved_journeys_clear",
        "UPLOAD_SWEEP_SECONDS",
        "borough.portal.tasks.saved_journeys_clear",
    ),
    # Sign-in attempts older than 30 days (they hold IP addresses): hourly housekeeping too.
    (
        "accounts.sign_in_attempts_clear",
        "UPLOAD_SWEEP_SECONDS",
        "borough.accounts.tasks.sign_in_attempts_clear",
    ),
    ("dispatch.sweep", "DISPATCH_SWEEP_SECONDS", "borough.dispatch.tasks.dispatch_sweep"),
    (
        "payments.reconcile",
        "PAYMENT_RECONCILE_SECONDS",
        "borough.payments.tasks.payments_reconcile_run",
    ),
    # Reminders of tomorrow's bulky waste collections, hourly (each is sent once).
    ("waste.bulky_reminders", "UPLOAD_SWEEP_SECONDS", "borough.waste.tasks.bulky_reminders_run"),
    # Garden waste renewal reminders, hourly (each subscription is reminded once).
    ("waste.garden_reminders", "UPLOAD_SWEEP_SECONDS", "borough.waste.tasks.garden_reminders_run"),
    # Round plans whose worker stopped mid-search recorded as failed, hourly housekeeping (the
    # planning pages already show them as failed as soon as they stall).
    (
        "waste.round_plans_sweep",
        "UPLOAD_SWEEP_SECONDS",
        "borough.waste.planning.tasks.round_plans_sweep",
    ),
]
# The scheduler looks for due jobs at least this often (seconds).
SCHEDULER_TICK_SECONDS = 30.0


def job_claim(
    *, name: str, every: timedelta, worker_id: str = "", now: datetime | None = None
) -> bool:
    """Claim the periodic job `name` if its last run is at least `every` ago, recording the
    run; False if it ran more recently or another worker holds it right now.

    The row is locked with `select_for_update(skip_locked=True)` on PostgreSQL; on SQLite the
    transaction takes the database's write lock when it begins (IMMEDIATE mode), which
    serialises claims just the same. Either way two callers never both claim one run."""
    now = now or timezone.now()
    ScheduledJob.objects.get_or_create(name=name)
    with transaction.atomic():
        job = ScheduledJob.objects.select_for_update(skip_locked=True).filter(name=name).first()
        if job is None:
            return False
        if job.last_run_at is not None and job.last_run_at > now - every:
            return False
        job.last_run_at = now
        job.claimed_by = worker_id[:64]
        job.save(update_fields=["last_run_at", "claimed_by"])
    return True


class Scheduler:
    """Enqueues each periodic job when it is due, from a daemon thread."""

    def __init__(self, *, worker_id: str, jobs: list[tuple[str, str, str]] | None = None) -> None:
        self.worker_id = worker_id
        self.jobs = PERIODIC_JOBS if jobs is None else jobs
        self.tick = min(
            [SCHEDULER_TICK_SECONDS, *(self._every(job).total_seconds() for job in self.jobs)]
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-scheduler", daemon=True)

    @staticmethod
    def _every(job: tuple[str, str, str]) -> timedelta:
        return timedelta(seconds=max(1, int(getattr(settings, job[1]))))

    def run_due(self, *, now: datetime | None = None) -> list[str]:
        """Enqueue every job that is due and that this worker claimed; their names."""
        enqueued = []
        for job in self.jobs:
            name, _setting, task_path = job
            if job_claim(name=name, every=self._every(job), worker_id=self.worker_id, now=now):
                import_string(task_path).enqueue()
                enqueued.append(name)
                logger.info("Periodic job enqueued", extra={"job": name})
        return enqueued

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception:  # a locked or unreachable database: try again next tick
                logger.warning("Periodic jobs could not be enqueued", exc_info=True)
            finally:
                connection.close()
            self._stop.wait(self.tick)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.tick + 30)


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
        scheduler = Scheduler(worker_id=worker_id)
        if batch:
            scheduler.run_due()
        else:
            scheduler.start()
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
            if not batch:
                scheduler.stop()
            heartbeat.stop()
            logger.info("Task worker stopped", extra={"worker_id": worker_id})
