"""Psychometrics for survey scales: reliability, agreement within a group, and ICCs.

Every survey result Accord shows rests on these (../shared/METRICS.md §4, docs/methods.md):

- Cronbach's alpha with a Feldt confidence interval and an explicit missing-data policy
  (listwise: complete rows only; pairwise: each covariance from the rows that answered both
  items, pingouin's approach).
- McDonald's omega total for one factor, loadings from iterated principal-axis factoring of
  the correlation matrix (which converges to the minres / unweighted least-squares solution).
- rwg and rwg(j) (James, Demaree & Wolf 1984) against the uniform "no agreement" null.
- ICC(1) and ICC(2) from a one-way ANOVA with team as factor (Bliese 2000), and the six
  Shrout & Fleiss (1979) ICCs for a complete targets × judges table.
- Reverse scoring ``x' = (A + 1) − x``.

Plain arrays in, frozen results out; nothing here imports Django. Missing answers are NaN.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

MissingPolicy = Literal["pairwise", "listwise"]

# Principal-axis iterations stop when no communality moves by more than this.
OMEGA_TOLERANCE = 1e-9
OMEGA_MAX_ITERATIONS = 1000
# A communality is capped just under 1 (a Heywood case would make a uniqueness negative).
COMMUNALITY_CAP = 0.995


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha of one administration, with its Feldt interval.

    ``n`` is the number of rows the policy used (listwise: complete rows; pairwise: every
    row, as pingouin counts them), ``k`` the number of items. ``alpha`` is None when it is
    undefined (fewer than two usable rows, or no variance in the total)."""

    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    k: int
    missing: MissingPolicy
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Icc:
    """One-way ICCs across groups (teams), with the ANOVA pieces they come from."""

    icc1: float | None
    icc2: float | None
    k_mean: float
    msb: float
    msw: float
    groups: int = 0
    n: int = 0
    reasons: tuple[str, ...] = ()


