"""Playbook pages: a partnership's recommended plays (accept, snooze, dismiss, reopen, and the
follow-up of accepted ones) and the workspace catalogue of every play and its rules."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.insights import playbook_actions as actions
from accord.insights import playbook_selectors as selectors
from accord.insights.models import Recommendation
from accord.insights.playbook_forms import AcceptForm, DismissForm, ReopenForm, SnoozeForm
from accord.metrics.playbook import PLAYS_BY_KEY
from accord.org.actions import StaleVersion
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.web.forms import form_add_errors
from accord.workspaces.access import object_get, workspace_view
from accord.workspaces.models import Membership

DECISIONS = {
    "accept": AcceptForm,
    "snooze": SnoozeForm,
    "dismiss": DismissForm,
    "reopen": ReopenForm,
}
STALE = (
    "Someone else decided about this play while you were on the page; here is where it stands now."
)


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _page_url(partnership: Partnership, anchor: str = "") -> str:
    url = reverse("playbook_partnership", args=[partnership.workspace.slug, partnership.slug])
    return f"{url}#{anchor}" if anchor else url


def _context(
    request: HttpRequest,
    partnership: Partnership,
    bound: tuple[Recommendation, str, Any] | None = None,
) -> dict[str, Any]:
    membership = _membership(request)
    today = timezone.localdate()
    page = selectors.partnership_playbook(
        membership=membership, partnership=partnership, today=today
    )
    owners = list(selectors.recommendation_owner_choices(partnership=partnership))
    for rec in [*page.open, *page.snoozed, *page.dismissed]:
        forms: dict[str, Any] = {}
        if page.can_act:
            if rec.status in (Recommendation.Status.OPEN, Recommendation.Status.SNOOZED):
                forms["accept"] = AcceptForm(recommendation=rec, owners=owners)
                forms["snooze"] = SnoozeForm(recommendation=rec)
                forms["dismiss"] = DismissForm(recommendation=rec)
            if rec.status in (Recommendation.Status.SNOOZED, Recommendation.Status.DISMISSED):
                forms["reopen"] = ReopenForm(recommendation=rec)
            if bound is not None and bound[0].pk == rec.pk:
                forms[bound[1]] = bound[2]
        rec.forms = forms  # type: ignore[attr-defined]
        rec.open_form = bound[1] if bound is not None and bound[0].pk == rec.pk else ""  # type: ignore[attr-defined]
    for followup in page.accepted:
        for item in followup.actions:
            item.url = reverse(  # type: ignore[attr-defined]
                "action_detail", args=[partnership.workspace.slug, item.uuid]
            )
    return {
        "partnership": partnership,
        "page": page,
        "today": today,
        "actions_url": reverse("action_list", args=[partnership.workspace.slug])
        + f"?partnership={partnership.slug}&linked=other",
    }


@login_required
@workspace_view("viewer")
def playbook_partnership(request: HttpRequest, partnership: str) -> HttpResponse:
    found = partnership_get(membership=_membership(request), slug=partnership)
    return render(request, "insights/playbook_partnership.html", _context(request, found))


@login_required
@require_POST
@workspace_view("member")
def recommendation_decide(
    request: HttpRequest, partnership: str, recommendation: uuid.UUID, decision: str
) -> HttpResponse:
    membership = _membership(request)
    found = partnership_get(membership=membership, slug=partnership)
    if decision not in DECISIONS:
        raise Http404("No such decision.")
    rec = object_get(
        selectors.recommendation_visible(membership=membership).filter(partnership=found),
        workspace=membership.workspace,
        uuid=recommendation,
    )
    if not selectors.recommendation_can_act(membership=membership, partnership=found):
        raise PermissionDenied(
            "Only the partnership's lead and workspace admins and owners can decide about "
            "its recommendations."
        )
    form = DECISIONS[decision](request.POST, recommendation=rec)
    status = 422
    if form.is_valid():
        expected = form.cleaned_data.get("version")
        data = form.cleaned_data
        try:
            message = _apply(membership, rec, decision, form, data, expected)
        except StaleVersion:
            messages.error(request, STALE)
            return redirect(_page_url(found, f"play-{rec.play_key}"))
        except ValidationError as error:
            if "status" in getattr(error, "error_dict", {}):
                messages.error(request, " ".join(error.messages))
                return redirect(_page_url(found, f"play-{rec.play_key}"))
            form_add_errors(form, error)
        else:
            messages.success(request, message)
            anchor = "accepted" if decision == "accept" else f"play-{rec.play_key}"
            return redirect(_page_url(found, anchor))
    return render(
        request,
        "insights/playbook_partnership.html",
        _context(request, found, bound=(rec, decision, form)),
        status=status,
    )


def _apply(
    membership: Membership,
    rec: Recommendation,
    decision: str,
    form: Any,
    data: dict[str, Any],
    expected: int | None,
) -> str:
    title = PLAYS_BY_KEY[rec.play_key].title
    if decision == "accept":
        created = actions.recommendation_accept(
            membership=membership,
            recommendation=rec,
            owner=data["owner"],
            due_date=data.get("due_date"),
            steps=form.chosen_steps(),
            expected_version=expected,
        )
        count = len(created)
        noun = "action item" if count == 1 else "action items"
        return f"Accepted “{title}”: {count} {noun} created."
    if decision == "snooze":
        actions.recommendation_snooze(
            membership=membership,
            recommendation=rec,
            until=data["until"],
            reason=data.get("reason", ""),
            expected_version=expected,
        )
        return f"Snoozed “{title}” until {data['until']:%-d %b %Y}."
    if decision == "dismiss":
        actions.recommendation_dismiss(
            membership=membership,
            recommendation=rec,
            reason=data["reason"],
            expected_version=expected,
        )
        return f"Dismissed “{title}”."
    actions.recommendation_reopen(
        membership=membership, recommendation=rec, expected_version=expected
    )
    return f"Reopened “{title}”."


@login_required
@workspace_view("viewer")
def playbook_catalog(request: HttpRequest) -> HttpResponse:
    entries = selectors.playbook_catalog(membership=_membership(request))
    open_count = sum(len(entry.open) for entry in entries)
    return render(
        request,
        "insights/playbook_catalog.html",
        {"entries": entries, "open_count": open_count},
    )
