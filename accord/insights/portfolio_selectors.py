"""Reads for the portfolio: every visible partnership with its health, trend and open work; a
function's partnerships and coordination ties; KPIs before and after each partnership began.

Everything runs in a constant number of queries, whatever the number of partnerships:

1. one light query over every filtered partnership (latest score and the score 30 days
   earlier, as correlated subqueries on the (partnership, date) index) feeds the summary
   cards, the distribution and the sort;
2. the page's rows (50) are loaded with their lead, sponsor, functions and counts of open
   conflicts, pending decisions and the next review, again as correlated subqueries;
3. one query reads the page's snapshot history for the sparklines, one the workspace mean
   per day for the trend line;
   (for members, the visibility rule is read once as a list of ids and reused: PostgreSQL
   plans the rule's OR across the members join badly when it sits inside other subqueries);
4. goals at risk are computed as the goal list computes them (goal_summaries against the
   workspace's status bands) for the page's partnerships only, in three queries — or for
   every filtered partnership when the list is sorted by goals at risk.
"""

import statistics
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accord.goals.models import Category, Goal, Kpi, Measurement
from accord.goals.selectors import SUMMARY_FIELDS, goal_summaries, kpi_visible, status_bands
from accord.governance.models import Conflict, Decision
from accord.insights.models import HealthSnapshot, Review
from accord.metrics.portfolio import (
    SPARK_WEEKS,
    TREND_DAYS,
    Bin,
    CategoryChange,
    HealthSummary,
    HealthTrend,
    KpiChange,
    Sparkline,
    category_change,
    health_change,
    health_distribution,
    health_summary,
    kpi_change,
    sparkline,
    weekly_points,
)
from accord.org.models import Function, Person
from accord.partnerships.models import Lifecycle, Partnership
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

PAGE_SIZE = 50
SORTS: dict[str, str] = {
    "name": "Name",
    "health": "Health, lowest first",
    "-health": "Health, highest first",
    "change": "Change, falling most first",
    "-change": "Change, rising most first",
    "goals": "Goals at risk, most first",
}
OPEN_CONFLICT_EXCLUDED = (Conflict.Stage.RESOLVED, Conflict.Stage.CLOSED)
PENDING_DECISION = (Decision.Status.DRAFT, Decision.Status.OPEN)
UPCOMING_REVIEW = (Review.Status.SCHEDULED, Review.Status.PREPARED)
OPEN_GOAL = (Goal.Status.ACTIVE, Goal.Status.DRAFT)


@dataclass(frozen=True)
class PortfolioFilters:
    """What the portfolio is narrowed to: ids are validated UUID strings (see the form)."""

    function: str | None = None
    sponsor: str | None = None
    status: str | None = None
    sort: str = "name"

    @property
    def active(self) -> bool:
        return bool(self.function or self.sponsor or self.status)


@dataclass
class PortfolioRow:
    partnership: Partnership
    trend: HealthTrend
    health_date: date | None
    history: list[tuple[date, float | None]]
    spark: Sparkline | None
    goals_at_risk: int
    goals_open: int
    open_conflicts: int
    pending_decisions: int
    next_review: date | None
    # Set by the page: (name, url) of each function, and the partnership's pages.
    function_links: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""
    health_url: str = ""

    @property
    def functions(self) -> list[Function]:
        return list(self.partnership.functions.all())


@dataclass(frozen=True)
class TrendPoint:
    start: date
    end: date
    mean: float
    partnerships: int


@dataclass
class Portfolio:
    filters: PortfolioFilters
    page: Page[int]
    rows: list[PortfolioRow]
    summary: HealthSummary
    distribution: list[Bin]
    unscored: int
    trend: list[TrendPoint]
    today: date

    @property
    def count(self) -> int:
        return self.page.paginator.count


# --- the queries ----------------------------------------------------------------------------


