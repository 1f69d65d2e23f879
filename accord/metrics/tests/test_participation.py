"""Participation equity: Gini, small-group G*, Pielou evenness and voice share per group, against
the reference values of METRICS.md §9 and general properties."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.metrics.participation import (
    Participant,
    gini,
    gini_normalised,
    participation_summarise,
    pielou_evenness,
)

counts = st.lists(st.integers(min_value=0, max_value=500), min_size=2, max_size=30)
spoken = counts.filter(lambda values: sum(values) > 0)


# --- reference values ----------------------------------------------------------------------


def test_equal_turns_have_zero_gini_and_full_evenness():
    """[10, 10, 10, 10] → G 0, G* 0, J 1."""
    assert gini([10, 10, 10, 10]) == 0
    assert gini_normalised([10, 10, 10, 10]) == 0
    assert pielou_evenness([10, 10, 10, 10]) == pytest.approx(1.0)


def test_one_speaker_of_four_is_075_and_normalised_to_one():
    """[40, 0, 0, 0] → G 0.75, G* 1.0, J 0."""
    assert gini([40, 0, 0, 0]) == pytest.approx(0.75)
    assert gini_normalised([40, 0, 0, 0]) == pytest.approx(1.0)
    assert pielou_evenness([40, 0, 0, 0]) == 0


def test_mixed_reference_values():
    """[20, 10, 5, 5] → G 0.3125, J 0.875."""
    assert gini([20, 10, 5, 5]) == pytest.approx(0.3125)
    assert gini_normalised([20, 10, 5, 5]) == pytest.approx(0.3125 * 4 / 3)
    assert pielou_evenness([20, 10, 5, 5]) == pytest.approx(0.875)


def test_nothing_to_measure_is_none_not_zero():
    """No contributions, or a group of one, has no inequality to report (None, not 0)."""
    assert gini([]) is None
    assert gini([0, 0, 0]) is None
    assert gini_normalised([7]) is None
    assert pielou_evenness([7]) is None
    assert pielou_evenness([0, 0]) is None


def test_negative_counts_are_refused():
    """A negative tally is a bug upstream, not data."""
    with pytest.raises(ValueError, match="negative"):
        gini([3, -1])


# --- properties ----------------------------------------------------------------------------


@given(spoken)
def test_gini_is_between_zero_and_its_small_group_maximum(values):
    """0 ≤ G ≤ (n − 1)/n and 0 ≤ G* ≤ 1."""
    n = len(values)
    assert -1e-12 <= gini(values) <= (n - 1) / n + 1e-12
    assert -1e-12 <= gini_normalised(values) <= 1 + 1e-12


@given(spoken, st.randoms(use_true_random=False), st.integers(min_value=1, max_value=9))
def test_gini_ignores_order_and_scale(values, rng, factor):
    """Who is listed first, or counting every remark twice, changes nothing."""
    shuffled = list(values)
    rng.shuffle(shuffled)
    assert gini(shuffled) == pytest.approx(gini(values))
    assert gini([v * factor for v in values]) == pytest.approx(gini(values))


@given(st.integers(min_value=1, max_value=100), st.integers(min_value=2, max_value=20))
def test_equal_positive_counts_are_perfectly_even(value, n):
    """Everyone speaking equally: G = 0 and J = 1."""
    assert gini([value] * n) == 0
    assert pielou_evenness([value] * n) == pytest.approx(1.0)


@given(spoken)
def test_evenness_is_between_zero_and_one(values):
    assert -1e-12 <= pielou_evenness(values) <= 1 + 1e-12


@given(spoken)
def test_a_silent_member_never_makes_it_look_more_equal(values):
    """Adding a silent attendee never lowers G (leaving them out would hide inequality)."""
    assert gini([*values, 0]) >= gini(values) - 1e-12


@given(spoken)
def test_one_speaker_is_always_normalised_to_one(values):
    n = len(values)
    only = [0] * (n - 1) + [max(sum(values), 1)]
    assert gini_normalised(only) == pytest.approx(1.0)
    assert pielou_evenness(only) == pytest.approx(0.0)


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=12))
def test_voice_and_seat_shares_each_sum_to_one(values):
    people = [
        Participant(
            str(i),
            f"P{i}",
            v,
            seniority=("Directors", "ICs")[i % 2],
            function=("A", "B", "C")[i % 3],
        )
        for i, v in enumerate(values)
    ]
    result = participation_summarise(people)
    for rows in (result.by_seniority, result.by_function):
        assert math.fsum(g.headcount_share for g in rows) == pytest.approx(1.0)
        if result.total:
            assert math.fsum(g.voice_share for g in rows) == pytest.approx(1.0)
        assert sum(g.contributions for g in rows) == result.total


# --- the summary ---------------------------------------------------------------------------


def _meeting(*rows):
    return [
        Participant(str(i), name, count, seniority=level, seniority_rank=rank, function=function)
        for i, (name, count, level, rank, function) in enumerate(rows)
    ]


SENIOR_HEAVY = _meeting(
    ("Dana Director", 14, "Directors", 4, "Sales"),
    ("Evan Executive", 9, "Executives", 5, "Finance"),
    ("Ines IC", 1, "Individual contributors", 1, "Sales"),
    ("Ivan IC", 0, "Individual contributors", 1, "Operations"),
    ("Iris IC", 0, "Individual contributors", 1, "Finance"),
    ("Ike IC", 0, "Individual contributors", 1, "Operations"),
)


def test_a_meeting_dominated_by_seniors_flags_the_unheard_level():
    """Two seniors spoke 23 of 24 times: dominated, ICs flagged, silent ones named."""
    result = participation_summarise(SENIOR_HEAVY)
    assert result.level == "dominated"
    assert result.gini_normalised > 0.5
    ics = next(g for g in result.by_seniority if g.group == "Individual contributors")
    assert ics.headcount == 4
    assert ics.headcount_share == pytest.approx(4 / 6)
    assert ics.voice_share == pytest.approx(1 / 24)
    assert ics.under_heard is True
    assert ics.sentence == (
        "Individual contributors held 67% of the seats and 4% of the voice: heard far less "
        "than their share."
    )
    assert [g.group for g in result.by_seniority] == [
        "Executives",
        "Directors",
        "Individual contributors",
    ]
    assert ics in result.flagged
    assert any("Directors held 17% of the seats and 58% of the voice" in r for r in result.reasons)
    assert any("3 of 6 present did not contribute" in r for r in result.reasons)
    assert result.voices[0].name == "Dana Director"
    assert [v.name for v in result.silent] == ["Ike IC", "Iris IC", "Ivan IC"]
    assert result.evidence[0] == "Dana Director: 14"


def test_a_balanced_meeting_reads_as_even_with_no_flags():
    result = participation_summarise(
        _meeting(
            ("A", 5, "Directors", 4, "Sales"),
            ("B", 4, "Managers", 3, "Finance"),
            ("C", 5, "Individual contributors", 1, "Operations"),
            ("D", 4, "Individual contributors", 1, "Sales"),
        )
    )
    assert result.level == "even"
    assert result.flagged == ()
    assert result.reasons[0].startswith("Turns were shared evenly")


def test_too_few_contributions_are_not_judged_by_group():
    """Three remarks cannot show that a group is unheard; the summary says so."""
    result = participation_summarise(
        _meeting(("A", 3, "Directors", 4, "Sales"), ("B", 0, "ICs", 1, "Finance"))
    )
    assert result.flagged == ()
    assert any("too few to compare groups" in r for r in result.reasons)
    ics = next(g for g in result.by_seniority if g.group == "ICs")
    assert ics.judged is False
    assert ics.sentence == "ICs held 50% of the seats and 0% of the voice."


def test_an_untallied_meeting_has_no_numbers_and_says_why():
    result = participation_summarise(_meeting(("A", 0, "ICs", 1, "Sales"), ("B", 0, "ICs", 1, "")))
    assert result.level == "no_data"
    assert result.gini is None
    assert result.total == 0
    assert "No contributions tallied yet" in result.reasons[0]
    assert {g.group for g in result.by_function} == {"Sales", "No function"}
    assert all(g.ratio is None for g in result.by_function)


def test_nobody_present():
    result = participation_summarise([])
    assert result.people == 0
    assert result.by_seniority == ()
    assert "Nobody is marked as present" in result.reasons[0]
