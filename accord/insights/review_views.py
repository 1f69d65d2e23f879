"""Review pages: a partnership's reviews, one review (its pack, the members' feedback, the
adjustments agreed, completing it) and the workspace's upcoming and recent reviews."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.insights import review_actions as actions
from accord.insights import review_selectors as selectors
from accord.insights.models import Review
from accord.insights.review_forms import AdjustmentForm, CompleteForm, FeedbackForm, ReviewForm
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    return partnership_get(
        membership=_membership(request),
        slug=slug,
        queryset=Partnership.objects.select_related("lead", "sponsor"),
    )


def _review(request: HttpRequest, partnership: Partnership, uuid: Any) -> Review:
    """The review, when it belongs to the partnership named in the URL (else 404)."""
    found = selectors.review_get(membership=_membership(request), uuid=uuid)
    if found.partnership_id != partnership.pk:
        raise Http404("No such review.")
    found.partnership = partnership
    return found


def review_url(review: Review) -> str:
    return reverse(
        "review_detail",
        args=[review.partnership.workspace.slug, review.partnership.slug, review.uuid],
    )


# --- a partnership's reviews ----------------------------------------------------------------


@login_required
@workspace_view("viewer")
def review_list(request: HttpRequest, partnership: str) -> HttpResponse:
    """Scheduled, prepared and completed reviews of the partnership, latest first."""
    found = _partnership(request, partnership)
    return render(
        request,
        "insights/review_list.html",
        {
            "partnership": found,
            "reviews": list(selectors.review_list(partnership=found).defer("pack")),
            "can_manage": selectors.review_can_manage(
                membership=_membership(request), partnership=found
            ),
            "form": ReviewForm(initial={"scheduled_for": timezone.localdate()}),
            "today": timezone.localdate(),
        },
    )


@login_required
@workspace_view("member")
def review_create(request: HttpRequest, partnership: str) -> HttpResponse:
    """Schedule a review by hand: rhythm, date and (optionally) the period."""
    found = _partnership(request, partnership)
    membership = _membership(request)
    if not selectors.review_can_manage(membership=membership, partnership=found):
        raise PermissionDenied(selectors.MANAGE_DENIED)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                review = actions.review_create(
                    membership=membership, partnership=found, **form.review_fields()
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, f"Scheduled “{review.title}”.")
                return redirect(review_url(review))
    return render(
        request, "insights/review_form.html", {"partnership": found, "form": form}, status=status
    )


# --- one review -----------------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    partnership: Partnership,
    review: Review,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    membership = _membership(request)
    can_manage = selectors.review_can_manage(membership=membership, partnership=partnership)
    person = selectors.review_feedback_person(membership=membership, partnership=partnership)
    feedback = list(selectors.review_feedback_list(review=review))
    own = next((f for f in feedback if person is not None and f.person_id == person.pk), None)
    if not can_manage:
        # Members see their own entry; leads and admins see everyone's.
        feedback = [own] if own is not None else []
    is_open = review.status in selectors.OPEN_STATUSES
    feedback_form = forms.get("feedback_form") or FeedbackForm(
        initial={
            "went_well": own.went_well if own else "",
            "to_improve": own.to_improve if own else "",
            "rating": own.rating if own else "",
        }
    )
    context = {
        "partnership": partnership,
        "review": review,
        "pack": review.pack or None,
        "can_manage": can_manage,
        "can_feedback": person is not None and is_open,
        "is_open": is_open,
        "feedback": feedback,
        "own_feedback": own,
        "adjustments": list(selectors.review_adjustment_list(review=review)),
        "feedback_form": feedback_form,
        "adjustment_form": forms.get("adjustment_form")
        or (AdjustmentForm(review=review) if can_manage and is_open else None),
        "complete_form": forms.get("complete_form") or CompleteForm(),
    }
    return render(request, "insights/review_detail.html", context, status=status)


@login_required
@workspace_view("viewer")
def review_detail(request: HttpRequest, partnership: str, review: Any) -> HttpResponse:
    """The review: its pack, the members' feedback, the adjustments agreed and the outcome."""
    found = _partnership(request, partnership)
    return _detail(request, found, _review(request, found, review))


@login_required
@workspace_view("member")
@require_POST
def review_generate(request: HttpRequest, partnership: str, review: Any) -> HttpResponse:
    """Gather (or gather again) the pack for the review's period."""
    found = _partnership(request, partnership)
    row = _review(request, found, review)
    try:
        actions.review_pack_generate(membership=_membership(request), review=row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The review pack is ready.")
    return redirect(review_url(row))


@login_required
@workspace_view("member")
@require_POST
def review_feedback(request: HttpRequest, partnership: str, review: Any) -> HttpResponse:
    """Record or change the member's own feedback."""
    found = _partnership(request, partnership)
    row = _review(request, found, review)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            actions.review_feedback_set(
                membership=_membership(request), review=row, **form.feedback_fields()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Thank you: your feedback is saved.")
            return redirect(review_url(row) + "#feedback")
    return _detail(request, found, row, status=422, feedback_form=form)


@login_required
@workspace_view("member")
@require_POST
def review_adjust(request: HttpRequest, partnership: str, review: Any) -> HttpResponse:
    """Record an agreed adjustment (and apply it to the goal, action or cadence)."""
    found = _partnership(request, partnership)
    row = _review(request, found, review)
    if not selectors.review_can_manage(membership=_membership(request), partnership=found):
        raise PermissionDenied(selectors.MANAGE_DENIED)
    form = AdjustmentForm(request.POST, review=row)
    if form.is_valid():
        try:
            adjustment = actions.review_adjustment_add(
                membership=_membership(request), review=row, **form.adjustment_fields()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Recorded the {adjustment.get_kind_display().lower()}.")
            return redirect(review_url(row) + "#adjustments")
    return _detail(request, found, row, status=422, adjustment_form=form)


@login_required
@workspace_view("member")
@require_POST
def review_complete(request: HttpRequest, partnership: str, review: Any) -> HttpResponse:
    """Complete the review with its summary; the cadence's next review is scheduled."""
    found = _partnership(request, partnership)
    row = _review(request, found, review)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            _done, upcoming = actions.review_complete(
                membership=_membership(request), review=row, summary=form.cleaned_data["summary"]
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            note = f" The next review is on {upcoming.scheduled_for:%-d %B %Y}." if upcoming else ""
            messages.success(request, f"Review completed.{note}")
            return redirect(review_url(row))
    return _detail(request, found, row, status=422, complete_form=form)


# --- the workspace overview -----------------------------------------------------------------


@login_required
@workspace_view("viewer")
def review_overview(request: HttpRequest) -> HttpResponse:
    """Upcoming and recent reviews across the partnerships the member can see."""
    today = timezone.localdate()
    return render(
        request,
        "insights/review_overview.html",
        {
            "overview": selectors.review_overview(membership=_membership(request), today=today),
            "today": today,
        },
    )
