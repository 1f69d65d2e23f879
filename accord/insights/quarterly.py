"""The workspace's quarterly report for leadership: every partnership's health at the quarter's
end and its change over the quarter, the best improvers and decliners, goals at risk,
conflicts opened and resolved, decisions made, reviews held, plays accepted and their effect,
and the KPI roll-up by category.

Reads only, in a fixed number of queries whatever the number of partnerships: health comes
from the snapshot rows (the latest on or before each date), counts from correlated
subqueries. Counts of conflicts include private ones (a number, never a title).
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, FloatField, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accord.goals.models import Category, Goal, Kpi, Measurement
from accord.goals.selectors import HEALTH_LABELS, goal_summaries, kpi_on_target, status_bands
from accord.governance.models import ActionItem, Conflict, Decision
from accord.insights.models import HealthSnapshot, Recommendation, Review
from accord.metrics.playbook import PLAYS_BY_KEY, higher_is_better
from accord.partnerships.models import Lifecycle, Partnership
from accord.workspaces.models import Workspace

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
MOVERS = 3  # best improvers / decliners listed


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        if self.number == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.number + 1, 1) - datetime.timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def next(self) -> "Quarter":
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )


def quarter_of(day: datetime.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_parse(text: str) -> Quarter:
    """ "2026-Q4" (also "2026Q4", "2026-q4") → Quarter; ValueError naming the expected form."""
    found = QUARTER_PATTERN.match(text or "")
    if found is None:
        raise ValueError(f"quarter {text!r} is not a quarter; use the form 2026-Q4 (Q1 to Q4).")
    year = int(found[1])
    if not 2000 <= year <= 2100:
        raise ValueError(f"quarter {text!r}: the year must be between 2000 and 2100.")
    return Quarter(year, int(found[2]))


@dataclass(frozen=True)
class PartnershipQuarter:
    name: str
    slug: str
    status: str
    lead: str | None
    health_start: float | None  # latest snapshot on or before the quarter's first day
    health_end: float | None  # latest snapshot on or before the quarter's end (or today)
    goals: int = 0
    goals_at_risk: int = 0
    conflicts_opened: int = 0
    conflicts_resolved: int = 0
    conflicts_open: int = 0
    decisions: int = 0
    reviews_held: int = 0

    @property
    def change(self) -> float | None:
        if self.health_start is None or self.health_end is None:
            return None
        return self.health_end - self.health_start


@dataclass(frozen=True)
class GoalAtRisk:
    partnership: str
    title: str
    owner: str | None
    status: str
    progress: float | None
    expected: float | None
    due_date: datetime.date | None


@dataclass(frozen=True)
class PlayEffect:
    partnership: str
    title: str
    accepted_on: datetime.date | None
    actions_done: int
    actions_total: int
    improved: int  # signals that improved since acceptance
    judged: int  # signals with data on both sides

    @property
    def verdict(self) -> str:
        if self.improved:
            return "improved"
        return "not yet" if self.judged else "too early to tell"


@dataclass(frozen=True)
class KpiCategory:
    category: str
    label: str
    kpis: int
    measured: int  # with a value at the quarter's end
    on_target_start: int
    on_target_end: int
    improved: int  # moved in the good direction over the quarter
    worsened: int
    partnerships: int


@dataclass
class QuarterlyReport:
    workspace: str
    quarter: Quarter
    as_of: datetime.date  # the quarter's end, or today while the quarter runs
    generated_on: datetime.date
    partnerships: list[PartnershipQuarter] = field(default_factory=list)
    goals_at_risk: list[GoalAtRisk] = field(default_factory=list)
    plays: list[PlayEffect] = field(default_factory=list)
    kpis: list[KpiCategory] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.as_of >= self.quarter.end

    @property
    def improvers(self) -> list[PartnershipQuarter]:
        moved = [p for p in self.partnerships if p.change is not None and p.change > 0]
        return sorted(moved, key=lambda p: (-(p.change or 0), p.name))[:MOVERS]

    @property
    def decliners(self) -> list[PartnershipQuarter]:
        moved = [p for p in self.partnerships if p.change is not None and p.change < 0]
        return sorted(moved, key=lambda p: (p.change or 0, p.name))[:MOVERS]

    def _mean(self, values: Iterable[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    @property
    def health_end(self) -> float | None:
        return self._mean(p.health_end for p in self.partnerships)

    @property
    def health_start(self) -> float | None:
        return self._mean(p.health_start for p in self.partnerships)

    def total(self, name: str) -> int:
        return sum(int(getattr(p, name)) for p in self.partnerships)

    @property
    def totals(self) -> dict[str, int]:
        names = (
            "goals",
            "goals_at_risk",
            "conflicts_opened",
            "conflicts_resolved",
            "conflicts_open",
            "decisions",
            "reviews_held",
        )
        return {name: self.total(name) for name in names}


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _score_on(day: datetime.date) -> Subquery:
    return Subquery(
        HealthSnapshot.objects.filter(partnership=OuterRef("pk"), date__lte=day)
        .order_by("-date")
        .values("score")[:1],
        output_field=FloatField(),
    )


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated COUNT of rows per partnership (not multiplied by other joins)."""
    rows = (
        queryset.filter(partnership=OuterRef("pk"))
        .order_by()
        .values("partnership")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _partnership_rows(
    partnerships: QuerySet[Partnership], quarter: Quarter, as_of: datetime.date
) -> QuerySet[Partnership]:
    start, after = _moment(quarter.start), _moment(as_of + datetime.timedelta(days=1))
    return (
        partnerships.select_related("lead")
        .annotate(
            health_start=_score_on(quarter.start),
            health_end=_score_on(as_of),
            conflicts_opened=_count(
                Conflict.objects.filter(created_at__gte=start, created_at__lt=after)
            ),
            conflicts_resolved=_count(
                Conflict.objects.filter(resolved_at__gte=start, resolved_at__lt=after)
            ),
            conflicts_open=_count(
                Conflict.objects.filter(created_at__lt=after).filter(
                    Q(resolved_at__isnull=True) | Q(resolved_at__gte=after)
                )
            ),
            decisions_made=_count(
                Decision.objects.filter(decided_at__gte=start, decided_at__lt=after)
            ),
            reviews_held=_count(
                Review.objects.filter(
                    status=Review.Status.COMPLETED,
                    completed_at__gte=start,
                    completed_at__lt=after,
                )
            ),
        )
        .order_by("name", "pk")
    )


def _goals_at_risk(
    workspace: Workspace, partnership_ids: list[int], names: dict[int, str], as_of: datetime.date
) -> tuple[list[GoalAtRisk], dict[int, int], dict[int, int]]:
    goals = list(
        Goal.objects.filter(
            workspace=workspace,
            partnership_id__in=partnership_ids,
            parent__isnull=True,
            status=Goal.Status.ACTIVE,
        )
        .select_related("owner")
        .order_by("due_date", "title", "pk")
    )
    summaries = goal_summaries(goals, today=as_of, bands=status_bands(workspace))
    totals: dict[int, int] = defaultdict(int)
    risky: dict[int, int] = defaultdict(int)
    found = []
    for goal in goals:
        summary = summaries[goal.pk]
        totals[goal.partnership_id or 0] += 1
        if not summary.at_risk:
            continue
        risky[goal.partnership_id or 0] += 1
        found.append(
            GoalAtRisk(
                partnership=names.get(goal.partnership_id or 0, ""),
                title=goal.title,
                owner=goal.owner.name if goal.owner else None,
                status=HEALTH_LABELS.get(summary.health, summary.health),
                progress=summary.progress,
                expected=summary.expected,
                due_date=goal.due_date,
            )
        )
    found.sort(key=lambda g: (g.partnership, g.due_date or datetime.date.max, g.title))
    return found, totals, risky


def _number(value: Any) -> float | None:
    if isinstance(value, dict):
        value = value.get("value")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _play_effects(
    workspace: Workspace,
    partnership_ids: list[int],
    names: dict[int, str],
    quarter: Quarter,
    as_of: datetime.date,
) -> list[PlayEffect]:
    """Plays accepted in the quarter (and still accepted): their action items done of total
    and how many of their signals improved by ``as_of`` (three queries)."""
    start, after = _moment(quarter.start), _moment(as_of + datetime.timedelta(days=1))
    accepted = list(
        Recommendation.objects.filter(
            workspace=workspace,
            partnership_id__in=partnership_ids,
            status=Recommendation.Status.ACCEPTED,
            decided_at__gte=start,
            decided_at__lt=after,
        ).order_by("decided_at", "pk")
    )
    if not accepted:
        return []
    counts: dict[str, tuple[int, int]] = {
        str(row["source_uuid"]): (row["done"], row["total"])
        for row in ActionItem.objects.filter(
            workspace=workspace,
            source_type="recommendation",
            source_uuid__in=[rec.uuid for rec in accepted],
        )
        .exclude(status=ActionItem.Status.DROPPED)
        .values("source_uuid")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=ActionItem.Status.DONE)))
        .order_by()
    }
    latest_date = (
        HealthSnapshot.objects.filter(partnership=OuterRef("partnership"), date__lte=as_of)
        .order_by("-date")
        .values("date")[:1]
    )
    latest = {
        snapshot.partnership_id: {
            f"{row.get('kind')}:{row.get('key')}": row
            for row in (snapshot.signals or [])
            if isinstance(row, dict)
        }
        for snapshot in HealthSnapshot.objects.filter(
            workspace=workspace, partnership_id__in={rec.partnership_id for rec in accepted}
        )
        .annotate(latest=Subquery(latest_date))
        .filter(date=F("latest"))
        .only("partnership_id", "signals")
    }
    effects = []
    for rec in accepted:
        play = PLAYS_BY_KEY.get(rec.play_key)
        now_rows = latest.get(rec.partnership_id, {})
        improved = judged = 0
        for signal, raw_before in (rec.baseline_signals or {}).items():
            before = _number(raw_before)
            now = _number(now_rows.get(signal))
            if before is None or now is None:
                continue
            kind, _, key = signal.partition(":")
            judged += 1
            better = now > before if higher_is_better(rec.play_key, kind, key) else now < before
            improved += int(better)
        done, total = counts.get(str(rec.uuid), (0, 0))
        effects.append(
            PlayEffect(
                partnership=names.get(rec.partnership_id, ""),
                title=play.title if play else rec.play_key,
                accepted_on=rec.decided_at.date() if rec.decided_at else None,
                actions_done=done,
                actions_total=total,
                improved=improved,
                judged=judged,
            )
        )
    return effects


