"""GET /api/v1/goal-conflicts: the same findings as the conflicts page."""

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from accord.api.auth import membership_of
from accord.goals.conflict_check import goal_conflicts
from accord.goals.models import Goal

router = Router(tags=["goal conflicts"])


class ConflictGoalOut(Schema):
    uuid: UUID
    title: str
    function: str | None
    partnership: str | None


class GoalConflictOut(Schema):
    kind: str
    label: str
    a: ConflictGoalOut
    b: ConflictGoalOut | None
    explanation: str
    next_step: str


class GoalConflictsOut(Schema):
    checked_on: date
    goals_checked: int
    conflicts: list[GoalConflictOut]
    warnings: list[str]


def _goal_out(goal: Goal) -> ConflictGoalOut:
    function = goal.function or (goal.owner.function if goal.owner else None)
    return ConflictGoalOut(
        uuid=goal.uuid,
        title=goal.title,
        function=function.name if function else None,
        partnership=goal.partnership.slug if goal.partnership else None,
    )


@router.get("/goal-conflicts", response=GoalConflictsOut)
def list_goal_conflicts(request: HttpRequest) -> GoalConflictsOut:
    """Active goals you can see that pull functions against each other, with explanations."""
    today = timezone.localdate()
    overview = goal_conflicts(membership=membership_of(request), today=today)
    return GoalConflictsOut(
        checked_on=today,
        goals_checked=overview.goals_checked,
        conflicts=[
            GoalConflictOut(
                kind=c.kind,
                label=c.label,
                a=_goal_out(c.a),
                b=_goal_out(c.b) if c.b else None,
                explanation=c.explanation,
                next_step=c.next_step,
            )
            for c in overview.conflicts
        ],
        warnings=overview.warnings,
    )
