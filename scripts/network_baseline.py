"""Baseline: the straightforward pandas + networkx script `accord network analyze` is measured
against (issue 8, "Speed").

    .venv/bin/python scripts/network_baseline.py --people people.csv --events events.csv \
        [--min-weight 1] [--pivots 500] [--exact-max 3000] [--json]

What a careful analyst would write without thinking about speed: read both CSV files with
pandas, split and explode the recipients, map e-mail addresses to people, count ties with a
groupby, build a weighted ``nx.Graph`` with every person as a node, then E-I overall and per
function, the function × function matrix, ``nx.community.modularity`` of the function
partition (unweighted), ``nx.betweenness_centrality`` and the overload figures.

Betweenness follows the same rule as Accord: exact up to ``--exact-max`` people (3,000, as
``accord.metrics.network.EXACT_BETWEENNESS_MAX``); beyond, networkx's own pivot sampling
(``k=--pivots``, 500 as ``DEFAULT_PIVOTS``, ``seed=1``). The pivots networkx draws are not the
ones Accord draws, so above the threshold the two answers agree in rank, not in value (the
benchmark compares the top 10 and the Spearman rank correlation).

Communities are not computed (the issue's baseline covers E-I, matrix, modularity and
betweenness): ``communities`` is ``{"count": null, "nmi_with_functions": null}``. The JSON has
the same shape as ``accord network analyze --json`` otherwise.
"""

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

EXACT_MAX = 3000
PIVOTS = 500
TOP = 10


def _clean(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)


def _ei(external: int, internal: int) -> float | None:
    total = external + internal
    return (external - internal) / total if total else None


def baseline(
    people_path: Path,
    events_path: Path,
    *,
    min_weight: int = 1,
    pivots: int = PIVOTS,
    exact_max: int = EXACT_MAX,
    seed: int = 1,
) -> dict[str, Any]:
    people = pd.read_csv(people_path, dtype=str)
    people.columns = [c.strip().lower() for c in people.columns]
    people["email"] = people["email"].str.strip().str.lower()
    people["function"] = people["function"].str.strip()
    people = people.reset_index(drop=True)
    index_of = pd.Series(people.index, index=people["email"])
    function_of = people["function"]

    events = pd.read_csv(events_path, dtype=str)
    events.columns = [c.strip().lower() for c in events.columns]
    events = events[["sender", "recipients"]]
    event_count = len(events)
    events["recipients"] = events["recipients"].fillna("").str.split(";")
    pairs = events.explode("recipients")
    pairs["sender"] = pairs["sender"].str.strip().str.lower()
    pairs["recipients"] = pairs["recipients"].str.strip().str.lower()
    pairs = pairs[pairs["recipients"].notna() & (pairs["recipients"] != "")]
    pairs["s"] = pairs["sender"].map(index_of)
    pairs["r"] = pairs["recipients"].map(index_of)
    unknown = pd.concat(
        [pairs.loc[pairs["s"].isna(), "sender"], pairs.loc[pairs["r"].isna(), "recipients"]]
    )
    unmatched = unknown[unknown.notna() & (unknown != "")].nunique()
    pairs = pairs.dropna(subset=["s", "r"])
    pairs = pairs[pairs["s"] != pairs["r"]]
    pairs["a"] = pairs[["s", "r"]].min(axis=1).astype(int)
    pairs["b"] = pairs[["s", "r"]].max(axis=1).astype(int)
    ties = pairs.groupby(["a", "b"]).size().reset_index(name="weight")
    ties = ties[ties["weight"] >= min_weight]

    graph = nx.Graph()
    graph.add_nodes_from(people.index)
    graph.add_weighted_edges_from(ties[["a", "b", "weight"]].itertuples(index=False))

    # E-I and the matrix from the ties' two functions.
    ties["fa"] = ties["a"].map(function_of)
    ties["fb"] = ties["b"].map(function_of)
    inside = ties["fa"] == ties["fb"]
    names = sorted(function_of.unique())
    internal_by = ties.loc[inside, "fa"].value_counts()
    crossing = ties.loc[~inside]
    external_by = pd.concat([crossing["fa"], crossing["fb"]]).value_counts()
    people_by = function_of.value_counts()
    internal = int(inside.sum())
    external = len(ties) - internal
    functions = {}
    for name in names:
        i = int(internal_by.get(name, 0))
        e = int(external_by.get(name, 0))
        functions[name] = {
            "people": int(people_by[name]),
            "internal_ties": i,
            "external_ties": e,
            "ei_index": _clean(_ei(e, i)),
        }
    both = pd.concat(
        [crossing[["fa", "fb"]], crossing[["fb", "fa"]].set_axis(["fa", "fb"], axis=1)]
    )
    both = pd.concat([both, ties.loc[inside, ["fa", "fb"]]])
    counts = both.groupby(["fa", "fb"]).size()
    matrix = {row: {col: int(counts.get((row, col), 0)) for col in names} for row in names}

    partition = [set(people.index[function_of == name]) for name in names]
    modularity = (
        nx.community.modularity(graph, partition, weight=None) if graph.number_of_edges() else None
    )

    n = graph.number_of_nodes()
    exact = n <= exact_max
    between = nx.betweenness_centrality(
        graph, k=None if exact else min(pivots, n), normalized=True, seed=seed
    )
    ranked = sorted(between.items(), key=lambda item: (-item[1], item[0]))[:TOP]

    degree = np.array([d for _, d in graph.degree(weight="weight")], dtype=float)
    total = degree.sum()
    ordered = np.sort(degree)
    ranks = np.arange(1, n + 1)
    gini = float(np.sum((2 * ranks - n - 1) * ordered) / (n * total)) if total else None
    top = max(1, math.ceil(0.05 * n))
    top_share = float(ordered[::-1][:top].sum() / total) if total else None

    return {
        "people": len(people),
        "events": int(event_count),
        "ties": len(ties),
        "unmatched": int(unmatched),
        "ei_index": _clean(_ei(external, internal)),
        "functions": functions,
        "function_matrix": matrix,
        "modularity": _clean(modularity),
        "communities": {"count": None, "nmi_with_functions": None},
        "brokers": [
            {
                "email": people.at[node, "email"],
                "function": function_of[node],
                "betweenness": _clean(value),
            }
            for node, value in ranked
            if value > 0
        ],
        "betweenness_exact": exact,
        "overload": {"gini_weighted_degree": _clean(gini), "top5pct_share": _clean(top_share)},
        # Not in Accord's answer (dropped unless --raw): unrounded figures for the checks.
        "raw": {
            "modularity": modularity,
            "betweenness": {people.at[node, "email"]: value for node, value in between.items()},
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", required=True, type=Path)
    parser.add_argument("--events", required=True, type=Path)
    parser.add_argument("--min-weight", type=int, default=1)
    parser.add_argument("--pivots", type=int, default=PIVOTS)
    parser.add_argument("--exact-max", type=int, default=EXACT_MAX)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--raw", action="store_true", help="add unrounded modularity and all betweenness"
    )
    options = parser.parse_args()
    answer = baseline(
        options.people,
        options.events,
        min_weight=options.min_weight,
        pivots=options.pivots,
        exact_max=options.exact_max,
    )
    if not options.raw:
        answer.pop("raw")
    if options.json:
        print(json.dumps(answer))
    else:
        print(json.dumps(answer, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
