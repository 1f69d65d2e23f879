"""Recompute a workspace's insights: health snapshots, then the playbook on top of them.

The daily task and the "Refresh now" buttons both come through here, so the order is the same
everywhere: a recommendation always reads the snapshot taken in the same pass."""

import datetime
from collections.abc import Sequence

from accord.partnerships.models import Partnership
from accord.workspaces.models import Workspace


def insights_refresh(
    *,
    workspace: Workspace,
    today: datetime.date,
    partnerships: Sequence[Partnership] | None = None,
) -> int:
    """Take today's health snapshot of the given partnerships (all active ones when None)
    and refresh their recommendations; returns the number of snapshots written."""
    from accord.insights.health import snapshots_take
    from accord.insights.playbook_actions import recommendations_refresh

    written = snapshots_take(workspace=workspace, today=today, partnerships=partnerships)
    recommendations_refresh(workspace=workspace, today=today, partnerships=partnerships)
    return written
