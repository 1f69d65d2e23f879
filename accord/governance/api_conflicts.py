"""The conflict register over the API, with the same visibility and permissions as the pages.

Private conflicts answer 404 to anyone but their parties, facilitator, the person they were
escalated to, the partnership lead and admins. Reads are open to every role that can see the
conflict; members raise conflicts; the people working on a conflict move it, record
perspectives and options; only admins delete.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
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
    Ref,
    UserRef,
    UUIDPath,
    paginate,
)
from accord.goals.models import Goal
from accord.governance import conflict_actions as actions
from accord.governance import conflict_selectors as selectors
from accord.governance.conflict_actions import CONFLICT_MOVES, ActionItemDraft
from accord.governance.models import (
    Conflict,
    ConflictOption,
    ConflictPerspective,
    ConflictStageChange,
    Decision,
)
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.access import object_get
from accord.workspaces.models import AuditEntry, Membership

router = Router(tags=["conflicts"])

if TYPE_CHECKING:
    StageChoice = str
    TypeChoice = str
    SeverityChoice = str
else:
    StageChoice = Literal[tuple(Conflict.Stage.values)]
    TypeChoice = Literal[tuple(Conflict.Type.values)]
    SeverityChoice = Literal[tuple(Conflict.Severity.values)]

MOVES_HELP = "; ".join(
    f"{source} → {', '.join(targets) or 'nothing (final)'}"
    for source, targets in CONFLICT_MOVES.items()
)
PRIVATE_HELP = (
    "Visible only to the parties, the facilitator, the person it was escalated to, the "
    "partnership lead and workspace admins."
)


# --- shapes -----------------------------------------------------------------------------------


class GoalRef(Schema):
    id: UUID
    title: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ConflictPartnershipRef(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ConflictOut(Schema):
    id: UUID
    title: str
    type: TypeChoice
    severity: SeverityChoice
    stage: StageChoice
    private: bool = Field(description=PRIVATE_HELP)
    partnership: ConflictPartnershipRef | None
    party_people: list[Ref]
    party_functions: list[Ref]
    facilitator: Ref | None
    raised_at: datetime
    stage_changed_at: datetime
    ever_escalated: bool
    version: int

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_party_people(obj: Any) -> list[Any]:
        return list(obj.party_people.all())

    @staticmethod
    def resolve_party_functions(obj: Any) -> list[Any]:
        return list(obj.party_functions.all())

    @staticmethod
    def resolve_raised_at(obj: Any) -> datetime:
        return obj.created_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_ever_escalated(obj: Any) -> bool:
        return bool(getattr(obj, "ever_escalated", False))


class ConflictDetailOut(ConflictOut):
    description: str
    goals: list[GoalRef]
    decisions: list[GoalRef]
    source: str = Field(description="Where it came from, e.g. goal_conflict.")
    source_explanation: str
    agreement: str
    escalation_reason: str
    escalated_to: Ref | None
    follow_up_date: date | None
    resolved_at: datetime | None
    closed_at: datetime | None
    allowed_moves: list[StageChoice] = Field(description=f"Stages it may move to. {MOVES_HELP}")

    @staticmethod
    def resolve_goals(obj: Any) -> list[Any]:
        return list(obj.goals.all())

    @staticmethod
    def resolve_decisions(obj: Any) -> list[Any]:
        return list(obj.decisions.all())

    @staticmethod
    def resolve_allowed_moves(obj: Any) -> list[str]:
        return list(CONFLICT_MOVES.get(obj.stage, ()))


class ConflictCreate(Schema):
    title: str = Field(max_length=300)
    type: TypeChoice = Conflict.Type.GOALS.value
    severity: SeverityChoice = Conflict.Severity.MEDIUM.value
    description: str = ""
    party_people: list[UUID] = Field(default_factory=list, description="Person ids.")
    party_functions: list[UUID] = Field(
        default_factory=list, description="Function ids. At least two parties in all."
    )
    goals: list[UUID] = Field(default_factory=list, description="Related goal ids.")
    decisions: list[UUID] = Field(default_factory=list, description="Related decision ids.")
    partnership: UUID | None = Field(None, description="Partnership id.")
    facilitator: UUID | None = Field(None, description="Person id.")
    private: bool = Field(False, description=PRIVATE_HELP)


class ConflictUpdate(PatchSchema):
    """Only the fields sent change; lists, when sent, replace the stored ones; null clears the
    partnership, the facilitator and the follow-up date."""

    NULLABLE = frozenset({"partnership", "facilitator", "follow_up_date", "version"})

    title: str | None = Field(None, max_length=300)
    type: TypeChoice | None = None
    severity: SeverityChoice | None = None
    description: str | None = None
    party_people: list[UUID] | None = None
    party_functions: list[UUID] | None = None
    goals: list[UUID] | None = None
    decisions: list[UUID] | None = None
    partnership: UUID | None = None
    facilitator: UUID | None = None
    private: bool | None = None
    follow_up_date: date | None = None
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class ActionItemIn(Schema):
    title: str = Field(max_length=300)
    owner: UUID | None = Field(None, description="Person id.")
    due_date: date | None = None


class StageMoveIn(Schema):
    to: StageChoice = Field(description=MOVES_HELP)
    note: str = Field("", max_length=4000, description="Why; for closing, the follow-up check.")
    facilitator: UUID | None = Field(None, description="Needed to enter in_dialogue.")
    agreement: str = Field("", description="Needed to resolve.")
    chosen_option: UUID | None = Field(None, description="Id of the option agreed on.")
    follow_up_date: date | None = Field(None, description="Default: 30 days after resolving.")
    action_items: list[ActionItemIn] = Field(
        default_factory=list, description="Created with the agreement, linked to the conflict."
    )
    escalation_reason: str = Field("", description="Needed to escalate.")
    escalated_to: UUID | None = Field(None, description="Default: the partnership's sponsor.")
    holds: bool | None = Field(None, description="For closing: does the agreement hold?")
    version: int | None = Field(None, description="The version you moved from: 409 if changed.")


class StageChangeOut(Schema):
    from_stage: StageChoice | None = Field(description="Null for the first entry.")
    to_stage: StageChoice
    changed_by: UserRef | None
    note: str
    at: datetime

    @staticmethod
    def resolve_from_stage(obj: Any) -> str | None:
        return obj.from_stage or None

    @staticmethod
    def resolve_at(obj: Any) -> datetime:
        return obj.created_at  # type: ignore[no-any-return]


class PerspectiveIn(Schema):
    person: UUID | None = Field(None, description="Person id (a person, a function or both).")
    function: UUID | None = Field(None, description="Function id.")
    perspective: str
    interests: str = ""


class PerspectiveOut(Schema):
    id: UUID
    person: Ref | None
    function: Ref | None
    perspective: str
    interests: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ConflictOptionIn(Schema):
    description: str


class ConflictOptionOut(Schema):
    id: UUID
    description: str
    chosen: bool
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ConflictFilters(Schema):
    q: str = Field("", description="Search in title and description.")
    stage: StageChoice | None = None
    type: TypeChoice | None = None
    partnership: str | None = Field(None, description="Partnership slug.")
    open: bool = Field(False, description="Only conflicts not yet resolved or closed.")


class CountOut(Schema):
    count: int
    by_stage: dict[str, int]
    reasons: list[str]


class ResolutionOut(Schema):
    median_days: float | None
    resolved: int
    reasons: list[str]


class EscalationOut(Schema):
    share: float | None
    escalated: int
    total: int
    reasons: list[str]


class RecurrenceOut(Schema):
    functions: list[str]
    count: int
    conflict_ids: list[str]
    reasons: list[str]


class StageTimeOut(Schema):
    id: str
    stage: str
    days_in_stage: float
    age_days: float
    stale: bool
    reasons: list[str]


class ConflictMetricsOut(Schema):
    open: CountOut
    resolution: ResolutionOut
    escalation: EscalationOut
    recurrence: list[RecurrenceOut] = Field(
        description="Pairs of functions in two or more conflicts raised in the last 180 days."
    )
    stage_times: list[StageTimeOut]
    stale_days: int


# --- helpers ----------------------------------------------------------------------------------


REFERENCE_MODELS: dict[str, type[Any]] = {
    "party_people": Person,
    "party_functions": Function,
    "goals": Goal,
    "decisions": Decision,
    "partnership": Partnership,
    "facilitator": Person,
    "escalated_to": Person,
    "person": Person,
    "function": Function,
    "owner": Person,
}


def _references(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    """Swap ids for records of this workspace (goals, decisions and partnerships the caller
    can see), reporting every unknown id at once."""
    workspace = membership.workspace
    scoped: dict[str, QuerySet[Any]] = {
        "goals": selectors.conflict_goal_choices(membership=membership),
        "decisions": selectors.conflict_decision_choices(membership=membership),
        "partnership": selectors.conflict_partnership_choices(membership=membership),
    }
    resolved = dict(fields)
    errors: dict[str, str] = {}
    for field, model in REFERENCE_MODELS.items():
        if field not in resolved or resolved[field] is None:
            continue
        source = scoped.get(field, model.objects.filter(workspace=workspace))
        noun = model._meta.verbose_name
        value = resolved[field]
        if isinstance(value, list):
            ids = [str(v) for v in value]
            found = {str(row.uuid): row for row in source.filter(uuid__in=ids)}
            unknown = [v for v in ids if v not in found]
            if unknown:
                errors[field] = f"No {noun} with id {unknown[0]} in this workspace."
            else:
                resolved[field] = [found[v] for v in ids]
        else:
            row = source.filter(uuid=value).first()
            if row is None:
                errors[field] = f"No {noun} with id {value} in this workspace."
            resolved[field] = row
    if errors:
        raise ValidationError(errors)
    return resolved


def _get(membership: Membership, conflict_id: str) -> Conflict:
    return selectors.conflict_get(membership=membership, uuid=conflict_id)


def _workable(request: HttpRequest, conflict_id: str) -> tuple[Membership, Conflict]:
    """The conflict (404 if invisible) once the caller may work on it (403 otherwise)."""
    membership = role_require(request, "member")
    conflict = _get(membership, conflict_id)
    if not selectors.conflict_can_work(membership=membership, conflict=conflict):
        raise PermissionDenied(
            "Only the parties, the facilitator, the partnership's lead or sponsor, whoever "
            "raised it and admins can work on this conflict."
        )
    return membership, conflict


def _detail(membership: Membership, conflict: Conflict, response: HttpResponse) -> Conflict:
    fresh = _get(membership, str(conflict.uuid))
    etag_set(response, fresh.version)
    return fresh


# --- conflicts --------------------------------------------------------------------------------


@router.get("/conflicts", response=Page[ConflictOut])
def list_conflicts(
    request: HttpRequest, filters: Query[ConflictFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The conflicts you can see, newest first, filtered by stage, type, partnership or text."""
    rows = selectors.conflict_list(
        membership=membership_of(request),
        stage=filters.stage,
        type=filters.type,
        partnership=filters.partnership,
        search=filters.q.strip(),
        open_only=filters.open,
    )
    return paginate(request, rows, page)


