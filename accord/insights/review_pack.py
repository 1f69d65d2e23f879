"""The review pack: everything a review meeting looks at, gathered for the review's period.

``review_pack_build`` reads, for one partnership and one period, its facts, health (the
stored snapshots), KPIs against targets, goals with forecasts, released survey results,
decisions, conflicts, actions, accepted plays and their effect, participation equity and
the previous review's adjustments, and returns a ``ReviewPack`` (accord/insights/
pack_types.py) made of plain JSON values, so it can be frozen into ``Review.pack``.

Privacy holds here as everywhere: survey numbers come only from the released aggregates
(withheld ones carry ``shown=False`` and the reason), private conflicts show no title or
content, and equity carries group figures only, never a person's count.

Queries are bounded: one or two per section, whatever the number of rows.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from accord.goals.models import Goal, Kpi, Measurement
from accord.goals.selectors import goal_summaries, kpi_on_target
from accord.governance.models import ActionItem, Conflict, Decision
from accord.insights.equity import partnership_equity
from accord.insights.models import HealthSnapshot, Review, ReviewAdjustment
from accord.insights.pack_types import (
    PACK_VERSION,
    PackAction,
    PackActions,
    PackComponent,
    PackConflict,
    PackDecision,
    PackEquity,
    PackGoal,
    PackHealth,
    PackHealthPoint,
    PackKpi,
    PackPartnership,
    PackPeriod,
    PackPlay,
    PackPreviousReview,
    PackSeriesPoint,
    PackSurvey,
    PackSurveyFigure,
    PackVoiceGroup,
    ReviewPack,
)
from accord.insights.playbook_selectors import play_followups_pack
from accord.insights.review_selectors import review_previous
from accord.partnerships.models import Partnership

HISTORY_DAYS = 365
ACTION_ITEMS_OPEN = 40
ACTION_ITEMS_DONE = 20
OUTCOME_CHARS = 400
PRIVATE_CONFLICT = "Private conflict"
CONFLICT_CLOSED = (Conflict.Stage.RESOLVED, Conflict.Stage.CLOSED)
ACTION_OPEN = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


# --- partnership and period -----------------------------------------------------------------


def _partnership(partnership: Partnership) -> PackPartnership:
    return {
        "name": partnership.name,
        "slug": partnership.slug,
        "purpose": partnership.purpose,
        "lead": partnership.lead.name if partnership.lead else None,
        "sponsor": partnership.sponsor.name if partnership.sponsor else None,
        "functions": sorted(f.name for f in partnership.functions.all()),
        "status": partnership.get_status_display(),
        "start_date": _iso(partnership.start_date),
    }


# --- health ---------------------------------------------------------------------------------


def _component(raw: dict[str, Any]) -> PackComponent:
    value = _number(raw.get("value"))
    return {
        "key": str(raw.get("key", "")),
        "label": str(raw.get("label", raw.get("key", ""))),
        "value": value,
        "weight": float(raw.get("weight") or 0.0),
        "effective_weight": float(raw.get("effective_weight") or 0.0),
        "evidence": str(raw.get("evidence", "")),
        "status": str(raw.get("status") or ("ok" if value is not None else "no data")),
        "trend": _number(raw.get("trend")),
    }


def _health(review: Review) -> PackHealth:
    """The latest snapshot on or before the period end, the scores of the year before it,
    and the change since the period started (one query)."""
    end = review.period_end
    rows = list(
        HealthSnapshot.objects.filter(
            workspace=review.workspace_id,
            partnership_id=review.partnership_id,
            date__lte=end,
            date__gte=end - datetime.timedelta(days=HISTORY_DAYS),
        ).order_by("date")
    )
    history: list[PackHealthPoint] = [
        {"date": row.date.isoformat(), "score": row.score} for row in rows
    ]
    if not rows:
        return {
            "score": None,
            "covered_share": 0.0,
            "as_of": None,
            "reasons": ["No health snapshot was taken before the end of this period."],
            "components": [],
            "history": [],
            "change": None,
        }
    latest = rows[-1]
    # The score at the start: the last snapshot on or before the first day of the period,
    # else the first one inside it.
    before = [row for row in rows if row.date <= review.period_start]
    start_row = before[-1] if before else rows[0]
    change = None
    if latest.score is not None and start_row.score is not None and start_row is not latest:
        change = round(latest.score - start_row.score, 1)
    return {
        "score": latest.score,
        "covered_share": latest.covered_share,
        "as_of": latest.date.isoformat(),
        "reasons": [str(reason) for reason in latest.reasons],
        "components": [_component(c) for c in latest.components if isinstance(c, dict)],
        "history": history,
        "change": change,
    }


# --- KPIs and goals -------------------------------------------------------------------------


def _kpis(review: Review) -> list[PackKpi]:
    """Each KPI's first measurement ever, its latest by the period end and the series within
    the period (two queries)."""
    end = review.period_end
    first = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("date", "pk")
    latest = Measurement.objects.filter(kpi=OuterRef("pk"), date__lte=end).order_by("-date", "-pk")
    kpis = list(
        Kpi.objects.filter(workspace=review.workspace_id, partnership_id=review.partnership_id)
        .annotate(
            first_value=Subquery(first.values("value")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
        )
        .order_by("name", "pk")
    )
    series: dict[int, list[PackSeriesPoint]] = defaultdict(list)
    for kpi_id, day, value in (
        Measurement.objects.filter(
            kpi_id__in=[k.pk for k in kpis], date__gte=review.period_start, date__lte=end
        )
        .order_by("kpi_id", "date", "pk")
        .values_list("kpi_id", "date", "value")
    ):
        series[kpi_id].append({"date": day.isoformat(), "value": float(value)})
    rows: list[PackKpi] = []
    for kpi in kpis:
        latest_value = _number(kpi.latest_value)
        rows.append(
            {
                "name": kpi.name,
                "unit": kpi.unit,
                "category": kpi.get_category_display(),
                "direction": kpi.direction,
                "target": kpi.target,
                "first": _number(kpi.first_value),
                "latest": latest_value,
                "on_target": kpi_on_target(kpi, latest_value),
                "series": series.get(kpi.pk, []),
            }
        )
    return rows


def _goals(review: Review, as_of: datetime.date) -> list[PackGoal]:
    """The partnership's goals that were not cancelled, with their status, progress, expected
    progress and forecast as of the period end (or today, if earlier)."""
    goals = list(
        Goal.objects.filter(workspace=review.workspace_id, partnership_id=review.partnership_id)
        .exclude(status=Goal.Status.CANCELLED)
        .exclude(kind=Goal.Kind.KEY_RESULT)
        .select_related("owner", "function", "workspace")
        .order_by("due_date", "title", "pk")
    )
    summaries = goal_summaries(goals, today=as_of, forecast=True)
    rows: list[PackGoal] = []
    for goal in goals:
        summary = summaries[goal.pk]
        forecast = summary.forecast
        rows.append(
            {
                "title": goal.title,
                "owner": goal.owner.name if goal.owner else None,
                "function": goal.function.name if goal.function else None,
                "status": summary.health_label,
                "progress": summary.progress,
                "expected": summary.expected,
                "forecast_probability": getattr(forecast, "probability", None),
                "due_date": _iso(goal.due_date),
            }
        )
    return rows


# --- survey results (released aggregates only) ----------------------------------------------


def _surveys(review: Review) -> list[PackSurvey]:
    """Cycles of the partnership that closed in the period, each with its headline figures
    as the anonymity engine releases them (a constant number of queries)."""
    from accord.surveys import results_selectors as results
    from accord.surveys.models import Cycle, Response

    responses = (
        Response.objects.filter(cycle=OuterRef("pk"))
        .order_by()
        .values("cycle")
        .annotate(total=Count("pk"))
        .values("total")
    )
    end = _start_of(review.period_end + datetime.timedelta(days=1))
    cycles = list(
        Cycle.objects.filter(workspace=review.workspace_id, partnership_id=review.partnership_id)
        .exclude(status=Cycle.Status.DRAFT)
        .filter(closes_at__lt=end)
        .select_related("version", "version__instrument", "partnership")
        .annotate(response_count=Subquery(responses))
        .order_by("opens_at", "pk")
    )
    for cycle in cycles:
        cycle.response_count = cycle.response_count or 0
    start = _start_of(review.period_start)
    in_period = [c for c in cycles if c.closes_at >= start]
    if not in_period:
        return []
    instruments = {c.version.instrument_id for c in in_period}
    series = [c for c in cycles if c.version.instrument_id in instruments]
    loaded = results.released_load(series)
    packs: list[PackSurvey] = []
    for cycle in in_period:
        earlier: list[Cycle] = [
            c
            for c in series
            if c.version.instrument_id == cycle.version.instrument_id
            and (c.opens_at, c.pk) <= (cycle.opens_at, cycle.pk)
        ]
        instrument = cycle.version.instrument
        figures: list[PackSurveyFigure] = []
        ready = results.cycle_state(cycle) == "ready"
        if ready:
            summary = results.released_summary(
                name=instrument.name, kind=instrument.kind, series=earlier, loaded=loaded
            )
            for figure in summary.headline:
                figures.append(
                    {
                        "label": figure.label,
                        "value": figure.value if figure.shown else None,
                        "scale": figure.scale,
                        "shown": figure.shown,
                        "reason": "" if figure.shown else figure.reason,
                    }
                )
        else:
            figures.append(
                {
                    "label": "Results",
                    "value": None,
                    "scale": "",
                    "shown": False,
                    "reason": f"Fewer than {cycle.min_group} people answered, so no result "
                    "is shown (anonymity threshold).",
                }
            )
        packs.append(
            {
                "instrument": instrument.name,
                "cycle": cycle.title,
                "closed_on": timezone.localtime(cycle.closes_at).date().isoformat(),
                "respondents_shown": ready,
                "figures": figures,
            }
        )
    return packs


# --- governance -----------------------------------------------------------------------------


def _decisions(review: Review) -> list[PackDecision]:
    rows = (
        Decision.objects.filter(
            workspace=review.workspace_id,
            partnership_id=review.partnership_id,
            decided_at__gte=_start_of(review.period_start),
            decided_at__lt=_start_of(review.period_end + datetime.timedelta(days=1)),
        )
        .exclude(status=Decision.Status.DRAFT)
        .select_related("decider")
        .order_by("decided_at", "pk")
    )
    decisions: list[PackDecision] = []
    for decision in rows:
        outcome = (decision.outcome_statement or decision.decision_text).strip()
        if len(outcome) > OUTCOME_CHARS:
            outcome = outcome[: OUTCOME_CHARS - 1].rstrip() + "…"
        day = _local_day(decision.decided_at)
        decisions.append(
            {
                "title": decision.title,
                "decided_at": _iso(day),
                "decider": decision.decider.name if decision.decider else None,
                "outcome": outcome,
            }
        )
    return decisions


def _conflicts(review: Review, as_of: datetime.date) -> list[PackConflict]:
    """Conflicts open at the end of the period, and those resolved during it. A private
    conflict shows as "Private conflict": its title and content stay with its circle."""
    start = _start_of(review.period_start)
    end = _start_of(review.period_end + datetime.timedelta(days=1))
    rows = (
        Conflict.objects.filter(
            workspace=review.workspace_id,
            partnership_id=review.partnership_id,
            created_at__lt=end,
        )
        .filter(
            ~Q(stage__in=CONFLICT_CLOSED)
            | Q(resolved_at__gte=start, resolved_at__lt=end)
            | Q(resolved_at__isnull=True, closed_at__gte=start, closed_at__lt=end)
        )
        .only("title", "stage", "severity", "private", "created_at", "resolved_at", "closed_at")
        .order_by("created_at", "pk")
    )
    conflicts: list[PackConflict] = []
    for conflict in rows:
        opened = _local_day(conflict.created_at) or as_of
        finished = _local_day(conflict.resolved_at or conflict.closed_at)
        if conflict.stage not in CONFLICT_CLOSED:
            finished = None
        conflicts.append(
            {
                "title": PRIVATE_CONFLICT if conflict.private else conflict.title,
                "stage": conflict.get_stage_display(),
                "severity": conflict.get_severity_display(),
                "opened": opened.isoformat(),
                "resolved": _iso(finished),
                "days_open": max(((finished or as_of) - opened).days, 0),
            }
        )
    return conflicts


def _action(item: ActionItem, as_of: datetime.date) -> PackAction:
    open_now = item.status in ACTION_OPEN
    return {
        "title": item.title,
        "owner": item.owner.name if item.owner else None,
        "due_date": _iso(item.due_date),
        "status": item.get_status_display(),
        "overdue": bool(open_now and item.due_date and item.due_date < as_of),
    }


def _actions(review: Review, as_of: datetime.date) -> PackActions:
    """Counts of open (now), done-in-period and overdue actions (one query), the open ones
    (soonest due first) and those done in the period (two more). Open means open when the
    pack is generated: the meeting discusses what is still to do."""
    start = _start_of(review.period_start)
    end = _start_of(review.period_end + datetime.timedelta(days=1))
    base = ActionItem.objects.filter(
        workspace=review.workspace_id, partnership_id=review.partnership_id
    )
    is_open = Q(status__in=ACTION_OPEN)
    done_in_period = Q(status=ActionItem.Status.DONE, completed_at__gte=start, completed_at__lt=end)
    counts = base.aggregate(
        open=Count("pk", filter=is_open),
        done=Count("pk", filter=done_in_period),
        overdue=Count("pk", filter=is_open & Q(due_date__lt=as_of)),
    )
    open_items = list(
        base.filter(is_open)
        .select_related("owner")
        .order_by("due_date", "created_at", "pk")[:ACTION_ITEMS_OPEN]
    )
    done_items = list(
        base.filter(done_in_period)
        .select_related("owner")
        .order_by("-completed_at", "-pk")[:ACTION_ITEMS_DONE]
    )
    return {
        "open": counts["open"],
        "done": counts["done"],
        "overdue": counts["overdue"],
        "items": [_action(item, as_of) for item in [*open_items, *done_items]],
    }


# --- plays and equity (computed by the playbook and equity areas) ---------------------------


def _plays(partnership: Partnership, as_of: datetime.date) -> list[PackPlay]:
    """Accepted plays, their steps done and whether the signals that fired improved since."""
    return play_followups_pack(partnership=partnership, as_of=as_of)


def _voice_groups(groups: Any) -> list[PackVoiceGroup]:
    # Group figures only; a group under the minimum size keeps its share withheld (None).
    return [
        {
            "label": group.label,
            "voice_share": group.voice_share if group.shown else None,
            "headcount_share": group.headcount_share,
            "flagged": bool(group.shown and (group.under_heard or group.over_heard)),
        }
        for group in groups
    ]


def _equity(review: Review, partnership: Partnership) -> PackEquity | None:
    """Participation equity over the period: G*, evenness and voice by level and function
    (never a person's count). None when the partnership had nobody to count."""
    result = partnership_equity(
        workspace=review.workspace,
        partnership=partnership,
        since=review.period_start,
        until=review.period_end,
    )
    # Everyone counted: members and the guests present at the partnership's meetings, so
    # the contributors are always a part of it.
    members = len(result.members)
    if not members:
        return None
    return {
        "gini_star": result.gini_normalised,
        "evenness": result.evenness,
        "contributors": result.contributors,
        "members": members,
        "levels": _voice_groups(result.by_seniority),
        "functions": _voice_groups(result.by_function),
        "flags": list(result.flags),
    }


# --- the previous review --------------------------------------------------------------------


def _previous(review: Review) -> PackPreviousReview | None:
    previous = review_previous(review=review)
    if previous is None:
        return None
    adjustments = ReviewAdjustment.objects.filter(
        workspace=review.workspace_id, review=previous
    ).order_by("created_at", "pk")
    return {
        "title": previous.title,
        "held_on": _iso(previous.scheduled_for),
        "adjustments": [
            {"kind": a.get_kind_display(), "description": a.description} for a in adjustments
        ],
    }


# --- the pack -------------------------------------------------------------------------------


def review_pack_build(*, review: Review, today: datetime.date) -> ReviewPack:
    """Gather the review's pack for its period; figures that depend on "now" (goal status,
    overdue actions, days a conflict has been open) are read as of the period end, or today
    when the period has not ended yet."""
    partnership = (
        Partnership.objects.select_related("workspace", "lead", "sponsor")
        .prefetch_related("functions")
        .get(pk=review.partnership_id)
    )
    as_of = min(today, review.period_end)
    period: PackPeriod = {
        "start": review.period_start.isoformat(),
        "end": review.period_end.isoformat(),
        "rhythm": review.rhythm,
    }
    return {
        "version": PACK_VERSION,
        "generated_at": timezone.now().isoformat(),
        "partnership": _partnership(partnership),
        "period": period,
        "health": _health(review),
        "kpis": _kpis(review),
        "goals": _goals(review, as_of),
        "surveys": _surveys(review),
        "decisions": _decisions(review),
        "conflicts": _conflicts(review, as_of),
        "actions": _actions(review, as_of),
        "plays": _plays(partnership, as_of),
        "equity": _equity(review, partnership),
        "previous_review": _previous(review),
    }
