"""Conflict register pages: the register, raise a conflict (also in one click from a
goal-conflict finding), a conflict's page with its workflow, perspectives and options."""

import uuid
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.goals.conflict_check import goal_conflicts
from accord.goals.selectors import goal_visible
from accord.governance import conflict_actions as actions
from accord.governance import conflict_selectors as selectors
from accord.governance.conflict_actions import CONFLICT_MOVES
from accord.governance.conflict_forms import (
    ConflictForm,
    FromGoalsForm,
    MoveForm,
    OptionForm,
    PerspectiveForm,
)
from accord.governance.models import Conflict, ConflictOption, ConflictPerspective
from accord.metrics.conflict_register import stage_times
from accord.web.forms import form_add_errors
from accord.workspaces.access import object_get, workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

Stage = Conflict.Stage

STAGE_TONE = {
    Stage.RAISED: "info",
    Stage.ACKNOWLEDGED: "info",
    Stage.IN_DIALOGUE: "brand",
    Stage.OPTIONS: "brand",
    Stage.RESOLVED: "ok",
    Stage.ESCALATED: "danger",
    Stage.CLOSED: "",
}
SEVERITY_TONE = {"low": "", "medium": "info", "high": "warn", "critical": "danger"}
MOVE_VERBS = {
    Stage.ACKNOWLEDGED: "Acknowledge",
    Stage.IN_DIALOGUE: "Start the dialogue",
    Stage.OPTIONS: "List options",
    Stage.RESOLVED: "Resolve",
    Stage.ESCALATED: "Escalate",
    Stage.CLOSED: "Close",
}
# The main path shown as steps; escalation is a side branch shown as a badge.
MAIN_PATH = [
    Stage.RAISED,
    Stage.ACKNOWLEDGED,
    Stage.IN_DIALOGUE,
    Stage.OPTIONS,
    Stage.RESOLVED,
    Stage.CLOSED,
]


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _conflict(request: HttpRequest, conflict: uuid.UUID) -> Conflict:
    return selectors.conflict_get(membership=_membership(request), uuid=conflict)


def _work_require(request: HttpRequest, conflict: Conflict) -> None:
    if not selectors.conflict_can_work(membership=_membership(request), conflict=conflict):
        raise PermissionDenied(
            "Only the parties, the facilitator, the partnership's lead or sponsor, whoever "
            "raised it and admins can work on this conflict."
        )


def _detail_url(conflict: Conflict, anchor: str = "") -> str:
    url = reverse("conflict_detail", args=[conflict.workspace.slug, conflict.uuid])
    return f"{url}#{anchor}" if anchor else url


def action_item_path(workspace_slug: str, action_uuid: Any) -> str:
    """Action pages are built separately; link to them by path."""
    return f"/w/{workspace_slug}/actions/{action_uuid}/"


def _mark(conflict: Conflict, *, now: datetime, stale_days: int) -> None:
    """Attach age, time in stage and the stale flag for templates."""
    from accord.governance.conflict_selectors import conflict_facts

    (timing,) = stage_times(conflict_facts([conflict]), now=now, stale_days=stale_days)
    conflict.timing = timing  # type: ignore[attr-defined]
    conflict.tone = STAGE_TONE[Stage(conflict.stage)]  # type: ignore[attr-defined]
    conflict.severity_tone = SEVERITY_TONE.get(conflict.severity, "")  # type: ignore[attr-defined]


# --- the register -----------------------------------------------------------------------------


def _filters(params: QueryDict) -> dict[str, Any]:
    stage = params.get("stage", "")
    kind = params.get("type", "")
    return {
        "search": params.get("q", "").strip()[:100],
        "stage": stage if stage in Stage.values else None,
        "type": kind if kind in Conflict.Type.values else None,
        "partnership": params.get("partnership", "").strip()[:60] or None,
        "open_only": params.get("open") == "1",
    }