@router.get("/conflicts/metrics", response=ConflictMetricsOut)
def conflict_metrics(request: HttpRequest) -> dict[str, Any]:
    """Open conflicts, median days to resolution, share escalated, recurrence between the same
    functions and time in stage, over the conflicts you can see; each with its reasons."""
    membership = membership_of(request)
    summary = selectors.conflict_metrics(membership=membership, now=timezone.now())
    return {
        "open": {
            "count": summary.open.count,
            "by_stage": dict(summary.open.by_stage),
            "reasons": list(summary.open.reasons),
        },
        "resolution": summary.resolution.__dict__,
        "escalation": summary.escalation.__dict__,
        "recurrence": [row.__dict__ for row in summary.recurrence],
        "stage_times": [row.__dict__ for row in summary.stage_times],
        "stale_days": selectors.conflict_stale_days(workspace=membership.workspace),
    }


@router.post("/conflicts", response={201: ConflictDetailOut})
def create_conflict(
    request: HttpRequest, payload: ConflictCreate, response: HttpResponse
) -> Status[Conflict]:
    """Raise a conflict between two or more parties. Needs member. It starts as raised."""
    membership = role_require(request, "member")
    fields = _references(membership, payload.model_dump())
    created = actions.conflict_create(
        workspace=membership.workspace, actor=membership.user, **fields
    )
    conflict = _detail(membership, created, response)
    response["Location"] = reverse("api:get_conflict", args=[conflict.uuid])
    return Status(201, conflict)


