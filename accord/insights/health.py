"""The partnership health index: loading its inputs in bulk, computing it, writing snapshots.

``snapshots_take`` computes the index (accord/metrics/health_index.py) for every partnership
that is not closed — or for the ones given — and upserts one ``HealthSnapshot`` per
partnership per day. Inputs load in a bounded number of queries whatever the number of
partnerships: every source is one query (or one grouped aggregate) over all of them, and
the pure normalisers then run per partnership in Python. docs/health-index.md explains each
component, its source, its formula and its missing-data rule.

The workspace's weights, minimum covered share and decision target live in
``InsightSettings`` (created with the defaults on first use) and are changed through
``insight_settings_update`` (admins and owners, audited).
"""

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accord.comms.models_meetings import Meeting
from accord.comms.models_plan import Cadence
from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate, UpdateComment
from accord.comms.plan_selectors import cadence_adherence_list
from accord.goals.models import Goal
from accord.goals.selectors import SUMMARY_FIELDS, goal_summaries, status_bands
from accord.governance.models import Conflict, Decision, Deliverable, RaciAssignment
from accord.governance.raci_selectors import governance_settings_get
from accord.insights.models import HealthSnapshot, InsightSettings
from accord.metrics.health_index import (
    COMPONENT_LABELS,
    DEFAULT_WEIGHTS,
    ComponentInput,
    HealthIndex,
    Reading,
    checkin_freshness_component,
    conflicts_component,
    decision_velocity_component,
    equity_component,
    forecast_component,
    goal_progress_component,
    health_index,
    health_votes_component,
    likert_component,
    share_component,
)
from accord.metrics.participation import gini_normalised
from accord.metrics.raci import (
    CellFacts,
    DeliverableFacts,
    FunctionFacts,
    GoalFacts,
    PersonFacts,
    raci_validate,
)
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

# Partnerships a daily snapshot covers: every lifecycle stage but closed.
SNAPSHOT_STATUSES: tuple[str, ...] = tuple(
    status for status in Lifecycle.values if status != Lifecycle.CLOSED
)
ACK_WINDOW_DAYS = 90  # updates sent in the last 90 days are judged for acknowledgement
ASK_GRACE_DAYS = 7  # an ask is due for an answer once it is a week old …
ASK_WINDOW_DAYS = 90  # … and judged until it is 90 days old
EQUITY_WINDOW_DAYS = 90  # contributions of the last 90 days
RESOLUTION_WINDOW_DAYS = 365  # conflicts resolved in the last year give the median
COMPONENT_KEYS: tuple[str, ...] = tuple(COMPONENT_LABELS)
SETTINGS_FIELDS = ["weights", "min_covered_share", "decision_target_days"]
TARGET_DAYS_RANGE = (1, 365)


@dataclass(frozen=True)
class Measured:
    """One component's reading for one partnership and the age of its newest data."""

    reading: Reading
    freshness_days: int | None = None


Measures = dict[int, Measured]  # partnership id → reading


# --- settings -------------------------------------------------------------------------------


def insight_settings_get(*, workspace: Workspace) -> InsightSettings:
    """The workspace's health settings, created with the defaults on first use."""
    found = InsightSettings.objects.filter(workspace=workspace).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return InsightSettings.objects.create(workspace=workspace)
    except IntegrityError:  # created by a concurrent request in between
        return InsightSettings.objects.get(workspace=workspace)


