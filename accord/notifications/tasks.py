"""Background jobs of notifications (`accord worker`): sending deliveries, daily and weekly
digests, and overdue-action reminders. Every job is idempotent: running it twice sends
nothing twice. `today` / `now` are ISO strings so tests (and the scheduler) can pin time."""

import datetime
from typing import Any

from django.tasks import TaskContext, task
from django.utils import timezone


def _today(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@task(takes_context=True)
def deliveries_send(context: "TaskContext[Any, Any]", *, now: str | None = None) -> int:
    """Send every due delivery (new ones and retries whose backoff has passed); returns how
    many were sent. The claims name this task's worker, so they are released if it dies."""
    from accord.notifications.delivery import deliveries_due_send

    moment = datetime.datetime.fromisoformat(now) if now else None
    workers = context.task_result.worker_ids
    return deliveries_due_send(now=moment, worker_id=workers[-1] if workers else "")


@task()
def digests_send(*, today: str | None = None) -> int:
    """Queue today's digests (daily every day, weekly on Mondays; sending follows as its own
    job); returns how many digests were queued."""
    from accord.notifications.digests import digests_queue

    return digests_queue(today=_today(today))


@task()
def actions_overdue_remind(*, today: str | None = None) -> int:
    """Remind owners of overdue actions in every workspace, once per due date."""
    from accord.governance.notify import actions_overdue_notify
    from accord.workspaces.models import Workspace

    day = _today(today)
    return sum(
        actions_overdue_notify(workspace=workspace, today=day)
        for workspace in Workspace.objects.order_by("pk")
    )
