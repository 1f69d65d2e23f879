"""Status update pages: the feed (workspace-wide or per partnership) with filters, post and
edit, the update page with asks, answers, acknowledgements and threaded comments, open asks,
and "Needs my response".

Inline actions (answer an ask, acknowledge, comment) answer an htmx request with the
refreshed part of the page and a plain form post with a redirect, so every page works
without JavaScript.
"""

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.comms import update_actions as actions
from accord.comms import update_selectors as selectors
from accord.comms.models_updates import Ask, Rag, StatusUpdate
from accord.comms.update_forms import AnswerForm, CommentForm, UpdateForm, ask_formset
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

PAGE_SIZE = 20


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


def _date_or_none(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _detail_url(update: StatusUpdate) -> str:
    return reverse("update_detail", args=[update.workspace.slug, update.uuid])


# --- the feed -------------------------------------------------------------------------------


def update_filters_parse(params: QueryDict) -> selectors.UpdateFilters:
    rag = params.get("rag", "")
    partnership = params.get("partnership", "").strip()[:60]
    return selectors.UpdateFilters(
        partnership=partnership or None,
        rag=rag if rag in Rag.values else None,
        function=_uuid_or_none(params.get("function")),
        author=_uuid_or_none(params.get("author")),
        since=_date_or_none(params.get("since")),
        until=_date_or_none(params.get("until")),
        open_asks=params.get("open_asks") in {"1", "on", "true"},
    )


@login_required
@workspace_view("viewer")
def update_feed(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = update_filters_parse(request.GET)
    partnership: Partnership | None = None
    if filters.partnership:
        partnership = partnership_get(membership=membership, slug=filters.partnership)
    rows = selectors.update_list(membership=membership, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = filters.narrowed()
    context: dict[str, Any] = {
        "updates": list(page),
        "page_obj": page,
        "query_without_page": f"{query.urlencode()}&" if query else "",
        "filters": filters,
        "filtered": filtered,
        "partnership": partnership,
        "none_yet": not filtered and not page.paginator.count,
    }
    if _is_htmx(request):
        template = "comms/update_feed.html#results"
    else:
        template = "comms/update_feed.html"
        can_post = (
            selectors.update_can_post(membership=membership, partnership=partnership)
            if partnership is not None
            else selectors.partnership_post_choices(membership=membership).exists()
        )
        context.update(
            can_post=can_post,
            partnerships=list(selectors.partnership_filter_choices(membership=membership)),
            functions=list(selectors.author_function_choices(membership=membership)),
            rags=Rag.choices,
            waiting=selectors.needs_me_count(membership=membership),
            open_ask_total=selectors.ask_open_list(
                membership=membership, partnership=filters.partnership
            ).count(),
        )
        if partnership is not None:
            context["streak"] = selectors.rag_streak(membership=membership, partnership=partnership)
            context["cadence"] = selectors.update_cadence_for(partnership=partnership)
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- needs my response and open asks --------------------------------------------------------


@login_required
@workspace_view("viewer")
def update_needs_me(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    found = selectors.needs_me(membership=membership)
    now = timezone.now()
    for ask in found.asks:
        ask.age_days = selectors.ask_age_days(ask, now)  # type: ignore[attr-defined]
        ask.can_answer = membership.can_edit  # type: ignore[attr-defined]
    return render(
        request,
        "comms/update_needs_me.html",
        {"found": found, "answer_form": AnswerForm(), "window": selectors.ATTENTION_WINDOW_DAYS},
    )


@login_required
@workspace_view("viewer")
def update_open_asks(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    slug = request.GET.get("partnership", "").strip()[:60] or None
    mine = request.GET.get("mine") in {"1", "on", "true"}
    asks = selectors.ask_open_list(membership=membership, partnership=slug, mine=mine)
    page = Paginator(asks, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    now = timezone.now()
    rows = list(page)
    for ask in rows:
        ask.age_days = selectors.ask_age_days(ask, now)  # type: ignore[attr-defined]
    return render(
        request,
        "comms/update_asks.html",
        {
            "asks": rows,
            "page_obj": page,
            "query_without_page": f"{query.urlencode()}&" if query else "",
            "partnerships": list(selectors.partnership_filter_choices(membership=membership)),
            "selected": slug,
            "mine": mine,
            "filtered": bool(slug or mine),
        },
    )


# --- post and edit --------------------------------------------------------------------------


def _form_context(
    *,
    partnership: Partnership,
    form: UpdateForm,
    asks_formset: Any,
    update: StatusUpdate | None = None,
    ask_errors: list[str] | None = None,
    answered: list[Ask] | None = None,
    default: selectors.PeriodDefault | None = None,
) -> dict[str, Any]:
    return {
        "partnership": partnership,
        "form": form,
        "asks": asks_formset,
        "update": update,
        "ask_errors": ask_errors or [],
        "answered_asks": answered or [],
        "default": default,
    }


def _ask_errors(error: ValidationError) -> tuple[ValidationError | None, list[str]]:
    """Split an action's error into the form's fields and the asks' messages."""
    if not hasattr(error, "error_dict"):
        return error, []
    details = dict(error.message_dict)
    asks = details.pop("asks", [])
    return (ValidationError(details) if details else None), asks


@login_required
@workspace_view("member")
def update_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    choices = list(selectors.partnership_post_choices(membership=membership))
    slug = (request.POST.get("partnership") or request.GET.get("partnership") or "").strip()
    if not slug and len(choices) == 1:
        slug = choices[0].slug
    if not slug:
        return render(request, "comms/update_choose.html", {"choices": choices})
    partnership = partnership_get(membership=membership, slug=slug[:60])
    if not selectors.update_can_post(membership=membership, partnership=partnership):
        raise PermissionDenied(
            "Only members of this partnership, its lead, its sponsor and workspace admins can "
            "post updates to it."
        )
    default = selectors.update_period_default(partnership=partnership, today=timezone.localdate())
    no_person = selectors.acting_person(membership) is None
    if request.method != "POST":
        form = UpdateForm(
            initial={"period_start": default.start, "period_end": default.end, "rag": Rag.GREEN},
            partnership=partnership,
        )
        context = _form_context(
            partnership=partnership,
            form=form,
            asks_formset=ask_formset(partnership=partnership),
            default=default,
        )
        context["no_person"] = no_person
        return render(request, "comms/update_form.html", context)
    form = UpdateForm(request.POST, partnership=partnership)
    asks_formset = ask_formset(request.POST, partnership=partnership)
    ask_errors: list[str] = []
    if form.is_valid() and asks_formset.is_valid():
        try:
            created = actions.update_create(
                membership=membership,
                partnership=partnership,
                asks=asks_formset.drafts(),
                **form.update_fields(),
            )
        except ValidationError as error:
            rest, ask_errors = _ask_errors(error)
            if rest is not None:
                form_add_errors(form, rest)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, f"Posted the update for {partnership.name}.")
            return redirect(_detail_url(created))
    context = _form_context(
        partnership=partnership,
        form=form,
        asks_formset=asks_formset,
        ask_errors=ask_errors,
        default=default,
    )
    context["no_person"] = no_person
    return render(request, "comms/update_form.html", context, status=422)


def _edit_require(request: HttpRequest, update: StatusUpdate) -> None:
    if not selectors.update_can_edit(membership=_membership(request), update=update):
        raise PermissionDenied("Only the author of an update can change it.")


@login_required
@workspace_view("member")
def update_edit(request: HttpRequest, status_update: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.update_get(membership=membership, uuid=status_update)
    _edit_require(request, found)
    partnership = found.partnership
    asks = selectors.update_ask_list(update=found)
    answered = [a for a in asks if a.answered_at is not None]
    if request.method != "POST":
        form = UpdateForm(initial=UpdateForm.initial_for(found), partnership=partnership)
        return render(
            request,
            "comms/update_form.html",
            _form_context(
                partnership=partnership,
                form=form,
                asks_formset=ask_formset(partnership=partnership, asks=asks),
                update=found,
                answered=answered,
            ),
        )
    form = UpdateForm(request.POST, partnership=partnership)
    asks_formset = ask_formset(request.POST, partnership=partnership, asks=asks)
    ask_errors: list[str] = []
    status = 422
    if form.is_valid() and asks_formset.is_valid():
        try:
            actions.update_edit(
                membership=membership,
                update=found,
                expected_version=form.cleaned_data["expected_version"],
                asks=asks_formset.drafts(),
                **form.update_fields(),
            )
        except actions.StaleVersion:
            fresh = selectors.update_get(membership=membership, uuid=status_update)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = UpdateForm(data, partnership=partnership)
            form.is_valid()
            form.add_error(
                None,
                "Someone else saved this update while you were editing. Your changes are below "
                "and not saved yet; save again to keep them, or cancel to keep theirs.",
            )
            found, status = fresh, 409
        except ValidationError as error:
            rest, ask_errors = _ask_errors(error)
            if rest is not None:
                form_add_errors(form, rest)
        else:
            messages.success(request, "Saved the update.")
            return redirect(_detail_url(found))
    return render(
        request,
        "comms/update_form.html",
        _form_context(
            partnership=partnership,
            form=form,
            asks_formset=asks_formset,
            update=found,
            ask_errors=ask_errors,
            answered=answered,
        ),
        status=status,
    )


@login_required
@require_POST
@workspace_view("member")
def update_delete(request: HttpRequest, status_update: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.update_get(membership=membership, uuid=status_update)
    slug = found.partnership.slug
    actions.update_delete(membership=membership, update=found)
    messages.success(request, "Deleted the update.")
    return redirect(
        reverse("update_feed", args=[membership.workspace.slug]) + f"?partnership={slug}"
    )


# --- the update page ------------------------------------------------------------------------


def _ask_rows(membership: Membership, update: StatusUpdate, asks: list[Ask]) -> list[Ask]:
    represented = selectors.represented_function_ids(
        membership=membership, partnership=update.partnership
    )
    selectors.my_function_ids(membership)  # once, up front, whatever the asks
    now = timezone.now()
    for ask in asks:
        ask.update = update
        ask.for_me = selectors.ask_is_for(  # type: ignore[attr-defined]
            membership=membership, ask=ask, represented=represented
        )
        ask.can_answer = selectors.ask_can_answer(  # type: ignore[attr-defined]
            membership=membership, ask=ask, represented=represented
        )
        ask.age_days = selectors.ask_age_days(ask, now)  # type: ignore[attr-defined]
    return asks


def _read_context(request: HttpRequest, update: StatusUpdate) -> dict[str, Any]:
    membership = _membership(request)
    return {
        "update": update,
        "read_by": selectors.update_read_by(update=update),
        "can_acknowledge": selectors.update_can_acknowledge(membership=membership, update=update),
    }


def _comments_context(
    request: HttpRequest, update: StatusUpdate, comment_form: CommentForm | None = None
) -> dict[str, Any]:
    """The comments card; a reply's errors show under the comment replied to."""
    membership = _membership(request)
    reply_to = None
    if comment_form is not None and comment_form.errors and comment_form.data.get("parent"):
        reply_to = str(comment_form.data.get("parent"))
    rows = list(selectors.update_comment_list(update=update))
    return {
        "update": update,
        "comments": selectors.comment_tree(rows),
        "comment_total": len(rows),
        "comment_form": CommentForm() if reply_to else (comment_form or CommentForm()),
        "reply_form": comment_form if reply_to else None,
        "reply_to": reply_to,
        "can_comment": selectors.update_can_comment(membership=membership)
        and selectors.acting_person(membership) is not None,
    }


def _detail_context(
    request: HttpRequest, update: StatusUpdate, *, comment_form: CommentForm | None = None
) -> dict[str, Any]:
    membership = _membership(request)
    asks = _ask_rows(membership, update, selectors.update_ask_list(update=update))
    context = {
        **_read_context(request, update),
        **_comments_context(request, update, comment_form),
        "goal_lines": selectors.update_goal_lines([update]).get(update.pk, []),
        "asks": asks,
        "open_asks": [a for a in asks if a.answered_at is None],
        "answer_form": AnswerForm(),
        "can_edit": selectors.update_can_edit(membership=membership, update=update),
        "can_delete": selectors.update_can_delete(membership=membership, update=update),
        "history": list(audit_list(workspace=membership.workspace, instance=update, limit=50)),
    }
    return context


@login_required
@workspace_view("viewer")
def update_detail(request: HttpRequest, status_update: uuid.UUID) -> HttpResponse:
    found = selectors.update_get(membership=_membership(request), uuid=status_update)
    return render(request, "comms/update_detail.html", _detail_context(request, found))


@login_required
@require_POST
@workspace_view("viewer")
def update_acknowledge(request: HttpRequest, status_update: uuid.UUID) -> HttpResponse:
    """Mark the update read. With htmx, the answer is the refreshed "Read by" card."""
    membership = _membership(request)
    found = selectors.update_get(membership=membership, uuid=status_update)
    error = ""
    try:
        actions.update_acknowledge(membership=membership, update=found)
    except PermissionDenied as denied:
        error = str(denied)
    if _is_htmx(request):
        fresh = selectors.update_get(membership=membership, uuid=status_update)
        context = _read_context(request, fresh)
        context["read_error"] = error
        context["just_read"] = not error
        return render(request, "comms/update_detail.html#read_by", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Marked as read. Thanks for listening.")
    return redirect(_detail_url(found) + "#read-by")


@login_required
@require_POST
@workspace_view("member")
def update_ask_answer(request: HttpRequest, ask: uuid.UUID) -> HttpResponse:
    """Answer an ask. With htmx, the answer is the refreshed ask."""
    membership = _membership(request)
    found = selectors.ask_get(membership=membership, uuid=ask)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.ask_answer(membership=membership, ask=found, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
    htmx = _is_htmx(request)
    fresh = selectors.ask_get(membership=membership, uuid=ask)
    update = selectors.update_get(membership=membership, uuid=fresh.update.uuid)
    if htmx:
        (row,) = _ask_rows(membership, update, [fresh])
        return render(
            request,
            "comms/update_detail.html#ask",
            {
                "ask": row,
                "update": update,
                "answer_form": form if form.errors else AnswerForm(),
                "answer_errors_for": fresh.uuid if form.errors else None,
                "just_answered": not form.errors,
            },
        )
    if form.errors:
        for message in [*form.non_field_errors(), *form.errors.get("answer", [])]:
            messages.error(request, message)
    else:
        messages.success(request, "Answer sent; the author has been told.")
    target = request.POST.get("next", "")
    if target == "needs-me":
        return redirect("update_needs_me", membership.workspace.slug)
    return redirect(_detail_url(update) + f"#ask-{fresh.uuid}")


@login_required
@require_POST
@workspace_view("member")
def update_comment_add(request: HttpRequest, status_update: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.update_get(membership=membership, uuid=status_update)
    htmx = _is_htmx(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            try:
                parent = selectors.comment_get(update=found, uuid=form.cleaned_data["parent"])
            except Http404:
                form.add_error(None, "The comment you replied to is gone.")
        if not form.errors:
            try:
                comment = actions.update_comment_add(
                    membership=membership,
                    update=found,
                    body=form.cleaned_data["body"],
                    parent=parent,
                )
            except ValidationError as error:
                form_add_errors(form, error)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            else:
                if not htmx:
                    messages.success(request, "Comment posted.")
                    return redirect(_detail_url(found) + f"#comment-{comment.uuid}")
                form = CommentForm()
    if htmx:
        return render(
            request, "comms/update_detail.html#comments", _comments_context(request, found, form)
        )
    return render(
        request,
        "comms/update_detail.html",
        _detail_context(request, found, comment_form=form),
        status=422,
    )
