"""Team health check: distribution, normalised-entropy disagreement, trend vs last session."""

import math

import pytest

from accord.metrics.health_check import health_compare, health_indicator, vote_disagreement


def test_distribution_mean_and_trends():
    """Votes green/yellow/red score 2/1/0; trend answers are counted apart."""
    result = health_indicator(["green", "green", "yellow", "red"], ["better", "same", "same", None])
    assert result.counts == {"green": 2, "yellow": 1, "red": 1}
    assert result.mean == pytest.approx(5 / 4)
    assert result.trend_counts == {"better": 1, "same": 2, "worse": 0}
    assert result.n == 4
    assert result.shares["green"] == 0.5


def test_disagreement_is_zero_when_all_agree_and_one_when_evenly_split():
    """Normalised entropy: 0 for one colour, 1 for a three-way split."""
    assert health_indicator(["yellow"] * 5).disagreement == 0.0
    assert health_indicator(["green", "yellow", "red"] * 3).disagreement == pytest.approx(1.0)
    two_way = health_indicator(["green", "red"] * 2).disagreement
    assert two_way == pytest.approx(math.log(2) / math.log(3))
    assert vote_disagreement([0, 0, 0]) is None


def test_no_votes():
    """No votes: no mean, no disagreement, said plainly."""
    result = health_indicator([])
    assert (result.mean, result.disagreement, result.n) == (None, None, 0)
    assert result.reasons == ("No votes.",)


def test_unknown_votes_and_trends_are_refused():
    """Only the three colours and the three trends are votes."""
    with pytest.raises(ValueError, match="green, yellow or red, not blue"):
        health_indicator(["blue"])
    with pytest.raises(ValueError, match="better, same or worse, not up"):
        health_indicator(["green"], ["up"])


def test_compare_with_the_previous_session():
    """A clear shift is 'improved'; a one-vote wobble is 'no detectable change'."""
    before = health_indicator(["red"] * 4 + ["yellow"] * 4)
    after = health_indicator(["green"] * 6 + ["yellow"] * 2)
    comparison = health_compare(after, before)
    assert comparison.delta_mean == pytest.approx(1.75 - 0.5)
    assert comparison.verdict == "improved"
    assert comparison.low > 0
    wobble = health_compare(
        health_indicator(["green", "yellow", "yellow", "red"]),
        health_indicator(["green", "yellow", "red", "red"]),
    )
    assert wobble.verdict == "no detectable change"
    assert health_compare(after, None).verdict == "not enough data"
