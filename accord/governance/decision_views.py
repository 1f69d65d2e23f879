"""Decision log pages: the list and timeline, drafts, opening for input, responses, deciding,
superseding and reversing."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.governance import decision_actions as actions
from accord.governance import decision_selectors as selectors
from accord.governance.decision_forms import (
    AnswerForm,
    DecideForm,
    DecisionForm,
    OpenForm,
    OptionForm,
    RespondForm,
    ReverseForm,
)
from accord.governance.models import Decision, DecisionOption, DecisionResponse
from accord.web.edit_conflicts import conflict_rows
from accord.workspaces.access import object_get, workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list


def form_add_errors(form: Any, error: ValidationError) -> None:
    """An action's errors on the fields they name; refusals about the record itself (input
    still open, unanswered blocks, open concerns) go on top of the form, in plain words."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _decision(request: HttpRequest, decision: Any, *, detail: bool = False) -> Decision:
    return selectors.decision_get(membership=_membership(request), uuid=decision, detail=detail)


def _detail_url(decision: Decision, anchor: str = "") -> str:
    url = reverse("decision_detail", args=[decision.workspace.slug, decision.uuid])
    return f"{url}#{anchor}" if anchor else url


def _manage_require(request: HttpRequest, decision: Decision) -> None:
    if not selectors.decision_can_manage(membership=_membership(request), decision=decision):
        raise PermissionDenied(
            "Only the decider, the partnership's lead and sponsor, and admins can change it."
        )


def _partnerships(request: HttpRequest) -> Any:
    return selectors.decision_partnership_choices(membership=_membership(request))


# --- list and timeline ----------------------------------------------------------------------


def _filters(params: QueryDict) -> dict[str, Any]:
    status = params.get("status", "")
    kind = params.get("kind", "")
    return {
        "search": params.get("q", "").strip()[:100],
        "partnership": _uuid_or_none(params.get("partnership")),
        "function": _uuid_or_none(params.get("function")),
        "status": status if status in Decision.Status.values else None,
        "kind": kind if kind in Decision.Kind.values else None,
    }


@login_required
@workspace_view("viewer")
def decision_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = _filters(request.GET)
    timeline = request.GET.get("view") == "timeline"
    select = selectors.decision_timeline if timeline else selectors.decision_list
    decisions = list(select(membership=membership, **filters))
    filtered = any(filters.values())
    context: dict[str, Any] = {
        "decisions": decisions,
        "filters": filters,
        "filtered": filtered,
        "timeline": timeline,
        "none_yet": not filtered and not decisions,
    }
    if _is_htmx(request):
        template = "governance/decision_list.html#results"
    else:
        template = "governance/decision_list.html"
        context["partnerships"] = list(_partnerships(request))
        context["functions"] = list(
            selectors.decision_function_choices(workspace=membership.workspace)
        )
        context["statuses"] = Decision.Status.choices
        context["kinds"] = Decision.Kind.choices
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- drafts ---------------------------------------------------------------------------------


