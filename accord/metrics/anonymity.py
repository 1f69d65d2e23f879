"""Anonymity: which survey aggregates may be shown, and why the others are withheld.

Rules (../shared/METRICS.md §5, DESIGN.md "Privacy and trust rules"):

- **Minimum group size.** An aggregate over fewer than ``k`` respondents is withheld
  (``k`` defaults to 5, never below 3, frozen on the cycle when it opens). Respondents are
  counted per measure (an item, a scale score, the ratings of one function), not invitees.
- **Complement.** For a shown aggregate C inside a shown aggregate P, ``n_P − n_C`` must be 0
  or at least ``k``; otherwise subtracting C from P would single out the rest.
- **Sibling remainder.** The groups withheld inside a shown parent (plus the respondents no
  shown group covers) must together reach ``k``; otherwise the next-smallest shown sibling is
  withheld too. Deterministic: the smallest shown sibling goes first, ties broken by name
  (then key).
- **Combination.** Two crossing breakdowns (functions × seniority bands) can leak through
  sums and differences that no parent–child pair shows (the classic cell-suppression problem
  of two-way tables). After the rules above, a search looks for *any* linear combination of
  the shown aggregates that equals the respondents of a set of fewer than ``k`` people
  (a 0/1 integer programme, solved with HiGHS through scipy); while one exists, the
  smallest shown aggregate taking part in it is withheld.
- **Time.** The change of a group between two consecutive cycles is withheld when its
  respondent count moved by 1 … k−1 (one joiner between two cycles is a differencing pair).
- **Comments** need ``min_comments`` respondents (default 10) and are returned shuffled,
  without times.

The model: answers fall into *atoms*, the finest cells a viewer could ever select (for
example function × seniority band, with "none" for respondents without one). Every
aggregate covers a set of atoms; aggregates of one *dimension* ("function", "band",
"function×band") are disjoint. A *family* is one measure with its own count per atom:
subtraction is only meaningful within a family (the mean of item 3 minus the mean of item 4
isolates nobody). When one person's answers sit in several atoms — a rater of several
functions has a rating in the atom of each function rated — the family names the atom's
*people group*; a set of atoms then involves at least Σ over groups of the largest count
among its atoms in that group (exact when everyone in a group rated every function).

Plain data in, frozen decisions with their reasons out; nothing here imports Django.
"""

import random
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

MIN_K = 3
DEFAULT_K = 5
DEFAULT_MIN_COMMENTS = 10
NONE = "none"  # the atom part of a respondent without a function or band

Rule = Literal["", "min_group", "complement", "sibling", "combination"]
ChangeRule = Literal["", "not_comparable", "time"]

# Coefficients of a combination are bounded for the solver; with 0/1 memberships of nested
# and crossing partitions the needed ones are small integers (±1, ±2).
_COEFFICIENT_BOUND = 64.0
_TOLERANCE = 1e-6


# --- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    """One number (or distribution) a viewer could see: a measure over some atoms."""

    key: str
    atoms: frozenset[str]
    dimension: str
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.key


@dataclass(frozen=True)
class Family:
    """One measure: how many respondents each atom has for it, and every aggregate of it a
    viewer could see (across all filters: a filter only picks which ones are on screen).

    `people` maps an atom to its people group when atoms share people (default: every atom
    its own group, i.e. atoms hold different people)."""

    key: str
    atom_counts: Mapping[str, int]
    aggregates: tuple[Aggregate, ...]
    people: Mapping[str, str] = field(default_factory=dict)

    def n(self, aggregate: Aggregate) -> int:
        return self.people_in(aggregate.atoms)

    def people_in(self, atoms: Iterable[str]) -> int:
        """People behind a set of atoms (a lower bound when atoms of a group overlap)."""
        largest: dict[str, int] = {}
        for atom in atoms:
            count = self.atom_counts.get(atom, 0)
            group = self.people.get(atom, atom)
            if count > largest.get(group, 0):
                largest[group] = count
        return sum(largest.values())


# --- output ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    family: str
    key: str
    n: int
    shown: bool
    rule: Rule = ""
    reason: str = ""


