"""Writes for review cycles: scheduling reviews from the communication plan (daily, and by
hand), freezing the pack, member feedback, agreed adjustments and completing a review.

Each write that a person makes takes their membership and refuses what they may not do
(PermissionDenied): the partnership's lead and sponsor and workspace admins run reviews;
members of the partnership give feedback. The daily scheduler acts as the system.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accord.comms.meeting_selectors import cadence_next_occurrence, cadence_scheduled_meeting
from accord.comms.models_plan import Cadence
from accord.goals.models import Goal
from accord.governance.models import ActionItem
from accord.insights import review_selectors as selectors
from accord.insights.models import Review, ReviewAdjustment, ReviewFeedback
from accord.insights.review_pack import review_pack_build
from accord.org.actions import StaleVersion
from accord.org.models import Person
from accord.partnerships.models import Lifecycle, Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

REVIEW_FIELDS = ["title", "rhythm", "period_start", "period_end", "scheduled_for", "status"]
FEEDBACK_FIELDS = ["rating", "went_well", "to_improve"]
ADJUSTMENT_FIELDS = ["kind", "description", "goal", "action", "cadence"]
TITLE_MAX = 200
TEXT_MAX = 4000
SUMMARY_MAX = 10000
MAX_PERIOD_DAYS = 400
# What a PATCH may set the status to: cancel an open review, or reopen a cancelled one.
SETTABLE_STATUSES = (Review.Status.SCHEDULED, Review.Status.CANCELLED)

__all__ = ["StaleVersion"]


def _manage_require(membership: Membership, partnership: Partnership) -> None:
    if not selectors.review_can_manage(membership=membership, partnership=partnership):
        raise PermissionDenied(selectors.MANAGE_DENIED)


def _open_require(review: Review, doing: str) -> None:
    if review.status in (Review.Status.COMPLETED, Review.Status.CANCELLED):
        raise ValidationError(
            {"status": f"This review is {review.get_status_display().lower()}; {doing}."}
        )


def _version_claim(review: Review, expected: int | None) -> None:
    """Take the next version, or fail if someone saved in between (or `expected` is old)."""
    if expected is not None and expected != review.version:
        raise StaleVersion(review.version)
    updated = Review.objects.filter(pk=review.pk, version=review.version).update(
        version=F("version") + 1
    )
    if not updated:
        raise StaleVersion(Review.objects.get(pk=review.pk).version)
    review.version += 1


def _audit(membership: Membership | None, action: str, instance: Any, changes: Any) -> None:
    audit_record(
        workspace=instance.workspace,
        actor=membership.user if membership is not None else None,
        action=action,
        instance=instance,
        changes=changes,
    )


def _review_snapshot(review: Review) -> dict[str, Any]:
    values = snapshot(review, REVIEW_FIELDS)
    for name in ("period_start", "period_end", "scheduled_for"):
        if isinstance(values.get(name), datetime.date):
            values[name] = values[name].isoformat()
    return values


def _review_validate(review: Review) -> None:
    errors: dict[str, str] = {}
    review.title = (review.title or "").strip()
    if not review.title:
        errors["title"] = "Give the review a title, e.g. “Monthly review · March 2026”."
    elif len(review.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters or fewer."
    if review.rhythm not in Review.Rhythm.values:
        errors["rhythm"] = "Choose monthly or quarterly."
    if review.period_start is None:
        errors["period_start"] = "Give the first day of the period the review looks back on."
    if review.period_end is None:
        errors["period_end"] = "Give the last day of the period the review looks back on."
    if review.scheduled_for is None:
        errors["scheduled_for"] = "Give the date the review meeting takes place."
    if review.period_start and review.period_end:
        if review.period_end < review.period_start:
            errors["period_end"] = "The period must end on or after its first day."
        elif (review.period_end - review.period_start).days > MAX_PERIOD_DAYS:
            errors["period_end"] = f"A review covers at most {MAX_PERIOD_DAYS} days."
    if (
        review.scheduled_for
        and review.period_start
        and "period_end" not in errors
        and review.scheduled_for < review.period_start
    ):
        errors["scheduled_for"] = "The review takes place after its period has started."
    if errors:
        raise ValidationError(errors)


# --- scheduling -----------------------------------------------------------------------------


def _previous_end(
    partnership: Partnership, rhythm: str, before: datetime.date
) -> datetime.date | None:
    """Where the partnership's previous review of the same rhythm stopped looking."""
    found = (
        Review.objects.filter(partnership=partnership, rhythm=rhythm, scheduled_for__lt=before)
        .exclude(status=Review.Status.CANCELLED)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    return found


def review_create(
    *,
    membership: Membership,
    partnership: Partnership,
    scheduled_for: datetime.date | None,
    rhythm: str = Review.Rhythm.MONTHLY,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    title: str = "",
    cadence: Cadence | None = None,
) -> Review:
    """Schedule a review by hand. Without a period, it looks back from the day after the
    previous review's period (else one month or quarter) up to its date."""
    _manage_require(membership, partnership)
    if cadence is not None and (
        cadence.partnership_id != partnership.pk or cadence.kind not in selectors.REVIEW_KINDS
    ):
        raise ValidationError({"cadence": "Choose one of this partnership's review cadences."})
    errors: dict[str, str] = {}
    if scheduled_for is None:
        errors["scheduled_for"] = "Give the date the review meeting takes place."
    if rhythm not in Review.Rhythm.values:
        errors["rhythm"] = "Choose monthly or quarterly."
    if errors:
        raise ValidationError(errors)
    assert scheduled_for is not None
    start, end = selectors.review_period_default(
        rhythm=rhythm,
        scheduled_for=scheduled_for,
        previous_end=_previous_end(partnership, rhythm, scheduled_for),
    )
    review = Review(
        workspace=partnership.workspace,
        partnership=partnership,
        cadence=cadence,
        title=title
        or selectors.review_title_default(
            name=f"{Review.Rhythm(rhythm).label} review", scheduled_for=scheduled_for
        ),
        rhythm=rhythm,
        period_start=period_start or start,
        period_end=period_end or end,
        scheduled_for=scheduled_for,
    )
    _review_validate(review)
    with transaction.atomic():
        review.save()
        _audit(membership, "create", review, diff({}, _review_snapshot(review)))
    return review


def review_update(
    *,
    membership: Membership,
    review: Review,
    expected_version: int | None = None,
    **changes: Any,
) -> Review:
    """Change a review's title, rhythm, period or date, or cancel (status "cancelled") or
    reopen (status "scheduled") it. A completed review no longer changes."""
    _manage_require(membership, review.partnership)
    unknown = set(changes) - set(REVIEW_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    if review.status == Review.Status.COMPLETED:
        raise ValidationError({"status": "This review is completed; it no longer changes."})
    if "status" in changes and changes["status"] not in SETTABLE_STATUSES:
        raise ValidationError(
            {
                "status": "Set the status to “cancelled” or back to “scheduled”; the pack and "
                "the completion have their own steps."
            }
        )
    before = _review_snapshot(review)
    for name, value in changes.items():
        setattr(review, name, value)
    if changes.get("status") == Review.Status.SCHEDULED and review.pack:
        review.status = Review.Status.PREPARED
    _review_validate(review)
    changed = diff(before, _review_snapshot(review))
    if not changed and expected_version in (None, review.version):
        return review
    with transaction.atomic():
        _version_claim(review, expected_version)
        review.save(update_fields=[*REVIEW_FIELDS, "updated_at"])
        _audit(membership, "update", review, changed)
    return review


def review_schedule_next(
    *, cadence: Cadence, today: datetime.date, after: datetime.date | None = None
) -> tuple[Review | None, bool]:
    """Make sure the cadence's next review exists; returns (review, created).

    The next review falls on the cadence's next occurrence (from `after` + 1 day when given,
    else from today). Idempotent: a review of the cadence still open, or one on or after
    that day in any status (a cancelled one is not recreated), counts as already there. The
    meeting created for that occurrence, when there is one, is linked."""
    if cadence.kind not in selectors.REVIEW_KINDS:
        return None, False
    start_from = today if after is None else max(today, after + datetime.timedelta(days=1))
    day = cadence_next_occurrence(cadence=cadence, today=start_from)
    rhythm = selectors.RHYTHM_OF_KIND[cadence.kind]
    with transaction.atomic():
        # Lock the cadence so two workers cannot both create the same review.
        Cadence.objects.select_for_update().filter(pk=cadence.pk).first()
        existing = (
            Review.objects.filter(workspace=cadence.workspace_id, cadence=cadence)
            .filter(Q(status__in=selectors.OPEN_STATUSES) | Q(scheduled_for__gte=day))
            .order_by("scheduled_for", "pk")
            .first()
        )
        if existing is not None:
            if existing.meeting_id is None and existing.status in selectors.OPEN_STATUSES:
                meeting = cadence_scheduled_meeting(
                    cadence=cadence, day=existing.scheduled_for, today=today
                )
                if meeting is not None:
                    existing.meeting = meeting
                    existing.save(update_fields=["meeting", "updated_at"])
            return existing, False
        partnership = cadence.partnership
        period_start, period_end = selectors.review_period_default(
            rhythm=rhythm, scheduled_for=day, previous_end=_previous_end(partnership, rhythm, day)
        )
        review = Review(
            workspace=cadence.workspace,
            partnership=partnership,
            cadence=cadence,
            meeting=cadence_scheduled_meeting(cadence=cadence, day=day, today=today),
            title=selectors.review_title_default(name=cadence.name, scheduled_for=day)[:TITLE_MAX],
            rhythm=rhythm,
            period_start=period_start,
            period_end=period_end,
            scheduled_for=day,
        )
        review.save()
        _audit(None, "create", review, diff({}, _review_snapshot(review)))
    return review, True


def reviews_schedule(*, workspace: Workspace, today: datetime.date) -> int:
    """The next review of every active monthly-review or QBR cadence of the workspace's
    active partnerships, where it does not exist yet; returns how many were created."""
    cadences = (
        Cadence.objects.filter(
            workspace=workspace,
            kind__in=selectors.REVIEW_KINDS,
            active=True,
            partnership__status=Lifecycle.ACTIVE,
        )
        .select_related("workspace", "partnership")
        .order_by("pk")
    )
    created = 0
    for cadence in cadences:
        _review, new = review_schedule_next(cadence=cadence, today=today)
        created += int(new)
    return created


# --- the pack -------------------------------------------------------------------------------


def review_pack_generate(
    *, membership: Membership, review: Review, today: datetime.date | None = None
) -> Review:
    """Gather the pack for the review's period and freeze it into the review (status "pack
    ready"). Generating again replaces it, until the review is completed."""
    _manage_require(membership, review.partnership)
    _open_require(review, "its pack stays as the meeting saw it")
    pack = review_pack_build(review=review, today=today or timezone.localdate())
    with transaction.atomic():
        _version_claim(review, None)
        review.pack = dict(pack)
        review.pack_generated_at = timezone.now()
        before = review.status
        review.status = Review.Status.PREPARED
        review.save(update_fields=["pack", "pack_generated_at", "status", "updated_at"])
        _audit(
            membership,
            "update",
            review,
            {"pack": [None, "generated"], "status": [before, review.status]},
        )
    return review


# --- feedback -------------------------------------------------------------------------------


def review_feedback_set(
    *,
    membership: Membership,
    review: Review,
    went_well: str = "",
    to_improve: str = "",
    rating: int | None = None,
) -> ReviewFeedback:
    """Record (or change) the member's own feedback: what went well, what to improve and an
    optional rating from 1 to 5. One entry per member and review."""
    person = selectors.review_feedback_person(membership=membership, partnership=review.partnership)
    if person is None:
        raise PermissionDenied(selectors.FEEDBACK_DENIED)
    _open_require(review, "feedback is closed")
    errors: dict[str, str] = {}
    went_well, to_improve = (went_well or "").strip(), (to_improve or "").strip()
    if rating is not None and not 1 <= rating <= 5:
        errors["rating"] = "Rate from 1 (poor) to 5 (excellent), or leave it empty."
    if not went_well and not to_improve and rating is None:
        errors["went_well"] = "Say what went well or what to improve (or give a rating)."
    for name, text in (("went_well", went_well), ("to_improve", to_improve)):
        if len(text) > TEXT_MAX:
            errors[name] = f"Keep it to {TEXT_MAX} characters or fewer."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        feedback = (
            ReviewFeedback.objects.select_for_update().filter(review=review, person=person).first()
        )
        before: dict[str, Any] = {}
        if feedback is None:
            feedback = ReviewFeedback(workspace=review.workspace, review=review, person=person)
        else:
            before = snapshot(feedback, FEEDBACK_FIELDS)
            feedback.version += 1
        feedback.went_well, feedback.to_improve, feedback.rating = went_well, to_improve, rating
        feedback.save()
        _audit(
            membership,
            "update" if before else "create",
            feedback,
            diff(before, snapshot(feedback, FEEDBACK_FIELDS)),
        )
    return feedback


# --- adjustments ----------------------------------------------------------------------------


def review_adjustment_add(
    *,
    membership: Membership,
    review: Review,
    kind: str,
    description: str,
    goal: Goal | None = None,
    goal_target: float | None = None,
    goal_due_date: datetime.date | None = None,
    action_title: str = "",
    action_owner: Person | None = None,
    action_due_date: datetime.date | None = None,
    cadence: Cadence | None = None,
    cadence_interval: int | None = None,
    cadence_unit: str | None = None,
    today: datetime.date | None = None,
) -> ReviewAdjustment:
    """Record a change agreed at the review and, where it has one, apply it through its
    area's own action: a goal's new target or due date (goals), a new action item
    (governance, sourced to this review), a cadence's new rhythm (communication plan)."""
    from accord.comms import plan_actions
    from accord.goals import actions as goal_actions
    from accord.governance.action_actions import action_create

    _manage_require(membership, review.partnership)
    _open_require(review, "adjustments are closed")
    description = (description or "").strip()
    errors: dict[str, str] = {}
    if kind not in ReviewAdjustment.Kind.values:
        errors["kind"] = "Choose a goal change, a new action, a cadence change or other."
    if len(description) > TEXT_MAX:
        errors["description"] = f"Keep the description to {TEXT_MAX} characters or fewer."
    if kind == ReviewAdjustment.Kind.GOAL_CHANGE:
        if goal is None:
            errors["goal"] = "Choose the goal that changes."
        elif goal.partnership_id != review.partnership_id:
            errors["goal"] = "Choose one of this partnership's goals."
    if kind == ReviewAdjustment.Kind.NEW_ACTION:
        action_title = (action_title or "").strip()
        if not action_title and not description:
            errors["action_title"] = "Say what the new action is."
        if action_owner is not None and action_owner.workspace_id != review.workspace_id:
            errors["action_owner"] = "Choose someone from this workspace."
    if kind == ReviewAdjustment.Kind.CADENCE_CHANGE:
        if cadence is None:
            errors["cadence"] = "Choose the cadence that changes."
        elif cadence.partnership_id != review.partnership_id:
            errors["cadence"] = "Choose one of this partnership's cadences."
        if cadence_interval is None and not cadence_unit:
            errors["cadence_interval"] = "Give the new interval (and unit) of the cadence."
    if not description and kind != ReviewAdjustment.Kind.NEW_ACTION:
        errors["description"] = "Describe what was agreed."
    if errors:
        raise ValidationError(errors)
    action: ActionItem | None = None
    with transaction.atomic():
        if kind == ReviewAdjustment.Kind.GOAL_CHANGE:
            assert goal is not None
            goal_changes: dict[str, Any] = {}
            if goal_target is not None:
                goal_changes["target"] = goal_target
            if goal_due_date is not None:
                goal_changes["due_date"] = goal_due_date
            if goal_changes:
                goal_actions.goal_update(membership=membership, goal=goal, **goal_changes)
                applied = ", ".join(
                    f"{name.replace('_', ' ')} → {value}" for name, value in goal_changes.items()
                )
                description = f"{description} ({applied})" if description else applied
        elif kind == ReviewAdjustment.Kind.NEW_ACTION:
            action = action_create(
                membership=membership,
                title=action_title or description[:300],
                owner=action_owner,
                description=description,
                due_date=action_due_date,
                partnership=review.partnership,
                source_type="review",
                source_uuid=review.uuid,
            )
            description = description or action.title
        elif kind == ReviewAdjustment.Kind.CADENCE_CHANGE:
            assert cadence is not None
            cadence_changes: dict[str, Any] = {}
            if cadence_interval is not None:
                cadence_changes["interval"] = cadence_interval
            if cadence_unit:
                cadence_changes["unit"] = cadence_unit
            plan_actions.cadence_update(
                membership=membership, cadence=cadence, today=today, **cadence_changes
            )
        adjustment = ReviewAdjustment(
            workspace=review.workspace,
            review=review,
            kind=kind,
            description=description,
            goal=goal if kind == ReviewAdjustment.Kind.GOAL_CHANGE else None,
            action=action,
            cadence=cadence if kind == ReviewAdjustment.Kind.CADENCE_CHANGE else None,
        )
        adjustment.save()
        _audit(membership, "create", adjustment, diff({}, snapshot(adjustment, ADJUSTMENT_FIELDS)))
    return adjustment


# --- completing -----------------------------------------------------------------------------


def review_complete(
    *,
    membership: Membership,
    review: Review,
    summary: str,
    today: datetime.date | None = None,
) -> tuple[Review, Review | None]:
    """Close the review with its summary and schedule the cadence's next review; returns
    (the review, the next one or None when the review has no cadence). Without a pack, one
    is generated first so the report always has something to show."""
    _manage_require(membership, review.partnership)
    _open_require(review, "it cannot be completed again")
    today = today or timezone.localdate()
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Sum up what the review concluded."})
    if len(summary) > SUMMARY_MAX:
        raise ValidationError({"summary": f"Keep the summary to {SUMMARY_MAX} characters."})
    with transaction.atomic():
        if not review.pack:
            review_pack_generate(membership=membership, review=review, today=today)
        _version_claim(review, None)
        before = review.status
        review.status = Review.Status.COMPLETED
        review.summary = summary
        review.completed_at = timezone.now()
        review.completed_by = membership.user
        review.save(
            update_fields=["status", "summary", "completed_at", "completed_by", "updated_at"]
        )
        _audit(membership, "update", review, {"status": [before, review.status]})
        upcoming: Review | None = None
        cadence = review.cadence
        if cadence is not None and cadence.active:
            upcoming, _new = review_schedule_next(
                cadence=cadence, today=today, after=review.scheduled_for
            )
    return review, upcoming
