import math
import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.metrics.progress import forecast_ewma, forecast_linear, t_cdf, t_quantile

START = date(2026, 1, 5)


def weekly(values, start=START):
    return [(start + timedelta(weeks=week), value) for week, value in enumerate(values)]


# --- Student's t ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "reference"),
    [
        # Printed t tables (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
        (0.975, 1, 12.706205),
        (0.975, 2, 4.302653),
        (0.975, 10, 2.228139),
        (0.95, 5, 2.015048),
        (0.90, 3, 1.637744),
        (0.90, 2, 1.885618),
        (0.995, 30, 2.749996),
        (0.975, 1_000_000, 1.959966),
    ],
)
def test_t_quantile_matches_printed_tables(p, df, reference):
    """Quantiles of Student's t agree with the printed tables to 6 decimals."""
    assert t_quantile(p, df) == pytest.approx(reference, abs=2e-6)
    assert t_quantile(1 - p, df) == pytest.approx(-reference, abs=2e-6)


@given(t=st.floats(min_value=-1e4, max_value=1e4))
def test_t_cdf_matches_closed_forms_for_one_and_two_degrees_of_freedom(t):
    """df = 1 is the Cauchy law; df = 2 has F(t) = ½ + t / (2√(2 + t²))."""
    assert t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-12)
    assert t_cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), abs=1e-12)


@given(p=st.floats(min_value=0.001, max_value=0.999), df=st.integers(1, 200))
def test_t_quantile_inverts_the_cdf(p, df):
    """t_cdf(t_quantile(p)) returns p."""
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)


def test_t_validation():
    """Probabilities outside (0, 1) and non-positive degrees of freedom are rejected."""
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        t_quantile(1.0, 3)
    with pytest.raises(ValueError, match="degrees of freedom must be positive"):
        t_cdf(0.5, 0)


# --- forecast_linear -----------------------------------------------------------------------


def test_exact_line_gives_exact_forecast_and_zero_width_interval():
    """Check-ins on y = 10 + 2·week forecast exactly, with no spread and certainty."""
    points = weekly([10 + 2 * week for week in range(6)])
    result = forecast_linear(
        points,
        due=START + timedelta(weeks=10),
        target=30,
        direction="increase",
        today=START + timedelta(weeks=5),
    )
    assert result.value == pytest.approx(30.0)
    assert result.low == result.high == result.value
    assert result.residual_sd == 0.0
    assert result.probability == 1.0
    assert result.projected_date == START + timedelta(weeks=10)
    assert result.slope_per_day == pytest.approx(2 / 7)
    assert any("exactly on the line" in reason for reason in result.reasons)


def test_exact_line_short_of_the_target_has_probability_zero():
    """A perfect line that ends below the target has no chance of reaching it by the due date."""
    points = weekly([10 + 2 * week for week in range(6)])
    result = forecast_linear(
        points,
        due=START + timedelta(weeks=10),
        target=31,
        direction="increase",
        today=START + timedelta(weeks=5),
    )
    assert result.probability == 0.0
    assert result.projected_date == START + timedelta(days=74)  # 10.5 weeks, rounded up a day


def test_hand_worked_prediction_interval():
    """y = 0, 1, 1, 2 on days 0–3: ŷ(5) = 3.1 ± t(0.9; 2)·√0.37 and P(≥ 3) from the t law."""
    points = [(START + timedelta(days=day), value) for day, value in enumerate([0, 1, 1, 2])]
    result = forecast_linear(
        points,
        due=START + timedelta(days=5),
        target=3,
        direction="increase",
        today=START + timedelta(days=3),
        level=0.8,
    )
    # slope 0.6, intercept 0.1, SSE 0.2, s² = 0.1, se = √(0.1·(1 + 1/4 + 3.5²/5)) = √0.37.
    se = math.sqrt(0.37)
    assert result.value == pytest.approx(3.1)
    assert result.slope_per_day == pytest.approx(0.6)
    assert result.residual_sd == pytest.approx(math.sqrt(0.1))
    assert result.low == pytest.approx(3.1 - 1.885618 * se, abs=1e-6)
    assert result.high == pytest.approx(3.1 + 1.885618 * se, abs=1e-6)
    t = (3.1 - 3) / se
    assert result.probability == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)))


