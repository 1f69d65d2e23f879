"""Network over the API: the workspace's snapshot windows, one snapshot (function-level for
everyone; the ``people`` section — brokers and overloaded people — only for admins and
owners), and a refresh on demand (admins and owners). Same rules as the page."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from accord.api.auth import membership_of, role_require
from accord.api.problems import Problem
from accord.api.schemas import Page, PageParams, paginate
from accord.network.insight_selectors import (
    REFRESH_DENIED,
    network_can_admin,
    snapshot_get,
    snapshot_latest,
    snapshot_list,
    snapshot_people,
)
from accord.network.models import NetworkSnapshot
from accord.workspaces.models import Membership

router = Router(tags=["Network"])


class WindowOut(Schema):
    id: str = Field(description="The snapshot's UUID.")
    window_start: date
    window_end: date = Field(description="Last day of the window, included.")
    min_weight: int = Field(description="Interactions a pair needs in the window to be a tie.")
    people_count: int = Field(description="People in the workspace when computed.")
    interactions: int
    ties: int
    computed_at: datetime

    @staticmethod
    def resolve_id(obj: NetworkSnapshot | dict[str, Any]) -> str:
        return str(obj["id"]) if isinstance(obj, dict) else str(obj.uuid)

    @staticmethod
    def resolve_people_count(obj: NetworkSnapshot | dict[str, Any]) -> int:
        return int(obj["people_count"]) if isinstance(obj, dict) else obj.people


class NetworkSnapshotOut(WindowOut):
    results: dict[str, Any] = Field(
        description=(
            "Function-level figures: summary, functions (E-I, ties, after hours; functions "
            "with fewer active people than the minimum group size are withheld with a "
            "reason), matrix (ties and density, withheld cells null), graph, communities, "
            "channels and change against an earlier window."
        )
    )
    people: dict[str, Any] | None = Field(
        None,
        description="Brokers and overloaded people: workspace admins and owners only, else null.",
    )


class NetworkRefreshOut(Schema):
    snapshots: int = Field(description="Windows computed by this refresh.")
    latest: NetworkSnapshotOut | None


def _out(membership: Membership, snapshot: NetworkSnapshot) -> dict[str, Any]:
    return {
        "id": str(snapshot.uuid),
        "window_start": snapshot.window_start,
        "window_end": snapshot.window_end,
        "min_weight": snapshot.min_weight,
        "people_count": snapshot.people,
        "interactions": snapshot.interactions,
        "ties": snapshot.ties,
        "computed_at": snapshot.computed_at,
        "results": snapshot.results,
        "people": snapshot_people(membership=membership, snapshot=snapshot),
    }


@router.get("/network/snapshots", response=Page[WindowOut])
def list_network_snapshots(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The workspace's snapshot windows, newest first (constant queries)."""
    return paginate(request, snapshot_list(membership=membership_of(request)), params)


@router.get("/network/snapshots/latest", response=NetworkSnapshotOut)
def get_network_snapshot_latest(request: HttpRequest) -> dict[str, Any]:
    """The newest window's snapshot."""
    membership = membership_of(request)
    latest = snapshot_latest(membership=membership)
    if latest is None:
        raise Problem(
            "not-found",
            "No network snapshot yet: import collaboration data, then snapshots are taken "
            "daily, or POST /network/snapshots/refresh (admins) to take one now.",
        )
    return _out(membership, latest)


@router.post("/network/snapshots/refresh", response=NetworkRefreshOut)
def refresh_network_snapshots(request: HttpRequest) -> dict[str, Any]:
    """Compute the current window now and fill in missing weekly history (admins, owners)."""
    from accord.network.snapshots import snapshots_refresh

    membership = role_require(request, "viewer")
    if not network_can_admin(membership=membership):
        raise Problem("permission-denied", REFRESH_DENIED)
    taken = snapshots_refresh(workspace=membership.workspace, today=timezone.localdate())
    latest = snapshot_latest(membership=membership)
    return {
        "snapshots": len(taken),
        "latest": _out(membership, latest) if latest is not None else None,
    }


@router.get("/network/snapshots/{snapshot}", response=NetworkSnapshotOut)
def get_network_snapshot(request: HttpRequest, snapshot: str) -> dict[str, Any]:
    """One window's snapshot by id."""
    membership = membership_of(request)
    return _out(membership, snapshot_get(membership=membership, uuid=snapshot))
