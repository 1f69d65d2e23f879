"""Daily jobs for communication plans and function profiles (idempotent: safe to run any
number of times a day)."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.comms.plan_actions import cadence_reminders_send
from accord.comms.profile_actions import profiles_stale_reminders
from accord.workspaces.models import Workspace


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@task()
def cadences_remind(*, today: str | None = None) -> int:
    """Move met cadences to their next due date, remind owners the day before a due date and
    once a due date is missed past its grace days. `today` is an ISO date for tests."""
    day = _day(today)
    return sum(
        cadence_reminders_send(workspace=workspace, today=day)
        for workspace in Workspace.objects.order_by("pk")
    )


@task()
def profiles_stale_remind(*, today: str | None = None) -> int:
    """Nudge function leads whose profile is more than 90 days past its last review, once
    every 30 days. `today` is an ISO date for tests."""
    day = _day(today)
    return sum(
        profiles_stale_reminders(workspace=workspace, today=day)
        for workspace in Workspace.objects.order_by("pk")
    )
