"""The insights part of the demo: health history, the playbook, then two completed reviews
(each step reads what the previous one wrote)."""

import datetime

from accord.insights.demo_health import demo_health_build
from accord.insights.demo_playbook import demo_playbook_build
from accord.insights.demo_reviews import demo_reviews_build
from accord.workspaces.models import Workspace


def demo_insights_build(workspace: Workspace, *, today: datetime.date) -> None:
    demo_health_build(workspace, today=today)
    demo_playbook_build(workspace, today=today)
    demo_reviews_build(workspace, today=today)
