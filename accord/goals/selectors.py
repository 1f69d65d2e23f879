"""Reads for goals, check-ins and KPIs, always scoped to the member's workspace and reach.

Goals of members-only partnerships the member cannot see are left out everywhere. Progress,
expected progress, status, staleness and forecasts are computed in Python (accord.metrics
.progress) from one query of check-ins for all the goals shown, never one query per goal.
"""

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from accord.goals.models import (
    Category,
    CheckIn,
    Direction,
    Goal,
    GoalSettings,
    Kpi,
    Measurement,
    MetricDefinition,
    WorkspaceTension,
)
from accord.goals.permissions import person_ids_of
from accord.metrics.catalog import FUNCTIONS, Catalog, CatalogError, Metric, catalog_load
from accord.metrics.progress import StatusBands
from accord.org.models import Function
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

HEALTH_LABELS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "done": "Done",
    "not_started": "Not started",
    "no_data": "No check-ins yet",
    "closed": "Closed",
}
HEALTH_TONES = {
    "on_track": "ok",
    "at_risk": "warn",
    "off_track": "danger",
    "done": "ok",
    "not_started": "",
    "no_data": "",
    "closed": "",
}
CLOSED_STATUSES = {Goal.Status.ACHIEVED, Goal.Status.MISSED, Goal.Status.CANCELLED}


# --- visibility -----------------------------------------------------------------------------


def goal_visible(*, membership: Membership) -> QuerySet[Goal]:
    """Goals of partnerships the member can see, and every function goal of the workspace.

    Admins see every partnership of the workspace, and a goal's partnership is always one of
    its own workspace's, so their rule is the workspace alone: no OR over a subquery, which
    would make every count and page of the goal list scan the whole workspace's goals."""
    goals = Goal.objects.filter(workspace=membership.workspace)
    if membership.can_admin:
        return goals
    visible = partnership_visible_list(membership=membership).values("pk")
    return goals.filter(Q(partnership__isnull=True) | Q(partnership__in=visible))


def goal_detail(*, membership: Membership) -> QuerySet[Goal]:
    """The queryset a goal page or endpoint resolves one goal from."""
    return (
        goal_visible(membership=membership)
        .select_related("partnership", "function", "function__lead", "owner", "parent", "workspace")
        .prefetch_related(
            Prefetch("contributing_functions", queryset=Function.objects.only("uuid", "name")),
            Prefetch("supports", queryset=Goal.objects.only("uuid", "title", "kind")),
            Prefetch("supported_by", queryset=Goal.objects.only("uuid", "title", "kind")),
            Prefetch(
                "key_results",
                queryset=Goal.objects.select_related("owner").order_by("due_date", "title"),
            ),
        )
    )


def goal_get(*, membership: Membership, uuid: Any) -> Goal:
    return object_get(goal_detail(membership=membership), workspace=membership.workspace, uuid=uuid)


def checkin_list(*, goal: Goal) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(workspace=goal.workspace, goal=goal)
        .select_related("author")
        .order_by("-date", "-created_at")
    )


def checkin_get(*, membership: Membership, uuid: Any) -> CheckIn:
    visible = goal_visible(membership=membership).values("pk")
    return object_get(
        CheckIn.objects.filter(goal__in=visible).select_related(
            "goal", "goal__partnership", "goal__function", "author"
        ),
        workspace=membership.workspace,
        uuid=uuid,
    )


# --- computed summaries ---------------------------------------------------------------------


@dataclass(frozen=True)
class GoalSummary:
    """What a goal's check-ins say today, with the reasons shown next to each number."""

    current: float | None = None
    last_checkin: date | None = None
    checkins: int = 0
    progress: float | None = None
    expected: float | None = None
    health: str = "no_data"
    reasons: tuple[str, ...] = ()
    stale: bool = False
    stale_reason: str = ""
    forecast: Any = None

    @property
    def health_label(self) -> str:
        return HEALTH_LABELS.get(self.health, self.health)

    @property
    def tone(self) -> str:
        return HEALTH_TONES.get(self.health, "")

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)

    @property
    def expected_percent(self) -> int | None:
        return None if self.expected is None else round(self.expected * 100)

    @property
    def at_risk(self) -> bool:
        return self.health in {"at_risk", "off_track"}


