"""Idea pages: the list with filters, sorting and where ideas come from; propose; the idea page
with votes, comments and the stage panel; edit; vote (htmx); delete."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accord.comms import idea_actions as actions
from accord.comms import idea_selectors as selectors
from accord.comms.feedback_selectors import acting_person
from accord.comms.idea_forms import IdeaCommentForm, IdeaForm, StageForm
from accord.comms.models import Idea
from accord.org.actions import StaleVersion
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

PAGE_SIZE = 30


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _detail_url(idea: Idea) -> str:
    return reverse("idea_detail", args=[idea.workspace.slug, idea.uuid])


def _next_url(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _filters(params: QueryDict) -> selectors.IdeaFilters:
    stage = params.get("stage", "")
    sort = params.get("sort", "votes")
    return selectors.IdeaFilters(
        partnership=params.get("partnership", "").strip()[:60] or None,
        stage=stage if stage in {*Idea.Stage.values, "open"} else None,
        sort=sort if sort in selectors.SORTS else "votes",
        search=params.get("q", "").strip()[:100],
        function=_uuid_or_none(params.get("function")),
    )


@login_required
@workspace_view("viewer")
def idea_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = _filters(request.GET)
    rows = selectors.idea_list(membership=membership, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = filters.any()
    context: dict[str, Any] = {
        "ideas": selectors.idea_rows(membership=membership, ideas=page),
        "page_obj": page,
        "query_without_page": f"{query.urlencode()}&" if query else "",
        "filters": filters,
        "filtered": filtered,
        "none_yet": not filtered and not page.paginator.count,
        "origins": selectors.idea_origins(ideas=rows),
        "can_propose": membership.can_edit and acting_person(membership=membership) is not None,
        "next_url": request.get_full_path(),
    }
    if _is_htmx(request):
        template = "comms/idea_list.html#results"
    else:
        template = "comms/idea_list.html"
        context["partnerships"] = list(
            selectors.idea_partnership_filter_choices(membership=membership)
        )
        context["functions"] = list(selectors.idea_function_choices(membership=membership))
        context["stages"] = Idea.Stage.choices
        context["sorts"] = list(selectors.SORTS.items())
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("member")
def idea_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method != "POST":
        initial: dict[str, Any] = {}
        wanted = request.GET.get("partnership", "").strip()[:60]
        if wanted:
            initial["partnership"] = wanted
        me = acting_person(membership=membership)
        if me is not None and me.function is not None:
            initial["functions"] = [me.function.uuid]
        form = IdeaForm(initial=initial, membership=membership)
        return render(request, "comms/idea_form.html", {"form": form})
    form = IdeaForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            created = actions.idea_propose(membership=membership, **form.idea_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, f"Proposed “{created.title}”.")
            return redirect(_detail_url(created))
    return render(request, "comms/idea_form.html", {"form": form}, status=422)


def _detail_context(
    request: HttpRequest,
    idea: Idea,
    *,
    comment_form: IdeaCommentForm | None = None,
    stage_form: StageForm | None = None,
) -> dict[str, Any]:
    membership = _membership(request)
    (row,) = selectors.idea_rows(membership=membership, ideas=[idea])
    return {
        "idea": row,
        "voters": selectors.idea_voters(idea),
        "show_voters": True,
        "can_edit": selectors.idea_can_edit(membership=membership, idea=idea),
        "can_delete": selectors.idea_can_delete(membership=membership, idea=idea),
        "can_comment": selectors.idea_can_comment(membership=membership),
        "comments": list(selectors.idea_comment_list(idea=idea)),
        "comment_form": comment_form or IdeaCommentForm(),
        "stage_form": stage_form
        or (
            StageForm(
                idea=idea,
                initial={
                    "stage": idea.stage,
                    "experiment": idea.experiment,
                    "outcome": idea.outcome,
                    "goal_title": idea.title,
                    "goal_owner": idea.author.uuid,
                    "expected_version": idea.version,
                },
            )
            if row.can_manage  # type: ignore[attr-defined]
            else None
        ),
        "stages": Idea.Stage.choices,
        "history": list(audit_list(workspace=membership.workspace, instance=idea, limit=50)),
        "next_url": _detail_url(idea),
    }


@login_required
@workspace_view("viewer")
def idea_detail(request: HttpRequest, idea: uuid.UUID) -> HttpResponse:
    found = selectors.idea_get(membership=_membership(request), uuid=idea)
    return render(request, "comms/idea_detail.html", _detail_context(request, found))


@login_required
@workspace_view("member")
def idea_edit(request: HttpRequest, idea: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.idea_get(membership=membership, uuid=idea)
    if not selectors.idea_can_edit(membership=membership, idea=found):
        raise PermissionDenied(
            "Only the idea's author, its partnership's lead and sponsor, and admins can edit it."
        )
    if request.method != "POST":
        form = IdeaForm(initial=IdeaForm.initial_for(found), membership=membership, idea=found)
        return render(request, "comms/idea_form.html", {"form": form, "idea": found})
    form = IdeaForm(request.POST, membership=membership, idea=found)
    status = 422
    if form.is_valid():
        try:
            actions.idea_update(
                membership=membership,
                idea=found,
                expected_version=form.cleaned_data["expected_version"],
                **form.idea_fields(),
            )
        except StaleVersion:
            found = selectors.idea_get(membership=membership, uuid=idea)
            data = request.POST.copy()
            data["expected_version"] = str(found.version)
            form = IdeaForm(data, membership=membership, idea=found)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved “{found.title}” while you were editing. Your changes are "
                "below and not saved yet; save again to keep them.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved “{found.title}”.")
            return redirect(_detail_url(found))
    return render(request, "comms/idea_form.html", {"form": form, "idea": found}, status=status)


@login_required
@require_POST
@workspace_view("member")
def idea_delete(request: HttpRequest, idea: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.idea_get(membership=membership, uuid=idea)
    title = found.title
    actions.idea_delete(membership=membership, idea=found)
    messages.success(request, f"Deleted the idea “{title}”.")
    return redirect("idea_list", membership.workspace.slug)


@login_required
@require_POST
@workspace_view("member")
def idea_vote(request: HttpRequest, idea: uuid.UUID) -> HttpResponse:
    """Vote (vote=1) or take the vote back (vote=0). With htmx the answer is the refreshed
    vote box."""
    membership = _membership(request)
    found = selectors.idea_get(membership=membership, uuid=idea)
    error = ""
    try:
        actions.idea_vote_set(
            membership=membership, idea=found, voted=request.POST.get("vote") == "1"
        )
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
    if _is_htmx(request):
        fresh = selectors.idea_get(membership=membership, uuid=idea)
        (row,) = selectors.idea_rows(membership=membership, ideas=[fresh])
        return render(
            request,
            "comms/idea_vote.html",
            {
                "idea": row,
                "voters": selectors.idea_voters(fresh),
                "show_voters": request.POST.get("show_voters") == "1",
                "vote_error": error,
                "next_url": _next_url(request, _detail_url(found)),
            },
        )
    if error:
        messages.error(request, error)
    return redirect(_next_url(request, _detail_url(found)))


@login_required
@require_POST
@workspace_view("member")
def idea_comment_add(request: HttpRequest, idea: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.idea_get(membership=membership, uuid=idea)
    htmx = _is_htmx(request)
    form = IdeaCommentForm(request.POST)
    if form.is_valid():
        try:
            actions.idea_comment_add(
                membership=membership, idea=found, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if not htmx:
                messages.success(request, "Comment posted.")
                return redirect(_detail_url(found) + "#comments")
            form = IdeaCommentForm()
    template = "comms/idea_detail.html#comments" if htmx else "comms/idea_detail.html"
    status = 422 if form.errors and not htmx else 200
    return render(
        request, template, _detail_context(request, found, comment_form=form), status=status
    )


@login_required
@require_POST
@workspace_view("member")
def idea_stage(request: HttpRequest, idea: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.idea_get(membership=membership, uuid=idea)
    if not selectors.idea_can_manage(membership=membership, idea=found):
        raise PermissionDenied(
            "Only the partnership's lead and sponsor, and admins, move ideas through stages."
        )
    form = StageForm(request.POST, idea=found)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = actions.idea_stage_move(
                membership=membership,
                idea=found,
                stage=data["stage"],
                experiment=data["experiment"],
                outcome=data["outcome"],
                goal=data["goal"],
                new_goal=form.new_goal(),
                expected_version=data["expected_version"],
            )
        except StaleVersion:
            form.add_error(
                None,
                "Someone else changed this idea while you were deciding; check its stage and "
                "try again.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(
                request, f"“{moved.title}” is now {moved.get_stage_display().lower()}."
            )
            return redirect(_detail_url(moved) + "#stage")
    fresh = selectors.idea_get(membership=membership, uuid=idea)
    return render(
        request,
        "comms/idea_detail.html",
        _detail_context(request, fresh, stage_form=form),
        status=status,
    )
