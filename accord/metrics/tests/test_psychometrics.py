"""Reliability, agreement and ICCs against METRICS.md §4 and against pingouin (test-only)."""

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.metrics.psychometrics import (
    cronbach_alpha,
    factor_loadings,
    icc_oneway,
    icc_shrout_fleiss,
    omega_total,
    reverse_score,
    rwg,
    rwg_j,
)

SHROUT_FLEISS = np.array(
    [[9, 6, 8, 7, 10, 6], [2, 1, 4, 1, 5, 2], [5, 3, 6, 2, 6, 4], [8, 2, 8, 6, 9, 7]],
    dtype=float,
).T  # 6 targets × 4 judges


def wide_missing() -> np.ndarray:
    return pg.read_dataset("cronbach_wide_missing").to_numpy(dtype=float)


def alpha_dataset() -> np.ndarray:
    long = pg.read_dataset("cronbach_alpha")
    return long.pivot(index="Subj", columns="Items", values="Scores").to_numpy(dtype=float)


# --- Cronbach's alpha: the reference values ------------------------------------------------


def test_alpha_reference_dataset_and_feldt_interval():
    """pingouin's cronbach_alpha dataset: α = 0.591719 with the Feldt 95 % CI [0.195, 0.840]."""
    result = cronbach_alpha(alpha_dataset())
    assert round(result.alpha, 6) == 0.591719
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.195, 0.840)
    assert (result.n, result.k, result.missing) == (15, 10, "listwise")


def test_alpha_missing_policies_give_the_published_values():
    """cronbach_wide_missing: 0.732661 pairwise and 0.801695 listwise."""
    pairwise = cronbach_alpha(wide_missing(), missing="pairwise")
    listwise = cronbach_alpha(wide_missing(), missing="listwise")
    assert round(pairwise.alpha, 6) == 0.732661
    assert round(listwise.alpha, 6) == 0.801695
    assert pairwise.n == 12
    assert listwise.n == 9  # complete rows only
    assert "pairwise" in pairwise.reasons[0]
    assert "only rows that answered every item" in listwise.reasons[0]


def test_pairwise_interval_matches_pingouin():
    """Pairwise counts every row for the interval, as pingouin does: [0.435, 0.909]."""
    result = cronbach_alpha(wide_missing(), missing="pairwise")
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.435, 0.909)


def test_listwise_interval_uses_the_complete_rows():
    """Listwise the Feldt interval rests on the 9 complete rows (pingouin counts all 12 rows
    there, so its listwise interval is narrower than the data support)."""
    result = cronbach_alpha(wide_missing(), missing="listwise")
    complete = wide_missing()[~np.isnan(wide_missing()).any(axis=1)]
    assert result.ci_low == pytest.approx(cronbach_alpha(complete).ci_low)
    assert result.ci_low < 0.581  # pingouin's all-rows value


def test_alpha_is_undefined_without_rows_or_variance():
    """Fewer than two rows or a constant total give alpha None with the reason."""
    assert cronbach_alpha([[1, 2, 3]]).alpha is None
    flat = cronbach_alpha([[3, 3], [3, 3], [3, 3]])
    assert flat.alpha is None
    assert "does not vary" in flat.reasons[-1]
    with pytest.raises(ValueError, match="two items"):
        cronbach_alpha([[1], [2]])
    with pytest.raises(ValueError, match="missing-data policy"):
        cronbach_alpha([[1, 2], [2, 3]], missing="mean")  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # pingouin on near-empty samples
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pingouin's pandas calls
@pytest.mark.filterwarnings("ignore::FutureWarning")
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(5, 60), k=st.integers(2, 9))
def test_alpha_matches_pingouin_on_random_data(seed, n, k):
    """Alpha and its interval agree with pingouin on complete random data, and with
    pingouin's pairwise alpha and interval when answers are missing at random."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n, 1))
    data = np.round(3 + common + rng.normal(size=(n, k)), 0)
    ours = cronbach_alpha(data)
    theirs, ci = pg.cronbach_alpha(pd.DataFrame(data))
    if ours.alpha is None:
        assert not np.isfinite(theirs) or np.var(data.sum(axis=1)) == 0
        return
    assert ours.alpha == pytest.approx(theirs, abs=1e-9)
    assert [round(ours.ci_low, 3), round(ours.ci_high, 3)] == pytest.approx(list(ci), abs=1e-3)

    holes = data.copy()
    holes[rng.random(holes.shape) < 0.15] = np.nan
    frame = pd.DataFrame(holes)
    if (frame.notna().astype(int).T @ frame.notna().astype(int)).to_numpy().min() < 2:
        return  # some pair of items never answered together: pandas gives NaN
    ours = cronbach_alpha(holes, missing="pairwise")
    theirs, ci = pg.cronbach_alpha(frame, nan_policy="pairwise")
    if ours.alpha is None or not np.isfinite(theirs):
        return
    assert ours.alpha == pytest.approx(theirs, abs=1e-9)
    listwise = cronbach_alpha(holes, missing="listwise")
    if listwise.alpha is not None:
        theirs_listwise, _ = pg.cronbach_alpha(frame, nan_policy="listwise")
        assert listwise.alpha == pytest.approx(theirs_listwise, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(2, 30), st.integers(2, 8)),
        elements=st.integers(1, 7).map(float),
    )
)
def test_alpha_never_exceeds_one(data):
    """Whatever the answers, alpha ≤ 1 (it can be very negative, never above 1)."""
    result = cronbach_alpha(data)
    if result.alpha is not None:
        assert result.alpha <= 1 + 1e-12
        assert result.ci_low <= result.alpha <= result.ci_high


# --- Omega ------------------------------------------------------------------------------------


def data_with_correlation(corr: np.ndarray, n: int = 200, seed: int = 3) -> np.ndarray:
    """Rows whose sample correlation matrix is exactly ``corr``."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(n, corr.shape[0]))
    raw -= raw.mean(axis=0)
    whitened = raw @ np.linalg.inv(np.linalg.cholesky(np.cov(raw, rowvar=False)).T)
    return whitened @ np.linalg.cholesky(corr).T * 0.8 + 3


