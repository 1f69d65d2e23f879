"""Background job for decisions: remind deciders of decisions due for revisit (idempotent)."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.governance.decision_actions import decisions_due_for_revisit
from accord.workspaces.models import Workspace


@task()
def decisions_revisit_remind(*, today: str | None = None) -> int:
    """Record revisit reminders in every workspace; each decider is reminded once per revisit
    date however often this runs. `today` is an ISO date for tests."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return sum(
        len(decisions_due_for_revisit(workspace=workspace, today=day))
        for workspace in Workspace.objects.order_by("pk")
    )