@dataclass(frozen=True)
class Release:
    """The decisions for every aggregate of a cycle, under one threshold."""

    k: int
    decisions: Mapping[tuple[str, str], Decision] = field(default_factory=dict)

    def get(self, family: str, key: str) -> Decision | None:
        return self.decisions.get((family, key))

    def shown(self, family: str, key: str) -> bool:
        decision = self.decisions.get((family, key))
        return bool(decision and decision.shown)

    def withheld(self) -> list[Decision]:
        return [d for d in self.decisions.values() if not d.shown]


@dataclass(frozen=True)
class ChangeDecision:
    family: str
    key: str
    n_before: int
    n_after: int
    shown: bool
    rule: ChangeRule = ""
    reason: str = ""


@dataclass(frozen=True)
class CommentRelease:
    shown: bool
    n: int
    comments: tuple[str, ...]
    reason: str = ""


# --- atoms and the usual breakdowns ----------------------------------------------------------


def atom_key(function: str | None, band: str | None) -> str:
    """The atom of a respondent: function × seniority band ("none" when missing)."""
    return f"{function or NONE}|{band or NONE}"


def group_key(*, function: str | None = None, band: str | None = None) -> str:
    """The key of the whole group, one function, one band, or one function × band."""
    parts = []
    if function:
        parts.append(f"function={function}")
    if band:
        parts.append(f"band={band}")
    return "&".join(parts) or "all"


def breakdown_aggregates(
    functions: Sequence[str],
    bands: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
) -> tuple[Aggregate, ...]:
    """The whole group, each function, each band and each function × band, over the atoms of
    `functions` and `bands` plus "none" for respondents without one (covered by the whole
    group only)."""
    labels = labels or {}
    all_functions = [*functions, NONE]
    all_bands = [*bands, NONE]
    aggregates = [
        Aggregate(
            key="all",
            atoms=frozenset(atom_key(f, b) for f in all_functions for b in all_bands),
            dimension="all",
            label="Everyone",
        )
    ]
    for function in functions:
        aggregates.append(
            Aggregate(
                key=group_key(function=function),
                atoms=frozenset(atom_key(function, b) for b in all_bands),
                dimension="function",
                label=labels.get(function, function),
            )
        )
    for band in bands:
        aggregates.append(
            Aggregate(
                key=group_key(band=band),
                atoms=frozenset(atom_key(f, band) for f in all_functions),
                dimension="band",
                label=labels.get(band, band),
            )
        )
    for function in functions:
        for band in bands:
            aggregates.append(
                Aggregate(
                    key=group_key(function=function, band=band),
                    atoms=frozenset({atom_key(function, band)}),
                    dimension="function×band",
                    label=f"{labels.get(function, function)}, {labels.get(band, band)}",
                )
            )
    return tuple(aggregates)


def atom_counts(respondents: Iterable[tuple[str | None, str | None]]) -> dict[str, int]:
    """Count respondents per atom from (function, band) pairs, one pair per respondent."""
    counts: dict[str, int] = {}
    for function, band in respondents:
        atom = atom_key(function, band)
        counts[atom] = counts.get(atom, 0) + 1
    return counts


# --- the release engine ----------------------------------------------------------------------

_SOLVED: OrderedDict[tuple[object, ...], dict[str, tuple[Rule, str]]] = OrderedDict()
_SOLVED_MAX = 512


def release_decide(families: Iterable[Family], *, k: int) -> Release:
    """Decide, for every aggregate of every family, whether it is shown or withheld."""
    if k < MIN_K:
        raise ValueError(f"The minimum group size is at least {MIN_K}; got {k}.")
    decisions: dict[tuple[str, str], Decision] = {}
    for family in families:
        # Families with the same counts and aggregates decide alike: each shape is solved
        # once (a pure function of its inputs, so remembering answers changes nothing).
        shape = (
            k,
            tuple(sorted((a, c) for a, c in family.atom_counts.items() if c)),
            family.aggregates,
            tuple(sorted(family.people.items())),
        )
        withheld = _SOLVED.get(shape)
        if withheld is None:
            withheld = _family_decide(family, k)
            _SOLVED[shape] = withheld
        with suppress(KeyError):  # another thread may have evicted it meanwhile
            _SOLVED.move_to_end(shape)
            while len(_SOLVED) > _SOLVED_MAX:
                _SOLVED.popitem(last=False)
        for aggregate in family.aggregates:
            rule, reason = withheld.get(aggregate.key, ("", ""))
            decisions[(family.key, aggregate.key)] = Decision(
                family=family.key,
                key=aggregate.key,
                n=family.n(aggregate),
                shown=not rule,
                rule=rule,
                reason=reason,
            )
    return Release(k=k, decisions=decisions)


