"""Reviews over the API: a partnership's review cycle, one review with its feedback and
adjustments, generating and reading the frozen pack, giving feedback, recording adjustments
and completing a review. Same permissions as the pages: whoever sees the partnership reads
its reviews (members see their own feedback, leads everyone's); members of the partnership
give feedback; its lead and sponsor and workspace admins run the review."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, PatchSchema, UUIDPath, paginate
from accord.comms.models_plan import Cadence
from accord.goals.models import Goal
from accord.insights import review_actions as actions
from accord.insights import review_selectors as selectors
from accord.insights.models import Review, ReviewAdjustment, ReviewFeedback
from accord.org.models import Person
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    Rhythm = str
    Status_ = str
    Kind = str
    Unit = str
else:
    Rhythm = Literal[tuple(Review.Rhythm.values)]
    Status_ = Literal[tuple(Review.Status.values)]
    Kind = Literal[tuple(ReviewAdjustment.Kind.values)]
    Unit = Literal[tuple(Cadence.Unit.values)]

router = Router(tags=["Reviews"])


# --- shapes ---------------------------------------------------------------------------------


class ReviewLink(Schema):
    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class TitleLink(Schema):
    id: UUID
    title: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ReviewPartnershipLink(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ReviewOut(Schema):
    id: UUID
    partnership: ReviewPartnershipLink
    title: str
    rhythm: Rhythm
    period_start: date
    period_end: date
    scheduled_for: date
    status: Status_
    cadence: ReviewLink | None = Field(description="The plan's review cadence that scheduled it.")
    meeting: TitleLink | None = Field(description="The meeting of that cadence occurrence.")
    has_pack: bool
    pack_generated_at: datetime | None
    summary: str
    completed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_has_pack(obj: Any) -> bool:
        return obj.pack_generated_at is not None


class ReviewFeedbackOut(Schema):
    id: UUID
    person: ReviewLink
    rating: int | None = Field(description="1–5, optional.")
    went_well: str
    to_improve: str
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class AdjustmentOut(Schema):
    id: UUID
    kind: Kind
    description: str
    goal: TitleLink | None
    action: TitleLink | None = Field(description="The action item it created.")
    cadence: ReviewLink | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ReviewDetailOut(ReviewOut):
    feedback: list[ReviewFeedbackOut] = Field(
        description="Everyone's for the partnership's leads and admins; otherwise your own."
    )
    adjustments: list[AdjustmentOut]

    @staticmethod
    def resolve_feedback(obj: Any) -> list[ReviewFeedback]:
        return obj.feedback_rows  # type: ignore[no-any-return]

    @staticmethod
    def resolve_adjustments(obj: Any) -> list[ReviewAdjustment]:
        return obj.adjustment_rows  # type: ignore[no-any-return]


class ReviewIn(Schema):
    scheduled_for: date = Field(description="The date of the review meeting.")
    rhythm: Rhythm = "monthly"
    period_start: date | None = Field(
        None, description="Empty: the day after the previous review's period."
    )
    period_end: date | None = Field(None, description="Empty: the review date.")
    title: str = Field("", max_length=200, description="Empty: “Monthly review · May 2026”.")


class ReviewPatch(PatchSchema):
    title: str | None = Field(None, max_length=200)
    rhythm: Rhythm | None = None
    period_start: date | None = None
    period_end: date | None = None
    scheduled_for: date | None = None
    status: Literal["scheduled", "cancelled"] | None = Field(
        None, description="Cancel an open review, or reopen a cancelled one."
    )
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class ReviewFeedbackIn(Schema):
    went_well: str = Field("", max_length=4000)
    to_improve: str = Field("", max_length=4000)
    rating: int | None = Field(None, description="1–5, optional.")


class AdjustmentIn(Schema):
    kind: Kind
    description: str = Field("", max_length=4000)
    goal: UUID | None = Field(None, description="goal_change: one of the partnership's goals.")
    goal_target: float | None = Field(None, description="goal_change: apply a new target.")
    goal_due_date: date | None = Field(None, description="goal_change: apply a new due date.")
    action_title: str = Field("", max_length=300, description="new_action: the action.")
    action_owner: UUID | None = Field(None, description="new_action: a person id.")
    action_due_date: date | None = None
    cadence: UUID | None = Field(None, description="cadence_change: one of the plan's cadences.")
    cadence_interval: int | None = Field(None, ge=1, le=52)
    cadence_unit: Unit | None = None


class CompleteIn(Schema):
    summary: str = Field(max_length=10000)


class CompleteOut(Schema):
    review: ReviewOut
    next_review: ReviewOut | None = Field(description="The cadence's next review, scheduled.")


# --- helpers --------------------------------------------------------------------------------


def _review(membership: Membership, review_id: str) -> Review:
    return selectors.review_get(membership=membership, uuid=review_id)


def _detail(membership: Membership, review: Review) -> Review:
    feedback = list(selectors.review_feedback_list(review=review))
    if not selectors.review_can_manage(membership=membership, partnership=review.partnership):
        person = selectors.review_feedback_person(
            membership=membership, partnership=review.partnership
        )
        feedback = [f for f in feedback if person is not None and f.person_id == person.pk]
    review.feedback_rows = feedback  # type: ignore[attr-defined]
    review.adjustment_rows = list(selectors.review_adjustment_list(review=review))  # type: ignore[attr-defined]
    return review


def _detail_out(membership: Membership, review: Review, response: HttpResponse) -> Review:
    found = _detail(membership, review)
    etag_set(response, found.version)
    return found


def _references(review: Review, payload: AdjustmentIn) -> dict[str, Any]:
    """Swap ids for rows of this review's partnership, naming every unknown one."""
    fields = payload.model_dump()
    errors: dict[str, list[str]] = {}
    sources: dict[str, Any] = {
        "goal": Goal.objects.filter(partnership_id=review.partnership_id),
        "action_owner": Person.objects.all(),
        "cadence": Cadence.objects.filter(partnership_id=review.partnership_id),
    }
    for name, rows in sources.items():
        value = fields.get(name)
        if value is None:
            continue
        try:
            fields[name] = object_get(rows, workspace=review.workspace, uuid=value)
        except Http404:
            where = "workspace" if name == "action_owner" else "partnership"
            errors[name] = [f"No {name.replace('_', ' ')} with id {value} in this {where}."]
    if errors:
        raise ValidationError(errors)
    return fields


