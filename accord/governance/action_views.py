"""Action item pages: My actions, the list with filters, add, detail with comments, edit,
quick status change (htmx from any list) and delete."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accord.goals.permissions import person_ids_of
from accord.governance import action_actions as actions
from accord.governance import action_selectors as selectors
from accord.governance.action_forms import ActionForm, CommentForm, StatusForm
from accord.governance.models import ActionItem
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

PAGE_SIZE = 100


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


def _detail_url(action: ActionItem) -> str:
    return reverse("action_detail", args=[action.workspace.slug, action.uuid])


def _next_url(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _edit_require(request: HttpRequest, action: ActionItem) -> None:
    if not selectors.action_can_edit(membership=_membership(request), action=action):
        raise PermissionDenied(
            "Only the action's owner, its partnership's lead and sponsor, and workspace admins "
            "can change it."
        )


# --- lists ----------------------------------------------------------------------------------


def _filters(params: QueryDict) -> selectors.ActionFilters:
    status = params.get("status", "")
    linked = params.get("linked", "")
    partnership = params.get("partnership", "").strip()[:60]
    return selectors.ActionFilters(
        partnership=partnership or None,
        owner=_uuid_or_none(params.get("owner")),
        status=status if status in {*ActionItem.Status.values, "active"} else None,
        overdue=params.get("overdue") in {"1", "on", "true"},
        linked=linked if linked in selectors.LINK_KINDS else None,
        search=params.get("q", "").strip()[:100],
    )


@login_required
@workspace_view("viewer")
def action_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    today = timezone.localdate()
    filters = _filters(request.GET)
    rows = selectors.action_list(membership=membership, filters=filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = filters.any()
    context: dict[str, Any] = {
        "actions": selectors.action_rows(membership=membership, actions=page, today=today),
        "page_obj": page,
        "query_without_page": f"{query.urlencode()}&" if query else "",
        "filters": filters,
        "filtered": filtered,
        "none_yet": not filtered and not page.paginator.count,
        "can_create": membership.can_edit,
    }
    if _is_htmx(request):
        template = "governance/action_list.html#results"
    else:
        template = "governance/action_list.html"
        context["partnerships"] = list(
            selectors.action_partnership_filter_choices(membership=membership)
        )
        context["owners"] = list(selectors.action_owner_filter_choices(membership=membership))
        context["statuses"] = ActionItem.Status.choices
        context["link_kinds"] = list(selectors.LINK_KINDS.items())
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("viewer")
def my_actions(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    today = timezone.localdate()
    include_closed = request.GET.get("closed") == "1"
    rows = selectors.action_rows(
        membership=membership,
        actions=selectors.my_action_list(membership=membership, include_closed=include_closed),
        today=today,
    )
    return render(
        request,
        "governance/action_mine.html",
        {
            "actions": rows,
            "overdue_count": sum(1 for action in rows if getattr(action, "overdue", False)),
            "include_closed": include_closed,
            "linked": bool(person_ids_of(membership)),
            "can_create": membership.can_edit,
        },
    )


# --- create, edit, delete -------------------------------------------------------------------


def _prefill(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    """Initial values from ?partnership=<slug>&goal=<uuid>&decision=<uuid>&conflict=<uuid>;
    the owner defaults to the member's own person."""
    initial: dict[str, Any] = {"status": ActionItem.Status.OPEN}
    partnership = request.GET.get("partnership", "").strip()
    if partnership:
        initial["partnership"] = partnership[:60]
    for field in ("goal", "decision", "conflict"):
        value = _uuid_or_none(request.GET.get(field))
        if value:
            initial[field] = value
    people = sorted(person_ids_of(membership))
    if len(people) == 1:
        owner = (
            selectors.action_owner_choices(workspace=membership.workspace)
            .filter(pk=people[0])
            .first()
        )
        if owner is not None:
            initial["owner"] = owner.uuid
    return initial