def _family_decide(family: Family, k: int) -> dict[str, tuple[Rule, str]]:
    """Withheld aggregates of one family: key → (rule, reason)."""
    by_key = {a.key: a for a in family.aggregates}
    if len(by_key) != len(family.aggregates):
        raise ValueError(f"Family {family.key!r} repeats an aggregate key.")
    n = {a.key: family.n(a) for a in family.aggregates}
    withheld: dict[str, tuple[Rule, str]] = {}
    for aggregate in family.aggregates:
        if n[aggregate.key] < k:
            withheld[aggregate.key] = ("min_group", f"Fewer than {k} respondents.")
    parents = _parent_partitions(family.aggregates)
    while True:
        if _complements_apply(family, parents, n, withheld, k):
            continue
        found = _combination_find(
            family, [a for a in family.aggregates if a.key not in withheld], k
        )
        if found is None:
            return withheld
        victim = min(found, key=lambda a: (n[a.key], len(a.atoms), a.name, a.key))
        withheld[victim.key] = (
            "combination",
            f"Combined with other numbers shown, it would single out fewer than {k} respondents.",
        )


def _parent_partitions(
    aggregates: Sequence[Aggregate],
) -> list[tuple[Aggregate, list[Aggregate]]]:
    """Each aggregate with, per other dimension, the aggregates inside it (one partition)."""
    dimensions = sorted({a.dimension for a in aggregates})
    partitions: list[tuple[Aggregate, list[Aggregate]]] = []
    for parent in aggregates:
        for dimension in dimensions:
            if dimension == parent.dimension:
                continue
            children = [
                a
                for a in aggregates
                if a.dimension == dimension and a.atoms and a.atoms < parent.atoms
            ]
            if children:
                partitions.append((parent, children))
    return partitions


def _complements_apply(
    family: Family,
    parents: list[tuple[Aggregate, list[Aggregate]]],
    n: Mapping[str, int],
    withheld: dict[str, tuple[Rule, str]],
    k: int,
) -> bool:
    """Apply the complement and sibling rules once; True when something was withheld."""
    for parent, children in parents:
        if parent.key in withheld:
            continue
        shown = [c for c in children if c.key not in withheld]
        if not shown:
            continue
        covered = set().union(*(c.atoms for c in shown))
        hidden = family.people_in(parent.atoms - covered)
        if not 0 < hidden < k:
            continue
        victim = min(shown, key=lambda c: (n[c.key], c.name, c.key))
        if any(n[c.key] > 0 for c in children if c.key in withheld):
            withheld[victim.key] = (
                "sibling",
                f"Withheld with its neighbours: the groups withheld beside it in "
                f"“{parent.name}” would otherwise add up to fewer than {k} respondents.",
            )
        else:
            withheld[victim.key] = (
                "complement",
                f"Subtracting it from “{parent.name}” would leave fewer than {k} respondents.",
            )
        return True
    return False


