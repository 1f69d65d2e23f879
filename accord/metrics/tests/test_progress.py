from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from accord.metrics.progress import (
    StatusBands,
    checkin_stale,
    expected_progress,
    goal_progress,
    goal_status,
)

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


# --- goal_progress ---------------------------------------------------------------------------


def test_increase_is_share_of_the_way_from_baseline_to_target():
    """Going from 100 to 150, a current value of 130 is 60% of the way."""
    result = goal_progress(direction="increase", baseline=100, target=150, current=130)
    assert result.progress == pytest.approx(0.6)
    assert result.raw == pytest.approx(0.6)
    assert "60%" in result.reasons[0]


def test_decrease_is_mirrored():
    """Cutting from 40 days to 20, a current value of 35 is 25% of the way."""
    result = goal_progress(direction="decrease", baseline=40, target=20, current=35)
    assert result.progress == pytest.approx(0.25)


def test_wrong_way_is_clamped_to_zero_but_raw_is_kept():
    """A value that moved away from the target shows 0% and keeps the negative raw share."""
    result = goal_progress(direction="increase", baseline=100, target=150, current=90)
    assert result.progress == 0.0
    assert result.raw == pytest.approx(-0.2)
    assert any("wrong way" in reason for reason in result.reasons)


def test_overshoot_is_clamped_to_one_but_raw_is_kept():
    """Passing the target shows 100% and keeps the raw share above 1."""
    result = goal_progress(direction="decrease", baseline=40, target=20, current=10)
    assert result.progress == 1.0
    assert result.raw == pytest.approx(1.5)
    assert any("past the target" in reason for reason in result.reasons)


def test_target_equal_to_baseline_is_rejected():
    """A target equal to the baseline leaves nothing to measure."""
    with pytest.raises(ValueError, match="target equals baseline"):
        goal_progress(direction="increase", baseline=5, target=5, current=6)
    with pytest.raises(ValueError, match="target equals baseline"):
        goal_progress(direction="decrease", baseline=5, target=5, current=6)


def test_target_on_the_wrong_side_of_the_baseline_is_rejected():
    """An increase goal with a lower target (or the reverse) names the likely mix-up."""
    with pytest.raises(ValueError, match="Use 'decrease' instead"):
        goal_progress(direction="increase", baseline=10, target=5, current=6)
    with pytest.raises(ValueError, match="Use 'increase' instead"):
        goal_progress(direction="decrease", baseline=5, target=10, current=6)


def test_missing_numbers_and_unknown_direction_are_rejected():
    """Increase/decrease need baseline and target; range needs both edges; directions are named."""
    with pytest.raises(ValueError, match="needs both a baseline and a target"):
        goal_progress(direction="increase", baseline=None, target=5, current=1)
    with pytest.raises(ValueError, match="needs both low and high"):
        goal_progress(direction="range", baseline=None, target=None, current=1, low=0)
    with pytest.raises(ValueError, match="needs a target"):
        goal_progress(direction="maintain", baseline=None, target=None, current=1)
    with pytest.raises(ValueError, match="must not be above high"):
        goal_progress(direction="range", baseline=None, target=None, current=1, low=3, high=2)
    with pytest.raises(ValueError, match="tolerance must be zero or more"):
        goal_progress(direction="maintain", baseline=None, target=1, current=1, tolerance=-1)
    with pytest.raises(ValueError, match="direction must be one of"):
        goal_progress(direction="sideways", baseline=1, target=2, current=1)  # type: ignore[arg-type]


def test_maintain_inside_tolerance_band_is_complete():
    """Uptime 99.9 ± 0.05: a value of 99.92 is inside the band, so progress is 1."""
    result = goal_progress(
        direction="maintain", baseline=99.9, target=99.9, current=99.92, tolerance=0.05
    )
    assert result.progress == 1.0
    assert result.in_band is True
    assert result.low == pytest.approx(99.85)
    assert result.high == pytest.approx(99.95)
    assert result.distance_outside == 0.0