# --- the review cycle -----------------------------------------------------------------------


@router.get("/partnerships/{slug}/reviews", response=Page[ReviewOut])
def list_reviews(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """The partnership's reviews, latest first."""
    partnership = partnership_get(membership=membership_of(request), slug=slug)
    return paginate(request, selectors.review_list(partnership=partnership).defer("pack"), page)


@router.post("/partnerships/{slug}/reviews", response={201: ReviewOut})
def create_review(
    request: HttpRequest, slug: str, payload: ReviewIn, response: HttpResponse
) -> Status[Review]:
    """Schedule a review by hand. Needs the partnership's lead or sponsor, or an admin."""
    membership = role_require(request, "member")
    partnership = partnership_get(membership=membership, slug=slug)
    review = actions.review_create(
        membership=membership, partnership=partnership, **payload.model_dump()
    )
    etag_set(response, review.version)
    response["Location"] = reverse("api:get_review", args=[review.uuid])
    return Status(201, review)


@router.get("/reviews/{review_id}", response=ReviewDetailOut)
def get_review(request: HttpRequest, review_id: UUIDPath, response: HttpResponse) -> Review:
    """One review with its feedback and adjustments. The ETag header carries its version."""
    membership = membership_of(request)
    return _detail_out(membership, _review(membership, review_id), response)


@router.patch("/reviews/{review_id}", response=ReviewDetailOut)
def update_review(
    request: HttpRequest, review_id: UUIDPath, payload: ReviewPatch, response: HttpResponse
) -> Review:
    """Change a review's title, rhythm, period or date, or cancel it. Guard with If-Match
    (412) or a body `version` (409)."""
    membership = role_require(request, "member")
    review = _review(membership, review_id)
    if_match_check(request, review.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, review.version)
    actions.review_update(
        membership=membership, review=review, expected_version=expected, **changes
    )
    return _detail_out(membership, review, response)


# --- the pack -------------------------------------------------------------------------------


@router.post("/reviews/{review_id}/pack", response=ReviewOut)
def generate_review_pack(
    request: HttpRequest, review_id: UUIDPath, response: HttpResponse
) -> Review:
    """Gather the pack for the review's period and freeze it (again, until completed)."""
    membership = role_require(request, "member")
    review = _review(membership, review_id)
    actions.review_pack_generate(membership=membership, review=review)
    etag_set(response, review.version)
    return review


@router.get("/reviews/{review_id}/pack", response=dict[str, Any])
def get_review_pack(request: HttpRequest, review_id: UUIDPath) -> dict[str, Any]:
    """The frozen pack as JSON (shape: accord/insights/pack_types.py ReviewPack; see
    docs/reviews.md). 404 until it has been generated."""
    review = _review(membership_of(request), review_id)
    if not review.pack:
        raise Http404("This review's pack has not been generated yet.")
    return dict(review.pack)


# --- the meeting ----------------------------------------------------------------------------


@router.post("/reviews/{review_id}/feedback", response=ReviewFeedbackOut)
def give_review_feedback(
    request: HttpRequest, review_id: UUIDPath, payload: ReviewFeedbackIn
) -> ReviewFeedback:
    """Record or change your own feedback (members of the partnership, its lead, sponsor)."""
    membership = role_require(request, "member")
    review = _review(membership, review_id)
    feedback = actions.review_feedback_set(
        membership=membership, review=review, **payload.model_dump()
    )
    return ReviewFeedback.objects.select_related("person").get(pk=feedback.pk)


@router.post("/reviews/{review_id}/adjustments", response={201: AdjustmentOut})
def add_review_adjustment(
    request: HttpRequest, review_id: UUIDPath, payload: AdjustmentIn
) -> Status[ReviewAdjustment]:
    """Record an adjustment agreed at the review; a goal change may apply a new target or due
    date, a new action creates the action item, a cadence change applies the new rhythm."""
    membership = role_require(request, "member")
    review = _review(membership, review_id)
    if not selectors.review_can_manage(membership=membership, partnership=review.partnership):
        raise PermissionDenied(selectors.MANAGE_DENIED)
    adjustment = actions.review_adjustment_add(
        membership=membership, review=review, **_references(review, payload)
    )
    return Status(201, adjustment)


@router.post("/reviews/{review_id}/complete", response=CompleteOut)
def complete_review(
    request: HttpRequest, review_id: UUIDPath, payload: CompleteIn, response: HttpResponse
) -> dict[str, Any]:
    """Complete the review with its summary; the cadence's next review is scheduled."""
    membership = role_require(request, "member")
    review = _review(membership, review_id)
    done, upcoming = actions.review_complete(
        membership=membership, review=review, summary=payload.summary
    )
    etag_set(response, done.version)
    return {"review": done, "next_review": upcoming}
