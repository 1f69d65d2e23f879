"""Each health component from what the other areas record, with and without data, and the
composite with missing data (explicit "no data", weights renormalised, never 0 or 100)."""

import datetime

import pytest
from django.utils import timezone

from accord.insights.health import (
    NO_DATA,
    health_readings,
    insight_settings_get,
    snapshots_take,
)
from accord.insights.models import HealthSnapshot
from accord.insights.tests.test_health_support import (
    TODAY,
    bare_partnership,
    components_of,
    rich_partnership,
)
from accord.metrics.health_index import COMPONENT_LABELS
from accord.surveys.tests.test_results_support import (
    World,
    coordination_answers,
    cycle_run,
    health_answers,
    psych_answers,
)

pytestmark = pytest.mark.django_db


def readings(tenant, partnership, today=TODAY):
    found = health_readings(
        workspace=tenant.workspace,
        partnerships=[partnership],
        today=today,
        settings_row=insight_settings_get(workspace=tenant.workspace),
    )
    return found[partnership.pk]


def value(found, key):
    return found[key].reading.value


# --- with data ------------------------------------------------------------------------------


def test_goal_progress_counts_goals_behind_their_expected_pace(acme):
    """One goal at pace 1.2, one at 0.2: half the goals are on track."""
    rich = rich_partnership(acme)
    found = readings(acme, rich.partnership)
    assert value(found, "goal_progress") == pytest.approx(50.0)
    assert found["goal_progress"].reading.evidence == "1 of 2 goals behind expected progress."
    assert found["goal_progress"].freshness_days == 3


def test_forecast_confidence_is_the_mean_chance_of_reaching_the_targets(acme):
    rich = rich_partnership(acme)
    reading = readings(acme, rich.partnership)["forecast_confidence"].reading
    assert reading.value is not None
    assert 0.0 <= reading.value <= 100.0
    assert "over 2 goals" in reading.evidence


def test_checkin_freshness_scores_each_goal_against_its_cadence(acme):
    """3 days on a 7-day cadence scores 100; 20 days scores 100 × (1 − 13/14)."""
    rich = rich_partnership(acme)
    found = readings(acme, rich.partnership)
    expected = (100.0 + 100.0 * (1 - 13 / 14)) / 2
    assert value(found, "checkin_freshness") == pytest.approx(expected)
    assert found["checkin_freshness"].reading.evidence.startswith("1 of 2 goals overdue")


def test_cadence_adherence_is_due_dates_met_over_due_dates_judged(acme):
    rich = rich_partnership(acme)
    found = readings(acme, rich.partnership)
    assert value(found, "cadence_adherence") == pytest.approx(200 / 3)
    assert found["cadence_adherence"].reading.evidence.startswith("2 of 3 due dates")
    assert found["cadence_adherence"].freshness_days == 1


def test_acknowledgement_counts_only_readers_of_another_function(acme):
    """The second update was read by a colleague of the author's own function only."""
    rich = rich_partnership(acme)
    found = readings(acme, rich.partnership)
    assert value(found, "acknowledgement") == pytest.approx(50.0)
    assert "1 of 2 updates" in found["acknowledgement"].reading.evidence


def test_asks_answered_leaves_out_asks_still_in_their_grace_period(acme):
    rich = rich_partnership(acme)
    found = readings(acme, rich.partnership)
    assert value(found, "asks_answered") == pytest.approx(50.0)
    assert found["asks_answered"].reading.evidence.startswith("1 of 2 asks")
    assert found["asks_answered"].freshness_days == 9


def test_raci_completeness_is_the_share_of_deliverables_without_errors(acme):
    rich = rich_partnership(acme)
    found = readings(acme, rich.partnership)
    assert value(found, "raci_completeness") == pytest.approx(50.0)
    assert found["raci_completeness"].reading.evidence.startswith("1 of 2 deliverables")


def test_decision_velocity_uses_the_workspace_target(acme):
    """20 and 3 days open: one overdue at 14 days, none at 30."""
    rich = rich_partnership(acme)
    assert value(readings(acme, rich.partnership), "decision_velocity") == pytest.approx(50.0)
    settings_row = insight_settings_get(workspace=acme.workspace)
    settings_row.decision_target_days = 30
    settings_row.save()
    assert value(readings(acme, rich.partnership), "decision_velocity") == pytest.approx(100.0)


def test_conflicts_cost_points_when_open(acme):
    """One open conflict (−15); resolved in a median of 14 days costs nothing."""
    rich = rich_partnership(acme)
    found = readings(acme, rich.partnership)
    assert value(found, "conflicts") == pytest.approx(85.0)
    assert found["conflicts"].reading.evidence == (
        "1 open conflict; resolved in a median of 14 days."
    )


def test_participation_equity_counts_silent_members_as_zero(acme):
    """Alice posted two updates and Bob answered an ask; the other two were silent."""
    rich = rich_partnership(acme)
    reading = readings(acme, rich.partnership)["participation_equity"].reading
    assert reading.value is not None
    assert reading.value < 60.0
    assert "by 2 of 4 members" in reading.evidence


# --- surveys: released aggregates only ------------------------------------------------------


def survey_world(acme):
    rich = rich_partnership(acme)
    return rich, World(
        tenant=acme, partnership=rich.partnership, functions=rich.functions, people=rich.people
    )


