"""Action items over the API: the same visibility and permissions as the pages.

Actions of partnerships you cannot see answer 404. Every role reads; members of a partnership
add actions to it; the owner, the partnership's lead and sponsor and admins change them.
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
from accord.api.schemas import (
    AuditEntryOut,
    Page,
    PageParams,
    PatchSchema,
    UserRef,
    UUIDPath,
    paginate,
)
from accord.governance import action_actions as actions
from accord.governance import action_selectors as selectors
from accord.governance.models import ActionComment, ActionItem
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

if TYPE_CHECKING:
    ActionStatus = str
    StatusFilter = str
    LinkKind = str
    SourceType = str
else:
    ActionStatus = Literal[tuple(ActionItem.Status.values)]
    StatusFilter = Literal[(*ActionItem.Status.values, "active")]
    LinkKind = Literal[tuple(selectors.LINK_KINDS)]
    SourceType = Literal[("", *sorted(actions.SOURCE_TYPES))]

router = Router(tags=["actions"])

STATUS_HELP = "open, in_progress, done or dropped; done records completed_at, others clear it."


# --- shapes ---------------------------------------------------------------------------------


class PartnershipLink(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class RecordLink(Schema):
    """A linked goal, decision or conflict: its id and title."""

    id: UUID
    title: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_title(obj: Any) -> str:
        # A private conflict's title is for its parties; the link itself is not secret.
        if getattr(obj, "private", False):
            return "A private conflict"
        return str(obj.title)


class PersonLink(Schema):
    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ActionOut(Schema):
    id: UUID
    title: str
    description: str
    owner: PersonLink | None = Field(description="The one person who owns it.")
    due_date: date | None
    status: ActionStatus = Field(description=STATUS_HELP)
    overdue: bool = Field(description="Due before today and still open or in progress.")
    completed_at: datetime | None
    partnership: PartnershipLink | None = Field(description="Null for a workspace-wide action.")
    goal: RecordLink | None
    decision: RecordLink | None
    conflict: RecordLink | None
    source_type: str = Field(description="meeting, review or recommendation; empty for none.")
    source_id: UUID | None
    comment_count: int
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return selectors.action_is_overdue(obj, timezone.localdate())

    @staticmethod
    def resolve_source_id(obj: Any) -> Any:
        return obj.source_uuid

    @staticmethod
    def resolve_comment_count(obj: Any) -> int:
        return int(getattr(obj, "comment_count", 0) or 0)


class ActionCreate(Schema):
    title: str = Field(max_length=300)
    description: str = ""
    owner: UUID = Field(description="Id of the one person who owns it.")
    due_date: date | None = None
    status: ActionStatus = Field(ActionItem.Status.OPEN.value, description=STATUS_HELP)
    partnership: str | None = Field(
        None, description="Slug of the partnership; left out for a workspace-wide action."
    )
    goal: UUID | None = Field(None, description="Id of a goal (places it in its partnership).")
    decision: UUID | None = None
    conflict: UUID | None = None
    source_type: SourceType = ""
    source_id: UUID | None = Field(None, description="Id of the meeting, review or recommendation.")


class ActionUpdate(PatchSchema):
    """Only the fields sent change; null clears the due date, the partnership and links."""

    NULLABLE = frozenset(
        {"due_date", "partnership", "goal", "decision", "conflict", "source_id", "version"}
    )

    title: str | None = Field(None, max_length=300)
    description: str | None = None
    owner: UUID | None = None
    due_date: date | None = None
    status: ActionStatus | None = Field(None, description=STATUS_HELP)
    partnership: str | None = None
    goal: UUID | None = None
    decision: UUID | None = None
    conflict: UUID | None = None
    source_type: SourceType | None = None
    source_id: UUID | None = None
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class ActionFilterParams(Schema):
    q: str = Field("", description="Search in title and description.")
    partnership: str | None = Field(None, description="Partnership slug, or `none`.")
    owner: UUID | None = Field(None, description="Owner's person id.")
    status: StatusFilter | None = Field(None, description="A status, or `active`.")
    overdue: bool = False
    linked: LinkKind | None = Field(None, description="goal, decision, conflict, other, none")
    mine: bool = Field(False, description="Only actions owned by you.")


class CommentIn(Schema):
    body: str = Field(max_length=5000)


class CommentOut(Schema):
    id: UUID
    body: str
    author: UserRef | None = Field(description="Null when the author's account is gone.")
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


# --- helpers --------------------------------------------------------------------------------


def _references(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    """Swap ids and slugs for visible records, reporting every unknown one at once."""
    resolved = dict(fields)
    errors: dict[str, list[str]] = {}
    if "source_id" in resolved:
        resolved["source_uuid"] = resolved.pop("source_id")
    if resolved.get("partnership") is not None:
        try:
            resolved["partnership"] = partnership_get(
                membership=membership, slug=resolved["partnership"]
            )
        except Http404:
            errors["partnership"] = [f"No partnership “{fields['partnership']}” you can see."]
    sources: dict[str, Any] = {
        "owner": selectors.action_owner_choices(workspace=membership.workspace),
        "goal": selectors.action_goal_choices(membership=membership),
        "decision": selectors.action_decision_choices(membership=membership),
        "conflict": selectors.action_conflict_choices(membership=membership),
    }
    for field, choices in sources.items():
        value = resolved.get(field)
        if value is None:
            continue
        try:
            resolved[field] = object_get(choices, workspace=membership.workspace, uuid=value)
        except Http404:
            noun = "person" if field == "owner" else field
            errors[field] = [f"No {noun} with id {value} that you can see in this workspace."]
    if errors:
        raise ValidationError(errors)
    return resolved


def _get(membership: Membership, action_id: str) -> ActionItem:
    return selectors.action_get(membership=membership, uuid=action_id)


def _answer(membership: Membership, action: ActionItem, response: HttpResponse) -> ActionItem:
    fresh = _get(membership, str(action.uuid))
    etag_set(response, fresh.version)
    return fresh


# --- actions --------------------------------------------------------------------------------


@router.get("/actions", response=Page[ActionOut])
def list_actions(
    request: HttpRequest, filters: Query[ActionFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """List the actions you can see, soonest due first, filtered."""
    rows = selectors.action_list(
        membership=membership_of(request),
        filters=selectors.ActionFilters(
            partnership=filters.partnership or None,
            owner=str(filters.owner) if filters.owner else None,
            status=filters.status,
            overdue=filters.overdue,
            linked=filters.linked,
            search=filters.q.strip(),
            mine=filters.mine,
        ),
    )
    return paginate(request, rows, page)


@router.post("/actions", response={201: ActionOut})
def create_action(
    request: HttpRequest, payload: ActionCreate, response: HttpResponse
) -> Status[ActionItem]:
    """Add an action with one owner. Needs member (of the partnership, for a partnership's).

    Linking a goal, decision or conflict of a partnership places the action there.
    """
    membership = role_require(request, "member")
    fields = _references(membership, payload.model_dump())
    created = actions.action_create(membership=membership, **fields)
    action = _answer(membership, created, response)
    response["Location"] = reverse("api:get_action", args=[action.uuid])
    return Status(201, action)


@router.get("/actions/{action_id}", response=ActionOut)
def get_action(request: HttpRequest, action_id: UUIDPath, response: HttpResponse) -> ActionItem:
    """One action. The ETag header carries its version."""
    action = _get(membership_of(request), action_id)
    etag_set(response, action.version)
    return action


@router.patch("/actions/{action_id}", response=ActionOut)
def update_action(
    request: HttpRequest, action_id: UUIDPath, payload: ActionUpdate, response: HttpResponse
) -> ActionItem:
    """Change an action. Needs its owner, its partnership's lead or sponsor, or an admin.

    Only the fields sent change. Guard with If-Match (412) or a body `version` (409).
    """
    membership = role_require(request, "member")
    action = _get(membership, action_id)
    if_match_check(request, action.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, action.version)
    changes = _references(membership, changes)
    actions.action_update(
        membership=membership, action=action, expected_version=expected, **changes
    )
    return _answer(membership, action, response)


@router.delete("/actions/{action_id}", response={204: None})
def delete_action(request: HttpRequest, action_id: UUIDPath) -> Status[None]:
    """Delete an action with its comments. Needs its owner, a partnership manager or admin."""
    membership = role_require(request, "member")
    action = _get(membership, action_id)
    if_match_check(request, action.version)
    actions.action_delete(membership=membership, action=action)
    return Status(204, None)


@router.get("/actions/{action_id}/history", response=Page[AuditEntryOut])
def action_history(request: HttpRequest, action_id: UUIDPath, page: Query[PageParams]) -> Any:
    """Every recorded change to the action, comments included, newest first."""
    membership = membership_of(request)
    action = _get(membership, action_id)
    rows = audit_list(workspace=membership.workspace, instance=action).select_related("actor")
    return paginate(request, rows, page)


# --- comments -------------------------------------------------------------------------------


@router.get("/actions/{action_id}/comments", response=Page[CommentOut])
def list_action_comments(
    request: HttpRequest, action_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """The action's comments, oldest first."""
    action = _get(membership_of(request), action_id)
    return paginate(request, selectors.action_comment_list(action=action), page)


@router.post("/actions/{action_id}/comments", response={201: CommentOut})
def add_action_comment(
    request: HttpRequest, action_id: UUIDPath, payload: CommentIn
) -> Status[ActionComment]:
    """Comment on an action you can see. Needs member."""
    membership = role_require(request, "member")
    action = _get(membership, action_id)
    comment = actions.action_comment_add(membership=membership, action=action, body=payload.body)
    return Status(201, comment)