def _points(rows: Iterable[tuple[int, date, float]]) -> dict[int, list[tuple[date, float]]]:
    by_goal: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for goal_id, when, value in rows:
        by_goal[goal_id].append((when, value))
    return by_goal


# The goal fields a summary reads: load goals with .only(*SUMMARY_FIELDS) to summarise many.
SUMMARY_FIELDS = (
    "id",
    "workspace_id",
    "partnership_id",
    "parent_id",
    "kind",
    "status",
    "direction",
    "baseline",
    "target",
    "target_low",
    "target_high",
    "start_date",
    "due_date",
    "cadence_days",
)


def goal_summary_compute(
    goal: Goal,
    points: Sequence[tuple[date, float]],
    *,
    today: date,
    forecast: bool = False,
    bands: StatusBands | None = None,
) -> GoalSummary:
    """Progress, expected progress, status (METRICS §7) against the workspace's bands,
    staleness and, optionally, the forecast."""
    from accord.metrics import progress as metrics

    past = [(when, value) for when, value in points if when <= today]
    last = past[-1] if past else None
    stale, stale_reason = False, ""
    open_goal = goal.status in {Goal.Status.ACTIVE, Goal.Status.DRAFT}
    if goal.status == Goal.Status.ACTIVE and (last or goal.start_date):
        anchor = goal.start_date or today
        staleness = metrics.checkin_stale(
            last_checkin=last[0] if last else None,
            cadence_days=goal.cadence_days,
            today=today,
            start=min(anchor, today),
        )
        stale = staleness.stale
        stale_reason = " ".join(staleness.reasons)
    base = {
        "current": last[1] if last else None,
        "last_checkin": last[0] if last else None,
        "checkins": len(points),
        "stale": stale,
        "stale_reason": stale_reason,
    }
    direction = goal.direction
    if not direction or last is None:
        expected = _expected(goal, today)
        health = "no_data" if open_goal else "closed"
        if open_goal and goal.start_date and today < goal.start_date:
            health = "not_started"
        return GoalSummary(expected=expected, health=health, **base)  # type: ignore[arg-type]
    try:
        measured = metrics.goal_progress(
            direction=direction,  # type: ignore[arg-type]
            baseline=goal.baseline,
            target=goal.target,
            current=last[1],
            low=goal.target_low,
            high=goal.target_high,
        )
    except ValueError as error:
        return GoalSummary(health="no_data", reasons=(str(error),), **base)  # type: ignore[arg-type]
    expected = _expected(goal, today)
    started = goal.start_date is None or today >= goal.start_date
    status = metrics.goal_status(
        progress=measured.progress,
        expected=expected if expected is not None else 0.0,
        direction=direction,  # type: ignore[arg-type]
        started=started,
        bands=bands or _bands_of([goal]),
    )
    health = status.status if open_goal else "closed"
    projected = None
    if forecast and goal.due_date and past:
        projected = metrics.forecast_linear(
            past,
            due=goal.due_date,
            target=goal.target,
            direction=direction,  # type: ignore[arg-type]
            today=today,
            low=goal.target_low,
            high=goal.target_high,
        )
    return GoalSummary(
        progress=measured.progress,
        expected=expected,
        health=health,
        reasons=(*measured.reasons, *status.reasons),
        forecast=projected,
        **base,  # type: ignore[arg-type]
    )


def _expected(goal: Goal, today: date) -> float | None:
    from accord.metrics.progress import expected_progress

    if goal.start_date and goal.due_date and goal.due_date >= goal.start_date:
        return expected_progress(start=goal.start_date, due=goal.due_date, today=today)
    return None


