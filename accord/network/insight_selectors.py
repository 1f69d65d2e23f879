"""Reads for the network pages and API: the workspace's snapshots (windows), one snapshot as
the caller may see it, and the page built from it.

Everyone in the workspace reads function-level figures (``results``, small functions already
withheld when the snapshot was taken); person-level lists (``people_results``) are loaded
only for workspace admins and owners — for anyone else the column is never even read."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.db.models.fields.json import KT

from accord.network.models import NetworkImport, NetworkSnapshot
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

TREND_POINTS = 52  # the trend chart and the window selector: the last year of weekly windows
PERSON_LEVEL_NOTE = (
    "Person-level views (brokers and overloaded people) are for workspace admins and owners; "
    "members see figures for whole functions only."
)
REFRESH_DENIED = "Only workspace admins and owners can refresh the network snapshots."
TREND_KEYS = ("ei_index", "modularity", "density", "nmi_with_functions", "after_hours_share")


def network_can_admin(*, membership: Membership) -> bool:
    return bool(membership.can_admin)


def _visible(membership: Membership) -> QuerySet[NetworkSnapshot]:
    snapshots = NetworkSnapshot.objects.filter(workspace=membership.workspace)
    if not network_can_admin(membership=membership):
        snapshots = snapshots.defer("people_results")
    return snapshots


def snapshot_list(*, membership: Membership) -> QuerySet[NetworkSnapshot]:
    """The workspace's snapshots, newest window first, without their results."""
    return (
        NetworkSnapshot.objects.filter(workspace=membership.workspace)
        .only(
            "uuid",
            "window_start",
            "window_end",
            "min_weight",
            "people",
            "interactions",
            "ties",
            "computed_at",
        )
        .order_by("-window_end", "-pk")
    )


def snapshot_latest(*, membership: Membership) -> NetworkSnapshot | None:
    return _visible(membership).order_by("-window_end", "-pk").first()


def snapshot_get(*, membership: Membership, uuid: str) -> NetworkSnapshot:
    """One snapshot of the caller's workspace, or 404."""
    return object_get(_visible(membership), workspace=membership.workspace, uuid=uuid)


def snapshot_people(*, membership: Membership, snapshot: NetworkSnapshot) -> dict[str, Any] | None:
    """The person-level results for admins; None for everyone else."""
    if not network_can_admin(membership=membership):
        return None
    return dict(snapshot.people_results or {})


@dataclass(frozen=True)
class WindowPoint:
    """One snapshot as the window selector and the trend show it (no results loaded)."""

    uuid: str
    window_start: datetime.date
    window_end: datetime.date
    ties: int
    figures: dict[str, float | None]

    @property
    def label(self) -> str:
        return f"{self.window_start:%-d %b} – {self.window_end:%-d %b %Y}"


def _number(value: Any) -> float | None:
    if value is None or value == "" or value == "null":
        return None
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return None


def window_points(*, membership: Membership) -> list[WindowPoint]:
    """The last year of snapshots with their headline figures, newest first (one query: the
    figures are read out of the JSON by the database)."""
    query: Any = (
        NetworkSnapshot.objects.filter(workspace=membership.workspace)
        .order_by("-window_end", "-pk")
        .values(
            "uuid",
            "window_start",
            "window_end",
            "ties",
            **{key: KT(f"results__summary__{key}") for key in TREND_KEYS},
        )[:TREND_POINTS]
    )
    rows: list[dict[str, Any]] = list(query)
    return [
        WindowPoint(
            uuid=str(row["uuid"]),
            window_start=row["window_start"],
            window_end=row["window_end"],
            ties=row["ties"],
            figures={key: _number(row[key]) for key in TREND_KEYS},
        )
        for row in rows
    ]


# --- the page -------------------------------------------------------------------------------


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) < 0.005:
        return "±0.00"
    return f"{value:+.2f}".replace("-", "−")


@dataclass(frozen=True)
class FunctionRow:
    name: str
    withheld: bool
    reason: str
    people: int | None
    active: int | None
    internal: int | None
    external: int | None
    ei_index: float | None
    expected: float | None
    reading: str
    after_hours: float | None
    sent: int | None
    density_within: float | None
    change: float | None

    @property
    def change_text(self) -> str:
        return _signed(self.change)

    @property
    def tone(self) -> str:
        if self.withheld or self.ei_index is None:
            return ""
        if self.ei_index <= -0.5:
            return "danger"
        if self.ei_index < -0.1:
            return "warn"
        return "ok"

    @property
    def bar(self) -> int:
        """The E-I index on a 0–100 scale for a bar (−1 → 0, +1 → 100)."""
        return 50 if self.ei_index is None else round((self.ei_index + 1) * 50)


@dataclass(frozen=True)
class MatrixCell:
    ties: int | None
    density: float | None
    withheld: bool

    @property
    def density_percent(self) -> str:
        return "—" if self.density is None else f"{100 * self.density:.1f}%"