def effective_weights(settings_row: InsightSettings) -> dict[str, float]:
    """Every component's weight: the workspace's where it set one, the default otherwise."""
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in (settings_row.weights or {}).items():
        if key in weights and isinstance(value, int | float) and math.isfinite(value):
            weights[key] = float(value)
    if not any(value > 0 for value in weights.values()):
        return dict(DEFAULT_WEIGHTS)
    return weights


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def insight_settings_validate(
    *,
    weights: Mapping[str, Any] | None = None,
    min_covered_share: Any = None,
    decision_target_days: Any = None,
    current: InsightSettings | None = None,
) -> dict[str, Any]:
    """Cleaned values of the given settings, or ValidationError naming each bad field
    (``weights.<key>`` for a weight). Weights not given keep their current value."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if weights is not None:
        merged = effective_weights(current) if current is not None else dict(DEFAULT_WEIGHTS)
        for key, raw in weights.items():
            label = COMPONENT_LABELS.get(key)
            if label is None:
                errors[f"weights.{key}"] = (
                    f"Unknown component {key!r}; known: {', '.join(COMPONENT_KEYS)}."
                )
                continue
            value = _number(raw)
            if value is None:
                errors[f"weights.{key}"] = f"Weight of {label}: enter a number (0 or more)."
            elif value < 0:
                errors[f"weights.{key}"] = f"Weight of {label} must be 0 or more."
            elif value > 1000:
                errors[f"weights.{key}"] = f"Weight of {label} must be at most 1000."
            else:
                merged[key] = value
        if not errors and not any(value > 0 for value in merged.values()):
            errors["weights"] = "At least one weight must be more than 0."
        clean["weights"] = {key: merged[key] for key in COMPONENT_KEYS}
    if min_covered_share is not None:
        share = _number(min_covered_share)
        if share is None or not 0.0 <= share <= 1.0:
            errors["min_covered_share"] = (
                "Minimum covered share: enter a number from 0 to 1 (0.4 means 40% of the "
                "weight must have data)."
            )
        else:
            clean["min_covered_share"] = share
    if decision_target_days is not None:
        days = _number(decision_target_days)
        low, high = TARGET_DAYS_RANGE
        if days is None or days != int(days) or not low <= days <= high:
            errors["decision_target_days"] = (
                f"Decision target: enter a whole number of days from {low} to {high}."
            )
        else:
            clean["decision_target_days"] = int(days)
    if errors:
        raise ValidationError(errors)
    return clean


def insight_settings_update(
    *,
    membership: Membership,
    weights: Mapping[str, Any] | None = None,
    min_covered_share: Any = None,
    decision_target_days: Any = None,
    version: int | None = None,
) -> InsightSettings:
    """Change the health settings (admins and owners): validated, versioned, audited.

    A stale ``version`` raises ``InsightSettingsConflict``. Snapshots pick up the new
    weights at the next refresh; history keeps the weights it was computed with."""
    if not membership.can_admin:
        raise PermissionDenied("Only admins and owners change the health index settings.")
    with transaction.atomic():
        row = insight_settings_get(workspace=membership.workspace)
        row = InsightSettings.objects.select_for_update().get(pk=row.pk)
        if version is not None and version != row.version:
            raise InsightSettingsConflict(row.version)
        clean = insight_settings_validate(
            weights=weights,
            min_covered_share=min_covered_share,
            decision_target_days=decision_target_days,
            current=row,
        )
        before = snapshot(row, SETTINGS_FIELDS)
        for name, value in clean.items():
            setattr(row, name, value)
        changes = diff(before, snapshot(row, SETTINGS_FIELDS))
        if changes:
            row.version += 1
            row.save()
            audit_record(
                workspace=membership.workspace,
                actor=membership.user,
                action="update",
                instance=row,
                changes=changes,
            )
    return row


class InsightSettingsConflict(Exception):
    """The settings changed since the caller read them."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"The settings are at version {current_version}.")
        self.current_version = current_version


# --- helpers --------------------------------------------------------------------------------


def _start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of the day, in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _age(today: datetime.date, newest: datetime.date | datetime.datetime | None) -> int | None:
    if newest is None:
        return None
    day = _day(newest) if isinstance(newest, datetime.datetime) else newest
    return max(0, (today - day).days)


def _newest(*moments: Any) -> Any:
    """The latest of the values given (all dates, or all aware datetimes), ignoring None."""
    present = [m for m in moments if m is not None]
    return max(present) if present else None


# --- goals: progress vs expected, forecast confidence, check-in freshness -------------------


