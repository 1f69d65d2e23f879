"""Partnership health index: weighted mean over the components with data, weights
renormalised, missing data explicit, and the normalisers that map raw signals to 0–100."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.metrics.health_index import (
    COMPONENT_LABELS,
    DEFAULT_WEIGHTS,
    MIN_COVERED_SHARE,
    ComponentInput,
    conflicts_component,
    decision_velocity_component,
    equity_component,
    forecast_component,
    freshness_component,
    goal_progress_component,
    health_index,
    health_votes_component,
    likert_component,
    share_component,
)

KEYS = list(COMPONENT_LABELS)


def full_inputs(value: float = 50.0) -> list[ComponentInput]:
    return [ComponentInput(key, value, f"{key} evidence") for key in KEYS]


# --- composite -----------------------------------------------------------------------------


def test_default_weights_cover_every_component_and_sum_to_100():
    """Every component the issue lists has a documented default weight; they read as %."""
    assert set(DEFAULT_WEIGHTS) == set(COMPONENT_LABELS)
    assert len(DEFAULT_WEIGHTS) == 13
    assert math.fsum(DEFAULT_WEIGHTS.values()) == pytest.approx(100.0)


def test_all_components_with_data_give_the_weighted_mean():
    """With every component present the score is Σ w·v / Σ w and nothing is 'no data'."""
    inputs = [ComponentInput(key, float(i * 7 % 101), "e") for i, key in enumerate(KEYS)]
    result = health_index(inputs)
    expected = sum(DEFAULT_WEIGHTS[i.key] * i.value_0_100 for i in inputs) / 100.0
    assert result.score == pytest.approx(expected)
    assert result.covered_weight == pytest.approx(1.0)
    assert all(c.status == "ok" for c in result.components)
    assert sum(c.effective_weight for c in result.components) == pytest.approx(1.0)
    assert [c.key for c in result.components] == KEYS
    assert result.reasons == (
        f"Score {result.score:.0f} from 13 of 13 components (100% of the weight).",
    )


def test_equal_values_give_that_value():
    """If every component scores 72, so does the partnership."""
    assert health_index(full_inputs(72.0)).score == pytest.approx(72.0)


def test_missing_components_are_excluded_and_weights_renormalised():
    """Goal progress 80 (w 15), coordination 40 (w 12), psych safety 70 (w 10), the rest
    missing: covered 37 % < 40 % → no score; lowering the minimum gives the renormalised
    mean (15·80 + 12·40 + 10·70) / 37."""
    inputs = [
        ComponentInput("goal_progress", 80.0, "2 of 10 goals behind expected progress."),
        ComponentInput("coordination", 40.0, "Mean rating 2.60 on a 1–5 scale."),
        ComponentInput("psych_safety", 70.0, "Mean rating 5.20 on a 1–7 scale."),
        ComponentInput("health_votes", None, "No health-check votes."),
    ]
    withheld = health_index(inputs)
    assert withheld.score is None
    assert withheld.covered_weight == pytest.approx(0.37)
    assert "Only 37% of the weight has data" in withheld.reasons[-1]

    result = health_index(inputs, min_covered_share=0.3)
    assert result.score == pytest.approx((15 * 80 + 12 * 40 + 10 * 70) / 37)
    by_key = {c.key: c for c in result.components}
    assert by_key["goal_progress"].effective_weight == pytest.approx(15 / 37)
    assert by_key["coordination"].effective_weight == pytest.approx(12 / 37)
    assert by_key["health_votes"].status == "no data"
    assert by_key["health_votes"].evidence == "No health-check votes."
    assert by_key["health_votes"].effective_weight == 0.0
    assert by_key["asks_answered"].status == "no data"
    assert by_key["asks_answered"].evidence == "No data recorded."
    assert "Health-check votes" in result.reasons[0]


def test_missing_data_is_neither_zero_nor_perfect():
    """A missing component at 0 or at 100 would move the score; leaving it out does not."""
    present = [i for i in full_inputs(60.0) if i.key != "psych_safety"]
    missing = health_index(present).score
    as_zero = health_index([*present, ComponentInput("psych_safety", 0.0, "")]).score
    as_perfect = health_index([*present, ComponentInput("psych_safety", 100.0, "")]).score
    assert missing == pytest.approx(60.0)
    assert as_zero < missing < as_perfect


def test_all_missing_has_no_score_and_says_why():
    """No component with data: score None, covered weight 0, every component 'no data'."""
    result = health_index([ComponentInput(k, None, "none") for k in KEYS])
    assert result.score is None
    assert result.covered_weight == 0.0
    assert all(c.status == "no data" for c in result.components)
    assert "there is no score" in result.reasons[-1]
    assert health_index([]).score is None


def test_minimum_covered_share_is_inclusive():
    """Exactly the minimum share with data is enough for a score."""
    weights = {"goal_progress": 40.0, "coordination": 60.0}
    result = health_index([ComponentInput("goal_progress", 90.0, "")], weights=weights)
    assert MIN_COVERED_SHARE == 0.4
    assert result.score == pytest.approx(90.0)
    assert [c.key for c in result.components] == ["goal_progress", "coordination"]


def test_custom_weights_and_zero_weight():
    """A workspace may weight a subset; a zero-weight component shows but counts for nothing."""
    weights = {"goal_progress": 1.0, "coordination": 3.0, "health_votes": 0.0}
    result = health_index(
        [
            ComponentInput("goal_progress", 100.0, ""),
            ComponentInput("coordination", 20.0, ""),
            ComponentInput("health_votes", 0.0, ""),
        ],
        weights=weights,
    )
    assert result.score == pytest.approx((100 + 3 * 20) / 4)
    assert {c.key: c.effective_weight for c in result.components}["health_votes"] == 0.0


def test_freshness_and_trend_pass_through():
    """Each component keeps its data freshness and trend for display."""
    inputs = [ComponentInput("goal_progress", 50.0, "e", freshness_days=3, trend=-4.5)]
    component = health_index(inputs, weights={"goal_progress": 1.0}).components[0]
    assert (component.freshness_days, component.trend) == (3, -4.5)
    assert component.label == "Goal progress vs expected"


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"goal_progress": 1.0, "happiness": 2.0}, "'happiness'"),
        ({"goal_progress": -1.0}, "'goal_progress' must be a finite number ≥ 0"),
        ({"goal_progress": math.nan}, "'goal_progress' must be a finite number"),
        ({"goal_progress": 0.0, "coordination": 0.0}, "must not all be zero"),
        ({}, "must not all be zero"),
    ],
)
def test_bad_weights_are_refused(weights, message):
    """Unknown keys, negative or non-finite weights and all-zero weights raise ValueError."""
    with pytest.raises(ValueError, match=message):
        health_index([], weights=weights)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([ComponentInput("vibes", 50.0, "")], "unknown health component 'vibes'"),
        ([ComponentInput("goal_progress", 101.0, "")], "between 0 and 100, not 101"),
        ([ComponentInput("goal_progress", -0.5, "")], "between 0 and 100"),
        ([ComponentInput("goal_progress", math.inf, "")], "between 0 and 100"),
        ([ComponentInput("goal_progress", 5.0, "")] * 2, "given twice"),
        ([ComponentInput("coordination", 5.0, "")], "'coordination' has no weight"),
        ([ComponentInput("goal_progress", 5.0, "", freshness_days=-1)], "freshness"),
    ],
)
def test_bad_inputs_are_refused(inputs, message):
    """Values outside 0–100, unknown, unweighted or duplicate components raise ValueError."""
    with pytest.raises(ValueError, match=message):
        health_index(inputs, weights={"goal_progress": 1.0})


# --- properties ----------------------------------------------------------------------------

values = st.one_of(st.none(), st.floats(min_value=0, max_value=100))
input_maps = st.fixed_dictionaries(dict.fromkeys(KEYS, values))
weight_maps = st.fixed_dictionaries(
    {key: st.floats(min_value=0, max_value=50) for key in KEYS}
).filter(lambda w: any(v > 0 for v in w.values()))


def as_inputs(value_map):
    return [ComponentInput(key, value, "") for key, value in value_map.items()]


@given(input_maps, weight_maps)
def test_score_is_between_0_and_100(value_map, weights):
    """Whatever the data and weights, a score is within 0–100."""
    score = health_index(as_inputs(value_map), weights=weights, min_covered_share=0.0).score
    assert score is None or 0.0 <= score <= 100.0


@given(input_maps, st.sampled_from(KEYS), st.floats(min_value=0, max_value=100))
def test_raising_a_component_never_lowers_the_score(value_map, key, bump):
    """Raising one component's value (other things equal) never lowers the score."""
    low = dict(value_map)
    base = low[key] if low[key] is not None else 0.0
    low[key] = base
    high = dict(low)
    high[key] = min(100.0, base + bump)
    before = health_index(as_inputs(low), min_covered_share=0.0).score
    after = health_index(as_inputs(high), min_covered_share=0.0).score
    assert before is not None
    assert after is not None
    assert after >= before


