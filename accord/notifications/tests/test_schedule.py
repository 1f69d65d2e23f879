"""The worker schedules its own periodic jobs (no cron, no broker): daily jobs once per day,
the delivery sweep once per slot and only when something is due. Advancing the clock over two
weeks through the real worker proves each job runs once per period and sends once."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.governance.models import ActionItem
from accord.notifications import actions
from accord.notifications.models import Delivery, Event, Notification
from accord.notifications.service import notify
from accord.notifications.tests.conftest import person_of
from accord.web.periodic import (
    DAILY_TASKS,
    FREQUENT_TASKS,
    frequent_enqueue,
    frequent_slot,
    periodic_enqueue,
)
from conftest import build_tenant


def test_frequent_slots_floor_to_the_minute_step():
    moment = datetime.datetime(2031, 3, 3, 10, 7, 42, 123, tzinfo=datetime.UTC)
    assert frequent_slot(moment, 1) == moment.replace(second=0, microsecond=0)
    assert frequent_slot(moment, 5) == datetime.datetime(2031, 3, 3, 10, 5, tzinfo=datetime.UTC)


def test_the_sweep_is_enqueued_once_per_slot_and_only_when_something_is_due(acme):
    moment = datetime.datetime(2031, 3, 3, 10, 7, tzinfo=datetime.UTC)
    assert frequent_enqueue(now=moment) == []  # nothing due: no no-op job in the queue
    actions.webhook_create(
        membership=acme.membership("admin"),
        name="Ops",
        kind="generic",
        url="https://ops.example.com/hook",
    )
    from accord.notifications.service import publish

    publish(workspace=acme.workspace, event=Event.DECISION_DECIDED, key="k", subject="S")
    Delivery.objects.update(next_attempt_at=moment)
    assert frequent_enqueue(now=moment) == [FREQUENT_TASKS[0][0]]
    assert frequent_enqueue(now=moment + datetime.timedelta(seconds=30)) == []
    assert frequent_enqueue(now=moment + datetime.timedelta(minutes=1)) == [FREQUENT_TASKS[0][0]]
    sweep = DBTaskResult.objects.filter(task_path=FREQUENT_TASKS[0][0]).first()
    assert sweep.args_kwargs["kwargs"] == {"now": moment.isoformat()}


def test_daily_jobs_get_the_day_they_were_scheduled_for(db):
    day = datetime.date(2031, 4, 7)
    assert periodic_enqueue(today=day) == list(DAILY_TASKS)
    kwargs = {r.task_path: r.args_kwargs["kwargs"] for r in DBTaskResult.objects.all()}
    assert kwargs["accord.notifications.tasks.digests_send"] == {"today": "2031-04-07"}
    assert kwargs["accord.notifications.tasks.actions_overdue_remind"] == {"today": "2031-04-07"}


@pytest.mark.django_db(transaction=True)
def test_two_weeks_of_worker_days_send_each_digest_and_reminder_once(smtp_server):
    """Day by day (Monday 6 Jan 2031 to Sunday 19 Jan), the scheduler enqueues the daily
    jobs and the worker runs them: Mia (daily digest) gets a digest on each day something new
    came in, Adam (weekly, the default) one per Monday, the overdue action is emailed once,
    and a second scheduling pass on the same day changes nothing."""
    acme = build_tenant("acme", "Acme Corp")
    mia, adam = person_of(acme, "member", "Mia Member"), person_of(acme, "admin", "Adam Admin")
    actions.preferences_save(
        membership=acme.membership("member"), choices={}, digest="daily", email_paused=False
    )
    first = datetime.date(2031, 1, 6)
    ActionItem.objects.create(
        workspace=acme.workspace,
        title="Send the revised discount policy",
        owner=mia,
        due_date=first + datetime.timedelta(days=2),
    )

    def kudos(person, key):
        notify(
            workspace=acme.workspace,
            event=Event.KUDOS,
            recipients=[person],
            key=key,
            subject=f"Kudos {key}",
        )

    kudos(mia, "day0")
    kudos(adam, "day0")
    new_on = {2: "day2", 9: "day9"}  # more kudos arrive on these days
    for offset in range(14):
        day = first + datetime.timedelta(days=offset)
        if offset in new_on:
            kudos(mia, new_on[offset])
            kudos(adam, new_on[offset])
        assert periodic_enqueue(today=day) == list(DAILY_TASKS)
        assert periodic_enqueue(today=day) == []  # a second worker's pass: nothing more
        call_command("worker", batch=True, verbosity=0)
        # The frequent sweep finds nothing left to send.
        assert frequent_enqueue(now=timezone.now() + datetime.timedelta(days=offset)) == []

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    subjects = Counter((m["To"], m["Subject"]) for m in smtp_server.messages)
    assert subjects == {
        ("member@acme.test", "[Acme Corp] Your daily digest: 1 unread"): 3,  # days 0, 2, 9
        ("member@acme.test", "[Acme Corp] Overdue: Send the revised discount policy"): 1,
        # Mondays 6 and 13 Jan: day 0's kudos, then day 2's.
        ("admin@acme.test", "[Acme Corp] Your weekly digest: 1 unread"): 2,
    }
    # Adam's kudos of day 9 (after the second Monday) waits for the next one.
    waiting = Notification.objects.get(user=acme.admin, dedupe_key__contains="day9")
    assert waiting.digested_at is None
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_the_sweep_retries_a_failed_webhook_without_a_new_event(http_server):
    """A post that failed is sent again by the scheduled sweep once its backoff has passed."""
    acme = build_tenant("acme", "Acme Corp")
    http_server.statuses = [500, 200]
    actions.webhook_create(
        membership=acme.membership("admin"), name="Ops", kind="generic", url=http_server.url
    )
    from accord.notifications.service import publish

    publish(workspace=acme.workspace, event=Event.DECISION_DECIDED, key="k", subject="Decided")
    call_command("worker", batch=True, verbosity=0)  # the enqueued send: HTTP 500
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert frequent_enqueue(now=later) == [FREQUENT_TASKS[0][0]]
    call_command("worker", batch=True, verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(http_server.received) == 2