def goal_measures(
    *, workspace: Workspace, ids: Sequence[int], today: datetime.date
) -> tuple[Measures, Measures, Measures]:
    """Goal progress, forecast confidence and check-in freshness of active measurable goals
    and key results (objectives are the mean of their key results, so counting the key
    results counts them). Three queries: goals, their check-ins, the status bands."""
    goals = list(
        Goal.objects.filter(workspace=workspace, partnership_id__in=ids, status=Goal.Status.ACTIVE)
        .exclude(kind=Goal.Kind.OBJECTIVE)
        .only(*SUMMARY_FIELDS)
    )
    bands = status_bands(workspace)
    summaries = goal_summaries(goals, today=today, forecast=True, bands=bands) if goals else {}
    by_partnership: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        by_partnership[goal.partnership_id].append(goal)  # type: ignore[index]
    progress: Measures = {}
    forecast: Measures = {}
    freshness: Measures = {}
    for pid, rows in by_partnership.items():
        ratios: list[float] = []
        chances: list[float] = []
        stale: list[tuple[int | None, int]] = []
        newest: datetime.date | None = None
        for goal in rows:
            summary = summaries[goal.pk]
            if summary.last_checkin is not None:
                newest = _newest(newest, summary.last_checkin)
            if summary.progress is not None and summary.expected:
                ratios.append(summary.progress / summary.expected)
            probability = getattr(summary.forecast, "probability", None)
            if probability is not None:
                chances.append(float(probability))
            started = goal.start_date is None or goal.start_date <= today
            anchor = summary.last_checkin or goal.start_date
            if started and anchor is not None:
                stale.append((max(0, (today - anchor).days), goal.cadence_days))
        age = _age(today, newest)
        progress[pid] = Measured(goal_progress_component(ratios, on_track=bands.on_track), age)
        forecast[pid] = Measured(forecast_component(chances), age)
        freshness[pid] = Measured(checkin_freshness_component(stale), age)
    return progress, forecast, freshness


# --- communication: cadence adherence, acknowledgement, asks --------------------------------


def cadence_measures(*, workspace: Workspace, ids: Sequence[int], today: datetime.date) -> Measures:
    """Due dates met over due dates judged across the active cadences of the communication
    plan (comms adherence, last 182 days). Three queries."""
    cadences = list(
        Cadence.objects.filter(workspace=workspace, partnership_id__in=ids, active=True)
    )
    met: dict[int, int] = defaultdict(int)
    judged: dict[int, int] = defaultdict(int)
    newest: dict[int, Any] = {}
    for row in cadence_adherence_list(workspace=workspace, cadences=cadences, today=today):
        pid = row.cadence.partnership_id
        met[pid] += row.report.met
        judged[pid] += row.report.judged
        for period in row.report.periods:
            newest[pid] = _newest(newest.get(pid), period.met_on)
    return {
        pid: Measured(
            share_component(met[pid], judged[pid], counted="due dates of the plan's cadences met"),
            _age(today, newest.get(pid)),
        )
        for pid in judged
        if judged[pid]
    }


def acknowledgement_measures(
    *,
    workspace: Workspace,
    ids: Sequence[int],
    today: datetime.date,
    member_functions: Mapping[tuple[int, int], int],
) -> Measures:
    """Updates of the last 90 days acknowledged by at least one person of another function
    than the author's (their function in the partnership, else their home function), over
    the updates sent. Two queries."""
    since, until = (
        _start(today - datetime.timedelta(days=ACK_WINDOW_DAYS)),
        _start(today + datetime.timedelta(days=1)),
    )
    updates = list(
        StatusUpdate.objects.filter(
            workspace=workspace,
            partnership_id__in=ids,
            posted_at__gte=since,
            posted_at__lt=until,
        ).values_list("pk", "partnership_id", "author_id", "author__function_id", "posted_at")
    )
    acks = Acknowledgement.objects.filter(
        workspace=workspace,
        update__partnership_id__in=ids,
        update__posted_at__gte=since,
        update__posted_at__lt=until,
        created_at__lt=until,
    ).values_list("update_id", "person_id", "person__function_id", "created_at")
    readers: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    newest: dict[int, Any] = {}
    partnership_of = {pk: pid for pk, pid, *_rest in updates}
    for update_id, person_id, function_id, created_at in acks:
        readers[update_id].append((person_id, function_id))
        pid = partnership_of.get(update_id)
        if pid is not None:
            newest[pid] = _newest(newest.get(pid), created_at)
    sent: dict[int, int] = defaultdict(int)
    acknowledged: dict[int, int] = defaultdict(int)
    for pk, pid, author_id, author_function, posted_at in updates:
        sent[pid] += 1
        newest[pid] = _newest(newest.get(pid), posted_at)
        own = member_functions.get((pid, author_id), author_function)
        for person_id, home in readers.get(pk, []):
            theirs = member_functions.get((pid, person_id), home)
            if person_id != author_id and (own is None or theirs != own):
                acknowledged[pid] += 1
                break
    return {
        pid: Measured(
            share_component(
                acknowledged[pid],
                count,
                counted=f"updates of the last {ACK_WINDOW_DAYS} days read by another function",
            ),
            _age(today, newest.get(pid)),
        )
        for pid, count in sent.items()
    }


