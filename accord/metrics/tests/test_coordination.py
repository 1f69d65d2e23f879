"""Relational coordination scoring: the matrix, its n and suppression, the indices, alpha."""

import math
import random
from collections import defaultdict
from statistics import mean

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.metrics.coordination import (
    COMMUNICATION,
    DIMENSIONS,
    FREQUENCY_LABELS,
    FREQUENCY_SCORES,
    RELATIONSHIP,
    Cell,
    coordination_items_score,
    coordination_respondent_scores,
    coordination_score,
    frequency_score,
)
from accord.metrics.psychometrics import cronbach_alpha, omega_total

NAN = math.nan


def score(rows, min_group=1, **kwargs):
    """rows: (respondent, source, target, seven scored items)."""
    return coordination_score(
        respondent=[r[0] for r in rows],
        source=[r[1] for r in rows],
        target=[r[2] for r in rows],
        items=np.array([r[3] for r in rows], dtype=float).reshape(-1, 7),
        min_group=min_group,
        **kwargs,
    )


def naive(rows, min_group):
    """A direct, loop-by-loop reading of the issue's definitions (the oracle)."""

    def row_mean(values, columns):
        present = [values[i] for i in columns if not math.isnan(values[i])]
        return mean(present) if present else None

    def index(columns):
        by_pair = defaultdict(list)
        for respondent, _, target, values in rows:
            value = row_mean(values, columns)
            if value is not None:
                by_pair[respondent, target].append(value)
        rc = {pair: mean(values) for pair, values in by_pair.items()}
        per_respondent = defaultdict(list)
        for (respondent, _), value in rc.items():
            per_respondent[respondent].append(value)
        overall = mean(mean(v) for v in per_respondent.values()) if per_respondent else None
        return rc, overall, len(per_respondent)

    rc, overall, respondents = index(range(7))
    group_of = {r[0]: r[1] for r in rows}
    cells = defaultdict(list)
    for (respondent, target), value in rc.items():
        cells[group_of[respondent], target].append(value)
    matrix = {
        pair: (None if len(values) < min_group else mean(values), len(values))
        for pair, values in cells.items()
    }
    dimensions = {}
    for i, name in enumerate(DIMENSIONS):
        present = [r[3][i] for r in rows if not math.isnan(r[3][i])]
        dimensions[name] = mean(present) if present else None
    return {
        "respondents": respondents,
        "matrix": matrix,
        "overall": overall,
        "communication": index(range(4))[1],
        "relationship": index(range(4, 7))[1],
        "dimensions": dimensions,
    }


# --- constants and frequency scoring ------------------------------------------------------------


def test_dimensions_and_sub_indices():
    """Seven dimensions, communication = the first four, relationship = the last three."""
    assert DIMENSIONS == (
        "frequent",
        "timely",
        "accurate",
        "problem_solving",
        "shared_goals",
        "shared_knowledge",
        "mutual_respect",
    )
    assert DIMENSIONS[:4] == COMMUNICATION
    assert DIMENSIONS[4:] == RELATIONSHIP


def test_frequency_scored_on_adequacy_as_metrics_md_tables_it():
    """METRICS.md §1 by label: not nearly enough 1, much too often 2, not enough 3,
    too often 4, just the right amount 5; the display order is the issue's."""
    by_label = dict(zip(FREQUENCY_LABELS, FREQUENCY_SCORES, strict=True))
    assert by_label == {
        "not nearly enough": 1,
        "much too often": 2,
        "not enough": 3,
        "too often": 4,
        "just the right amount": 5,
    }
    assert FREQUENCY_SCORES == (1, 3, 5, 4, 2)
    assert frequency_score([1, 2, 3, 4, 5]).tolist() == [1, 3, 5, 4, 2]
    assert np.isnan(frequency_score([NAN])[0])


def test_frequency_rejects_positions_outside_the_scale():
    """Positions are whole numbers 1–5."""
    for bad in ([0], [6], [2.5]):
        with pytest.raises(ValueError, match="positions 1 to 5"):
            frequency_score(bad)