@login_required
@workspace_view("member")
def action_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method != "POST":
        form = ActionForm(initial=_prefill(request, membership), membership=membership)
        return render(request, "governance/action_form.html", {"form": form})
    form = ActionForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            created = actions.action_create(membership=membership, **form.action_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("partnership", str(denied))
        else:
            messages.success(request, f"Added the action “{created.title}”.")
            return redirect(_detail_url(created))
    return render(request, "governance/action_form.html", {"form": form}, status=422)


@login_required
@workspace_view("member")
def action_edit(request: HttpRequest, action_item: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.action_get(membership=membership, uuid=action_item)
    _edit_require(request, found)
    if request.method != "POST":
        form = ActionForm(
            initial=ActionForm.initial_for(found), membership=membership, action=found
        )
        return render(request, "governance/action_form.html", {"form": form, "action": found})
    form = ActionForm(request.POST, membership=membership, action=found)
    status = 422
    if form.is_valid():
        try:
            actions.action_update(
                membership=membership,
                action=found,
                expected_version=form.cleaned_data["expected_version"],
                **form.action_fields(),
            )
        except actions.StaleVersion:
            fresh = selectors.action_get(membership=membership, uuid=action_item)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = ActionForm(data, membership=membership, action=fresh)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved “{fresh.title}” while you were editing. Your changes are "
                "below and not saved yet; save again to keep them, or cancel to keep theirs.",
            )
            found, status = fresh, 409
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("partnership", str(denied))
        else:
            messages.success(request, f"Saved “{found.title}”.")
            return redirect(_detail_url(found))
    return render(
        request, "governance/action_form.html", {"form": form, "action": found}, status=status
    )


@login_required
@require_POST
@workspace_view("member")
def action_delete(request: HttpRequest, action_item: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.action_get(membership=membership, uuid=action_item)
    title = found.title
    actions.action_delete(membership=membership, action=found)
    messages.success(request, f"Deleted the action “{title}”.")
    return redirect("action_list", membership.workspace.slug)


# --- detail and comments --------------------------------------------------------------------


def _detail_context(
    request: HttpRequest, action: ActionItem, *, comment_form: CommentForm | None = None
) -> dict[str, Any]:
    membership = _membership(request)
    (row,) = selectors.action_rows(membership=membership, actions=[action])
    return {
        "action": row,
        "can_edit": row.can_edit,  # type: ignore[attr-defined]
        "can_comment": selectors.action_can_comment(membership=membership, action=action),
        "comments": list(selectors.action_comment_list(action=action)),
        "comment_form": comment_form or CommentForm(),
        "statuses": ActionItem.Status.choices,
        "history": list(audit_list(workspace=membership.workspace, instance=action, limit=50)),
    }


@login_required
@workspace_view("viewer")
def action_detail(request: HttpRequest, action_item: uuid.UUID) -> HttpResponse:
    found = selectors.action_get(membership=_membership(request), uuid=action_item)
    return render(request, "governance/action_detail.html", _detail_context(request, found))


@login_required
@require_POST
@workspace_view("member")
def action_comment_add(request: HttpRequest, action_item: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.action_get(membership=membership, uuid=action_item)
    htmx = _is_htmx(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            actions.action_comment_add(
                membership=membership, action=found, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if not htmx:
                messages.success(request, "Comment posted.")
                return redirect(_detail_url(found) + "#comments")
            form = CommentForm()
    template = "governance/action_detail.html#comments" if htmx else "governance/action_detail.html"
    status = 422 if form.errors and not htmx else 200
    return render(
        request, template, _detail_context(request, found, comment_form=form), status=status
    )


# --- quick status change --------------------------------------------------------------------


@login_required
@require_POST
@workspace_view("member")
def action_status(request: HttpRequest, action_item: uuid.UUID) -> HttpResponse:
    """Set the status. From a list with htmx, the answer is the refreshed row."""
    membership = _membership(request)
    found = selectors.action_get(membership=membership, uuid=action_item)
    form = StatusForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Choose a status: open, in progress, done or dropped."
    else:
        try:
            actions.action_status_change(
                membership=membership, action=found, status=form.cleaned_data["status"]
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    if _is_htmx(request):
        fresh = selectors.action_get(membership=membership, uuid=action_item)
        (row,) = selectors.action_rows(membership=membership, actions=[fresh])
        return render(
            request,
            "governance/action_list_partial.html#row",
            {
                "action": row,
                "row_error": error,
                "row_saved": not error,
                "next_url": _next_url(request, _detail_url(found)),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"“{found.title}” is now {found.get_status_display().lower()}.")
    return redirect(_next_url(request, _detail_url(found)))
