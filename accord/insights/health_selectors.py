"""Reads for the health index: a partnership's snapshots, the page built from them, the card
on the partnership's home, and the workspace's settings as a page shows them.

Visibility follows the partnership's (``partnership_get`` 404s outside the caller's reach);
whoever can manage the partnership (its lead and sponsor, workspace admins and owners) may
ask for a refresh."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from accord.insights.models import HealthSnapshot, InsightSettings
from accord.metrics.health_index import COMPONENT_LABELS, DEFAULT_WEIGHTS
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_can_manage
from accord.workspaces.models import Membership

HISTORY_DAYS = 366  # the page's chart and table: the last year
REFRESH_DENIED = (
    "Only the partnership's lead and sponsor and workspace admins can refresh its health index."
)


def health_can_refresh(*, membership: Membership, partnership: Partnership) -> bool:
    return partnership_can_manage(membership=membership, partnership=partnership)


def health_snapshot_list(
    *,
    partnership: Partnership,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[HealthSnapshot]:
    """The partnership's snapshots, oldest first, within [since, until] when given."""
    snapshots = HealthSnapshot.objects.filter(
        workspace_id=partnership.workspace_id, partnership=partnership
    )
    if since is not None:
        snapshots = snapshots.filter(date__gte=since)
    if until is not None:
        snapshots = snapshots.filter(date__lte=until)
    return snapshots.order_by("date", "pk")


def health_latest(*, partnership: Partnership) -> HealthSnapshot | None:
    """The newest snapshot, or None before the first one (one query)."""
    return (
        HealthSnapshot.objects.filter(
            workspace_id=partnership.workspace_id, partnership=partnership
        )
        .order_by("-date", "-pk")
        .first()
    )


# --- what the page shows --------------------------------------------------------------------


def _days_ago(days: int | None) -> str:
    if days is None:
        return "—"
    if days == 0:
        return "today"
    if days == 1:
        return "1 day ago"
    return f"{days} days ago"


@dataclass(frozen=True)
class ComponentView:
    """One component of a snapshot as the page, the card and the API show it."""

    key: str
    label: str
    value: float | None
    weight: float
    effective_weight: float
    evidence: str
    status: str
    freshness_days: int | None
    trend: float | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "ComponentView":
        key = str(row.get("key", ""))
        return cls(
            key=key,
            label=str(row.get("label") or COMPONENT_LABELS.get(key, key)),
            value=row.get("value"),
            weight=float(row.get("weight") or 0.0),
            effective_weight=float(row.get("effective_weight") or 0.0),
            evidence=str(row.get("evidence") or ""),
            status=str(row.get("status") or "no data"),
            freshness_days=row.get("freshness_days"),
            trend=row.get("trend"),
        )

    @property
    def has_data(self) -> bool:
        return self.status == "ok" and self.value is not None

    @property
    def percent(self) -> int | None:
        return None if self.value is None else round(self.value)

    @property
    def effective_percent(self) -> float:
        return round(100 * self.effective_weight, 1)

    @property
    def freshness(self) -> str:
        return _days_ago(self.freshness_days)

    @property
    def tone(self) -> str:
        return score_tone(self.value if self.has_data else None)

    @property
    def trend_direction(self) -> str:
        return trend_direction(self.trend)

    @property
    def trend_text(self) -> str:
        """Short: "+3", "−2", "No change", "—" (no earlier value)."""
        if self.trend is None:
            return "—"
        if self.trend_direction == "flat":
            return "No change"
        sign = "+" if self.trend > 0 else "−"
        return f"{sign}{abs(self.trend):.0f}"

    @property
    def trend_label(self) -> str:
        return trend_text(self.trend)


def score_tone(value: float | None) -> str:
    """ok (≥ 70), warn (50–70), danger (< 50), "" for no data."""
    if value is None:
        return ""
    if value >= 70:
        return "ok"
    if value >= 50:
        return "warn"
    return "danger"


def trend_direction(change: float | None) -> str:
    """up / down / flat (within half a point) / "" without an earlier value."""
    if change is None:
        return ""
    if change >= 0.5:
        return "up"
    if change <= -0.5:
        return "down"
    return "flat"


