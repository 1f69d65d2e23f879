"""Periodic jobs: the worker enqueues each daily job once per day, whatever the number of
worker processes (the claim is an atomic insert into the shared database cache)."""

import datetime
from typing import Any

from django.core.cache import cache
from django.utils.module_loading import import_string

DAILY_TASKS = (
    "accord.governance.tasks_raci.raci_overdue_remind",
    "accord.governance.tasks_decisions.decisions_revisit_remind",
)


def periodic_enqueue(*, today: datetime.date, tasks: tuple[str, ...] = DAILY_TASKS) -> list[str]:
    """Enqueue the daily tasks not yet enqueued today; returns the ones this call enqueued."""
    enqueued = []
    for path in tasks:
        # cache.add only succeeds for the first caller: other workers see the key and skip.
        if cache.add(f"accord:periodic:{path}:{today.isoformat()}", True, timeout=3 * 86400):
            job: Any = import_string(path)
            job.enqueue()
            enqueued.append(path)
    return enqueued
