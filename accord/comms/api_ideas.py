"""Ideas over the API, with the pages' rules.

Ideas of partnerships you cannot see answer 404. The partnership's people propose; members
who can see an idea vote and comment; the author and the partnership's lead and sponsor (and
admins) edit it; the lead, sponsor and admins move it through the stages. On ideas with
anonymous voting `voters` is always null: only `vote_count` is given.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, PatchSchema, Ref, UUIDPath, paginate
from accord.comms import idea_actions as actions
from accord.comms import idea_selectors as selectors
from accord.comms.api_feedback import FeedbackPartnershipRef, PersonRef
from accord.comms.models import Idea, IdeaComment
from accord.goals.models import Goal
from accord.org.models import Function, Person
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    StageChoice = str
    StageFilter = str
    SortChoice = str
else:
    StageChoice = Literal[tuple(Idea.Stage.values)]
    StageFilter = Literal[(*Idea.Stage.values, "open")]
    SortChoice = Literal[tuple(selectors.SORTS)]

router = Router(tags=["Ideas"])

STAGE_HELP = "proposed → discussing → experiment → adopted, or parked (and back to discussing)."


# --- shapes ---------------------------------------------------------------------------------


class GoalRef(Schema):
    id: UUID
    title: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class IdeaOut(Schema):
    id: UUID
    partnership: FeedbackPartnershipRef
    author: PersonRef
    title: str
    problem: str
    proposal: str
    expected_impact: str
    functions: list[Ref] = Field(description="Functions involved.")
    crosses_functions: bool = Field(
        description="Involves a function other than the author's (crosses a function line)."
    )
    stage: StageChoice = Field(description=STAGE_HELP)
    experiment: str
    outcome: str
    goal: GoalRef | None = Field(description="The goal an adopted idea became or supports.")
    anonymous_voting: bool
    vote_count: int
    voted: bool = Field(description="You voted for it.")
    voters: list[Ref] | None = Field(description="Who voted; always null on anonymous ideas.")
    comment_count: int
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_functions(obj: Any) -> list[Any]:
        return list(obj.functions.all())

    @staticmethod
    def resolve_crosses_functions(obj: Any) -> bool:
        return selectors.idea_crosses(obj)

    @staticmethod
    def resolve_voters(obj: Any) -> list[Any] | None:
        return selectors.idea_voters(obj)

    @staticmethod
    def resolve_vote_count(obj: Any) -> int:
        return int(getattr(obj, "vote_count", 0) or 0)

    @staticmethod
    def resolve_comment_count(obj: Any) -> int:
        return int(getattr(obj, "comment_count", 0) or 0)

    @staticmethod
    def resolve_voted(obj: Any) -> bool:
        return bool(getattr(obj, "voted", False))


class IdeaIn(Schema):
    partnership: str = Field(description="Slug of a partnership you belong to.")
    title: str = Field(max_length=200)
    problem: str = Field(max_length=5000)
    proposal: str = Field(max_length=5000)
    expected_impact: str = Field("", max_length=5000)
    functions: list[UUID] = Field(default_factory=list, description="Ids of functions involved.")
    anonymous_voting: bool = Field(False, description="Only the vote count is ever shown.")


class IdeaUpdate(PatchSchema):
    title: str | None = Field(None, max_length=200)
    problem: str | None = Field(None, max_length=5000)
    proposal: str | None = Field(None, max_length=5000)
    expected_impact: str | None = Field(None, max_length=5000)
    functions: list[UUID] | None = None
    anonymous_voting: bool | None = Field(
        None, description="Cannot be turned off once someone has voted anonymously."
    )
    version: int | None = Field(None, description="The version you read: 409 if it changed.")


class NewGoalIn(Schema):
    title: str = Field("", max_length=300, description="Defaults to the idea's title.")
    owner: UUID = Field(description="Id of the person who owns the goal.")
    due_date: date | None = None


class StageIn(Schema):
    """Move the idea (or keep its stage and update the experiment or outcome)."""

    stage: StageChoice = Field(description=STAGE_HELP)
    experiment: str | None = Field(None, max_length=5000, description="Needed for experiment.")
    outcome: str | None = Field(None, max_length=5000, description="Needed for adopted/parked.")
    goal: UUID | None = Field(None, description="On adoption: a goal of the partnership.")
    new_goal: NewGoalIn | None = Field(
        None, description="On adoption: create an objective in the partnership."
    )
    version: int | None = Field(None, description="The version you read: 409 if it changed.")


class VoteIn(Schema):
    voted: bool = Field(True, description="True to vote, false to take the vote back.")


class VoteOut(Schema):
    voted: bool
    vote_count: int


class IdeaFilterParams(Schema):
    partnership: str | None = Field(None, description="Partnership slug.")
    stage: StageFilter | None = Field(None, description="A stage, or `open` (not adopted/parked).")
    function: UUID | None = Field(None, description="Id of a function involved.")
    q: str = Field("", description="Search in the title, problem and proposal.")
    sort: SortChoice = Field("votes", description="votes (most first) or newest.")


class OriginOut(Schema):
    label: str
    ideas: int
    crossing: int


class OriginsOut(Schema):
    """Where ideas come from, by the author's function and seniority."""

    total: int
    crossing: int = Field(description="Ideas involving a function other than the author's.")
    by_function: list[OriginOut]
    by_seniority: list[OriginOut]