def trend_text(change: float | None) -> str:
    if change is None:
        return "No earlier value"
    direction = trend_direction(change)
    if direction == "flat":
        return "No change"
    sign = "+" if change > 0 else "−"
    return f"{sign}{abs(change):.0f} since the previous snapshot"


@dataclass(frozen=True)
class HistoryPoint:
    date: datetime.date
    score: float | None
    covered_share: float


@dataclass
class HealthPage:
    partnership: Partnership
    latest: HealthSnapshot | None
    components: list[ComponentView] = field(default_factory=list)
    history: list[HistoryPoint] = field(default_factory=list)
    previous: HistoryPoint | None = None

    @property
    def score(self) -> float | None:
        return None if self.latest is None else self.latest.score

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None or self.previous.score is None:
            return None
        return self.score - self.previous.score

    @property
    def change_direction(self) -> str:
        return trend_direction(self.change)

    @property
    def change_text(self) -> str:
        return trend_text(self.change)

    @property
    def tone(self) -> str:
        return score_tone(self.score)

    @property
    def covered_percent(self) -> int:
        return 0 if self.latest is None else round(100 * self.latest.covered_share)

    @property
    def with_data(self) -> list[ComponentView]:
        return [c for c in self.components if c.has_data]

    @property
    def without_data(self) -> list[ComponentView]:
        return [c for c in self.components if not c.has_data]

    def chart(self) -> dict[str, Any]:
        """The history line chart's data (the table under it carries the same numbers)."""
        return {
            "points": [
                [point.date.isoformat(), None if point.score is None else round(point.score, 1)]
                for point in self.history
            ]
        }


def health_page(*, partnership: Partnership, today: datetime.date) -> HealthPage:
    """The latest snapshot with its components, and the last year of scores (two queries)."""
    history = [
        HistoryPoint(date=day, score=score, covered_share=share)
        for day, score, share in health_snapshot_list(
            partnership=partnership, since=today - datetime.timedelta(days=HISTORY_DAYS)
        ).values_list("date", "score", "covered_share")
    ]
    latest = health_latest(partnership=partnership) if history else None
    page = HealthPage(partnership=partnership, latest=latest, history=history)
    if latest is not None:
        page.components = [
            ComponentView.from_row(row) for row in latest.components if isinstance(row, dict)
        ]
        earlier = [point for point in history if point.date < latest.date]
        page.previous = earlier[-1] if earlier else None
    return page


@dataclass(frozen=True)
class HealthCard:
    """The health line of a partnership's home: the latest score and its change."""

    date: datetime.date | None = None
    score: float | None = None
    covered_share: float = 0.0
    previous_score: float | None = None
    exists: bool = False

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score

    @property
    def change_direction(self) -> str:
        return trend_direction(self.change)

    @property
    def change_text(self) -> str:
        return trend_text(self.change)

    @property
    def tone(self) -> str:
        return score_tone(self.score)


def health_card(*, partnership: Partnership) -> HealthCard:
    """The latest score and the one before it (one query)."""
    rows = list(
        HealthSnapshot.objects.filter(
            workspace_id=partnership.workspace_id, partnership=partnership
        )
        .order_by("-date", "-pk")
        .values_list("date", "score", "covered_share")[:2]
    )
    if not rows:
        return HealthCard()
    day, score, share = rows[0]
    return HealthCard(
        date=day,
        score=score,
        covered_share=share,
        previous_score=rows[1][1] if len(rows) > 1 else None,
        exists=True,
    )


@dataclass(frozen=True)
class WeightRow:
    key: str
    label: str
    default: float
    weight: float


def insight_settings_rows(settings_row: InsightSettings) -> list[WeightRow]:
    """Every component with its default and current weight, in display order."""
    from accord.insights.health import effective_weights

    weights = effective_weights(settings_row)
    return [
        WeightRow(key=key, label=label, default=DEFAULT_WEIGHTS[key], weight=weights[key])
        for key, label in COMPONENT_LABELS.items()
    ]