def test_items_score_recodes_only_the_frequency_column():
    """The other six items are already oriented 1 = worst … 5 = best."""
    scored = coordination_items_score([[2, 2, 2, 2, 2, 2, 2], [5, 5, NAN, 1, 1, 1, 1]])
    assert scored[0].tolist() == [3, 2, 2, 2, 2, 2, 2]
    assert scored[1, 0] == 2
    assert np.isnan(scored[1, 2])
    with pytest.raises(ValueError, match="7 item columns"):
        coordination_items_score([[1, 2, 3]])


# --- worked example -----------------------------------------------------------------------------

ROWS = [
    # Sales rates Finance (r1 twice: averaged first), and itself.
    ("r1", "Sales", "Finance", [5, 5, 5, 5, 5, 5, 5]),
    ("r1", "Sales", "Finance", [3, 3, 3, 3, 3, 3, 3]),
    ("r2", "Sales", "Finance", [2, 2, 2, NAN, 2, 2, 2]),
    ("r1", "Sales", "Sales", [4, 4, 4, 4, 5, 5, 5]),
    ("r3", "Finance", "Sales", [1, 1, 1, 1, 1, 1, 1]),
    ("r4", "Finance", "Sales", [3, 3, 3, 3, NAN, NAN, NAN]),
]


def test_worked_example_by_hand():
    """Cells average each respondent's rows about a target first; n counts respondents;
    overall is the mean over respondents of their mean over rated groups."""
    result = score(ROWS)
    assert result.respondents == 4
    assert result.groups == ["Finance", "Sales"]
    # Sales→Finance: r1 (5 and 3 → 4), r2 (2): mean 3, n 2 (three rows).
    assert result.matrix["Sales"]["Finance"] == Cell(3.0, 2, False)
    assert result.matrix["Finance"]["Sales"] == Cell(2.0, 2, False)
    own = 31 / 7
    assert result.matrix["Sales"]["Sales"].score == pytest.approx(own)
    assert result.matrix["Finance"]["Finance"] == Cell(None, 0, True)
    assert result.within["Sales"] == result.matrix["Sales"]["Sales"]
    assert "Sales" not in result.between()["Sales"]
    # r1: mean(4, 31/7); r2: 2; r3: 1; r4: 3.
    assert result.overall == pytest.approx(((4 + own) / 2 + 2 + 1 + 3) / 4)
    # communication: r1 (Finance 4, Sales 4) → 4; r2 2; r3 1; r4 3.
    assert result.communication == pytest.approx((4 + 2 + 1 + 3) / 4)
    # relationship: r1 (Finance 4, Sales 5) → 4.5; r2 2; r3 1; r4 has none.
    assert result.relationship == pytest.approx((4.5 + 2 + 1) / 3)
    assert result.dimensions["problem_solving"] == pytest.approx((5 + 3 + 4 + 1 + 3) / 5)
    assert result.dimensions["frequent"] == pytest.approx((5 + 3 + 2 + 4 + 1 + 3) / 6)
    complete = np.array([r[3] for r in ROWS], dtype=float)
    complete = complete[~np.isnan(complete).any(axis=1)]
    assert result.cronbach_alpha == pytest.approx(cronbach_alpha(complete).alpha)
    assert result.alpha_ci == pytest.approx(
        (cronbach_alpha(complete).ci_low, cronbach_alpha(complete).ci_high)
    )
    assert result.omega == pytest.approx(omega_total(complete))
    assert result.complete_rows == 4