def test_band_edges_count_as_inside():
    """The edges of a range belong to the range."""
    for current in (10.0, 20.0):
        result = goal_progress(
            direction="range", baseline=None, target=None, current=current, low=10, high=20
        )
        assert result.in_band is True


def test_maintain_outside_band_that_started_inside_has_no_progress():
    """A maintain goal whose baseline was in the band scores 0 while outside, with the distance."""
    result = goal_progress(
        direction="maintain", baseline=50, target=50, current=43, low=45, high=55
    )
    assert result.progress == 0.0
    assert result.in_band is False
    assert result.distance_outside == pytest.approx(2.0)
    assert "2 below the band" in result.reasons[0]


def test_range_outside_band_scores_the_share_of_the_gap_closed():
    """From a baseline 10 above the band to 4 above it, 60% of the gap is closed."""
    result = goal_progress(direction="range", baseline=30, target=None, current=24, low=10, high=20)
    assert result.progress == pytest.approx(0.6)
    assert result.distance_outside == pytest.approx(4.0)
    assert result.in_band is False


def test_range_moving_further_out_than_the_baseline_is_zero():
    """Drifting further from the band than the baseline clamps to 0 with a negative raw share."""
    result = goal_progress(direction="range", baseline=25, target=None, current=30, low=10, high=20)
    assert result.progress == 0.0
    assert result.raw == pytest.approx(-1.0)


@given(baseline=values, target=values, first=values, second=values)
def test_increase_progress_never_falls_as_current_rises(baseline, target, first, second):
    """For an increase goal, a higher current value never shows less progress."""
    assume(target - baseline > 1e-3)
    low_current, high_current = sorted((first, second))
    lower = goal_progress(
        direction="increase", baseline=baseline, target=target, current=low_current
    )
    higher = goal_progress(
        direction="increase", baseline=baseline, target=target, current=high_current
    )
    assert lower.raw <= higher.raw
    assert lower.progress <= higher.progress


@given(baseline=values, target=values, first=values, second=values)
def test_decrease_progress_never_rises_as_current_rises(baseline, target, first, second):
    """For a decrease goal, a higher current value never shows more progress."""
    assume(baseline - target > 1e-3)
    low_current, high_current = sorted((first, second))
    lower = goal_progress(
        direction="decrease", baseline=baseline, target=target, current=low_current
    )
    higher = goal_progress(
        direction="decrease", baseline=baseline, target=target, current=high_current
    )
    assert lower.raw >= higher.raw
    assert lower.progress >= higher.progress


@given(baseline=values, target=values, current=values)
def test_decrease_mirrors_increase(baseline, target, current):
    """increase(b, t, c) equals decrease(−b, −t, −c) exactly."""
    assume(target - baseline > 1e-3)
    up = goal_progress(direction="increase", baseline=baseline, target=target, current=current)
    down = goal_progress(direction="decrease", baseline=-baseline, target=-target, current=-current)
    assert up.raw == down.raw
    assert up.progress == down.progress


@given(
    direction=st.sampled_from(["increase", "decrease"]),
    baseline=values,
    gap=st.floats(min_value=1e-3, max_value=1e6),
    current=values,
)
def test_reported_progress_is_between_zero_and_one(direction, baseline, gap, current):
    """Whatever the numbers, the reported progress lies in [0, 1]."""
    target = baseline + gap if direction == "increase" else baseline - gap
    assume(target != baseline)
    result = goal_progress(direction=direction, baseline=baseline, target=target, current=current)
    assert 0.0 <= result.progress <= 1.0


# --- expected_progress -------------------------------------------------------------------


def test_expected_progress_is_elapsed_share_of_the_period():
    """A quarter of the way through a 100-day period, 25% is expected."""
    start = date(2026, 1, 1)
    assert expected_progress(
        start=start, due=start + timedelta(100), today=start + timedelta(25)
    ) == pytest.approx(0.25)