def _objective_summary(goal: Goal, children: list[GoalSummary], today: date) -> GoalSummary:
    """An objective's progress is the mean of its key results' progress (OKR practice)."""
    measured = [c.progress for c in children if c.progress is not None]
    expected = _expected(goal, today)
    if not measured:
        return GoalSummary(
            expected=expected,
            health="no_data" if goal.status not in CLOSED_STATUSES else "closed",
            stale=any(c.stale for c in children),
        )
    progress = sum(measured) / len(measured)
    order = ["off_track", "at_risk", "on_track", "done"]
    worst = min(
        (c.health for c in children if c.health in order), key=order.index, default="no_data"
    )
    return GoalSummary(
        progress=progress,
        expected=expected,
        health=worst if goal.status not in CLOSED_STATUSES else "closed",
        reasons=(
            f"Mean progress of {len(measured)} key result{'s' if len(measured) != 1 else ''}; "
            "status is that of the key result furthest behind.",
        ),
        checkins=sum(c.checkins for c in children),
        last_checkin=max((c.last_checkin for c in children if c.last_checkin), default=None),
        stale=any(c.stale for c in children),
    )


def _bands_of(goals: Sequence[Goal]) -> StatusBands:
    """The bands of the goals' workspace, from the workspace object's cache when it is loaded.

    Callers that know the member's workspace pass its bands instead (one query per request).
    """
    if not goals:
        return StatusBands()
    goal = goals[0]
    if Goal.workspace.is_cached(goal):
        return status_bands(goal.workspace)
    found = GoalSettings.objects.filter(workspace_id=goal.workspace_id).first()
    return StatusBands(found.on_track, found.at_risk) if found else StatusBands()


def goal_summaries(
    goals: Sequence[Goal],
    *,
    today: date,
    forecast: bool = False,
    bands: StatusBands | None = None,
) -> dict[int, GoalSummary]:
    """Summaries of the goals (and of objectives from their key results) in two queries,
    plus one for the bands when they are not given."""
    if goals and bands is None:
        bands = _bands_of(goals)
    ids = {goal.pk for goal in goals}
    objectives = [goal.pk for goal in goals if goal.kind == Goal.Kind.OBJECTIVE]
    key_results: list[Goal] = []
    if objectives:
        key_results = list(Goal.objects.filter(parent_id__in=objectives).only(*SUMMARY_FIELDS))
    all_ids = ids | {kr.pk for kr in key_results}
    points = _points(
        CheckIn.objects.filter(goal_id__in=all_ids)
        .order_by("goal_id", "date", "created_at")
        .values_list("goal_id", "date", "value")
    )
    summaries: dict[int, GoalSummary] = {}
    for goal in [*key_results, *goals]:
        if goal.kind != Goal.Kind.OBJECTIVE:
            summaries[goal.pk] = goal_summary_compute(
                goal, points.get(goal.pk, []), today=today, forecast=forecast, bands=bands
            )
    children: dict[int, list[GoalSummary]] = defaultdict(list)
    for kr in key_results:
        children[kr.parent_id].append(summaries[kr.pk])  # type: ignore[index]
    for goal in goals:
        if goal.kind == Goal.Kind.OBJECTIVE:
            summaries[goal.pk] = _objective_summary(goal, children.get(goal.pk, []), today)
    return {pk: summary for pk, summary in summaries.items() if pk in ids}


# --- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalFilters:
    owner: str | None = None
    function: str | None = None
    partnership: str | None = None
    status: str | None = None
    health: str | None = None
    at_risk: bool = False
    kind: str | None = None
    q: str = ""
    mine: bool = False

    @property
    def active(self) -> bool:
        return any(
            [
                self.owner,
                self.function,
                self.partnership,
                self.status,
                self.health,
                self.at_risk,
                self.kind,
                self.q,
            ]
        )


@dataclass(frozen=True)
class GoalRow:
    goal: Goal
    summary: GoalSummary