def test_respondent_scores_are_the_cells_inputs():
    """RC[r, g] per respondent and rated group, for intervals between cycles; the mean of a
    tie's values is the cell's score."""
    frame = coordination_respondent_scores(
        respondent=[r[0] for r in ROWS],
        source=[r[1] for r in ROWS],
        target=[r[2] for r in ROWS],
        items=np.array([r[3] for r in ROWS], dtype=float),
    )
    assert frame.columns == [
        "respondent", "source", "target", "score", "communication", "relationship",
    ]  # fmt: skip
    tie = frame.filter((pl.col("source") == "Sales") & (pl.col("target") == "Finance"))
    assert tie["respondent"].to_list() == ["r1", "r2"]
    assert tie["score"].to_list() == [4.0, 2.0]
    r4 = frame.filter(pl.col("respondent") == "r4").row(0, named=True)
    assert r4["relationship"] is None


def test_cells_under_the_minimum_group_are_withheld_with_their_n():
    """A cell rated by fewer than min_group respondents shows its n but no score."""
    result = score(ROWS, min_group=3)
    assert result.matrix["Sales"]["Finance"] == Cell(None, 2, True)
    assert result.overall is not None
    assert "fewer than 3" in result.reasons[1]


def test_json_shape_is_exactly_the_commands():
    """as_json has the issue's keys, in order, and a full groups × groups matrix."""
    answer = score(ROWS, min_group=2).as_json()
    assert list(answer) == [
        "respondents",
        "groups",
        "matrix",
        "overall",
        "communication",
        "relationship",
        "dimensions",
        "cronbach_alpha",
    ]
    assert answer["matrix"]["Sales"]["Finance"] == {"score": 3.0, "n": 2, "suppressed": False}
    assert answer["matrix"]["Sales"]["Sales"] == {"score": None, "n": 1, "suppressed": True}
    assert list(answer["dimensions"]) == list(DIMENSIONS)


def test_rows_without_any_answer_do_not_count():
    """A row with all seven items blank rates nobody: no respondent, no n."""
    result = score([*ROWS, ("r9", "Legal", "Sales", [NAN] * 7)])
    assert result.respondents == 4
    assert result.matrix["Legal"]["Sales"] == Cell(None, 0, True)
    assert result.groups == ["Finance", "Legal", "Sales"]


def test_fixed_group_list_and_order():
    """groups= fixes the matrix's groups (a function nobody rated still gets a row)."""
    result = score(ROWS, groups=["Sales", "Finance", "Legal"])
    assert result.groups == ["Sales", "Finance", "Legal"]
    assert result.matrix["Legal"]["Sales"].n == 0
    with pytest.raises(ValueError, match="not in the given list: Finance"):
        score(ROWS, groups=["Sales"])


def test_respondent_in_two_groups_is_refused():
    """One respondent belongs to one group."""
    with pytest.raises(ValueError, match="'r1' is listed in more than one group"):
        score([*ROWS, ("r1", "Finance", "Sales", [3] * 7)])


def test_bad_items_are_refused():
    """Items must be n×7 and scored 1–5."""
    with pytest.raises(ValueError, match="n×7"):
        coordination_score(respondent=["a"], source=["A"], target=["B"], items=[[1, 2]])
    with pytest.raises(ValueError, match="between 1 and 5"):
        score([("a", "A", "B", [6, 1, 1, 1, 1, 1, 1])])
    with pytest.raises(ValueError, match="expected 1"):
        coordination_score(respondent=["a", "b"], source=["A"], target=["B"], items=[[1] * 7])


def test_empty_input_scores_nothing():
    """No rows: no respondents, no numbers."""
    result = coordination_score(respondent=[], source=[], target=[], items=np.empty((0, 7)))
    assert result.respondents == 0
    assert result.overall is None
    assert result.cronbach_alpha is None
    assert result.dimensions["timely"] is None