class IdeaCommentIn(Schema):
    body: str = Field(max_length=3000)


class IdeaCommentOut(Schema):
    id: UUID
    author: PersonRef
    body: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


# --- helpers --------------------------------------------------------------------------------


def _get(membership: Membership, idea_id: str) -> Idea:
    return selectors.idea_get(membership=membership, uuid=idea_id)


def _answer(membership: Membership, idea: Idea, response: HttpResponse) -> Idea:
    fresh = _get(membership, str(idea.uuid))
    etag_set(response, fresh.version)
    return fresh


def _functions(membership: Membership, ids: list[UUID]) -> list[Function]:
    found = list(Function.objects.filter(workspace=membership.workspace, uuid__in=ids))
    missing = {str(i) for i in ids} - {str(f.uuid) for f in found}
    if missing:
        raise ValidationError(
            {"functions": f"No function with id {sorted(missing)[0]} in this workspace."}
        )
    return found


def _filters(filters: IdeaFilterParams) -> selectors.IdeaFilters:
    return selectors.IdeaFilters(
        partnership=filters.partnership or None,
        stage=filters.stage,
        sort=filters.sort,
        search=filters.q.strip(),
        function=str(filters.function) if filters.function else None,
    )


# --- ideas ----------------------------------------------------------------------------------