def test_noisy_line_interval_covers_the_truth_and_probability_is_sensible():
    """Noise around a known slope: the interval covers the true value and the odds follow it."""
    rng = random.Random(7)
    truth = [50 + 1.5 * week for week in range(20)]
    points = weekly([value + rng.gauss(0, 1.0) for value in truth[:8]])
    due = START + timedelta(weeks=16)
    true_value = 50 + 1.5 * 16
    result = forecast_linear(
        points,
        due=due,
        target=true_value - 5,
        direction="increase",
        today=START + timedelta(weeks=7),
    )
    assert result.low < true_value < result.high
    assert result.slope_per_day * 7 == pytest.approx(1.5, abs=0.4)
    assert result.probability > 0.8
    far = forecast_linear(
        points,
        due=due,
        target=true_value + 20,
        direction="increase",
        today=START + timedelta(weeks=7),
    )
    assert far.probability < 0.05


def test_interval_edges_and_probability_agree():
    """With the target at the lower 80% bound, the chance of reaching it is 90%."""
    rng = random.Random(3)
    points = weekly([20 + week + rng.gauss(0, 2) for week in range(8)])
    kwargs = {
        "due": START + timedelta(weeks=12),
        "direction": "increase",
        "today": START + timedelta(weeks=7),
    }
    first = forecast_linear(points, target=0.0, **kwargs)
    at_low = forecast_linear(points, target=first.low, **kwargs)
    at_high = forecast_linear(points, target=first.high, **kwargs)
    assert at_low.probability == pytest.approx(0.9, abs=1e-9)
    assert at_high.probability == pytest.approx(0.1, abs=1e-9)


def test_prediction_interval_coverage_is_close_to_nominal():
    """Over 400 simulated series the 80% interval holds the true value about 80% of the time."""
    rng = random.Random(2026)
    hits = 0
    for _ in range(400):
        slope, noise = rng.uniform(-2, 2), rng.uniform(0.5, 3)
        points = weekly([100 + slope * week + rng.gauss(0, noise) for week in range(8)])
        actual = 100 + slope * 12 + rng.gauss(0, noise)
        result = forecast_linear(
            points,
            due=START + timedelta(weeks=12),
            target=100,
            direction="increase",
            today=START + timedelta(weeks=7),
        )
        hits += result.low <= actual <= result.high
    assert 0.74 <= hits / 400 <= 0.86


def test_decreasing_goal_uses_the_lower_tail_and_projects_the_crossing():
    """A falling cycle time heading for 20 days: high odds, and a crossing date before due."""
    rng = random.Random(11)
    points = weekly([40 - 1.0 * week + rng.gauss(0, 0.5) for week in range(8)])
    result = forecast_linear(
        points,
        due=START + timedelta(weeks=24),
        target=20,
        direction="decrease",
        today=START + timedelta(weeks=7),
    )
    assert result.value == pytest.approx(16, abs=2)
    assert result.probability > 0.9
    assert START + timedelta(weeks=18) <= result.projected_date <= START + timedelta(weeks=22)


def test_exact_decreasing_line_reaching_target_is_certain():
    """A perfect line falling to exactly the target on the due date counts as reaching it."""
    points = weekly([40 - 2 * week for week in range(5)])
    result = forecast_linear(
        points,
        due=START + timedelta(weeks=10),
        target=20,
        direction="decrease",
        today=START + timedelta(weeks=4),
    )
    assert result.value == pytest.approx(20)
    assert result.probability == 1.0
    assert result.projected_date == START + timedelta(weeks=10)


def test_trend_heading_away_has_no_projected_date():
    """A falling value on an increase goal never reaches the target."""
    points = weekly([30, 29, 27, 26, 24])
    result = forecast_linear(
        points,
        due=START + timedelta(weeks=10),
        target=40,
        direction="increase",
        today=START + timedelta(weeks=4),
    )
    assert result.projected_date is None
    assert result.probability < 0.01
    assert "does not get there" in result.reasons[-1]


def test_band_goal_probability_is_the_chance_of_ending_inside():
    """A flat series inside a wide band is very likely to stay there; an exact one is certain."""
    rng = random.Random(5)
    points = weekly([99.9 + rng.gauss(0, 0.02) for _ in range(8)])
    kwargs = {
        "due": START + timedelta(weeks=10),
        "target": None,
        "today": START + timedelta(weeks=7),
    }
    inside = forecast_linear(points, direction="range", low=99.5, high=100.3, **kwargs)
    assert inside.probability > 0.95
    exact = forecast_linear(weekly([5.0] * 5), direction="maintain", low=4, high=6, **kwargs)
    assert exact.probability == 1.0
    assert exact.projected_date is None


