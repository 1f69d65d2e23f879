"""The derived rows the pages read, for `accord generate`: health snapshots (a weekly history
plus today's, computed by the insights app itself, with the playbook on top) and the network
snapshots (computed by the network app from the generated interactions)."""

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from accord.insights.health import SNAPSHOT_STATUSES
from accord.insights.models import HealthSnapshot
from accord.insights.refresh import insights_refresh
from accord.network.snapshots import snapshots_refresh
from accord.ops.generate_bulk import rows_insert
from accord.ops.generate_partnerships import Portfolio
from accord.workspaces.models import Workspace


def health_snapshots_create(
    *, workspace: Workspace, portfolio: Portfolio, weeks: int, today: date, rng: random.Random
) -> dict[str, int]:
    """A weekly health history for the `weeks` before today (plain rows: a level and a
    slope per partnership), then today's snapshot and the playbook's recommendations through
    `insights_refresh`, the daily job's own code, so today's figures are real and their
    trends have a previous value to compare with."""
    now = timezone.now()
    levels = {"active": (55, 85), "forming": (45, 70), "paused": (30, 55)}
    history: list[tuple[Any, ...]] = []
    for partnership in portfolio.partnerships:
        if partnership.status not in SNAPSHOT_STATUSES or partnership.start_date is None:
            continue
        level = rng.uniform(*levels.get(partnership.status, (40, 80)))
        slope = rng.uniform(-2.0, 2.0)
        for back in range(weeks - 1, 0, -1):
            day = today - timedelta(weeks=back)
            if day < partnership.start_date:
                continue
            score = max(0.0, min(100.0, level - slope * back + rng.uniform(-3, 3)))
            history.append((workspace.pk, partnership.pk, day, round(score, 2), 0.8, now))
    written = rows_insert(
        HealthSnapshot,
        ("workspace_id", "partnership_id", "date", "score", "covered_share", "computed_at"),
        history,
    )
    return {"health snapshots": written + insights_refresh(workspace=workspace, today=today)}


def network_snapshots_create(*, workspace: Workspace, today: date) -> dict[str, int]:
    """The network app's daily refresh: today's window and the weekly history it fills in."""
    return {"network snapshots": len(snapshots_refresh(workspace=workspace, today=today))}