@dataclass(frozen=True)
class NetworkPage:
    snapshot: NetworkSnapshot | None
    windows: list[WindowPoint]
    is_admin: bool
    imported: bool
    functions: list[FunctionRow] = field(default_factory=list)
    matrix_names: list[str] = field(default_factory=list)
    matrix: list[tuple[str, list[MatrixCell]]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    communities: dict[str, Any] = field(default_factory=dict)
    change: dict[str, Any] | None = None
    people: dict[str, Any] | None = None
    charts: dict[str, Any] = field(default_factory=dict)
    withheld: list[FunctionRow] = field(default_factory=list)

    @property
    def has_snapshot(self) -> bool:
        return self.snapshot is not None

    @property
    def is_latest(self) -> bool:
        return (
            bool(self.windows)
            and self.snapshot is not None
            and (self.windows[0].uuid == str(self.snapshot.uuid))
        )

    @property
    def change_ei(self) -> str:
        return _signed(self.change.get("ei_index") if self.change else None)

    @property
    def change_modularity(self) -> str:
        return _signed(self.change.get("modularity") if self.change else None)

    @property
    def trend(self) -> list[WindowPoint]:
        return list(reversed(self.windows))

    @property
    def min_group(self) -> int:
        results = self.snapshot.results if self.snapshot else {}
        return int(results.get("min_group") or 0)

    @property
    def workday(self) -> tuple[int, int]:
        results = self.snapshot.results if self.snapshot else {}
        hours = results.get("workday") or [8, 19]
        return int(hours[0]), int(hours[1])


def _function_rows(results: dict[str, Any]) -> list[FunctionRow]:
    change = (results.get("change") or {}).get("functions") or {}
    rows = []
    for row in results.get("functions", []):
        rows.append(
            FunctionRow(
                name=row["name"],
                withheld=bool(row.get("withheld")),
                reason=row.get("reason", ""),
                people=row.get("people"),
                active=row.get("active"),
                internal=row.get("internal_ties"),
                external=row.get("external_ties"),
                ei_index=row.get("ei_index"),
                expected=row.get("expected_ei_index"),
                reading=row.get("reading", ""),
                after_hours=row.get("after_hours_share"),
                sent=row.get("interactions_sent"),
                density_within=row.get("density_within"),
                change=change.get(row["name"]),
            )
        )
    return rows


def _charts(
    results: dict[str, Any], shown: list[FunctionRow], trend: list[WindowPoint]
) -> dict[str, Any]:
    matrix = results.get("matrix") or {}
    names = matrix.get("functions", [])
    withheld = matrix.get("withheld", [])
    visible = [i for i, name in enumerate(names) if i < len(withheld) and not withheld[i]]
    densities = matrix.get("density", [])
    ties = matrix.get("ties", [])
    cells = [
        [x, y, densities[i][j], ties[i][j]]
        for y, i in enumerate(visible)
        for x, j in enumerate(visible)
        if densities[i][j] is not None
    ]
    # The scale tops out at the densest pair of different functions: inside a function ties
    # are far denser, and a scale up to them would wash every pair of functions out.
    across = [cell[2] for cell in cells if cell[0] != cell[1]]
    top = max(across or [cell[2] for cell in cells] or [0.0]) or 1.0
    return {
        "graph": {"kind": "graph", **(results.get("graph") or {"nodes": [], "edges": []})},
        "heatmap": {
            "kind": "heatmap",
            "names": [names[i] for i in visible],
            "cells": cells,
            "max": top,
        },
        "ei": {
            "kind": "ei",
            "labels": [row.name for row in shown],
            "values": [row.ei_index for row in shown],
            "expected": [row.expected for row in shown],
        },
        "trend": {
            "kind": "trend",
            "series": [
                {
                    "name": "E-I index (whole organisation)",
                    "points": [[p.window_end.isoformat(), p.figures["ei_index"]] for p in trend],
                },
                {
                    "name": "Modularity of the functions",
                    "points": [[p.window_end.isoformat(), p.figures["modularity"]] for p in trend],
                },
                {
                    "name": "Communities vs functions (NMI)",
                    "points": [
                        [p.window_end.isoformat(), p.figures["nmi_with_functions"]] for p in trend
                    ],
                },
            ],
        },
    }


def network_page(*, membership: Membership, window: str | None = None) -> NetworkPage:
    """Everything the network page shows, in a fixed number of queries: the window list with
    its trend figures, the chosen snapshot (the newest unless ``window`` names one; 404 for a
    window outside the workspace) and, before any snapshot, whether anything was imported."""
    is_admin = network_can_admin(membership=membership)
    windows = window_points(membership=membership)
    if window:
        snapshot: NetworkSnapshot | None = snapshot_get(membership=membership, uuid=window)
    else:
        snapshot = snapshot_latest(membership=membership) if windows else None
    if snapshot is None:
        imported = NetworkImport.objects.filter(
            workspace=membership.workspace, status=NetworkImport.Status.DONE
        ).exists()
        return NetworkPage(snapshot=None, windows=windows, is_admin=is_admin, imported=imported)
    results = snapshot.results or {}
    rows = _function_rows(results)
    shown = [row for row in rows if not row.withheld]
    matrix = results.get("matrix") or {}
    names = matrix.get("functions", [])
    flags = matrix.get("withheld", [])
    matrix_rows = [
        (
            name,
            [
                MatrixCell(
                    ties=matrix["ties"][i][j],
                    density=matrix["density"][i][j],
                    withheld=bool(flags[i] or flags[j]),
                )
                for j in range(len(names))
                if not flags[j]
            ],
        )
        for i, name in enumerate(names)
        if not flags[i]
    ]
    return NetworkPage(
        snapshot=snapshot,
        windows=windows,
        is_admin=is_admin,
        imported=True,
        functions=shown,
        withheld=[row for row in rows if row.withheld],
        matrix_names=[name for i, name in enumerate(names) if not flags[i]],
        matrix=matrix_rows,
        summary=results.get("summary") or {},
        communities=results.get("communities") or {},
        change=results.get("change"),
        people=snapshot_people(membership=membership, snapshot=snapshot),
        charts=_charts(results, shown, list(reversed(windows))),
    )
