"""Background work for collaboration networks: imports run in `accord worker`, and a daily
job prunes interactions older than each workspace's retention."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.network.models import NetworkImport
from accord.workspaces.models import Workspace


@task()
def network_import_task(*, import_id: int) -> str:
    """Run a queued import. Idempotent: the import is claimed once, so a rerun does nothing."""
    from accord.network.import_actions import network_import_run

    batch = NetworkImport.objects.select_related("workspace").filter(pk=import_id).first()
    if batch is None or batch.status != NetworkImport.Status.QUEUED:
        return "skipped"
    return network_import_run(batch=batch).status


@task()
def network_interactions_prune_daily(*, today: str | None = None) -> dict[str, int]:
    """Delete every workspace's interactions older than its retention. `today` (ISO date)
    fixes the day for tests."""
    from accord.network.import_actions import interactions_prune

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    deleted = 0
    workspaces = 0
    for workspace in Workspace.objects.order_by("pk").iterator():
        deleted += interactions_prune(workspace=workspace, today=day)
        workspaces += 1
    return {"workspaces": workspaces, "deleted": deleted}
