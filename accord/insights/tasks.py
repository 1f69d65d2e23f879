"""Background job for insights: every workspace's daily health snapshots and playbook
refresh (idempotent: a second run the same day rewrites the same snapshot rows)."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.insights.refresh import insights_refresh
from accord.workspaces.models import Workspace


@task()
def health_snapshots_daily(*, today: str | None = None) -> dict[str, int]:
    """Snapshot the health of every active partnership of every workspace and refresh the
    playbook's recommendations. `today` (ISO date) fixes the day for tests."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    workspaces = 0
    snapshots = 0
    for workspace in Workspace.objects.order_by("pk").iterator():
        snapshots += insights_refresh(workspace=workspace, today=day)
        workspaces += 1
    return {"workspaces": workspaces, "snapshots": snapshots}
