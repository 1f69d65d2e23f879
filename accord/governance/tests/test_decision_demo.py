"""The demo's decision log: one open for input with mixed responses and a block, decided ones
with a supersession, and a change proposal with open and answered concerns and readiness."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accord.governance import decision_selectors as selectors
from accord.governance.demo_decisions import CHANGE_TITLE, OPEN_TITLE, demo_decisions_build
from accord.governance.models import Decision
from accord.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def test_demo_decisions_cover_input_supersession_and_a_change(client):
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    today = timezone.localdate()
    if not Decision.objects.filter(workspace=workspace).exists():
        demo_decisions_build(workspace, today=today)
    decisions = Decision.objects.filter(workspace=workspace)
    assert decisions.count() >= 6
    open_one = decisions.get(title=OPEN_TITLE)
    summary = selectors.decision_input_summary(decision=open_one)
    assert summary.counts["block"] == 1
    assert summary.counts["agree"] == 1
    assert summary.unanswered == 2
    superseded = decisions.get(status="superseded")
    assert superseded.superseded_by.status == "decided"
    change = decisions.get(title=CHANGE_TITLE)
    statuses = set(change.change_proposal.concerns.values_list("status", flat=True))
    assert "open" in statuses
    assert len(statuses) >= 2
    readiness = selectors.change_readiness_summary(proposal=change.change_proposal)
    assert len(readiness.before) >= 2
    assert [d.title for d in selectors.decisions_revisit_list(workspace=workspace, today=today)]

    owner = Membership.objects.filter(workspace=workspace, role="owner").first()
    client.force_login(owner.user, backend="django.contrib.auth.backends.ModelBackend")
    for decision in (open_one, superseded, change):
        page = client.get(reverse("decision_detail", args=["brightwater", decision.uuid]))
        assert page.status_code == 200
    assert client.get(reverse("decision_list", args=["brightwater"])).status_code == 200
