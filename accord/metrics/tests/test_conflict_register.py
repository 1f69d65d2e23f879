"""The conflict register metrics: open count, median time to resolution, share escalated,
recurrence between the same functions, and time in stage."""

from datetime import UTC, datetime, timedelta

from accord.metrics.conflict_register import (
    ConflictFacts,
    conflicts_open,
    escalation_share,
    pair_recurrence,
    register_summary,
    resolution_time_median,
    stage_times,
)

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def facts(id: str, stage: str, *, raised_days_ago: float, in_stage_days: float = 0, **extra):
    return ConflictFacts(
        id=id,
        stage=stage,
        raised_at=NOW - timedelta(days=raised_days_ago),
        stage_changed_at=NOW - timedelta(days=in_stage_days),
        **extra,
    )


def test_open_counts_every_stage_before_resolution_including_escalated():
    """Raised to options and escalated are open; resolved and closed are not."""
    rows = [
        facts("1", "raised", raised_days_ago=1),
        facts("2", "options", raised_days_ago=1),
        facts("3", "escalated", raised_days_ago=1),
        facts("4", "resolved", raised_days_ago=1),
        facts("5", "closed", raised_days_ago=1),
    ]
    result = conflicts_open(rows)
    assert result.count == 3
    assert dict(result.by_stage) == {"raised": 1, "options": 1, "escalated": 1}
    assert "3 conflicts open" in result.reasons[0]


def test_no_open_conflicts_says_so():
    """An empty register has zero open conflicts and a reason saying why."""
    result = conflicts_open([])
    assert result.count == 0
    assert result.reasons


def test_median_time_to_resolution_uses_resolved_conflicts_only():
    """Durations 2, 4 and 30 days give a median of 4; an unresolved conflict is ignored."""
    rows = [
        facts("1", "closed", raised_days_ago=10, resolved_at=NOW - timedelta(days=8)),
        facts("2", "resolved", raised_days_ago=10, resolved_at=NOW - timedelta(days=6)),
        facts("3", "closed", raised_days_ago=40, resolved_at=NOW - timedelta(days=10)),
        facts("4", "in_dialogue", raised_days_ago=50),
    ]
    result = resolution_time_median(rows)
    assert result.median_days == 4.0
    assert result.resolved == 3
    assert "fastest 2.0, slowest 30.0" in result.reasons[0]


def test_median_is_none_before_anything_is_resolved():
    """With nothing resolved there is no median, and the reason says so."""
    result = resolution_time_median([facts("1", "raised", raised_days_ago=3)])
    assert result.median_days is None
    assert result.resolved == 0


def test_share_escalated_counts_conflicts_ever_escalated():
    """One escalated now and one escalated earlier (since resolved) of four is 50 %."""
    rows = [
        facts("1", "escalated", raised_days_ago=3),
        facts("2", "resolved", raised_days_ago=3, ever_escalated=True),
        facts("3", "resolved", raised_days_ago=3),
        facts("4", "raised", raised_days_ago=3),
    ]
    result = escalation_share(rows)
    assert result.share == 0.5
    assert (result.escalated, result.total) == (2, 4)
    assert "2 of 4 conflicts (50%)" in result.reasons[0]


def test_share_escalated_is_none_for_an_empty_register():
    """No conflicts means no share, not 0 %."""
    assert escalation_share([]).share is None


def test_recurrence_flags_the_same_pair_of_functions_twice_in_the_window():
    """Sales–Finance twice in the window recurs; a third one outside it is not counted, and
    Sales–Ops once does not recur."""
    rows = [
        facts("1", "raised", raised_days_ago=10, functions=("Sales", "Finance")),
        facts("2", "closed", raised_days_ago=100, functions=("Finance", "Sales")),
        facts("3", "closed", raised_days_ago=400, functions=("Sales", "Finance")),
        facts("4", "raised", raised_days_ago=5, functions=("Sales", "Operations")),
    ]
    (pair,) = pair_recurrence(rows, now=NOW, window_days=180)
    assert pair.functions == ("Finance", "Sales")
    assert pair.count == 2
    assert pair.conflict_ids == ("1", "2")
    assert "Finance and Sales" in pair.reasons[0]


def test_recurrence_counts_every_pair_of_a_three_function_conflict():
    """A conflict between three functions counts for each of its three pairs."""
    rows = [facts(str(n), "raised", raised_days_ago=1, functions=("A", "B", "C")) for n in range(2)]
    pairs = {row.functions for row in pair_recurrence(rows, now=NOW)}
    assert pairs == {("A", "B"), ("A", "C"), ("B", "C")}


def test_time_in_stage_flags_open_conflicts_past_the_stale_limit():
    """Fifteen days in one stage with a limit of 14 is stale; a closed conflict never is."""
    rows = [
        facts("1", "acknowledged", raised_days_ago=20, in_stage_days=15),
        facts("2", "acknowledged", raised_days_ago=20, in_stage_days=3),
        facts("3", "closed", raised_days_ago=90, in_stage_days=60),
    ]
    stale = {row.id: row.stale for row in stage_times(rows, now=NOW, stale_days=14)}
    assert stale == {"1": True, "2": False, "3": False}
    first = stage_times(rows[:1], now=NOW, stale_days=14)[0]
    assert first.days_in_stage == 15.0
    assert first.age_days == 20.0
    assert "more than the 14 days" in first.reasons[0]


def test_summary_combines_every_metric():
    """The summary holds each metric and counts the stale conflicts."""
    rows = [
        facts("1", "raised", raised_days_ago=30, in_stage_days=30, functions=("A", "B")),
        facts("2", "escalated", raised_days_ago=2, in_stage_days=1, functions=("A", "B")),
    ]
    summary = register_summary(rows, now=NOW, stale_days=14)
    assert summary.open.count == 2
    assert summary.escalation.escalated == 1
    assert summary.stale_count == 1
    assert summary.recurrence[0].count == 2
