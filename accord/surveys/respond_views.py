"""Answering pages: the public page behind a one-time link (no sign-in, works for people
without an account) and the in-app page for signed-in members (the server finds their
invitation; no token needed).

Nothing here logs or echoes what someone answered once it is stored.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accord.surveys import cycle_selectors
from accord.surveys.models import Invitation
from accord.surveys.respond_actions import (
    AlreadyAnswered,
    AnswerProblem,
    AnswersInvalid,
    SurveyNotOpen,
    cycle_open_require,
    invitation_by_token,
    respondent_targets,
    response_submit,
)
from accord.surveys.respond_forms import answers_from_post, form_problems, questions_build
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the URL: keep it out of other sites' referrers and search engines.
    (same-origin, not no-referrer: the latter makes browsers send `Origin: null` with the
    form, which the CSRF check rightly refuses.)"""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _questions_context(
    invitation: Invitation, data: Any = None, problems: list[AnswerProblem] | None = None
) -> dict[str, Any]:
    cycle = invitation.cycle
    items = cycle_selectors.cycle_items(cycle=cycle)
    targets = respondent_targets(
        cycle=cycle,
        functions=cycle_selectors.cycle_target_functions(cycle=cycle),
        own_function_id=invitation.function_id,
    )
    problems = problems or []
    return {
        "cycle": cycle,
        "instrument": cycle.version.instrument,
        "version": cycle.version,
        "invitation": invitation,
        "questions": questions_build(items=items, targets=targets, data=data, problems=problems),
        "targets": targets,
        "problems": form_problems(problems),
        "problem_count": len(problems),
        "any_required": any(item.required for item in items),
    }


def _submit(request: HttpRequest, invitation: Invitation) -> tuple[str, dict[str, Any], int]:
    """Handle a POST: ("done", …) when stored, else the state and context to render."""
    cycle = invitation.cycle
    items = cycle_selectors.cycle_items(cycle=cycle)
    targets = respondent_targets(
        cycle=cycle,
        functions=cycle_selectors.cycle_target_functions(cycle=cycle),
        own_function_id=invitation.function_id,
    )
    answers = answers_from_post(items=items, targets=targets, data=request.POST)
    try:
        response_submit(invitation=invitation, answers=answers)
    except AlreadyAnswered as refused:
        return "answered", {"cycle": cycle, "message": refused.message}, 409
    except SurveyNotOpen as refused:
        return "not_open", {"cycle": cycle, "message": refused.message}, 409
    except AnswersInvalid as invalid:
        context = _questions_context(invitation, request.POST, invalid.problems)
        return "form", context, 422
    return "done", {}, 200


def _state(invitation: Invitation) -> tuple[str, dict[str, Any]]:
    """What a GET shows: the form, or why there is none."""
    cycle = invitation.cycle
    if invitation.responded:
        return "answered", {
            "cycle": cycle,
            "message": "You have already answered this survey — thank you.",
        }
    try:
        cycle_open_require(cycle)
    except SurveyNotOpen as refused:
        return "not_open", {"cycle": cycle, "message": refused.message}
    return "form", _questions_context(invitation)


# --- public, by one-time link ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_public_respond(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    if invitation is None:
        return _private(
            render(request, "surveys/respond_public.html", {"state": "unknown"}, status=404)
        )
    if request.method == "POST":
        state, context, status = _submit(request, invitation)
        if state == "done":
            return redirect("survey_public_thanks")
    else:
        (state, context), status = _state(invitation), 200
    context.update({"state": state, "public": True, "workspace_name": invitation.workspace.name})
    return _private(render(request, "surveys/respond_public.html", context, status=status))


@never_cache
def survey_public_thanks(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "surveys/respond_public.html", {"state": "thanks"}))


# --- in the app, signed in ------------------------------------------------------------------


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view("viewer")
def survey_respond(request: HttpRequest, cycle: uuid.UUID) -> HttpResponse:
    """Answer an open survey one is invited to, signed in: any role may answer."""
    membership = _membership(request)
    found = cycle_selectors.cycle_get(membership=membership, uuid=cycle)
    invitation = cycle_selectors.my_invitation_for(membership=membership, cycle=found)
    if invitation is None:
        context: dict[str, Any] = {
            "cycle": found,
            "state": "not_invited",
            "message": "You are not invited to this survey, so there is nothing to answer.",
        }
        return render(request, "surveys/respond.html", context, status=403)
    invitation.cycle = found
    if request.method == "POST":
        state, context, status = _submit(request, invitation)
        if state == "done":
            messages.success(
                request,
                f"Thank you — your answers to “{found.title}” are saved, anonymously.",
            )
            return redirect("survey_home", membership.workspace.slug)
    else:
        (state, context), status = _state(invitation), 200
    context.update({"state": state, "cycle": found})
    return render(request, "surveys/respond.html", context, status=status)