def _count(model: Any, **conditions: Any) -> Coalesce:
    """A correlated COUNT per partnership (not multiplied by other joins)."""
    rows = (
        model.objects.filter(partnership=OuterRef("pk"), **conditions)
        .order_by()
        .values("partnership")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _visible_ids(membership: Membership) -> list[int] | None:
    """Ids of the partnerships a non-admin may see (one query, once per request); None for
    admins, who see every partnership of the workspace. Filtering by a list of ids keeps
    PostgreSQL from planning the visibility rule's OR-over-a-join inside every subquery."""
    if membership.can_admin:
        return None
    cached: list[int] | None = getattr(membership, "_portfolio_visible_ids", None)
    if cached is None:
        visible = partnership_visible_list(membership=membership)
        cached = list(visible.order_by().values_list("pk", flat=True))
        membership._portfolio_visible_ids = cached  # type: ignore[attr-defined]
    return cached


def portfolio_queryset(
    *, membership: Membership, filters: PortfolioFilters | None = None
) -> QuerySet[Partnership]:
    """The visible partnerships matching the filters (no annotations yet)."""
    filters = filters or PortfolioFilters()
    rows = Partnership.objects.filter(workspace=membership.workspace)
    visible = _visible_ids(membership)
    if visible is not None:
        rows = rows.filter(pk__in=visible)
    if filters.function:
        rows = rows.filter(
            pk__in=Partnership.functions.through.objects.filter(
                function__uuid=filters.function, function__workspace=membership.workspace
            ).values("partnership_id")
        )
    if filters.sponsor:
        rows = rows.filter(sponsor__uuid=filters.sponsor)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows


def _with_health(rows: QuerySet[Partnership], *, today: date) -> QuerySet[Partnership]:
    latest = HealthSnapshot.objects.filter(partnership=OuterRef("pk"), date__lte=today).order_by(
        "-date"
    )
    earlier = latest.filter(date__lte=today - timedelta(days=TREND_DAYS))
    return rows.annotate(
        health_score=Subquery(latest.values("score")[:1]),
        health_date=Subquery(latest.values("date")[:1]),
        health_earlier=Subquery(earlier.values("score")[:1]),
    )


def _with_counts(rows: QuerySet[Partnership]) -> QuerySet[Partnership]:
    upcoming = Review.objects.filter(
        partnership=OuterRef("pk"), status__in=UPCOMING_REVIEW
    ).order_by("scheduled_for", "pk")
    return rows.annotate(
        open_conflicts=_count(Conflict, stage__in=_open_conflict_stages()),
        pending_decisions=_count(Decision, status__in=PENDING_DECISION),
        next_review=Subquery(upcoming.values("scheduled_for")[:1]),
    )


def _open_conflict_stages() -> list[str]:
    return [stage for stage in Conflict.Stage.values if stage not in OPEN_CONFLICT_EXCLUDED]


def goals_at_risk(
    *, membership: Membership, partnership_ids: Sequence[int], today: date
) -> dict[int, tuple[int, int]]:
    """Per partnership: (open goals at risk or off track, open goals), counted as the goal
    list counts them — top-level goals and objectives (an objective takes the status of its
    key result furthest behind). Three queries, whatever the number of goals."""
    if not partnership_ids:
        return {}
    goals = list(
        Goal.objects.filter(
            workspace=membership.workspace,
            partnership_id__in=partnership_ids,
            parent__isnull=True,
            status__in=OPEN_GOAL,
        ).only(*SUMMARY_FIELDS)
    )
    summaries = goal_summaries(goals, today=today, bands=status_bands(membership.workspace))
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for goal in goals:
        counts = found[goal.partnership_id]  # type: ignore[index]
        counts[1] += 1
        if summaries[goal.pk].at_risk:
            counts[0] += 1
    return {pk: (counts[0], counts[1]) for pk, counts in found.items()}


def _sort_key(sort: str, name: str, trend: HealthTrend, at_risk: int) -> tuple[Any, ...]:
    label = name.lower()
    if sort in {"health", "-health"}:
        score = trend.score
        sign = -1 if sort == "-health" else 1
        return (score is None, sign * score if score is not None else 0, label)
    if sort in {"change", "-change"}:
        change = trend.change
        sign = -1 if sort == "-change" else 1
        return (change is None, sign * change if change is not None else 0, label)
    if sort == "goals":
        return (-at_risk, label)
    return (label,)


def _history(
    partnership_ids: Sequence[int], *, today: date
) -> dict[int, list[tuple[date, float | None]]]:
    """The page's snapshots of the last SPARK_WEEKS weeks, one query."""
    start = today - timedelta(days=7 * SPARK_WEEKS - 1)
    rows = (
        HealthSnapshot.objects.filter(
            partnership_id__in=partnership_ids, date__gte=start, date__lte=today
        )
        .order_by("partnership_id", "date")
        .values_list("partnership_id", "date", "score")
    )
    found: dict[int, list[tuple[date, float | None]]] = defaultdict(list)
    for partnership_id, when, score in rows:
        found[partnership_id].append((when, score))
    return found


def _mean_trend(
    *, membership: Membership, filters: PortfolioFilters, today: date
) -> list[TrendPoint]:
    """The mean of the filtered partnerships' scores in each of the last SPARK_WEEKS weeks
    (every snapshot in the week counts once), from one grouped query.

    The snapshots are chosen by workspace and date (the covering index on workspace, date,
    score), narrowed by a subquery of the filtered partnerships only when some are left out
    (a filter, or a member who does not see them all): a list of every partnership id would
    be bound and probed one id at a time."""
    start = today - timedelta(days=7 * SPARK_WEEKS - 1)
    snapshots = HealthSnapshot.objects.filter(
        workspace=membership.workspace, date__gte=start, date__lte=today, score__isnull=False
    )
    if filters.function or filters.sponsor or filters.status or not membership.can_admin:
        chosen = portfolio_queryset(membership=membership, filters=filters)
        snapshots = snapshots.filter(partnership_id__in=chosen.order_by().values("pk"))
    per_day = (
        snapshots.order_by()
        .values("date")
        .annotate(mean=Avg("score"), n=Count("pk"))
        .values_list("date", "mean", "n")
    )
    weeks: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for when, mean, count in per_day:
        window = (today - when).days // 7
        totals = weeks[window]
        totals[0] += mean * count
        totals[1] += count
        totals[2] = max(totals[2], count)
    points = []
    for window in sorted(weeks, reverse=True):
        total, n, most = weeks[window]
        end = today - timedelta(days=7 * window)
        points.append(
            TrendPoint(
                start=end - timedelta(days=6), end=end, mean=total / n, partnerships=int(most)
            )
        )
    return points


@dataclass
class _Ordered:
    ids: list[int]
    trends: dict[int, HealthTrend]
    risk: dict[int, tuple[int, int]]  # filled for every row only when sorting by goals


def _ordered(*, membership: Membership, filters: PortfolioFilters, today: date) -> _Ordered:
    """Every filtered partnership's score and change (one query) in the requested order."""
    filtered = portfolio_queryset(membership=membership, filters=filters)
    scored: Any = _with_health(filtered, today=today)
    light = list(scored.order_by().values_list("pk", "name", "health_score", "health_earlier"))
    trends = {
        pk: HealthTrend(score=score, change=health_change(score, earlier))
        for pk, _name, score, earlier in light
    }
    risk: dict[int, tuple[int, int]] = {}
    if filters.sort == "goals":
        risk = goals_at_risk(
            membership=membership, partnership_ids=[row[0] for row in light], today=today
        )
    light.sort(
        key=lambda row: _sort_key(filters.sort, row[1], trends[row[0]], risk.get(row[0], (0, 0))[0])
    )
    return _Ordered([row[0] for row in light], trends, risk)


def _rows(
    *, membership: Membership, ordered: _Ordered, ids: list[int], sort: str, today: date
) -> list[PortfolioRow]:
    """The full rows of some partnerships (a page): four to seven queries, whatever the
    number of rows."""
    if not ids:
        return []
    partnerships = {
        p.pk: p
        for p in _with_counts(_with_health(Partnership.objects.filter(pk__in=ids), today=today))
        .select_related("lead", "sponsor")
        .prefetch_related(Prefetch("functions", queryset=Function.objects.order_by("name")))
    }
    history = _history(ids, today=today)
    risk = (
        ordered.risk
        if sort == "goals"
        else goals_at_risk(membership=membership, partnership_ids=ids, today=today)
    )
    rows = []
    for pk in ids:
        partnership = partnerships[pk]
        points = weekly_points(history.get(pk, []), today=today)
        at_risk, open_goals = risk.get(pk, (0, 0))
        rows.append(
            PortfolioRow(
                partnership=partnership,
                trend=ordered.trends[pk],
                health_date=partnership.health_date,  # type: ignore[attr-defined]
                history=points,
                spark=sparkline([score for _when, score in points]),
                goals_at_risk=at_risk,
                goals_open=open_goals,
                open_conflicts=partnership.open_conflicts,  # type: ignore[attr-defined]
                pending_decisions=partnership.pending_decisions,  # type: ignore[attr-defined]
                next_review=partnership.next_review,  # type: ignore[attr-defined]
            )
        )
    return rows


@dataclass
class PortfolioOverview:
    summary: HealthSummary
    distribution: list[Bin]
    unscored: int
    trend: list[TrendPoint]


def _overview(
    ordered: _Ordered, *, membership: Membership, filters: PortfolioFilters, today: date
) -> PortfolioOverview:
    trends = list(ordered.trends.values())
    return PortfolioOverview(
        summary=health_summary(trends),
        distribution=health_distribution(t.score for t in trends),
        unscored=sum(1 for t in trends if t.score is None),
        trend=_mean_trend(membership=membership, filters=filters, today=today) if trends else [],
    )


def portfolio(
    *,
    membership: Membership,
    filters: PortfolioFilters | None = None,
    today: date,
    page: Any = 1,
    page_size: int = PAGE_SIZE,
) -> Portfolio:
    """The portfolio: summaries over every filtered partnership, rows for one page."""
    filters = filters or PortfolioFilters()
    ordered = _ordered(membership=membership, filters=filters, today=today)
    page_obj = Paginator(ordered.ids, page_size, allow_empty_first_page=True).get_page(page)
    ids = list(page_obj.object_list)
    overview = _overview(ordered, membership=membership, filters=filters, today=today)
    return Portfolio(
        filters=filters,
        page=page_obj,
        rows=_rows(membership=membership, ordered=ordered, ids=ids, sort=filters.sort, today=today),
        summary=overview.summary,
        distribution=overview.distribution,
        unscored=overview.unscored,
        trend=overview.trend,
        today=today,
    )


def portfolio_slice(
    *,
    membership: Membership,
    filters: PortfolioFilters | None = None,
    today: date,
    offset: int,
    limit: int,
) -> tuple[int, list[PortfolioRow]]:
    """The number of filtered partnerships and the rows from ``offset`` (for the API)."""
    filters = filters or PortfolioFilters()
    ordered = _ordered(membership=membership, filters=filters, today=today)
    ids = ordered.ids[offset : offset + limit]
    rows = _rows(membership=membership, ordered=ordered, ids=ids, sort=filters.sort, today=today)
    return len(ordered.ids), rows


def portfolio_overview(
    *, membership: Membership, filters: PortfolioFilters | None = None, today: date
) -> PortfolioOverview:
    """The summary cards, distribution and mean trend over every filtered partnership."""
    filters = filters or PortfolioFilters()
    # Sorting does not change the summaries; skip the goals computation it would need.
    plain = PortfolioFilters(
        function=filters.function, sponsor=filters.sponsor, status=filters.status
    )
    ordered = _ordered(membership=membership, filters=plain, today=today)
    return _overview(ordered, membership=membership, filters=plain, today=today)


# --- filter choices -------------------------------------------------------------------------


def portfolio_filter_choices(*, membership: Membership) -> dict[str, list[Any]]:
    """Functions, sponsors and statuses for the filter form (two queries)."""
    partnerships = portfolio_queryset(membership=membership)
    return {
        "functions": list(
            Function.objects.filter(workspace=membership.workspace)
            .only("uuid", "name")
            .order_by("name", "pk")
        ),
        "sponsors": list(
            Person.objects.filter(
                workspace=membership.workspace, pk__in=partnerships.values("sponsor_id")
            )
            .only("uuid", "name")
            .order_by("name", "pk")
        ),
        "statuses": list(Lifecycle.choices),
    }


# --- a function's view ----------------------------------------------------------------------


def portfolio_function_get(*, membership: Membership, uuid: Any) -> Function:
    """One function of the member's workspace, or 404."""
    found: Function = object_get(
        Function.objects.select_related("lead"), workspace=membership.workspace, uuid=uuid
    )
    return found


@dataclass(frozen=True)
class TieSource:
    """One released coordination cell that involves the function."""

    partnership: str
    cycle_title: str
    closed: date
    rater: str  # function uuid
    rated: str
    rater_name: str
    rated_name: str
    score: float
    n: int


@dataclass
class Tie:
    """The function's tie with one other function, pooled over the latest released cycles:
    each direction is the respondent-weighted mean of the released cells (n ≥ k each)."""

    other: Function | Any
    gives: float | None = None  # how the function rates the other
    gives_n: int = 0
    receives: float | None = None  # how the other rates the function
    receives_n: int = 0
    kudos_given: int = 0
    kudos_received: int = 0


@dataclass
class FunctionTies:
    ties: list[Tie] = field(default_factory=list)
    sources: list[TieSource] = field(default_factory=list)
    cycles: int = 0
    withheld: int = 0
    kudos_total: int = 0


def _coordination_sources(
    *, membership: Membership, function: Function
) -> tuple[list[TieSource], int, int]:
    """Released coordination cells about or by the function, from the latest released cycle
    of each coordination series it takes part in. The anonymity engine of the survey results
    decides what is released; withheld cells are only counted."""
    from django.utils import timezone

    from accord.surveys.models import Cycle, InstrumentKind
    from accord.surveys.results_selectors import (
        latest_ready_cycles,
        released_load,
        released_results,
        results_cycle_visible,
    )

    involved = Q(partnership__isnull=True) | Q(
        partnership_id__in=Partnership.functions.through.objects.filter(function=function).values(
            "partnership_id"
        )
    )
    cycles = list(
        results_cycle_visible(membership=membership)
        .filter(version__instrument__kind=InstrumentKind.COORDINATION)
        .exclude(status=Cycle.Status.DRAFT)
        .filter(involved)
        .order_by("opens_at", "pk")
    )
    latest: dict[tuple[int | None, int], Cycle] = latest_ready_cycles(
        cycles, key=lambda cycle: (cycle.partnership_id, cycle.version.instrument_id)
    )
    chosen = list(latest.values())
    loaded = released_load(chosen)
    key = str(function.uuid)
    sources: list[TieSource] = []
    withheld = 0
    for cycle in chosen:
        results = released_results(cycle=cycle, loaded=loaded)
        if results.matrix is None:
            continue
        for row in results.matrix.rows:
            for cell in row.cells:
                if cell.diagonal or key not in {row.rater.uuid, cell.rated.uuid}:
                    continue
                if not cell.shown or cell.score is None or cell.n is None:
                    withheld += 1
                    continue
                sources.append(
                    TieSource(
                        partnership=cycle.partnership.name
                        if cycle.partnership
                        else "Workspace-wide",
                        cycle_title=cycle.title,
                        closed=timezone.localtime(cycle.closes_at).date(),
                        rater=row.rater.uuid,
                        rated=cell.rated.uuid,
                        rater_name=row.rater.name,
                        rated_name=cell.rated.name,
                        score=cell.score,
                        n=cell.n,
                    )
                )
    return sources, len(chosen), withheld


def function_ties(*, membership: Membership, function: Function) -> FunctionTies:
    """The function's coordination ties (released survey aggregates) and, as a second lens,
    the kudos it gave to and received from each other function (constant queries)."""
    from accord.comms.kudos_selectors import NO_FUNCTION, kudos_matrix

    sources, cycles, withheld = _coordination_sources(membership=membership, function=function)
    others = {
        str(f.uuid): f
        for f in Function.objects.filter(workspace=membership.workspace)
        .exclude(pk=function.pk)
        .only("uuid", "name")
    }
    key = str(function.uuid)
    pooled: dict[str, dict[str, list[float]]] = defaultdict(
        lambda: {"gives": [0.0, 0.0], "receives": [0.0, 0.0]}
    )
    for source in sources:
        if source.rater == key:
            side, other = "gives", source.rated
        else:
            side, other = "receives", source.rater
        totals = pooled[other][side]
        totals[0] += source.score * source.n
        totals[1] += source.n
    kudos = kudos_matrix(membership=membership)
    ties: dict[str, Tie] = {}
    for other_key, sides in pooled.items():
        if other_key not in others:
            continue
        tie = ties.setdefault(other_key, Tie(other=others[other_key]))
        given, received = sides["gives"], sides["receives"]
        if given[1]:
            tie.gives, tie.gives_n = given[0] / given[1], int(given[1])
        if received[1]:
            tie.receives, tie.receives_n = received[0] / received[1], int(received[1])
    by_name = {f.name: k for k, f in others.items()}
    for (giver, receiver), count in kudos.counts.items():
        if NO_FUNCTION in (giver, receiver) or giver == receiver:
            continue
        if giver == function.name and receiver in by_name:
            tie = ties.setdefault(by_name[receiver], Tie(other=others[by_name[receiver]]))
            tie.kudos_given += count
        elif receiver == function.name and giver in by_name:
            tie = ties.setdefault(by_name[giver], Tie(other=others[by_name[giver]]))
            tie.kudos_received += count
    ordered = sorted(ties.values(), key=lambda t: (t.other.name.lower(), str(t.other.uuid)))
    return FunctionTies(
        ties=ordered,
        sources=sorted(sources, key=lambda s: (s.partnership.lower(), s.closed)),
        cycles=cycles,
        withheld=withheld,
        kudos_total=sum(t.kudos_given + t.kudos_received for t in ordered),
    )


# --- KPIs before and after ------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    before: float | None
    before_date: date | None
    after: float | None
    after_date: date | None
    since_start: bool  # the baseline is the first measurement on or after the start date
    change: KpiChange


@dataclass(frozen=True)
class KpiCategory:
    category: str
    label: str
    kpis: int
    partnerships: int
    change: CategoryChange


@dataclass
class KpiRollup:
    categories: list[KpiCategory]
    rows: list[KpiRow]

    @property
    def improved(self) -> int:
        return sum(c.change.improved for c in self.categories)

    @property
    def worsened(self) -> int:
        return sum(c.change.worsened for c in self.categories)

    @property
    def median_percent(self) -> float | None:
        percents = [r.change.percent for r in self.rows if r.change.percent is not None]
        return statistics.median(percents) if percents else None


def kpi_before_after(*, membership: Membership, category: str | None = None) -> KpiRollup:
    """Each visible KPI's first measurement on or after its partnership's start date (the
    first ever when the partnership has no start date or nothing was measured since) against
    its latest, in one query, summarised per category."""
    measurements = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("date", "pk")
    since = measurements.filter(date__gte=OuterRef("partnership__start_date"))
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-date", "-pk")
    kpis = kpi_visible(membership=membership)
    if category:
        kpis = kpis.filter(category=category)
    rows_q = (
        kpis.select_related("partnership")
        .only(
            "uuid",
            "name",
            "unit",
            "direction",
            "category",
            "target",
            "target_low",
            "target_high",
            "workspace_id",
            "partnership",
            "partnership__uuid",
            "partnership__name",
            "partnership__slug",
            "partnership__start_date",
            "partnership__workspace_id",
        )
        .annotate(
            since_value=Subquery(since.values("value")[:1]),
            since_date=Subquery(since.values("date")[:1]),
            first_value=Subquery(measurements.values("value")[:1]),
            first_date=Subquery(measurements.values("date")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
        )
        .order_by("category", "partnership__name", "name", "pk")
    )
    rows: list[KpiRow] = []
    for kpi in rows_q:
        since_start = kpi.since_date is not None
        before = kpi.since_value if since_start else kpi.first_value
        before_date = kpi.since_date if since_start else kpi.first_date
        after, after_date = kpi.latest_value, kpi.latest_date
        if before_date is None or after_date is None or after_date <= before_date:
            change = KpiChange("no_data", None, None, "Needs two measurements on different days.")
        else:
            change = kpi_change(
                direction=kpi.direction,
                before=before,
                after=after,
                target=kpi.target,
                low=kpi.target_low,
                high=kpi.target_high,
            )
        rows.append(KpiRow(kpi, before, before_date, after, after_date, since_start, change))
    grouped: dict[str, list[KpiRow]] = defaultdict(list)
    for row in rows:
        grouped[row.kpi.category].append(row)
    categories = [
        KpiCategory(
            category=value,
            label=label,
            kpis=len(grouped.get(value, [])),
            partnerships=len({r.kpi.partnership_id for r in grouped.get(value, [])}),
            change=category_change([r.change for r in grouped.get(value, [])]),
        )
        for value, label in Category.choices
        if not category or value == category
    ]
    return KpiRollup(categories=categories, rows=rows)


def uuid_or_none(value: Any) -> str | None:
    try:
        return str(uuid_module.UUID(str(value))) if value else None
    except ValueError:
        return None
