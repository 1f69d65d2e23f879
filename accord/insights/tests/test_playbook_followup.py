"""Follow-up of accepted plays: the signals then and now, and whether each improved (higher
is better for rules that fire below a line, lower for rules that fire at or above it)."""

import datetime

import pytest
from django.utils import timezone

from accord.governance.models import ActionItem
from accord.insights.models import Recommendation
from accord.insights.playbook_actions import recommendation_accept, recommendations_refresh
from accord.insights.playbook_selectors import play_followups, play_followups_pack
from accord.insights.tests.playbook_world import (
    TODAY,
    conflict_write,
    membership,
    snapshot_write,
    team_build,
)

pytestmark = pytest.mark.django_db
LATER = TODAY + datetime.timedelta(days=30)


def accepted(tenant, team, *, now_goal_progress, conflict_days_now=None):
    snapshot_write(team.partnership, components={"goal_progress": 40.0})
    conflict = conflict_write(team.partnership, title="Align pricing", days=45)
    recommendations_refresh(
        workspace=tenant.workspace, today=TODAY, partnerships=[team.partnership]
    )
    lead = membership(tenant, "member")
    for play in ("revisit_kpis", "facilitated_dialogue"):
        rec = Recommendation.objects.select_related("partnership").get(play_key=play)
        items = recommendation_accept(
            membership=lead, recommendation=rec, owner=tenant.alice, today=TODAY
        )
        Recommendation.objects.filter(pk=rec.pk).update(
            decided_at=timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9)))
        )
        ActionItem.objects.filter(pk__in=[i.pk for i in items[:2]]).update(status="done")
    if conflict_days_now is None:
        conflict.stage = "resolved"
        conflict.save(update_fields=["stage"])
    snapshot_write(team.partnership, day=LATER, components={"goal_progress": now_goal_progress})
    recommendations_refresh(
        workspace=tenant.workspace, today=LATER, partnerships=[team.partnership]
    )
    return team


def test_an_improved_signal_and_a_resolved_conflict_show_as_improved(acme):
    team = accepted(acme, team_build(acme), now_goal_progress=75.0)
    followups = {f.play.key: f for f in play_followups(partnership=team.partnership, as_of=LATER)}
    kpis = followups["revisit_kpis"]
    (signal,) = kpis.signals
    assert (signal.before, signal.now, signal.improved) == (40.0, 75.0, True)
    assert signal.higher_is_better is True
    assert (kpis.actions_done, kpis.actions_total) == (2, 4)
    dialogue = followups["facilitated_dialogue"]
    (conflict,) = dialogue.signals
    assert (conflict.before, conflict.now, conflict.improved) == (45.0, None, True)
    assert conflict.higher_is_better is False
    assert "Align pricing" in conflict.label


def test_a_worse_signal_is_not_improved(acme):
    team = accepted(acme, team_build(acme), now_goal_progress=35.0)
    (kpis,) = [
        f
        for f in play_followups(partnership=team.partnership, as_of=LATER)
        if f.play.key == "revisit_kpis"
    ]
    assert kpis.signals[0].improved is False


def test_a_conflict_still_open_has_aged_and_is_not_improved(acme):
    team = accepted(acme, team_build(acme), now_goal_progress=75.0, conflict_days_now=75)
    (dialogue,) = [
        f
        for f in play_followups(partnership=team.partnership, as_of=LATER)
        if f.play.key == "facilitated_dialogue"
    ]
    assert (dialogue.signals[0].now, dialogue.signals[0].improved) == (75.0, False)


def test_the_pack_shape_for_the_review(acme):
    team = accepted(acme, team_build(acme), now_goal_progress=75.0)
    pack = play_followups_pack(partnership=team.partnership, as_of=LATER)
    kpis = next(p for p in pack if p["play"] == "revisit_kpis")
    assert kpis == {
        "play": "revisit_kpis",
        "title": "Revisit the KPIs",
        "accepted_at": TODAY.isoformat(),
        "actions_done": 2,
        "actions_total": 4,
        "signals": [{"label": "Goal progress", "before": 40.0, "now": 75.0, "improved": True}],
    }


def test_plays_accepted_after_the_date_are_left_out(acme):
    team = accepted(acme, team_build(acme), now_goal_progress=75.0)
    assert play_followups(partnership=team.partnership, as_of=TODAY - datetime.timedelta(1)) == []


def test_a_snapshot_the_playbook_has_not_read_still_answers_for_health_signals(acme):
    """A snapshot taken on demand (or generated history) has components but no signals: the
    health signals are read from its components; a conflict cannot be judged gone from it."""
    team = accepted(acme, team_build(acme), now_goal_progress=75.0)
    later = LATER + datetime.timedelta(days=7)
    snapshot_write(team.partnership, day=later, components={"goal_progress": 82.0})
    followups = {f.play.key: f for f in play_followups(partnership=team.partnership, as_of=later)}
    (signal,) = followups["revisit_kpis"].signals
    assert (signal.before, signal.now, signal.improved) == (40.0, 82.0, True)
    (conflict,) = followups["facilitated_dialogue"].signals
    assert conflict.improved is None
