"""Team psychological safety: reverse scoring by item definition, agreement, ICCs."""

import math

import numpy as np
import pytest

from accord.metrics.psych_safety import (
    AGREEMENT_THRESHOLD,
    NOT_ENOUGH_AGREEMENT,
    psych_safety_scored,
    psych_safety_team,
    psych_safety_teams,
)
from accord.metrics.psychometrics import icc_oneway, rwg_j

NAN = math.nan
# Negatively worded items keyed by definition; here items 1, 3 and 5 (1-based).
REVERSE = [True, False, True, False, True, False, False]


def test_reverse_items_are_flipped_by_definition_not_position():
    """x' = (A + 1) − x on the flagged items only; the flags travel with the items."""
    scored = psych_safety_scored([[1, 1, 7, 7, 2, 3, NAN]], points=7, reverse=REVERSE)
    assert scored[0, :6].tolist() == [7, 1, 1, 7, 6, 3]
    assert np.isnan(scored[0, 6])
    other = [False, True, False, False, False, False, True]
    assert psych_safety_scored([[1] * 7], points=5, reverse=other)[0].tolist() == [
        1, 5, 1, 1, 1, 1, 5,
    ]  # fmt: skip


def test_answers_outside_the_scale_are_refused():
    """A 6 on a 5-point scale is an error, not a score."""
    with pytest.raises(ValueError, match="between 1 and 5"):
        psych_safety_scored([[6, 1, 1, 1, 1, 1, 1]], points=5, reverse=REVERSE)
    with pytest.raises(ValueError, match="expected 7 items"):
        psych_safety_scored([[1, 2]], points=5, reverse=REVERSE)


def test_team_mean_is_the_mean_of_respondent_means():
    """Each respondent's mean first (their missing items skipped), then the team's mean."""
    rows = [
        [2, 6, 2, 6, 2, 6, 6],  # all 6 after reverse scoring
        [4, 4, 4, 4, 4, 4, NAN],  # 4
        [1, 7, 1, 7, 1, 7, 7],  # all 7
    ]
    team = psych_safety_team(rows, points=7, reverse=REVERSE)
    assert team.mean == pytest.approx((6 + 4 + 7) / 3)
    assert team.n == 3
    scored = psych_safety_scored(rows, points=7, reverse=REVERSE)
    assert team.rwg_j == pytest.approx(rwg_j(scored, points=7))
    assert "items 1, 3, 5 reverse-scored as 8 − x" in team.reasons[0]


def test_agreeing_team_reads_as_a_team_score():
    """rwg(j) ≥ 0.70: agreement_ok and the reason cites LeBreton & Senter (2008)."""
    rows = [[2, 6, 2, 6, 2, 6, 6], [2, 6, 3, 6, 2, 5, 6], [3, 6, 2, 5, 2, 6, 6]]
    team = psych_safety_team(rows, points=7, reverse=REVERSE)
    assert team.rwg_j >= AGREEMENT_THRESHOLD
    assert team.agreement_ok is True
    assert "LeBreton & Senter 2008" in team.reasons[-1]


def test_split_team_says_not_enough_agreement():
    """A team split between 1s and 7s gets the plain-language warning."""
    rows = [[7, 1, 7, 1, 7, 1, 1], [1, 7, 1, 7, 1, 7, 7]] * 3
    team = psych_safety_team(rows, points=7, reverse=REVERSE)
    assert team.rwg_j == 0.0
    assert team.agreement_ok is False
    assert NOT_ENOUGH_AGREEMENT in team.reasons[-1]
    assert "0.70" in team.reasons[-1]


def test_single_respondent_cannot_show_agreement():
    """One person: a mean, but no rwg(j) and no team score."""
    team = psych_safety_team([[4] * 7], points=7, reverse=REVERSE)
    assert team.mean == 4
    assert team.rwg_j is None
    assert team.agreement_ok is False
    assert NOT_ENOUGH_AGREEMENT in team.reasons[-1]
    empty = psych_safety_team(np.empty((0, 7)), points=7, reverse=REVERSE)
    assert (empty.mean, empty.n) == (None, 0)


def test_several_teams_get_icc1_and_icc2():
    """ICCs come from a one-way ANOVA of respondent means with team as factor."""
    teams = {
        "North": [[2, 6, 2, 6, 2, 6, 6], [3, 6, 2, 6, 2, 5, 6], [2, 5, 2, 6, 3, 6, 6]],
        "South": [[5, 3, 5, 3, 5, 3, 3], [6, 3, 5, 2, 5, 3, 3], [5, 2, 6, 3, 5, 3, 2]],
    }
    result = psych_safety_teams(teams, points=7, reverse=REVERSE)
    means = {
        name: np.nanmean(psych_safety_scored(rows, points=7, reverse=REVERSE), axis=1).tolist()
        for name, rows in teams.items()
    }
    reference = icc_oneway(list(means.values()))
    assert result.icc1 == pytest.approx(reference.icc1)
    assert result.icc2 == pytest.approx(reference.icc2)
    assert result.icc1 > 0.5
    assert set(result.teams) == {"North", "South"}
    assert "Bliese 2000" in result.reasons[-1]


def test_one_team_gets_no_icc():
    """ICC needs at least two teams."""
    result = psych_safety_teams({"Only": [[4] * 7, [5] * 7]}, points=7, reverse=REVERSE)
    assert result.icc1 is None
    assert result.icc2 is None
    assert "two teams" in result.reasons[0]