def asks_measures(*, workspace: Workspace, ids: Sequence[int], today: datetime.date) -> Measures:
    """Asks at least a week old (and at most 90 days) that have an answer, over those asks.
    One query."""
    rows = Ask.objects.filter(
        workspace=workspace,
        update__partnership_id__in=ids,
        created_at__gte=_start(today - datetime.timedelta(days=ASK_WINDOW_DAYS)),
        created_at__lt=_start(today - datetime.timedelta(days=ASK_GRACE_DAYS - 1)),
    ).values_list("update__partnership_id", "created_at", "answered_at")
    due: dict[int, int] = defaultdict(int)
    answered: dict[int, int] = defaultdict(int)
    newest: dict[int, Any] = {}
    end = _start(today + datetime.timedelta(days=1))
    for pid, created_at, answered_at in rows:
        due[pid] += 1
        newest[pid] = _newest(newest.get(pid), created_at)
        if answered_at is not None and answered_at < end:
            answered[pid] += 1
            newest[pid] = _newest(newest.get(pid), answered_at)
    return {
        pid: Measured(
            share_component(
                answered[pid], count, counted=f"asks older than {ASK_GRACE_DAYS} days answered"
            ),
            _age(today, newest.get(pid)),
        )
        for pid, count in due.items()
    }


# --- governance: RACI, decisions, conflicts -------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    partnership_id: int
    person_id: int
    function_id: int
    name: str


def member_rows(*, workspace: Workspace, ids: Sequence[int]) -> list[MemberRow]:
    return [
        MemberRow(*row)
        for row in PartnershipMember.objects.filter(
            workspace=workspace, partnership_id__in=ids
        ).values_list("partnership_id", "person_id", "function_id", "person__name")
    ]


def raci_measures(
    *,
    workspace: Workspace,
    ids: Sequence[int],
    today: datetime.date,
    members: Sequence[MemberRow],
) -> Measures:
    """The share of deliverables (not cancelled) without an error finding of the RACI rules
    (accord/metrics/raci.py: exactly one A, at least one R, DACI's driver and approver…).
    Five queries: deliverables, their goals, assignments, functions, settings."""
    deliverables = list(
        Deliverable.objects.filter(workspace=workspace, partnership_id__in=ids).values_list(
            "pk", "partnership_id", "name", "mode", "status", "updated_at"
        )
    )
    if not deliverables:
        return {}
    settings_row = governance_settings_get(workspace=workspace)
    links = list(
        Deliverable.goals.through.objects.filter(
            deliverable__workspace=workspace, deliverable__partnership_id__in=ids
        ).values_list(
            "deliverable_id", "goal_id", "goal__title", "goal__owner_id", "goal__owner__name"
        )
    )
    assignments = list(
        RaciAssignment.objects.filter(
            workspace=workspace, deliverable__partnership_id__in=ids
        ).values_list(
            "deliverable__partnership_id",
            "deliverable_id",
            "person_id",
            "letter",
            "person__name",
            "person__function_id",
            "updated_at",
        )
    )
    functions = Partnership.functions.through.objects.filter(
        partnership_id__in=ids, partnership__workspace=workspace
    ).values_list("partnership_id", "function_id", "function__name")

    by_partnership: dict[int, list[DeliverableFacts]] = defaultdict(list)
    newest: dict[int, Any] = {}
    goals_of: dict[int, list[tuple[int, str, int | None, str | None]]] = defaultdict(list)
    for deliverable_id, goal_id, title, owner_id, owner_name in links:
        goals_of[deliverable_id].append((goal_id, title, owner_id, owner_name))
    for pk, pid, name, mode, status, updated_at in deliverables:
        by_partnership[pid].append(
            DeliverableFacts(
                id=str(pk),
                name=name,
                mode=mode,
                status=status,
                goal_ids=tuple(str(g[0]) for g in goals_of.get(pk, [])),
            )
        )
        newest[pid] = _newest(newest.get(pid), updated_at)
    people: dict[int, dict[int, PersonFacts]] = defaultdict(dict)
    for member in members:
        people[member.partnership_id][member.person_id] = PersonFacts(
            id=str(member.person_id),
            name=member.name,
            function=str(member.function_id),
            member=True,
        )
    cells: dict[int, list[CellFacts]] = defaultdict(list)
    for pid, deliverable_id, person_id, letter, name, function_id, updated_at in assignments:
        cells[pid].append(
            CellFacts(deliverable=str(deliverable_id), person=str(person_id), letter=letter)
        )
        people[pid].setdefault(
            person_id,
            PersonFacts(
                id=str(person_id),
                name=name,
                function=str(function_id) if function_id else None,
                member=False,
            ),
        )
        newest[pid] = _newest(newest.get(pid), updated_at)
    function_facts: dict[int, list[FunctionFacts]] = defaultdict(list)
    for pid, function_id, name in functions:
        function_facts[pid].append(FunctionFacts(id=str(function_id), name=name))

    measures: Measures = {}
    for pid, facts in by_partnership.items():
        goals = {
            goal_id: GoalFacts(
                id=str(goal_id),
                title=title,
                owner=str(owner_id) if owner_id else None,
                owner_name=owner_name or "",
            )
            for d in facts
            for goal_id, title, owner_id, owner_name in goals_of.get(int(d.id), [])
        }
        report = raci_validate(
            deliverables=facts,
            people=list(people[pid].values()),
            cells=cells[pid],
            functions=function_facts[pid],
            goals=list(goals.values()),
            load_cap=settings_row.raci_load_cap,
            max_consulted=settings_row.raci_max_consulted,
        )
        counted = [d for d in facts if d.status != Deliverable.Status.CANCELLED]
        with_errors = {
            f.deliverable for f in report.findings if f.severity == "error" and f.deliverable
        }
        clean = sum(1 for d in counted if d.id not in with_errors)
        measures[pid] = Measured(
            share_component(
                clean, len(counted), counted="deliverables with clear roles (no RACI error)"
            ),
            _age(today, newest.get(pid)),
        )
    return measures