@given(input_maps, st.sampled_from(KEYS))
def test_adding_a_no_data_component_changes_nothing(value_map, key):
    """Leaving a component out and reporting it as None are the same: no data."""
    without = [i for i in as_inputs(value_map) if i.key != key]
    with_none = [*without, ComponentInput(key, None, "not measured")]
    a, b = health_index(without), health_index(with_none)
    assert a.score == b.score
    assert a.covered_weight == b.covered_weight
    assert [c.effective_weight for c in a.components] == [c.effective_weight for c in b.components]
    assert [c.status for c in a.components] == [c.status for c in b.components]


# --- normalisers ---------------------------------------------------------------------------


def test_goal_progress_counts_goals_on_track_at_095_of_expected():
    """On track when the pace ratio is ≥ 0.95 (METRICS §7); the rest are behind."""
    reading = goal_progress_component([1.2, 0.95, 0.949, 0.5, 1.0, 0.0, 1.0, 2.0])
    assert reading.value == pytest.approx(100 * 5 / 8)
    assert reading.evidence == "3 of 8 goals behind expected progress."
    assert goal_progress_component([1.0]).value == 100.0
    assert goal_progress_component([0.1, 0.2]).value == 0.0


def test_goal_progress_without_goals_is_no_data():
    """No goals with an expected progress: no data, not 0 or 100."""
    assert goal_progress_component([]).value is None
    with pytest.raises(ValueError, match="finite"):
        goal_progress_component([math.nan])


