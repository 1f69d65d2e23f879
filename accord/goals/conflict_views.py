from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accord.goals.conflict_check import goal_conflicts
from accord.workspaces.access import workspace_view


@login_required
@workspace_view("viewer")
def conflict_list(request: HttpRequest) -> HttpResponse:
    """Goals that pull functions against each other, with why and what to do next."""
    overview = goal_conflicts(
        membership=request.membership,  # type: ignore[attr-defined]
        today=timezone.localdate(),
    )
    kind = request.GET.get("kind", "")
    shown = [c for c in overview.conflicts if not kind or c.kind == kind]
    kinds = sorted({(c.kind, c.label) for c in overview.conflicts})
    return render(
        request,
        "goals/conflicts.html",
        {"overview": overview, "conflicts": shown, "kinds": kinds, "kind": kind},
    )
