"""Collaboration networks from interaction metadata (../shared/METRICS.md §10).

Input is metadata only: who sent something to whom (as integer person indices), never what.
Ties are undirected person–person pairs whose weight is the number of interactions in the
window; a tie needs at least ``min_weight`` interactions. On those ties:

- E-I index (Krackhardt & Stern 1988): ``(E − I) / (E + I)`` with E the ties that cross
  groups and I the ties inside one; per group, E counts ties with exactly one end in it and I
  ties with both ends in it. −1 is a group that only talks to itself, +1 one that only talks
  out.
- The function × function tie matrix (symmetric, within-function ties on the diagonal).
- Newman's (2006) modularity of the function partition, unweighted.
- Leiden communities (Traag et al. 2019; connected communities guaranteed) compared with the
  functions by normalised mutual information: high NMI means communication follows the org
  chart (silos), low NMI means cross-functional clusters.
- Brokers by betweenness (Brandes 2001), normalised as networkx does for undirected graphs
  (divided by (n − 1)(n − 2) / 2); exact up to ``EXACT_BETWEENNESS_MAX`` people, estimated
  from sampled pivots beyond; Burt's (1992) constraint.
- Overload: the Gini of weighted degree and the share of all tie weight held by the top 5 %
  of people (Cross, Rebele & Grant 2016 report 20–35 % of value-adding collaboration coming
  from 3–5 % of employees).
- Reciprocity of the directed sender → recipient pairs.

Vectorised with numpy; graph algorithms run in igraph (C). networkx is the reference the tests
compare with. Nothing here imports Django.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

EXACT_BETWEENNESS_MAX = 3000  # people; above this, betweenness is estimated from pivots
DEFAULT_PIVOTS = 500
TOP_SHARE = 0.05  # "the top 5 %" for overload


@dataclass(frozen=True)
class Ties:
    """Undirected ties: ``a[i] < b[i]`` are person indices, ``weight[i]`` ≥ min_weight."""

    n: int  # number of people (nodes), including those without ties
    a: IntArray
    b: IntArray
    weight: IntArray

    @property
    def count(self) -> int:
        return int(self.a.size)


def _as_int(values: Sequence[int] | NDArray[np.integer]) -> IntArray:
    return np.asarray(values, dtype=np.int64)


def ties_from_events(
    sender: Sequence[int] | NDArray[np.integer],
    recipient: Sequence[int] | NDArray[np.integer],
    *,
    n: int,
    min_weight: int = 1,
) -> Ties:
    """Undirected weighted ties from sender → recipient pairs (one pair per recipient of an
    event). Self-ties and indices outside 0…n−1 (unknown people, marked −1) are dropped; the
    weight of {a, b} is the number of pairs in either direction; ties under ``min_weight``
    are dropped."""
    if min_weight < 1:
        raise ValueError("min_weight must be at least 1")
    s = _as_int(sender)
    r = _as_int(recipient)
    if s.shape != r.shape:
        raise ValueError("sender and recipient must have the same length")
    keep = (s != r) & (s >= 0) & (r >= 0) & (s < n) & (r < n)
    lo = np.minimum(s[keep], r[keep])
    hi = np.maximum(s[keep], r[keep])
    if lo.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Ties(n, empty, empty.copy(), empty.copy())
    keys, counts = np.unique(lo * np.int64(n) + hi, return_counts=True)
    strong = counts >= min_weight
    keys = keys[strong]
    return Ties(n, keys // n, keys % n, counts[strong].astype(np.int64))


def graph_of(ties: Ties) -> ig.Graph:
    graph = ig.Graph(n=ties.n, edges=np.column_stack((ties.a, ties.b)).tolist(), directed=False)
    graph.es["weight"] = ties.weight.tolist()
    return graph


@dataclass(frozen=True)
class GroupEI:
    people: int
    internal: int
    external: int
    ei_index: float | None  # None when the group has no ties


@dataclass(frozen=True)
class EIResult:
    overall: float | None
    external: int
    internal: int
    groups: tuple[GroupEI, ...]  # one per group code 0…g−1


def _ei(external: int, internal: int) -> float | None:
    total = external + internal
    return (external - internal) / total if total else None


def ei_index(ties: Ties, groups: Sequence[int] | NDArray[np.integer], n_groups: int) -> EIResult:
    """E-I index overall and per group; ``groups[i]`` is person i's group code (0…g−1)."""
    g = _as_int(groups)
    if g.size != ties.n:
        raise ValueError("one group code per person is needed")
    ga, gb = g[ties.a], g[ties.b]
    inside = ga == gb
    internal_by = np.bincount(ga[inside], minlength=n_groups)
    crossing_ends = np.concatenate((ga[~inside], gb[~inside]))
    external_by = np.bincount(crossing_ends, minlength=n_groups)
    people_by = np.bincount(g, minlength=n_groups)
    per_group = tuple(
        GroupEI(
            int(people_by[k]),
            int(internal_by[k]),
            int(external_by[k]),
            _ei(int(external_by[k]), int(internal_by[k])),
        )
        for k in range(n_groups)
    )
    internal = int(inside.sum())
    external = int(ties.count - internal)
    return EIResult(_ei(external, internal), external, internal, per_group)


