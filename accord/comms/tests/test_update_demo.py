"""The demo's status updates: eight or more weeks for every active partnership, a RAG story
with amber and red weeks, acknowledgements that differ by function, mostly answered asks,
and something in "Needs my response" for the demo member login."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.comms import update_selectors as selectors
from accord.comms.demo_updates import MEMBER_LOGIN, demo_updates_build
from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate, UpdateComment
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember
from accord.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def test_demo_updates_tell_the_story_and_give_the_member_something_to_answer():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    if not StatusUpdate.objects.filter(workspace=workspace).exists():
        demo_updates_build(workspace, today=timezone.localdate())
    updates = StatusUpdate.objects.filter(workspace=workspace)
    active = Partnership.objects.filter(workspace=workspace, status=Lifecycle.ACTIVE)
    per_partnership = Counter(updates.values_list("partnership_id", flat=True))
    assert set(per_partnership) == set(active.values_list("pk", flat=True))
    assert min(per_partnership.values()) >= 8
    rags = Counter(updates.values_list("rag", flat=True))
    assert rags["green"] > rags["amber"] > rags["red"] > 0
    assert not updates.filter(rag="red", blockers="").exists()
    assert updates.filter(goals__isnull=False).distinct().count() == updates.count()

    asks = Ask.objects.filter(workspace=workspace)
    answered = asks.filter(answered_at__isnull=False)
    assert answered.count() > asks.count() / 2
    assert asks.filter(answered_at__isnull=True).exists()
    assert not answered.filter(answered_by__isnull=True).exists()
    assert asks.filter(to_function__isnull=False).exists()
    assert asks.filter(to_person__isnull=False).exists()

    # Functions read at different rates.
    members = {
        (m.partnership_id, m.person_id): m.function.name
        for m in PartnershipMember.objects.filter(workspace=workspace).select_related("function")
    }
    reads = Counter(
        members.get((a.update.partnership_id, a.person_id))
        for a in Acknowledgement.objects.filter(workspace=workspace).select_related("update")
    )
    assert reads["Finance"] > reads["Engineering"]
    assert UpdateComment.objects.filter(workspace=workspace, parent__isnull=False).exists()

    member = Membership.objects.get(workspace=workspace, user__email=MEMBER_LOGIN)
    found = selectors.needs_me(membership=member)
    assert found.asks
    assert found.unread
    assert found.mentions
