"""Network metrics against METRICS.md §10 reference values and networkx as the oracle."""

import networkx as nx
import numpy as np
import pytest

from accord.metrics import network


def _ties_of(graph: nx.Graph) -> tuple[network.Ties, list[object]]:
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    senders = [index[u] for u, _ in graph.edges]
    recipients = [index[v] for _, v in graph.edges]
    return network.ties_from_events(senders, recipients, n=len(nodes)), nodes


def _karate() -> tuple[network.Ties, np.ndarray]:
    graph = nx.karate_club_graph()
    ties, nodes = _ties_of(graph)
    clubs = sorted({graph.nodes[n]["club"] for n in nodes})
    groups = np.array([clubs.index(graph.nodes[n]["club"]) for n in nodes])
    return ties, groups


def test_karate_club_ei_index_is_the_reference_value():
    ties, groups = _karate()
    result = network.ei_index(ties, groups, 2)
    assert ties.count == 78
    assert (result.external, result.internal) == (11, 67)
    assert result.overall == pytest.approx(-0.71795, abs=1e-5)
    # per group: ties with exactly one end in it vs both ends in it
    assert sum(g.internal for g in result.groups) == 67
    assert all(g.external == 11 for g in result.groups)


def test_karate_club_modularity_is_the_reference_value_and_matches_networkx():
    ties, groups = _karate()
    value = network.modularity(ties, groups)
    assert value == pytest.approx(0.35823, abs=1e-5)
    graph = nx.karate_club_graph()
    parts = [{n for n in graph if graph.nodes[n]["club"] == c} for c in ("Mr. Hi", "Officer")]
    assert value == pytest.approx(nx.community.modularity(graph, parts, weight=None), abs=1e-12)


def test_kite_betweenness_and_constraint_are_the_reference_values():
    graph = nx.krackhardt_kite_graph()
    ties, nodes = _ties_of(graph)
    result = network.betweenness(ties)
    assert result.exact
    assert result.values[nodes.index(7)] == pytest.approx(0.3889, abs=1e-4)
    expected = nx.betweenness_centrality(graph, normalized=True)
    for i, node in enumerate(nodes):
        assert result.values[i] == pytest.approx(expected[node], abs=1e-12)
    constraint = network.constraint(ties)
    assert constraint[nodes.index(7)] == pytest.approx(0.4311, abs=1e-4)
    oracle = nx.constraint(graph)
    for i, node in enumerate(nodes):
        assert constraint[i] == pytest.approx(oracle[node], abs=1e-9)


def test_ties_drop_self_ties_unknown_people_and_weak_ties():
    senders = [0, 0, 1, 2, 2, -1, 3]
    recipients = [1, 1, 0, 2, 3, 1, 2]
    ties = network.ties_from_events(senders, recipients, n=4)
    assert list(zip(ties.a.tolist(), ties.b.tolist(), ties.weight.tolist(), strict=True)) == [
        (0, 1, 3),
        (2, 3, 2),
    ]
    strong = network.ties_from_events(senders, recipients, n=4, min_weight=3)
    assert strong.count == 1
    with pytest.raises(ValueError, match="min_weight"):
        network.ties_from_events(senders, recipients, n=4, min_weight=0)


def test_function_matrix_is_symmetric_with_within_ties_on_the_diagonal():
    ties, groups = _karate()
    matrix = network.function_matrix(ties, groups, 2)
    assert (matrix == matrix.T).all()
    assert matrix[0, 1] == 11
    assert matrix[0, 0] + matrix[1, 1] == 67


def test_betweenness_from_pivots_tracks_the_exact_values():
    graph = nx.barabasi_albert_graph(400, 3, seed=7)
    ties, _ = _ties_of(graph)
    exact = network.betweenness(ties).values
    estimated = network.betweenness(ties, exact_max=100, pivots=200, seed=3)
    assert not estimated.exact
    ranks_exact = np.argsort(np.argsort(exact))
    ranks_estimated = np.argsort(np.argsort(estimated.values))
    rho = np.corrcoef(ranks_exact, ranks_estimated)[0, 1]
    assert rho > 0.9
    assert estimated.values.sum() == pytest.approx(exact.sum(), rel=0.2)