def _matrix(data: ArrayLike) -> NDArray[np.float64]:
    values = np.asarray(data, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError("expected a two-dimensional array: one row per respondent")
    return values


def _pairwise_covariance(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Covariances from pairwise-complete rows, ddof = 1 (what pandas ``DataFrame.cov`` does)."""
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    weights = present.astype(np.float64)
    # For each pair (i, j): counts, sums of x_i and x_j over rows where both are present.
    pair_n = weights.T @ weights
    sum_i = filled.T @ weights  # [i, j] = Σ x_i over rows where i and j are present
    sum_j = sum_i.T
    cross = filled.T @ filled
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (cross - sum_i * sum_j / pair_n) / (pair_n - 1)
    cov[pair_n < 2] = np.nan
    result: NDArray[np.float64] = cov
    return result


# Cronbach 1951: α = k/(k−1) · (1 − Σ var(item_i) / var(total)), computed from the item
# covariance matrix C as k/(k−1) · (1 − trace(C)/ΣC), ddof = 1. Feldt (1965) interval:
# 1 − (1 − α)·F_{γ/2}(n−1, (n−1)(k−1)) to 1 − (1 − α)·F_{1−γ/2}(...) with upper-tail F.
# Pairwise policy: C from pairwise-complete rows and n = all rows (pingouin 0.5+ behaviour).
def cronbach_alpha(
    data: ArrayLike,
    *,
    missing: MissingPolicy = "listwise",
    confidence: float = 0.95,
) -> Alpha:
    values = _matrix(data)
    k = values.shape[1]
    if k < 2:
        raise ValueError("Cronbach's alpha needs at least two items")
    if missing == "listwise":
        values = values[~np.isnan(values).any(axis=1)]
        policy = "listwise: only rows that answered every item"
    elif missing == "pairwise":
        policy = "pairwise: each covariance from the rows that answered both items"
    else:
        raise ValueError(f"unknown missing-data policy {missing!r}")
    n = int(values.shape[0])
    reasons = [f"Cronbach's alpha over {k} items and {n} rows ({policy})."]
    if n < 2:
        reasons.append("Fewer than two usable rows: alpha is undefined.")
        return Alpha(None, None, None, n, k, missing, tuple(reasons))
    if missing == "listwise":
        cov = np.atleast_2d(np.cov(values, rowvar=False, ddof=1))
    else:
        cov = _pairwise_covariance(values)
    total = float(np.nansum(cov))
    if not np.isfinite(cov).all() or total <= 0:
        reasons.append("The total score does not vary (or items never overlap): undefined.")
        return Alpha(None, None, None, n, k, missing, tuple(reasons))
    alpha = k / (k - 1) * (1 - float(np.trace(cov)) / total)
    tail = (1 - confidence) / 2
    df1 = n - 1
    df2 = df1 * (k - 1)
    low = 1 - (1 - alpha) * float(stats.f.isf(tail, df1, df2))
    high = 1 - (1 - alpha) * float(stats.f.isf(1 - tail, df1, df2))
    reasons.append(f"Feldt {confidence:.0%} interval {low:.3f} to {high:.3f}.")
    return Alpha(alpha, low, high, n, k, missing, tuple(reasons))


def _correlation(values: NDArray[np.float64]) -> NDArray[np.float64] | None:
    complete = values[~np.isnan(values).any(axis=1)]
    if complete.shape[0] < 3:
        return None
    spread = complete.std(axis=0, ddof=1)
    if (spread == 0).any():
        return None
    corr = np.asarray(np.corrcoef(complete, rowvar=False), dtype=np.float64)
    return corr


def factor_loadings(corr: ArrayLike) -> NDArray[np.float64]:
    """One-factor loadings by iterated principal-axis factoring of a correlation matrix.

    Start from squared multiple correlations as communalities, take the first eigenvector of
    the reduced matrix, update communalities to λ², repeat until stable (Harman 1976); the
    fixed point is the minres / ULS solution. Loadings are signed so that their sum is
    positive."""
    matrix = np.array(corr, dtype=np.float64)
    k = matrix.shape[0]
    try:
        # A near-singular matrix can put a zero on the inverse's diagonal; the clip below
        # turns the resulting -inf into a zero communality, so the warning says nothing new.
        with np.errstate(divide="ignore"):
            smc = 1 - 1 / np.diag(np.linalg.inv(matrix))
    except np.linalg.LinAlgError:
        smc = np.max(np.abs(matrix - np.eye(k)), axis=0)
    communality = np.clip(smc, 0.0, COMMUNALITY_CAP)
    loadings = np.sqrt(communality)
    for _ in range(OMEGA_MAX_ITERATIONS):
        reduced = matrix.copy()
        np.fill_diagonal(reduced, communality)
        eigenvalues, eigenvectors = np.linalg.eigh(reduced)
        top = max(float(eigenvalues[-1]), 0.0)
        loadings = eigenvectors[:, -1] * math.sqrt(top)
        updated = np.clip(loadings**2, 0.0, COMMUNALITY_CAP)
        if np.max(np.abs(updated - communality)) < OMEGA_TOLERANCE:
            communality = updated
            break
        communality = updated
    if loadings.sum() < 0:
        loadings = -loadings
    result: NDArray[np.float64] = loadings
    return result


# McDonald 1999: ω_total = (Σλ)² / ((Σλ)² + Σθ) for one factor, θ_i = 1 − λ_i² on the
# standardised items; λ from iterated principal-axis factoring (see factor_loadings),
# complete rows only.
def omega_total(data: ArrayLike) -> float | None:
    values = _matrix(data)
    if values.shape[1] < 2:
        raise ValueError("omega needs at least two items")
    corr = _correlation(values)
    if corr is None:
        return None
    loadings = factor_loadings(corr)
    common = float(loadings.sum()) ** 2
    unique = float(np.sum(1 - loadings**2))
    if common + unique <= 0:
        return None
    return common / (common + unique)


def _uniform_variance(points: int) -> float:
    if points < 2:
        raise ValueError("a scale needs at least two points")
    return (points**2 - 1) / 12


# James, Demaree & Wolf 1984: rwg = 1 − s²/σ²_EU, σ²_EU = (A² − 1)/12 for an A-point scale
# (uniform null), s² with ddof = 1; truncated at 0 when s² > σ²_EU (LeBreton & Senter 2008).
def rwg(values: ArrayLike, *, points: int) -> float:
    ratings = np.asarray(values, dtype=np.float64)
    ratings = ratings[~np.isnan(ratings)]
    if ratings.size < 2:
        raise ValueError("rwg needs at least two ratings")
    variance = float(np.var(ratings, ddof=1))
    return max(0.0, 1 - variance / _uniform_variance(points))


# James, Demaree & Wolf 1984: rwg(j) = J(1 − s̄²/σ²_EU) / (J(1 − s̄²/σ²_EU) + s̄²/σ²_EU),
# s̄² = mean of the J item variances (ddof = 1, each over the raters who answered it); set to
# 0 when s̄² > σ²_EU, as LeBreton & Senter 2008 recommend.
def rwg_j(rows: ArrayLike, *, points: int) -> float:
    values = _matrix(rows)
    answered = (~np.isnan(values)).sum(axis=0)
    if (answered < 2).any():
        raise ValueError("rwg(j) needs at least two ratings of every item")
    mean_variance = float(np.mean(np.nanvar(values, axis=0, ddof=1)))
    ratio = mean_variance / _uniform_variance(points)
    if ratio >= 1:
        return 0.0
    j = int(values.shape[1])
    agreement = j * (1 - ratio)
    return float(agreement / (agreement + ratio))


# One-way ANOVA with the group (team) as factor (Bliese 2000):
# ICC(1) = (MSB − MSW)/(MSB + (k − 1)·MSW), ICC(2) = (MSB − MSW)/MSB, k = average group size.
# ICC(1): share of variance due to team membership; ICC(2): reliability of team means.
def icc_oneway(groups: Sequence[Sequence[float]]) -> Icc:
    cleaned = [np.asarray(g, dtype=np.float64) for g in groups]
    cleaned = [g[~np.isnan(g)] for g in cleaned]
    cleaned = [g for g in cleaned if g.size]
    sizes = np.array([g.size for g in cleaned], dtype=np.float64)
    n = int(sizes.sum())
    count = len(cleaned)
    k_mean = float(sizes.mean()) if count else 0.0
    if count < 2 or n - count < 1:
        reason = (
            "ICC needs at least two groups."
            if count < 2
            else "ICC needs at least one group with two or more members."
        )
        return Icc(None, None, k_mean, math.nan, math.nan, count, n, (reason,))
    grand = float(np.concatenate(cleaned).mean())
    means = np.array([g.mean() for g in cleaned])
    ssb = float(np.sum(sizes * (means - grand) ** 2))
    ssw = float(sum(float(np.sum((g - g.mean()) ** 2)) for g in cleaned))
    msb = ssb / (count - 1)
    msw = ssw / (n - count)
    reasons = [
        f"One-way ANOVA over {count} groups and {n} people: MSB {msb:.4f}, MSW {msw:.4f}, "
        f"average group size {k_mean:.2f}."
    ]
    denominator = msb + (k_mean - 1) * msw
    icc1 = (msb - msw) / denominator if denominator > 0 else None
    icc2 = (msb - msw) / msb if msb > 0 else None
    if icc1 is None or icc2 is None:
        reasons.append("No variance between or within groups: undefined.")
    return Icc(icc1, icc2, k_mean, msb, msw, count, n, tuple(reasons))


# Shrout & Fleiss 1979, targets × judges, complete table; BMS, JMS, EMS, WMS from two-way
# ANOVA: ICC1 = (BMS−WMS)/(BMS+(k−1)WMS); ICC2 = (BMS−EMS)/(BMS+(k−1)EMS+k(JMS−EMS)/n);
# ICC3 = (BMS−EMS)/(BMS+(k−1)EMS); ICC1k = (BMS−WMS)/BMS; ICC2k = (BMS−EMS)/(BMS+(JMS−EMS)/n);
# ICC3k = (BMS−EMS)/BMS.
def icc_shrout_fleiss(matrix: ArrayLike) -> dict[str, float]:
    values = _matrix(matrix)
    if np.isnan(values).any():
        raise ValueError("the Shrout & Fleiss ICCs need a complete targets × judges table")
    n, k = values.shape
    if n < 2 or k < 2:
        raise ValueError("need at least two targets and two judges")
    grand = values.mean()
    ss_total = float(np.sum((values - grand) ** 2))
    ss_targets = float(k * np.sum((values.mean(axis=1) - grand) ** 2))
    ss_judges = float(n * np.sum((values.mean(axis=0) - grand) ** 2))
    ss_error = ss_total - ss_targets - ss_judges
    bms = ss_targets / (n - 1)
    jms = ss_judges / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    wms = (ss_judges + ss_error) / (n * (k - 1))
    return {
        "ICC1": (bms - wms) / (bms + (k - 1) * wms),
        "ICC2": (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n),
        "ICC3": (bms - ems) / (bms + (k - 1) * ems),
        "ICC1k": (bms - wms) / bms,
        "ICC2k": (bms - ems) / (bms + (jms - ems) / n),
        "ICC3k": (bms - ems) / bms,
    }


# Reverse scoring on an A-point scale starting at 1: x' = (A + 1) − x.
def reverse_score(values: ArrayLike, *, points: int) -> NDArray[np.float64]:
    scored: NDArray[np.float64] = (points + 1) - np.asarray(values, dtype=np.float64)
    return scored
