"""The anonymity release engine (accord/metrics/anonymity.py): minimum group size, the
complement and sibling rules, combinations of crossing breakdowns, changes across cycles and
comments — with property tests that try every subtraction a viewer could make."""

from collections.abc import Iterator, Sequence
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.metrics.anonymity import (
    Aggregate,
    Family,
    Release,
    atom_counts,
    atom_key,
    breakdown_aggregates,
    change_decide,
    comments_release,
    group_key,
    release_decide,
)

# --- an exact oracle: what can a viewer derive from the shown numbers? ------------------------


def _row_space(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced row echelon basis over the rationals: (pivot column, row)."""
    basis: list[tuple[int, list[Fraction]]] = []
    for original in rows:
        row = list(original)
        for pivot, base in basis:
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * b for a, b in zip(row, base, strict=True)]
        lead = next((i for i, value in enumerate(row) if value), None)
        if lead is None:
            continue
        row = [value / row[lead] for value in row]
        basis = [
            (pivot, [a - base[lead] * b for a, b in zip(base, row, strict=True)])
            for pivot, base in basis
        ]
        basis.append((lead, row))
    return basis


def _in_row_space(vector: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> bool:
    rest = list(vector)
    for pivot, base in basis:
        if rest[pivot]:
            factor = rest[pivot]
            rest = [a - factor * b for a, b in zip(rest, base, strict=True)]
    return not any(rest)


def _small_sets(family: Family, atoms: Sequence[str], budget: int) -> Iterator[list[str]]:
    """Every non-empty set of atoms whose people number 1 … budget (people counted per
    people group, as the engine does; adding atoms never lowers the count, so the walk stops
    as soon as it is over budget)."""

    def walk(start: int, chosen: list[str]) -> Iterator[list[str]]:
        for i in range(start, len(atoms)):
            grown = [*chosen, atoms[i]]
            if family.people_in(grown) <= budget:
                yield grown
                yield from walk(i + 1, grown)

    yield from walk(0, [])


def derivable_small_groups(family: Family, release: Release) -> list[list[str]]:
    """Sets of atoms involving 1 … k−1 people whose total a viewer can compute exactly from
    the shown aggregates of the family (any rational combination: sums, differences,
    multiples)."""
    k = release.k
    shown = [a for a in family.aggregates if release.shown(family.key, a.key)]
    atoms = sorted({atom for a in shown for atom in a.atoms if family.atom_counts.get(atom, 0) > 0})
    if not atoms:
        return []
    basis = _row_space([[Fraction(int(atom in a.atoms)) for atom in atoms] for a in shown])
    leaks = []
    for chosen in _small_sets(family, atoms, k - 1):
        vector = [Fraction(int(atom in chosen)) for atom in atoms]
        if _in_row_space(vector, basis):
            leaks.append(chosen)
    return leaks


# --- strategies ------------------------------------------------------------------------------

FUNCTIONS = ["sales", "finance", "ops", "hr"]
BANDS = ["contributor", "manager", "leader"]


@st.composite
def families(draw: st.DrawFn, key: str = "measure") -> Family:
    """A random hierarchy: some functions and bands, small random counts per atom, and a
    random selection of the whole / function / band / function × band aggregates."""
    functions = FUNCTIONS[: draw(st.integers(1, 4))]
    bands = BANDS[: draw(st.integers(1, 3))]
    counts = {}
    for function in [*functions, None]:
        for band in [*bands, None]:
            counts[atom_key(function, band)] = draw(st.one_of(st.integers(0, 3), st.integers(0, 9)))
    everything = breakdown_aggregates(functions, bands)
    kept = tuple(a for a in everything if a.key == "all" or draw(st.booleans()))
    return Family(key=key, atom_counts=counts, aggregates=kept)


@st.composite
def coordination_families(draw: st.DrawFn) -> Family:
    """Ratings of one function: a cell per rating function (and per function × band), plus
    the column of everyone who rated it."""
    functions = FUNCTIONS[: draw(st.integers(2, 4))]
    counts = {
        atom_key(function, band): draw(st.integers(0, 7))
        for function in functions
        for band in [*BANDS[:2], None]
    }
    aggregates = list(breakdown_aggregates(functions, BANDS[:2]))
    return Family(key="about:sales", atom_counts=counts, aggregates=tuple(aggregates))


@st.composite
def rating_families(draw: st.DrawFn) -> Family:
    """Coordination as the results pages release it: one rater rates several functions, so
    the atoms are rater function × band × function rated, the people groups rater function ×
    band. Shown: every group's overall (all functions rated) and each cell rater → rated."""
    functions = FUNCTIONS[: draw(st.integers(2, 4))]
    bands = BANDS[: draw(st.integers(1, 2))]
    counts: dict[str, int] = {}
    people: dict[str, str] = {}
    for rater in [*functions, None]:
        for band in [*bands, None]:
            group = atom_key(rater, band)
            raters = draw(st.one_of(st.integers(0, 3), st.integers(0, 8)))
            for rated in functions:
                if rated == rater:
                    continue
                atom = f"{group}>{rated}"
                # Most raters rate every function; some skip one.
                counts[atom] = max(0, raters - draw(st.sampled_from([0, 0, 0, 1])))
                people[atom] = group
    aggregates = []
    for base in breakdown_aggregates(functions, bands):
        atoms = frozenset(a for a in counts if a.split(">")[0] in base.atoms)
        aggregates.append(Aggregate(key=base.key, atoms=atoms, dimension=base.dimension))
        if base.dimension in ("function", "function×band"):
            for rated in functions:
                cell = frozenset(a for a in atoms if a.endswith(f">{rated}"))
                if cell:
                    aggregates.append(
                        Aggregate(
                            key=f"{base.key}>{rated}",
                            atoms=cell,
                            dimension=f"cell:{rated}:{base.dimension}",
                        )
                    )
    keep = tuple(a for a in aggregates if a.key == "all" or draw(st.integers(0, 4)) > 0)
    return Family(key="coordination", atom_counts=counts, aggregates=keep, people=people)


thresholds = st.integers(3, 6)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(family=families(), k=thresholds)
def test_no_combination_of_shown_numbers_singles_out_fewer_than_k(family, k):
    """Whatever a viewer adds or subtracts among the shown aggregates, no set of 1 … k−1
    respondents comes out (checked exactly over the rationals, every small set tried)."""
    release = release_decide([family], k=k)
    assert derivable_small_groups(family, release) == []


@PROPERTY
@given(family=coordination_families(), k=thresholds)
def test_coordination_cells_leak_nothing(family, k):
    """The ratings of one function by each other function, by band and overall: nothing
    derivable has 1 … k−1 raters."""
    release = release_decide([family], k=k)
    assert derivable_small_groups(family, release) == []


@PROPERTY
@given(family=rating_families(), k=thresholds)
def test_ratings_of_several_functions_by_the_same_people_leak_nothing(family, k):
    """Group overalls and cells share raters: no combination of them singles out fewer than
    k people (people counted per rater group, not per rating)."""
    release = release_decide([family], k=k)
    assert derivable_small_groups(family, release) == []
    for aggregate in family.aggregates:
        if release.shown(family.key, aggregate.key):
            assert family.n(aggregate) >= k


@PROPERTY
@given(family=families(), k=thresholds)
def test_every_shown_parent_minus_any_shown_children_is_zero_or_at_least_k(family, k):
    """The subtractions a viewer would try by hand: any shown parent minus any combination of
    its shown children of one breakdown, and any shown aggregate minus a shown one inside it."""
    release = release_decide([family], k=k)
    shown = [a for a in family.aggregates if release.shown(family.key, a.key)]
    for aggregate in shown:
        assert family.n(aggregate) >= k
    for parent in shown:
        for dimension in {a.dimension for a in shown} - {parent.dimension}:
            children = [a for a in shown if a.dimension == dimension and a.atoms < parent.atoms]
            for mask in range(1, 2 ** len(children)):
                chosen = [c for i, c in enumerate(children) if mask >> i & 1]
                left = family.n(parent) - sum(family.n(c) for c in chosen)
                assert not 0 < left < k, (parent.key, [c.key for c in chosen], left)
        for inner in shown:
            if inner.atoms < parent.atoms:
                left = family.n(parent) - family.n(inner)
                assert not 0 < left < k, (parent.key, inner.key, left)


@PROPERTY
@given(before=families(), after=families(), k=thresholds)
def test_no_shown_change_between_cycles_isolates_fewer_than_k(before, after, k):
    """Across two consecutive cycles a change is shown only when the group's respondent count
    stayed the same or moved by at least k — never one joiner."""
    previous = release_decide([before], k=k)
    current = release_decide([after], k=k)
    changes = change_decide(current=current, previous=previous)
    for (family, key), change in changes.items():
        assert current.shown(family, key)
        if change.shown:
            assert previous.shown(family, key)
            moved = abs(change.n_after - change.n_before)
            assert moved == 0 or moved >= k


@PROPERTY
@given(family=families(), k=thresholds)
def test_decisions_are_deterministic(family, k):
    """The same counts give the same decisions, whatever the order of the families."""
    other = Family(key="other", atom_counts=family.atom_counts, aggregates=family.aggregates)
    first = release_decide([family, other], k=k)
    second = release_decide([other, family], k=k)
    assert first.decisions == second.decisions


@PROPERTY
@given(counts=st.lists(st.sampled_from([0, 5, 6, 9, 12]), min_size=16, max_size=16), k=st.just(5))
def test_groups_all_at_least_k_are_all_shown(counts, k):
    """When every function × band has 0 or at least k respondents, nothing non-empty is
    withheld: the rules cost nothing when no small group exists."""
    functions, bands = FUNCTIONS[:3], BANDS
    atoms = [atom_key(f, b) for f in [*functions, None] for b in [*bands, None]]
    family = Family(
        key="m",
        atom_counts=dict(zip(atoms, counts, strict=True)),
        aggregates=breakdown_aggregates(functions, bands),
    )
    release = release_decide([family], k=k)
    for aggregate in family.aggregates:
        assert release.shown("m", aggregate.key) is (family.n(aggregate) > 0)


# --- reference cases -------------------------------------------------------------------------


def _family(counts: dict[tuple[str | None, str | None], int], functions, bands) -> Family:
    return Family(
        key="m",
        atom_counts={atom_key(f, b): n for (f, b), n in counts.items()},
        aggregates=breakdown_aggregates(functions, bands),
    )


def test_a_group_under_k_is_withheld_with_its_reason():
    """Finance with 2 respondents is withheld: fewer than k."""
    family = _family({("sales", None): 10, ("finance", None): 2}, ["sales", "finance"], [])
    release = release_decide([family], k=5)
    finance = release.get("m", group_key(function="finance"))
    assert finance is not None
    assert finance.shown is False
    assert finance.rule == "min_group"
    assert finance.reason == "Fewer than 5 respondents."


def test_sibling_rule_withholds_the_next_smallest_function():
    """Everyone 12 = Sales 10 + Finance 2: showing Sales would give Finance away by
    subtraction, so Sales is withheld too (sibling remainder) while everyone stays shown."""
    family = _family({("sales", None): 10, ("finance", None): 2}, ["sales", "finance"], [])
    release = release_decide([family], k=5)
    sales = release.get("m", group_key(function="sales"))
    assert sales is not None
    assert (sales.shown, sales.rule) == (False, "sibling")
    assert release.shown("m", "all") is True


def test_sibling_rule_hides_only_enough():
    """Three functions 8, 9, 3: hiding the 3 and the next smallest (8) reaches k; 9 stays."""
    family = _family(
        {("sales", None): 8, ("finance", None): 9, ("ops", None): 3},
        ["sales", "finance", "ops"],
        [],
    )
    release = release_decide([family], k=5)
    assert release.shown("m", group_key(function="finance")) is True
    assert release.shown("m", group_key(function="sales")) is False
    assert release.shown("m", group_key(function="ops")) is False


def test_complement_rule_covers_respondents_without_a_function():
    """Everyone 11 = Sales 9 + 2 without a function: Sales would give those 2 away."""
    family = _family({("sales", None): 9, (None, None): 2}, ["sales"], [])
    release = release_decide([family], k=5)
    sales = release.get("m", group_key(function="sales"))
    assert sales is not None
    assert (sales.shown, sales.rule) == (False, "complement")
    assert "Everyone" in sales.reason


def test_ties_in_the_sibling_rule_break_by_name():
    """Two shown siblings of the same size: the one whose name sorts first is withheld."""
    family = _family({("a", None): 6, ("b", None): 6, ("c", None): 2}, ["a", "b", "c"], [])
    release = release_decide([family], k=5)
    assert release.shown("m", group_key(function="a")) is False
    assert release.shown("m", group_key(function="b")) is True


def test_crossing_breakdowns_are_protected_beyond_the_sibling_rule():
    """A two-way table where every row and column passes the sibling rule, yet row minus
    column would give away a cell of 2: the combination search withholds one more number."""
    functions, bands = ["f1", "f2", "f3"], ["b1", "b2", "b3"]
    counts = {
        ("f1", "b1"): 2,
        ("f1", "b2"): 6,
        ("f1", "b3"): 7,
        ("f2", "b1"): 5,
        ("f2", "b2"): 5,
        ("f2", "b3"): 9,
        ("f3", "b1"): 5,
        ("f3", "b2"): 5,
        ("f3", "b3"): 9,
    }
    family = _family(counts, functions, bands)
    release = release_decide([family], k=5)
    assert derivable_small_groups(family, release) == []
    rules = {d.rule for d in release.withheld()}
    assert "combination" in rules
    assert release.shown("m", "all") is True


def test_the_threshold_is_never_below_three():
    """k = 2 is refused: the rules need at least three people."""
    with pytest.raises(ValueError, match="at least 3"):
        release_decide([], k=2)


def test_counts_are_per_atom():
    """(function, band) pairs count into atoms, missing parts as "none"."""
    assert atom_counts([("s", "m"), ("s", "m"), (None, "m"), ("s", None)]) == {
        "s|m": 2,
        "none|m": 1,
        "s|none": 1,
    }


# --- time and comments -----------------------------------------------------------------------


def _whole(n: int) -> Family:
    return Family(
        key="m",
        atom_counts={"x": n},
        aggregates=(Aggregate(key="all", atoms=frozenset({"x"}), dimension="all"),),
    )


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [(8, 8, True), (8, 9, False), (9, 8, False), (6, 11, True), (12, 7, True)],
)
def test_change_between_cycles_needs_zero_or_k_joiners(before, after, shown):
    """One joiner (or leaver) between two cycles is a differencing pair: change withheld."""
    changes = change_decide(
        current=release_decide([_whole(after)], k=5),
        previous=release_decide([_whole(before)], k=5),
    )
    assert changes[("m", "all")].shown is shown
    if not shown:
        assert changes[("m", "all")].rule == "time"


def test_no_change_without_an_earlier_result():
    """A group withheld last time has nothing to compare with."""
    changes = change_decide(
        current=release_decide([_whole(8)], k=5), previous=release_decide([_whole(3)], k=5)
    )
    assert changes[("m", "all")].rule == "not_comparable"


def test_comments_wait_for_the_threshold():
    """Nine comments with a threshold of 10 are withheld; empty answers do not count."""
    released = comments_release(["ok"] * 9 + ["", "  "], min_comments=10, seed="c")
    assert released.shown is False
    assert released.comments == ()
    assert "10" in released.reason


def test_comments_are_shuffled_independently_of_storage_order():
    """The same comments in any stored order come back in one shuffled order."""
    texts = [f"comment {i}" for i in range(12)]
    first = comments_release(texts, min_comments=10, seed="cycle")
    second = comments_release(list(reversed(texts)), min_comments=10, seed="cycle")
    assert first.shown is True
    assert first.comments == second.comments
    assert sorted(first.comments) == sorted(texts)
    assert list(first.comments) != texts
