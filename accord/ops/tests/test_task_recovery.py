"""Recovering the tasks of dead workers: requeue once, then fail with a reason; release what
the dead worker held (deliveries, network imports). The end-to-end kill -9 test lives in
tests/reliability/test_worker_faults.py."""

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.network.models import Identity, Interaction, NetworkImport
from accord.network.tasks import network_import_task
from accord.notifications.models import Delivery, Event
from accord.notifications.service import notify
from accord.notifications.tasks import actions_overdue_remind as ping
from accord.notifications.tests.conftest import person_of
from accord.ops.models import WorkerHeartbeat
from accord.ops.task_recovery import (
    WorkerLost,
    heartbeat_beat,
    heartbeat_end,
    tasks_recover,
    worker_id_new,
)

pytestmark = pytest.mark.django_db

LEASE = datetime.timedelta(seconds=60)


def _claimed(task: Any, *workers: str, started: datetime.datetime) -> DBTaskResult[Any, Any]:
    """The task's row as db_worker leaves it once `workers` claimed it in turn."""
    row = DBTaskResult.objects.get(pk=task.id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING", worker_ids=list(workers), started_at=started
    )
    row.refresh_from_db()
    return row


def _beat(worker: str, at: datetime.datetime) -> None:
    heartbeat_beat(worker_id=worker, now=at)


def test_a_task_whose_worker_stopped_beating_goes_back_to_the_queue_once():
    """The worker's last beat is older than the lease: its task is READY again, keeping the
    worker ids that count its attempts."""
    now = timezone.now()
    _beat("host-1-dead", now - 2 * LEASE)
    task = _claimed(ping.enqueue(), "host-1-dead", started=now - 3 * LEASE)
    recovery = tasks_recover(now=now, lease=LEASE)
    task.refresh_from_db()
    assert task.status == "READY"
    assert task.worker_ids == ["host-1-dead"]
    assert recovery.requeued == [str(task.pk)]
    assert recovery.dead_workers == ["host-1-dead"]
    assert tasks_recover(now=now, lease=LEASE).requeued == []


def test_a_task_whose_worker_is_alive_is_left_running():
    """A fresh heartbeat means the worker is still on it, however long the task runs."""
    now = timezone.now()
    _beat("host-1-alive", now - datetime.timedelta(seconds=5))
    task = _claimed(ping.enqueue(), "host-1-alive", started=now - 30 * LEASE)
    assert not tasks_recover(now=now, lease=LEASE)
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_that_lost_its_worker_twice_fails_with_the_reason():
    """The retry's worker died too: no third run; the task is FAILED and says why."""
    now = timezone.now()
    _beat("host-2-dead", now - 2 * LEASE)
    task = _claimed(ping.enqueue(), "host-1-dead", "host-2-dead", started=now - 3 * LEASE)
    recovery = tasks_recover(now=now, lease=LEASE)
    task.refresh_from_db()
    assert recovery.failed == [str(task.pk)]
    assert task.status == "FAILED"
    assert task.exception_class_path == "accord.ops.task_recovery.WorkerLost"
    assert "stopped before it finished, 2 times" in task.traceback
    assert task.finished_at == now
    (error,) = task.task_result.errors
    assert error.exception_class is WorkerLost


def test_a_worker_without_heartbeats_gets_the_lease_from_the_start_of_its_task():
    """A bare db_worker keeps no heartbeat: its task counts as lost only once it has run for
    longer than the lease."""
    now = timezone.now()
    recent = _claimed(ping.enqueue(), "bare-worker", started=now - LEASE / 2)
    old = _claimed(ping.enqueue(), "bare-worker-2", started=now - 2 * LEASE)
    recovery = tasks_recover(now=now, lease=LEASE)
    assert recovery.requeued == [str(old.pk)]
    recent.refresh_from_db()
    assert recent.status == "RUNNING"


