"""Recovering the work of background workers that died (kill -9, out of memory, a lost machine).

The database queue (django-tasks-db) marks a task RUNNING when a worker claims it and never
looks at it again: if that worker dies, the task stays RUNNING forever. Here:

- Every `accord worker` keeps a heartbeat row (WorkerHeartbeat) fresh while it lives. A worker
  whose beat is older than the lease (ACCORD_TASK_LEASE_SECONDS, default 60 s) is gone. This
  works across machines: it needs only the shared database, not process ids. A task claimed by
  a worker without a heartbeat row (a bare `db_worker`) is judged by its start time instead.
- A RUNNING task of a gone worker is put back to READY once, so another worker retries it.
  Its `worker_ids` keep every worker that claimed it, which counts the attempts: when the
  retry's worker dies too, the task is marked FAILED with the reason instead.
- What the dead worker held is released with it: notification deliveries it had claimed
  become due again (the retry sends them), and a network import it was running starts over
  from a clean state (retried) or is marked failed with the reason (no retry left).

Tasks are written to be idempotent, so a retry never repeats an effect that was recorded.
`accord worker` runs this at start-up and every few seconds; `accord worker --recover` runs
it once.
"""

import datetime
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from accord.env import env_int
from accord.ops.models import WorkerHeartbeat

DEFAULT_LEASE_SECONDS = 60
# A task is tried at most this often: the first run and one retry.
MAX_ATTEMPTS = 2
# Heartbeats of workers gone for this long are deleted (kept a while to explain recoveries).
HEARTBEAT_KEEP = datetime.timedelta(days=1)


class WorkerLost(Exception):
    """The worker running a task stopped before finishing it."""


@dataclass(frozen=True)
class Recovery:
    """What one recovery pass did."""

    requeued: list[str] = field(default_factory=list)  # task ids put back to READY
    failed: list[str] = field(default_factory=list)  # task ids marked FAILED
    dead_workers: list[str] = field(default_factory=list)
    deliveries_released: int = 0
    imports_restarted: list[int] = field(default_factory=list)
    imports_failed: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requeued or self.failed or self.deliveries_released)

    def summary(self) -> str:
        return (
            f"{len(self.requeued)} tasks requeued, {len(self.failed)} failed, "
            f"{self.deliveries_released} deliveries released, "
            f"{len(self.imports_restarted)} imports restarted, "
            f"{len(self.imports_failed)} imports failed"
        )


