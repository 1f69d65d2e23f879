import pytest

from accord.metrics.progress import Anomaly, anomalies_western_electric, xmr_limits

# Phase I: 11, 9, 11, 9, … → centre 10, every moving range 2, σ = 2 / 1.128 ≈ 1.773.
# Zones: 1σ ≈ 11.77, 2σ ≈ 13.55, 3σ ≈ 15.32 above the centre. The baseline alternates sides
# and stays within 1σ, so on its own it trips nothing; it ends on the low side (9).
BASELINE = [11.0, 9.0] * 10
SIGMA = 2 / 1.128


def flags(values):
    return [
        (a.index, a.rule, a.side) for a in anomalies_western_electric(values, baseline_points=20)
    ]


def test_limits_come_from_mean_and_mean_moving_range():
    """Centre is the mean; σ is the mean moving range over 1.128; limits are ±3σ."""
    limits = xmr_limits([*BASELINE, 50.0], baseline_points=20)
    assert limits.centre == pytest.approx(10.0)
    assert limits.sigma == pytest.approx(SIGMA)
    assert limits.upper == pytest.approx(10 + 3 * SIGMA)
    assert limits.lower == pytest.approx(10 - 3 * SIGMA)


def test_baseline_alone_trips_nothing():
    """A stable process within 1σ that alternates sides raises no flag."""
    assert flags(BASELINE) == []


def test_rule_1_one_point_beyond_three_sigma():
    """A single value of 16 (3.4σ above) trips rule 1 at that point, and nothing else."""
    values = [*BASELINE, 10.0, 16.0, 9.0, 11.0]
    anomalies = anomalies_western_electric(values, baseline_points=20)
    assert [(a.index, a.rule, a.side) for a in anomalies] == [(21, 1, "above")]
    assert "more than 3σ above the centre 10" in anomalies[0].explanation


def test_rule_2_two_of_three_beyond_two_sigma():
    """Two values of 14 (2.3σ) within three points trip rule 2 at the second one."""
    values = [*BASELINE, 14.0, 10.0, 14.0, 9.0, 11.0]
    assert flags(values) == [(22, 2, "above")]


def test_rule_3_four_of_five_beyond_one_sigma():
    """Four values of 12.5 (1.4σ) within five points trip rule 3 at the fourth one."""
    values = [*BASELINE, 12.5, 12.5, 10.0, 12.5, 12.5, 9.0, 11.0]
    assert flags(values) == [(24, 3, "above")]


def test_rule_4_eight_in_a_row_on_one_side():
    """Eight values of 10.5, close to the centre but all above it, trip rule 4 at the eighth."""
    values = BASELINE + [10.5] * 8 + [9.0, 11.0]
    anomalies = anomalies_western_electric(values, baseline_points=20)
    assert anomalies == [
        Anomaly(
            index=27,
            rule=4,
            side="above",
            explanation="8 values in a row above the centre (centre 10, σ 1.773).",
        )
    ]


def test_rules_trip_below_the_centre_too():
    """The mirror image of each pattern is flagged on the low side."""
    assert flags([*BASELINE, 10.0, 4.0, 11.0]) == [(21, 1, "below")]
    assert flags([*BASELINE, 6.0, 10.0, 6.0, 11.0]) == [(22, 2, "below")]
    assert flags([9.0, 11.0] * 10 + [9.5] * 8 + [11.0]) == [(27, 4, "below")]


def test_a_long_run_is_flagged_once_and_again_only_after_it_breaks():
    """Twelve in a row above is one rule-4 trip; a break and eight more is a second."""
    values = BASELINE + [10.5] * 12 + [9.0] + [10.5] * 8
    assert flags(values) == [(27, 4, "above"), (40, 4, "above")]


def test_rule_1_flags_every_point_beyond_the_limits():
    """Each point beyond 3σ is out of control on its own, so two in a row are two flags."""
    values = [*BASELINE, 16.0, 16.0, 9.0, 11.0]
    assert flags(values) == [(20, 1, "above"), (21, 1, "above"), (21, 2, "above")]


def test_limits_from_all_points_by_default():
    """Without a phase-I split the outlier widens σ, yet still trips rule 1 alone."""
    values = [*BASELINE, 30.0]
    limits = xmr_limits(values)
    assert limits.centre == pytest.approx(230 / 21)
    assert limits.sigma == pytest.approx((19 * 2 + 21) / 20 / 1.128)
    assert [(a.index, a.rule) for a in anomalies_western_electric(values)] == [(20, 1)]


def test_patterns_at_the_start_count_with_partial_windows():
    """Two opening values beyond 2σ complete "2 of 3" at the second value."""
    values = [14.0, 14.0, *BASELINE]
    anomalies = anomalies_western_electric(values, baseline_points=None)
    assert [(a.index, a.rule) for a in anomalies if a.rule == 2] == [(1, 2)]


def test_flat_or_tiny_series_cannot_be_charted():
    """No variation, or fewer than two values, gives no limits and no flags."""
    assert anomalies_western_electric([5.0] * 10) == []
    assert anomalies_western_electric([5.0]) == []
    assert anomalies_western_electric([]) == []
    assert "never change" in xmr_limits([5.0] * 10).reasons[0]
    assert xmr_limits([5.0]).sigma is None


def test_baseline_points_must_fit_the_series():
    """Phase I needs at least two values and no more than there are."""
    with pytest.raises(ValueError, match="baseline_points must be between 2 and"):
        anomalies_western_electric([1.0, 2.0, 3.0], baseline_points=1)
    with pytest.raises(ValueError, match="baseline_points must be between 2 and"):
        anomalies_western_electric([1.0, 2.0, 3.0], baseline_points=4)
