"""Playbook: each rule fires on its signal and threshold and not otherwise; a play is
recommended once with its reasons merged; the order is deterministic."""

import pytest

from accord.metrics.playbook import (
    PLAYS,
    PLAYS_BY_KEY,
    RULES,
    SIGNAL_KINDS,
    Rule,
    Signal,
    recommend,
)

# One case per rule: the signal that trips it and one on the right side of its threshold.
CASES = [
    ("coordination.shared_goals", Signal("coordination", "shared_goals", 3.2), 3.5),
    ("coordination.shared_knowledge", Signal("coordination", "shared_knowledge", 2.9), 3.5),
    (
        "coordination.timely_communication",
        Signal("coordination", "timely_communication", 3.4),
        3.5,
    ),
    ("coordination.mutual_respect", Signal("coordination", "mutual_respect", 3.0), 4.1),
    ("health.goal_progress", Signal("health", "goal_progress", 37.5), 60.0),
    ("health.forecast_confidence", Signal("health", "forecast_confidence", 30.0), 60.0),
    ("health.checkin_freshness", Signal("health", "checkin_freshness", 50.0), 60.0),
    ("health.cadence_adherence", Signal("health", "cadence_adherence", 69.9), 70.0),
    ("health.acknowledgement", Signal("health", "acknowledgement", 40.0), 70.0),
    ("health.asks_answered", Signal("health", "asks_answered", 62.5), 70.0),
    ("health.raci_completeness", Signal("health", "raci_completeness", 50.0), 80.0),
    ("health.decision_velocity", Signal("health", "decision_velocity", 25.0), 60.0),
    ("health.conflicts", Signal("health", "conflicts", 40.0), 85.0),
    ("health.coordination", Signal("health", "coordination", 45.0), 60.0),
    ("health.psych_safety", Signal("health", "psych_safety", 55.0), 60.0),
    ("health.health_votes", Signal("health", "health_votes", 40.0), 50.0),
    ("health.participation_equity", Signal("health", "participation_equity", 30.0), 90.0),
    ("equity.seniority", Signal("voice_share", "seniority:junior", 0.3), 0.5),
    ("equity.function", Signal("voice_share", "function:legal", 0.2), 0.9),
    ("equity.anonymous_only", Signal("anonymous_only", "seniority:junior", 1.0), 0.0),
    ("conflict.stale", Signal("conflict_age", "conflict-17", 30.0), 29.0),
    ("conflict.goals", Signal("goal_conflicts", "north-launch", 2.0), 0.0),
    ("goal.smart_gaps", Signal("smart_gaps", "goal-4", 1.0), 0.0),
    ("cadence.missed", Signal("missed_updates", "weekly-update", 2.0), 1.0),
    ("change.unconsulted", Signal("unconsulted_change", "crm-migration", 0.25), 0.5),
]


def test_every_rule_has_a_case_and_names_a_play():
    """The parametrised cases below cover every rule; every rule names a catalogue play."""
    assert sorted(rule_id for rule_id, _, _ in CASES) == sorted(rule.id for rule in RULES)
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert all(rule.play in PLAYS_BY_KEY for rule in RULES)


