"""Function profile pages: the list with review dates, the "How to work with <function>" page,
the edit page (with busy windows) and the ranked priorities (add, edit, move up/down with
htmx, remove)."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.comms import profile_actions as actions
from accord.comms import profile_selectors as selectors
from accord.comms.models_profiles import FunctionProfile
from accord.comms.profile_forms import (
    BusyWindowFormSet,
    MoveForm,
    PriorityForm,
    ProfileForm,
    busy_window_initial,
)
from accord.metrics.profile_compare import months_text
from accord.org.models import Function
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _function(request: HttpRequest, function: uuid.UUID) -> Function:
    return selectors.profile_function_get(workspace=_membership(request).workspace, uuid=function)


def _edit_require(request: HttpRequest, function: Function) -> None:
    if not selectors.profile_can_edit(membership=_membership(request), function=function):
        raise PermissionDenied(selectors.EDIT_DENIED)


def _detail_url(function: Function, anchor: str = "") -> str:
    url = reverse("profile_detail", args=[function.workspace.slug, function.uuid])
    return f"{url}#{anchor}" if anchor else url


def _profile_require(function: Function) -> FunctionProfile:
    profile = selectors.profile_of(function)
    if profile is None:
        raise ValidationError({"title": f"Write the {function.name} profile first."})
    return profile


@login_required
@workspace_view("viewer")
def profile_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    today = timezone.localdate()
    rows = selectors.profile_rows(
        selectors.function_profile_list(workspace=membership.workspace), today
    )
    return render(
        request,
        "comms/profile_list.html",
        {
            "rows": rows,
            "stale_count": sum(1 for row in rows if row.stale),
            "stale_days": selectors.STALE_DAYS,
        },
    )


def _detail_context(request: HttpRequest, function: Function) -> dict[str, Any]:
    membership = _membership(request)
    profile = selectors.profile_of(function)
    today = timezone.localdate()
    windows = selectors.busy_windows_of(profile) if profile else []
    return {
        "function": function,
        "profile": profile,
        "priorities": list(profile.priorities.all()) if profile else [],
        "kpis": selectors.kpi_rows(workspace=membership.workspace, keys=profile.owned_kpis)
        if profile
        else [],
        "busy_windows": [
            {"label": w.label, "months": months_text(w.month_set), "days": (w.day_from, w.day_to)}
            for w in windows
        ],
        "approval_steps": selectors.approval_steps_of(profile) if profile else [],
        "channels": [selectors.PROFILE_CHANNELS.get(c, c) for c in profile.preferred_channels]
        if profile
        else [],
        "stale": selectors.profile_is_stale(profile, today),
        "stale_days": selectors.STALE_DAYS,
        "can_edit": selectors.profile_can_edit(membership=membership, function=function),
        "history": list(audit_list(workspace=membership.workspace, instance=profile, limit=20))
        if profile
        else [],
    }


@login_required
@workspace_view("viewer")
def profile_detail(request: HttpRequest, function: uuid.UUID) -> HttpResponse:
    """How to work with <function>."""
    found = _function(request, function)
    return render(request, "comms/profile_detail.html", _detail_context(request, found))


def _windows_from(formset: Any) -> list[dict[str, Any]]:
    return [w for form in formset.forms if (w := form.window()) is not None]


@login_required
@workspace_view("member")
def profile_edit(request: HttpRequest, function: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _function(request, function)
    _edit_require(request, found)
    profile = selectors.profile_of(found)
    if request.method != "POST":
        form = ProfileForm(
            initial=ProfileForm.initial_for(profile) if profile else {},
            workspace=membership.workspace,
        )
        windows = BusyWindowFormSet(initial=busy_window_initial(profile), prefix="busy")
        return _edit_page(request, found, profile, form, windows)
    form = ProfileForm(request.POST, workspace=membership.workspace)
    windows = BusyWindowFormSet(request.POST, prefix="busy")
    status = 422
    if form.is_valid() and windows.is_valid():
        try:
            actions.profile_save(
                membership=membership,
                function=found,
                expected_version=form.cleaned_data["expected_version"],
                busy_windows=_windows_from(windows),
                **form.profile_fields(),
            )
        except actions.StaleVersion:
            form.add_error(
                None,
                f"Someone else saved the {found.name} profile while you were editing. Your "
                "changes are below and not saved yet; save again to keep them.",
            )
            data = request.POST.copy()
            fresh = selectors.profile_of(found)
            data["expected_version"] = str(fresh.version if fresh else "")
            form.data = data
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved the {found.name} profile; it counts as reviewed.")
            return redirect(_detail_url(found))
    return _edit_page(request, found, profile, form, windows, status=status)


def _edit_page(
    request: HttpRequest,
    function: Function,
    profile: FunctionProfile | None,
    form: ProfileForm,
    windows: Any,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "comms/profile_form.html",
        {
            "function": function,
            "profile": profile,
            "form": form,
            "windows": windows,
            "selected_kpis": form.selected_kpis(),
            "priorities": list(profile.priorities.all()) if profile else [],
            "priority_form": PriorityForm(workspace=_membership(request).workspace),
        },
        status=status,
    )


@login_required
@require_POST
@workspace_view("member")
def profile_review(request: HttpRequest, function: uuid.UUID) -> HttpResponse:
    found = _function(request, function)
    _edit_require(request, found)
    try:
        actions.profile_review(membership=_membership(request), function=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Marked the {found.name} profile as reviewed today.")
    return redirect(_detail_url(found))


# --- priorities -----------------------------------------------------------------------------


def _priorities_partial(request: HttpRequest, function: Function, **extra: Any) -> HttpResponse:
    profile = selectors.profile_of(function)
    context = {
        "function": function,
        "profile": profile,
        "priorities": list(profile.priorities.all()) if profile else [],
        "priority_form": extra.pop("priority_form", None)
        or PriorityForm(workspace=_membership(request).workspace),
        **extra,
    }
    response = render(request, "comms/profile_priorities.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _edit_url(function: Function) -> str:
    return reverse("profile_edit", args=[function.workspace.slug, function.uuid]) + "#priorities"


@login_required
@require_POST
@workspace_view("member")
def priority_add(request: HttpRequest, function: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _function(request, function)
    _edit_require(request, found)
    form = PriorityForm(request.POST, workspace=membership.workspace)
    if form.is_valid():
        try:
            profile = _profile_require(found)
            actions.priority_add(membership=membership, profile=profile, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if _is_htmx(request):
                return _priorities_partial(request, found, saved="Priority added.")
            messages.success(request, f"Added the priority “{form.cleaned_data['title']}”.")
            return redirect(_edit_url(found))
    if _is_htmx(request):
        return _priorities_partial(request, found, priority_form=form)
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, str(problem))
    return redirect(_edit_url(found))


@login_required
@workspace_view("member")
def priority_edit(request: HttpRequest, function: uuid.UUID, priority: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _function(request, function)
    _edit_require(request, found)
    profile = selectors.profile_of(found)
    if profile is None:
        # No profile, so no priority: any id is unknown (as a foreign one must be).
        raise Http404("No such priority.")
    row = selectors.priority_get(profile=profile, uuid=priority)
    if request.method != "POST":
        form = PriorityForm(initial=PriorityForm.initial_for(row), workspace=membership.workspace)
        return render(
            request,
            "comms/profile_priority_form.html",
            {"function": found, "form": form, "row": row},
        )
    form = PriorityForm(request.POST, workspace=membership.workspace)
    if form.is_valid():
        try:
            actions.priority_update(membership=membership, priority=row, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved the priority “{row.title}”.")
            return redirect(_edit_url(found))
    return render(
        request,
        "comms/profile_priority_form.html",
        {"function": found, "form": form, "row": row},
        status=422,
    )


@login_required
@require_POST
@workspace_view("member")
def priority_move(request: HttpRequest, function: uuid.UUID, priority: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _function(request, function)
    _edit_require(request, found)
    profile = selectors.profile_of(found)
    if profile is None:
        return redirect(_edit_url(found))
    row = selectors.priority_get(profile=profile, uuid=priority)
    form = MoveForm(request.POST)
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        actions.priority_move(membership=membership, priority=row, direction=direction)
        note = f"Moved “{row.title}” {direction} to rank {row.rank}."
    else:
        note = "Move a priority up or down."
    if _is_htmx(request):
        return _priorities_partial(request, found, saved=note, focus=str(row.uuid))
    messages.success(request, note)
    return redirect(_edit_url(found))


@login_required
@require_POST
@workspace_view("member")
def priority_delete(request: HttpRequest, function: uuid.UUID, priority: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _function(request, function)
    _edit_require(request, found)
    profile = selectors.profile_of(found)
    if profile is None:
        return redirect(_edit_url(found))
    row = selectors.priority_get(profile=profile, uuid=priority)
    title = row.title
    actions.priority_delete(membership=membership, priority=row)
    if _is_htmx(request):
        return _priorities_partial(request, found, saved=f"Removed “{title}”.")
    messages.success(request, f"Removed the priority “{title}”.")
    return redirect(_edit_url(found))
