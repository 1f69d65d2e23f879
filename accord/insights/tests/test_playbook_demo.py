"""The demo's playbook: open recommendations across the demo, a play the recovering
partnership accepted ten weeks ago whose follow-up shows improved signals and mostly done
action items, and one play dismissed with a reason."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.insights.demo_playbook import RECOVERING_SLUG
from accord.insights.models import Recommendation
from accord.insights.playbook_selectors import play_followups, play_followups_pack
from accord.partnerships.models import Partnership
from accord.workspaces.models import Workspace

pytestmark = pytest.mark.django_db
Status = Recommendation.Status


@pytest.fixture
def demo(db):
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    today = timezone.localdate()
    return workspace, today


def test_an_accepted_play_that_helped_a_dismissed_one_and_open_ones(demo):
    workspace, today = demo
    partnership = Partnership.objects.get(workspace=workspace, slug=RECOVERING_SLUG)
    (followup,) = play_followups(partnership=partnership, as_of=today)
    assert followup.accepted_at is not None
    age = (today - followup.accepted_at.date()).days
    assert 63 <= age <= 77
    assert followup.actions_total >= 3
    assert followup.actions_done == followup.actions_total - 1
    assert followup.signals
    assert all(signal.improved for signal in followup.signals)
    (pack,) = play_followups_pack(partnership=partnership, as_of=today)
    assert pack["play"] == followup.play.key
    dismissed = Recommendation.objects.filter(workspace=workspace, status=Status.DISMISSED)
    assert dismissed.count() == 1
    assert dismissed.get().decision_reason
    assert Recommendation.objects.filter(workspace=workspace, status=Status.OPEN).count() >= 3


def test_the_demo_pages_render(demo, client):
    from accord.accounts.models import User

    workspace, _today = demo
    client.force_login(
        User.objects.get(email="owner@brightwater.example"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    page = client.get(f"/w/{workspace.slug}/partnerships/{RECOVERING_SLUG}/playbook/")
    assert page.status_code == 200
    assert "Improved" in page.content.decode()
    assert client.get(f"/w/{workspace.slug}/playbook/").status_code == 200