def test_communities_recover_planted_groups_and_nmi_matches_the_definition():
    graph = nx.planted_partition_graph(4, 25, 0.5, 0.01, seed=5)
    ties, nodes = _ties_of(graph)
    groups = np.array([node // 25 for node in nodes])
    found = network.communities(ties, groups, seed=2)
    assert found.count == 4
    assert found.nmi_with_groups == pytest.approx(1.0, abs=1e-9)
    assert network.nmi([0, 0, 1, 1], [1, 1, 0, 0]) == pytest.approx(1.0)
    assert network.nmi([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0, abs=1e-12)
    # arithmetic-mean normalisation: I = ln2 / 2 ... computed by hand for this pair
    value = network.nmi([0, 0, 0, 1], [0, 0, 1, 1])
    p = np.array([[0.5, 0.25], [0.0, 0.25]])
    px, py = p.sum(1), p.sum(0)
    mi = sum(
        p[i, j] * np.log(p[i, j] / (px[i] * py[j])) for i in range(2) for j in range(2) if p[i, j]
    )
    hx = -sum(v * np.log(v) for v in px)
    hy = -sum(v * np.log(v) for v in py)
    assert value == pytest.approx(mi / ((hx + hy) / 2))


def test_overload_and_reciprocity():
    # a star: the hub holds half of all tie ends
    ties = network.ties_from_events([0] * 19, list(range(1, 20)), n=20)
    result = network.overload(ties)
    assert result.top_people == 1
    assert result.top_share == pytest.approx(0.5)
    assert result.gini_weighted_degree == pytest.approx(network.gini([19] + [1] * 19))
    assert network.gini([10, 10, 10, 10]) == 0.0
    assert network.gini([40, 0, 0, 0]) == pytest.approx(0.75)
    assert network.reciprocity([0, 1, 0, 2], [1, 0, 2, 3], n=4) == pytest.approx(2 / 4)
    assert network.reciprocity([0], [0], n=1) is None
    empty = network.ties_from_events([], [], n=3)
    assert network.overload(empty).gini_weighted_degree is None
    assert network.modularity(empty, [0, 1, 1]) is None


def test_density_of_the_network_and_of_every_pair_of_groups():
    """Density is ties over possible pairs: n(n − 1)/2 inside a group, n·m between two."""
    graph = nx.karate_club_graph()
    ties, groups = _karate()
    result = network.density(ties, groups, 2)
    assert result.overall == pytest.approx(nx.density(graph))
    sizes = np.bincount(groups)
    counts = network.function_matrix(ties, groups, 2)
    assert result.matrix[0, 0] == pytest.approx(counts[0, 0] / (sizes[0] * (sizes[0] - 1) / 2))
    assert result.matrix[0, 1] == pytest.approx(counts[0, 1] / (sizes[0] * sizes[1]))
    assert result.matrix[0, 1] == result.matrix[1, 0]
    lonely = network.density(network.ties_from_events([], [], n=1), [0], 1)
    assert lonely.overall is None
    assert np.isnan(lonely.matrix[0, 0])


def _epoch(text: str) -> int:
    import datetime

    return int(datetime.datetime.fromisoformat(text).timestamp())


def test_after_hours_uses_each_senders_time_zone_with_daylight_saving():
    """09:30 UTC is working time in Dublin but 02:30 in Los Angeles; in July Dublin is UTC+1,
    so 17:30 UTC is 18:30 there (inside 8–19) and 18:30 UTC is 19:30 (after hours)."""
    zones = ["Europe/Dublin", "America/Los_Angeles", ""]
    occurred = [
        _epoch("2026-01-14T09:30:00+00:00"),  # Dublin 09:30 — working
        _epoch("2026-01-14T09:30:00+00:00"),  # LA 01:30 — after hours
        _epoch("2026-07-14T17:30:00+00:00"),  # Dublin 18:30 (IST) — working
        _epoch("2026-07-14T18:30:00+00:00"),  # Dublin 19:30 — after hours
        _epoch("2026-07-14T07:59:00+00:00"),  # blank zone = UTC 07:59 — after hours
        _epoch("2026-07-14T12:00:00+00:00"),  # unknown sender — left out
    ]
    sender = [0, 1, 0, 0, 2, -1]
    result = network.after_hours(
        occurred, sender, zones, start_hour=8, end_hour=19, groups=[0, 1, 1], n_groups=2
    )
    assert (result.after, result.total) == (3, 5)
    assert result.share == pytest.approx(0.6)
    assert result.groups_after.tolist() == [1, 2]
    assert result.groups_total.tolist() == [3, 2]
    assert result.group_share(0) == pytest.approx(1 / 3)
    # A Saturday midday counts only when weekends are after hours.
    saturday = [_epoch("2026-01-17T12:00:00+00:00")]
    plain = network.after_hours(
        saturday, [0], zones, start_hour=8, end_hour=19, groups=[0, 1, 1], n_groups=2
    )
    assert plain.after == 0
    strict = network.after_hours(
        saturday,
        [0],
        zones,
        start_hour=8,
        end_hour=19,
        groups=[0, 1, 1],
        n_groups=2,
        weekends=True,
    )
    assert strict.after == 1
    none = network.after_hours(
        [], [], zones, start_hour=8, end_hour=19, groups=[0, 1, 1], n_groups=2
    )
    assert none.share is None
    assert none.group_share(1) is None
    with pytest.raises(ValueError, match="working hours"):
        network.after_hours([], [], zones, start_hour=19, end_hour=8, groups=[0, 1, 1], n_groups=2)


def test_betweenness_check_reports_a_high_rank_correlation_on_a_structured_graph():
    graph = nx.barabasi_albert_graph(1500, 3, seed=11)
    ties, _ = _ties_of(graph)
    rho = network.betweenness_check(ties, sample=600, pivots=300, seed=4)
    assert rho is not None
    assert rho > 0.85
    assert network.betweenness_check(network.ties_from_events([], [], n=5)) is None
    assert network.rank_correlation(np.array([1.0, 2.0, 3.0]), np.array([3.0, 5.0, 9.0])) == 1.0


def test_window_change_is_later_minus_earlier_and_skips_missing_values():
    before = network.WindowFigures(-0.2, 0.3, 0.1, {"Sales": -0.5, "Finance": None, "Gone": 0.1})
    after = network.WindowFigures(0.1, 0.25, None, {"Sales": -0.25, "Finance": 0.2, "New": 0.0})
    change = network.window_change(before, after)
    assert change.ei_index == pytest.approx(0.3)
    assert change.modularity == pytest.approx(-0.05)
    assert change.density is None
    assert change.groups_ei == {"Sales": pytest.approx(0.25), "Finance": None}


def test_constraint_for_some_people_equals_the_full_vector_at_those_people():
    graph = nx.krackhardt_kite_graph()
    ties, _ = _ties_of(graph)
    full = network.constraint(ties)
    some = network.constraint(ties, people=[7, 0, 9])
    assert some.tolist() == pytest.approx([full[7], full[0], full[9]], nan_ok=True)
    assert network.constraint(ties, people=[]).size == 0
