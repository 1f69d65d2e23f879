"""Status updates over the API: the same visibility and permissions as the pages.

Updates of partnerships you cannot see answer 404. Every role reads; the partnership's members,
lead, sponsor and admins post; the author edits; the author and admins delete; the people an
ask is addressed to answer it; members comment; anyone with a directory person acknowledges.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import AuditEntryOut, Page, PageParams, PatchSchema, UUIDPath, paginate
from accord.comms import update_actions as actions
from accord.comms import update_selectors as selectors
from accord.comms.models_updates import Ask, Rag, StatusUpdate, UpdateComment
from accord.goals.models import Goal
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

if TYPE_CHECKING:
    RagValue = str
    AskState = str
else:
    RagValue = Literal[tuple(Rag.values)]
    AskState = Literal["open", "answered", "all"]

router = Router(tags=["Status updates"])

RAG_HELP = "green (on track), amber (at risk) or red (off track; needs blockers)."


# --- shapes ---------------------------------------------------------------------------------


class UpdateLink(Schema):
    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class UpdatePartnershipLink(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class GoalLink(Schema):
    id: UUID
    title: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class AuthorOut(Schema):
    id: UUID
    name: str
    function: str | None

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_function(obj: Any) -> str | None:
        return obj.function.name if obj.function_id else None


class AskOut(Schema):
    id: UUID
    update_id: UUID
    text: str
    to_person: UpdateLink | None = Field(description="Set when the ask is for one person.")
    to_function: UpdateLink | None = Field(
        description="Set when the ask is for anyone in a function."
    )
    state: str = Field(description="open or answered")
    answer: str
    answered_at: datetime | None
    answered_by: UpdateLink | None
    age_days: int = Field(description="Days since the ask was made.")
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_update_id(obj: Any) -> Any:
        return obj.update.uuid

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return "answered" if obj.answered_at else "open"

    @staticmethod
    def resolve_age_days(obj: Any) -> int:
        return selectors.ask_age_days(obj)


class CadenceLink(Schema):
    id: UUID
    name: str
    kind: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class UpdateOut(Schema):
    id: UUID
    partnership: UpdatePartnershipLink
    author: AuthorOut
    cadence: CadenceLink | None = Field(description="The update cadence it counts towards.")
    period_start: date
    period_end: date
    rag: RagValue = Field(description=RAG_HELP)
    progress: str
    next_steps: str
    blockers: str
    goals: list[GoalLink]
    posted_at: datetime
    ask_count: int
    open_ask_count: int
    comment_count: int
    read_count: int = Field(description="Members of the partnership who acknowledged it.")
    reader_total: int = Field(description="Members of the partnership, the author aside.")
    read_by_me: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_goals(obj: Any) -> list[Any]:
        return list(obj.goals.all())


class UpdateCheckInOut(Schema):
    value: float
    date: date
    confidence: str
    note: str


class GoalLineOut(Schema):
    id: UUID
    title: str
    unit: str
    target: float | None
    latest_checkin: UpdateCheckInOut | None = Field(
        description="The latest check-in dated on or before the end of the update's period."
    )
    progress: float | None = Field(description="Share of the way to the target, 0–1.")

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.goal.uuid

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.goal.title)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.goal.unit)

    @staticmethod
    def resolve_target(obj: Any) -> float | None:
        return obj.goal.target  # type: ignore[no-any-return]

    @staticmethod
    def resolve_latest_checkin(obj: Any) -> dict[str, Any] | None:
        if obj.date is None:
            return None
        return {
            "value": obj.value,
            "date": obj.date,
            "confidence": obj.confidence,
            "note": obj.note,
        }


class FunctionReadsOut(Schema):
    function: str
    read: int
    total: int


class ReaderOut(Schema):
    person: UpdateLink
    at: datetime
    function: str
    member: bool = Field(description="Whether the reader is a member of the partnership.")


class ReadByOut(Schema):
    read: int
    total: int
    summary: str = Field(examples=["Read by 7 of 12 members — Sales 3/4, Finance 2/5"])
    by_function: list[FunctionReadsOut]
    readers: list[ReaderOut]


class UpdateDetailOut(UpdateOut):
    asks: list[AskOut]
    goal_lines: list[GoalLineOut]
    read_by: ReadByOut

    @staticmethod
    def resolve_asks(obj: Any) -> list[Any]:
        return list(obj.api_asks)

    @staticmethod
    def resolve_goal_lines(obj: Any) -> list[Any]:
        return list(obj.api_goal_lines)

    @staticmethod
    def resolve_read_by(obj: Any) -> Any:
        return obj.api_read_by


class AskIn(Schema):
    text: str = Field(max_length=500)
    to_person: UUID | None = Field(None, description="Id of a person of the partnership.")
    to_function: UUID | None = Field(None, description="Id of a function of the partnership.")


class UpdateCreate(Schema):
    partnership: str = Field(description="Slug of the partnership.")
    rag: RagValue = Field(description=RAG_HELP)
    progress: str = Field(max_length=5000)
    next_steps: str = Field("", max_length=5000)
    blockers: str = Field("", max_length=5000)
    period_start: date | None = Field(
        None, description="Defaults to the current period of the partnership's update cadence."
    )
    period_end: date | None = None
    goals: list[UUID] = Field(default_factory=list, description="Ids of the partnership's goals.")
    asks: list[AskIn] = Field(default_factory=list, max_length=10)


class UpdatePatch(PatchSchema):
    """Only the fields sent change."""

    period_start: date | None = None
    period_end: date | None = None
    rag: RagValue | None = Field(None, description=RAG_HELP)
    progress: str | None = Field(None, max_length=5000)
    next_steps: str | None = Field(None, max_length=5000)
    blockers: str | None = Field(None, max_length=5000)
    goals: list[UUID] | None = Field(None, description="Replaces the linked goals.")
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class UpdateFilterParams(Schema):
    partnership: str | None = Field(None, description="Partnership slug.")
    rag: RagValue | None = None
    function: UUID | None = Field(None, description="The author's function id.")
    author: UUID | None = Field(None, description="The author's person id.")
    since: date | None = Field(None, description="Periods ending on or after this day.")
    until: date | None = Field(None, description="Periods starting on or before this day.")
    open_asks: bool = Field(False, description="Only updates with an unanswered ask.")


class AskFilterParams(Schema):
    partnership: str | None = Field(None, description="Partnership slug.")
    state: AskState = Field("open", description="open (default), answered or all")
    mine: bool = Field(False, description="Only asks for you or a function of yours.")


class UpdateAnswerIn(Schema):
    answer: str = Field(max_length=5000)


class UpdateCommentIn(Schema):
    body: str = Field(max_length=5000)
    parent: UUID | None = Field(None, description="Id of the comment this replies to.")


class UpdateCommentOut(Schema):
    id: UUID
    update_id: UUID
    parent_id: UUID | None
    author: UpdateLink
    body: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_update_id(obj: Any) -> Any:
        return obj.update.uuid

    @staticmethod
    def resolve_parent_id(obj: Any) -> Any:
        return obj.parent.uuid if obj.parent_id else None


class NeedsMeOut(Schema):
    asks: list[AskOut] = Field(description="Open asks for you or a function of yours.")
    unread: list[UpdateOut] = Field(
        description="Recent updates of your partnerships you have not acknowledged."
    )
    mentions: list[UpdateCommentOut] = Field(
        description="Recent comments mentioning you that you have not replied to."
    )


# --- helpers --------------------------------------------------------------------------------


def _get(membership: Membership, update_id: str) -> StatusUpdate:
    return selectors.update_get(membership=membership, uuid=update_id)


def _detailed(membership: Membership, update: StatusUpdate) -> StatusUpdate:
    """The update with its asks, goal lines and read-by attached for UpdateDetailOut."""
    asks = selectors.update_ask_list(update=update)
    for ask in asks:
        ask.update = update
    update.api_asks = asks  # type: ignore[attr-defined]
    lines = selectors.update_goal_lines([update]).get(update.pk, [])
    update.api_goal_lines = lines  # type: ignore[attr-defined]
    update.api_read_by = selectors.update_read_by(update=update)  # type: ignore[attr-defined]
    return update


def _answer(membership: Membership, update: StatusUpdate, response: HttpResponse) -> StatusUpdate:
    fresh = _get(membership, str(update.uuid))
    etag_set(response, fresh.version)
    return _detailed(membership, fresh)


def _partnership(membership: Membership, slug: str) -> Partnership:
    try:
        return partnership_get(membership=membership, slug=slug)
    except Http404:
        raise ValidationError({"partnership": f"No partnership “{slug}” you can see."}) from None


def _goals(partnership: Partnership, ids: list[UUID]) -> list[Goal]:
    found = list(selectors.partnership_goal_choices(partnership=partnership).filter(uuid__in=ids))
    missing = {str(i) for i in ids} - {str(g.uuid) for g in found}
    if missing:
        raise ValidationError(
            {"goals": f"No goal of {partnership.name} with id {sorted(missing)[0]}."}
        )
    return found


def _ask_drafts(membership: Membership, asks: list[AskIn]) -> list[actions.AskDraft]:
    """Swap ids for the workspace's people and functions, reporting every unknown one."""
    workspace = membership.workspace
    drafts, errors = [], {}
    for index, ask in enumerate(asks):
        person = function = None
        if ask.to_person is not None:
            try:
                person = object_get(Person, workspace=workspace, uuid=ask.to_person)
            except Http404:
                errors[f"asks.{index}.to_person"] = [f"No person with id {ask.to_person}."]
        if ask.to_function is not None:
            try:
                function = object_get(Function, workspace=workspace, uuid=ask.to_function)
            except Http404:
                errors[f"asks.{index}.to_function"] = [f"No function with id {ask.to_function}."]
        drafts.append(actions.AskDraft(text=ask.text, to_person=person, to_function=function))
    if errors:
        raise ValidationError(errors)
    return drafts


