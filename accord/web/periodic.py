"""Periodic jobs, scheduled by `accord worker` itself (no cron, no broker, no extra process).

Each worker runs a small scheduler thread that, every minute, enqueues
- each daily job once per day (the day is passed to the job as `today`, when the job takes
  it, so a job enqueued just before midnight still works on its own day), and
- each frequent job once per slot of FREQUENT_MINUTES (`now` is passed the same way).

However many worker processes run, each job is enqueued once per period: the claim is an
atomic insert (`cache.add`) into the shared database cache, which only the first caller wins.
The jobs themselves are idempotent too, so a job that runs twice tells nobody twice.
"""

import datetime
import inspect
from typing import Any

from django.core.cache import cache
from django.utils.module_loading import import_string

DAILY_TASKS = (
    "accord.governance.tasks_raci.raci_overdue_remind",
    "accord.governance.tasks_decisions.decisions_revisit_remind",
    "accord.notifications.tasks.actions_overdue_remind",
    "accord.notifications.tasks.digests_send",
    "accord.comms.tasks_plan.cadences_remind",
    "accord.comms.tasks_plan.profiles_stale_remind",
    "accord.comms.tasks_meetings.meetings_recurring_create",
    "accord.comms.tasks_meetings.reviews_upcoming_remind",
    "accord.surveys.tasks.cycles_advance",
    "accord.insights.tasks_reviews.reviews_schedule",
    "accord.insights.tasks.health_snapshots_daily",
    "accord.network.tasks.network_interactions_prune_daily",
    "accord.network.tasks_snapshots.network_snapshots_daily",
    "accord.ops.tasks.database_optimize",
)
# (task, condition): retries whose backoff has passed are sent by this sweep even when
# nothing new happens. The condition (a cheap query) keeps an idle queue free of no-op jobs.
FREQUENT_TASKS: tuple[tuple[str, str | None], ...] = (
    (
        "accord.notifications.tasks.deliveries_send",
        "accord.notifications.delivery.deliveries_due_exist",
    ),
)
FREQUENT_MINUTES = 1
CLAIM_SECONDS = 3 * 86400


def _enqueue(path: str, **moment: str) -> None:
    job: Any = import_string(path)
    accepted = inspect.signature(job.func).parameters
    job.enqueue(**{name: value for name, value in moment.items() if name in accepted})


def periodic_enqueue(*, today: datetime.date, tasks: tuple[str, ...] = DAILY_TASKS) -> list[str]:
    """Enqueue the daily tasks not yet enqueued today; returns the ones this call enqueued."""
    enqueued = []
    for path in tasks:
        # cache.add only succeeds for the first caller: other workers see the key and skip.
        if cache.add(f"accord:periodic:{path}:{today.isoformat()}", True, timeout=CLAIM_SECONDS):
            _enqueue(path, today=today.isoformat())
            enqueued.append(path)
    return enqueued


def frequent_slot(now: datetime.datetime, minutes: int = FREQUENT_MINUTES) -> datetime.datetime:
    """The start of the slot `now` falls in (slots of `minutes`, counted from midnight)."""
    floor = now.replace(second=0, microsecond=0)
    return floor - datetime.timedelta(minutes=floor.minute % minutes)


def frequent_enqueue(
    *,
    now: datetime.datetime,
    tasks: tuple[tuple[str, str | None], ...] = FREQUENT_TASKS,
    minutes: int = FREQUENT_MINUTES,
) -> list[str]:
    """Enqueue the frequent tasks that have work (their condition holds) and were not yet
    enqueued in this slot; returns those enqueued."""
    slot = frequent_slot(now, minutes).isoformat()
    enqueued = []
    for path, condition in tasks:
        if condition is not None and not import_string(condition)(now=now):
            continue
        if cache.add(f"accord:frequent:{path}:{slot}", True, timeout=3600):
            _enqueue(path, now=now.isoformat())
            enqueued.append(path)
    return enqueued