@router.get("/conflicts/{conflict_id}", response=ConflictDetailOut)
def get_conflict(request: HttpRequest, conflict_id: UUIDPath, response: HttpResponse) -> Conflict:
    """One conflict. The ETag header carries its version."""
    conflict = _get(membership_of(request), conflict_id)
    etag_set(response, conflict.version)
    return conflict


@router.patch("/conflicts/{conflict_id}", response=ConflictDetailOut)
def update_conflict(
    request: HttpRequest, conflict_id: UUIDPath, payload: ConflictUpdate, response: HttpResponse
) -> Conflict:
    """Change what the conflict is about, its parties or links. Guard with If-Match (412) or a
    body `version` (409)."""
    membership, conflict = _workable(request, conflict_id)
    if_match_check(request, conflict.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, conflict.version)
    changes = _references(membership, changes)
    actions.conflict_update(
        conflict=conflict, actor=membership.user, expected_version=expected, **changes
    )
    return _detail(membership, conflict, response)


@router.delete("/conflicts/{conflict_id}", response={204: None})
def delete_conflict(request: HttpRequest, conflict_id: UUIDPath) -> Status[None]:
    """Delete a conflict with its perspectives, options and history. Needs admin."""
    membership = role_require(request, "admin")
    conflict = _get(membership, conflict_id)
    if_match_check(request, conflict.version)
    actions.conflict_delete(conflict=conflict, actor=membership.user)
    return Status(204, None)