def _kpi_rollup(
    workspace: Workspace, partnership_ids: list[int], quarter: Quarter, as_of: datetime.date
) -> list[KpiCategory]:
    """Per category: KPIs on target at the quarter's start and end, and how many moved in
    their good direction (one query)."""

    def value_on(day: datetime.date) -> Subquery:
        return Subquery(
            Measurement.objects.filter(kpi=OuterRef("pk"), date__lte=day)
            .order_by("-date")
            .values("value")[:1],
            output_field=FloatField(),
        )

    kpis = Kpi.objects.filter(workspace=workspace, partnership_id__in=partnership_ids).annotate(
        value_start=value_on(quarter.start), value_end=value_on(as_of)
    )
    grouped: dict[str, list[Any]] = defaultdict(list)
    for kpi in kpis:
        grouped[kpi.category].append(kpi)
    rows = []
    for value, label in Category.choices:
        members = grouped.get(value, [])
        if not members:
            continue
        improved = worsened = 0
        for kpi in members:
            before, after = kpi.value_start, kpi.value_end
            if before is None or after is None or before == after or not kpi.direction:
                continue
            if kpi.direction not in ("increase", "decrease"):
                continue
            if (after > before) == (kpi.direction == "increase"):
                improved += 1
            else:
                worsened += 1
        rows.append(
            KpiCategory(
                category=value,
                label=label,
                kpis=len(members),
                measured=sum(1 for k in members if k.value_end is not None),
                on_target_start=sum(1 for k in members if kpi_on_target(k, k.value_start)),
                on_target_end=sum(1 for k in members if kpi_on_target(k, k.value_end)),
                improved=improved,
                worsened=worsened,
                partnerships=len({k.partnership_id for k in members}),
            )
        )
    return rows


