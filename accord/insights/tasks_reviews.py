"""Daily job for review cycles: make sure each monthly review and QBR cadence of the active
partnerships has its next review scheduled (idempotent: safe to run any number of times)."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.insights.review_actions import reviews_schedule as schedule
from accord.workspaces.models import Workspace


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@task()
def reviews_schedule(*, today: str | None = None) -> int:
    """Schedule the next review of every active review cadence that has none yet, linked to
    the meeting of that occurrence when it exists. `today` is an ISO date for tests. Returns
    how many reviews were created."""
    day = _day(today)
    return sum(
        schedule(workspace=workspace, today=day) for workspace in Workspace.objects.order_by("pk")
    )
