"""Reads for review cycles: visibility, who may do what, lists and the workspace overview.

A review belongs to a partnership and is visible to whoever may see that partnership
(members-only partnerships hide their reviews too); anything else answers 404.

Who may do what:
- Everyone who sees the partnership reads its reviews (viewers included).
- Members of the partnership (and its lead and sponsor) give feedback, one entry each,
  which they may edit until the review is completed.
- The partnership's lead and sponsor and workspace admins schedule reviews, generate the
  pack, record adjustments and complete the review.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accord.comms.models_plan import Cadence
from accord.goals.models import Goal
from accord.goals.permissions import person_ids_of
from accord.insights.models import Review, ReviewAdjustment, ReviewFeedback
from accord.org.models import Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.partnerships.selectors import partnership_can_manage, partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

MANAGE_DENIED = "Only the partnership's lead, its sponsor and workspace admins can run its reviews."
FEEDBACK_DENIED = "Only members of this partnership, its lead and its sponsor give feedback."
REVIEW_KINDS = (Cadence.Kind.MONTHLY_REVIEW, Cadence.Kind.QBR)
RHYTHM_OF_KIND: dict[str, str] = {
    Cadence.Kind.MONTHLY_REVIEW: Review.Rhythm.MONTHLY,
    Cadence.Kind.QBR: Review.Rhythm.QUARTERLY,
}
RHYTHM_MONTHS: dict[str, int] = {Review.Rhythm.MONTHLY: 1, Review.Rhythm.QUARTERLY: 3}
OPEN_STATUSES = (Review.Status.SCHEDULED, Review.Status.PREPARED)
OVERVIEW_LIMIT = 20


# --- dates ----------------------------------------------------------------------------------


def months_shift(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        if day.day >= last or last == 28:
            try:
                return datetime.date(year, month, min(day.day, last))
            except ValueError:
                continue
    raise AssertionError("unreachable")  # pragma: no cover


def review_period_default(
    *, rhythm: str, scheduled_for: datetime.date, previous_end: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The period a review looks back on: from the day after the previous review's period
    (else one month or quarter back) up to the review's own date."""
    months = RHYTHM_MONTHS.get(rhythm, 1)
    if previous_end is not None and previous_end < scheduled_for:
        start = previous_end + datetime.timedelta(days=1)
    else:
        start = months_shift(scheduled_for, -months) + datetime.timedelta(days=1)
    return start, scheduled_for


def review_title_default(*, name: str, scheduled_for: datetime.date) -> str:
    return f"{name} · {scheduled_for:%B %Y}"


# --- visibility and permissions -------------------------------------------------------------


def review_can_manage(*, membership: Membership, partnership: Partnership) -> bool:
    """The partnership's lead and sponsor, and admins (viewers never)."""
    return membership.can_edit and partnership_can_manage(
        membership=membership, partnership=partnership
    )


def review_feedback_person(*, membership: Membership, partnership: Partnership) -> Person | None:
    """The directory entry the member gives feedback as: one of the partnership's members,
    its lead or its sponsor; None when the member is none of those (or a viewer)."""
    if not membership.can_edit:
        return None
    people = person_ids_of(membership)
    if not people:
        return None
    circle = {partnership.lead_id, partnership.sponsor_id}
    member_ids = set(
        PartnershipMember.objects.filter(partnership=partnership, person_id__in=people).values_list(
            "person_id", flat=True
        )
    )
    chosen = sorted((people & circle) | member_ids)
    if not chosen:
        return None
    return Person.objects.filter(pk=chosen[0]).first()


def review_visible(*, membership: Membership) -> QuerySet[Review]:
    """Reviews of the partnerships the member may see."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return Review.objects.filter(workspace=membership.workspace, partnership__in=visible)


def review_detail_queryset(*, membership: Membership) -> QuerySet[Review]:
    return review_visible(membership=membership).select_related(
        "workspace",
        "partnership",
        "partnership__workspace",
        "cadence",
        "meeting",
        "completed_by",
    )


def review_get(*, membership: Membership, uuid: Any) -> Review:
    """One visible review, or 404."""
    found: Review = object_get(
        review_detail_queryset(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


def _count(model: Any) -> Coalesce:
    rows = (
        model.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def review_list(*, partnership: Partnership) -> QuerySet[Review]:
    """The partnership's reviews, latest first, with feedback and adjustment counts."""
    return (
        Review.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .select_related("partnership", "cadence", "meeting")
        .annotate(feedback_count=_count(ReviewFeedback), adjustment_count=_count(ReviewAdjustment))
        .order_by("-scheduled_for", "-pk")
    )


def review_feedback_list(*, review: Review) -> QuerySet[ReviewFeedback]:
    return (
        ReviewFeedback.objects.filter(workspace=review.workspace_id, review=review)
        .select_related("person", "person__function")
        .order_by("person__name", "pk")
    )


def review_adjustment_list(*, review: Review) -> QuerySet[ReviewAdjustment]:
    return (
        ReviewAdjustment.objects.filter(workspace=review.workspace_id, review=review)
        .select_related("goal", "action", "action__owner", "cadence")
        .order_by("created_at", "pk")
    )


def review_previous(*, review: Review) -> Review | None:
    """The partnership's last completed review before this one."""
    return (
        Review.objects.filter(
            workspace=review.workspace_id,
            partnership_id=review.partnership_id,
            status=Review.Status.COMPLETED,
            scheduled_for__lte=review.scheduled_for,
        )
        .exclude(pk=review.pk)
        .order_by("-scheduled_for", "-pk")
        .first()
    )


# --- choices for the adjustment forms -------------------------------------------------------


def review_goal_choices(*, review: Review) -> QuerySet[Goal]:
    return Goal.objects.filter(
        workspace=review.workspace_id,
        partnership_id=review.partnership_id,
        status__in=(Goal.Status.ACTIVE, Goal.Status.DRAFT),
    ).order_by("title", "pk")


def review_cadence_choices(*, review: Review) -> QuerySet[Cadence]:
    return Cadence.objects.filter(
        workspace=review.workspace_id, partnership_id=review.partnership_id
    ).order_by("name", "pk")


def review_owner_choices(*, review: Review) -> QuerySet[Person]:
    """People who can own an action agreed at the review: the partnership's circle."""
    partnership = review.partnership
    return (
        Person.objects.filter(workspace=review.workspace_id)
        .filter(
            Q(pk=partnership.lead_id)
            | Q(pk=partnership.sponsor_id)
            | Q(pk__in=PartnershipMember.objects.filter(partnership=partnership).values("person"))
        )
        .order_by("name", "pk")
    )


# --- the workspace overview -----------------------------------------------------------------


@dataclass(frozen=True)
class ReviewOverview:
    upcoming: list[Review]
    recent: list[Review]


def review_overview(*, membership: Membership, today: datetime.date) -> ReviewOverview:
    """Open reviews (earliest first) and completed ones (latest first) across the visible
    partnerships, OVERVIEW_LIMIT of each, in two queries plus the visibility subquery."""
    base = review_visible(membership=membership).select_related("partnership", "meeting")
    upcoming = list(
        base.filter(status__in=OPEN_STATUSES)
        .defer("pack")
        .order_by("scheduled_for", "pk")[:OVERVIEW_LIMIT]
    )
    recent = list(
        base.filter(status=Review.Status.COMPLETED).order_by("-scheduled_for", "-pk")[
            :OVERVIEW_LIMIT
        ]
    )
    for review in upcoming:
        review.overdue = review.scheduled_for < today  # type: ignore[attr-defined]
    return ReviewOverview(upcoming=upcoming, recent=recent)
