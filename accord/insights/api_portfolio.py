"""Portfolio over the API: the same rows, filters, sort and summaries as the page, a function's
partnerships and ties, and the KPI roll-up before and after. Every role may read; members-only
partnerships appear only to those who may see them. Constant queries per request."""

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from accord.api.auth import membership_of
from accord.api.schemas import Page, PageParams, Ref, UUIDPath
from accord.insights import portfolio_selectors as selectors
from accord.metrics.portfolio import BELOW

router = Router(tags=["Portfolio"])

SortKey = Literal["name", "health", "-health", "change", "-change", "goals"]
StatusKey = Literal["proposed", "forming", "active", "paused", "closed"]
CategoryKey = Literal[
    "efficiency",
    "customer satisfaction",
    "revenue growth",
    "quality",
    "cost",
    "people",
    "speed",
]


class PortfolioQuery(Schema):
    function: UUID | None = Field(None, description="Only partnerships this function is part of.")
    sponsor: UUID | None = Field(None, description="Only partnerships this person sponsors.")
    status: StatusKey | None = Field(None, description="Lifecycle status.")
    sort: SortKey = Field(
        "name",
        description="name; health / -health (lowest / highest first); change / -change "
        "(falling / rising most first, over 30 days); goals (most goals at risk first).",
    )


class HealthPointOut(Schema):
    date: date
    score: float | None


class PortfolioRowOut(Schema):
    id: UUID
    slug: str
    name: str
    status: str
    lead: Ref | None
    sponsor: Ref | None
    functions: list[Ref]
    health: float | None = Field(description="Latest health index snapshot, 0–100.")
    health_date: date | None
    change_30d: float | None = Field(
        description="Latest score minus the latest one at least 30 days older; null without both."
    )
    trend: str = Field(description="up, down, steady (less than a point) or unknown")
    trend_text: str = Field(examples=["62, up 8 in 30 days"])
    history: list[HealthPointOut] = Field(description="Weekly samples, last 12 weeks.")
    goals_at_risk: int
    goals_open: int
    open_conflicts: int = Field(description="Not resolved or closed; private ones counted.")
    pending_decisions: int = Field(description="Drafts and decisions open for input.")
    next_review: date | None


class BinOut(Schema):
    label: str
    low: int
    high: int
    count: int


class PortfolioTrendPointOut(Schema):
    start: date
    end: date
    mean: float
    partnerships: int


class PortfolioSummaryOut(Schema):
    partnerships: int
    scored: int
    mean: float | None
    below: int = Field(description="Partnerships scoring under `threshold`.")
    threshold: float
    improving: int
    declining: int
    steady: int
    unscored: int
    distribution: list[BinOut]
    trend: list[PortfolioTrendPointOut] = Field(description="Mean health per week, last 12 weeks.")


class TieOut(Schema):
    function: Ref
    gives: float | None = Field(description="How this function rates the other (1–5).")
    gives_n: int
    receives: float | None = Field(description="How the other function rates this one (1–5).")
    receives_n: int
    kudos_given: int
    kudos_received: int


class FunctionTiesOut(Schema):
    function: Ref
    cycles: int = Field(description="Closed coordination cycles the ties come from.")
    withheld: int = Field(description="Cells withheld by the anonymity rules.")
    ties: list[TieOut]


class CategoryChangeOut(Schema):
    category: str
    label: str
    kpis: int
    partnerships: int
    improved: int
    worsened: int
    unchanged: int
    no_data: int
    median_percent: float | None = Field(
        description="Median change in the KPIs' good direction, percent of the first value."
    )


class KpiRollupOut(Schema):
    improved: int
    worsened: int
    median_percent: float | None
    categories: list[CategoryChangeOut]


class KpiChangeOut(Schema):
    id: UUID
    name: str
    unit: str
    category: str
    direction: str
    partnership: Ref
    before: float | None
    before_date: date | None
    since_start: bool = Field(
        description="True when `before` is the first measurement on or after the start date."
    )
    after: float | None
    after_date: date | None
    verdict: str = Field(description="improved, worsened, unchanged or no_data")
    percent: float | None


class KpiFilter(Schema):
    category: CategoryKey | None = None


def _today() -> date:
    return timezone.localdate()


def _ref(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.uuid, "name": obj.name} if obj is not None else None


def _row_out(row: selectors.PortfolioRow) -> dict[str, Any]:
    partnership = row.partnership
    return {
        "id": partnership.uuid,
        "slug": partnership.slug,
        "name": partnership.name,
        "status": partnership.status,
        "lead": _ref(partnership.lead),
        "sponsor": _ref(partnership.sponsor),
        "functions": [_ref(f) for f in row.functions],
        "health": row.trend.score,
        "health_date": row.health_date,
        "change_30d": row.trend.change,
        "trend": row.trend.direction,
        "trend_text": row.trend.sentence,
        "history": [{"date": when, "score": score} for when, score in row.history],
        "goals_at_risk": row.goals_at_risk,
        "goals_open": row.goals_open,
        "open_conflicts": row.open_conflicts,
        "pending_decisions": row.pending_decisions,
        "next_review": row.next_review,
    }


def _filters(query: PortfolioQuery, **override: Any) -> selectors.PortfolioFilters:
    values = {
        "function": str(query.function) if query.function else None,
        "sponsor": str(query.sponsor) if query.sponsor else None,
        "status": query.status,
        "sort": query.sort,
        **override,
    }
    return selectors.PortfolioFilters(**values)


