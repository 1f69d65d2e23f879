"""The demo's meetings: months of held meetings with tallies (one dominated by seniors, one
evenly shared), captured decisions and actions, a cancelled one, and upcoming meetings made
from the communication plan's cadences."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.comms import meeting_selectors as selectors
from accord.comms.models_meetings import Contribution, Meeting
from accord.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def test_demo_meetings_tell_the_voice_story():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    meetings = Meeting.objects.filter(workspace=workspace)
    today = timezone.localdate()
    held = list(meetings.filter(status="held").order_by("starts_at"))
    assert len(held) >= 8
    oldest = timezone.localtime(held[0].starts_at).date()
    assert (today - oldest).days >= 56  # 8+ weeks of history
    assert meetings.filter(status="cancelled").exists()
    upcoming = meetings.filter(status="scheduled", starts_at__gte=selectors.day_start(today))
    assert upcoming.count() >= 3
    assert upcoming.filter(cadence__isnull=False).exists()  # from the plan's cadences
    assert Contribution.objects.filter(workspace=workspace).count() >= 50

    levels = {m.pk: selectors.meeting_participation_get(meeting=m) for m in held}
    dominated = [m for m in held if levels[m.pk].level == "dominated"]
    even = [m for m in held if levels[m.pk].level == "even"]
    assert dominated
    assert even
    seniors = levels[dominated[-1].pk]
    assert seniors.voices[0].contributions > 0
    assert any(g.group == "Individual contributors" for g in seniors.flagged)
    assert seniors.silent  # some present never spoke
    assert levels[even[-1].pk].flagged == ()

    assert any(m.decisions.exists() for m in held)
    captured = [a for m in held for a in m.actions.all()]
    assert captured
    assert all(a.source_type == "meeting" for a in captured)
    for meeting in held:
        assert meeting.agenda.exists()
        assert meeting.notes
