"""Survey cycle pages: create, detail (with response rates for its managers), edit, open,
close and delete."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.surveys import cycle_actions as actions
from accord.surveys import cycle_selectors as selectors
from accord.surveys.cycle_forms import CycleForm
from accord.surveys.instrument_actions import builtins_ensure
from accord.surveys.models import Cycle, InstrumentKind
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _detail_url(cycle: Cycle) -> str:
    return reverse("survey_cycle_detail", args=[cycle.workspace.slug, cycle.uuid])


def _manage_require(membership: Membership, cycle: Cycle) -> None:
    if not selectors.cycle_can_manage(membership=membership, cycle=cycle):
        raise PermissionDenied(
            "Only workspace admins and the lead and sponsor of the survey's partnership can "
            "change this survey."
        )


def _first_message(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@workspace_view("member")
def cycle_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if not selectors.cycle_can_create_any(membership=membership):
        raise PermissionDenied(
            "Only workspace admins, and partnership leads and sponsors for their partnerships, "
            "can create surveys."
        )
    builtins_ensure(workspace=membership.workspace)
    if request.method != "POST":
        initial = CycleForm.initial_new(membership, request.GET.get("partnership", "")[:60])
        instrument = request.GET.get("instrument", "")
        if instrument:
            initial["instrument"] = instrument[:40]
        form = CycleForm(initial=initial, membership=membership)
        return render(request, "surveys/cycle_form.html", {"form": form})
    form = CycleForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            created = actions.cycle_create(membership=membership, **form.cycle_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("partnership", str(denied))
        else:
            messages.success(
                request, f"Created the survey “{created.title}”. Open it to send the invitations."
            )
            return redirect(_detail_url(created))
    return render(request, "surveys/cycle_form.html", {"form": form}, status=422)


@login_required
@workspace_view("viewer")
def cycle_detail(request: HttpRequest, cycle: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.cycle_get(membership=membership, uuid=cycle)
    can_manage = selectors.cycle_can_manage(membership=membership, cycle=found)
    now = timezone.now()
    invitation = selectors.my_invitation_for(membership=membership, cycle=found)
    context: dict[str, Any] = {
        "cycle": found,
        "now": now,
        "instrument": found.version.instrument,
        "version": found.version,
        "functions": selectors.cycle_target_functions(cycle=found),
        "chosen_functions": list(found.functions.all()),
        "can_manage": can_manage,
        "rates": selectors.cycle_response_rates(cycle=found) if can_manage else None,
        "invitation": invitation,
        "accepting": selectors.cycle_accepts_answers(found, now),
        "due_to_open": found.status == Cycle.Status.DRAFT and found.opens_at <= now,
        "is_coordination": found.version.instrument.kind == InstrumentKind.COORDINATION,
        "successor": Cycle.objects.filter(workspace=found.workspace, previous=found)
        .only("uuid", "title", "opens_at", "status")
        .first(),
        "history": list(audit_list(workspace=membership.workspace, instance=found, limit=30)),
        "overall_rate": (
            found.responded_count / found.invited_count  # type: ignore[attr-defined]
            if getattr(found, "invited_count", 0)
            else None
        ),
    }
    return render(request, "surveys/cycle_detail.html", context)


@login_required
@workspace_view("member")
def cycle_edit(request: HttpRequest, cycle: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.cycle_get(membership=membership, uuid=cycle)
    _manage_require(membership, found)
    if found.status == Cycle.Status.CLOSED:
        messages.info(request, "This survey is closed; its settings are kept as they were.")
        return redirect(_detail_url(found))
    if request.method != "POST":
        form = CycleForm(initial=CycleForm.initial_for(found), membership=membership, cycle=found)
        return render(request, "surveys/cycle_form.html", {"form": form, "cycle": found})
    form = CycleForm(
        request.POST, initial=CycleForm.initial_for(found), membership=membership, cycle=found
    )
    if form.is_valid():
        try:
            actions.cycle_update(membership=membership, cycle=found, **form.cycle_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("partnership", str(denied))
        else:
            messages.success(request, f"Saved “{found.title}”.")
            return redirect(_detail_url(found))
    return render(request, "surveys/cycle_form.html", {"form": form, "cycle": found}, status=422)


@login_required
@require_POST
@workspace_view("member")
def cycle_open(request: HttpRequest, cycle: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.cycle_get(membership=membership, uuid=cycle)
    _manage_require(membership, found)
    try:
        opened = actions.cycle_open(cycle=found, membership=membership)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(
            request,
            f"“{found.title}” is open: {opened.invited} "
            f"{'person was' if opened.invited == 1 else 'people were'} invited.",
        )
    return redirect(_detail_url(found))


@login_required
@require_POST
@workspace_view("member")
def cycle_close(request: HttpRequest, cycle: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.cycle_get(membership=membership, uuid=cycle)
    _manage_require(membership, found)
    try:
        actions.cycle_close(cycle=found, membership=membership)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, f"“{found.title}” is closed; it takes no more answers.")
    return redirect(_detail_url(found))


@login_required
@require_POST
@workspace_view("member")
def cycle_delete(request: HttpRequest, cycle: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.cycle_get(membership=membership, uuid=cycle)
    _manage_require(membership, found)
    title = found.title
    try:
        actions.cycle_delete(membership=membership, cycle=found)
    except ValidationError as error:
        messages.error(request, _first_message(error))
        return redirect(_detail_url(found))
    messages.success(request, f"Deleted the draft survey “{title}”.")
    return redirect("survey_home", membership.workspace.slug)
