"""Change proposal pages: propose a change, its impact per function, concerns and readiness.
The proposal's record is the decision page; these views handle its change-specific parts."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.governance import change_actions
from accord.governance import decision_actions as actions
from accord.governance import decision_selectors as selectors
from accord.governance.change_forms import (
    ChangeForm,
    ConcernForm,
    ConcernResponseForm,
    ImpactForm,
    ReadinessForm,
)
from accord.governance.decision_views import (
    _decision,
    _detail_render,
    _detail_url,
    _manage_require,
    _membership,
    _partnerships,
    _uuid_or_none,
    form_add_errors,
)
from accord.governance.models import ChangeImpact, ChangeProposal, Concern, Decision
from accord.workspaces.access import object_get, workspace_view


def _proposal(request: HttpRequest, decision: Any) -> tuple[Decision, ChangeProposal]:
    found = _decision(request, decision, detail=True)
    proposal = object_get(ChangeProposal, workspace=found.workspace, decision=found)
    return found, proposal


def change_context(request: HttpRequest, decision: Decision, **forms: Any) -> dict[str, Any]:
    """The change-specific part of the decision page."""
    membership = _membership(request)
    proposal = (
        ChangeProposal.objects.filter(workspace=decision.workspace, decision=decision)
        .prefetch_related("measure_goals", "measure_kpis")
        .get()
    )
    concerns = list(selectors.change_concern_list(proposal=proposal))
    affected_person = selectors.change_affected_person(membership=membership, decision=decision)
    can_manage = selectors.decision_can_manage(membership=membership, decision=decision)
    locked = decision.status in selectors.LOCKED_STATUSES
    functions = decision.affected_functions.all()
    context: dict[str, Any] = {
        "proposal": proposal,
        "impacts": list(
            ChangeImpact.objects.filter(proposal=proposal)
            .select_related("function")
            .order_by("function__name")
        ),
        "concerns_open": [c for c in concerns if c.status == Concern.Status.OPEN],
        "concerns_answered": [c for c in concerns if c.status != Concern.Status.OPEN],
        "readiness": selectors.change_readiness_summary(proposal=proposal),
        "dimensions": selectors.READINESS_DIMENSIONS,
        "can_raise": affected_person is not None and not locked,
    }
    if can_manage and not locked:
        context["impact_form"] = forms.get("impact_form") or ImpactForm(
            workspace=decision.workspace
        )
        context["concern_response_form"] = ConcernResponseForm()
        context["can_respond_concerns"] = True
    if context["can_raise"]:
        context["concern_form"] = forms.get("concern_form") or ConcernForm()
    if affected_person is not None and (not locked or decision.status == Decision.Status.DECIDED):
        phase = "follow_up" if decision.status == Decision.Status.DECIDED else "before"
        context["readiness_form"] = forms.get("readiness_form") or ReadinessForm(
            functions=functions,
            initial={
                "phase": phase,
                "function": affected_person.function.uuid if affected_person.function else None,
            },
        )
    return context


@login_required
@workspace_view("member")
def change_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    initial: dict[str, Any] = {}
    partnership_id = _uuid_or_none(request.GET.get("partnership"))
    if partnership_id:
        initial["partnership"] = partnership_id
    form = ChangeForm(
        request.POST or None,
        workspace=membership.workspace,
        partnerships=_partnerships(request),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = change_actions.change_proposal_create(
                membership=membership, **form.decision_fields(), **form.proposal_fields()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Recorded the change proposal “{created.title}”.")
            return redirect(_detail_url(created))
    return render(
        request,
        "governance/change_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("member")
def change_edit(request: HttpRequest, decision: Any) -> HttpResponse:
    membership = _membership(request)
    found, proposal = _proposal(request, decision)
    _manage_require(request, found)
    locked = found.status in selectors.LOCKED_STATUSES
    if request.method != "POST" or locked:
        form = ChangeForm(
            initial=ChangeForm.initial_for_proposal(proposal),
            workspace=membership.workspace,
            partnerships=_partnerships(request),
        )
        return render(
            request,
            "governance/change_form.html",
            {"form": form, "decision": found, "locked": locked},
            status=409 if locked and request.method == "POST" else 200,
        )
    form = ChangeForm(
        request.POST, workspace=membership.workspace, partnerships=_partnerships(request)
    )
    status = 200
    if form.is_valid():
        try:
            with transaction.atomic():
                actions.decision_update(
                    membership=membership,
                    decision=found,
                    expected_version=form.cleaned_data["expected_version"],
                    **form.decision_fields(),
                )
                change_actions.change_proposal_update(
                    membership=membership, proposal=proposal, **form.proposal_fields()
                )
        except actions.StaleVersion:
            form.add_error(
                None,
                "Someone else saved this proposal while you were editing. Your changes are "
                "below and not saved yet; reload to see theirs.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved “{found.title}”.")
            return redirect(_detail_url(found))
    if form.errors and status == 200:
        status = 422
    return render(
        request, "governance/change_form.html", {"form": form, "decision": found}, status=status
    )


@login_required
@require_POST
@workspace_view("member")
def change_impact_set(request: HttpRequest, decision: Any) -> HttpResponse:
    found, proposal = _proposal(request, decision)
    _manage_require(request, found)
    form = ImpactForm(request.POST, workspace=found.workspace)
    if form.is_valid():
        try:
            change_actions.change_impact_set(
                membership=_membership(request), proposal=proposal, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved the impact on {form.cleaned_data['function']}.")
            return redirect(_detail_url(found, "impact"))
    return _detail_render(request, found, impact_form=form, status=422)


@login_required
@require_POST
@workspace_view("member")
def change_impact_remove(request: HttpRequest, decision: Any, impact: Any) -> HttpResponse:
    found, proposal = _proposal(request, decision)
    row = object_get(
        ChangeImpact.objects.filter(proposal=proposal).select_related("function", "proposal"),
        workspace=found.workspace,
        uuid=impact,
    )
    try:
        change_actions.change_impact_remove(membership=_membership(request), impact=row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_detail_url(found, "impact"))


@login_required
@require_POST
@workspace_view("member")
def concern_raise(request: HttpRequest, decision: Any) -> HttpResponse:
    found, proposal = _proposal(request, decision)
    form = ConcernForm(request.POST)
    if form.is_valid():
        try:
            change_actions.concern_raise(
                membership=_membership(request), proposal=proposal, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Concern raised; it needs a written response.")
            return redirect(_detail_url(found, "concerns"))
    return _detail_render(request, found, concern_form=form, status=422)


@login_required
@require_POST
@workspace_view("member")
def concern_respond(request: HttpRequest, decision: Any, concern: Any) -> HttpResponse:
    found, proposal = _proposal(request, decision)
    row = object_get(
        Concern.objects.filter(proposal=proposal).select_related("proposal__decision"),
        workspace=found.workspace,
        uuid=concern,
    )
    form = ConcernResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a response and choose its outcome.")
        return redirect(_detail_url(found, "concerns"))
    try:
        change_actions.concern_respond(
            membership=_membership(request), concern=row, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Response recorded.")
    return redirect(_detail_url(found, "concerns"))


@login_required
@require_POST
@workspace_view("member")
def readiness_submit(request: HttpRequest, decision: Any) -> HttpResponse:
    found, proposal = _proposal(request, decision)
    form = ReadinessForm(request.POST, functions=found.affected_functions.all())
    if form.is_valid():
        try:
            change_actions.readiness_submit(
                membership=_membership(request),
                proposal=proposal,
                function=form.cleaned_data["function"],
                phase=form.cleaned_data["phase"],
                note=form.cleaned_data["note"],
                **form.scores(),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Thank you: your readiness rating is recorded.")
            return redirect(_detail_url(found, "readiness"))
    return _detail_render(request, found, readiness_form=form, status=422)
