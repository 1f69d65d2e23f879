"""The insights part of the demo: health history, the playbook, two completed reviews, then
the next review of every partnership whose plan has a review cadence (each step reads what
the previous one wrote)."""

import datetime

from accord.insights.demo_health import demo_health_build
from accord.insights.demo_playbook import demo_playbook_build
from accord.insights.demo_reviews import demo_reviews_build
from accord.insights.review_actions import reviews_schedule
from accord.workspaces.models import Workspace


def demo_insights_build(workspace: Workspace, *, today: datetime.date) -> None:
    demo_health_build(workspace, today=today)
    demo_playbook_build(workspace, today=today)
    demo_reviews_build(workspace, today=today)
    # The other partnerships' next reviews, as the daily job would schedule them.
    reviews_schedule(workspace=workspace, today=today)
