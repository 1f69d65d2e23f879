"""The demo's conflict register: every stage, one private, one escalated, one stale and one
opened from the discount-vs-margin goal conflict."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.governance import conflict_selectors as selectors
from accord.governance.demo_conflicts import demo_conflicts_build
from accord.governance.models import Conflict
from accord.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def test_demo_conflicts_cover_every_stage():
    """After the demo build, the register has every stage, privacy, escalation and the goal
    conflict record, and the register metrics have something to say."""
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    if not Conflict.objects.filter(workspace=workspace).exists():
        demo_conflicts_build(workspace, today=timezone.localdate())
    conflicts = Conflict.objects.filter(workspace=workspace)
    assert set(conflicts.values_list("stage", flat=True)) == set(Conflict.Stage.values)
    assert conflicts.filter(private=True).exists()
    escalated = conflicts.get(stage="escalated")
    assert escalated.escalated_to is not None
    assert escalated.escalation_reason
    from_goals = conflicts.get(source="goal_conflict")
    assert set(from_goals.goals.values_list("metric_key", flat=True)) == {
        "discount_rate",
        "gross_margin",
    }
    assert from_goals.source_explanation
    owner = Membership.objects.get(workspace=workspace, role="owner")
    summary = selectors.conflict_metrics(membership=owner, now=timezone.now())
    assert summary.stale_count >= 1
    assert summary.resolution.median_days is not None
    assert summary.escalation.escalated == 1
