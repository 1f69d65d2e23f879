"""The playbook's weak signals, read from what the other areas record.

``signals_collect`` turns a workspace's data into ``accord.metrics.playbook.Signal`` rows per
partnership, each with a label (what was measured) and human evidence ("‘Align pricing’ open
45 days"). Every kind is read for all the partnerships at once, so the number of queries does
not grow with the number of partnerships:

- health: the components of each partnership's latest health snapshot (no-data ones skipped);
- coordination: the relational-coordination dimensions of the latest released coordination
  cycle (aggregates shown under the cycle's minimum group size only);
- voice_share / anonymous_only: the equity flags (accord.insights.equity.equity_signals);
- conflict_age: open conflicts and their age (a private conflict's title never shows);
- goal_conflicts: goals of different functions that pull against each other;
- smart_gaps: active goals that miss SMART criteria (specific, measurable, achievable,
  time-bound, one owner);
- missed_updates: active cadences and how many due dates in a row were missed;
- unconsulted_change: open change proposals and the share of affected functions that gave
  input (a concern, a readiness rating or a response).

Signals that do not fire (a goal that passes every SMART criterion, a cadence kept) are
collected too: stored in the day's snapshot they let a follow-up show that a weak signal
recovered.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from accord.metrics.playbook import Signal
from accord.partnerships.models import Partnership, Privacy
from accord.workspaces.models import Workspace

EQUITY_WINDOW_DAYS = 90  # the equity signals cover the last quarter
# Relational-coordination dimensions (accord.metrics.coordination.DIMENSIONS) → signal keys
# (the keys the playbook's rules name).
COORDINATION_KEYS = {
    "frequent": "frequent_communication",
    "timely": "timely_communication",
    "accurate": "accurate_communication",
    "problem_solving": "problem_solving_communication",
    "shared_goals": "shared_goals",
    "shared_knowledge": "shared_knowledge",
    "mutual_respect": "mutual_respect",
}
# Goal-conflict findings between two goals (the others concern one goal or one owner).
PAIR_KINDS = ("opposite_direction", "tension", "shared_budget", "timeline_inversion")
# The SMART criteria the "fix the SMART gaps" play repairs (a measure, a target, a deadline,
# one owner). "Relevant" is left out: in the app it means "linked to an objective, a goal or
# a KPI", which the shared-goals play addresses, and counting it flagged most real goals.
SMART_NAMES = {
    "specific": "specific",
    "measurable": "measurable",
    "achievable": "achievable",
    "time_bound": "time-bound",
    "owner": "one owner",
}
EVIDENCE_LIMIT = 3  # findings named in one evidence line


def _day(value: datetime.date) -> str:
    return value.strftime("%-d %b %Y")


def _quoted(title: str, limit: int = 80) -> str:
    title = " ".join(title.split())
    if len(title) > limit:
        title = title[: limit - 1].rstrip() + "…"
    return f"‘{title}’"


def _end_of(today: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))


# --- health components ----------------------------------------------------------------------


def _health(ids: list[int], today: datetime.date, found: dict[int, list[Signal]]) -> None:
    from accord.insights.models import HealthSnapshot
    from accord.metrics.health_index import COMPONENT_LABELS

    latest = (
        HealthSnapshot.objects.filter(partnership_id=OuterRef("partnership_id"), date__lte=today)
        .order_by("-date")
        .values("date")[:1]
    )
    snapshots = HealthSnapshot.objects.filter(partnership_id__in=ids, date=Subquery(latest)).only(
        "partnership_id", "date", "components"
    )
    for snapshot in snapshots:
        for component in snapshot.components or []:
            value = component.get("value")
            key = component.get("key")
            if value is None or not key or component.get("status") == "no data":
                continue
            label = component.get("label") or COMPONENT_LABELS.get(key, key)
            evidence = f"{label}: {float(value):.0f} of 100"
            if component.get("evidence"):
                evidence += f" ({component['evidence']})"
            found[snapshot.partnership_id].append(
                Signal("health", key, float(value), evidence=evidence, label=label)
            )


# --- coordination ---------------------------------------------------------------------------


def _coordination(
    workspace: Workspace, ids: list[int], today: datetime.date, found: dict[int, list[Signal]]
) -> None:
    from accord.surveys import results_selectors as results
    from accord.surveys.models import Cycle, InstrumentKind

    now = min(timezone.now(), _end_of(today))
    cycles = results.with_response_count(
        Cycle.objects.filter(
            workspace=workspace,
            partnership_id__in=ids,
            version__instrument__kind=InstrumentKind.COORDINATION,
            opens_at__lte=now,
        )
        .exclude(status=Cycle.Status.DRAFT)
        .filter(Q(status=Cycle.Status.CLOSED) | Q(closes_at__lte=now))
        .select_related("version", "version__instrument")
        .order_by("closes_at", "pk")
    )
    latest: dict[int, Any] = results.latest_ready_cycles(
        cycles, key=lambda cycle: cycle.partnership_id, now=now
    )
    if not latest:
        return
    loaded = results.released_load(list(latest.values()))
    for partnership_id, cycle in latest.items():
        # The same release decision as the results pages: a figure under k is not shown.
        built = results.released_results(cycle=cycle, loaded=loaded)
        for figure in built.dimensions:
            if not figure.shown or figure.value is None:
                continue
            key = COORDINATION_KEYS.get(figure.key, figure.key)
            found[partnership_id].append(
                Signal(
                    "coordination",
                    key,
                    round(float(figure.value), 2),
                    evidence=(
                        f"{figure.label} rated {figure.value:.1f} of 5 by {figure.n} people "
                        f"in ‘{cycle.title}’ (closed {_day(results.cycle_closed_on(cycle))})"
                    ),
                    label=str(figure.label),
                )
            )


# --- voice equity ---------------------------------------------------------------------------


def _equity(
    workspace: Workspace,
    partnerships: Sequence[Partnership],
    today: datetime.date,
    found: dict[int, list[Signal]],
) -> None:
    try:
        from accord.insights.equity import equity_signals  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # the equity area is not installed
        return
    collected = equity_signals(
        workspace=workspace,
        partnerships=list(partnerships),
        since=today - datetime.timedelta(days=EQUITY_WINDOW_DAYS),
        until=today,
    )
    for partnership_id, signals in collected.items():
        if partnership_id in found:
            found[partnership_id].extend(signals)


# --- conflicts ------------------------------------------------------------------------------


def _conflicts(
    workspace: Workspace, ids: list[int], today: datetime.date, found: dict[int, list[Signal]]
) -> None:
    from accord.governance.models import Conflict

    rows = (
        Conflict.objects.filter(
            workspace=workspace, partnership_id__in=ids, created_at__lte=_end_of(today)
        )
        .exclude(stage__in=(Conflict.Stage.RESOLVED, Conflict.Stage.CLOSED))
        .only("uuid", "partnership_id", "title", "private", "created_at")
        .order_by("created_at", "pk")
    )
    for conflict in rows:
        assert conflict.partnership_id is not None
        days = (today - timezone.localtime(conflict.created_at).date()).days
        if conflict.private:
            # Its title is for its parties, facilitator, lead and admins only.
            label = "A private conflict"
            evidence = f"A private conflict open {days} days"
        else:
            label = f"{_quoted(conflict.title)} (days open)"
            evidence = f"{_quoted(conflict.title)} open {days} days"
        found[conflict.partnership_id].append(
            Signal("conflict_age", str(conflict.uuid), float(days), evidence, label)
        )


# --- goals: conflicts between them, SMART gaps ----------------------------------------------


def _goals(
    workspace: Workspace,
    partnerships: Sequence[Partnership],
    today: datetime.date,
    found: dict[int, list[Signal]],
) -> None:
    from accord.goals.conflict_check import goal_facts
    from accord.goals.models import Goal, Kpi
    from accord.goals.selectors import CLOSED_STATUSES, workspace_catalog
    from accord.metrics.conflicts import conflicts_find

    ids = {p.pk for p in partnerships}
    goals = list(
        Goal.objects.filter(workspace=workspace)
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(kind=Goal.Kind.OBJECTIVE)
        .select_related("function", "owner", "owner__function", "partnership")
        .prefetch_related(
            Prefetch("depends_on", queryset=Goal.objects.only("uuid")),
            Prefetch("supports", queryset=Goal.objects.only("pk")),
        )
        .order_by("pk")
    )
    if not goals:
        return
    by_id = {str(goal.uuid): goal for goal in goals}
    report = conflicts_find(
        [goal_facts(goal) for goal in goals], catalog=workspace_catalog(workspace), today=today
    )
    pairs: dict[int, list[str]] = defaultdict(list)
    for finding in report.conflicts:
        if finding.kind not in PAIR_KINDS or not finding.b:
            continue
        a, b = by_id.get(finding.a), by_id.get(finding.b)
        if a is None or b is None:
            continue
        for own, other in ((a, b), (b, a)):
            if own.partnership_id not in ids:
                continue
            if own.partnership_id == b.partnership_id == a.partnership_id and own is b:
                continue  # a pair inside one partnership counts once
            pairs[own.partnership_id].append(_pair_text(own, other, finding.kind))
    has_goals = {goal.partnership_id for goal in goals if goal.partnership_id in ids}
    for partnership in partnerships:
        if partnership.pk not in has_goals:
            continue
        texts = pairs.get(partnership.pk, [])
        if texts:
            shown = "; ".join(texts[:EVIDENCE_LIMIT])
            more = len(texts) - EVIDENCE_LIMIT
            noun = "pair pulls" if len(texts) == 1 else "pairs pull"
            evidence = f"{len(texts)} goal {noun} against each other: {shown}"
            if more > 0:
                evidence += f"; and {more} more"
        else:
            evidence = "No goals pull against each other"
        found[partnership.pk].append(
            Signal(
                "goal_conflicts",
                partnership.slug,
                float(len(texts)),
                evidence,
                "Goal pairs pulling against each other",
            )
        )

    kpi_keys: dict[int, set[str]] = defaultdict(set)
    for partnership_id, metric_key in Kpi.objects.filter(
        workspace=workspace, partnership_id__in=ids
    ).values_list("partnership_id", "metric_key"):
        if metric_key:
            kpi_keys[partnership_id].add(metric_key.lower())
    for goal in goals:
        if goal.partnership_id not in ids:
            continue
        missing = _smart_missing(goal, kpi_keys[goal.partnership_id], today)
        if missing is None:
            return  # the SMART checker is not available
        title = _quoted(goal.title)
        if missing:
            evidence = f"{title} misses {len(missing)} SMART criteria: {', '.join(missing)}"
            if len(missing) == 1:
                evidence = f"{title} is not {missing[0]}"
        else:
            evidence = f"{title} meets every SMART criterion"
        found[goal.partnership_id].append(
            Signal(
                "smart_gaps",
                str(goal.uuid),
                float(len(missing)),
                evidence,
                f"{title} (SMART criteria missed)",
            )
        )


def _pair_text(own: Any, other: Any, kind: str) -> str:
    from accord.goals.conflict_check import KIND_LABELS

    if other.partnership_id == own.partnership_id:
        other_text = _quoted(other.title, 60)
    elif other.partnership is not None and other.partnership.privacy == Privacy.MEMBERS:
        other_text = "a goal of another partnership"  # members-only: not named here
    elif other.partnership is not None:
        other_text = f"{_quoted(other.title, 60)} ({other.partnership.name})"
    else:
        function = other.function.name if other.function else "another function"
        other_text = f"{_quoted(other.title, 60)} ({function})"
    return f"{_quoted(own.title, 60)} vs {other_text} — {KIND_LABELS.get(kind, kind).lower()}"


def _smart_missing(goal: Any, kpi_keys: set[str], today: datetime.date) -> list[str] | None:
    from accord.goals.smart import goal_context, smart_assess_text, smart_available

    if not smart_available():
        return None
    metric = (goal.metric_key or "").lower()
    linked = bool(goal.parent_id) or bool(goal.supports.all()) or metric in kpi_keys
    context = goal_context(
        linked=linked,
        owner_count=1 if goal.owner_id else 0,
        metric=metric or None,
        unit=goal.unit or None,
        baseline=goal.baseline,
        target=goal.target,
        direction=goal.direction or None,
        start=goal.start_date,
        due=goal.due_date,
    )
    text = " ".join(part for part in (goal.title, goal.description) if part).strip()
    assessment = smart_assess_text(text, today=today, context=context)
    return [
        SMART_NAMES[name]
        for name, criterion in assessment.criteria.items()
        if name in SMART_NAMES and not criterion.passed
    ]


# --- cadences -------------------------------------------------------------------------------


def _cadences(
    workspace: Workspace,
    partnerships: Sequence[Partnership],
    today: datetime.date,
    found: dict[int, list[Signal]],
) -> None:
    from accord.comms.models import Cadence
    from accord.comms.plan_selectors import cadence_adherence_list

    by_id = {p.pk: p for p in partnerships}
    cadences = list(
        Cadence.objects.filter(
            workspace=workspace, partnership_id__in=by_id, active=True, starts_on__lte=today
        ).order_by("name", "pk")
    )
    for cadence in cadences:
        cadence.partnership = by_id[cadence.partnership_id]
    for row in cadence_adherence_list(workspace=workspace, cadences=cadences, today=today):
        report = row.report
        if report.judged == 0 and report.missed_streak == 0:
            continue  # nothing due yet
        name = _quoted(row.cadence.name)
        streak = report.missed_streak
        if streak:
            times = "once" if streak == 1 else f"{streak} times in a row"
            evidence = f"{name} missed {times}"
            if report.last_missed:
                evidence += f" (last due {_day(report.last_missed)})"
        else:
            evidence = f"{name} kept: the last due date was met"
        found[row.cadence.partnership_id].append(
            Signal(
                "missed_updates",
                str(row.cadence.uuid),
                float(streak),
                evidence,
                f"{name} (missed in a row)",
            )
        )


# --- change proposals -----------------------------------------------------------------------


def _changes(
    workspace: Workspace, ids: list[int], today: datetime.date, found: dict[int, list[Signal]]
) -> None:
    from accord.governance.models import (
        ChangeImpact,
        Concern,
        Decision,
        DecisionResponse,
        ReadinessRating,
    )

    decisions = list(
        Decision.objects.filter(
            workspace=workspace,
            partnership_id__in=ids,
            kind=Decision.Kind.CHANGE,
            status__in=(Decision.Status.DRAFT, Decision.Status.OPEN),
            change_proposal__isnull=False,
            created_at__lte=_end_of(today),
        )
        .prefetch_related("affected_functions")
        .select_related("change_proposal")
        .order_by("created_at", "pk")
    )
    if not decisions:
        return
    proposal_ids = [d.change_proposal.pk for d in decisions]
    names: dict[int, str] = {}
    affected: dict[int, set[int]] = defaultdict(set)
    for decision in decisions:
        for function in decision.affected_functions.all():
            affected[decision.pk].add(function.pk)
            names[function.pk] = function.name
    of_proposal = {d.change_proposal.pk: d.pk for d in decisions}
    for proposal_id, function_id, function_name in ChangeImpact.objects.filter(
        proposal_id__in=proposal_ids
    ).values_list("proposal_id", "function_id", "function__name"):
        affected[of_proposal[proposal_id]].add(function_id)
        names[function_id] = function_name
    heard: dict[int, set[int]] = defaultdict(set)
    for proposal_id, function_id in Concern.objects.filter(
        proposal_id__in=proposal_ids, function__isnull=False
    ).values_list("proposal_id", "function_id"):
        heard[of_proposal[proposal_id]].add(function_id)
    for proposal_id, function_id in ReadinessRating.objects.filter(
        proposal_id__in=proposal_ids, phase=ReadinessRating.Phase.BEFORE
    ).values_list("proposal_id", "function_id"):
        heard[of_proposal[proposal_id]].add(function_id)
    for decision_id, function_id in DecisionResponse.objects.filter(
        decision_id__in=[d.pk for d in decisions], function__isnull=False
    ).values_list("decision_id", "function_id"):
        heard[decision_id].add(function_id)
    for decision in decisions:
        groups = affected.get(decision.pk, set())
        if not groups or decision.partnership_id is None:
            continue
        consulted = groups & heard.get(decision.pk, set())
        share = len(consulted) / len(groups)
        waiting = sorted(names[f] for f in groups - consulted)
        title = _quoted(decision.title)
        evidence = f"{title}: {len(consulted)} of {len(groups)} affected functions gave input"
        if waiting:
            evidence += f"; not yet {', '.join(waiting)}"
        found[decision.partnership_id].append(
            Signal(
                "unconsulted_change",
                str(decision.uuid),
                round(share, 3),
                evidence,
                f"{title} (share of affected functions consulted)",
            )
        )


# --- all of them ----------------------------------------------------------------------------


def signals_collect(
    *, workspace: Workspace, partnerships: Iterable[Partnership], today: datetime.date
) -> dict[int, list[Signal]]:
    """Every playbook signal of the given partnerships (by partnership id), in a number of
    queries that does not depend on how many partnerships there are."""
    rows = [p for p in partnerships if p.workspace_id == workspace.pk]
    found: dict[int, list[Signal]] = {p.pk: [] for p in rows}
    if not rows:
        return found
    ids = [p.pk for p in rows]
    _health(ids, today, found)
    _coordination(workspace, ids, today, found)
    _equity(workspace, rows, today, found)
    _conflicts(workspace, ids, today, found)
    _goals(workspace, rows, today, found)
    _cadences(workspace, rows, today, found)
    _changes(workspace, ids, today, found)
    return found


def signal_dict(signal: Signal) -> dict[str, Any]:
    """The JSON shape a snapshot stores (HealthSnapshot.signals)."""
    return {
        "kind": signal.kind,
        "key": signal.key,
        "value": signal.value,
        "evidence": signal.evidence,
        "label": signal.label,
    }


def signal_id(kind: str, key: str) -> str:
    """The key of a signal in Recommendation.baseline_signals."""
    return f"{kind}:{key}"