@router.get("/ideas", response=Page[IdeaOut])
def list_ideas(
    request: HttpRequest, filters: Query[IdeaFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """List the ideas you can see, most votes (or newest) first."""
    rows = selectors.idea_list(membership=membership_of(request), filters=_filters(filters))
    return paginate(request, rows, page)


@router.post("/ideas", response={201: IdeaOut})
def propose_idea(request: HttpRequest, payload: IdeaIn, response: HttpResponse) -> Any:
    """Propose an idea in a partnership you belong to. Its lead is notified."""
    membership = role_require(request, "member")
    try:
        partnership = partnership_get(membership=membership, slug=payload.partnership)
    except Http404:
        raise ValidationError(
            {"partnership": f"No partnership “{payload.partnership}” you can see."}
        ) from None
    created = actions.idea_propose(
        membership=membership,
        partnership=partnership,
        title=payload.title,
        problem=payload.problem,
        proposal=payload.proposal,
        expected_impact=payload.expected_impact,
        functions=_functions(membership, payload.functions),
        anonymous_voting=payload.anonymous_voting,
    )
    idea = _answer(membership, created, response)
    response["Location"] = reverse("api:get_idea", args=[idea.uuid])
    return Status(201, idea)


@router.get("/ideas/origins", response=OriginsOut)
def idea_origins(request: HttpRequest, filters: Query[IdeaFilterParams]) -> Any:
    """Where the (filtered) ideas come from, and how many cross a function line."""
    rows = selectors.idea_list(membership=membership_of(request), filters=_filters(filters))
    origins = selectors.idea_origins(ideas=rows)
    return {
        "total": origins.total,
        "crossing": origins.crossing,
        "by_function": origins.by_function,
        "by_seniority": origins.by_seniority,
    }


@router.get("/ideas/{idea_id}", response=IdeaOut)
def get_idea(request: HttpRequest, idea_id: UUIDPath, response: HttpResponse) -> Idea:
    """One idea. The ETag header carries its version."""
    idea = _get(membership_of(request), idea_id)
    etag_set(response, idea.version)
    return idea


@router.patch("/ideas/{idea_id}", response=IdeaOut)
def update_idea(
    request: HttpRequest, idea_id: UUIDPath, payload: IdeaUpdate, response: HttpResponse
) -> Idea:
    """Edit an idea's text, functions or anonymous voting. Needs its author or a manager."""
    membership = role_require(request, "member")
    idea = _get(membership, idea_id)
    if_match_check(request, idea.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, idea.version)
    functions = changes.pop("functions", None)
    actions.idea_update(
        membership=membership,
        idea=idea,
        expected_version=expected,
        functions=_functions(membership, functions) if functions is not None else None,
        **changes,
    )
    return _answer(membership, idea, response)


@router.delete("/ideas/{idea_id}", response={204: None})
def delete_idea(request: HttpRequest, idea_id: UUIDPath) -> Status[None]:
    """Delete an idea: its author while nobody voted or commented, or a manager."""
    membership = role_require(request, "member")
    idea = _get(membership, idea_id)
    if_match_check(request, idea.version)
    actions.idea_delete(membership=membership, idea=idea)
    return Status(204, None)


@router.post("/ideas/{idea_id}/stage", response=IdeaOut)
def move_idea(
    request: HttpRequest, idea_id: UUIDPath, payload: StageIn, response: HttpResponse
) -> Idea:
    """Move an idea to another stage. Needs the partnership's lead or sponsor, or an admin.

    experiment needs `experiment`; adopted and parked need `outcome`. On adoption, link
    `goal` or create one with `new_goal`. The author, voters and commenters are notified.
    """
    membership = role_require(request, "member")
    idea = _get(membership, idea_id)
    goal = None
    if payload.goal is not None:
        try:
            goal = object_get(Goal, workspace=membership.workspace, uuid=payload.goal)
        except Http404:
            raise ValidationError({"goal": f"No goal with id {payload.goal} here."}) from None
    new_goal = None
    if payload.new_goal is not None:
        try:
            owner = object_get(Person, workspace=membership.workspace, uuid=payload.new_goal.owner)
        except Http404:
            raise ValidationError(
                {"new_goal.owner": f"No person with id {payload.new_goal.owner} here."}
            ) from None
        new_goal = {
            "title": payload.new_goal.title,
            "owner": owner,
            "due_date": payload.new_goal.due_date,
        }
    actions.idea_stage_move(
        membership=membership,
        idea=idea,
        stage=payload.stage,
        experiment=payload.experiment,
        outcome=payload.outcome,
        goal=goal,
        new_goal=new_goal,
        expected_version=payload.version,
    )
    return _answer(membership, idea, response)


@router.put("/ideas/{idea_id}/vote", response=VoteOut)
def vote_on_idea(request: HttpRequest, idea_id: UUIDPath, payload: VoteIn) -> Any:
    """Vote for an idea (`voted: false` takes the vote back). Idempotent. Not its author."""
    membership = role_require(request, "member")
    idea = _get(membership, idea_id)
    actions.idea_vote_set(membership=membership, idea=idea, voted=payload.voted)
    fresh = _get(membership, idea_id)
    return {"voted": bool(fresh.voted), "vote_count": fresh.vote_count}  # type: ignore[attr-defined]


@router.get("/ideas/{idea_id}/comments", response=Page[IdeaCommentOut])
def list_idea_comments(
    request: HttpRequest, idea_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """The idea's comments, oldest first."""
    idea = _get(membership_of(request), idea_id)
    return paginate(request, selectors.idea_comment_list(idea=idea), page)


@router.post("/ideas/{idea_id}/comments", response={201: IdeaCommentOut})
def add_idea_comment(
    request: HttpRequest, idea_id: UUIDPath, payload: IdeaCommentIn
) -> Status[IdeaComment]:
    """Comment on an idea you can see. Needs member and a person. The author is notified."""
    membership = role_require(request, "member")
    idea = _get(membership, idea_id)
    comment = actions.idea_comment_add(membership=membership, idea=idea, body=payload.body)
    fresh = selectors.idea_comment_list(idea=idea).get(pk=comment.pk)
    return Status(201, fresh)
