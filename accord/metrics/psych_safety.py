"""Team psychological safety: team scores that are only called team scores when members agree.

Edmondson 1999 (*ASQ* 44(2)): seven items, three of them negatively worded and reverse-scored
(``x' = (A + 1) − x`` on an A-point scale, 7 in the original, 5 common). Which items are
reversed comes from the item definitions, never from their position (../shared/METRICS.md §2).

A team's score is the mean of its respondents' means. Before it is read as a property of the
team, within-team agreement is checked with rwg(j) (James, Demaree & Wolf 1984) against the
conventional 0.70 cut-off (LeBreton & Senter 2008, *Organizational Research Methods* 11(4));
with several teams, ICC(1) and ICC(2) from a one-way ANOVA of respondent means say how much of
the variance lies between teams and how reliable the team means are (Bliese 2000).

Plain arrays in, frozen results with reasons out; nothing here imports Django.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from accord.metrics.psychometrics import icc_oneway, reverse_score, rwg_j

ITEMS = 7
# LeBreton & Senter 2008: rwg(j) ≥ 0.70 is the conventional floor for "strong enough agreement".
AGREEMENT_THRESHOLD = 0.70
NOT_ENOUGH_AGREEMENT = "not enough agreement to treat as a team score"


@dataclass(frozen=True)
class TeamScore:
    mean: float | None  # on the 1..points scale, after reverse scoring
    n: int  # respondents with at least one answer
    rwg_j: float | None
    agreement_ok: bool
    reasons: tuple[str, ...] = ()
    points: int = 7


@dataclass(frozen=True)
class TeamsResult:
    teams: dict[str, TeamScore]
    icc1: float | None
    icc2: float | None
    reasons: tuple[str, ...] = ()


def psych_safety_scored(
    rows: ArrayLike, *, points: int, reverse: Sequence[bool]
) -> NDArray[np.float64]:
    """Answers as given (1..points, NaN missing) → scored, reverse items flipped."""
    values = np.array(rows, dtype=np.float64)
    if values.ndim != 2:
        values = values.reshape(-1, len(reverse))
    if values.shape[1] != len(reverse):
        raise ValueError(f"expected {len(reverse)} items per row, got {values.shape[1]}")
    answered = values[~np.isnan(values)]
    if answered.size and (answered.min() < 1 or answered.max() > points):
        raise ValueError(f"answers must lie between 1 and {points}")
    flip = np.asarray(reverse, dtype=bool)
    values[:, flip] = reverse_score(values[:, flip], points=points)
    return values


def _respondent_means(scored: NDArray[np.float64]) -> NDArray[np.float64]:
    answered = ~np.isnan(scored).all(axis=1)
    kept = scored[answered]
    means: NDArray[np.float64] = np.nanmean(kept, axis=1) if kept.size else np.empty(0)
    return means


# Edmondson 1999: team score = mean over respondents of their mean over the 7 items after
# reverse scoring (x' = A + 1 − x). Agreement: rwg(j) (James, Demaree & Wolf 1984) with the
# uniform null σ²_EU = (A² − 1)/12; a team score needs rwg(j) ≥ 0.70 (LeBreton & Senter 2008).
def psych_safety_team(rows: ArrayLike, *, points: int, reverse: Sequence[bool]) -> TeamScore:
    scored = psych_safety_scored(rows, points=points, reverse=reverse)
    scored = scored[~np.isnan(scored).all(axis=1)]
    means = _respondent_means(scored)
    n = int(means.size)
    reversed_items = [str(i + 1) for i, flip in enumerate(reverse) if flip]
    reasons = [
        f"{n} respondents on a {points}-point scale; items "
        f"{', '.join(reversed_items) or 'none'} reverse-scored as {points + 1} − x.",
    ]
    if n == 0:
        return TeamScore(None, 0, None, False, (*reasons, "No answers."), points)
    mean = float(means.mean())
    reasons.append(f"Team mean {mean:.2f}: the mean of each respondent's mean.")
    agreement: float | None = None
    if n >= 2 and ((~np.isnan(scored)).sum(axis=0) >= 2).all():
        agreement = rwg_j(scored, points=points)
    if agreement is None:
        reasons.append(
            f"Agreement cannot be checked with fewer than two answers per item: "
            f"{NOT_ENOUGH_AGREEMENT}."
        )
        return TeamScore(mean, n, None, False, tuple(reasons), points)
    ok = agreement >= AGREEMENT_THRESHOLD
    if ok:
        reasons.append(
            f"rwg(j) {agreement:.2f} ≥ {AGREEMENT_THRESHOLD:.2f}: members agree enough to read "
            "the mean as the team's (LeBreton & Senter 2008)."
        )
    else:
        reasons.append(
            f"rwg(j) {agreement:.2f} < {AGREEMENT_THRESHOLD:.2f}: {NOT_ENOUGH_AGREEMENT} "
            "(LeBreton & Senter 2008); read the spread, not the mean."
        )
    return TeamScore(mean, n, agreement, ok, tuple(reasons), points)


# Per team as psych_safety_team; across teams ICC(1)/ICC(2) from a one-way ANOVA of the
# respondent means with team as factor (Bliese 2000), only when there are two or more teams.
def psych_safety_teams(
    teams: Mapping[str, ArrayLike], *, points: int, reverse: Sequence[bool]
) -> TeamsResult:
    scores = {
        name: psych_safety_team(rows, points=points, reverse=reverse)
        for name, rows in teams.items()
    }
    groups = [
        _respondent_means(psych_safety_scored(rows, points=points, reverse=reverse)).tolist()
        for rows in teams.values()
    ]
    groups = [g for g in groups if g]
    if len(groups) < 2:
        return TeamsResult(
            scores, None, None, ("ICC(1)/ICC(2) need at least two teams with answers.",)
        )
    icc = icc_oneway(groups)
    reasons = list(icc.reasons)
    if icc.icc1 is not None and icc.icc2 is not None:
        reasons.append(
            f"ICC(1) {icc.icc1:.2f}: share of the variance due to the team; "
            f"ICC(2) {icc.icc2:.2f}: reliability of the team means (Bliese 2000)."
        )
    return TeamsResult(scores, icc.icc1, icc.icc2, tuple(reasons))
