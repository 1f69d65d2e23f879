"""Background jobs for meetings (daily, idempotent): create the next meeting of each review
or meeting cadence of the communication plan, and remind attendees of review meetings two
days ahead. Both are safe to run any number of times a day."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.comms.meeting_actions import meetings_recurring_create as recurring_create
from accord.comms.meeting_actions import reviews_upcoming_notify
from accord.workspaces.models import Workspace


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@task()
def meetings_recurring_create(*, today: str | None = None) -> int:
    """Schedule the next meeting of every active monthly review, QBR and custom meeting
    cadence that has none yet, inviting the partnership's members. `today` is an ISO date
    for tests. Returns how many meetings were created."""
    day = _day(today)
    return sum(
        len(recurring_create(workspace=workspace, today=day))
        for workspace in Workspace.objects.order_by("pk")
    )


@task()
def reviews_upcoming_remind(*, today: str | None = None) -> int:
    """Tell the attendees of review meetings starting in the next two days (once per person
    and date). Returns how many people were told."""
    day = _day(today)
    return sum(
        reviews_upcoming_notify(workspace=workspace, today=day)
        for workspace in Workspace.objects.order_by("pk")
    )