@router.post("/conflicts/{conflict_id}/stage", response=ConflictDetailOut)
def move_conflict(
    request: HttpRequest, conflict_id: UUIDPath, payload: StageMoveIn, response: HttpResponse
) -> Conflict:
    """Move the conflict along the workflow. Refused moves answer 422 with the reason.

    in_dialogue needs a facilitator; options needs each party's perspective; resolved needs
    the agreement (and from options at least one option); escalated needs a reason and goes to
    the partnership's sponsor by default; closed needs a follow-up note that the agreement
    holds.
    """
    membership, conflict = _workable(request, conflict_id)
    if_match_check(request, conflict.version)
    fields = payload.model_dump()
    version_check(fields.pop("version"), conflict.version)
    drafts = fields.pop("action_items")
    option_id = fields.pop("chosen_option")
    fields = _references(membership, fields)
    option = None
    if option_id is not None:
        option = ConflictOption.objects.filter(conflict=conflict, uuid=option_id).first()
        if option is None:
            raise ValidationError({"chosen_option": "Choose one of this conflict's options."})
    items = [_references(membership, draft) for draft in drafts]
    actions.conflict_stage_move(
        conflict=conflict,
        actor=membership.user,
        chosen_option=option,
        action_items=[ActionItemDraft(**item) for item in items],
        **fields,
    )
    return _detail(membership, conflict, response)