def decision_measures(
    *, workspace: Workspace, ids: Sequence[int], today: datetime.date, target_days: int
) -> Measures:
    """Decisions and change proposals open for input and how long they have been waiting
    against the workspace's target. A partnership that never logged a decision: no data.
    Two queries."""
    end = _start(today + datetime.timedelta(days=1))
    logged = (
        Decision.objects.filter(workspace=workspace, partnership_id__in=ids, created_at__lt=end)
        .order_by()
        .values("partnership_id")
        .annotate(newest=Max("updated_at"))
    )
    ages: dict[int, list[float]] = defaultdict(list)
    for pid, created_at in Decision.objects.filter(
        workspace=workspace,
        partnership_id__in=ids,
        status=Decision.Status.OPEN,
        created_at__lt=end,
    ).values_list("partnership_id", "created_at"):
        ages[pid].append(float(max(0, (today - _day(created_at)).days)))
    return {
        row["partnership_id"]: Measured(
            decision_velocity_component(
                ages.get(row["partnership_id"], []), target_days=target_days
            ),
            _age(today, row["newest"]),
        )
        for row in logged
    }


OPEN_CONFLICT = ~Q(stage__in=[Conflict.Stage.RESOLVED, Conflict.Stage.CLOSED])


def conflict_measures(
    *, workspace: Workspace, ids: Sequence[int], today: datetime.date
) -> Measures:
    """Open conflicts and the median days from raised to resolved over the last year. No
    conflict at all is data (it scores 100), so every partnership gets a reading. Two
    queries. Private conflicts count too: only the numbers show, never which ones."""
    end = _start(today + datetime.timedelta(days=1))
    totals = {
        row["partnership_id"]: row
        for row in Conflict.objects.filter(
            workspace=workspace, partnership_id__in=ids, created_at__lt=end
        )
        .order_by()
        .values("partnership_id")
        .annotate(open=Count("pk", filter=OPEN_CONFLICT), newest=Max("updated_at"))
    }
    durations: dict[int, list[float]] = defaultdict(list)
    for pid, created_at, resolved_at in Conflict.objects.filter(
        workspace=workspace,
        partnership_id__in=ids,
        resolved_at__gte=_start(today - datetime.timedelta(days=RESOLUTION_WINDOW_DAYS)),
        resolved_at__lt=end,
    ).values_list("partnership_id", "created_at", "resolved_at"):
        if resolved_at is not None:
            days = (resolved_at - created_at).total_seconds() / 86400
            durations[pid].append(max(0.0, days))
    measures: Measures = {}
    for pid in ids:
        row = totals.get(pid)
        median = statistics.median(durations[pid]) if durations.get(pid) else None
        measures[pid] = Measured(
            conflicts_component(
                int(row["open"]) if row else 0,
                round(median, 1) if median is not None else None,
            ),
            _age(today, row["newest"]) if row else None,
        )
    return measures