@pytest.mark.parametrize(("rule_id", "signal", "fine_value"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_on_its_signal_and_not_otherwise(rule_id, signal, fine_value):
    """The weak signal recommends the rule's play with its reason; the same signal on the
    healthy side of the threshold recommends nothing; another kind or key does not trip it."""
    rule = next(r for r in RULES if r.id == rule_id)
    [recommendation] = recommend([signal])
    assert recommendation.play.key == rule.play
    assert recommendation.rules == (rule_id,)
    assert recommendation.reasons == (rule.reason,)
    assert recommendation.strength == 1
    assert recommend([Signal(signal.kind, signal.key, fine_value)]) == []
    for kind in sorted(SIGNAL_KINDS - {signal.kind}):
        assert not rule.matches(Signal(kind, signal.key, signal.value))
    if rule.key is not None:
        assert not rule.matches(Signal(signal.kind, "other:key", signal.value))


@pytest.mark.parametrize(
    "signal",
    [
        Signal("coordination", "frequent_communication", 1.0),  # no rule on this dimension
        Signal("coordination", "shared_goals", 4.4),
        Signal("voice_share", "seniority:senior", 2.0),  # heard more than its share
        Signal("voice_share", "tenure:new", 0.1),  # no rule on this grouping
        Signal("anonymous_only", "function:sales", 0.0),
        Signal("health", "goal_progress", 60.0),  # exactly the threshold is fine
        Signal("smart_gaps", "goal-9", 0.0),
    ],
)
def test_healthy_or_unrelated_signals_recommend_nothing(signal):
    """Signals on the healthy side, at the threshold, or with no rule give no play."""
    assert recommend([signal]) == []


def test_a_play_is_recommended_once_with_reasons_merged():
    """Three signals behind one play: one recommendation, reasons in rule order, each listed
    once, evidence from every signal, strength = number of matches."""
    signals = [
        Signal("missed_updates", "weekly-update", 3.0, "3 weekly updates missed in a row."),
        Signal("coordination", "timely_communication", 3.1, "Timely communication 3.1 of 5."),
        Signal("health", "acknowledgement", 40.0, "4 of 10 updates acknowledged."),
        Signal("missed_updates", "monthly-review", 2.0),
    ]
    [recommendation] = recommend(signals)
    assert recommendation.play.key == "update_cadence"
    assert recommendation.rules == (
        "coordination.timely_communication",
        "health.acknowledgement",
        "cadence.missed",
    )
    assert len(recommendation.reasons) == 3
    assert recommendation.evidence == (
        "3 weekly updates missed in a row.",
        "Timely communication 3.1 of 5.",
        "4 of 10 updates acknowledged.",
        "missed_updates monthly-review: 2",
    )
    assert recommendation.strength == 4


def test_order_is_by_strength_then_catalogue_order():
    """More matches first; ties keep the catalogue order; input order does not matter."""
    signals = [
        Signal("smart_gaps", "goal-1", 2.0),
        Signal("conflict_age", "conflict-1", 45.0),
        Signal("conflict_age", "conflict-2", 90.0),
        Signal("coordination", "shared_goals", 2.5),
        Signal("voice_share", "seniority:junior", 0.2),
    ]
    keys = [r.play.key for r in recommend(signals)]
    assert keys == ["facilitated_dialogue", "align_goals", "fix_smart_gaps", "junior_voices"]
    assert [r.play.key for r in recommend(list(reversed(signals)))] == keys
    assert recommend(signals) == recommend(signals)


def test_catalogue_is_complete_and_concrete():
    """Ten plays, unique keys, each with a summary, concrete steps and a source."""
    assert [play.key for play in PLAYS] == [
        "align_goals",
        "fix_smart_gaps",
        "update_cadence",
        "raci_session",
        "facilitated_dialogue",
        "involve_stakeholders",
        "junior_voices",
        "knowledge_sharing",
        "celebrate_wins",
        "revisit_kpis",
    ]
    for play in PLAYS:
        assert play.title
        assert play.summary
        assert play.why
        assert len(play.steps) >= 3
        assert len(set(play.steps)) == len(play.steps)
    junior = " ".join(PLAYS_BY_KEY["junior_voices"].steps).lower()
    for practice in ("round-robin", "anonymous", "rotate"):
        assert practice in junior


def test_bad_signals_and_rules_are_refused():
    """An unknown signal kind, a non-finite value or a rule naming no play raise ValueError."""
    with pytest.raises(ValueError, match="unknown signal kind 'mood'"):
        Signal("mood", "x", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        Signal("health", "conflicts", float("nan"))
    rule = Rule("x.y", "health", "conflicts", 50.0, True, "yoga", "why")
    with pytest.raises(ValueError, match="unknown play 'yoga'"):
        recommend([], rules=[rule])


def test_higher_is_better_follows_the_rule_that_fires_the_play():
    from accord.metrics.playbook import higher_is_better

    assert higher_is_better("revisit_kpis", "health", "goal_progress") is True  # fires below
    assert higher_is_better("facilitated_dialogue", "conflict_age", "any-uuid") is False
    assert higher_is_better("junior_voices", "voice_share", "seniority:ic") is True
    assert higher_is_better("junior_voices", "anonymous_only", "function:Sales") is False
    assert higher_is_better("align_goals", "unknown_kind", "x") is True