@router.get("/conflicts/{conflict_id}/stage-changes", response=Page[StageChangeOut])
def list_conflict_stage_changes(
    request: HttpRequest, conflict_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Who moved the conflict, when, from what to what and why; oldest first."""
    conflict = _get(membership_of(request), conflict_id)
    rows: QuerySet[ConflictStageChange] = selectors.conflict_stage_change_list(conflict=conflict)
    return paginate(request, rows, page)


@router.get("/conflicts/{conflict_id}/history", response=Page[AuditEntryOut])
def conflict_history(
    request: HttpRequest, conflict_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Every recorded change to the conflict, newest first."""
    from accord.workspaces.selectors import audit_list

    membership = membership_of(request)
    conflict = _get(membership, conflict_id)
    rows: QuerySet[AuditEntry] = audit_list(
        workspace=membership.workspace, instance=conflict
    ).select_related("actor")
    return paginate(request, rows, page)


# --- perspectives and options -----------------------------------------------------------------


@router.get("/conflicts/{conflict_id}/perspectives", response=Page[PerspectiveOut])
def list_conflict_perspectives(
    request: HttpRequest, conflict_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Each party's perspective and interests, in the order recorded."""
    conflict = _get(membership_of(request), conflict_id)
    return paginate(request, selectors.conflict_perspective_list(conflict=conflict), page)


@router.post("/conflicts/{conflict_id}/perspectives", response={201: PerspectiveOut})
def add_conflict_perspective(
    request: HttpRequest, conflict_id: UUIDPath, payload: PerspectiveIn
) -> Status[ConflictPerspective]:
    """Record one party's perspective (a person, a function or both); each party once."""
    membership, conflict = _workable(request, conflict_id)
    fields = _references(membership, payload.model_dump())
    row = actions.conflict_perspective_add(conflict=conflict, actor=membership.user, **fields)
    return Status(201, row)


@router.delete(
    "/conflicts/{conflict_id}/perspectives/{conflict_perspective_id}", response={204: None}
)
def remove_conflict_perspective(
    request: HttpRequest, conflict_id: UUIDPath, conflict_perspective_id: UUIDPath
) -> Status[None]:
    membership, conflict = _workable(request, conflict_id)
    row = object_get(
        ConflictPerspective.objects.select_related("conflict", "person", "function"),
        workspace=membership.workspace,
        conflict=conflict,
        uuid=conflict_perspective_id,
    )
    actions.conflict_perspective_remove(perspective=row, actor=membership.user)
    return Status(204, None)


@router.get("/conflicts/{conflict_id}/options", response=Page[ConflictOptionOut])
def list_conflict_options(
    request: HttpRequest, conflict_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """The mutual-gain options listed, in the order proposed."""
    conflict = _get(membership_of(request), conflict_id)
    return paginate(request, selectors.conflict_option_list(conflict=conflict), page)


@router.post("/conflicts/{conflict_id}/options", response={201: ConflictOptionOut})
def add_conflict_option(
    request: HttpRequest, conflict_id: UUIDPath, payload: ConflictOptionIn
) -> Status[ConflictOption]:
    """List a mutual-gain option (during dialogue, options or escalation)."""
    membership, conflict = _workable(request, conflict_id)
    row = actions.conflict_option_add(
        conflict=conflict, actor=membership.user, description=payload.description
    )
    return Status(201, row)


@router.delete("/conflicts/{conflict_id}/options/{conflict_option_id}", response={204: None})
def remove_conflict_option(
    request: HttpRequest, conflict_id: UUIDPath, conflict_option_id: UUIDPath
) -> Status[None]:
    membership, conflict = _workable(request, conflict_id)
    try:
        row = object_get(
            ConflictOption.objects.select_related("conflict"),
            workspace=membership.workspace,
            conflict=conflict,
            uuid=conflict_option_id,
        )
    except Http404:
        raise Http404("No such option.") from None
    actions.conflict_option_remove(option=row, actor=membership.user)
    return Status(204, None)
