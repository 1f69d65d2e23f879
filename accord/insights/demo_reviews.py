"""The demo's review cycle: two completed monthly reviews of the recovering partnership
"faster-order-to-cash", each held at one of its "Monthly cash review" meetings (45 and 17
days ago), with a frozen pack, feedback from its members, the adjustments agreed — and the
next review scheduled from its communication plan.

Runs after the health and playbook demos, so the packs carry the health history and the
accepted plays. The packs are built for backdated periods by the same builder the product
uses; the records (feedback, adjustments, actions) are written directly, as the other demo
builders do, because nobody signs in while the demo is built.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accord.comms.models_meetings import Meeting
from accord.comms.models_plan import Cadence
from accord.goals.models import Goal
from accord.governance.models import ActionItem
from accord.insights.models import Review, ReviewAdjustment, ReviewFeedback
from accord.insights.review_actions import review_schedule_next
from accord.insights.review_pack import review_pack_build
from accord.insights.review_selectors import review_period_default, review_title_default
from accord.org.models import Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.workspaces.models import Workspace

PARTNERSHIP = "faster-order-to-cash"


@dataclass(frozen=True)
class DemoFeedback:
    rating: int | None
    went_well: str
    to_improve: str


@dataclass(frozen=True)
class DemoReview:
    days_ago: int
    summary: str
    feedback: tuple[DemoFeedback, ...]
    # (kind, description, action title or "", action due in days from the review)
    adjustments: tuple[tuple[str, str, str, int], ...]


REVIEWS = (
    DemoReview(
        days_ago=45,
        summary="DSO is at 47 days, four above target, and disputes still take two weeks to "
        "close. Health is low but the causes are known: invoices go out late on drop-ship "
        "orders and credit checks wait on approvals. We test invoicing on shipment and map "
        "the credit-check steps before the next review.",
        feedback=(
            DemoFeedback(3, "The DSO trend and the dispute reasons side by side.", ""),
            DemoFeedback(
                2,
                "",
                "Customer Success barely spoke; the agenda ran out before disputes.",
            ),
            DemoFeedback(None, "Clear owner for the invoicing test.", "Start with disputes."),
        ),
        adjustments=(
            (
                ReviewAdjustment.Kind.NEW_ACTION,
                "Map the credit-check steps and where approvals wait.",
                "Map the credit-check approval steps",
                14,
            ),
            (
                ReviewAdjustment.Kind.GOAL_CHANGE,
                "Keep the DSO target, but review progress monthly instead of quarterly.",
                "",
                0,
            ),
            (
                ReviewAdjustment.Kind.OTHER,
                "Disputes open the agenda; each function speaks to them first.",
                "",
                0,
            ),
        ),
    ),
    DemoReview(
        days_ago=17,
        summary="DSO is down to 43 days and the health index is recovering. The credit-check "
        "map shows two days lost waiting for approvals; we propose auto-approval limits for "
        "repeat customers. Customer Success led the disputes item this time.",
        feedback=(
            DemoFeedback(4, "Disputes first worked: every function spoke.", ""),
            DemoFeedback(
                4, "Seeing the plays we accepted and what moved.", "Send the pack a day earlier."
            ),
            DemoFeedback(5, "The credit-check map.", ""),
        ),
        adjustments=(
            (
                ReviewAdjustment.Kind.NEW_ACTION,
                "Draft auto-approval limits for repeat customers with Finance.",
                "Draft auto-approval limits for repeat customers",
                21,
            ),
            (
                ReviewAdjustment.Kind.OTHER,
                "The pack goes out two days before the review.",
                "",
                0,
            ),
        ),
    ),
)


def _moment(day: datetime.date, hour: int = 16) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def demo_reviews_build(workspace: Workspace, *, today: datetime.date) -> dict[str, Any]:
    """Write the two completed reviews and schedule the next one; returns what was made."""
    partnership = (
        Partnership.objects.select_related("lead", "sponsor")
        .filter(workspace=workspace, slug=PARTNERSHIP)
        .first()
    )
    if partnership is None:
        return {"reviews": 0}
    cadence = (
        Cadence.objects.filter(
            workspace=workspace, partnership=partnership, kind=Cadence.Kind.MONTHLY_REVIEW
        )
        .select_related("workspace", "partnership")
        .order_by("pk")
        .first()
    )
    people = list(
        Person.objects.filter(
            pk__in=PartnershipMember.objects.filter(partnership=partnership).values("person")
        ).order_by("name", "pk")
    )
    lead_user = partnership.lead.user if partnership.lead else None
    goal = (
        Goal.objects.filter(workspace=workspace, partnership=partnership)
        .order_by("due_date", "pk")
        .first()
    )
    made: list[Review] = []
    previous_end: datetime.date | None = None
    for spec in REVIEWS:
        day = today - datetime.timedelta(days=spec.days_ago)
        start, end = review_period_default(
            rhythm=Review.Rhythm.MONTHLY, scheduled_for=day, previous_end=previous_end
        )
        previous_end = end
        meeting = (
            Meeting.objects.filter(
                workspace=workspace,
                partnership=partnership,
                cadence=cadence,
                starts_at__date=day,
            ).first()
            if cadence is not None
            else None
        )
        review = Review.objects.create(
            workspace=workspace,
            partnership=partnership,
            cadence=cadence,
            meeting=meeting,
            title=review_title_default(
                name=cadence.name if cadence else "Monthly review", scheduled_for=day
            ),
            rhythm=Review.Rhythm.MONTHLY,
            period_start=start,
            period_end=end,
            scheduled_for=day,
        )
        for feedback, person in zip(spec.feedback, people, strict=False):
            ReviewFeedback.objects.create(
                workspace=workspace,
                review=review,
                person=person,
                rating=feedback.rating,
                went_well=feedback.went_well,
                to_improve=feedback.to_improve,
            )
        review.pack = dict(review_pack_build(review=review, today=today))
        review.pack_generated_at = _moment(day - datetime.timedelta(days=1), 9)
        for kind, description, action_title, due_in in spec.adjustments:
            action = None
            if kind == ReviewAdjustment.Kind.NEW_ACTION:
                owner = partnership.lead or (people[0] if people else None)
                due = day + datetime.timedelta(days=due_in)
                done = due < today  # the older review's action was done before its due date
                action = ActionItem.objects.create(
                    workspace=workspace,
                    partnership=partnership,
                    title=action_title,
                    description=description,
                    owner=owner,
                    due_date=due,
                    status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
                    completed_at=_moment(due - datetime.timedelta(days=1)) if done else None,
                    source_type="review",
                    source_uuid=review.uuid,
                )
            ReviewAdjustment.objects.create(
                workspace=workspace,
                review=review,
                kind=kind,
                description=description,
                goal=goal if kind == ReviewAdjustment.Kind.GOAL_CHANGE else None,
                action=action,
            )
        review.status = Review.Status.COMPLETED
        review.summary = spec.summary
        review.completed_at = _moment(day)
        review.completed_by = lead_user
        review.save()
        made.append(review)
    upcoming = None
    if cadence is not None:
        upcoming, _new = review_schedule_next(
            cadence=cadence, today=today, after=made[-1].scheduled_for
        )
    return {"reviews": len(made), "next": upcoming}