def test_share_component():
    """100 × numerator / denominator, with 'n of m' evidence; nothing to count is no data."""
    reading = share_component(5, 8, counted="asks answered")
    assert reading.value == pytest.approx(62.5)
    assert reading.evidence == "5 of 8 asks answered."
    assert share_component(0, 3).value == 0.0
    assert share_component(3, 3).value == 100.0
    assert share_component(0, 0).value is None
    with pytest.raises(ValueError, match="exceeds"):
        share_component(4, 3)
    with pytest.raises(ValueError, match="≥ 0"):
        share_component(-1, 3)


def test_reading_becomes_a_component_input():
    """A normaliser's reading carries over with the key, freshness and trend."""
    item = share_component(1, 2, counted="updates acknowledged").as_input(
        "acknowledgement", freshness_days=2, trend=5.0
    )
    assert item == ComponentInput("acknowledgement", 50.0, "1 of 2 updates acknowledged.", 2, 5.0)


@pytest.mark.parametrize(
    ("mean", "low", "high", "expected"),
    [(1.0, 1, 5, 0.0), (5.0, 1, 5, 100.0), (3.0, 1, 5, 50.0), (4.0, 1, 7, 50.0), (7.0, 1, 7, 100)],
)
def test_likert_is_a_linear_rescale(mean, low, high, expected):
    """Lowest scale point → 0, highest → 100, linearly between (1–5 and 1–7 scales)."""
    assert likert_component(mean, low=low, high=high).value == pytest.approx(expected)


def test_likert_edge_cases():
    """No mean is no data; a mean off the scale or an empty scale is refused."""
    assert likert_component(None, low=1, high=5).value is None
    assert likert_component(3.86, low=1, high=5).evidence == "Mean rating 3.86 on a 1–5 scale."
    with pytest.raises(ValueError, match="outside the 1–5 scale"):
        likert_component(5.5, low=1, high=5)
    with pytest.raises(ValueError, match="scale must run"):
        likert_component(3, low=5, high=5)