# --- surveys: coordination, psychological safety, health-check votes ------------------------

SURVEY_COMPONENTS = {
    "coordination": "coordination",
    "psych_safety": "psych_safety",
    "health_check": "health_votes",
}


def survey_measures(
    *, workspace: Workspace, ids: Sequence[int], today: datetime.date
) -> dict[str, Measures]:
    """Coordination score, psychological safety and health-check votes from each
    partnership's latest closed cycle per instrument kind, through the released headline
    aggregates of the survey results pages: a figure withheld there (fewer than the cycle's
    minimum group size k, or any other release rule) is "no data" here. A constant number
    of queries (the cycles, then the answers of the latest ones)."""
    from accord.surveys import results_selectors as results
    from accord.surveys.models import Cycle, InstrumentKind

    cycles = results.with_response_count(
        Cycle.objects.filter(
            workspace=workspace,
            partnership_id__in=ids,
            version__instrument__kind__in=list(SURVEY_COMPONENTS),
        )
        .exclude(status=Cycle.Status.DRAFT)
        .select_related("version", "version__instrument")
        .order_by("closes_at", "pk")
    )
    latest: dict[tuple[int, str], Any] = results.latest_ready_cycles(
        cycles, key=lambda cycle: (cycle.partnership_id, cycle.version.instrument.kind)
    )
    loaded = results.released_load(list(latest.values()))
    found: dict[str, Measures] = {key: {} for key in SURVEY_COMPONENTS.values()}
    for (pid, kind), cycle in latest.items():
        summary = results.released_summary(
            name=cycle.version.instrument.name, kind=kind, series=[cycle], loaded=loaded
        )
        age = _age(today, cycle.closes_at)
        where = f" — {cycle.title}, closed {_day(cycle.closes_at):%d %b %Y}."
        figures = summary.headline
        if kind == InstrumentKind.COORDINATION:
            overall = next((f for f in figures if f.key == "overall"), None)
            reading = _survey_reading(
                overall, lambda v: likert_component(v, low=1.0, high=5.0), "coordination"
            )
        elif kind == InstrumentKind.PSYCH_SAFETY:
            scale = next((f for f in figures if f.key == "scale"), None)
            points = float(cycle.version.scale_points or 7)
            reading = _survey_reading(
                scale, lambda v, p=points: likert_component(v, low=1.0, high=p), "safety"
            )
        else:
            shown = [f.value for f in figures if f.shown and f.value is not None]
            if shown:
                mean = min(2.0, max(0.0, math.fsum(shown) / len(shown)))
                reading = health_votes_component(mean)
                reading = Reading(
                    reading.value,
                    f"Mean vote {mean:.2f} of 2 over {len(shown)} indicators.",
                )
            else:
                reason = figures[0].reason if figures else ""
                reading = Reading(None, f"Votes withheld: {reason}".strip())
        found[SURVEY_COMPONENTS[kind]][pid] = Measured(
            Reading(reading.value, reading.evidence.rstrip(".") + where), age
        )
    return found


def _survey_reading(figure: Any, normalise: Any, what: str) -> Reading:
    if figure is None:
        return Reading(None, f"No {what} ratings in the latest closed cycle.")
    if not figure.shown or figure.value is None:
        return Reading(None, f"Withheld: {figure.reason or 'too few respondents.'}")
    reading: Reading = normalise(float(figure.value))
    if figure.n:
        return Reading(reading.value, f"{reading.evidence.rstrip('.')}, n = {figure.n}.")
    return reading


# --- participation equity -------------------------------------------------------------------


