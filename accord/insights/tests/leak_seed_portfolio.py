"""Portfolio data for the tenancy walk: a health history, a scheduled review and a KPI with
measurements on acme's partnership, all with "Acme Rocketry" in their text, so that a leak of
acme's portfolio (page, function view, KPI roll-up or API) would be seen.

The portfolio's URLs take the `function` (page) and `function_id` (API) of the org area; the
walk already fills those with acme's function ids, so no new parameter is mapped here."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accord.goals.models import Kpi, Measurement
from accord.insights.models import HealthSnapshot, Review

PARAM_MODELS: dict[str, str] = {}


def seed(world: Any) -> None:
    workspace = world.acme.workspace
    partnership = world.partnership
    today = timezone.localdate()
    now = timezone.now()
    HealthSnapshot.objects.bulk_create(
        [
            HealthSnapshot(
                workspace=workspace,
                partnership=partnership,
                date=today - timedelta(days=7 * weeks),
                score=55.0 + weeks,
                covered_share=0.9,
                components=[{"key": "goal_progress", "evidence": "Acme Rocketry goals"}],
                reasons=["Acme Rocketry health"],
                computed_at=now,
            )
            for weeks in range(6)
        ]
    )
    Review.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Acme Rocketry portfolio review",
        period_start=today - timedelta(days=30),
        period_end=today,
        scheduled_for=today + timedelta(days=7),
    )
    kpi = Kpi.objects.create(
        workspace=workspace,
        partnership=partnership,
        metric_key="acme_rocketry_launches",
        name="Acme Rocketry launches",
        direction="increase",
        category="efficiency",
    )
    Measurement.objects.bulk_create(
        [
            Measurement(workspace=workspace, kpi=kpi, date=today - timedelta(days=40), value=3),
            Measurement(workspace=workspace, kpi=kpi, date=today, value=5),
        ]
    )