def test_health_votes():
    """All green (2) → 100, all yellow → 50, all red → 0; no votes is no data."""
    assert health_votes_component(2.0).value == 100.0
    assert health_votes_component(1.0).value == 50.0
    assert health_votes_component(0.0).value == 0.0
    assert health_votes_component(None).value is None
    with pytest.raises(ValueError, match="outside"):
        health_votes_component(2.5)


def test_equity_is_one_minus_gini_star():
    """100 × (1 − G*): equal voices 100, one voice 0; METRICS §9 [20,10,5,5] → G* 5/12."""
    assert equity_component(0.0).value == 100.0
    assert equity_component(1.0).value == 0.0
    assert equity_component(0.3125 * 4 / 3).value == pytest.approx(100 * (1 - 5 / 12))
    assert equity_component(None).value is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        equity_component(1.5)


def test_conflicts_component():
    """−15 per open conflict (capped at −60) and up to −40 as the median resolution time goes
    from 14 to 60 days; no conflicts at all is 100, not no data."""
    assert conflicts_component(0, None).value == 100.0
    assert conflicts_component(0, None).evidence == "0 open conflicts."
    assert conflicts_component(1, None).value == 85.0
    assert conflicts_component(10, None).value == 40.0
    assert conflicts_component(0, 14).value == 100.0
    assert conflicts_component(0, 37).value == pytest.approx(80.0)
    assert conflicts_component(0, 90).value == 60.0
    worst = conflicts_component(5, 120)
    assert worst.value == 0.0
    assert worst.evidence == "5 open conflicts; resolved in a median of 120 days."
    with pytest.raises(ValueError, match="≥ 0"):
        conflicts_component(-1, None)
    with pytest.raises(ValueError, match="≥ 0"):
        conflicts_component(0, -2)


def test_freshness_component():
    """100 within the cadence, falling linearly to 0 at three cadences; never is no data."""
    assert freshness_component(0, 7).value == 100.0
    assert freshness_component(7, 7).value == 100.0
    assert freshness_component(14, 7).value == pytest.approx(50.0)
    assert freshness_component(21, 7).value == 0.0
    assert freshness_component(400, 7).value == 0.0
    assert freshness_component(None, 7).value is None
    assert freshness_component(10, 7).evidence == (
        "Last check-in 10 days ago against a 7-day cadence."
    )
    with pytest.raises(ValueError, match="cadence"):
        freshness_component(3, 0)


def test_forecast_component():
    """100 × mean probability of reaching the target; no forecasts is no data."""
    assert forecast_component([0.9, 0.5, 0.1]).value == pytest.approx(50.0)
    assert forecast_component([]).value is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        forecast_component([1.2])


def test_decision_velocity_component():
    """Share of open proposals younger than the target age; none waiting is 100."""
    reading = decision_velocity_component([3, 10, 20, 40], target_days=14)
    assert reading.value == 50.0
    assert reading.evidence == "2 of 4 open proposals older than 14 days."
    assert decision_velocity_component([], target_days=14).value == 100.0
    with pytest.raises(ValueError, match="target"):
        decision_velocity_component([1], target_days=0)


def test_checkin_freshness_many_is_the_mean_of_each_goal() -> None:
    """Each goal scores against its own cadence; the component is their mean."""
    from accord.metrics.health_index import checkin_freshness_component

    reading = checkin_freshness_component([(3, 7), (21, 7), (None, 7)])
    # 3 days on a 7-day cadence: 100; 21 days: three cadences late → 0.
    assert reading.value == pytest.approx(50.0)
    assert reading.evidence.startswith("1 of 2 goals overdue")


def test_checkin_freshness_many_without_goals_is_no_data() -> None:
    """No goal with a day count: no data, never 0 or 100."""
    from accord.metrics.health_index import checkin_freshness_component

    assert checkin_freshness_component([]).value is None
    assert checkin_freshness_component([(None, 14)]).value is None
