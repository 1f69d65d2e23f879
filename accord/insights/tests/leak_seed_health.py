"""Health for the tenancy walk: a partnership of its own with a snapshot taken for real and an
earlier one with "Acme Rocketry" in the evidence, and the workspace's settings changed, so that
a leak of acme's health page, its API record, its history or its settings would be seen. The
health URLs take the partnership's slug, which the walk already fills; there are no object ids
of their own. (Its own partnership, so other seeds' snapshots of the shared one never clash.)"""

import datetime
from typing import Any

from django.utils import timezone

from accord.insights.health import insight_settings_get, snapshots_take
from accord.insights.models import HealthSnapshot
from accord.org.models import Function
from accord.partnerships.actions import partnership_create

PARAM_MODELS: dict[str, str] = {}


def seed(world: Any) -> None:
    workspace = world.acme.workspace
    today = timezone.localdate()
    other = Function.objects.create(workspace=workspace, name="Acme Rocketry health desk")
    partnership = partnership_create(
        workspace=workspace,
        actor=world.owner.user,
        name="Acme Rocketry health",
        functions=[world.function, other],
    )
    snapshots_take(workspace=workspace, today=today, partnerships=[partnership])
    HealthSnapshot.objects.create(
        workspace=workspace,
        partnership=partnership,
        date=today - datetime.timedelta(days=7),
        score=61.0,
        covered_share=0.6,
        components=[
            {
                "key": "conflicts",
                "label": "Open conflicts and time to resolution",
                "value": 70.0,
                "weight": 8.0,
                "effective_weight": 1.0,
                "evidence": "Acme Rocketry: 2 open conflicts.",
                "status": "ok",
                "freshness_days": 1,
                "trend": None,
            }
        ],
        reasons=["Acme Rocketry score from 1 of 13 components."],
        computed_at=timezone.now(),
    )
    settings_row = insight_settings_get(workspace=workspace)
    settings_row.weights = {"coordination": 21.0}
    settings_row.save()
