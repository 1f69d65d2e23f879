"""Shape of the reporting tree: layers, span of control and broken links.

Span of control = number of direct reports of a manager (Urwick 1956; Gulick 1937). The
organization's layer count is the depth of the deepest chain of command, counted from 1 at
a person with no manager. Cycles (A manages B manages A) cannot occur through the product's
own actions but can arrive by import, so they are detected rather than assumed away.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from statistics import mean, median


@dataclass(frozen=True)
class OrgStructure:
    people: int
    roots: int
    layers: int
    managers: int
    span_mean: float | None
    span_median: float | None
    span_max: int
    in_cycles: frozenset[Hashable] = field(default_factory=frozenset)
    reasons: tuple[str, ...] = ()


def org_structure(links: Iterable[tuple[Hashable, Hashable | None]]) -> OrgStructure:
    """Summarise (person, manager) pairs; managers missing from the set count as none."""
    manager_of: dict[Hashable, Hashable | None] = dict(links)
    for person, manager in list(manager_of.items()):
        if manager is not None and manager not in manager_of:
            manager_of[person] = None

    reports: dict[Hashable, int] = {}
    for manager in manager_of.values():
        if manager is not None:
            reports[manager] = reports.get(manager, 0) + 1

    depth: dict[Hashable, int] = {}
    in_cycles: set[Hashable] = set()
    for start in manager_of:
        chain: list[Hashable] = []
        seen: set[Hashable] = set()
        node: Hashable | None = start
        while node is not None and node not in depth and node not in seen:
            seen.add(node)
            chain.append(node)
            node = manager_of[node]
        if node is not None and node in seen:
            # The walk came back to itself: everything from that node on is a cycle.
            cycle = chain[chain.index(node) :]
            in_cycles.update(cycle)
            for member in cycle:
                depth[member] = 0
            chain = chain[: chain.index(node)]
            base = 0
        else:
            base = depth[node] if node is not None else 0
        for member in reversed(chain):
            base += 1
            depth[member] = base

    spans = list(reports.values())
    roots = sum(1 for person, manager in manager_of.items() if manager is None)
    reasons: list[str] = []
    if in_cycles:
        reasons.append(f"{len(in_cycles)} people report to each other in a loop.")
    if spans and max(spans) > 12:
        reasons.append(f"One manager has {max(spans)} direct reports (more than 12).")
    return OrgStructure(
        people=len(manager_of),
        roots=roots,
        layers=max(depth.values(), default=0),
        managers=len(spans),
        span_mean=round(mean(spans), 2) if spans else None,
        span_median=float(median(spans)) if spans else None,
        span_max=max(spans, default=0),
        in_cycles=frozenset(in_cycles),
        reasons=tuple(reasons),
    )