def goal_list(*, membership: Membership, filters: GoalFilters | None = None) -> QuerySet[Goal]:
    """Visible goals matching the stored-field filters, with what the list shows loaded."""
    filters = filters or GoalFilters()
    goals = (
        goal_visible(membership=membership)
        .select_related("partnership", "function", "owner", "parent")
        .prefetch_related(
            Prefetch(
                "contributing_functions",
                queryset=Function.objects.only("uuid", "name").order_by("name"),
            )
        )
    )
    if filters.owner:
        goals = goals.filter(owner__uuid=filters.owner)
    if filters.function:
        goals = goals.filter(
            Q(function__uuid=filters.function)
            | Q(
                pk__in=Goal.contributing_functions.through.objects.filter(
                    function__uuid=filters.function
                ).values("goal_id")
            )
        )
    if filters.partnership:
        goals = goals.filter(partnership__uuid=filters.partnership)
    if filters.status:
        goals = goals.filter(status=filters.status)
    if filters.kind:
        goals = goals.filter(kind=filters.kind)
    if filters.q:
        goals = goals.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.mine:
        goals = goals.filter(owner_id__in=person_ids_of(membership))
    return goals.order_by("due_date", "title", "pk")


def goal_rows(
    *, membership: Membership, filters: GoalFilters | None = None, today: date
) -> list[GoalRow]:
    """Goals with their summaries; health and at-risk filters apply to the computed status."""
    filters = filters or GoalFilters()
    goals = list(goal_list(membership=membership, filters=filters))
    summaries = goal_summaries(goals, today=today, bands=status_bands(membership.workspace))
    rows = [GoalRow(goal, summaries[goal.pk]) for goal in goals]
    if filters.health:
        rows = [row for row in rows if row.summary.health == filters.health]
    if filters.at_risk:
        rows = [row for row in rows if row.summary.at_risk or row.summary.stale]
    return rows


class GoalRowPages:
    """Goal rows summarised a page at a time, for a Paginator or an API page: ``count()`` is
    one COUNT, a slice one page query plus the summaries of that page's goals (check-ins of
    the page only), so a list costs the same whatever the number of goals."""

    def __init__(
        self, goals: QuerySet[Goal], *, bands: StatusBands, today: date, prefetch: Sequence[Any]
    ) -> None:
        self.goals = goals
        self.bands = bands
        self.today = today
        self.prefetch = prefetch

    def count(self) -> int:
        return self.goals.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[GoalRow]:
        goals = list(self.goals[index])
        if self.prefetch:
            prefetch_related_objects(goals, *self.prefetch)
        summaries = goal_summaries(goals, today=self.today, bands=self.bands)
        return [GoalRow(goal, summaries[goal.pk]) for goal in goals]


def goal_row_pages(
    *,
    membership: Membership,
    filters: GoalFilters | None = None,
    today: date,
    prefetch: Sequence[Any] = (),
) -> "GoalRowPages | list[GoalRow]":
    """Goal rows to page through. Only the shown page is summarised, unless a filter on the
    computed status (health, at risk) needs every goal's summary to choose the rows."""
    filters = filters or GoalFilters()
    if filters.health or filters.at_risk:
        rows = goal_rows(membership=membership, filters=filters, today=today)
        if prefetch:
            prefetch_related_objects([row.goal for row in rows], *prefetch)
        return rows
    return GoalRowPages(
        goal_list(membership=membership, filters=filters),
        bands=status_bands(membership.workspace),
        today=today,
        prefetch=prefetch,
    )


def goal_filter_choices(*, membership: Membership) -> dict[str, Any]:
    """Owners, functions and partnerships for the list's filter menus (three queries), each
    a dict of ``uuid`` and ``name`` (partnerships also ``slug``): a big workspace lists
    thousands of owners, and plain rows cost a fraction of model instances."""
    from accord.org.models import Person

    visible = goal_visible(membership=membership)
    return {
        "owners": list(
            # By primary key from the visible goals' owners (already of the workspace): a
            # workspace filter here would make SQLite walk every person in name order.
            Person.objects.filter(pk__in=visible.values("owner_id")).values("uuid", "name")
        ),
        "functions": list(
            Function.objects.filter(workspace=membership.workspace).values("uuid", "name")
        ),
        "partnerships": list(
            partnership_visible_list(membership=membership).values("uuid", "name", "slug")
        ),
    }


