"""Pivot-sampled betweenness is networkx's ``betweenness_centrality(k=…, seed=…)`` value for
value: same pivots, same extrapolation (sources and non-sources scaled differently)."""

import random

import networkx as nx
import numpy as np
import pytest

from accord.metrics import network


def _ties_of(graph: nx.Graph) -> network.Ties:
    nodes = list(graph.nodes)
    assert nodes == list(range(len(nodes)))
    senders = [u for u, _ in graph.edges]
    recipients = [v for _, v in graph.edges]
    return network.ties_from_events(senders, recipients, n=len(nodes))


@pytest.mark.parametrize(
    ("graph", "pivots", "seed"),
    [
        (nx.connected_watts_strogatz_graph(400, 8, 0.1, seed=3), 60, 5),
        (nx.barabasi_albert_graph(300, 2, seed=2), 2, 1),
        (nx.gnp_random_graph(200, 0.02, seed=4), 37, 9),  # disconnected, with isolates
        (nx.path_graph(10), 3, 1),
    ],
)
def test_pivot_betweenness_equals_networkx_k_sampling(graph, pivots, seed):
    ties = _ties_of(graph)
    ours = network.betweenness(ties, exact_max=1, pivots=pivots, seed=seed)
    theirs = nx.betweenness_centrality(graph, k=pivots, seed=seed, normalized=True)
    assert not ours.exact
    assert ours.pivots == pivots
    np.testing.assert_allclose(ours.values, [theirs[i] for i in range(ties.n)], atol=1e-15)


def test_pivots_are_networkx_sample_and_all_people_means_exact():
    assert network.pivot_sources(50, 7, seed=3) == random.Random(3).sample(range(50), 7)
    graph = nx.karate_club_graph()
    ties = _ties_of(graph)
    every = network.pivot_betweenness(ties, pivots=100)  # more pivots than people
    exact = network.betweenness(ties).values
    scale = 2.0 / ((ties.n - 1) * (ties.n - 2))
    np.testing.assert_allclose(every * scale, exact, atol=1e-15)