def test_omega_recovers_known_one_factor_loadings():
    """For data that follow one factor exactly, the loadings and ω = (Σλ)²/((Σλ)² + Σθ)
    come out exactly."""
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    data = data_with_correlation(corr)
    assert factor_loadings(np.corrcoef(data, rowvar=False)) == pytest.approx(loadings, abs=1e-6)
    common = loadings.sum() ** 2
    expected = common / (common + np.sum(1 - loadings**2))
    assert round(omega_total(data), 4) == round(expected, 4) == 0.7494


def test_omega_equals_standardised_alpha_for_equal_loadings():
    """With equal loadings (τ-equivalent, standardised) ω equals alpha on the z-scores."""
    corr = np.full((5, 5), 0.36)
    np.fill_diagonal(corr, 1.0)
    data = data_with_correlation(corr)
    z = (data - data.mean(axis=0)) / data.std(axis=0, ddof=1)
    assert omega_total(data) == pytest.approx(cronbach_alpha(z).alpha, abs=1e-9)


def test_omega_undefined_for_too_few_rows_or_constant_items():
    """Omega needs three complete rows and items that vary."""
    assert omega_total([[1, 2], [2, 3]]) is None
    assert omega_total([[1, 2], [1, 3], [1, 5], [1, 1]]) is None


def test_omega_on_the_reference_dataset_is_plausible():
    """On pingouin's cronbach_alpha dataset, omega lies between 0 and 1 and above alpha."""
    value = omega_total(alpha_dataset())
    assert 0.5917 < value < 1


# --- rwg --------------------------------------------------------------------------------------


def test_rwg_reference():
    """rwg([4,4,5,4,3], A=5) = 1 − 0.5/2 = 0.75."""
    assert rwg([4, 4, 5, 4, 3], points=5) == pytest.approx(0.75, abs=1e-12)


def test_rwg_j_reference():
    """rwg(j) for the METRICS.md example rows = 0.9375."""
    rows = [[4, 4, 5], [4, 5, 5], [5, 4, 4], [4, 4, 4], [3, 4, 5]]
    assert round(rwg_j(rows, points=5), 4) == 0.9375


def test_rwg_is_one_for_full_agreement_and_truncated_at_zero():
    """Identical ratings agree fully; more spread than the uniform null truncates to 0."""
    assert rwg([3, 3, 3], points=5) == 1.0
    assert rwg([1, 5, 1, 5], points=5) == 0.0
    assert rwg_j([[1, 1], [5, 5], [1, 1], [5, 5]], points=5) == 0.0
    assert rwg_j([[2, 2], [2, 2]], points=7) == 1.0


def test_rwg_needs_two_ratings():
    """A single rating cannot show agreement."""
    with pytest.raises(ValueError, match="two ratings"):
        rwg([4], points=5)
    with pytest.raises(ValueError, match="two ratings"):
        rwg_j([[4, 4], [4, np.nan]], points=5)


