"""Feedback pages: the boxes (received, given, shared) with the member's own balance, give
feedback (with guidance), the feedback page with reply and acted-on, share and withdraw."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.comms import feedback_actions as actions
from accord.comms import feedback_selectors as selectors
from accord.comms.feedback_forms import FeedbackForm, ReplyForm
from accord.comms.models import Feedback
from accord.org.actions import StaleVersion
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership

PAGE_SIZE = 30


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _detail_url(feedback: Feedback) -> str:
    return reverse("feedback_detail", args=[feedback.workspace.slug, feedback.uuid])


@login_required
@workspace_view("viewer")
def feedback_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    me = selectors.acting_person(membership=membership)
    box = request.GET.get("box", "")
    if box not in selectors.BOXES:
        box = "received" if me is not None else "shared"
    search = request.GET.get("q", "").strip()[:100]
    rows = selectors.feedback_list(membership=membership, box=box, search=search)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "box": box,
        "boxes": list(selectors.BOXES.items()),
        "search": search,
        "feedback_rows": selectors.feedback_rows(membership=membership, feedback=page),
        "page_obj": page,
        "query_without_page": f"{query.urlencode()}&" if query else "",
        "me": me,
        "can_give": membership.can_edit and me is not None,
    }
    if _is_htmx(request):
        response = render(request, "comms/feedback_list.html#results", context)
    else:
        context["balance"] = (
            selectors.feedback_balance(membership=membership) if me is not None else None
        )
        response = render(request, "comms/feedback_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("member")
def feedback_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    me = selectors.acting_person(membership=membership)
    if request.method != "POST":
        initial = {"to": request.GET.get("to", "")[:60]}
        form = FeedbackForm(initial=initial, membership=membership)
        return render(request, "comms/feedback_form.html", {"form": form, "me": me})
    form = FeedbackForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            given = actions.feedback_give(membership=membership, **form.feedback_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(
                request, f"Feedback sent to {selectors.feedback_subject_label(given)}."
            )
            return redirect(_detail_url(given))
    return render(request, "comms/feedback_form.html", {"form": form, "me": me}, status=422)


def _detail_context(
    request: HttpRequest, feedback: Feedback, *, reply_form: ReplyForm | None = None
) -> dict[str, Any]:
    membership = _membership(request)
    (row,) = selectors.feedback_rows(membership=membership, feedback=[feedback])
    return {
        "feedback": row,
        "receivers": selectors.feedback_receivers(feedback),
        "reply_form": reply_form
        or ReplyForm(initial={"reply": feedback.reply, "expected_version": feedback.version}),
    }


@login_required
@workspace_view("viewer")
def feedback_detail(request: HttpRequest, feedback: uuid.UUID) -> HttpResponse:
    found = selectors.feedback_get(membership=_membership(request), uuid=feedback)
    return render(request, "comms/feedback_detail.html", _detail_context(request, found))


@login_required
@require_POST
@workspace_view("member")
def feedback_reply(request: HttpRequest, feedback: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.feedback_get(membership=membership, uuid=feedback)
    htmx = _is_htmx(request)
    form = ReplyForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            actions.feedback_reply(
                membership=membership,
                feedback=found,
                reply=form.cleaned_data["reply"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except StaleVersion:
            found = selectors.feedback_get(membership=membership, uuid=feedback)
            data = request.POST.copy()
            data["expected_version"] = str(found.version)
            form = ReplyForm(data)
            form.is_valid()
            form.add_error(
                None,
                "The feedback changed while you were writing (perhaps you replied in another "
                "tab). Your reply is below and not sent yet; send it again to keep it.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if not htmx:
                messages.success(request, "Reply sent.")
                return redirect(_detail_url(found) + "#reply")
            found = selectors.feedback_get(membership=membership, uuid=feedback)
            form = ReplyForm(initial={"reply": found.reply, "expected_version": found.version})
    if form.errors and status == 200 and not htmx:
        status = 422
    template = "comms/feedback_detail.html#reply" if htmx else "comms/feedback_detail.html"
    return render(
        request, template, _detail_context(request, found, reply_form=form), status=status
    )


@login_required
@require_POST
@workspace_view("member")
def feedback_acted_on(request: HttpRequest, feedback: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.feedback_get(membership=membership, uuid=feedback)
    acted_on = request.POST.get("acted_on") == "1"
    actions.feedback_acted_on_set(membership=membership, feedback=found, acted_on=acted_on)
    if _is_htmx(request):
        fresh = selectors.feedback_get(membership=membership, uuid=feedback)
        return render(request, "comms/feedback_detail.html#reply", _detail_context(request, fresh))
    messages.success(
        request, "Marked as acted on." if acted_on else "No longer marked as acted on."
    )
    return redirect(_detail_url(found))


@login_required
@require_POST
@workspace_view("member")
def feedback_visibility(request: HttpRequest, feedback: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.feedback_get(membership=membership, uuid=feedback)
    try:
        actions.feedback_visibility_set(
            membership=membership, feedback=found, visibility=request.POST.get("visibility", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Shared openly."
            if found.visibility == Feedback.Visibility.SHARED
            else "Private again: only you and the receiver can read it.",
        )
    return redirect(_detail_url(found))


@login_required
@require_POST
@workspace_view("member")
def feedback_delete(request: HttpRequest, feedback: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.feedback_get(membership=membership, uuid=feedback)
    actions.feedback_withdraw(membership=membership, feedback=found)
    messages.success(request, "Feedback withdrawn.")
    return redirect(reverse("feedback_list", args=[membership.workspace.slug]) + "?box=given")
