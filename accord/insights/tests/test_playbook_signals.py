"""The playbook's signals, read from real records: each kind fires its play when the data is
weak and does not when it is healthy, and reading them does not grow with partnerships."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.goals.models import Goal
from accord.insights.playbook_signals import signals_collect
from accord.insights.tests.playbook_world import (
    TODAY,
    cadence_write,
    change_write,
    conflict_write,
    coordination_write,
    snapshot_write,
    team_build,
)
from accord.metrics.playbook import recommend

pytestmark = pytest.mark.django_db


def collect(tenant, team, today=TODAY):
    found = signals_collect(
        workspace=tenant.workspace, partnerships=[team.partnership], today=today
    )
    return found[team.partnership.pk]


def plays(signals):
    return {found.play.key for found in recommend(signals)}


def of_kind(signals, kind):
    return [s for s in signals if s.kind == kind]


def test_a_weak_health_component_recommends_its_play(acme):
    """Goal progress at 40 of 100 recommends revisiting the KPIs; no-data ones are skipped."""
    team = team_build(acme)
    snapshot_write(team.partnership, components={"goal_progress": 40.0, "psych_safety": None})
    signals = collect(acme, team)
    health = of_kind(signals, "health")
    assert [(s.key, s.value) for s in health] == [("goal_progress", 40.0)]
    assert "40 of 100" in health[0].evidence
    assert "revisit_kpis" in plays(signals)


def test_healthy_components_recommend_nothing(acme):
    team = team_build(acme)
    snapshot_write(team.partnership, components={"goal_progress": 80.0, "asks_answered": 95.0})
    assert plays(collect(acme, team)) == set()


def test_only_the_latest_snapshot_counts(acme):
    """An old weak snapshot does not fire once a newer one is healthy."""
    team = team_build(acme)
    snapshot_write(
        team.partnership,
        day=TODAY - datetime.timedelta(days=30),
        components={"goal_progress": 20.0},
    )
    snapshot_write(team.partnership, components={"goal_progress": 85.0})
    assert [s.value for s in of_kind(collect(acme, team), "health")] == [85.0]


def test_low_coordination_dimensions_recommend_their_plays(acme):
    team = team_build(acme)
    coordination_write(acme, team, position=2)
    signals = collect(acme, team)
    keys = {s.key: s.value for s in of_kind(signals, "coordination")}
    assert keys["shared_goals"] == 2.0
    assert keys["timely_communication"] == 2.0
    assert {"align_goals", "knowledge_sharing", "update_cadence", "celebrate_wins"} <= plays(
        signals
    )


def test_high_coordination_recommends_nothing(acme):
    team = team_build(acme)
    coordination_write(acme, team, position=5)
    signals = collect(acme, team)
    assert of_kind(signals, "coordination")
    assert plays(signals) == set()


def test_coordination_under_the_minimum_group_is_not_read(acme):
    """A cycle whose answers are under k releases nothing, so no signal comes from it."""
    team = team_build(acme, people=2)
    coordination_write(acme, team, position=1, min_group=10)
    assert of_kind(collect(acme, team), "coordination") == []


def test_a_stale_conflict_recommends_a_facilitated_dialogue(acme):
    team = team_build(acme)
    conflict_write(team.partnership, title="Align pricing", days=45)
    signals = collect(acme, team)
    assert [s.evidence for s in of_kind(signals, "conflict_age")] == [
        "‘Align pricing’ open 45 days"
    ]
    assert "facilitated_dialogue" in plays(signals)


def test_a_young_or_resolved_conflict_does_not(acme):
    team = team_build(acme)
    conflict_write(team.partnership, title="Fresh one", days=5)
    conflict_write(team.partnership, title="Old but resolved", days=90, stage="resolved")
    signals = collect(acme, team)
    assert [s.value for s in of_kind(signals, "conflict_age")] == [5.0]
    assert plays(signals) == set()


def test_a_private_conflict_never_names_its_title(acme):
    team = team_build(acme)
    conflict_write(team.partnership, title="Acme secret quarrel", days=60, private=True)
    signals = collect(acme, team)
    (signal,) = of_kind(signals, "conflict_age")
    assert "secret" not in signal.evidence + signal.label
    assert signal.evidence == "A private conflict open 60 days"
    assert "facilitated_dialogue" in plays(signals)


def test_goals_pulling_against_each_other_recommend_aligning(acme):
    team = team_build(acme)
    common = {"partnership": team.partnership, "metric_key": "discount_rate", "unit": "%"}
    Goal.objects.create(
        workspace=acme.workspace,
        title="Raise discount rate to 12% to win deals",
        direction="increase",
        target=12,
        owner=acme.alice,
        due_date=datetime.date(2027, 6, 30),
        **common,
    )
    Goal.objects.create(
        workspace=acme.workspace,
        title="Cut discount rate to 5% to protect margin",
        direction="decrease",
        target=5,
        owner=acme.bob,
        due_date=datetime.date(2027, 6, 30),
        **common,
    )
    signals = collect(acme, team)
    (signal,) = of_kind(signals, "goal_conflicts")
    assert signal.value == 1.0
    assert "1 goal pair pulls against each other" in signal.evidence
    assert "align_goals" in plays(signals)


def test_goals_that_agree_do_not(acme):
    team = team_build(acme)
    Goal.objects.create(
        workspace=acme.workspace,
        partnership=team.partnership,
        title="Raise gross margin from 30% to 34% by 30 June 2027",
        metric_key="gross_margin",
        direction="increase",
        baseline=30,
        target=34,
        owner=acme.bob,
        due_date=datetime.date(2027, 6, 30),
    )
    (signal,) = of_kind(collect(acme, team), "goal_conflicts")
    assert signal.value == 0.0


def test_a_vague_goal_recommends_fixing_its_smart_gaps(acme):
    team = team_build(acme)
    Goal.objects.create(
        workspace=acme.workspace, partnership=team.partnership, title="Improve things"
    )
    signals = collect(acme, team)
    (signal,) = of_kind(signals, "smart_gaps")
    assert signal.value >= 3
    assert "‘Improve things’ misses" in signal.evidence
    assert "fix_smart_gaps" in plays(signals)


def test_a_smart_goal_linked_to_a_kpi_does_not(acme):
    from accord.goals.models import Kpi

    team = team_build(acme)
    Kpi.objects.create(
        workspace=acme.workspace,
        partnership=team.partnership,
        name="Gross margin",
        metric_key="gross_margin",
        unit="%",
    )
    Goal.objects.create(
        workspace=acme.workspace,
        partnership=team.partnership,
        title="Raise gross margin from 30% to 34% by 30 June 2027",
        metric_key="gross_margin",
        unit="%",
        direction="increase",
        baseline=30,
        target=34,
        owner=acme.bob,
        start_date=datetime.date(2027, 1, 1),
        due_date=datetime.date(2027, 6, 30),
    )
    (signal,) = of_kind(collect(acme, team), "smart_gaps")
    assert signal.value == 0.0, signal.evidence
    assert signal.evidence.endswith("meets every SMART criterion")


def test_missed_updates_recommend_a_cadence(acme):
    team = team_build(acme)
    cadence_write(team.partnership, weeks_ago=5)
    signals = collect(acme, team)
    (signal,) = of_kind(signals, "missed_updates")
    assert signal.value >= 2
    assert "missed" in signal.evidence
    assert "update_cadence" in plays(signals)


def test_a_kept_cadence_does_not(acme):
    from django.utils import timezone

    from accord.comms.models import StatusUpdate

    team = team_build(acme)
    cadence = cadence_write(team.partnership, weeks_ago=3)
    for week in range(4):
        day = cadence.starts_on + datetime.timedelta(weeks=week)
        StatusUpdate.objects.create(
            workspace=acme.workspace,
            partnership=team.partnership,
            cadence=cadence,
            author=acme.alice,
            period_start=day - datetime.timedelta(days=6),
            period_end=day,
            rag="green",
            progress="On track",
            posted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
        )
    signals = collect(acme, team)
    (signal,) = of_kind(signals, "missed_updates")
    assert signal.value == 0.0
    assert "update_cadence" not in plays(signals)


def test_an_unconsulted_change_recommends_involving_stakeholders(acme):
    team = team_build(acme)
    change_write(team.partnership, title="Weekly invoicing", affected=team.functions, heard=[])
    signals = collect(acme, team)
    (signal,) = of_kind(signals, "unconsulted_change")
    assert signal.value == 0.0
    assert "0 of 2 affected functions gave input; not yet Finance, Sales" in signal.evidence
    assert "involve_stakeholders" in plays(signals)


def test_a_consulted_or_decided_change_does_not(acme):
    team = team_build(acme)
    change_write(team.partnership, title="Heard all", affected=team.functions, heard=team.functions)
    change_write(
        team.partnership,
        title="Already decided",
        affected=team.functions,
        heard=[],
        status="decided",
    )
    signals = collect(acme, team)
    assert [s.value for s in of_kind(signals, "unconsulted_change")] == [1.0]
    assert plays(signals) == set()


def test_other_workspaces_partnerships_are_ignored(acme, globex):
    team = team_build(globex)
    found = signals_collect(workspace=acme.workspace, partnerships=[team.partnership], today=TODAY)
    assert found == {}


def test_queries_do_not_grow_with_partnerships(acme):
    """Every kind is read in bulk: three partnerships cost what one does."""

    def build(number):
        team = team_build(acme, name=f"Team {number}", people=1)
        snapshot_write(team.partnership, components={"goal_progress": 40.0})
        conflict_write(team.partnership, title=f"Conflict {number}", days=40)
        cadence_write(team.partnership, weeks_ago=4, name=f"Update {number}")
        change_write(team.partnership, title=f"Change {number}", affected=team.functions, heard=[])
        Goal.objects.create(
            workspace=acme.workspace, partnership=team.partnership, title=f"Goal {number}"
        )
        return team.partnership

    first = build(0)
    with CaptureQueriesContext(connection) as one:
        signals_collect(workspace=acme.workspace, partnerships=[first], today=TODAY)
    partnerships = [first, build(1), build(2)]
    with CaptureQueriesContext(connection) as three:
        found = signals_collect(workspace=acme.workspace, partnerships=partnerships, today=TODAY)
    assert len(three) <= len(one)
    assert all(found[p.pk] for p in partnerships)


def test_voice_equity_flags_reach_the_playbook(acme, seniors_dominate, anonymous_world):
    """Seniors who dominate recommend making space for junior voices; a function heard only
    anonymously does too; a partnership without members gets neither."""
    from accord.insights.tests.test_contributions_counts import TODAY as EQUITY_DAY
    from accord.insights.tests.test_equity_metrics import decision, partnership, respond

    margin, *_ = seniors_dominate
    safety, _directors, ics = anonymous_world
    respond(acme, decision(acme, safety), ics[0], anonymous=True, function=acme.finance)
    quiet = partnership(acme, "Empty", [])
    found = signals_collect(
        workspace=acme.workspace, partnerships=[margin, safety, quiet], today=EQUITY_DAY
    )
    margin_voice = {s.key: s.value for s in of_kind(found[margin.pk], "voice_share")}
    assert margin_voice["seniority:ic"] < 0.5
    assert {"junior_voices", "involve_stakeholders"} <= plays(found[margin.pk])
    assert of_kind(found[safety.pk], "anonymous_only")
    assert "junior_voices" in plays(found[safety.pk])
    assert of_kind(found[quiet.pk], "voice_share") == []
    assert plays(found[quiet.pk]) == set()


from accord.insights.tests.test_equity_metrics import (  # noqa: E402  (shared fixtures)
    anonymous_world,
    seniors_dominate,
)

__all__ = ["anonymous_world", "seniors_dominate"]