def test_deliveries_held_by_a_dead_worker_become_due_and_others_stay_claimed(acme):
    """The dead worker's claimed emails are pending again at once (not after the 5-minute
    delivery lease); a live worker's claims are untouched."""
    now = timezone.now()
    notify(
        workspace=acme.workspace,
        event=Event.ACTION_ASSIGNED,
        recipients=[person_of(acme, "member"), person_of(acme, "admin")],
        key="recovery",
        subject="Action for you",
        body="Body",
        url="/w/acme/actions/",
    )
    mine, theirs = Delivery.objects.order_by("pk")
    _beat("dead", now - 2 * LEASE)
    _beat("alive", now)
    lease = now + datetime.timedelta(minutes=5)
    Delivery.objects.filter(pk=mine.pk).update(
        status="sending", claimed_by="dead", lease_until=lease, attempts=1
    )
    Delivery.objects.filter(pk=theirs.pk).update(
        status="sending", claimed_by="alive", lease_until=lease, attempts=1
    )
    recovery = tasks_recover(now=now, lease=LEASE)
    assert recovery.deliveries_released == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.claimed_by, mine.lease_until, mine.attempts) == (
        "pending",
        "",
        None,
        1,
    )
    assert (theirs.status, theirs.claimed_by) == ("sending", "alive")


def _import_running(acme: Any) -> NetworkImport:
    batch = NetworkImport.objects.create(
        workspace=acme.workspace,
        source="csv",
        filename="mail.csv",
        sha256="a" * 64,
        status=NetworkImport.Status.RUNNING,
        rows_read=10,
        events_added=1,
        started_at=timezone.now(),
    )
    ann, ben = (
        Identity.objects.create(workspace=acme.workspace, kind="email", value=value)
        for value in ("ann@acme.test", "ben@acme.test")
    )
    Interaction.objects.create(
        workspace=acme.workspace,
        batch=batch,
        occurred_at=timezone.now(),
        sender=ann,
        recipient=ben,
        key="k" * 32,
    )
    return batch


def test_an_import_whose_worker_died_starts_again_from_a_clean_state(acme):
    """The requeued import is queued again with nothing of the dead run kept, so the retry
    (which only runs queued imports) imports the whole file once."""
    now = timezone.now()
    batch = _import_running(acme)
    _claimed(network_import_task.enqueue(import_id=batch.pk), "dead", started=now - 2 * LEASE)
    _beat("dead", now - 2 * LEASE)
    recovery = tasks_recover(now=now, lease=LEASE)
    batch.refresh_from_db()
    assert recovery.imports_restarted == [batch.pk]
    assert batch.status == NetworkImport.Status.QUEUED
    assert (batch.rows_read, batch.events_added) == (0, 0)
    assert "stopped" in batch.progress_label
    assert not Interaction.objects.filter(batch=batch).exists()


def test_an_import_whose_worker_died_twice_fails_with_the_reason(acme, tmp_path):
    """No retry left: the import is failed, keeps nothing, its upload is removed, and the
    error says what happened."""
    now = timezone.now()
    batch = _import_running(acme)
    upload = tmp_path / "upload.csv"
    upload.write_text("timestamp,sender,recipients\n")
    NetworkImport.objects.filter(pk=batch.pk).update(stored_path=str(upload))
    task = network_import_task.enqueue(import_id=batch.pk)
    _claimed(task, "dead-1", "dead-2", started=now - 2 * LEASE)
    recovery = tasks_recover(now=now, lease=LEASE)
    batch.refresh_from_db()
    assert recovery.imports_failed == [batch.pk]
    assert batch.status == NetworkImport.Status.FAILED
    assert "stopped twice" in batch.error
    assert batch.stored_path == ""
    assert not upload.exists()
    assert not Interaction.objects.filter(batch=batch).exists()


def test_heartbeats_are_refreshed_and_removed_on_a_clean_stop():
    """One row per worker: beating again updates it, a clean stop deletes it."""
    worker = worker_id_new()
    assert len(worker) <= 64
    start = timezone.now()
    heartbeat_beat(worker_id=worker, now=start)
    heartbeat_beat(worker_id=worker, now=start + datetime.timedelta(seconds=5))
    row = WorkerHeartbeat.objects.get()
    assert (row.started_at, row.beat_at) == (start, start + datetime.timedelta(seconds=5))
    heartbeat_end(worker_id=worker)
    assert not WorkerHeartbeat.objects.exists()


def test_worker_recover_runs_one_pass_and_reports_it_as_json():
    """`accord worker --recover --json` recovers and prints what it did, then exits."""
    _beat("dead", timezone.now() - datetime.timedelta(days=1))
    task = _claimed(ping.enqueue(), "dead", started=timezone.now() - datetime.timedelta(days=1))
    out = StringIO()
    call_command("worker", recover=True, json=True, stdout=out)
    report = json.loads(out.getvalue())
    assert report["requeued"] == [str(task.pk)]
    assert report["dead_workers"] == ["dead"]