# --- updates --------------------------------------------------------------------------------


@router.get("/updates", response=Page[UpdateOut])
def list_updates(
    request: HttpRequest, filters: Query[UpdateFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """List the status updates you can see, newest first, filtered."""
    rows = selectors.update_list(
        membership=membership_of(request),
        filters=selectors.UpdateFilters(
            partnership=filters.partnership or None,
            rag=filters.rag,
            function=str(filters.function) if filters.function else None,
            author=str(filters.author) if filters.author else None,
            since=filters.since,
            until=filters.until,
            open_asks=filters.open_asks,
        ),
    )
    return paginate(request, rows, page)


@router.post("/updates", response={201: UpdateDetailOut})
def create_update(
    request: HttpRequest, payload: UpdateCreate, response: HttpResponse
) -> Status[StatusUpdate]:
    """Post an update for a partnership. Needs a member of it (or an admin) with a linked person.

    Each ask names one person or one function of the partnership; they are notified. The
    period defaults to the current period of the partnership's update cadence.
    """
    membership = role_require(request, "member")
    partnership = _partnership(membership, payload.partnership)
    created = actions.update_create(
        membership=membership,
        partnership=partnership,
        rag=payload.rag,
        progress=payload.progress,
        next_steps=payload.next_steps,
        blockers=payload.blockers,
        period_start=payload.period_start,
        period_end=payload.period_end,
        goals=_goals(partnership, payload.goals),
        asks=_ask_drafts(membership, payload.asks),
    )
    update = _answer(membership, created, response)
    response["Location"] = reverse("api:get_update", args=[update.uuid])
    return Status(201, update)


@router.get("/updates/{update_id}", response=UpdateDetailOut)
def get_update(request: HttpRequest, update_id: UUIDPath, response: HttpResponse) -> StatusUpdate:
    """One update with its asks, linked goals (with their latest check-in) and who read it.
    The ETag header carries its version."""
    membership = membership_of(request)
    update = _get(membership, update_id)
    etag_set(response, update.version)
    return _detailed(membership, update)


@router.patch("/updates/{update_id}", response=UpdateDetailOut)
def update_update(
    request: HttpRequest, update_id: UUIDPath, payload: UpdatePatch, response: HttpResponse
) -> StatusUpdate:
    """Change an update. Needs its author.

    Only the fields sent change. Guard with If-Match (412) or a body `version` (409).
    """
    membership = role_require(request, "member")
    update = _get(membership, update_id)
    if_match_check(request, update.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, update.version)
    goals = changes.pop("goals", None)
    actions.update_edit(
        membership=membership,
        update=update,
        expected_version=expected,
        goals=_goals(update.partnership, goals) if goals is not None else None,
        **changes,
    )
    return _answer(membership, update, response)


@router.delete("/updates/{update_id}", response={204: None})
def delete_update(request: HttpRequest, update_id: UUIDPath) -> Status[None]:
    """Delete an update with its asks, comments and acknowledgements. Needs its author or an
    admin."""
    membership = role_require(request, "member")
    update = _get(membership, update_id)
    if_match_check(request, update.version)
    actions.update_delete(membership=membership, update=update)
    return Status(204, None)


@router.get("/updates/{update_id}/history", response=Page[AuditEntryOut])
def update_history(request: HttpRequest, update_id: UUIDPath, page: Query[PageParams]) -> Any:
    """Every recorded change to the update (answers and comments included), newest first."""
    membership = membership_of(request)
    update = _get(membership, update_id)
    rows = audit_list(workspace=membership.workspace, instance=update).select_related("actor")
    return paginate(request, rows, page)


@router.post("/updates/{update_id}/acknowledge", response=ReadByOut)
def acknowledge_update(request: HttpRequest, update_id: UUIDPath) -> Any:
    """Mark the update read as your person (once; again changes nothing). Returns who read it."""
    membership = membership_of(request)
    update = _get(membership, update_id)
    actions.update_acknowledge(membership=membership, update=update)
    return selectors.update_read_by(update=update)


# --- asks -----------------------------------------------------------------------------------


@router.post("/updates/{update_id}/asks", response={201: AskOut})
def add_update_ask(request: HttpRequest, update_id: UUIDPath, payload: AskIn) -> Status[Ask]:
    """Add an ask to an update. Needs its author."""
    membership = role_require(request, "member")
    update = _get(membership, update_id)
    (draft,) = _ask_drafts(membership, [payload])
    ask = actions.ask_add(
        membership=membership,
        update=update,
        text=draft.text,
        to_person=draft.to_person,
        to_function=draft.to_function,
    )
    return Status(201, selectors.ask_get(membership=membership, uuid=ask.uuid))


@router.get("/asks", response=Page[AskOut])
def list_asks(
    request: HttpRequest, filters: Query[AskFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """Asks of the updates you can see: open ones oldest first (answered ones newest first)."""
    membership = membership_of(request)
    if filters.state == "open":
        rows = selectors.ask_open_list(
            membership=membership, partnership=filters.partnership, mine=filters.mine
        )
    else:
        rows = selectors.ask_queryset(membership=membership)
        if filters.partnership:
            rows = rows.filter(update__partnership__slug=filters.partnership)
        if filters.mine:
            rows = rows.filter(selectors.ask_addressed_to_me_q(membership))
        if filters.state == "answered":
            rows = rows.filter(answered_at__isnull=False).order_by("-answered_at", "-pk")
        else:
            rows = rows.order_by("-created_at", "-pk")
    return paginate(request, rows, page)


@router.get("/asks/{ask_id}", response=AskOut)
def get_ask(request: HttpRequest, ask_id: UUIDPath) -> Ask:
    """One ask and its state."""
    return selectors.ask_get(membership=membership_of(request), uuid=ask_id)


@router.post("/asks/{ask_id}/answer", response=AskOut)
def answer_ask(request: HttpRequest, ask_id: UUIDPath, payload: UpdateAnswerIn) -> Ask:
    """Answer an open ask addressed to you or your function. The update's author is told."""
    membership = role_require(request, "member")
    ask = selectors.ask_get(membership=membership, uuid=ask_id)
    actions.ask_answer(membership=membership, ask=ask, answer=payload.answer)
    return selectors.ask_get(membership=membership, uuid=ask_id)


# --- comments -------------------------------------------------------------------------------


@router.get("/updates/{update_id}/comments", response=Page[UpdateCommentOut])
def list_update_comments(
    request: HttpRequest, update_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """The update's comments and replies, oldest first (`parent_id` links a reply)."""
    update = _get(membership_of(request), update_id)
    rows = selectors.update_comment_list(update=update).select_related("update", "parent")
    return paginate(request, rows, page)


@router.post("/updates/{update_id}/comments", response={201: UpdateCommentOut})
def add_update_comment(
    request: HttpRequest, update_id: UUIDPath, payload: UpdateCommentIn
) -> Status[UpdateComment]:
    """Comment on an update, or reply to a comment (`parent`). Needs member.

    `@Full Name` or `@email` mentions people of the workspace; they are notified.
    """
    membership = role_require(request, "member")
    update = _get(membership, update_id)
    parent = None
    if payload.parent is not None:
        try:
            parent = selectors.comment_get(update=update, uuid=payload.parent)
        except Http404:
            raise ValidationError(
                {"parent": f"No comment with id {payload.parent} on this update."}
            ) from None
    comment = actions.update_comment_add(
        membership=membership, update=update, body=payload.body, parent=parent
    )
    return Status(201, comment)


# --- needs my response ----------------------------------------------------------------------


@router.get("/needs-my-response", response=NeedsMeOut)
def needs_my_response(request: HttpRequest) -> Any:
    """What waits for you: open asks for you or your function, recent updates of your
    partnerships you have not acknowledged, and recent comments mentioning you."""
    found = selectors.needs_me(membership=membership_of(request), now=timezone.now())
    return {"asks": found.asks, "unread": found.unread, "mentions": found.mentions}