# --- alignment ------------------------------------------------------------------------------


@dataclass
class AlignmentNode:
    goal: Goal
    summary: GoalSummary
    key_results: list["AlignmentNode"] = field(default_factory=list)
    supporters: list["AlignmentNode"] = field(default_factory=list)

    @property
    def functions(self) -> list[Function]:
        """The functions that contribute: the home function, then the contributing ones."""
        found = [self.goal.function] if self.goal.function else []
        found += [f for f in self.goal.contributing_functions.all() if f not in found]
        return found


@dataclass
class AlignmentGroup:
    partnership: Partnership
    roots: list[AlignmentNode]


@dataclass
class Alignment:
    groups: list[AlignmentGroup]
    unaligned: list[AlignmentNode]
    function_roots: list[AlignmentNode]
    goal_count: int


def alignment_tree(*, membership: Membership, today: date) -> Alignment:
    """Partnership goals → key results → goals that support them (recursively), plus the
    function goals that are aligned to nothing. Four queries whatever the number of goals."""
    goals = list(goal_list(membership=membership))
    summaries = goal_summaries(goals, today=today, bands=status_bands(membership.workspace))
    by_id = {goal.pk: goal for goal in goals}
    supporters: dict[int, list[int]] = defaultdict(list)
    supporting: dict[int, list[int]] = defaultdict(list)
    for source, target in Goal.supports.through.objects.filter(
        from_goal_id__in=by_id, to_goal_id__in=by_id
    ).values_list("from_goal_id", "to_goal_id"):
        supporters[target].append(source)
        supporting[source].append(target)
    key_results: dict[int, list[int]] = defaultdict(list)
    for goal in goals:
        if goal.parent_id in by_id:
            key_results[goal.parent_id].append(goal.pk)

    def build(goal_id: int, path: frozenset[int]) -> AlignmentNode:
        path = path | {goal_id}
        node = AlignmentNode(by_id[goal_id], summaries[goal_id])
        node.key_results = [build(kr, path) for kr in key_results[goal_id] if kr not in path]
        node.supporters = [build(s, path) for s in supporters[goal_id] if s not in path]
        return node

    groups: dict[int, AlignmentGroup] = {}
    for goal in goals:
        if goal.partnership_id and goal.parent_id is None:
            group = groups.get(goal.partnership_id)
            if group is None:
                group = groups[goal.partnership_id] = AlignmentGroup(goal.partnership, [])  # type: ignore[arg-type]
            group.roots.append(build(goal.pk, frozenset()))
    unaligned = [
        build(goal.pk, frozenset())
        for goal in goals
        if goal.function_id
        and goal.parent_id is None
        and not supporting[goal.pk]
        and not supporters[goal.pk]
    ]
    # Function objectives that others support but that support nothing themselves.
    function_roots = [
        build(goal.pk, frozenset())
        for goal in goals
        if goal.function_id
        and goal.parent_id is None
        and not supporting[goal.pk]
        and supporters[goal.pk]
    ]
    ordered = sorted(groups.values(), key=lambda g: g.partnership.name.lower())
    return Alignment(ordered, unaligned, function_roots, len(goals))


# --- KPIs -----------------------------------------------------------------------------------


def kpi_visible(*, membership: Membership) -> QuerySet[Kpi]:
    visible = partnership_visible_list(membership=membership).values("pk")
    return Kpi.objects.filter(workspace=membership.workspace, partnership__in=visible)


