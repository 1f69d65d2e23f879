"""Background job: every workspace's daily network snapshot (the window ending today, weekly
history kept). Idempotent: a second run the same day rewrites the same snapshot rows."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.network.models import NetworkImport
from accord.network.snapshots import snapshots_refresh
from accord.workspaces.models import Workspace


@task()
def network_snapshots_daily(*, today: str | None = None) -> dict[str, int]:
    """Snapshot the collaboration network of every workspace with a finished import.
    `today` (ISO date) fixes the day for tests."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with_data = NetworkImport.objects.filter(status=NetworkImport.Status.DONE).values(
        "workspace_id"
    )
    workspaces = snapshots = 0
    for workspace in Workspace.objects.filter(pk__in=with_data).order_by("pk").iterator():
        snapshots += len(snapshots_refresh(workspace=workspace, today=day))
        workspaces += 1
    return {"workspaces": workspaces, "snapshots": snapshots}
