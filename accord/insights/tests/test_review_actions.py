"""Review cycles: the daily scheduler follows the communication plan (idempotent, linked to
the cadence's meeting), leads schedule by hand, members give feedback once each, adjustments
apply through their areas' actions, and completing a review schedules the next one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.comms.meeting_actions import meeting_schedule_next
from accord.comms.models_plan import Cadence
from accord.goals.actions import goal_create
from accord.governance.models import ActionItem
from accord.insights import review_actions as actions
from accord.insights.models import Review, ReviewAdjustment, ReviewFeedback
from accord.insights.tasks_reviews import reviews_schedule
from accord.insights.tests.review_helpers import (
    TODAY,
    cadence_make,
    member_person,
    partnership_make,
    review_make,
)
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


# --- scheduling -----------------------------------------------------------------------------


def test_the_scheduler_creates_the_next_review_of_each_review_cadence_once(acme):
    partnership = partnership_make(acme)
    monthly = cadence_make(acme, partnership)
    cadence_make(acme, partnership, kind=Cadence.Kind.QBR, starts_on=datetime.date(2026, 6, 30))
    cadence_make(acme, partnership, kind=Cadence.Kind.WEEKLY_UPDATE)
    assert actions.reviews_schedule(workspace=acme.workspace, today=TODAY) == 2
    assert actions.reviews_schedule(workspace=acme.workspace, today=TODAY) == 0
    review = Review.objects.get(cadence=monthly)
    assert review.scheduled_for == datetime.date(2026, 5, 20)
    assert review.rhythm == "monthly"
    assert (review.period_start, review.period_end) == (
        datetime.date(2026, 4, 21),
        datetime.date(2026, 5, 20),
    )
    assert review.title == "Monthly review · May 2026"
    qbr = Review.objects.get(cadence__kind=Cadence.Kind.QBR)
    assert qbr.rhythm == "quarterly"
    assert qbr.period_start == datetime.date(2026, 3, 31)
    assert AuditEntry.objects.filter(object_uuid=review.uuid, action="create").exists()


def test_the_scheduler_skips_partnerships_that_are_not_active_and_inactive_cadences(acme):
    paused = partnership_make(acme, name="Paused", status="paused")
    cadence_make(acme, paused)
    active = partnership_make(acme, name="Active")
    cadence_make(acme, active, active=False)
    assert actions.reviews_schedule(workspace=acme.workspace, today=TODAY) == 0


def test_the_task_runs_for_every_workspace_and_links_the_cadence_meeting(acme, globex):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership)
    meeting, _ = meeting_schedule_next(cadence=cadence, today=TODAY)
    other = partnership_make(globex)
    cadence_make(globex, other)
    assert reviews_schedule.call(today=TODAY.isoformat()) == 2
    review = Review.objects.get(cadence=cadence)
    assert review.meeting == meeting
    assert Review.objects.get(cadence__partnership=other).workspace == globex.workspace


def test_a_meeting_created_after_the_review_is_linked_on_the_next_run(acme):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership)
    actions.reviews_schedule(workspace=acme.workspace, today=TODAY)
    assert Review.objects.get(cadence=cadence).meeting is None
    meeting, _ = meeting_schedule_next(cadence=cadence, today=TODAY)
    actions.reviews_schedule(workspace=acme.workspace, today=TODAY)
    assert Review.objects.get(cadence=cadence).meeting == meeting


def test_the_period_starts_after_the_previous_review(acme):
    partnership = partnership_make(acme)
    review_make(acme, partnership, scheduled_for=datetime.date(2026, 4, 10))
    cadence = cadence_make(acme, partnership)
    review, created = actions.review_schedule_next(cadence=cadence, today=TODAY)
    assert created
    assert review is not None
    assert review.period_start == datetime.date(2026, 4, 11)
    assert review.period_end == datetime.date(2026, 5, 20)


# --- by hand --------------------------------------------------------------------------------


def test_a_lead_schedules_a_review_by_hand_and_others_may_not(acme):
    partnership = partnership_make(acme)
    member_person(acme, partnership)
    review = review_make(acme, partnership, rhythm="quarterly")
    assert review.period_start == datetime.date(2026, 2, 14)
    assert review.title == "Quarterly review · May 2026"
    for role in ("member", "viewer"):
        with pytest.raises(PermissionDenied):
            actions.review_create(
                membership=acme.membership(role), partnership=partnership, scheduled_for=TODAY
            )


def test_review_validation_names_each_field(acme):
    partnership = partnership_make(acme)
    with pytest.raises(ValidationError) as caught:
        actions.review_create(
            membership=acme.membership("admin"),
            partnership=partnership,
            scheduled_for=None,
            rhythm="weekly",
        )
    errors = messages_of(caught.value)
    assert "review meeting" in errors["scheduled_for"]
    assert "monthly or quarterly" in errors["rhythm"]
    with pytest.raises(ValidationError) as caught:
        review_make(
            acme,
            partnership,
            period_start=datetime.date(2026, 5, 1),
            period_end=datetime.date(2026, 4, 1),
            title="x" * 201,
        )
    errors = messages_of(caught.value)
    assert "on or after" in errors["period_end"]
    assert "200" in errors["title"]


def test_a_review_can_be_cancelled_but_a_completed_one_no_longer_changes(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    actions.review_update(membership=acme.membership("admin"), review=review, status="cancelled")
    assert review.status == "cancelled"
    assert review.version == 2
    with pytest.raises(ValidationError) as caught:
        actions.review_update(
            membership=acme.membership("admin"), review=review, status="completed"
        )
    assert "cancelled" in messages_of(caught.value)["status"]
    actions.review_update(membership=acme.membership("admin"), review=review, status="scheduled")
    actions.review_complete(membership=acme.membership("admin"), review=review, summary="Done.")
    with pytest.raises(ValidationError):
        actions.review_update(membership=acme.membership("admin"), review=review, title="New")
    with pytest.raises(actions.StaleVersion):
        actions.review_update(
            membership=acme.membership("admin"),
            review=review_make(acme, partnership),
            expected_version=7,
            title="Changed",
        )


# --- pack -----------------------------------------------------------------------------------


def test_generating_the_pack_freezes_it_and_is_allowed_until_completion(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    actions.review_pack_generate(membership=acme.membership("admin"), review=review, today=TODAY)
    review.refresh_from_db()
    assert review.status == "prepared"
    assert review.pack["partnership"]["name"] == "Quote to cash"
    first = review.pack_generated_at
    actions.review_pack_generate(membership=acme.membership("admin"), review=review, today=TODAY)
    assert review.pack_generated_at >= first
    with pytest.raises(PermissionDenied):
        actions.review_pack_generate(membership=acme.membership("viewer"), review=review)
    actions.review_complete(membership=acme.membership("admin"), review=review, summary="Ok.")
    with pytest.raises(ValidationError):
        actions.review_pack_generate(membership=acme.membership("admin"), review=review)


# --- feedback -------------------------------------------------------------------------------


def test_each_member_gives_one_feedback_and_edits_their_own(acme):
    partnership = partnership_make(acme)
    person = member_person(acme, partnership)
    review = review_make(acme, partnership)
    member = acme.membership("member")
    first = actions.review_feedback_set(
        membership=member, review=review, went_well="Clear numbers.", rating=4
    )
    again = actions.review_feedback_set(
        membership=member, review=review, to_improve="Start on time.", rating=None
    )
    assert first.pk == again.pk
    row = ReviewFeedback.objects.get(review=review)
    assert row.person == person
    assert (row.went_well, row.to_improve, row.rating) == ("", "Start on time.", None)


def test_feedback_needs_a_partnership_member_and_sensible_input(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    with pytest.raises(PermissionDenied):
        actions.review_feedback_set(
            membership=acme.membership("member"), review=review, went_well="x"
        )
    member_person(acme, partnership, role="viewer")
    with pytest.raises(PermissionDenied):
        actions.review_feedback_set(
            membership=acme.membership("viewer"), review=review, went_well="x"
        )
    member_person(acme, partnership)
    with pytest.raises(ValidationError) as caught:
        actions.review_feedback_set(membership=acme.membership("member"), review=review, rating=9)
    assert "1 (poor) to 5" in messages_of(caught.value)["rating"]
    with pytest.raises(ValidationError) as caught:
        actions.review_feedback_set(membership=acme.membership("member"), review=review)
    assert "went well" in messages_of(caught.value)["went_well"]


# --- adjustments ----------------------------------------------------------------------------


def test_a_new_action_adjustment_creates_an_action_sourced_to_the_review(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    adjustment = actions.review_adjustment_add(
        membership=acme.membership("admin"),
        review=review,
        kind="new_action",
        description="Chase the three oldest disputes.",
        action_title="Chase oldest disputes",
        action_owner=acme.bob,
        action_due_date=datetime.date(2026, 5, 30),
    )
    action = ActionItem.objects.get(pk=adjustment.action_id)
    assert (action.source_type, action.source_uuid) == ("review", review.uuid)
    assert action.partnership == partnership
    assert action.owner == acme.bob


def test_a_goal_change_applies_the_new_target_through_the_goals_actions(acme):
    partnership = partnership_make(acme)
    goal = goal_create(
        membership=acme.membership("admin"),
        title="Cut DSO",
        partnership=partnership,
        owner=acme.alice,
        metric_name="DSO",
        unit="days",
        baseline=60,
        target=45,
        direction="decrease",
        start_date=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 12, 31),
    )
    review = review_make(acme, partnership)
    adjustment = actions.review_adjustment_add(
        membership=acme.membership("admin"),
        review=review,
        kind="goal_change",
        description="Stretch the DSO target.",
        goal=goal,
        goal_target=40.0,
    )
    goal.refresh_from_db()
    assert goal.target == 40.0
    assert adjustment.goal == goal
    assert "target → 40.0" in adjustment.description


def test_a_cadence_change_goes_through_the_plan_actions(acme):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership, kind=Cadence.Kind.WEEKLY_UPDATE)
    review = review_make(acme, partnership)
    actions.review_adjustment_add(
        membership=acme.membership("admin"),
        review=review,
        kind="cadence_change",
        description="Updates every two weeks.",
        cadence=cadence,
        cadence_interval=2,
        today=TODAY,
    )
    cadence.refresh_from_db()
    assert cadence.interval == 2


def test_adjustment_validation_names_each_field_and_checks_the_partnership(acme):
    partnership = partnership_make(acme)
    other = partnership_make(acme, name="Other")
    foreign = cadence_make(acme, other)
    review = review_make(acme, partnership)
    admin = acme.membership("admin")
    with pytest.raises(ValidationError) as caught:
        actions.review_adjustment_add(
            membership=admin, review=review, kind="goal_change", description=""
        )
    errors = messages_of(caught.value)
    assert "goal" in errors
    assert "description" in errors
    with pytest.raises(ValidationError) as caught:
        actions.review_adjustment_add(
            membership=admin, review=review, kind="cadence_change", description="x", cadence=foreign
        )
    errors = messages_of(caught.value)
    assert "this partnership" in errors["cadence"]
    assert "interval" in errors["cadence_interval"]
    with pytest.raises(ValidationError) as caught:
        actions.review_adjustment_add(membership=admin, review=review, kind="nope", description="x")
    assert "kind" in messages_of(caught.value)
    with pytest.raises(PermissionDenied):
        actions.review_adjustment_add(
            membership=acme.membership("member"), review=review, kind="other", description="x"
        )
    assert not ReviewAdjustment.objects.exists()


# --- completing -----------------------------------------------------------------------------


def test_completing_a_review_records_the_summary_and_schedules_the_next(acme):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership)
    review, _ = actions.review_schedule_next(cadence=cadence, today=TODAY)
    assert review is not None
    done, upcoming = actions.review_complete(
        membership=acme.membership("admin"),
        review=review,
        summary="DSO is moving; keep the dispute triage.",
        today=datetime.date(2026, 5, 20),
    )
    assert done.status == "completed"
    assert done.pack
    assert done.completed_by == acme.admin
    assert upcoming is not None
    assert upcoming.scheduled_for == datetime.date(2026, 6, 20)
    assert upcoming.period_start == datetime.date(2026, 5, 21)
    # The scheduler sees the new one and creates nothing more.
    assert actions.reviews_schedule(workspace=acme.workspace, today=datetime.date(2026, 5, 21)) == 0
    with pytest.raises(ValidationError) as caught:
        actions.review_complete(membership=acme.membership("admin"), review=done, summary="x")
    assert "completed" in messages_of(caught.value)["status"]
    with pytest.raises(ValidationError) as caught:
        actions.review_complete(membership=acme.membership("admin"), review=upcoming, summary=" ")
    assert "Sum up" in messages_of(caught.value)["summary"]
