"""Change between cycles: Welch's t interval (checked against scipy) and the verdict."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from accord.metrics.survey_change import mean_change


def test_improvement_with_interval_above_zero():
    """A clear rise reads 'improved' with the interval above zero."""
    change = mean_change([3.1, 3.4, 3.0, 3.3, 3.2], [4.0, 4.2, 3.9, 4.1, 4.3])
    assert change.diff == pytest.approx(0.9)
    assert change.low > 0
    assert change.verdict == "improved"
    assert change.sentence.startswith("Improved: +0.90 (95% CI")


def test_overlapping_cycles_show_no_detectable_change():
    """When the interval covers zero the verdict says so, whatever the sign of the diff."""
    change = mean_change([3, 4, 5, 3, 4], [4, 3, 5, 4, 4])
    assert change.low < 0 < change.high
    assert change.verdict == "no detectable change"
    assert "covers zero" in change.reasons[-1]


def test_decline_and_lower_is_better():
    """A fall is 'declined'; for a lower-is-better score the same fall is 'improved'."""
    before, after = [4.0, 4.2, 4.1, 4.3], [3.0, 3.1, 2.9, 3.2]
    assert mean_change(before, after).verdict == "declined"
    assert mean_change(before, after, higher_is_better=False).verdict == "improved"


def test_not_enough_data():
    """Fewer than two answers in a cycle: no interval, verdict 'not enough data'."""
    change = mean_change([4.0], [3.0, 5.0])
    assert change.verdict == "not enough data"
    assert change.low is None
    assert change.diff == 0.0
    assert mean_change([], []).diff is None


def test_constant_cycles_give_a_zero_width_interval():
    """No variance at all: the interval is the difference itself."""
    change = mean_change([3, 3, 3], [4, 4, 4])
    assert (change.low, change.high, change.verdict) == (1.0, 1.0, "improved")
    assert mean_change([3, 3], [3, 3]).verdict == "no detectable change"


def test_paired_interval_matches_scipy():
    """The paired interval is scipy's one-sample t interval on the differences."""
    before = [3.0, 3.5, 4.0, 2.5, 3.0, 4.5]
    after = [3.5, 3.5, 4.5, 3.5, 3.0, 5.0]
    change = mean_change(before, after, paired=True)
    reference = stats.ttest_rel(after, before).confidence_interval(0.95)
    assert (change.low, change.high) == pytest.approx((reference.low, reference.high))
    with pytest.raises(ValueError, match="same number"):
        mean_change([1, 2], [1, 2, 3], paired=True)


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # scipy, near-equal data
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 7), min_size=2, max_size=40),
    st.lists(st.integers(1, 7), min_size=2, max_size=40),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_welch_interval_matches_scipy(before, after, confidence):
    """Welch's interval equals scipy.stats.ttest_ind(equal_var=False)'s, at any level."""
    if np.var(before) == 0 and np.var(after) == 0:
        return
    change = mean_change(before, after, confidence=confidence)
    reference = stats.ttest_ind(after, before, equal_var=False).confidence_interval(confidence)
    assert (change.low, change.high) == pytest.approx((reference.low, reference.high))
    assert (change.verdict == "no detectable change") == (change.low <= 0 <= change.high)


def test_missing_answers_are_skipped():
    """NaN answers are dropped before the interval."""
    assert mean_change([3, np.nan, 4], [4, 5]).before_n == 2