def test_expected_progress_is_clamped_outside_the_period():
    """Before the start nothing is expected; after the due date everything is."""
    start, due = date(2026, 1, 1), date(2026, 3, 1)
    assert expected_progress(start=start, due=due, today=date(2025, 12, 1)) == 0.0
    assert expected_progress(start=start, due=due, today=date(2026, 5, 1)) == 1.0


def test_one_day_period_expects_everything_on_the_day():
    """With start equal to due, nothing is expected before it and all of it from it on."""
    day = date(2026, 1, 1)
    assert expected_progress(start=day, due=day, today=day - timedelta(1)) == 0.0
    assert expected_progress(start=day, due=day, today=day) == 1.0


def test_due_before_start_is_rejected():
    """A due date before the start is a data error."""
    with pytest.raises(ValueError, match="before start date"):
        expected_progress(start=date(2026, 2, 1), due=date(2026, 1, 1), today=date(2026, 1, 5))


@given(start=days, length=st.integers(0, 2000), first=days, second=days)
def test_expected_progress_never_falls_as_time_passes(start, length, first, second):
    """Expected progress is non-decreasing in today and stays in [0, 1]."""
    due = start + timedelta(days=length)
    earlier, later = sorted((first, second))
    before = expected_progress(start=start, due=due, today=earlier)
    after = expected_progress(start=start, due=due, today=later)
    assert 0.0 <= before <= after <= 1.0


# --- goal_status -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "expected", "status"),
    [
        (0.50, 0.50, "on_track"),
        (0.475, 0.50, "on_track"),  # exactly 0.95 × expected
        (0.47, 0.50, "at_risk"),
        (0.375, 0.50, "at_risk"),  # exactly 0.75 × expected
        (0.37, 0.50, "off_track"),
        (0.0, 0.10, "off_track"),
        (0.9, 0.5, "on_track"),  # ahead of plan
        (1.0, 0.2, "done"),
        (0.0, 0.0, "on_track"),  # day one: nothing expected yet
    ],
)
def test_status_bands(progress, expected, status):
    """Progress against expected progress falls into the default 0.95 / 0.75 bands."""
    assert goal_status(progress=progress, expected=expected).status == status


def test_not_started_comes_first():
    """A goal whose period has not begun is "not_started", whatever the numbers."""
    result = goal_status(progress=1.0, expected=0.0, started=False)
    assert result.status == "not_started"


def test_bands_are_configurable():
    """With bands 0.8 / 0.5, a pace of 0.6 is at risk rather than off track."""
    bands = StatusBands(on_track=0.8, at_risk=0.5)
    assert goal_status(progress=0.3, expected=0.5, bands=bands).status == "at_risk"
    assert goal_status(progress=0.4, expected=0.5, bands=bands).status == "on_track"
    assert goal_status(progress=0.2, expected=0.5, bands=bands).status == "off_track"


@pytest.mark.parametrize(("on_track", "at_risk"), [(0.7, 0.8), (0.9, 0.0), (1.1, 0.5), (0.8, 0.8)])
def test_invalid_bands_are_rejected(on_track, at_risk):
    """Bands must satisfy 0 < at_risk < on_track ≤ 1."""
    with pytest.raises(ValueError, match="0 < at_risk < on_track ≤ 1"):
        StatusBands(on_track=on_track, at_risk=at_risk)


def test_maintain_goal_in_band_is_on_track_until_the_due_date_then_done():
    """Staying inside the band is on track during the period and done at its end."""
    assert goal_status(progress=1.0, expected=0.5, direction="maintain").status == "on_track"
    assert goal_status(progress=1.0, expected=1.0, direction="range").status == "done"


def test_status_explains_the_pace():
    """The reason names progress, expected progress and the pace ratio."""
    result = goal_status(progress=0.4, expected=0.5)
    assert result.ratio == pytest.approx(0.8)
    assert "40% done where 50% is expected (pace 0.80)" in result.reasons[0]


