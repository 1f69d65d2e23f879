"""Check-ins (numbers only, confidence, audited corrections) and the computed summaries."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.goals import actions, selectors
from accord.goals.models import CheckIn
from accord.goals.tests.helpers import (
    TODAY,
    checkins_add,
    goal_make,
    partnership_make,
    person_for,
)
from accord.partnerships.models import Privacy
from accord.workspaces.models import AuditEntry


def test_a_non_numeric_value_is_refused_with_an_example(acme):
    goal = goal_make(acme)
    with pytest.raises(ValidationError) as caught:
        actions.checkin_create(membership=acme.membership("admin"), goal=goal, value="lots")
    assert caught.value.message_dict["value"] == ["Enter a number, e.g. 42 or 17.5"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("given", "label", "score"),
    [
        ("at risk", "at_risk", None),
        ("on_track", "on_track", None),
        (8, "on_track", 8),
        ("2", "off_track", 2),
        ("5", "at_risk", 5),
        ("", "", None),
    ],
)
def test_confidence_is_a_label_or_a_score(acme, given, label, score):
    goal = goal_make(acme)
    checkin = actions.checkin_create(
        membership=acme.membership("admin"), goal=goal, value="12.5", confidence=given
    )
    assert (checkin.value, checkin.confidence, checkin.confidence_score) == (12.5, label, score)


def test_a_confidence_outside_0_to_10_is_refused(acme):
    goal = goal_make(acme)
    with pytest.raises(ValidationError) as caught:
        actions.checkin_create(
            membership=acme.membership("admin"), goal=goal, value=1, confidence=11
        )
    assert "confidence" in caught.value.message_dict


def test_a_future_check_in_is_refused(acme):
    goal = goal_make(acme)
    with pytest.raises(ValidationError):
        actions.checkin_create(
            membership=acme.membership("admin"),
            goal=goal,
            value=1,
            date=date.today() + timedelta(days=3),
        )


def test_a_correction_is_audited_with_the_old_value(acme):
    goal = goal_make(acme)
    checkin = actions.checkin_create(membership=acme.membership("admin"), goal=goal, value=11)
    actions.checkin_update(membership=acme.membership("admin"), checkin=checkin, value="13")
    entry = AuditEntry.objects.get(object_uuid=checkin.uuid, action="update")
    assert entry.changes == {"value": [11.0, 13.0]}
    assert checkin.version == 2


def test_viewers_and_outsiders_cannot_check_in(acme):
    goal = goal_make(acme)
    for role in ("viewer", "member"):
        with pytest.raises(PermissionDenied):
            actions.checkin_create(membership=acme.membership(role), goal=goal, value=1)
    assert not CheckIn.objects.exists()


def test_partnership_members_can_check_in(acme):
    partnership = partnership_make(acme, members=(person_for(acme, "member"),))
    goal = goal_make(acme, partnership=partnership, function=None)
    assert actions.checkin_create(membership=acme.membership("member"), goal=goal, value=12).pk


def test_summary_follows_metrics_section_7(acme):
    """Halfway through the period with 30% progress is off track (pace 0.6 < 0.75)."""
    goal = goal_make(acme, start_date=date(2026, 1, 1), due_date=date(2026, 5, 1))
    checkins_add(goal, [10, 11, 12, 13], start=date(2026, 2, 1))
    summary = selectors.goal_summaries([goal], today=date(2026, 3, 2))[goal.pk]
    assert summary.current == 13
    assert summary.progress == pytest.approx(0.3)
    assert summary.expected == pytest.approx(60 / 120)
    assert summary.health == "off_track"
    assert summary.at_risk is True


def test_a_missed_cadence_is_stale(acme):
    goal = goal_make(acme, cadence_days=7)
    checkins_add(goal, [10], start=date(2026, 2, 1))
    summary = selectors.goal_summaries([goal], today=date(2026, 2, 20))[goal.pk]
    assert summary.stale is True
    fresh = selectors.goal_summaries([goal], today=date(2026, 2, 5))[goal.pk]
    assert fresh.stale is False


def test_an_objective_is_measured_by_its_key_results(acme):
    objective = goal_make(acme, kind="objective", title="Objective", direction="")
    first = goal_make(acme, kind="key_result", parent=objective, title="KR 1")
    goal_make(acme, kind="key_result", parent=objective, title="KR 2")
    checkins_add(first, [15], start=date(2026, 2, 1))
    summary = selectors.goal_summaries([objective], today=TODAY)[objective.pk]
    assert summary.progress == pytest.approx(0.5)


def test_the_forecast_projects_to_the_due_date(acme):
    goal = goal_make(acme, start_date=date(2026, 1, 1), due_date=date(2026, 6, 30))
    checkins_add(goal, [10 + i * 0.5 for i in range(12)], start=date(2026, 1, 5))
    points = [(c.date, c.value) for c in CheckIn.objects.filter(goal=goal).order_by("date")]
    summary = selectors.goal_summary_compute(
        goal, points, today=TODAY + timedelta(days=30), forecast=True
    )
    assert summary.forecast is not None
    assert summary.forecast.low <= summary.forecast.value <= summary.forecast.high
    assert 0 <= summary.forecast.probability <= 1


def test_summaries_take_the_same_number_of_queries_for_3_and_30_goals(
    acme, django_assert_max_num_queries
):
    def run(count):
        goals = [goal_make(acme, title=f"Goal {i}") for i in range(count)]
        for goal in goals:
            checkins_add(goal, [11, 12], start=date(2026, 2, 1))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            rows = selectors.goal_rows(membership=acme.membership("admin"), today=TODAY)
        assert len(rows) >= count
        return len(queries)

    assert run(3) == run(27)


def test_members_only_partnership_goals_are_hidden_from_non_members(acme):
    private = partnership_make(acme, "Secret Merger", privacy=Privacy.MEMBERS)
    goal_make(acme, partnership=private, function=None, title="Secret goal")
    goal_make(acme, title="Open function goal")
    seen = [
        r.goal.title for r in selectors.goal_rows(membership=acme.membership("member"), today=TODAY)
    ]
    assert seen == ["Open function goal"]
    admin_seen = selectors.goal_rows(membership=acme.membership("admin"), today=TODAY)
    assert len(admin_seen) == 2


def test_filters_owner_function_at_risk_and_mine(acme):
    me = person_for(acme, "member", function=acme.finance)
    mine = goal_make(acme, owner=me, function=acme.finance, title="Mine")
    checkins_add(mine, [14], start=date(2026, 2, 28))  # ahead of plan and fresh
    late = goal_make(acme, title="Late", start_date=date(2026, 1, 1), due_date=date(2026, 3, 31))
    checkins_add(late, [10.5], start=date(2026, 2, 20))
    membership = acme.membership("member")

    def titles(**filters):
        rows = selectors.goal_rows(
            membership=membership, filters=selectors.GoalFilters(**filters), today=TODAY
        )
        return sorted(r.goal.title for r in rows)

    assert titles(owner=str(me.uuid)) == ["Mine"]
    assert titles(function=str(acme.finance.uuid)) == ["Mine"]
    assert titles(mine=True) == ["Mine"]
    assert titles(at_risk=True) == ["Late"]
    assert mine.pk


def test_alignment_tree_and_goals_aligned_to_nothing(acme):
    partnership = partnership_make(acme)
    objective = goal_make(acme, partnership=partnership, function=None, kind="objective", title="O")
    kr = goal_make(
        acme,
        partnership=partnership,
        function=None,
        kind="key_result",
        parent=objective,
        title="KR",
    )
    supporter = goal_make(acme, function=acme.finance, title="Finance helps")
    supporter.supports.add(kr)
    goal_make(acme, function=acme.sales, title="Lonely")
    tree = selectors.alignment_tree(membership=acme.membership("admin"), today=TODAY)
    [group] = tree.groups
    [root] = group.roots
    assert root.goal == objective
    assert root.key_results[0].goal == kr
    assert root.key_results[0].supporters[0].goal == supporter
    assert [n.goal.title for n in tree.unaligned] == ["Lonely"]
