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
    sampled sources (Brandes & Pich 2007) as networkx's ``k=pivots`` estimate (same pivots,
    same extrapolation; see ``pivot_betweenness``)."""
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


def pivot_sources(n: int, pivots: int, seed: int = 1) -> list[int]:
    """The pivots: ``min(pivots, n)`` people drawn as networkx draws them for
    ``betweenness_centrality(k=pivots, seed=seed)`` on nodes 0…n−1 (``random.Random(seed)
    .sample``), so the estimate can be checked against networkx value for value."""
    return random.Random(seed).sample(range(n), min(pivots, n))


def pivot_betweenness(ties: Ties, *, pivots: int, seed: int = 1) -> FloatArray:
    """Raw (unnormalised, undirected) betweenness estimated from sampled source nodes.

    The estimator is networkx's (3.5+) for ``k`` pivots with endpoints excluded: a person's
    summed dependencies are extrapolated from the pivots that are not that person — by
    (n − 1) / k for a non-pivot and (n − 1) / (k − 1) for a pivot (whose own row is always
    zero) — which is unbiased for every person, pivots included."""
    n = ties.n
    sources = pivot_sources(n, pivots, seed)
    k = len(sources)
    graph = graph_of(ties)
    # igraph's subset betweenness sums, for each chosen source, its dependencies on all
    # targets, halved for an undirected graph (so k = n gives the exact count).
    raw = np.asarray(
        graph.betweenness(directed=False, sources=sources, targets=None),
        dtype=np.float64,
    )
    if k >= n:
        return raw
    scale = np.full(n, (n - 1) / k)
    scale[sources] = (n - 1) / max(k - 1, 1)
    estimate: FloatArray = raw * scale
    return estimate


def constraint(
    ties: Ties, *, weighted: bool = False, people: Sequence[int] | None = None
) -> FloatArray:
    """Burt's constraint per person (NaN for isolates), as networkx ``constraint``; for the
    given ``people`` only (in that order) when named — on a dense network of thousands the
    whole vector costs far more than the few people a report shows."""
    graph = graph_of(ties)
    weights = "weight" if weighted else None
    if people is not None:
        values = graph.constraint(list(people), weights=weights) if len(people) else []
    else:
        values = graph.constraint(weights=weights)
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


# --- density, after-hours, sampled betweenness check, change between windows -------------


@dataclass(frozen=True)
class Density:
    """Tie density: ties present over ties possible. Within a group of n people n(n − 1)/2
    pairs are possible, between groups of n and m people n·m; the network's n(n − 1)/2."""

    overall: float | None
    matrix: FloatArray  # NaN where no pair is possible (a group of one, or empty)


