"""Playbook for the tenancy walk: an open and a dismissed recommendation of acme's
partnership, with "Acme Rocketry" in their reasons, evidence and decision reason, so that a
leak of acme's playbook page, catalogue, API list or records would be seen; the decision URLs
take the recommendation's id."""

from typing import Any

from django.utils import timezone

from accord.insights.models import Recommendation

PARAM_MODELS = {
    "recommendation": "insights.recommendation",
    "recommendation_id": "insights.recommendation",
}


def seed(world: Any) -> None:
    workspace = world.acme.workspace
    today = timezone.localdate()
    common = {
        "workspace": workspace,
        "partnership": world.partnership,
        "reasons": ["Acme Rocketry reason: goal progress scores below 60."],
        "evidence": ["Acme Rocketry evidence: goal progress 40 of 100"],
        "rules": ["health.goal_progress"],
        "baseline_signals": {"health:goal_progress": 40.0},
        "first_seen": today,
        "last_seen": today,
    }
    Recommendation.objects.create(play_key="revisit_kpis", **common)
    Recommendation.objects.create(
        play_key="celebrate_wins",
        status=Recommendation.Status.DISMISSED,
        decision_reason="Acme Rocketry dismissed it for a reason.",
        decided_by=world.owner.user,
        decided_at=timezone.now(),
        **common,
    )
