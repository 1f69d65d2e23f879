"""What /healthz checks: the database (primary and each replica) and the task queue.

Every check answers a status ("ok", "degraded" or "error") and how long it took. Details
of a failure (messages can name hosts or users) go to the log, never into the answer.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Count, Min, Q
from django.tasks import TaskResultStatus
from django.utils import timezone

logger = logging.getLogger("accord.health")

STATUS_ORDER = {"ok": 0, "degraded": 1, "error": 2}


def _database_check(alias: str) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            result: dict[str, Any] = {"status": "ok"}
            if alias != "default" and connection.vendor == "postgresql":
                # Seconds since the replica replayed its last transaction (NULL when the
                # server is not replaying, as in tests that use two ordinary databases).
                cursor.execute("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
                lag = cursor.fetchone()[0]
                result["lag_seconds"] = None if lag is None else round(float(lag), 1)
        return result

    return check


def queue_check(*, now: datetime | None = None) -> dict[str, Any]:
    """The worker queue: how many due tasks wait and for how long, how many run.

    "degraded" when the oldest due task has waited longer than ACCORD_HEALTH_QUEUE_MAX_AGE
    seconds: no worker is taking jobs (stopped, stuck, or too few for the load)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    no_delay = get_date_max()
    ready = Q(status=TaskResultStatus.READY)
    figures = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).aggregate(
        ready=Count("id", filter=ready & (Q(run_after=no_delay) | Q(run_after__lte=now))),
        # A task without a delay became due when enqueued; a delayed one at its run_after.
        oldest_enqueued=Min("enqueued_at", filter=ready & Q(run_after=no_delay)),
        oldest_run_after=Min("run_after", filter=ready & Q(run_after__lte=now)),
        running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest_started=Min("started_at", filter=Q(status=TaskResultStatus.RUNNING)),
    )
    due_since = [t for t in (figures["oldest_enqueued"], figures["oldest_run_after"]) if t]
    oldest_ready = max(0.0, (now - min(due_since)).total_seconds()) if due_since else 0.0
    oldest_running = (
        max(0.0, (now - figures["oldest_started"]).total_seconds())
        if figures["oldest_started"]
        else 0.0
    )
    limit = settings.ACCORD_HEALTH_QUEUE_MAX_AGE
    return {
        "status": "degraded" if oldest_ready > limit else "ok",
        "ready": figures["ready"],
        "oldest_ready_seconds": round(oldest_ready, 1),
        "max_age_seconds": limit,
        "running": figures["running"],
        "oldest_running_seconds": round(oldest_running, 1),
    }


def health_checks() -> dict[str, Callable[[], dict[str, Any]]]:
    checks = {"database": _database_check("default")}
    for alias in connections.settings:
        if alias != "default":
            checks[f"database_{alias}"] = _database_check(alias)
    checks["queue"] = queue_check
    return checks


def health_report(*, only: set[str] | None = None) -> dict[str, Any]:
    """Run the checks (all, or the named ones) and sum them up: the worst status wins.

    The queue check is skipped when the primary database failed: it would fail the same way.
    """
    results: dict[str, dict[str, Any]] = {}
    for name, check in health_checks().items():
        if only is not None and name not in only:
            continue
        if name == "queue" and results.get("database", {}).get("status") == "error":
            results[name] = {"status": "error", "skipped": True, "ms": 0.0}
            continue
        started = time.perf_counter()
        try:
            result = check()
        except Exception:
            logger.exception("Health check %s failed", name)
            result = {"status": "error"}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    worst = max((r["status"] for r in results.values()), key=STATUS_ORDER.__getitem__, default="ok")
    return {"status": worst, "checks": results}