def test_survey_components_come_from_the_latest_closed_cycles(acme):
    rich, world = survey_world(acme)
    cycle_run(world, "coordination", answer=coordination_answers(2), k=3, weeks_ago=10)
    cycle_run(world, "coordination", answer=coordination_answers(4), k=3, weeks_ago=2)
    cycle_run(world, "psychological-safety", answer=psych_answers(7), k=3, weeks_ago=2)
    cycle_run(world, "health-check", answer=health_answers(vote=1), k=3, weeks_ago=2)
    found = readings(acme, rich.partnership, today=timezone.localdate())
    coordination = value(found, "coordination")
    assert coordination is not None
    assert coordination > 60.0
    assert "n = 4" in found["coordination"].reading.evidence
    assert value(found, "psych_safety") > 80.0
    assert value(found, "health_votes") == pytest.approx(100.0)  # all green
    assert found["health_votes"].freshness_days is not None


def test_a_cycle_under_the_minimum_group_size_is_no_data(acme):
    """Three answers where k is 5: nothing released, so no data — never a number."""
    rich, world = survey_world(acme)
    cycle_run(world, "coordination", answer=coordination_answers(4), k=5, who=rich.people[:3])
    found = readings(acme, rich.partnership, today=timezone.localdate())
    assert value(found, "coordination") is None
    assert found["coordination"].reading.evidence == NO_DATA["coordination"]


def test_an_open_cycle_is_not_read(acme):
    rich, world = survey_world(acme)
    cycle_run(world, "psychological-safety", answer=psych_answers(6), k=3, close=False)
    found = readings(acme, rich.partnership, today=timezone.localdate())
    assert value(found, "psych_safety") is None


# --- without data ---------------------------------------------------------------------------


def test_a_bare_partnership_has_no_data_except_the_conflict_register(acme):
    """Nothing recorded: every component is "no data" with its reason, except conflicts,
    where having none is itself data (100)."""
    partnership = bare_partnership(acme)
    found = readings(acme, partnership)
    for key in COMPONENT_LABELS:
        if key == "conflicts":
            continue
        assert found[key].reading.value is None, key
        assert found[key].reading.evidence, key
        assert found[key].freshness_days is None, key
    assert value(found, "conflicts") == 100.0


def test_goals_without_check_ins_give_no_progress_but_count_for_freshness(acme):
    """A started goal never checked in is as stale as its age; it has no progress."""
    partnership = bare_partnership(acme)
    from accord.goals.models import Goal

    Goal.objects.create(
        workspace=acme.workspace,
        partnership=partnership,
        title="Silent",
        direction="increase",
        baseline=0,
        target=10,
        start_date=TODAY - datetime.timedelta(days=30),
        due_date=TODAY + datetime.timedelta(days=30),
        cadence_days=7,
    )
    found = readings(acme, partnership)
    assert value(found, "goal_progress") is None
    assert value(found, "forecast_confidence") is None
    assert value(found, "checkin_freshness") == 0.0  # 30 days > three 7-day cadences


# --- the composite --------------------------------------------------------------------------


def test_missing_components_are_left_out_and_the_weights_renormalised(acme):
    rich = rich_partnership(acme)
    assert snapshots_take(workspace=acme.workspace, today=TODAY) == 1
    snapshot = HealthSnapshot.objects.get(partnership=rich.partnership, date=TODAY)
    rows = components_of(snapshot)
    assert [row["key"] for row in snapshot.components] == list(COMPONENT_LABELS)
    missing = [key for key, row in rows.items() if row["status"] == "no data"]
    assert set(missing) == {"coordination", "psych_safety", "health_votes"}
    for key in missing:
        assert rows[key]["value"] is None
        assert rows[key]["effective_weight"] == 0.0
    covered = sum(row["weight"] for row in rows.values() if row["status"] == "ok")
    assert snapshot.covered_share == pytest.approx(covered / 100.0, abs=1e-4)
    assert sum(row["effective_weight"] for row in rows.values()) == pytest.approx(1.0, abs=1e-3)
    expected = sum(
        row["weight"] * row["value"] for row in rows.values() if row["value"] is not None
    )
    assert snapshot.score == pytest.approx(expected / covered, abs=0.01)
    assert any("No data for Coordination score" in reason for reason in snapshot.reasons)


def test_too_little_weight_with_data_gives_no_score_and_says_why(acme):
    partnership = bare_partnership(acme)
    snapshots_take(workspace=acme.workspace, today=TODAY)
    snapshot = HealthSnapshot.objects.get(partnership=partnership)
    assert snapshot.score is None
    assert snapshot.covered_share == pytest.approx(0.08)
    assert any("so there is no score" in reason for reason in snapshot.reasons)


def test_workspace_weights_and_minimum_share_are_used(acme):
    """With only the conflict register weighted, a bare partnership scores its 100."""
    partnership = bare_partnership(acme)
    settings_row = insight_settings_get(workspace=acme.workspace)
    settings_row.weights = dict.fromkeys(COMPONENT_LABELS, 0.0) | {"conflicts": 5.0}
    settings_row.save()
    snapshots_take(workspace=acme.workspace, today=TODAY)
    snapshot = HealthSnapshot.objects.get(partnership=partnership)
    assert snapshot.score == 100.0
    assert snapshot.covered_share == 1.0
    assert components_of(snapshot)["goal_progress"]["weight"] == 0.0