@login_required
@workspace_view("viewer")
def conflict_register(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = _filters(request.GET)
    now = timezone.now()
    stale_days = selectors.conflict_stale_days(workspace=membership.workspace)
    everything = list(selectors.conflict_list(membership=membership))
    filtered = any(filters.values())
    conflicts = (
        list(selectors.conflict_list(membership=membership, **filters)) if filtered else everything
    )
    for conflict in conflicts:
        _mark(conflict, now=now, stale_days=stale_days)
    summary = selectors.conflict_metrics(membership=membership, now=now, conflicts=everything)
    context: dict[str, Any] = {
        "conflicts": conflicts,
        "summary": summary,
        "stale_days": stale_days,
        "filters": filters,
        "filtered": filtered,
        "none_yet": not everything,
    }
    if _is_htmx(request):
        template = "governance/conflict_register.html#results"
    else:
        template = "governance/conflict_register.html"
        context["stages"] = Stage.choices
        context["types"] = Conflict.Type.choices
        context["partnerships"] = list(
            selectors.conflict_partnership_choices(membership=membership).order_by("name")
        )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- raise and edit ---------------------------------------------------------------------------


@login_required
@workspace_view("member")
def conflict_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    workspace = membership.workspace
    form = ConflictForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.conflict_create(
                workspace=workspace, actor=request.user, **form.conflict_fields()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Raised “{created.title}”. Acknowledge it next.")
            return redirect("conflict_detail", workspace.slug, created.uuid)
    return render(
        request,
        "governance/conflict_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("member")
def conflict_edit(request: HttpRequest, conflict: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _conflict(request, conflict)
    _work_require(request, found)
    if request.method != "POST":
        form = ConflictForm(initial=ConflictForm.initial_for(found), membership=membership)
        return render(request, "governance/conflict_form.html", {"form": form, "conflict": found})
    form = ConflictForm(request.POST, membership=membership)
    status = 200
    if form.is_valid():
        try:
            actions.conflict_update(
                conflict=found,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                **form.conflict_fields(),
            )
        except actions.StaleVersion:
            fresh = _conflict(request, conflict)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = ConflictForm(data, membership=membership)
            form.is_valid()
            form.add_error(
                None,
                "Someone else changed this conflict while you were editing. Your changes are "
                "below and not saved yet; save again to keep them.",
            )
            found, status = fresh, 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved changes to “{found.title}”.")
            return redirect(_detail_url(found))
    if form.errors and status == 200:
        status = 422
    return render(
        request,
        "governance/conflict_form.html",
        {"form": form, "conflict": found},
        status=status,
    )


@login_required
@require_POST
@workspace_view("admin")
def conflict_delete(request: HttpRequest, conflict: uuid.UUID) -> HttpResponse:
    found = _conflict(request, conflict)
    title = found.title
    actions.conflict_delete(conflict=found, actor=request.user)
    messages.success(request, f"Deleted the conflict “{title}”.")
    return redirect("conflict_register", found.workspace.slug)


# --- a conflict's page ------------------------------------------------------------------------


def _detail_context(
    request: HttpRequest,
    conflict: Conflict,
    *,
    move_form: MoveForm | None = None,
    perspective_form: PerspectiveForm | None = None,
    option_form: OptionForm | None = None,
) -> dict[str, Any]:
    membership = _membership(request)
    workspace = membership.workspace
    stale_days = selectors.conflict_stale_days(workspace=workspace)
    _mark(conflict, now=timezone.now(), stale_days=stale_days)
    can_work = selectors.conflict_can_work(membership=membership, conflict=conflict)
    moves = []
    if can_work:
        for to in CONFLICT_MOVES[conflict.stage]:
            form = (
                move_form
                if move_form is not None and move_form.target == to
                else MoveForm(
                    conflict=conflict,
                    to=to,
                    initial={"to": to, "expected_version": conflict.version},
                )
            )
            moves.append(
                {"to": to, "label": Stage(to).label, "verb": MOVE_VERBS[Stage(to)], "form": form}
            )
    action_items = list(selectors.conflict_action_item_list(conflict=conflict))
    for item in action_items:
        item.url = action_item_path(workspace.slug, item.uuid)  # type: ignore[attr-defined]
    path = list(MAIN_PATH)
    return {
        "conflict": conflict,
        "can_work": can_work,
        "stale_days": stale_days,
        "steps": [(stage, Stage(stage).label) for stage in path],
        "moves": moves,
        "perspectives": list(selectors.conflict_perspective_list(conflict=conflict)),
        "options": list(selectors.conflict_option_list(conflict=conflict)),
        "stage_changes": list(selectors.conflict_stage_change_list(conflict=conflict)),
        "action_items": action_items,
        "perspective_form": perspective_form or PerspectiveForm(conflict=conflict),
        "option_form": option_form or OptionForm(),
        "can_add_perspective": can_work and conflict.stage in actions.PERSPECTIVE_STAGES,
        "can_add_option": can_work and conflict.stage in actions.OPTION_STAGES,
        "history": list(audit_list(workspace=workspace, instance=conflict, limit=50)),
    }


@login_required
@workspace_view("viewer")
def conflict_detail(request: HttpRequest, conflict: uuid.UUID) -> HttpResponse:
    found = _conflict(request, conflict)
    return render(request, "governance/conflict_detail.html", _detail_context(request, found))


@login_required
@require_POST
@workspace_view("member")
def conflict_move(request: HttpRequest, conflict: uuid.UUID) -> HttpResponse:
    found = _conflict(request, conflict)
    _work_require(request, found)
    to = request.POST.get("to", "")
    if to not in Stage.values:
        messages.error(request, "Choose a stage of the workflow to move to.")
        return redirect(_detail_url(found))
    form = MoveForm(request.POST, conflict=found, to=to)
    if form.is_valid():
        try:
            change = actions.conflict_stage_move(
                conflict=found, actor=request.user, **form.move_fields()
            )
        except actions.StaleVersion:
            form.add_error(
                None,
                "Someone else moved this conflict while you were on the page; check its stage "
                "and try again.",
            )
            found = _conflict(request, conflict)
            return render(
                request,
                "governance/conflict_detail.html",
                _detail_context(request, found, move_form=form),
                status=409,
            )
        except ValidationError as error:
            if to not in CONFLICT_MOVES[Conflict.objects.get(pk=found.pk).stage]:
                messages.error(request, " ".join(error.messages))
                return redirect(_detail_url(found))
            form_add_errors(form, error)
        else:
            messages.success(
                request, f"“{found.title}” is now {Stage(change.to_stage).label.lower()}."
            )
            return redirect(_detail_url(found))
    found = _conflict(request, conflict)
    return render(
        request,
        "governance/conflict_detail.html",
        _detail_context(request, found, move_form=form),
        status=422,
    )


# --- perspectives and options -----------------------------------------------------------------


@login_required
@require_POST
@workspace_view("member")
def conflict_perspective_add(request: HttpRequest, conflict: uuid.UUID) -> HttpResponse:
    found = _conflict(request, conflict)
    _work_require(request, found)
    form = PerspectiveForm(request.POST, conflict=found)
    if form.is_valid():
        try:
            actions.conflict_perspective_add(
                conflict=found, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Recorded the perspective.")
            return redirect(_detail_url(found, "perspectives"))
    return render(
        request,
        "governance/conflict_detail.html",
        _detail_context(request, found, perspective_form=form),
        status=422,
    )


@login_required
@require_POST
@workspace_view("member")
def conflict_perspective_remove(
    request: HttpRequest, conflict: uuid.UUID, conflict_perspective: uuid.UUID
) -> HttpResponse:
    found = _conflict(request, conflict)
    _work_require(request, found)
    row = object_get(
        ConflictPerspective.objects.select_related("conflict", "person", "function"),
        workspace=found.workspace,
        conflict=found,
        uuid=conflict_perspective,
    )
    actions.conflict_perspective_remove(perspective=row, actor=request.user)
    messages.success(request, "Removed the perspective.")
    return redirect(_detail_url(found, "perspectives"))


@login_required
@require_POST
@workspace_view("member")
def conflict_option_add(request: HttpRequest, conflict: uuid.UUID) -> HttpResponse:
    found = _conflict(request, conflict)
    _work_require(request, found)
    form = OptionForm(request.POST)
    if form.is_valid():
        try:
            actions.conflict_option_add(
                conflict=found, actor=request.user, description=form.cleaned_data["description"]
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Added the option.")
            return redirect(_detail_url(found, "options"))
    return render(
        request,
        "governance/conflict_detail.html",
        _detail_context(request, found, option_form=form),
        status=422,
    )


@login_required
@require_POST
@workspace_view("member")
def conflict_option_remove(
    request: HttpRequest, conflict: uuid.UUID, conflict_option: uuid.UUID
) -> HttpResponse:
    found = _conflict(request, conflict)
    _work_require(request, found)
    row = object_get(
        ConflictOption.objects.select_related("conflict"),
        workspace=found.workspace,
        conflict=found,
        uuid=conflict_option,
    )
    actions.conflict_option_remove(option=row, actor=request.user)
    messages.success(request, "Removed the option.")
    return redirect(_detail_url(found, "options"))


# --- one click from a goal-conflict finding ---------------------------------------------------


def _finding(membership: Membership, goal_a: str, goal_b: str, kind: str) -> Any:
    """The live finding for these two goals and this kind, recomputed (never trusted from the
    form), or None when they no longer conflict."""
    overview = goal_conflicts(membership=membership, today=timezone.localdate())
    wanted = {goal_a, goal_b}
    for finding in overview.conflicts:
        if finding.kind != kind or finding.b is None:
            continue
        if {str(finding.a.uuid), str(finding.b.uuid)} == wanted:
            return finding
    return None


def _goal_pair(membership: Membership, goal_a: Any, goal_b: Any) -> Any:
    goals = {
        str(goal.uuid): goal
        for goal in goal_visible(membership=membership).filter(uuid__in=[goal_a, goal_b])
    }
    if len(goals) != 2:
        return None
    return goals[str(goal_a)], goals[str(goal_b)]


@login_required
@require_POST
@workspace_view("member")
def conflict_from_goals(request: HttpRequest) -> HttpResponse:
    """Open a conflict record pre-filled from a goal-conflict finding, or go to the open one."""
    membership = _membership(request)
    workspace = membership.workspace
    back = reverse("goal_conflicts", args=[workspace.slug])
    form = FromGoalsForm(request.POST)
    pair = (
        _goal_pair(membership, form.cleaned_data["goal_a"], form.cleaned_data["goal_b"])
        if form.is_valid()
        else None
    )
    if pair is None:
        messages.error(request, "Those goals are not there any more, or you cannot see them.")
        return redirect(back)
    goal_a, goal_b = pair
    existing = selectors.conflict_open_for_goals(
        membership=membership, goal_a=goal_a, goal_b=goal_b
    )
    if existing is not None:
        messages.info(request, "A conflict record for these goals is already open.")
        return redirect(_detail_url(existing))
    finding = _finding(membership, str(goal_a.uuid), str(goal_b.uuid), form.cleaned_data["kind"])
    if finding is None:
        messages.error(
            request,
            "These goals no longer conflict that way; the findings have changed since the page "
            "was loaded.",
        )
        return redirect(back)
    owners = {g.owner.pk: g.owner for g in (finding.a, finding.b) if g.owner is not None}
    functions: dict[int, Any] = {}
    for goal in (finding.a, finding.b):
        function = goal.function or (goal.owner.function if goal.owner else None)
        if function is not None:
            functions[function.pk] = function
    title = f"{finding.label}: {finding.a.title} vs {finding.b.title}"
    try:
        created = actions.conflict_create(
            workspace=workspace,
            actor=request.user,
            title=title[:300],
            type=Conflict.Type.GOALS,
            description=finding.next_step,
            party_people=list(owners.values()),
            party_functions=list(functions.values()),
            goals=[finding.a, finding.b],
            partnership=finding.a.partnership or finding.b.partnership,
            source="goal_conflict",
            source_explanation=finding.explanation,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, "Opened a conflict record from the finding. Acknowledge it next.")
    return redirect(_detail_url(created))


@login_required
@workspace_view("viewer")
def conflict_goal_link(request: HttpRequest) -> HttpResponse:
    """The finding card's control: a link to the open record, else the one-click form."""
    membership = _membership(request)
    goal_a, goal_b = request.GET.get("a", ""), request.GET.get("b", "")
    try:
        pair = _goal_pair(membership, uuid.UUID(goal_a), uuid.UUID(goal_b))
    except ValueError:
        pair = None
    record = (
        selectors.conflict_open_for_goals(membership=membership, goal_a=pair[0], goal_b=pair[1])
        if pair is not None
        else None
    )
    return render(
        request,
        "governance/conflict_goal_link.html",
        {
            "goal_a": goal_a,
            "goal_b": goal_b,
            "kind": request.GET.get("kind", "")[:40],
            "record": record,
            "loaded": True,
        },
    )