def _combination_find(family: Family, shown: Sequence[Aggregate], k: int) -> list[Aggregate] | None:
    """The shown aggregates of a combination that singles out 1 … k−1 people, or None.

    Solves, over binary x (the singled-out atoms), real y (one coefficient per shown
    aggregate) and real z (people per people group):
    minimise Σ z_g subject to Mᵀy = x, z_g ≥ count_a · x_a for each atom a of group g,
    Σ x_a ≥ 1. A minimum below k is a leak. Atoms without respondents are left out: adding or
    dropping them changes nothing a viewer learns.
    """
    atoms = sorted({atom for a in shown for atom in a.atoms if family.atom_counts.get(atom, 0)})
    counts = np.array([family.atom_counts[atom] for atom in atoms], dtype=np.float64)
    if not atoms or counts.min() >= k:
        return None  # every non-empty set of atoms involves at least k people
    from scipy.optimize import Bounds, LinearConstraint, milp

    index = {atom: i for i, atom in enumerate(atoms)}
    groups = sorted({family.people.get(atom, atom) for atom in atoms})
    group_index = {group: i for i, group in enumerate(groups)}
    membership: NDArray[np.float64] = np.zeros((len(shown), len(atoms)))
    for row, aggregate in enumerate(shown):
        for atom in aggregate.atoms:
            if atom in index:
                membership[row, index[atom]] = 1.0
    s, m, g = len(shown), len(atoms), len(groups)
    # Variables: y (s reals), x (m binaries), z (g reals).
    equalities = np.hstack([membership.T, -np.eye(m), np.zeros((m, g))])
    # z_g − count_a · x_a ≥ 0 for every atom a of group g.
    people = np.zeros((m, s + m + g))
    for i, atom in enumerate(atoms):
        people[i, s + i] = -counts[i]
        people[i, s + m + group_index[family.people.get(atom, atom)]] = 1.0
    chosen = np.concatenate([np.zeros(s), np.ones(m), np.zeros(g)])[None, :]
    involved = np.concatenate([np.zeros(s + m), np.ones(g)])[None, :]
    constraints = [
        LinearConstraint(equalities, np.zeros(m), np.zeros(m)),
        LinearConstraint(people, np.zeros(m), np.full(m, np.inf)),
        LinearConstraint(chosen, 1.0, np.inf),
        LinearConstraint(involved, 1.0, float(k - 1)),
    ]
    integrality = np.concatenate([np.zeros(s), np.ones(m), np.zeros(g)])
    bounds = Bounds(
        np.concatenate([np.full(s, -_COEFFICIENT_BOUND), np.zeros(m), np.zeros(g)]),
        np.concatenate([np.full(s, _COEFFICIENT_BOUND), np.ones(m), np.full(g, np.inf)]),
    )
    result = milp(involved[0], constraints=constraints, integrality=integrality, bounds=bounds)
    if result.x is None or not result.success:
        return None
    solution: NDArray[np.float64] = np.asarray(result.x, dtype=np.float64)
    taking_part = [a for a, y in zip(shown, solution[:s], strict=True) if abs(y) > _TOLERANCE]
    return taking_part or list(shown)


# --- across time -----------------------------------------------------------------------------


def change_decide(*, current: Release, previous: Release) -> dict[tuple[str, str], ChangeDecision]:
    """Whether the change of each group between two consecutive cycles may be shown.

    Only groups shown in both cycles have a change. It is withheld when the respondent count
    moved by 1 … k−1 (k the larger of the two cycles' thresholds): with one joiner and
    otherwise the same people, the difference of the two totals is mostly that person.
    """
    k = max(current.k, previous.k)
    changes: dict[tuple[str, str], ChangeDecision] = {}
    for place, now in current.decisions.items():
        before = previous.decisions.get(place)
        if not now.shown:
            continue
        if before is None or not before.shown:
            changes[place] = ChangeDecision(
                family=now.family,
                key=now.key,
                n_before=0,
                n_after=now.n,
                shown=False,
                rule="not_comparable",
                reason="No earlier result for this group to compare with.",
            )
            continue
        moved = abs(now.n - before.n)
        if 0 < moved < k:
            changes[place] = ChangeDecision(
                family=now.family,
                key=now.key,
                n_before=before.n,
                n_after=now.n,
                shown=False,
                rule="time",
                reason=(
                    f"The number of respondents changed by fewer than {k} since the last "
                    "cycle, so the change could reflect the few people who joined or left."
                ),
            )
        else:
            changes[place] = ChangeDecision(
                family=now.family, key=now.key, n_before=before.n, n_after=now.n, shown=True
            )
    return changes


# --- comments --------------------------------------------------------------------------------


def comments_release(
    texts: Iterable[str], *, min_comments: int = DEFAULT_MIN_COMMENTS, seed: str
) -> CommentRelease:
    """Free-text answers, shown only from `min_comments` writers on, in a shuffled order.

    The order comes from a seeded shuffle (stable for one set of comments, so a reload does
    not reorder them; it changes completely when a comment is added), never from storage.
    """
    if min_comments < MIN_K:
        raise ValueError(f"Comments need at least {MIN_K} respondents; got {min_comments}.")
    written = [text.strip() for text in texts if text and text.strip()]
    if len(written) < min_comments:
        return CommentRelease(
            shown=False,
            n=len(written),
            comments=(),
            reason=f"Comments appear when at least {min_comments} people have written one.",
        )
    written.sort()  # the shuffle must not depend on the order rows came back in
    random.Random(f"{seed}:{len(written)}").shuffle(written)
    return CommentRelease(shown=True, n=len(written), comments=tuple(written))
