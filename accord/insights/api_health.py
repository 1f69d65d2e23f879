"""Health over the API: a partnership's latest health snapshot and its history, a refresh on
demand, and the workspace's health index settings. Same permissions as the pages: whoever
sees the partnership reads its health; its lead and sponsor and workspace admins refresh it;
admins and owners change the settings."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check
from accord.api.problems import Problem
from accord.api.schemas import Page, PageParams, PatchSchema, paginate
from accord.insights.health import (
    InsightSettingsConflict,
    effective_weights,
    insight_settings_get,
    insight_settings_update,
)
from accord.insights.health_selectors import (
    REFRESH_DENIED,
    ComponentView,
    health_can_refresh,
    health_latest,
    health_snapshot_list,
)
from accord.insights.models import HealthSnapshot, InsightSettings
from accord.metrics.health_index import COMPONENT_LABELS, DEFAULT_WEIGHTS
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.workspaces.models import Membership

router = Router(tags=["Health"])


# --- shapes ---------------------------------------------------------------------------------


class ComponentOut(Schema):
    key: str
    label: str
    value: float | None = Field(description="0–100, or null when the component has no data.")
    weight: float
    effective_weight: float = Field(description="Share of the score (0–1); 0 without data.")
    evidence: str
    status: str = Field(description='"ok" or "no data".')
    freshness_days: int | None = Field(description="Age in days of the newest data behind it.")
    trend: float | None = Field(description="Change in points since the previous snapshot.")


class SnapshotOut(Schema):
    partnership: str = Field(description="The partnership's slug.")
    date: date
    score: float | None = Field(description="0–100, or null when too little weight has data.")
    covered_share: float = Field(description="Share (0–1) of the total weight with data.")
    components: list[ComponentOut]
    reasons: list[str]
    computed_at: datetime

    @staticmethod
    def resolve_partnership(obj: Any) -> str:
        return str(obj.partnership.slug)

    @staticmethod
    def resolve_components(obj: Any) -> list[ComponentView]:
        # Rows stored by earlier versions may lack fields: read them as the health page does.
        return [
            ComponentView.from_row(row) for row in obj.components or [] if isinstance(row, dict)
        ]


class HistoryOut(Schema):
    date: date
    score: float | None
    covered_share: float
    computed_at: datetime


class HistoryParams(PageParams):
    since: date | None = Field(None, description="First day (YYYY-MM-DD), included.")
    until: date | None = Field(None, description="Last day (YYYY-MM-DD), included.")


class RefreshOut(Schema):
    snapshots: int
    snapshot: SnapshotOut


class WeightOut(Schema):
    key: str
    label: str
    weight: float
    default: float


class SettingsOut(Schema):
    weights: list[WeightOut]
    min_covered_share: float
    decision_target_days: int
    version: int

    @staticmethod
    def resolve_weights(obj: InsightSettings) -> list[dict[str, Any]]:
        weights = effective_weights(obj)
        return [
            {"key": key, "label": label, "weight": weights[key], "default": DEFAULT_WEIGHTS[key]}
            for key, label in COMPONENT_LABELS.items()
        ]


class SettingsPatch(PatchSchema):
    weights: dict[str, float] | None = Field(
        None, description="Component key → weight ≥ 0; keys left out keep their weight."
    )
    min_covered_share: float | None = Field(None, ge=0, le=1)
    decision_target_days: int | None = Field(None, ge=1, le=365)
    version: int | None = Field(None, description="The version read; a stale one is a 409.")


# --- endpoints ------------------------------------------------------------------------------


def _partnership(membership: Membership, slug: str) -> Partnership:
    return partnership_get(membership=membership, slug=slug)


@router.get("/partnerships/{slug}/health", response=SnapshotOut)
def get_health(request: HttpRequest, slug: str) -> HealthSnapshot:
    """The latest health snapshot: score, covered share, every component with its evidence."""
    partnership = _partnership(membership_of(request), slug)
    latest = health_latest(partnership=partnership)
    if latest is None:
        raise Problem(
            "not-found",
            f"{partnership.name} has no health snapshot yet: snapshots are taken daily, or "
            f"POST /partnerships/{partnership.slug}/health/refresh to take one now.",
        )
    latest.partnership = partnership
    return latest


@router.get("/partnerships/{slug}/health/history", response=Page[HistoryOut])
def list_health_history(
    request: HttpRequest, slug: str, params: Query[HistoryParams]
) -> dict[str, Any]:
    """The partnership's daily scores, oldest first, within since/until (constant queries)."""
    if params.since and params.until and params.until < params.since:
        raise Problem("malformed-request", "until must be on or after since.")
    partnership = _partnership(membership_of(request), slug)
    rows = health_snapshot_list(
        partnership=partnership, since=params.since, until=params.until
    ).only("date", "score", "covered_share", "computed_at")
    return paginate(request, rows, params)


@router.post("/partnerships/{slug}/health/refresh", response=RefreshOut)
def refresh_health(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Take today's snapshot now (and refresh the playbook): the lead, sponsor or admins."""
    from accord.insights.refresh import insights_refresh

    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    if not health_can_refresh(membership=membership, partnership=partnership):
        raise Problem("permission-denied", REFRESH_DENIED)
    written = insights_refresh(
        workspace=membership.workspace, today=timezone.localdate(), partnerships=[partnership]
    )
    latest = health_latest(partnership=partnership)
    if latest is not None:
        latest.partnership = partnership
    return {"snapshots": written, "snapshot": latest}


@router.get("/insights/settings", response=SettingsOut)
def get_insight_settings(request: HttpRequest, response: HttpResponse) -> InsightSettings:
    """The health index weights (with their defaults), minimum covered share and decision
    target. ETag carries the version."""
    settings_row = insight_settings_get(workspace=membership_of(request).workspace)
    etag_set(response, settings_row.version)
    return settings_row


@router.patch("/insights/settings", response=SettingsOut)
def update_insight_settings(
    request: HttpRequest, payload: SettingsPatch, response: HttpResponse
) -> InsightSettings:
    """Change the settings (admins and owners). Guard with If-Match (412) or a body
    `version` (409). Snapshots use the new weights from the next refresh."""
    from accord.org.actions import StaleVersion

    membership = role_require(request, "admin")
    current = insight_settings_get(workspace=membership.workspace)
    if_match_check(request, current.version)
    changes = payload.model_dump(exclude_unset=True)
    try:
        updated = insight_settings_update(membership=membership, **changes)
    except InsightSettingsConflict as conflict:
        raise StaleVersion(conflict.current_version) from conflict
    etag_set(response, updated.version)
    return updated