def function_matrix(
    ties: Ties, groups: Sequence[int] | NDArray[np.integer], n_groups: int
) -> IntArray:
    """Number of ties between every pair of groups: symmetric, within-group ties on the
    diagonal (each tie counted once)."""
    g = _as_int(groups)
    ga, gb = g[ties.a], g[ties.b]
    matrix = np.zeros((n_groups, n_groups), dtype=np.int64)
    np.add.at(matrix, (ga, gb), 1)
    off = ga != gb
    np.add.at(matrix, (gb[off], ga[off]), 1)
    return matrix


def modularity(ties: Ties, groups: Sequence[int] | NDArray[np.integer]) -> float | None:
    """Newman's modularity of the partition, unweighted: Σ_c [L_c/m − (d_c/2m)²]. None when
    there are no ties. Computed from degree sums, no graph needed."""
    m = ties.count
    if m == 0:
        return None
    g = _as_int(groups)
    ga, gb = g[ties.a], g[ties.b]
    n_groups = int(g.max()) + 1 if g.size else 0
    inside = np.bincount(ga[ga == gb], minlength=n_groups).astype(np.float64)
    degree = np.bincount(np.concatenate((ga, gb)), minlength=n_groups).astype(np.float64)
    return float(np.sum(inside / m - (degree / (2.0 * m)) ** 2))


@dataclass(frozen=True)
class Communities:
    membership: IntArray
    count: int
    nmi_with_groups: float | None


def communities(
    ties: Ties,
    groups: Sequence[int] | NDArray[np.integer],
    *,
    seed: int = 1,
    resolution: float = 1.0,
) -> Communities:
    """Leiden communities (modularity objective, unweighted) of the people with ties, and
    their normalised mutual information with the groups (over the same people)."""
    g = _as_int(groups)
    connected = np.zeros(ties.n, dtype=bool)
    connected[ties.a] = True
    connected[ties.b] = True
    if ties.count == 0:
        return Communities(np.full(ties.n, -1, dtype=np.int64), 0, None)
    graph = graph_of(ties)
    # igraph draws from a Python random-like generator; a seeded one makes runs repeatable.
    ig.set_random_number_generator(random.Random(seed))
    try:
        partition = graph.community_leiden(
            objective_function="modularity", resolution=resolution, n_iterations=-1
        )
    finally:
        ig.set_random_number_generator(random)
    membership = np.asarray(partition.membership, dtype=np.int64)
    membership[~connected] = -1
    found = membership[connected]
    _, relabelled = np.unique(found, return_inverse=True)
    membership[connected] = relabelled
    count = int(relabelled.max()) + 1 if relabelled.size else 0
    return Communities(membership, count, nmi(relabelled, g[connected]))


def nmi(
    first: Sequence[int] | NDArray[np.integer], second: Sequence[int] | NDArray[np.integer]
) -> float | None:
    """Normalised mutual information with the arithmetic-mean normaliser (as scikit-learn's
    default): I(X;Y) / ((H(X) + H(Y)) / 2); 1.0 when both partitions are trivial."""
    x = _as_int(first)
    y = _as_int(second)
    if x.size != y.size:
        raise ValueError("partitions must cover the same items")
    if x.size == 0:
        return None
    _, xi = np.unique(x, return_inverse=True)
    _, yi = np.unique(y, return_inverse=True)
    table = np.zeros((int(xi.max()) + 1, int(yi.max()) + 1), dtype=np.float64)
    np.add.at(table, (xi, yi), 1.0)
    p = table / x.size
    px = p.sum(axis=1)
    py = p.sum(axis=0)
    hx = float(-np.sum(px[px > 0] * np.log(px[px > 0])))
    hy = float(-np.sum(py[py > 0] * np.log(py[py > 0])))
    if hx == 0.0 and hy == 0.0:
        return 1.0
    nz = p > 0
    mi = float(np.sum(p[nz] * np.log(p[nz] / np.outer(px, py)[nz])))
    denominator = (hx + hy) / 2.0
    return max(0.0, min(1.0, mi / denominator)) if denominator > 0 else 0.0


