"""The demo's health histories: today's real snapshot of every demo partnership, and sixteen
weekly snapshots before it that tell a story.

The history is GENERATED, not computed: the demo has no record of what its partnerships
looked like three months ago, so each week's component values are today's real values
shifted along a storyline (plus a little seeded noise), and the week's score is the index
computed from those components with the workspace's weights. Every generated component
says so in its evidence. Stories:

- "faster-order-to-cash" is RECOVERING: around 45 three months ago, rising to today's score.
- The active partnership with the lowest score today (other than the recovering one) is
  SLIDING: from about 75 down to today's score (its start is lifted above today's when
  today's is already 75 or more).
- The others wobble a few points around today's score.

Everything is written with bulk_create: the whole history is two statements.
"""

import datetime
import random
from typing import Any

from django.utils import timezone

from accord.insights.health import (
    Measured,
    component_rows,
    effective_weights,
    health_compute,
    insight_settings_get,
    snapshots_take,
)
from accord.insights.models import HealthSnapshot
from accord.metrics.health_index import Reading
from accord.partnerships.models import Lifecycle, Partnership
from accord.workspaces.models import Workspace

RECOVERING_SLUG = "faster-order-to-cash"
WEEKS = 16
RECOVERING_START = 45.0
SLIDING_START = 75.0
GENERATED = "Demo history (generated): scaled from today's reading."


def _storyline(start: float, end: float, weeks: int, *, hold: int = 0) -> list[float]:
    """Scores from `weeks` weeks ago to last week: flat at `start` for `hold` weeks, then an
    eased move toward `end` (reached today, not included)."""
    path = []
    moving = max(1, weeks - hold)
    for index in range(weeks):
        step = max(0, index - hold + 1) / (moving + 1)
        eased = step * step * (3 - 2 * step)  # smoothstep: a slow start and a slow finish
        path.append(start + (end - start) * eased)
    return path


def demo_health_build(workspace: Workspace, *, today: datetime.date) -> dict[str, Any]:
    """Snapshot every demo partnership today, then write the generated weekly history."""
    snapshots_take(workspace=workspace, today=today)
    settings_row = insight_settings_get(workspace=workspace)
    weights = effective_weights(settings_row)
    current = list(
        HealthSnapshot.objects.filter(workspace=workspace, date=today).select_related("partnership")
    )
    if not current:
        return {"snapshots": 0}
    recovering = next((s for s in current if s.partnership.slug == RECOVERING_SLUG), None)
    candidates = [
        s
        for s in current
        if s is not recovering and s.score is not None and s.partnership.status == Lifecycle.ACTIVE
    ] or [s for s in current if s is not recovering and s.score is not None]
    sliding = min(candidates, key=lambda s: (s.score, s.partnership.slug), default=None)

    rng = random.Random(f"health:{workspace.slug}")
    history: list[HealthSnapshot] = []
    last_week: dict[int, dict[str, float]] = {}
    now = timezone.now()
    for snap in current:
        partnership: Partnership = snap.partnership
        end = float(snap.score) if snap.score is not None else 60.0
        if snap is recovering:
            path = _storyline(min(RECOVERING_START, end - 10), end, WEEKS, hold=3)
        elif snap is sliding:
            path = _storyline(max(SLIDING_START, end + 12), end, WEEKS, hold=2)
        else:
            path = [end + rng.uniform(-4, 4) for _ in range(WEEKS)]
        base = {row["key"]: row for row in snap.components}
        previous: dict[str, float] | None = None
        for index, target in enumerate(path):
            day = today - datetime.timedelta(weeks=WEEKS - index)
            shift = target - end
            readings = {}
            for key, row in base.items():
                value = row.get("value")
                if value is None:
                    readings[key] = Measured(Reading(None, row.get("evidence", "")))
                    continue
                moved = min(100.0, max(0.0, float(value) + shift + rng.uniform(-3, 3)))
                freshness = row.get("freshness_days")
                readings[key] = Measured(
                    Reading(moved, GENERATED), freshness if isinstance(freshness, int) else None
                )
            index_value = health_compute(
                readings,
                weights=weights,
                min_covered_share=settings_row.min_covered_share,
                previous=previous,
            )
            history.append(
                HealthSnapshot(
                    workspace=workspace,
                    partnership=partnership,
                    date=day,
                    score=None if index_value.score is None else round(index_value.score, 2),
                    covered_share=round(index_value.covered_weight, 4),
                    components=component_rows(index_value),
                    reasons=[*index_value.reasons, GENERATED],
                    computed_at=now,
                )
            )
            previous = {c.key: c.value for c in index_value.components if c.value is not None}
        if previous is not None:
            last_week[snap.pk] = previous
    HealthSnapshot.objects.bulk_create(
        history,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["partnership", "date"],
        update_fields=["score", "covered_share", "components", "reasons", "computed_at"],
    )
    # Today's rows were taken before the history existed: give their components a trend.
    for snap in current:
        before = last_week.get(snap.pk, {})
        for row in snap.components:
            value, earlier = row.get("value"), before.get(row.get("key", ""))
            row["trend"] = (
                None if value is None or earlier is None else round(float(value) - earlier, 2)
            )
    HealthSnapshot.objects.bulk_update(current, ["components"], batch_size=500)
    return {
        "snapshots": len(current) + len(history),
        "recovering": recovering.partnership.slug if recovering else None,
        "sliding": sliding.partnership.slug if sliding else None,
    }