def test_accepts_numpy_and_polars_labels():
    """Labels may come as lists, numpy arrays or polars Series with the same answer."""
    base = score(ROWS).as_json()
    columns = list(zip(*[(r[0], r[1], r[2]) for r in ROWS], strict=True))
    items = np.array([r[3] for r in ROWS], dtype=float)
    as_numpy = coordination_score(
        respondent=np.array(columns[0]), source=np.array(columns[1]),
        target=np.array(columns[2]), items=items, min_group=1,
    )  # fmt: skip
    as_polars = coordination_score(
        respondent=pl.Series(columns[0]), source=pl.Series(columns[1]),
        target=pl.Series(columns[2]), items=items, min_group=1,
    )  # fmt: skip
    assert as_numpy.as_json() == base == as_polars.as_json()


# --- properties -----------------------------------------------------------------------------------

answer = st.one_of(st.just(NAN), st.integers(1, 5).map(float))


@st.composite
def survey(draw):
    groups = draw(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=4, unique=True))
    respondents = draw(st.integers(1, 12))
    rows = []
    for r in range(respondents):
        source = draw(st.sampled_from(groups))
        targets = draw(st.lists(st.sampled_from(groups), min_size=1, max_size=6))
        for target in targets:
            rows.append((f"r{r}", source, target, draw(st.lists(answer, min_size=7, max_size=7))))
    return rows


@settings(max_examples=150, deadline=None)
@given(survey(), st.integers(1, 4), st.randoms(use_true_random=False))
def test_properties_against_the_naive_reading(rows, min_group, rng):
    """Matches the loop-by-loop oracle; cell n never exceeds the respondents; suppressed
    cells have no score; permuting the rows changes nothing; alpha ≤ 1."""
    result = score(rows, min_group=min_group)
    expected = naive(rows, min_group)
    assert result.respondents == expected["respondents"]
    for (source, target), (value, n) in expected["matrix"].items():
        cell = result.matrix[source][target]
        assert cell.n == n
        assert cell.score == (None if value is None else pytest.approx(value))
    for row in result.matrix.values():
        for cell in row.values():
            assert cell.n <= result.respondents
            assert cell.suppressed == (cell.n < min_group)
            if cell.suppressed:
                assert cell.score is None
            else:
                assert 1 <= cell.score <= 5
    for key in ("overall", "communication", "relationship"):
        value = getattr(result, key)
        assert value == (None if expected[key] is None else pytest.approx(expected[key]))
    for name, value in expected["dimensions"].items():
        assert result.dimensions[name] == (None if value is None else pytest.approx(value))
    if result.cronbach_alpha is not None:
        assert result.cronbach_alpha <= 1 + 1e-12

    shuffled = rows[:]
    rng.shuffle(shuffled)
    again = score(shuffled, min_group=min_group).as_json()
    original = result.as_json()
    assert _close(again, original)


def _close(a, b):
    """Float-tolerant deep comparison (row order may change the last bit of a mean)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return a == b
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def test_permutation_invariance_on_a_larger_survey():
    """Shuffling 5,000 rows leaves every number unchanged (to rounding)."""
    rng = random.Random(5)
    rows = [
        (f"r{r}", "ABC"[r % 3], rng.choice("ABC"), [float(rng.randint(1, 5)) for _ in range(7)])
        for r in range(700)
        for _ in range(7)
    ]
    first = score(rows, min_group=5).as_json()
    rng.shuffle(rows)
    assert _close(score(rows, min_group=5).as_json(), first)


def test_scales_to_a_million_rows_quickly():
    """A million rows score in well under the CLI's 10 s budget (vectorised)."""
    import time

    rng = np.random.default_rng(1)
    n = 1_000_000
    respondent = rng.integers(0, 120_000, n)
    groups = np.array([f"G{i}" for i in range(8)])
    items = rng.integers(1, 6, size=(n, 7)).astype(float)
    items[rng.random((n, 7)) < 0.03] = NAN
    started = time.perf_counter()
    result = coordination_score(
        respondent=pl.Series(respondent).cast(pl.String),
        source=pl.Series(groups[respondent % 8]),
        target=pl.Series(groups[rng.integers(0, 8, n)]),
        items=items,
    )
    assert time.perf_counter() - started < 8
    assert result.respondents == len(np.unique(respondent))
