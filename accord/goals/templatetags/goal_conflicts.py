from typing import Any

from django import template
from django.utils import timezone

from accord.goals.conflict_check import ConflictMark, conflict_marks

register = template.Library()


@register.inclusion_tag("goals/_conflict_badge.html", takes_context=True)
def goal_conflict_badge(context: dict[str, Any], goal: Any) -> dict[str, Any]:
    """A warning badge on goals that pull against another function's goal."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"mark": None}
    # One snapshot per request, however many goals the page shows.
    marks = getattr(request, "_goal_conflict_marks", None)
    if marks is None:
        marks = conflict_marks(membership=membership, today=timezone.localdate())
        request._goal_conflict_marks = marks  # type: ignore[union-attr]
    mark: ConflictMark | None = marks.get(str(goal.uuid))
    return {"mark": mark, "goal": goal, "workspace": membership.workspace}
