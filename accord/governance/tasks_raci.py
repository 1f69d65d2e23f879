"""Background job for RACI: remind the A of every overdue deliverable (idempotent, daily)."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.governance.raci_actions import raci_overdue_reminders
from accord.workspaces.models import Workspace


@task()
def raci_overdue_remind(*, today: str | None = None) -> int:
    """Record overdue reminders in every workspace; safe to run any number of times a day
    (each deliverable's A is reminded once per due date). `today` is an ISO date for tests."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return sum(
        raci_overdue_reminders(workspace=workspace, today=day)
        for workspace in Workspace.objects.order_by("pk")
    )