def equity_measures(*, workspace: Workspace, ids: Sequence[int], today: datetime.date) -> Measures:
    """100 × (1 − G*) of the contributions per member over the last 90 days, silent
    members as 0 (accord.insights.contributions). Fewer than two members or no contribution
    at all: no data. Freshness: the newest update, comment or held meeting."""
    from accord.insights.contributions import contribution_counts

    since = today - datetime.timedelta(days=EQUITY_WINDOW_DAYS - 1)
    counts = contribution_counts(workspace=workspace, partnership_ids=ids, since=since, until=today)
    end = _start(today + datetime.timedelta(days=1))
    newest: dict[int, Any] = {}
    for pid, moment in (
        StatusUpdate.objects.filter(workspace=workspace, partnership_id__in=ids, posted_at__lt=end)
        .order_by()
        .values("partnership_id")
        .annotate(newest=Max("posted_at"))
        .values_list("partnership_id", "newest")
    ):
        newest[pid] = _newest(newest.get(pid), moment)
    for pid, moment in (
        UpdateComment.objects.filter(
            workspace=workspace, update__partnership_id__in=ids, created_at__lt=end
        )
        .order_by()
        .values("update__partnership_id")
        .annotate(newest=Max("created_at"))
        .values_list("update__partnership_id", "newest")
    ):
        newest[pid] = _newest(newest.get(pid), moment)
    for pid, moment in (
        Meeting.objects.filter(
            workspace=workspace,
            partnership_id__in=ids,
            status=Meeting.Status.HELD,
            starts_at__lt=end,
        )
        .order_by()
        .values("partnership_id")
        .annotate(newest=Max("starts_at"))
        .values_list("partnership_id", "newest")
    ):
        newest[pid] = _newest(newest.get(pid), moment)
    measures: Measures = {}
    for pid, people in counts.items():
        values = list(people.values())
        reading = equity_component(gini_normalised(values))
        if reading.value is not None:
            silent = sum(1 for v in values if v == 0)
            reading = Reading(
                reading.value,
                f"{reading.evidence.rstrip('.')}; {sum(values)} contributions by "
                f"{len(values) - silent} of {len(values)} members in {EQUITY_WINDOW_DAYS} days.",
            )
        elif len(values) < 2:
            reading = Reading(None, "Fewer than two members to compare.")
        measures[pid] = Measured(reading, _age(today, newest.get(pid)))
    return measures


# --- composing and writing ------------------------------------------------------------------


def health_readings(
    *,
    workspace: Workspace,
    partnerships: Sequence[Partnership],
    today: datetime.date,
    settings_row: InsightSettings,
) -> dict[int, dict[str, Measured]]:
    """Partnership id → component key → reading, for every component (no data included)."""
    ids = [p.pk for p in partnerships]
    members = member_rows(workspace=workspace, ids=ids)
    member_functions = {(m.partnership_id, m.person_id): m.function_id for m in members}
    progress, forecast, freshness = goal_measures(workspace=workspace, ids=ids, today=today)
    surveys = survey_measures(workspace=workspace, ids=ids, today=today)
    sources: dict[str, Measures] = {
        "goal_progress": progress,
        "forecast_confidence": forecast,
        "checkin_freshness": freshness,
        "cadence_adherence": cadence_measures(workspace=workspace, ids=ids, today=today),
        "acknowledgement": acknowledgement_measures(
            workspace=workspace, ids=ids, today=today, member_functions=member_functions
        ),
        "asks_answered": asks_measures(workspace=workspace, ids=ids, today=today),
        "raci_completeness": raci_measures(
            workspace=workspace, ids=ids, today=today, members=members
        ),
        "decision_velocity": decision_measures(
            workspace=workspace,
            ids=ids,
            today=today,
            target_days=settings_row.decision_target_days,
        ),
        "conflicts": conflict_measures(workspace=workspace, ids=ids, today=today),
        "coordination": surveys["coordination"],
        "psych_safety": surveys["psych_safety"],
        "health_votes": surveys["health_votes"],
        "participation_equity": equity_measures(workspace=workspace, ids=ids, today=today),
    }
    return {
        pid: {
            key: sources[key].get(pid) or Measured(Reading(None, NO_DATA[key]))
            for key in COMPONENT_KEYS
        }
        for pid in ids
    }


NO_DATA: dict[str, str] = {
    "goal_progress": "No active goals with a check-in and an expected progress.",
    "forecast_confidence": "No goal has enough check-ins for a forecast.",
    "checkin_freshness": "No started goals to check in on.",
    "cadence_adherence": "No active cadence with a due date judged yet.",
    "acknowledgement": f"No updates sent in the last {ACK_WINDOW_DAYS} days.",
    "asks_answered": f"No asks older than {ASK_GRACE_DAYS} days in the last {ASK_WINDOW_DAYS}.",
    "raci_completeness": "No deliverables in the RACI matrix.",
    "decision_velocity": "No decisions or proposals logged yet.",
    "conflicts": "No conflict register.",
    "coordination": "No closed coordination survey with enough respondents.",
    "psych_safety": "No closed psychological safety survey with enough respondents.",
    "health_votes": "No closed health check with enough respondents.",
    "participation_equity": "No contributions to compare.",
}


