"""Goals that pull functions against each other, found by accord.metrics.conflicts.

The pure check sees plain facts; this module turns the member's visible goals into those
facts (one query) and maps the findings back to goals for pages and the API.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from accord.goals.models import Goal
from accord.goals.selectors import CLOSED_STATUSES, goal_visible, workspace_catalog
from accord.metrics.conflicts import ConflictFinding, GoalFacts, conflicts_find
from accord.workspaces.models import Membership


@dataclass(frozen=True)
class GoalConflict:
    kind: str
    label: str
    a: Goal
    b: Goal | None
    explanation: str
    next_step: str


@dataclass(frozen=True)
class ConflictOverview:
    conflicts: list[GoalConflict]
    warnings: list[str]
    goals_checked: int

    def for_goal(self, goal: Goal) -> list[GoalConflict]:
        return [c for c in self.conflicts if goal.pk in {c.a.pk, c.b.pk if c.b else None}]


KIND_LABELS = {
    "opposite_direction": "Opposite directions",
    "tension": "Metrics in tension",
    "owner_overload": "Owner overloaded",
    "shared_budget": "Same budget",
    "timeline_inversion": "Timeline inversion",
    "no_owner": "No owner",
}


def goal_facts(goal: Goal) -> GoalFacts:
    """The facts the pure check needs. A shared goal speaks for its owner's function."""
    function = goal.function or (goal.owner.function if goal.owner else None)
    return GoalFacts(
        id=str(goal.uuid),
        function=function.name if function else None,
        text=goal.title,
        metric=goal.metric_key or None,
        direction=goal.direction or None,
        target=goal.target,
        due=goal.due_date,
        start=goal.start_date,
        owner=str(goal.owner.uuid) if goal.owner else None,
        depends_on=tuple(str(dep.uuid) for dep in goal.depends_on.all()),
        partnership=goal.partnership.slug if goal.partnership else None,
        budget=goal.budget or None,
        status=goal.status,
    )


def goal_conflicts(*, membership: Membership, today: date) -> ConflictOverview:
    """Conflicts among the active goals the member can see, with the workspace's own metrics
    and tensions (a fixed number of queries)."""
    goals = list(
        goal_visible(membership=membership)
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(kind=Goal.Kind.OBJECTIVE)
        .select_related("function", "owner", "owner__function", "partnership")
        .prefetch_related(Prefetch("depends_on", queryset=Goal.objects.only("uuid")))
    )
    by_id = {str(goal.uuid): goal for goal in goals}
    report = conflicts_find(
        [goal_facts(goal) for goal in goals],
        catalog=workspace_catalog(membership.workspace),
        today=today,
    )
    conflicts = [_finding(finding, by_id) for finding in report.conflicts if finding.a in by_id]
    return ConflictOverview(
        conflicts=conflicts,
        warnings=[_titled(warning, by_id) for warning in report.warnings],
        goals_checked=len(goals),
    )


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _titled(text: str, by_id: dict[str, Goal]) -> str:
    """Replace goal ids in a message with the goals' titles, and ISO dates with '20 Jan 2027'."""
    text = ISO_DATE.sub(lambda m: date(int(m[1]), int(m[2]), int(m[3])).strftime("%-d %b %Y"), text)
    return UUID_TEXT.sub(
        lambda match: (
            f"“{by_id[match.group(0)].title}”" if match.group(0) in by_id else match.group(0)
        ),
        text,
    )


def _finding(finding: ConflictFinding, by_id: dict[str, Goal]) -> GoalConflict:
    # The pure check names goals by id; people read titles.
    explanation = _titled(finding.explanation, by_id)
    return GoalConflict(
        kind=finding.kind,
        label=KIND_LABELS.get(finding.kind, finding.kind.replace("_", " ").capitalize()),
        a=by_id[finding.a],
        b=by_id.get(finding.b) if finding.b else None,
        explanation=explanation,
        next_step=finding.next_step,
    )


@dataclass(frozen=True)
class ConflictMark:
    """What a goal's badge needs: how many conflicts and of which kinds."""

    count: int
    labels: tuple[str, ...]


def conflict_marks(*, membership: Membership, today: date) -> dict[str, ConflictMark]:
    """Per-goal conflict marks (uuid → mark), cached until any visible goal changes.

    The full check reads every active goal, so goal pages reuse one snapshot instead of
    running it per request; the key changes whenever a goal is added, edited or removed.
    """
    from django.core.cache import cache
    from django.db.models import Count, Max

    visible = goal_visible(membership=membership)
    fingerprint = visible.aggregate(n=Count("pk"), changed=Max("updated_at"))
    key = (
        f"goal-conflicts:{membership.workspace_id}:{membership.user_id}:{today.isoformat()}:"
        f"{fingerprint['n']}:{fingerprint['changed'].isoformat() if fingerprint['changed'] else ''}"
    )
    marks: dict[str, ConflictMark] | None = cache.get(key)
    if marks is None:
        overview = goal_conflicts(membership=membership, today=today)
        collected: dict[str, list[str]] = {}
        for conflict in overview.conflicts:
            for goal in (conflict.a, conflict.b):
                if goal is not None:
                    collected.setdefault(str(goal.uuid), []).append(conflict.label)
        marks = {
            goal_id: ConflictMark(count=len(labels), labels=tuple(sorted(set(labels))))
            for goal_id, labels in collected.items()
        }
        cache.set(key, marks, timeout=3600)
    return marks
