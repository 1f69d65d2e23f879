"""The demo's action items: across partnerships, some overdue, some done, with comments, some
on goals, and a few owned by the demo member login for My actions."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.governance import action_selectors as selectors
from accord.governance.demo_actions import MEMBER_LOGIN, demo_actions_build
from accord.governance.models import ActionComment, ActionItem
from accord.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def test_demo_actions_cover_every_state_and_show_on_my_actions():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    today = timezone.localdate()
    if not ActionItem.objects.filter(workspace=workspace).exists():
        demo_actions_build(workspace, today=today)
    actions = ActionItem.objects.filter(workspace=workspace)
    assert actions.count() >= 14
    assert actions.values("partnership").distinct().count() >= 6
    assert actions.filter(selectors.overdue_q(today)).count() >= 3
    done = actions.filter(status="done")
    assert done.exists()
    assert not done.filter(completed_at__isnull=True).exists()
    assert actions.filter(goal__isnull=False).count() >= 5
    assert ActionComment.objects.filter(workspace=workspace).count() >= 5
    assert not actions.filter(owner__isnull=True).exists()
    member = Membership.objects.get(workspace=workspace, user__email=MEMBER_LOGIN)
    mine = selectors.my_action_list(membership=member)
    assert len(mine) >= 3