def test_band_goal_outside_projects_when_the_line_enters_the_band():
    """A value falling towards a band from above gets a date for reaching its upper edge."""
    points = weekly([30, 28, 26, 24])
    result = forecast_linear(
        points,
        due=START + timedelta(weeks=10),
        target=15,
        direction="maintain",
        tolerance=5,
        today=START + timedelta(weeks=3),
    )
    assert result.projected_date == START + timedelta(weeks=5)
    assert result.probability == 1.0


def test_window_uses_only_the_latest_checkins():
    """An old, different trend outside the window does not bend the forecast."""
    points = weekly([100, 0, 100, 0] + [10 + week for week in range(4)])
    result = forecast_linear(
        points,
        due=START + timedelta(weeks=10),
        target=16,
        direction="increase",
        today=START + timedelta(weeks=7),
        window=4,
    )
    assert result.n_points == 4
    assert result.value == pytest.approx(16)


def test_too_few_checkins_give_no_forecast_with_a_reason():
    """Two check-ins are not enough for a trend with an interval."""
    result = forecast_linear(
        weekly([1, 2]),
        due=START + timedelta(weeks=5),
        target=5,
        direction="increase",
        today=START + timedelta(weeks=2),
    )
    assert result.value is None
    assert result.probability is None
    assert "at least 3 check-ins; there are 2" in result.reasons[-1]


def test_checkins_all_on_one_date_give_no_trend():
    """With no spread in dates there is no slope to fit."""
    points = [(START, 1.0), (START, 2.0), (START, 3.0)]
    result = forecast_linear(
        points, due=START + timedelta(weeks=5), target=5, direction="increase", today=START
    )
    assert result.value is None
    assert "same date" in result.reasons[-1]


def test_future_checkins_are_ignored():
    """Check-ins dated after today do not count, and the reasons say so."""
    points = weekly([1, 2, 3, 4, 50])
    result = forecast_linear(
        points,
        due=START + timedelta(weeks=6),
        target=7,
        direction="increase",
        today=START + timedelta(weeks=3),
    )
    assert result.n_points == 4
    assert result.value == pytest.approx(7)
    assert "1 check-ins dated after" in result.reasons[0]


def test_forecast_validation():
    """Window, level and a missing target are rejected with the rule."""
    points = weekly([1, 2, 3])
    kwargs = {"due": START + timedelta(weeks=5), "today": START + timedelta(weeks=3)}
    with pytest.raises(ValueError, match="window must be at least 3"):
        forecast_linear(points, target=5, direction="increase", window=2, **kwargs)
    with pytest.raises(ValueError, match="level must be strictly between 0 and 1"):
        forecast_linear(points, target=5, direction="increase", level=1.0, **kwargs)
    with pytest.raises(ValueError, match="needs a target"):
        forecast_linear(points, target=None, direction="decrease", **kwargs)
    with pytest.raises(ValueError, match="needs both low and high"):
        forecast_linear(points, target=None, direction="range", **kwargs)


# --- forecast_ewma -------------------------------------------------------------------------


def test_ewma_level_follows_the_recursion():
    """z = 0.2·x + 0.8·z, starting from the first value: 10, 20, 10 → 10, 12, 11.6."""
    result = forecast_ewma(weekly([10, 20, 10]))
    assert result.levels == pytest.approx((10, 12, 11.6))
    assert result.value == pytest.approx(11.6)
    assert result.lam == 0.2


def test_ewma_with_lambda_one_is_the_last_value():
    """λ = 1 keeps only the newest check-in."""
    assert forecast_ewma(weekly([3, 9, 4]), lam=1.0).value == 4


def test_ewma_of_a_constant_is_that_constant():
    """Smoothing a flat series changes nothing."""
    assert forecast_ewma(weekly([7.5] * 6)).value == pytest.approx(7.5)


def test_ewma_sorts_by_date_and_ignores_future_checkins():
    """Check-ins are smoothed in date order, and those after today are left out."""
    points = [(START + timedelta(weeks=1), 20.0), (START, 10.0), (START + timedelta(weeks=9), 99.0)]
    result = forecast_ewma(points, today=START + timedelta(weeks=2))
    assert result.n_points == 2
    assert result.value == pytest.approx(12)


def test_ewma_without_checkins_and_bad_lambda():
    """No check-ins give no level; λ must be in (0, 1]."""
    assert forecast_ewma([]).value is None
    with pytest.raises(ValueError, match=r"lam must be in \(0, 1\]"):
        forecast_ewma(weekly([1, 2]), lam=0)
