"""Health of the database and the task worker, for /healthz and `borough` itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from borough.core.models import WorkerHeartbeat


def worker_required() -> bool:
    """The immediate backend runs tasks in-process: no worker to watch."""
    return not str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend")


def health_report() -> tuple[bool, dict[str, Any]]:
    report: dict[str, Any] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
        live = WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).count()
    except Exception as exc:  # any database failure makes us unhealthy
        return False, {
            "database": {"ok": False, "error": exc.__class__.__name__},
            "worker": {"ok": False, "error": "database unavailable"},
        }
    report["database"] = {"ok": True, "vendor": connection.vendor}

    if worker_required():
        report["worker"] = {"ok": live > 0, "live_workers": live}
        healthy = live > 0
    else:
        report["worker"] = {"ok": True, "live_workers": live, "mode": "immediate"}
    return healthy, report