def _page(request: HttpRequest, count: int, rows: list[Any], page: PageParams) -> dict[str, Any]:
    query = request.GET.copy()

    def url(offset: int) -> str:
        query["offset"], query["limit"] = str(offset), str(page.limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    end = page.offset + page.limit
    return {
        "count": count,
        "next": url(end) if end < count else None,
        "previous": url(max(page.offset - page.limit, 0)) if page.offset > 0 else None,
        "results": rows,
    }


@router.get("/portfolio", response=Page[PortfolioRowOut])
def list_portfolio(
    request: HttpRequest, filters: Query[PortfolioQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Every partnership you can see with its health, 30-day change, weekly history, goals at
    risk, open conflicts, pending decisions and next review; filtered and sorted."""
    count, rows = selectors.portfolio_slice(
        membership=membership_of(request),
        filters=_filters(filters),
        today=_today(),
        offset=page.offset,
        limit=page.limit,
    )
    return _page(request, count, [_row_out(row) for row in rows], page)


@router.get("/portfolio/summary", response=PortfolioSummaryOut)
def portfolio_summary(request: HttpRequest, filters: Query[PortfolioQuery]) -> dict[str, Any]:
    """The summary cards, health distribution and weekly mean over every matching partnership."""
    overview = selectors.portfolio_overview(
        membership=membership_of(request), filters=_filters(filters), today=_today()
    )
    summary = overview.summary
    return {
        "partnerships": summary.partnerships,
        "scored": summary.scored,
        "mean": summary.mean,
        "below": summary.below,
        "threshold": BELOW,
        "improving": summary.improving,
        "declining": summary.declining,
        "steady": summary.steady,
        "unscored": overview.unscored,
        "distribution": overview.distribution,
        "trend": overview.trend,
    }


@router.get("/portfolio/kpis", response=KpiRollupOut)
def portfolio_kpis(request: HttpRequest, filters: Query[KpiFilter]) -> dict[str, Any]:
    """Per KPI category: KPIs improved, worsened or unchanged since their partnership started,
    and the median percent change in each KPI's good direction."""
    rollup = selectors.kpi_before_after(
        membership=membership_of(request), category=filters.category
    )
    return {
        "improved": rollup.improved,
        "worsened": rollup.worsened,
        "median_percent": rollup.median_percent,
        "categories": [
            {
                "category": c.category,
                "label": c.label,
                "kpis": c.kpis,
                "partnerships": c.partnerships,
                "improved": c.change.improved,
                "worsened": c.change.worsened,
                "unchanged": c.change.unchanged,
                "no_data": c.change.no_data,
                "median_percent": c.change.median_percent,
            }
            for c in rollup.categories
        ],
    }


@router.get("/portfolio/kpis/changes", response=Page[KpiChangeOut])
def portfolio_kpi_changes(
    request: HttpRequest, filters: Query[KpiFilter], page: Query[PageParams]
) -> dict[str, Any]:
    """Each KPI's first measurement since its partnership started against its latest."""
    rollup = selectors.kpi_before_after(
        membership=membership_of(request), category=filters.category
    )
    rows = [
        {
            "id": row.kpi.uuid,
            "name": row.kpi.name,
            "unit": row.kpi.unit,
            "category": row.kpi.category,
            "direction": row.kpi.direction,
            "partnership": _ref(row.kpi.partnership),
            "before": row.before,
            "before_date": row.before_date,
            "since_start": row.since_start,
            "after": row.after,
            "after_date": row.after_date,
            "verdict": row.change.verdict,
            "percent": row.change.percent,
        }
        for row in rollup.rows[page.offset : page.offset + page.limit]
    ]
    return _page(request, len(rollup.rows), rows, page)


@router.get("/functions/{function_id}/partnerships-health", response=Page[PortfolioRowOut])
def function_partnerships_health(
    request: HttpRequest,
    function_id: UUIDPath,
    filters: Query[PortfolioQuery],
    page: Query[PageParams],
) -> dict[str, Any]:
    """The partnerships a function is part of, with the portfolio's fields (404 for a function
    outside your workspace)."""
    membership = membership_of(request)
    function = selectors.portfolio_function_get(membership=membership, uuid=function_id)
    count, rows = selectors.portfolio_slice(
        membership=membership,
        filters=_filters(filters, function=str(function.uuid)),
        today=_today(),
        offset=page.offset,
        limit=page.limit,
    )
    return _page(request, count, [_row_out(row) for row in rows], page)


@router.get("/functions/{function_id}/ties", response=FunctionTiesOut)
def function_ties(request: HttpRequest, function_id: UUIDPath) -> dict[str, Any]:
    """A function's coordination ties with every other function (released survey aggregates
    only, pooled over the latest closed cycles) and the kudos between them."""
    membership = membership_of(request)
    function = selectors.portfolio_function_get(membership=membership, uuid=function_id)
    ties = selectors.function_ties(membership=membership, function=function)
    return {
        "function": _ref(function),
        "cycles": ties.cycles,
        "withheld": ties.withheld,
        "ties": [
            {
                "function": _ref(t.other),
                "gives": t.gives,
                "gives_n": t.gives_n,
                "receives": t.receives,
                "receives_n": t.receives_n,
                "kudos_given": t.kudos_given,
                "kudos_received": t.kudos_received,
            }
            for t in ties.ties
        ],
    }
