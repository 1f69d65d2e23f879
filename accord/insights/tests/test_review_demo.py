"""The demo's review cycle: two completed monthly reviews of Faster Order-to-Cash with frozen
packs, member feedback and adjustments, and the next review scheduled from the plan."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.governance.models import ActionItem
from accord.insights.demo_reviews import PARTNERSHIP
from accord.insights.models import Review
from accord.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_completed_reviews_and_the_next_one_scheduled():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    today = timezone.localdate()
    reviews = list(
        Review.objects.filter(workspace=workspace, partnership__slug=PARTNERSHIP).order_by(
            "scheduled_for"
        )
    )
    completed = [r for r in reviews if r.status == "completed"]
    assert len(completed) == 2
    first, second = completed
    assert first.scheduled_for == today - datetime.timedelta(days=45)
    assert second.period_start == first.period_end + datetime.timedelta(days=1)
    for review in completed:
        assert review.meeting is not None
        assert review.meeting.title == "Monthly cash review"
        assert review.summary
        assert review.completed_at
        assert review.feedback.count() == 3
        assert review.adjustments.exists()
        assert review.pack["partnership"]["slug"] == PARTNERSHIP
        assert review.pack["health"]["score"] is not None
        assert review.pack["health"]["history"]
    assert second.pack["previous_review"]["title"] == first.title
    # The play accepted in the playbook demo shows with its follow-up.
    assert any(pack_play["actions_total"] for pack_play in second.pack["plays"])
    assert len(second.pack["previous_review"]["adjustments"]) == 3
    # The recovering partnership's health rose between the two reviews.
    assert second.pack["health"]["score"] > first.pack["health"]["score"]
    actions = ActionItem.objects.filter(
        source_type="review", source_uuid__in=[r.uuid for r in completed]
    )
    assert actions.count() == 2
    assert actions.filter(status="done").count() == 1
    upcoming = [r for r in reviews if r.status == "scheduled"]
    assert len(upcoming) == 1
    assert upcoming[0].scheduled_for > second.scheduled_for
    assert upcoming[0].period_start == second.period_end + datetime.timedelta(days=1)