@login_required
@workspace_view("member")
def decision_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    workspace = membership.workspace
    initial: dict[str, Any] = {}
    partnership_id = _uuid_or_none(request.GET.get("partnership"))
    if partnership_id:
        initial["partnership"] = partnership_id
    form = DecisionForm(
        request.POST or None,
        workspace=workspace,
        partnerships=_partnerships(request),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.decision_create(membership=membership, **form.decision_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Recorded the draft “{created.title}”.")
            return redirect(_detail_url(created))
    return render(
        request,
        "governance/decision_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("member")
def decision_edit(request: HttpRequest, decision: Any) -> HttpResponse:
    membership = _membership(request)
    found = _decision(request, decision, detail=True)
    _manage_require(request, found)
    if found.kind == Decision.Kind.CHANGE:
        return redirect("change_edit", membership.workspace.slug, found.uuid)
    locked = found.status in selectors.LOCKED_STATUSES
    if request.method != "POST" or locked:
        form = DecisionForm(
            initial=DecisionForm.initial_for(found),
            workspace=membership.workspace,
            partnerships=_partnerships(request),
        )
        return render(
            request,
            "governance/decision_form.html",
            {"form": form, "decision": found, "locked": locked},
            status=409 if locked and request.method == "POST" else 200,
        )
    form = DecisionForm(
        request.POST, workspace=membership.workspace, partnerships=_partnerships(request)
    )
    status = 200
    conflict: list[Any] = []
    if form.is_valid():
        try:
            actions.decision_update(
                membership=membership,
                decision=found,
                expected_version=form.cleaned_data["expected_version"],
                **form.decision_fields(),
            )
        except actions.StaleVersion:
            fresh = _decision(request, decision, detail=True)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = DecisionForm(
                data, workspace=membership.workspace, partnerships=_partnerships(request)
            )
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved this decision while you were editing (now version "
                f"{fresh.version}). Your changes are below and not saved yet; save again to "
                "keep them, or cancel to keep theirs.",
            )
            conflict = conflict_rows(form, DecisionForm.initial_for(fresh))
            found = fresh
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved “{found.title}”.")
            return redirect(_detail_url(found))
    if form.errors and status == 200:
        status = 422
    return render(
        request,
        "governance/decision_form.html",
        {"form": form, "decision": found, "conflict": conflict},
        status=status,
    )


@login_required
@require_POST
@workspace_view("member")
def decision_delete(request: HttpRequest, decision: Any) -> HttpResponse:
    found = _decision(request, decision)
    try:
        actions.decision_delete(membership=_membership(request), decision=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(found))
    messages.success(request, f"Deleted the draft “{found.title}”.")
    return redirect("decision_list", found.workspace.slug)


@login_required
@require_POST
@workspace_view("member")
def decision_option_add(request: HttpRequest, decision: Any) -> HttpResponse:
    found = _decision(request, decision, detail=True)
    _manage_require(request, found)
    form = OptionForm(request.POST)
    if form.is_valid():
        try:
            actions.decision_option_add(
                membership=_membership(request), decision=found, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Added the option “{form.cleaned_data['title']}”.")
            return redirect(_detail_url(found, "options"))
    return _detail_render(request, found, option_form=form, status=422)


@login_required
@require_POST
@workspace_view("member")
def decision_option_remove(request: HttpRequest, decision: Any, option: Any) -> HttpResponse:
    found = _decision(request, decision)
    row = object_get(
        DecisionOption.objects.filter(decision=found), workspace=found.workspace, uuid=option
    )
    try:
        actions.decision_option_remove(membership=_membership(request), option=row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_detail_url(found, "options"))


# --- the record -----------------------------------------------------------------------------


def _detail_context(request: HttpRequest, decision: Decision, **forms: Any) -> dict[str, Any]:
    membership = _membership(request)
    can_manage = selectors.decision_can_manage(membership=membership, decision=decision)
    is_decider = selectors.decision_is_decider(membership=membership, decision=decision)
    summary = selectors.decision_input_summary(decision=decision)
    stakeholder = selectors.decision_stakeholder_of(membership=membership, decision=decision)
    has_responded = stakeholder is not None and selectors.decision_has_responded(
        decision=decision, person=stakeholder.person
    )
    history = list(audit_list(workspace=membership.workspace, instance=decision, limit=50))
    reversal = next((entry for entry in history if actions.REVERSAL_KEY in entry.changes), None)
    context: dict[str, Any] = {
        "decision": decision,
        "can_manage": can_manage,
        "is_decider": is_decider,
        "locked": decision.status in selectors.LOCKED_STATUSES,
        "summary": summary,
        "stakeholder": stakeholder,
        "has_responded": has_responded,
        "can_respond": stakeholder is not None
        and not has_responded
        and decision.status == Decision.Status.OPEN
        and not summary.closed,
        "history": history,
        "reversal_reason": reversal.changes[actions.REVERSAL_KEY][1] if reversal else "",
        "options": list(decision.options.all()),
        "supersedes": list(decision.supersedes.all()),
        "open_concerns": selectors.decision_open_concern_count(decision=decision),
    }
    if can_manage and decision.status == Decision.Status.DRAFT:
        context["option_form"] = forms.get("option_form") or OptionForm()
    if context["can_respond"]:
        context["respond_form"] = forms.get("respond_form") or RespondForm(decision=decision)
    if is_decider and not context["locked"]:
        context["decide_form"] = forms.get("decide_form") or DecideForm(decision=decision)
        context["answer_form"] = AnswerForm()
    if decision.status == Decision.Status.DECIDED:
        context["reverse_form"] = forms.get("reverse_form") or ReverseForm()
    if decision.kind == Decision.Kind.CHANGE and hasattr(decision, "change_proposal"):
        from accord.governance.change_views import change_context

        context.update(change_context(request, decision, **forms))
    return context


def _detail_render(
    request: HttpRequest, decision: Decision, *, status: int = 200, **forms: Any
) -> HttpResponse:
    fresh = _decision(request, decision.uuid, detail=True)
    return render(
        request,
        "governance/decision_detail.html",
        _detail_context(request, fresh, **forms),
        status=status,
    )


@login_required
@workspace_view("viewer")
def decision_detail(request: HttpRequest, decision: Any) -> HttpResponse:
    found = _decision(request, decision, detail=True)
    return render(request, "governance/decision_detail.html", _detail_context(request, found))


# --- input ----------------------------------------------------------------------------------


@login_required
@workspace_view("member")
def decision_open(request: HttpRequest, decision: Any) -> HttpResponse:
    membership = _membership(request)
    found = _decision(request, decision, detail=True)
    _manage_require(request, found)
    if request.method != "POST":
        defaults = selectors.decision_default_stakeholders(decision=found)
        form = OpenForm(
            initial={"stakeholders": [person.uuid for person, _fn in defaults]},
            workspace=membership.workspace,
        )
        return render(request, "governance/decision_open.html", {"form": form, "decision": found})
    form = OpenForm(request.POST, workspace=membership.workspace)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.decision_open(
                membership=membership,
                decision=found,
                closes_at=data["closes_at"],
                input_mode=data["input_mode"],
                stakeholders=list(data["stakeholders"]) or None,
                hide_responses_until_close=data["hide_responses_until_close"],
                allow_anonymous=data["allow_anonymous"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Opened for input; the stakeholders are asked.")
            return redirect(_detail_url(found))
    return render(
        request, "governance/decision_open.html", {"form": form, "decision": found}, status=422
    )


@login_required
@require_POST
@workspace_view("member")
def decision_respond(request: HttpRequest, decision: Any) -> HttpResponse:
    found = _decision(request, decision, detail=True)
    form = RespondForm(request.POST, decision=found)
    if form.is_valid():
        try:
            actions.decision_respond(
                membership=_membership(request),
                decision=found,
                position=form.cleaned_data["position"],
                reason=form.cleaned_data["reason"],
                anonymous=form.cleaned_data.get("anonymous", False),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Thank you: your response is recorded.")
            return redirect(_detail_url(found, "input"))
    return _detail_render(request, found, respond_form=form, status=422)


@login_required
@require_POST
@workspace_view("member")
def decision_answer(request: HttpRequest, decision: Any, response: Any) -> HttpResponse:
    found = _decision(request, decision)
    row = object_get(
        DecisionResponse.objects.filter(decision=found).select_related("decision"),
        workspace=found.workspace,
        uuid=response,
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.decision_response_answer(
                membership=_membership(request), response=row, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Answer recorded.")
    else:
        messages.error(request, "Write an answer to the response.")
    return redirect(_detail_url(found, "input"))


# --- deciding and afterwards ----------------------------------------------------------------


@login_required
@require_POST
@workspace_view("member")
def decision_decide(request: HttpRequest, decision: Any) -> HttpResponse:
    found = _decision(request, decision, detail=True)
    form = DecideForm(request.POST, decision=found)
    if form.is_valid():
        try:
            actions.decision_decide(
                membership=_membership(request),
                decision=found,
                outcome_statement=form.cleaned_data["outcome_statement"],
                chosen_option=form.cleaned_data["chosen_option"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Decided: “{found.title}”. The informed are told.")
            return redirect(_detail_url(found))
    return _detail_render(request, found, decide_form=form, status=422)


@login_required
@require_POST
@workspace_view("member")
def decision_supersede(request: HttpRequest, decision: Any) -> HttpResponse:
    found = _decision(request, decision)
    try:
        successor = actions.decision_supersede(membership=_membership(request), decision=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(found))
    messages.success(
        request,
        "Started a new draft that supersedes it. The old decision stays as it was until this "
        "one is decided.",
    )
    return redirect(_detail_url(successor))


@login_required
@require_POST
@workspace_view("member")
def decision_reverse(request: HttpRequest, decision: Any) -> HttpResponse:
    found = _decision(request, decision, detail=True)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            actions.decision_reverse(
                membership=_membership(request), decision=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Reversed “{found.title}”.")
            return redirect(_detail_url(found))
    return _detail_render(request, found, reverse_form=form, status=422)