_ORDER = {"off_track": 0, "at_risk": 1, "on_track": 2, "done": 3}


@given(
    expected=st.floats(min_value=0.0, max_value=1.0),
    first=st.floats(min_value=0.0, max_value=1.0),
    second=st.floats(min_value=0.0, max_value=1.0),
)
def test_more_progress_never_worsens_the_status(expected, first, second):
    """At the same expected progress, more progress gives the same or a better status."""
    low, high = sorted((first, second))
    worse = goal_status(progress=low, expected=expected).status
    better = goal_status(progress=high, expected=expected).status
    assert _ORDER[worse] <= _ORDER[better]


# --- checkin_stale -----------------------------------------------------------------------


def test_checkin_within_cadence_and_grace_is_fresh():
    """Weekly cadence, 2 days grace: 9 days after the last check-in is still fresh."""
    last = date(2026, 3, 2)
    result = checkin_stale(last_checkin=last, today=last + timedelta(9))
    assert result.stale is False
    assert result.next_due == date(2026, 3, 9)
    assert result.overdue_days == 2
    assert result.days_since_checkin == 9


def test_checkin_past_cadence_and_grace_is_stale():
    """Ten days after the last weekly check-in (3 days late, grace 2) is stale."""
    last = date(2026, 3, 2)
    result = checkin_stale(last_checkin=last, today=last + timedelta(10))
    assert result.stale is True
    assert result.overdue_days == 3
    assert "3 days late" in result.reasons[0]


def test_no_checkin_yet_counts_from_the_start():
    """Without check-ins the first is due a cadence after the start."""
    start = date(2026, 1, 1)
    fresh = checkin_stale(last_checkin=None, start=start, today=start + timedelta(9))
    stale = checkin_stale(last_checkin=None, start=start, today=start + timedelta(10))
    assert fresh.stale is False
    assert stale.stale is True
    assert stale.days_since_checkin is None
    assert "No check-in yet" in stale.reasons[0]


def test_zero_grace_is_stale_the_day_after_due():
    """With no grace, a check-in is stale from the day after it was due."""
    last = date(2026, 3, 2)
    on_due = checkin_stale(
        last_checkin=last, cadence_days=14, grace_days=0, today=last + timedelta(14)
    )
    after = checkin_stale(
        last_checkin=last, cadence_days=14, grace_days=0, today=last + timedelta(15)
    )
    assert on_due.stale is False
    assert after.stale is True


def test_goal_not_yet_started_is_not_stale():
    """Before the start date there is nothing to check in."""
    result = checkin_stale(last_checkin=None, start=date(2026, 5, 1), today=date(2026, 4, 1))
    assert result.stale is False
    assert result.overdue_days == 0


def test_staleness_validation():
    """Bad cadence, grace, a future check-in or no anchor date are rejected with the field."""
    today = date(2026, 1, 10)
    with pytest.raises(ValueError, match="cadence_days must be at least 1"):
        checkin_stale(last_checkin=today, cadence_days=0, today=today)
    with pytest.raises(ValueError, match="grace_days must be zero or more"):
        checkin_stale(last_checkin=today, grace_days=-1, today=today)
    with pytest.raises(ValueError, match="is after today"):
        checkin_stale(last_checkin=today + timedelta(1), today=today)
    with pytest.raises(ValueError, match="start is required"):
        checkin_stale(last_checkin=None, today=today)


@given(last=days, first=st.integers(0, 400), second=st.integers(0, 400))
def test_once_stale_a_goal_stays_stale_without_a_checkin(last, first, second):
    """Staleness is monotonic in today: later never makes a stale goal fresh."""
    earlier, later = sorted((first, second))
    before = checkin_stale(last_checkin=last, today=last + timedelta(earlier))
    after = checkin_stale(last_checkin=last, today=last + timedelta(later))
    assert not (before.stale and not after.stale)