def component_rows(index: HealthIndex) -> list[dict[str, Any]]:
    """The snapshot's ``components`` JSON, in display order."""
    return [
        {
            "key": c.key,
            "label": c.label,
            "value": None if c.value is None else round(c.value, 2),
            "weight": c.weight,
            "effective_weight": round(c.effective_weight, 4),
            "evidence": c.evidence,
            "status": c.status,
            "freshness_days": c.freshness_days,
            "trend": None if c.trend is None else round(c.trend, 2),
        }
        for c in index.components
    ]


def _previous_values(
    *, workspace: Workspace, ids: Sequence[int], today: datetime.date
) -> dict[int, dict[str, float]]:
    """Each partnership's component values in its latest snapshot before today (one query)."""
    latest = (
        HealthSnapshot.objects.filter(partnership_id=OuterRef("pk"), date__lt=today)
        .order_by("-date")
        .values("pk")[:1]
    )
    previous_ids = Partnership.objects.filter(workspace=workspace, pk__in=ids).values(
        pk_=Subquery(latest)
    )
    found: dict[int, dict[str, float]] = {}
    for pid, components in HealthSnapshot.objects.filter(
        workspace=workspace, pk__in=previous_ids
    ).values_list("partnership_id", "components"):
        found[pid] = {
            row["key"]: float(row["value"])
            for row in components or []
            if isinstance(row, dict) and row.get("value") is not None
        }
    return found


def health_compute(
    readings: Mapping[str, Measured],
    *,
    weights: Mapping[str, float],
    min_covered_share: float,
    previous: Mapping[str, float] | None = None,
) -> HealthIndex:
    """The index from one partnership's readings; trends against the previous values."""
    inputs: list[ComponentInput] = []
    for key in COMPONENT_KEYS:
        measured = readings[key]
        value = measured.reading.value
        before = (previous or {}).get(key)
        trend = value - before if value is not None and before is not None else None
        inputs.append(
            measured.reading.as_input(key, freshness_days=measured.freshness_days, trend=trend)
        )
    return health_index(inputs, weights=weights, min_covered_share=min_covered_share)


def snapshot_partnerships(
    *, workspace: Workspace, partnerships: Iterable[Partnership] | None = None
) -> list[Partnership]:
    """The given partnerships of the workspace, or every one that is not closed."""
    if partnerships is None:
        return list(
            Partnership.objects.filter(workspace=workspace, status__in=SNAPSHOT_STATUSES)
            .only("pk", "workspace_id", "slug", "status")
            .order_by("pk")
        )
    return [p for p in partnerships if p.workspace_id == workspace.pk]


def snapshots_take(
    *,
    workspace: Workspace,
    today: datetime.date,
    partnerships: Sequence[Partnership] | None = None,
) -> int:
    """Compute today's health index of every partnership that is not closed (or of the given
    ones) and upsert one HealthSnapshot each; returns the number written. A second run the
    same day rewrites the same rows (the playbook's ``signals`` are left as they are)."""
    chosen = snapshot_partnerships(workspace=workspace, partnerships=partnerships)
    if not chosen:
        return 0
    settings_row = insight_settings_get(workspace=workspace)
    weights = effective_weights(settings_row)
    readings = health_readings(
        workspace=workspace, partnerships=chosen, today=today, settings_row=settings_row
    )
    previous = _previous_values(workspace=workspace, ids=[p.pk for p in chosen], today=today)
    now = timezone.now()
    rows = []
    for partnership in chosen:
        index = health_compute(
            readings[partnership.pk],
            weights=weights,
            min_covered_share=settings_row.min_covered_share,
            previous=previous.get(partnership.pk),
        )
        rows.append(
            HealthSnapshot(
                workspace=workspace,
                partnership_id=partnership.pk,
                date=today,
                score=None if index.score is None else round(index.score, 2),
                covered_share=round(index.covered_weight, 4),
                components=component_rows(index),
                reasons=list(index.reasons),
                computed_at=now,
            )
        )
    HealthSnapshot.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["partnership", "date"],
        update_fields=[
            "score",
            "covered_share",
            "components",
            "reasons",
            "computed_at",
            "updated_at",
        ],
    )
    return len(rows)
