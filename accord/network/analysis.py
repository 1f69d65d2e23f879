"""One network analysis over people and pairs: the answer `accord network analyze` prints.

Loads nothing itself; takes the arrays from accord/network/files.py (or the database) and
calls the pure metrics in accord/metrics/network.py."""

import math
from typing import Any

import numpy as np

from accord.metrics import network
from accord.network.files import Pairs, People

TOP_BROKERS = 10


def _clean(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)


def analyze(people: People, pairs: Pairs, *, min_weight: int = 1) -> dict[str, Any]:
    n = len(people.emails)
    ties = network.ties_from_events(pairs.sender, pairs.recipient, n=n, min_weight=min_weight)
    groups = people.function_of
    g = len(people.functions)
    ei = network.ei_index(ties, groups, g)
    matrix = network.function_matrix(ties, groups, g)
    found = network.communities(ties, groups)
    between = network.betweenness(ties)
    load = network.overload(ties)
    order = np.argsort(-between.values, kind="stable")[:TOP_BROKERS]
    return {
        "people": n,
        "events": pairs.events,
        "ties": ties.count,
        "unmatched": len(pairs.unmatched),
        "ei_index": _clean(ei.overall),
        "functions": {
            name: {
                "people": ei.groups[code].people,
                "internal_ties": ei.groups[code].internal,
                "external_ties": ei.groups[code].external,
                "ei_index": _clean(ei.groups[code].ei_index),
            }
            for code, name in enumerate(people.functions)
        },
        "function_matrix": {
            row: {col: int(matrix[i, j]) for j, col in enumerate(people.functions)}
            for i, row in enumerate(people.functions)
        },
        "modularity": _clean(network.modularity(ties, groups)),
        "communities": {
            "count": found.count,
            "nmi_with_functions": _clean(found.nmi_with_groups),
        },
        "brokers": [
            {
                "email": people.emails[i],
                "function": people.functions[int(groups[i])],
                "betweenness": _clean(float(between.values[i])),
            }
            for i in order.tolist()
            if between.values[i] > 0
        ],
        "betweenness_exact": between.exact,
        "overload": {
            "gini_weighted_degree": _clean(load.gini_weighted_degree),
            "top5pct_share": _clean(load.top_share),
        },
    }