def kpi_list(*, membership: Membership, partnership: str | None = None) -> QuerySet[Kpi]:
    """KPIs with their latest measurement and the number of measurements (one query)."""
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-date")
    kpis = (
        kpi_visible(membership=membership)
        .select_related("partnership")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
            # A subquery, not a join with COUNT: no GROUP BY over every measurement, and a
            # page's count() needs no annotation at all.
            measurement_count=Coalesce(
                Subquery(
                    Measurement.objects.filter(kpi=OuterRef("pk"))
                    .order_by()
                    .values("kpi")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
    )
    if partnership:
        kpis = kpis.filter(partnership__uuid=partnership)
    return kpis.order_by("partnership__name", "name", "pk")


def kpi_get(*, membership: Membership, uuid: Any) -> Kpi:
    return object_get(kpi_list(membership=membership), workspace=membership.workspace, uuid=uuid)


def measurement_list(*, kpi: Kpi) -> QuerySet[Measurement]:
    return Measurement.objects.filter(workspace=kpi.workspace, kpi=kpi).order_by("date")


def kpi_on_target(kpi: Kpi, value: float | None) -> bool | None:
    """Whether a value meets the KPI's target (None when there is no value or no target)."""
    if value is None:
        return None
    low, high = kpi.target_low, kpi.target_high
    if kpi.direction == Direction.INCREASE and kpi.target is not None:
        return value >= kpi.target
    if kpi.direction == Direction.DECREASE and kpi.target is not None:
        return value <= kpi.target
    if low is not None and high is not None:
        return low <= value <= high
    if kpi.target is not None:
        return value == kpi.target
    return None


@dataclass(frozen=True)
class KpiSeries:
    points: list[Measurement]
    anomalies: list[Any]
    limits: Any

    @property
    def anomaly_by_index(self) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = defaultdict(list)
        for anomaly in self.anomalies:
            found[anomaly.index].append(anomaly)
        return found


def kpi_series(*, kpi: Kpi) -> KpiSeries:
    """Measurements in date order with Western Electric flags on an XmR chart."""
    from accord.metrics.progress import anomalies_western_electric, xmr_limits

    points = list(measurement_list(kpi=kpi))
    values = [m.value for m in points]
    anomalies = anomalies_western_electric(values) if len(values) >= 2 else []
    limits = xmr_limits(values) if len(values) >= 2 else None
    return KpiSeries(points, anomalies, limits)


@dataclass(frozen=True)
class RollupCategory:
    category: str
    label: str
    kpis: int
    measured: int
    on_target: int
    partnerships: int

    @property
    def share(self) -> float | None:
        return self.on_target / self.measured if self.measured else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)


def kpi_rollup(*, membership: Membership) -> list[RollupCategory]:
    """Per category, across visible partnerships: KPIs whose latest value meets the target."""
    kpis = list(kpi_list(membership=membership))
    grouped: dict[str, list[Kpi]] = defaultdict(list)
    for kpi in kpis:
        grouped[kpi.category].append(kpi)
    rollup = []
    for value, label in Category.choices:
        members = grouped.get(value, [])
        verdicts = [kpi_on_target(k, k.latest_value) for k in members]  # type: ignore[attr-defined]
        rollup.append(
            RollupCategory(
                category=value,
                label=label,
                kpis=len(members),
                measured=sum(1 for v in verdicts if v is not None),
                on_target=sum(1 for v in verdicts if v),
                partnerships=len({k.partnership_id for k in members}),
            )
        )
    return rollup


def kpi_import_preview(*, kpi: Kpi, parsed: Any) -> dict[str, Any]:
    """What importing the parsed rows would do to this KPI: create, update or leave alone."""
    existing = dict(
        Measurement.objects.filter(kpi=kpi, date__in=[r.date for r in parsed.valid]).values_list(
            "date", "value"
        )
    )
    rows = []
    counts = {"create": 0, "update": 0, "unchanged": 0, "reject": len(parsed.rejected)}
    for line, row in zip(parsed.valid_lines, parsed.valid, strict=True):
        before = existing.get(row.date)
        action = "create" if before is None else "unchanged" if before == row.value else "update"
        counts[action] += 1
        rows.append({"line": line, "row": row, "action": action, "before": before})
    return {"rows": rows, "rejected": parsed.rejected, "counts": counts}


# --- the workspace's metric catalog ---------------------------------------------------------


@dataclass(frozen=True)
class WorkspaceCatalog:
    """The shipped catalog extended by the workspace's metrics and tensions.

    ``skipped`` names workspace entries left out because they no longer validate (a newer
    shipped catalog may claim a key or phrase a workspace added earlier).
    """

    catalog: Catalog
    metrics: tuple[MetricDefinition, ...]
    tensions: tuple[WorkspaceTension, ...]
    skipped: tuple[str, ...] = ()


CATALOG_CACHE_ATTRIBUTE = "_accord_metric_catalog"
BANDS_CACHE_ATTRIBUTE = "_accord_status_bands"


def metric_entry(metric: MetricDefinition) -> dict[str, Any]:
    """A workspace metric as a catalog document entry (docs/catalog.md)."""
    entry: dict[str, Any] = {
        "key": metric.key,
        "name": metric.name,
        "unit": metric.unit,
        "good_direction": metric.good_direction,
        "category": metric.category,
        "function": metric.function,
    }
    for name in ("synonyms", "abbreviations"):
        values = getattr(metric, name) or []
        if values:
            entry[name] = list(values)
    if metric.description:
        entry["description"] = metric.description
    return entry


def tension_entry(tension: WorkspaceTension) -> dict[str, Any]:
    return {
        "a": tension.metric_a,
        "b": tension.metric_b,
        "pattern": {"a": tension.a_direction, "b": tension.b_direction},
        "explanation": tension.explanation,
    }


@lru_cache(maxsize=64)
def _catalog_from_text(text: str) -> Catalog:
    # Building the catalog costs tens of milliseconds; the same workspace document (the
    # common case: nothing changed since the last request) reuses the built one.
    return catalog_load(extra=json.loads(text))


def catalog_document_load(document: dict[str, Any]) -> Catalog:
    """The shipped catalog extended by one workspace document; raises CatalogError."""
    if not document.get("metrics") and not document.get("tensions"):
        return catalog_load()
    return _catalog_from_text(json.dumps(document, sort_keys=True))


def _catalog_lenient(
    metrics: Sequence[dict[str, Any]], tensions: Sequence[dict[str, Any]]
) -> tuple[Catalog, tuple[str, ...]]:
    """Keep every entry that validates against those kept before it; say what was left out."""
    kept_metrics: list[dict[str, Any]] = []
    kept_tensions: list[dict[str, Any]] = []
    skipped: list[str] = []
    for entry in metrics:
        try:
            catalog_document_load({"metrics": [*kept_metrics, entry]})
        except CatalogError as error:
            skipped.append(catalog_message(error))
        else:
            kept_metrics.append(entry)
    for entry in tensions:
        try:
            catalog_document_load({"metrics": kept_metrics, "tensions": [*kept_tensions, entry]})
        except CatalogError as error:
            skipped.append(catalog_message(error))
        else:
            kept_tensions.append(entry)
    catalog = catalog_document_load({"metrics": kept_metrics, "tensions": kept_tensions})
    return catalog, tuple(skipped)


CATALOG_WHERE = re.compile(r"^workspace (?:metric|tension) #\d+ \([^)]*\): ")


def catalog_message(error: CatalogError) -> str:
    """The catalog's message without the entry's position (a person edits one entry)."""
    text = CATALOG_WHERE.sub("", str(error))
    return text[:1].upper() + text[1:]


def workspace_catalog_get(workspace: Workspace) -> WorkspaceCatalog:
    """The workspace's catalog with its own rows, in two queries, once per workspace object
    (one request); actions that change the catalog forget the cached copy."""
    cached = getattr(workspace, CATALOG_CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    metrics = tuple(MetricDefinition.objects.filter(workspace=workspace).order_by("name", "pk"))
    tensions = tuple(WorkspaceTension.objects.filter(workspace=workspace).order_by("pk"))
    metric_entries = [metric_entry(m) for m in metrics]
    tension_entries = [tension_entry(t) for t in tensions]
    skipped: tuple[str, ...] = ()
    try:
        catalog = catalog_document_load({"metrics": metric_entries, "tensions": tension_entries})
    except CatalogError:
        catalog, skipped = _catalog_lenient(metric_entries, tension_entries)
    found = WorkspaceCatalog(catalog=catalog, metrics=metrics, tensions=tensions, skipped=skipped)
    setattr(workspace, CATALOG_CACHE_ATTRIBUTE, found)
    return found


def workspace_catalog(workspace: Workspace) -> Catalog:
    """Shipped + workspace metrics and tensions: what forms, matching and conflicts use."""
    return workspace_catalog_get(workspace).catalog


def workspace_catalog_forget(workspace: Workspace) -> None:
    for name in (CATALOG_CACHE_ATTRIBUTE, BANDS_CACHE_ATTRIBUTE):
        if hasattr(workspace, name):
            delattr(workspace, name)


@dataclass(frozen=True)
class MetricFilters:
    """The catalog list's filters; the page and GET /api/v1/metrics share them."""

    q: str = ""
    category: str = ""
    function: str = ""
    source: str = ""  # "shipped", "workspace" or "" for both

    @property
    def active(self) -> bool:
        return any([self.q, self.category, self.function, self.source])


@dataclass(frozen=True)
class MetricRow:
    metric: Metric
    tensions: int

    @property
    def added(self) -> bool:
        return self.metric.source != "shipped"

    @property
    def function_label(self) -> str:
        return FUNCTIONS.get(self.metric.function, self.metric.function)

    @property
    def also_called(self) -> tuple[str, ...]:
        """Synonyms other than the name itself (the catalog lists the name as one too)."""
        name = self.metric.name.lower()
        return tuple(s for s in self.metric.synonyms if s.lower() != name)


def _metric_text(metric: Metric) -> str:
    return " ".join(
        [
            metric.key,
            metric.name,
            metric.description,
            *metric.synonyms,
            *metric.abbreviations,
            *metric.inverse_synonyms,
        ]
    ).lower()


def metric_list(*, workspace: Workspace, filters: MetricFilters | None = None) -> list[MetricRow]:
    """Catalog metrics (shipped and the workspace's), by name, filtered (two queries)."""
    filters = filters or MetricFilters()
    catalog = workspace_catalog(workspace)
    words = filters.q.lower().split()
    rows = []
    for metric in catalog.metrics:
        if filters.category and metric.category != filters.category:
            continue
        if filters.function and metric.function != filters.function:
            continue
        if filters.source == "shipped" and metric.source != "shipped":
            continue
        if filters.source == "workspace" and metric.source == "shipped":
            continue
        if words:
            text = _metric_text(metric)
            if not all(word in text for word in words):
                continue
        rows.append(MetricRow(metric, len(catalog.tensions_of(metric.key))))
    return sorted(rows, key=lambda row: (row.metric.name.lower(), row.metric.key))


def metric_definition_get(*, workspace: Workspace, key: str) -> MetricDefinition:
    """The workspace's own metric with this key, or 404 (shipped metrics are not rows)."""
    return object_get(MetricDefinition, workspace=workspace, key=key)


def tension_get(*, workspace: Workspace, uuid: Any) -> WorkspaceTension:
    return object_get(WorkspaceTension, workspace=workspace, uuid=uuid)


# --- status bands ---------------------------------------------------------------------------


def goal_settings_get(workspace: Workspace) -> GoalSettings:
    """The workspace's goal settings; an unsaved default row when it never changed them."""
    found = GoalSettings.objects.filter(workspace=workspace).first()
    return found or GoalSettings(workspace=workspace)


def status_bands(workspace: Workspace) -> StatusBands:
    """The workspace's status bands (one query, once per workspace object)."""
    cached = getattr(workspace, BANDS_CACHE_ATTRIBUTE, None)
    if cached is None:
        settings = goal_settings_get(workspace)
        cached = StatusBands(on_track=settings.on_track, at_risk=settings.at_risk)
        setattr(workspace, BANDS_CACHE_ATTRIBUTE, cached)
    return cached