def test_rwg_j_skips_missing_answers_per_item():
    """Each item's variance uses the raters who answered it."""
    full = rwg_j([[4, 4], [5, 4], [4, 5]], points=5)
    assert rwg_j([[4, 4], [5, 4], [4, 5], [np.nan, 1]], points=5) != full
    assert rwg_j([[4, 4], [5, 4], [4, 5], [np.nan, np.nan]], points=5) == full


# --- ICC --------------------------------------------------------------------------------------


def test_shrout_fleiss_reference():
    """The 1979 paper's 6 × 4 example: ICC1..ICC3k ≈ .1657 .2898 .7148 .4428 .6201 .9093."""
    result = icc_shrout_fleiss(SHROUT_FLEISS)
    assert {name: round(value, 4) for name, value in result.items()} == {
        "ICC1": 0.1657,
        "ICC2": 0.2898,
        "ICC3": 0.7148,
        "ICC1k": 0.4428,
        "ICC2k": 0.6201,
        "ICC3k": 0.9093,
    }


def long_table(matrix: np.ndarray) -> pd.DataFrame:
    targets, judges = np.indices(matrix.shape)
    return pd.DataFrame(
        {"target": targets.ravel(), "judge": judges.ravel(), "rating": matrix.ravel()}
    )


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # pingouin's own intervals on flat tables
@pytest.mark.filterwarnings("ignore:The inplace keyword")  # pingouin's pandas calls
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 15), k=st.integers(2, 6))
def test_shrout_fleiss_matches_pingouin(seed, n, k):
    """All six ICCs agree with pingouin.intraclass_corr on random complete tables."""
    rng = np.random.default_rng(seed)
    matrix = rng.integers(1, 8, size=(n, 1)) + rng.integers(0, 4, size=(n, k)).astype(float)
    theirs = pg.intraclass_corr(long_table(matrix), targets="target", raters="judge",
                                ratings="rating")  # fmt: skip
    if not np.isfinite(theirs["ICC"]).all() or np.abs(theirs["ICC"]).max() > 1e3:
        return  # no residual variance: both divide by (almost) zero
    ours = icc_shrout_fleiss(matrix)
    names = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    assert [ours[name] for name in names] == pytest.approx(list(theirs["ICC"]), abs=1e-9)


def test_oneway_icc_equals_shrout_fleiss_one_way_for_equal_teams():
    """With equal team sizes, ICC(1) is Shrout & Fleiss ICC1 and ICC(2) is ICC1k."""
    teams = SHROUT_FLEISS.tolist()  # 6 teams of 4 members
    result = icc_oneway(teams)
    reference = icc_shrout_fleiss(SHROUT_FLEISS)
    assert result.icc1 == pytest.approx(reference["ICC1"], abs=1e-12)
    assert result.icc2 == pytest.approx(reference["ICC1k"], abs=1e-12)
    assert (result.k_mean, result.groups, result.n) == (4.0, 6, 24)


def test_oneway_icc_by_hand_with_unequal_teams():
    """MSB, MSW and k = average team size give the textbook formulas."""
    teams = [[1, 2, 3], [4, 5, 6, 7], [8, 9]]
    result = icc_oneway(teams)
    values = np.concatenate([np.array(t, float) for t in teams])
    grand = values.mean()
    ssb = sum(len(t) * (np.mean(t) - grand) ** 2 for t in teams)
    ssw = sum(((np.array(t) - np.mean(t)) ** 2).sum() for t in teams)
    msb, msw, k = ssb / 2, ssw / 6, 3.0
    assert result.msb == pytest.approx(msb)
    assert result.msw == pytest.approx(msw)
    assert result.icc1 == pytest.approx((msb - msw) / (msb + (k - 1) * msw))
    assert result.icc2 == pytest.approx((msb - msw) / msb)


def test_oneway_icc_needs_two_groups():
    """One team has no between-team variance to speak of: ICCs are None with the reason."""
    result = icc_oneway([[1, 2, 3]])
    assert result.icc1 is None
    assert result.icc2 is None
    assert "two groups" in result.reasons[0]
    assert icc_oneway([[1], [2]]).icc1 is None
    assert math.isnan(icc_oneway([[1], [2]]).msw)


# --- reverse scoring --------------------------------------------------------------------------


def test_reverse_score():
    """x' = (A + 1) − x: on 7 points 1↔7 and 4 stays 4; NaN stays missing."""
    result = reverse_score([1, 4, 7, np.nan], points=7)
    assert result[:3].tolist() == [7.0, 4.0, 1.0]
    assert np.isnan(result[3])