def lease_seconds() -> int:
    """How long a worker may go without a heartbeat before it counts as gone: the setting
    ACCORD_TASK_LEASE_SECONDS, else the environment variable of that name, else 60."""
    configured = getattr(settings, "ACCORD_TASK_LEASE_SECONDS", None)
    if configured:
        return int(configured)
    return env_int("ACCORD_TASK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS, minimum=1)


def worker_id_new() -> str:
    """A worker id unique across machines and restarts (≤ 64 characters, as db_worker asks)."""
    host = socket.gethostname()[:40] or "worker"
    return f"{host}-{os.getpid()}-{get_random_string(8)}"[:64]


def heartbeat_beat(*, worker_id: str, now: datetime.datetime | None = None) -> None:
    """Record that this worker is alive (an upsert of its heartbeat row)."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            beat_at=now,
        )


def heartbeat_end(*, worker_id: str) -> None:
    """A worker stopping cleanly removes its heartbeat (its tasks have finished)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _network_import_id(task: "DBTaskResult[Any, Any]") -> int | None:
    kwargs = (task.args_kwargs or {}).get("kwargs") or {}
    value = kwargs.get("import_id")
    return value if isinstance(value, int) else None


def _network_import_restart(task: "DBTaskResult[Any, Any]", recovery: Recovery) -> None:
    """The retried task imports from the start: drop what the dead run wrote, queue it again."""
    from accord.network.models import Interaction, NetworkImport

    import_id = _network_import_id(task)
    if import_id is None:
        return
    Interaction.objects.filter(batch_id=import_id).delete()
    restarted = NetworkImport.objects.filter(
        pk=import_id, status=NetworkImport.Status.RUNNING
    ).update(
        status=NetworkImport.Status.QUEUED,
        progress=0.0,
        progress_label="Starting again: the worker running it stopped.",
        rows_read=0,
        events_added=0,
        pairs_added=0,
        duplicates=0,
        updated_at=timezone.now(),
    )
    if restarted:
        recovery.imports_restarted.append(import_id)


def _network_import_fail(task: "DBTaskResult[Any, Any]", recovery: Recovery) -> None:
    """No retry left: the import failed, keeps nothing, and says why."""
    from pathlib import Path

    from accord.network.models import Interaction, NetworkImport

    import_id = _network_import_id(task)
    if import_id is None:
        return
    Interaction.objects.filter(batch_id=import_id).delete()
    batch = NetworkImport.objects.filter(
        pk=import_id, status__in=[NetworkImport.Status.RUNNING, NetworkImport.Status.QUEUED]
    ).first()
    if batch is None:
        return
    now = timezone.now()
    NetworkImport.objects.filter(pk=batch.pk).update(
        status=NetworkImport.Status.FAILED,
        error=(
            "The worker running this import stopped twice before it finished (for example it "
            "ran out of memory); nothing was kept. Try again, and tell your administrator if "
            "it happens again."
        ),
        progress_label="Not imported",
        events_added=0,
        pairs_added=0,
        finished_at=now,
        stored_path="",
        updated_at=now,
    )
    if batch.stored_path:
        Path(batch.stored_path).unlink(missing_ok=True)
    recovery.imports_failed.append(batch.pk)


# What to undo or mark for a task of this path when it is requeued, or when it has failed.
Hook = Callable[["DBTaskResult[Any, Any]", Recovery], None]
REQUEUE_HOOKS: dict[str, Hook] = {
    "accord.network.tasks.network_import_task": _network_import_restart,
}
FAIL_HOOKS: dict[str, Hook] = {
    "accord.network.tasks.network_import_task": _network_import_fail,
}


def tasks_recover(
    *, now: datetime.datetime | None = None, lease: datetime.timedelta | None = None
) -> Recovery:
    """Requeue (once) or fail the RUNNING tasks of workers that are gone, and release what
    those workers held. Safe to run from any number of workers at once: each change is a
    conditional UPDATE that only one of them wins."""
    from accord.notifications.delivery import deliveries_release

    now = now or timezone.now()
    lease = lease or datetime.timedelta(seconds=lease_seconds())
    cutoff = now - lease
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "beat_at"))
    alive = {worker for worker, beat in beats.items() if beat >= cutoff}
    recovery = Recovery()
    dead: set[str] = {worker for worker in beats if worker not in alive}
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "task_path", "args_kwargs", "worker_ids", "started_at"
    )
    lost = []
    for task in running:
        workers: list[str] = list(task.worker_ids or [])
        holder = workers[-1] if workers else ""
        if holder in alive:
            continue
        known_dead = holder in beats
        if not known_dead and task.started_at is not None and task.started_at >= cutoff:
            continue  # a worker without heartbeats (bare db_worker): give it the lease
        if holder:
            dead.add(holder)
        lost.append(task)
    # Release first: a requeued task may start at once and must find its deliveries due.
    with transaction.atomic():
        released = deliveries_release(worker_ids=sorted(dead), now=now)
        WorkerHeartbeat.objects.filter(beat_at__lt=now - HEARTBEAT_KEEP).delete()
    for task in lost:
        _task_recover(task, attempts=len(task.worker_ids or []), now=now, recovery=recovery)
    return Recovery(
        requeued=recovery.requeued,
        failed=recovery.failed,
        dead_workers=sorted(dead),
        deliveries_released=released,
        imports_restarted=recovery.imports_restarted,
        imports_failed=recovery.imports_failed,
    )


def _task_recover(
    task: "DBTaskResult[Any, Any]", *, attempts: int, now: datetime.datetime, recovery: Recovery
) -> None:
    # Conditional on the claim this pass saw: a concurrent recovery (or a late finish) wins.
    same_claim = DBTaskResult.objects.filter(
        pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
    )
    with transaction.atomic():
        if attempts < MAX_ATTEMPTS:
            if same_claim.update(status=TaskResultStatus.READY):
                recovery.requeued.append(str(task.pk))
                hook = REQUEUE_HOOKS.get(task.task_path)
                if hook is not None:
                    hook(task, recovery)
            return
        reason = (
            f"{WorkerLost.__name__}: the worker running this task stopped before it finished, "
            f"{attempts} times (workers {', '.join(task.worker_ids)}); it is not retried again."
        )
        failed = same_claim.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=reason,
        )
        if failed:
            recovery.failed.append(str(task.pk))
            hook = FAIL_HOOKS.get(task.task_path)
            if hook is not None:
                hook(task, recovery)


def recovery_describe(recovery: Recovery) -> dict[str, Any]:
    """The recovery as JSON-ready data (for `accord worker --recover --json` and logs)."""
    return {
        "requeued": recovery.requeued,
        "failed": recovery.failed,
        "dead_workers": recovery.dead_workers,
        "deliveries_released": recovery.deliveries_released,
        "imports_restarted": recovery.imports_restarted,
        "imports_failed": recovery.imports_failed,
    }