def quarterly_report(
    *,
    workspace: Workspace,
    partnerships: QuerySet[Partnership],
    quarter: Quarter,
    today: datetime.date,
) -> QuarterlyReport:
    """The quarter's report over the given partnerships (the caller scopes them: the
    visible ones for a page, all of the workspace for the command). Proposed partnerships
    are left out (nothing runs yet); closed ones stay for the quarter they ran in."""
    as_of = min(quarter.end, today)
    scoped = partnerships.filter(workspace=workspace).exclude(status=Lifecycle.PROPOSED)
    rows = list(_partnership_rows(scoped, quarter, as_of))
    ids = [row.pk for row in rows]
    names = {row.pk: row.name for row in rows}
    report = QuarterlyReport(
        workspace=workspace.name, quarter=quarter, as_of=as_of, generated_on=today
    )
    if not rows:
        return report
    at_risk, goal_totals, goal_risky = _goals_at_risk(workspace, ids, names, as_of)
    report.partnerships = [
        PartnershipQuarter(
            name=row.name,
            slug=row.slug,
            status=row.get_status_display(),
            lead=row.lead.name if row.lead else None,
            health_start=row.health_start,  # type: ignore[attr-defined]
            health_end=row.health_end,  # type: ignore[attr-defined]
            goals=goal_totals.get(row.pk, 0),
            goals_at_risk=goal_risky.get(row.pk, 0),
            conflicts_opened=row.conflicts_opened,  # type: ignore[attr-defined]
            conflicts_resolved=row.conflicts_resolved,  # type: ignore[attr-defined]
            conflicts_open=row.conflicts_open,  # type: ignore[attr-defined]
            decisions=row.decisions_made,  # type: ignore[attr-defined]
            reviews_held=row.reviews_held,  # type: ignore[attr-defined]
        )
        for row in rows
    ]
    report.goals_at_risk = at_risk
    report.plays = _play_effects(workspace, ids, names, quarter, as_of)
    report.kpis = _kpi_rollup(workspace, ids, quarter, as_of)
    return report


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def quarterly_summary(report: QuarterlyReport) -> list[str]:
    """The report's opening sentences, in plain words."""
    count = len(report.partnerships)
    if not count:
        return [f"No partnership ran in {report.quarter.label}."]
    sentences = []
    end, start = report.health_end, report.health_start
    word = "partnership" if count == 1 else "partnerships"
    if end is None:
        sentences.append(f"{count} {word}; none has a health score yet.")
    elif start is None:
        sentences.append(f"{count} {word}, average health {round(end)}.")
    else:
        moved = round(end - start)
        trend = "unchanged" if moved == 0 else (f"up {moved}" if moved > 0 else f"down {-moved}")
        sentences.append(f"{count} {word}; average health {round(end)}, {trend} over the quarter.")
    if report.improvers:
        best = report.improvers[0]
        sentences.append(f"Most improved: {best.name} (+{round(best.change or 0)}).")
    if report.decliners:
        worst = report.decliners[0]
        sentences.append(f"Largest decline: {worst.name} ({round(worst.change or 0)}).")
    totals = report.totals
    if totals["goals"]:
        sentences.append(f"{totals['goals_at_risk']} of {totals['goals']} active goals at risk.")
    sentences.append(
        f"{_plural(totals['conflicts_opened'], 'conflict')} opened, "
        f"{totals['conflicts_resolved']} resolved; "
        f"{_plural(totals['decisions'], 'decision')} made; "
        f"{_plural(totals['reviews_held'], 'review')} held."
    )
    if report.plays:
        improved = sum(1 for play in report.plays if play.verdict == "improved")
        sentences.append(
            f"{_plural(len(report.plays), 'play')} accepted; "
            f"{improved} already improved the signal behind it."
        )
    return sentences