def density(ties: Ties, groups: Sequence[int] | NDArray[np.integer], n_groups: int) -> Density:
    """Density of the whole network and of every pair of groups (Wasserman & Faust 1994,
    §4.2): the function × function tie counts divided by the pairs of people possible."""
    g = _as_int(groups)
    counts = function_matrix(ties, g, n_groups).astype(np.float64)
    size = np.bincount(g, minlength=n_groups).astype(np.float64)
    possible = np.outer(size, size)
    np.fill_diagonal(possible, size * (size - 1) / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        matrix = np.where(possible > 0, counts / np.where(possible > 0, possible, 1.0), np.nan)
    pairs = ties.n * (ties.n - 1) / 2.0
    return Density(ties.count / pairs if pairs > 0 else None, matrix)


@dataclass(frozen=True)
class AfterHours:
    """Interactions sent outside the sender's working hours, in the sender's time zone."""

    after: int
    total: int
    share: float | None
    groups_after: IntArray  # per group code, by the sender's group
    groups_total: IntArray

    def group_share(self, code: int) -> float | None:
        total = int(self.groups_total[code])
        return int(self.groups_after[code]) / total if total else None


def after_hours(
    occurred: Sequence[int] | NDArray[np.integer],
    sender: Sequence[int] | NDArray[np.integer],
    zones: Sequence[str],
    *,
    start_hour: int,
    end_hour: int,
    groups: Sequence[int] | NDArray[np.integer],
    n_groups: int,
    weekends: bool = False,
) -> AfterHours:
    """Share of interactions (epoch seconds, UTC) whose local hour in the sender's time zone
    (``zones[sender]``, an IANA name; daylight saving included) falls outside
    [start_hour, end_hour); with ``weekends``, Saturday and Sunday count as after hours too.
    Interactions of unknown senders (index < 0) are left out. Vectorised: one polars time-zone
    conversion per distinct zone."""
    import polars as pl

    if not 0 <= start_hour <= 24 or not 0 <= end_hour <= 24 or start_hour >= end_hour:
        raise ValueError("working hours need 0 ≤ start < end ≤ 24")
    t = _as_int(occurred)
    s = _as_int(sender)
    g = _as_int(groups)
    if t.shape != s.shape:
        raise ValueError("occurred and sender must have the same length")
    keep = (s >= 0) & (s < len(zones))
    t, s = t[keep], s[keep]
    names, zone_of = np.unique(
        np.asarray(list(zones) or ["UTC"], dtype=object), return_inverse=True
    )
    event_zone = zone_of[s] if s.size else np.zeros(0, dtype=np.int64)
    outside = np.zeros(t.size, dtype=bool)
    for code, name in enumerate(names.tolist()):
        mask = event_zone == code
        if not mask.any():
            continue
        local = (
            pl.Series(t[mask] * 1_000_000, dtype=pl.Int64)
            .cast(pl.Datetime("us", "UTC"))
            .dt.convert_time_zone(str(name) or "UTC")
        )
        hour = local.dt.hour().to_numpy()
        off = (hour < start_hour) | (hour >= end_hour)
        if weekends:
            off |= local.dt.weekday().to_numpy() >= 6  # ISO: Saturday 6, Sunday 7
        outside[mask] = off
    sender_group = g[s] if s.size else np.zeros(0, dtype=np.int64)
    groups_total = np.bincount(sender_group, minlength=n_groups).astype(np.int64)
    groups_after = np.bincount(sender_group[outside], minlength=n_groups).astype(np.int64)
    after = int(outside.sum())
    total = int(t.size)
    return AfterHours(after, total, after / total if total else None, groups_after, groups_total)


def rank_correlation(first: FloatArray, second: FloatArray) -> float | None:
    """Spearman's rank correlation (average ranks for ties); None when either is constant."""
    from scipy.stats import spearmanr

    if first.size < 3 or np.ptp(first) == 0 or np.ptp(second) == 0:
        return None
    return float(spearmanr(first, second).statistic)


def betweenness_check(
    ties: Ties, *, sample: int = 1000, pivots: int = DEFAULT_PIVOTS, seed: int = 1
) -> float | None:
    """How well pivot sampling ranks brokers on this network: on a snowball sample of about
    ``sample`` people (breadth-first from a random person, so the local structure is kept),
    the rank correlation between exact betweenness and the estimate from pivots drawn at the
    same fraction (``pivots / n``, at least 10) as on the whole network."""
    if ties.count == 0:
        return None
    graph = graph_of(ties)
    rng = np.random.default_rng(seed)
    degree = np.asarray(graph.degree(), dtype=np.int64)
    start = int(rng.choice(np.flatnonzero(degree > 0)))
    order = graph.bfs(start)[0][:sample]
    sub_nodes = np.asarray(order, dtype=np.int64)
    if sub_nodes.size < 10:
        return None
    position = np.full(ties.n, -1, dtype=np.int64)
    position[sub_nodes] = np.arange(sub_nodes.size)
    inside = (position[ties.a] >= 0) & (position[ties.b] >= 0)
    lo = np.minimum(position[ties.a[inside]], position[ties.b[inside]])
    hi = np.maximum(position[ties.a[inside]], position[ties.b[inside]])
    sub = Ties(int(sub_nodes.size), lo, hi, ties.weight[inside])
    exact = betweenness(sub, exact_max=sub.n).values
    fraction = min(1.0, pivots / ties.n)
    k = min(sub.n, max(10, round(fraction * sub.n)))
    estimated = pivot_betweenness(sub, pivots=k, seed=seed)
    return rank_correlation(exact, estimated)


@dataclass(frozen=True)
class WindowFigures:
    """What two windows are compared on: overall E-I, modularity, density and E-I by group
    name (a group missing from one window is not compared)."""

    ei_index: float | None
    modularity: float | None
    density: float | None
    groups_ei: dict[str, float | None]


@dataclass(frozen=True)
class WindowChange:
    ei_index: float | None
    modularity: float | None
    density: float | None
    groups_ei: dict[str, float | None]


def _delta(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return after - before


def window_change(before: WindowFigures, after: WindowFigures) -> WindowChange:
    """Change from one window to the next: later minus earlier, None where either is missing."""
    return WindowChange(
        _delta(before.ei_index, after.ei_index),
        _delta(before.modularity, after.modularity),
        _delta(before.density, after.density),
        {
            name: _delta(before.groups_ei.get(name), value)
            for name, value in after.groups_ei.items()
            if name in before.groups_ei
        },
    )
