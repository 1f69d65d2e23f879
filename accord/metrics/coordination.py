"""Coordination between functions: relational coordination scored into a directed matrix.

Relational coordination (Gittell 2002, *Management Science* 48(11); Gittell et al. 2000,
*Medical Care* 38(8)) has seven dimensions, rated by the members of one function *about each
other function* on a 1–5 scale: frequent, timely, accurate and problem-solving communication
(the communication sub-index) and shared goals, shared knowledge and mutual respect (the
relationship sub-index). See ../shared/METRICS.md §1 and docs/methods.md.

Scoring, exactly as ``accord survey-score`` documents it:

- Frequency is scored on adequacy, not amount: the five answers in display order (not nearly
  enough, not enough, just the right amount, too often, much too often) score 1, 3, 5, 4, 2.
- A row (one respondent about one group) scores the mean of its available items.
- ``RC[r, g]``: the mean of respondent r's rows about group g (usually one row).
- The directed tie A→B: the mean of ``RC[r, B]`` over respondents r in A who rated B, with n
  the number of those respondents; a cell with n below the minimum group is suppressed. The
  matrix is not symmetric; the diagonal (a function about itself) is also given apart.
- Overall: the mean over respondents of each respondent's mean over the groups they rated;
  the communication and relationship sub-indices the same over items 1–4 and 5–7.
- Dimension means: each item's mean over all rows that answered it.
- Cronbach's alpha over the seven items, complete rows only (listwise).

Vectorised (integer codes, numpy bincounts): a million rows score in about a second.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from accord.metrics.psychometrics import cronbach_alpha, omega_total

DIMENSIONS = (
    "frequent",
    "timely",
    "accurate",
    "problem_solving",
    "shared_goals",
    "shared_knowledge",
    "mutual_respect",
)
COMMUNICATION = DIMENSIONS[:4]
RELATIONSHIP = DIMENSIONS[4:]

# Score of the frequency answer by display position 1..5: not nearly enough, not enough,
# just the right amount, too often, much too often (adequacy scoring, Gittell 2002).
FREQUENCY_SCORES = (1, 3, 5, 4, 2)
FREQUENCY_LABELS = (
    "not nearly enough",
    "not enough",
    "just the right amount",
    "too often",
    "much too often",
)
SCALE_POINTS = 5
DEFAULT_MIN_GROUP = 5

Labels = Sequence[str] | NDArray[Any] | pl.Series


@dataclass(frozen=True)
class Cell:
    """One directed tie: the score, how many distinct respondents it rests on, and whether it
    is withheld (score None) because fewer than the minimum group answered."""

    score: float | None
    n: int
    suppressed: bool

    def as_json(self) -> dict[str, Any]:
        return {"score": self.score, "n": self.n, "suppressed": self.suppressed}


@dataclass(frozen=True)
class CoordinationResult:
    respondents: int
    groups: list[str]
    matrix: dict[str, dict[str, Cell]]  # rater group → rated group → cell (diagonal included)
    overall: float | None
    communication: float | None
    relationship: float | None
    dimensions: dict[str, float | None]
    cronbach_alpha: float | None
    within: dict[str, Cell] = field(default_factory=dict)  # the diagonal, reported apart
    alpha_ci: tuple[float, float] | None = None  # Feldt 95 % interval, listwise
    omega: float | None = None  # McDonald's omega total, one factor, complete rows
    rows: int = 0
    complete_rows: int = 0  # rows with all seven items (the rows alpha uses)
    min_group: int = DEFAULT_MIN_GROUP
    reasons: tuple[str, ...] = ()

    def between(self) -> dict[str, dict[str, Cell]]:
        """The matrix without its diagonal (ties between different functions)."""
        return {
            rater: {rated: cell for rated, cell in row.items() if rated != rater}
            for rater, row in self.matrix.items()
        }

    def as_json(self) -> dict[str, Any]:
        """The shape `accord survey-score --json` prints."""
        return {
            "respondents": self.respondents,
            "groups": list(self.groups),
            "matrix": {
                rater: {rated: cell.as_json() for rated, cell in row.items()}
                for rater, row in self.matrix.items()
            },
            "overall": self.overall,
            "communication": self.communication,
            "relationship": self.relationship,
            "dimensions": dict(self.dimensions),
            "cronbach_alpha": self.cronbach_alpha,
        }


# Adequacy scoring of frequency (Gittell 2002): display positions 1..5 → 1, 3, 5, 4, 2.
def frequency_score(positions: ArrayLike) -> NDArray[np.float64]:
    """Scores for frequency answers given as display positions 1–5 (NaN stays NaN)."""
    values = np.asarray(positions, dtype=np.float64)
    lookup = np.array((np.nan, *FREQUENCY_SCORES), dtype=np.float64)
    given = values[~np.isnan(values)]
    if given.size and (
        (given < 1).any() or (given > SCALE_POINTS).any() or (given != np.round(given)).any()
    ):
        raise ValueError("frequency answers must be positions 1 to 5")
    index = np.where(np.isnan(values), 0, values).astype(np.int64)
    scored: NDArray[np.float64] = lookup[index]
    return scored


def coordination_items_score(positions: ArrayLike) -> NDArray[np.float64]:
    """An n×7 array of display positions (1–5, NaN missing) → scored items: the frequency
    column recoded by adequacy, the other six kept as they are (1 = worst, 5 = best)."""
    values = np.array(positions, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(DIMENSIONS):
        raise ValueError(f"expected {len(DIMENSIONS)} item columns: {', '.join(DIMENSIONS)}")
    values[:, 0] = frequency_score(values[:, 0])
    return values


def _labels(values: Labels, name: str, length: int) -> pl.Series:
    if isinstance(values, pl.Series):
        series = values.cast(pl.String).rename(name)
    elif isinstance(values, np.ndarray):
        series = pl.Series(name, values.astype(str), dtype=pl.String)
    else:
        series = pl.Series(name, list(values), dtype=pl.String)
    if series.len() != length:
        raise ValueError(f"{name} has {series.len()} values, expected {length}")
    if series.null_count():
        raise ValueError(f"{name} has missing labels")
    return series


def _row_means(items: NDArray[np.float64]) -> NDArray[np.float64]:
    present = ~np.isnan(items)
    counts = present.sum(axis=1)
    totals = np.where(present, items, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means: NDArray[np.float64] = np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
    return means


def _float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else number


def _codes(series: pl.Series) -> tuple[NDArray[np.int64], list[str]]:
    """Dense integer codes in sorted label order, and the sorted labels."""
    codes = series.rank("dense").to_numpy().astype(np.int64) - 1
    labels = series.unique().sort().to_list()
    return codes, labels


@dataclass(frozen=True)
class _Pairs:
    """RC[r, g] for every (respondent, rated group) pair, as parallel arrays."""

    respondent: NDArray[np.int64]  # code into respondents
    source: NDArray[np.int64]  # code into groups (the respondent's group)
    target: NDArray[np.int64]  # code into groups
    score: NDArray[np.float64]  # NaN where the pair's rows answered nothing
    communication: NDArray[np.float64]
    relationship: NDArray[np.float64]
    respondents: list[str]
    groups: list[str]
    scored: NDArray[np.float64]  # the row-level items, for dimension means and reliability


def _grouped_mean(
    index: NDArray[np.int64], values: NDArray[np.float64], size: int
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Mean and count of the non-NaN values per index (bincount: sums in input order)."""
    valid = ~np.isnan(values)
    counts = np.bincount(index[valid], minlength=size)
    sums = np.bincount(index[valid], weights=values[valid], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means: NDArray[np.float64] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return means, counts


def _pairs(respondent: Labels, source: Labels, target: Labels, items: ArrayLike) -> _Pairs:
    """Validate the rows and average each respondent's rows about one group (RC[r, g])."""
    scored = np.asarray(items, dtype=np.float64)
    if scored.ndim != 2 or scored.shape[1] != len(DIMENSIONS):
        raise ValueError(f"items must be an n×{len(DIMENSIONS)} array")
    answered = scored[~np.isnan(scored)]
    if answered.size and (answered.min() < 1 or answered.max() > SCALE_POINTS):
        raise ValueError("scored items must lie between 1 and 5")
    rows = scored.shape[0]
    people, respondents = _codes(_labels(respondent, "respondent", rows))
    sources = _labels(source, "source", rows)
    targets = _labels(target, "target", rows)
    both, groups = _codes(pl.concat([sources, targets.rename("source")]))
    rater_group, rated_group = both[:rows], both[rows:]
    count, width = len(respondents), max(len(groups), 1)

    # One respondent, one group: the smallest and largest group code per respondent agree.
    lowest = np.full(count, np.iinfo(np.int64).max)
    highest = np.full(count, -1)
    np.minimum.at(lowest, people, rater_group)
    np.maximum.at(highest, people, rater_group)
    split = np.flatnonzero(lowest != highest)
    if split.size:
        raise ValueError(f"respondent {respondents[split[0]]!r} is listed in more than one group")

    keys, pair = np.unique(people * width + rated_group, return_inverse=True)
    means = {
        name: _grouped_mean(pair, _row_means(scored[:, columns]), keys.size)[0]
        for name, columns in (
            ("score", slice(None)),
            ("communication", slice(0, 4)),
            ("relationship", slice(4, 7)),
        )
    }
    pair_respondent = keys // width
    return _Pairs(
        respondent=pair_respondent,
        source=lowest[pair_respondent] if count else pair_respondent,
        target=keys % width,
        score=means["score"],
        communication=means["communication"],
        relationship=means["relationship"],
        respondents=respondents,
        groups=groups,
        scored=scored,
    )


def _respondent_mean(pairs: _Pairs, values: NDArray[np.float64]) -> tuple[float | None, int]:
    """Mean over respondents of each respondent's mean over the groups they rated."""
    per_respondent, counts = _grouped_mean(pairs.respondent, values, len(pairs.respondents))
    rated = counts > 0
    if not rated.any():
        return None, 0
    return float(per_respondent[rated].mean()), int(rated.sum())


# RC[r, g] (Gittell 2002): the mean of respondent r's row scores about group g, where a row
# scores the mean of its available items; likewise over items 1–4 and 5–7.
def coordination_respondent_scores(
    *, respondent: Labels, source: Labels, target: Labels, items: ArrayLike
) -> pl.DataFrame:
    """One row per (respondent, rated group): respondent, source, target, score,
    communication, relationship (null where nothing was answered), sorted by source, target
    and respondent.

    Individual-level values: for computing intervals (survey_change.mean_change on a tie's
    values in two cycles), never for display."""
    pairs = _pairs(respondent, source, target, items)
    respondents = np.array(pairs.respondents, dtype=object)
    groups = np.array(pairs.groups, dtype=object)
    frame = pl.DataFrame(
        {
            "respondent": pl.Series(respondents[pairs.respondent].tolist(), dtype=pl.String),
            "source": pl.Series(groups[pairs.source].tolist(), dtype=pl.String),
            "target": pl.Series(groups[pairs.target].tolist(), dtype=pl.String),
            "score": pl.Series(pairs.score).fill_nan(None),
            "communication": pl.Series(pairs.communication).fill_nan(None),
            "relationship": pl.Series(pairs.relationship).fill_nan(None),
        }
    )
    return frame.sort("source", "target", "respondent")


# Gittell 2002 / Gittell et al. 2000 relational coordination, scored as the module docstring
# states: row = mean of available items; RC[r,g] = mean of r's rows about g; tie A→B = mean of
# RC[r,B] over r in A (n distinct respondents, suppressed when n < min_group); overall = mean
# over respondents of their mean RC over rated groups; alpha listwise over the seven items.
def coordination_score(
    *,
    respondent: Labels,
    source: Labels,
    target: Labels,
    items: ArrayLike,
    min_group: int = DEFAULT_MIN_GROUP,
    groups: Sequence[str] | None = None,
) -> CoordinationResult:
    """Score relational-coordination answers.

    ``respondent``, ``source`` (the respondent's group) and ``target`` (the group rated) are
    one label per row; ``items`` is an n×7 array of scored items (frequency already recoded,
    1–5, NaN missing). ``groups`` fixes the matrix's groups and their order; by default the
    sorted union of rater and rated groups. A respondent listed in two groups is an error."""
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    pairs = _pairs(respondent, source, target, items)
    scored = pairs.scored
    rows = scored.shape[0]
    if groups is None:
        group_list = pairs.groups
    else:
        group_list = list(dict.fromkeys(groups))
        unknown = sorted(set(pairs.groups) - set(group_list))
        if unknown:
            raise ValueError(f"groups not in the given list: {', '.join(unknown)}")

    width = max(len(pairs.groups), 1)
    cell_means, cell_counts = _grouped_mean(
        pairs.source * width + pairs.target, pairs.score, width * width
    )
    overall, respondents = _respondent_mean(pairs, pairs.score)
    communication, _ = _respondent_mean(pairs, pairs.communication)
    relationship, _ = _respondent_mean(pairs, pairs.relationship)

    found = {
        (rater, rated): (float(cell_means[i * width + j]), int(cell_counts[i * width + j]))
        for i, rater in enumerate(pairs.groups)
        for j, rated in enumerate(pairs.groups)
    }
    matrix: dict[str, dict[str, Cell]] = {}
    for rater in group_list:
        matrix[rater] = {}
        for rated in group_list:
            mean, n = found.get((rater, rated), (math.nan, 0))
            suppressed = n < min_group
            matrix[rater][rated] = Cell(None if suppressed else _float(mean), n, suppressed)
    within = {group: matrix[group][group] for group in group_list}

    with np.errstate(invalid="ignore"):
        dimension_means = {
            name: _float(np.nanmean(scored[:, i])) if (~np.isnan(scored[:, i])).any() else None
            for i, name in enumerate(DIMENSIONS)
        }
    complete = int((~np.isnan(scored).any(axis=1)).sum())
    reliability = cronbach_alpha(scored, missing="listwise") if complete >= 2 else None
    alpha = reliability.alpha if reliability else None
    alpha_ci = (
        (reliability.ci_low, reliability.ci_high)
        if reliability and reliability.ci_low is not None and reliability.ci_high is not None
        else None
    )

    withheld = sum(
        1 for row in matrix.values() for cell in row.values() if cell.suppressed and cell.n
    )
    reasons = [
        f"{respondents} respondents in {len(group_list)} groups gave {rows} rows.",
        f"Cells rated by fewer than {min_group} respondents are withheld ({withheld} cells).",
        f"Cronbach's alpha over {complete} complete rows (listwise).",
    ]
    return CoordinationResult(
        respondents=respondents,
        groups=group_list,
        matrix=matrix,
        overall=overall,
        communication=communication,
        relationship=relationship,
        dimensions=dimension_means,
        cronbach_alpha=_float(alpha),
        within=within,
        alpha_ci=alpha_ci,
        omega=omega_total(scored) if complete >= 3 else None,
        rows=rows,
        complete_rows=complete,
        min_group=min_group,
        reasons=tuple(reasons),
    )