@dataclass(frozen=True)
class Betweenness:
    values: FloatArray  # networkx-normalised
    exact: bool
    pivots: int | None


def betweenness(
    ties: Ties,
    *,
    exact_max: int = EXACT_BETWEENNESS_MAX,
    pivots: int = DEFAULT_PIVOTS,
    seed: int = 1,
) -> Betweenness:
    """Unweighted betweenness, normalised by (n − 1)(n − 2)/2 as networkx does for undirected
    graphs. Exact (Brandes) up to ``exact_max`` people; beyond, estimated from ``pivots``
    sampled sources (Brandes & Pich 2007) and scaled by n / pivots."""
    n = ties.n
    if n < 3:
        return Betweenness(np.zeros(n), True, None)
    scale = 2.0 / ((n - 1) * (n - 2))
    if n <= exact_max:
        raw = np.asarray(graph_of(ties).betweenness(directed=False), dtype=np.float64)
        return Betweenness(raw * scale, True, None)
    return Betweenness(
        pivot_betweenness(ties, pivots=pivots, seed=seed) * scale, False, min(pivots, n)
    )


def pivot_betweenness(ties: Ties, *, pivots: int, seed: int = 1) -> FloatArray:
    """Raw (unnormalised, undirected) betweenness estimated from sampled source nodes."""
    n = ties.n
    k = min(pivots, n)
    rng = np.random.default_rng(seed)
    sources = rng.choice(n, size=k, replace=False)
    graph = graph_of(ties)
    # igraph's subset betweenness sums the dependencies of the chosen sources on all targets
    # (each unordered pair once, as in the exact count); n / k extrapolates to all sources.
    raw = np.asarray(
        graph.betweenness(directed=False, sources=sources.tolist(), targets=None),
        dtype=np.float64,
    )
    return raw * (n / k) if k < n else raw


def constraint(ties: Ties, *, weighted: bool = False) -> FloatArray:
    """Burt's constraint per person (NaN for isolates), as networkx ``constraint``."""
    graph = graph_of(ties)
    values = graph.constraint(weights="weight" if weighted else None)
    return np.asarray(values, dtype=np.float64)


def weighted_degree(ties: Ties) -> FloatArray:
    return np.bincount(
        np.concatenate((ties.a, ties.b)),
        weights=np.concatenate((ties.weight, ties.weight)).astype(np.float64),
        minlength=ties.n,
    )


def gini(values: Sequence[float] | FloatArray) -> float | None:
    """Gini of non-negative values (METRICS §9 form, sorted ascending); None if all zero."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    total = float(x.sum())
    if x.size == 0 or total <= 0:
        return None
    ranks = np.arange(1, x.size + 1, dtype=np.float64)
    return float(np.sum((2.0 * ranks - x.size - 1.0) * x) / (x.size * total))


@dataclass(frozen=True)
class Overload:
    gini_weighted_degree: float | None
    top_share: float | None  # share of total weighted degree held by the top 5 % of people
    top_people: int


def overload(ties: Ties, *, top: float = TOP_SHARE) -> Overload:
    degree = weighted_degree(ties)
    total = float(degree.sum())
    k = max(1, math.ceil(top * ties.n)) if ties.n else 0
    if total <= 0:
        return Overload(None, None, k)
    top_sum = float(np.sort(degree)[::-1][:k].sum())
    return Overload(gini(degree), top_sum / total, k)


def reciprocity(
    sender: Sequence[int] | NDArray[np.integer],
    recipient: Sequence[int] | NDArray[np.integer],
    *,
    n: int,
) -> float | None:
    """Share of directed pairs (a → b, a ≠ b, known people) whose reverse b → a also occurs;
    None when there are no pairs."""
    s = _as_int(sender)
    r = _as_int(recipient)
    keep = (s != r) & (s >= 0) & (r >= 0) & (s < n) & (r < n)
    pairs = np.unique(s[keep] * np.int64(n) + r[keep])
    if pairs.size == 0:
        return None
    reverse = (pairs % n) * np.int64(n) + pairs // n
    return float(np.isin(reverse, pairs, assume_unique=True).mean())
