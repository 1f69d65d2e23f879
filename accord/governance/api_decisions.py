"""The decision log and change proposals over the API: the same visibility, permissions and
refusals as the pages (refusals answer 422 problem+json naming the rule)."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, PatchSchema, Ref, UUIDPath, paginate
from accord.goals.models import Goal, Kpi
from accord.governance import change_actions
from accord.governance import decision_actions as actions
from accord.governance import decision_selectors as selectors
from accord.governance.models import (
    ChangeImpact,
    ChangeProposal,
    Concern,
    Decision,
    DecisionOption,
    DecisionResponse,
    Deliverable,
    ReadinessRating,
)
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    DecisionStatus = str
    DecisionKind = str
    InputMode = str
    PositionChoice = str
    ConcernOutcome = str
    ImpactLevel = str
    PhaseChoice = str
else:
    DecisionStatus = Literal[tuple(Decision.Status.values)]
    DecisionKind = Literal[tuple(Decision.Kind.values)]
    InputMode = Literal[tuple(Decision.InputMode.values)]
    PositionChoice = Literal[tuple(DecisionResponse.Position.values)]
    ConcernOutcome = Literal[tuple(v for v in Concern.Status.values if v != "open")]
    ImpactLevel = Literal[tuple(ChangeImpact.Level.values)]
    PhaseChoice = Literal[tuple(ReadinessRating.Phase.values)]

router = Router(tags=["decisions"])

Score = int


# --- shapes ---------------------------------------------------------------------------------


class TitleRef(Schema):
    id: UUID
    title: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class OptionOut(Schema):
    id: UUID
    title: str
    pros: str
    cons: str
    chosen: bool

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class OptionIn(Schema):
    title: str
    pros: str = ""
    cons: str = ""


class DecisionOut(Schema):
    id: UUID
    kind: DecisionKind
    title: str
    status: DecisionStatus
    partnership: Ref | None
    decider: Ref | None
    affected_functions: list[Ref]
    decided_at: datetime | None
    revisit_by: date | None
    superseded_by: TitleRef | None
    input_closes_at: datetime | None
    version: int
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_affected_functions(obj: Any) -> list[Any]:
        return list(obj.affected_functions.all())


class DecisionDetailOut(DecisionOut):
    context: str
    decision_text: str
    rationale: str
    outcome_statement: str
    consulted: list[Ref]
    informed: list[Ref]
    goals: list[TitleRef]
    deliverables: list[Ref]
    options: list[OptionOut]
    input_mode: InputMode
    hide_responses_until_close: bool
    allow_anonymous: bool

    @staticmethod
    def resolve_consulted(obj: Any) -> list[Any]:
        return list(obj.consulted.all())

    @staticmethod
    def resolve_informed(obj: Any) -> list[Any]:
        return list(obj.informed.all())

    @staticmethod
    def resolve_goals(obj: Any) -> list[Any]:
        return list(obj.goals.all())

    @staticmethod
    def resolve_deliverables(obj: Any) -> list[Any]:
        return list(obj.deliverables.all())

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.options.all())


class DecisionFilters(Schema):
    q: str = Field("", description="Text in the title, context, decision or rationale.")
    partnership: UUID | None = None
    function: UUID | None = Field(None, description="An affected function.")
    status: DecisionStatus | None = None
    kind: DecisionKind | None = None


class _DecisionFields(Schema):
    partnership: UUID | None = None
    context: str = ""
    decision_text: str = ""
    rationale: str = ""
    revisit_by: date | None = None
    consulted: list[UUID] = []
    informed: list[UUID] = []
    affected_functions: list[UUID] = []
    goals: list[UUID] = []
    deliverables: list[UUID] = []


class DecisionCreate(_DecisionFields):
    title: str
    decider: UUID = Field(description="Exactly one person makes the call.")
    options: list[OptionIn] = []


class DecisionUpdate(PatchSchema):
    NULLABLE = frozenset({"version", "partnership", "revisit_by"})
    title: str | None = None
    decider: UUID | None = None
    partnership: UUID | None = None
    context: str | None = None
    decision_text: str | None = None
    rationale: str | None = None
    revisit_by: date | None = None
    consulted: list[UUID] | None = None
    informed: list[UUID] | None = None
    affected_functions: list[UUID] | None = None
    goals: list[UUID] | None = None
    deliverables: list[UUID] | None = None
    version: int | None = None


class OpenIn(Schema):
    closes_at: datetime = Field(description="When input closes; must be in the future.")
    input_mode: InputMode = "consent"
    stakeholders: list[UUID] | None = Field(
        None, description="People asked; leave out for the consulted + a member per function."
    )
    hide_responses_until_close: bool = False
    allow_anonymous: bool = False


class RespondIn(Schema):
    position: PositionChoice
    reason: str = ""
    anonymous: bool = False


class ResponseOut(Schema):
    id: UUID
    position: PositionChoice
    reason: str
    person: Ref | None = Field(description="Null for anonymous responses.")
    function: Ref | None
    anonymous: bool
    answer: str
    answered_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class InputOut(Schema):
    visible: bool = Field(description="False while responses are hidden until close.")
    closed: bool
    responded: list[Ref] = Field(description="Named stakeholders who have responded.")
    silent_functions: list[Ref] = Field(description="Affected functions with no response yet.")
    unanswered: int = Field(description="Blocks and disagreements without the decider's answer.")
    responses: list[ResponseOut]


class DecisionAnswerIn(Schema):
    answer: str


class DecideIn(Schema):
    outcome_statement: str
    chosen_option: UUID | None = None
    version: int | None = None


class ReverseIn(Schema):
    reason: str


class ProposalOut(Schema):
    what_changes: str
    benefits: str
    risks: str
    rollout_plan: str
    success_measures: str
    measure_goals: list[TitleRef]
    measure_kpis: list[Ref]
    follow_up_date: date | None
    impacts: list["ImpactOut"]

    @staticmethod
    def resolve_measure_goals(obj: Any) -> list[Any]:
        return list(obj.measure_goals.all())

    @staticmethod
    def resolve_measure_kpis(obj: Any) -> list[Any]:
        return list(obj.measure_kpis.all())

    @staticmethod
    def resolve_impacts(obj: Any) -> list[Any]:
        return list(obj.impacts.select_related("function").order_by("function__name"))


class ImpactOut(Schema):
    id: UUID
    function: Ref
    roles: str
    impact: str
    level: ImpactLevel

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


ProposalOut.model_rebuild()


class _ProposalFields(Schema):
    benefits: str = ""
    risks: str = ""
    rollout_plan: str = ""
    success_measures: str = ""
    measure_goals: list[UUID] = []
    measure_kpis: list[UUID] = []
    follow_up_date: date | None = None


class ChangeCreate(DecisionCreate, _ProposalFields):
    what_changes: str


class ProposalUpdate(PatchSchema):
    NULLABLE = frozenset({"follow_up_date"})
    what_changes: str | None = None
    benefits: str | None = None
    risks: str | None = None
    rollout_plan: str | None = None
    success_measures: str | None = None
    measure_goals: list[UUID] | None = None
    measure_kpis: list[UUID] | None = None
    follow_up_date: date | None = None


class ImpactIn(Schema):
    function: UUID
    impact: str
    roles: str = ""
    level: ImpactLevel = "medium"


class ConcernIn(Schema):
    body: str
    anonymous: bool = False


class ConcernOut(Schema):
    id: UUID
    body: str
    raised_by: Ref | None = Field(description="Null for anonymous concerns.")
    function: Ref | None
    anonymous: bool
    status: str
    response: str
    responded_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ConcernRespondIn(Schema):
    response: str
    status: ConcernOutcome


class ReadinessIn(Schema):
    function: UUID
    phase: PhaseChoice = "before"
    awareness: Score = Field(ge=1, le=5)
    desire: Score = Field(ge=1, le=5)
    knowledge: Score = Field(ge=1, le=5)
    ability: Score = Field(ge=1, le=5)
    reinforcement: Score = Field(ge=1, le=5)
    note: str = ""


class ReadinessRowOut(Schema):
    function: Ref
    phase: PhaseChoice
    raters: int
    averages: dict[str, float]
    weakest: str


class ReadinessOut(Schema):
    rows: list[ReadinessRowOut]
    by_dimension: dict[str, dict[str, float]] = Field(
        description="Per phase: the average of each dimension across functions."
    )


# --- helpers --------------------------------------------------------------------------------

SINGLE_REFS: dict[str, type[Model]] = {
    "decider": Person,
    "partnership": Partnership,
    "function": Function,
}
MANY_REFS: dict[str, type[Model]] = {
    "consulted": Person,
    "informed": Person,
    "affected_functions": Function,
    "goals": Goal,
    "deliverables": Deliverable,
    "measure_goals": Goal,
    "measure_kpis": Kpi,
    "stakeholders": Person,
}


def _references(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    """Swap ids for this workspace's records, reporting every unknown id by field."""
    workspace = membership.workspace
    resolved = dict(fields)
    errors: dict[str, str] = {}
    for name, model in SINGLE_REFS.items():
        value = resolved.get(name)
        if value is None:
            continue
        source: Any = model._default_manager.filter(workspace=workspace)
        if model is Partnership:
            source = selectors.decision_partnership_choices(membership=membership)
        found = source.filter(uuid=value).first()
        if found is None:
            errors[name] = f"No {model._meta.verbose_name} with id {value} in this workspace."
        resolved[name] = found
    for name, model in MANY_REFS.items():
        values = resolved.get(name)
        if values is None:
            continue
        ids = [str(v) for v in values]
        rows = {
            str(row.uuid): row  # type: ignore[attr-defined]
            for row in model._default_manager.filter(workspace=workspace, uuid__in=ids)
        }
        unknown = [v for v in ids if v not in rows]
        if unknown:
            errors[name] = f"No {model._meta.verbose_name} with id {unknown[0]} in this workspace."
        resolved[name] = [rows[v] for v in ids if v in rows]
    if errors:
        raise ValidationError(errors)
    return resolved


def _get(membership: Membership, decision_id: str) -> Decision:
    return selectors.decision_get(membership=membership, uuid=decision_id, detail=True)


def _detail(membership: Membership, decision_id: Any, response: HttpResponse) -> Decision:
    fresh = _get(membership, str(decision_id))
    etag_set(response, fresh.version)
    return fresh


def _proposal(decision: Decision) -> ChangeProposal:
    return object_get(ChangeProposal, workspace=decision.workspace, decision=decision)


# --- decisions ------------------------------------------------------------------------------


@router.get("/decisions", response=Page[DecisionOut])
def list_decisions(
    request: HttpRequest, filters: Query[DecisionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The decision log you can see, newest first; search and filter like the page."""
    rows = selectors.decision_list(
        membership=membership_of(request),
        search=filters.q.strip(),
        partnership=str(filters.partnership) if filters.partnership else None,
        function=str(filters.function) if filters.function else None,
        status=filters.status,
        kind=filters.kind,
    )
    return paginate(request, rows, page)


@router.post("/decisions", response={201: DecisionDetailOut})
def create_decision(
    request: HttpRequest, payload: DecisionCreate, response: HttpResponse
) -> Status[Decision]:
    """Record a draft decision with exactly one decider. Needs member."""
    membership = role_require(request, "member")
    fields = _references(membership, payload.model_dump())
    fields["options"] = [dict(option) for option in fields["options"]]
    created = actions.decision_create(membership=membership, **fields)
    return Status(201, _detail(membership, created.uuid, response))


@router.get("/decisions/{decision_id}", response=DecisionDetailOut)
def get_decision(request: HttpRequest, decision_id: UUIDPath, response: HttpResponse) -> Decision:
    """One decision. The ETag header carries its version."""
    return _detail(membership_of(request), decision_id, response)


@router.patch("/decisions/{decision_id}", response=DecisionDetailOut)
def update_decision(
    request: HttpRequest, decision_id: UUIDPath, payload: DecisionUpdate, response: HttpResponse
) -> Decision:
    """Change a draft or open decision. A decided one answers 422: supersede it instead.

    Guard with If-Match (412) or a body `version` (409)."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    if_match_check(request, decision.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, decision.version)
    changes = _references(membership, changes)
    actions.decision_update(
        membership=membership, decision=decision, expected_version=expected, **changes
    )
    return _detail(membership, decision_id, response)


@router.delete("/decisions/{decision_id}", response={204: None})
def delete_decision(request: HttpRequest, decision_id: UUIDPath) -> Status[None]:
    """Delete a draft (anything opened or decided stays in the log)."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    if_match_check(request, decision.version)
    actions.decision_delete(membership=membership, decision=decision)
    return Status(204, None)


@router.post("/decisions/{decision_id}/open", response=DecisionDetailOut)
def open_decision(
    request: HttpRequest, decision_id: UUIDPath, payload: OpenIn, response: HttpResponse
) -> Decision:
    """Open a draft for input until `closes_at`, asking the stakeholders (recorded as
    input-requested notifications)."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    if_match_check(request, decision.version)
    fields = _references(membership, payload.model_dump())
    actions.decision_open(
        membership=membership,
        decision=decision,
        closes_at=fields["closes_at"],
        input_mode=fields["input_mode"],
        stakeholders=fields["stakeholders"],
        hide_responses_until_close=fields["hide_responses_until_close"],
        allow_anonymous=fields["allow_anonymous"],
    )
    return _detail(membership, decision_id, response)


@router.get("/decisions/{decision_id}/input", response=InputOut)
def decision_input(request: HttpRequest, decision_id: UUIDPath) -> dict[str, Any]:
    """Responses and coverage by function. While responses are hidden until close, only
    named responders are listed (anonymous ones not at all) and `responses` is empty."""
    decision = _get(membership_of(request), decision_id)
    summary = selectors.decision_input_summary(decision=decision)
    return {
        "visible": summary.visible,
        "closed": summary.closed,
        "responded": summary.responded_people,
        "silent_functions": summary.silent_functions,
        "unanswered": summary.unanswered if summary.visible else 0,
        "responses": summary.responses,
    }


@router.post("/decisions/{decision_id}/responses", response={201: ResponseOut})
def respond_to_decision(
    request: HttpRequest, decision_id: UUIDPath, payload: RespondIn
) -> Status[DecisionResponse]:
    """Respond once as a stakeholder (a block needs a reason; anonymous when allowed)."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    created = actions.decision_respond(membership=membership, decision=decision, **payload.dict())
    return Status(201, created)


@router.post("/decisions/{decision_id}/responses/{response_id}/answer", response=ResponseOut)
def answer_response(
    request: HttpRequest, decision_id: UUIDPath, response_id: UUIDPath, payload: DecisionAnswerIn
) -> DecisionResponse:
    """The decider's written answer to a response."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    row = object_get(
        DecisionResponse.objects.filter(decision=decision).select_related("person", "function"),
        workspace=decision.workspace,
        uuid=response_id,
    )
    row.decision = decision
    return actions.decision_response_answer(
        membership=membership, response=row, answer=payload.answer
    )


@router.post("/decisions/{decision_id}/decide", response=DecisionDetailOut)
def decide_decision(
    request: HttpRequest, decision_id: UUIDPath, payload: DecideIn, response: HttpResponse
) -> Decision:
    """Record the outcome (the decider only). Refused (422) before input closes, while a
    block or disagreement has no answer, or while a change has open concerns."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    if_match_check(request, decision.version)
    option = None
    if payload.chosen_option is not None:
        option = DecisionOption.objects.filter(
            decision=decision, uuid=payload.chosen_option
        ).first()
        if option is None:
            raise ValidationError({"chosen_option": "Choose one of this decision's options."})
    actions.decision_decide(
        membership=membership,
        decision=decision,
        outcome_statement=payload.outcome_statement,
        chosen_option=option,
        expected_version=payload.version,
    )
    return _detail(membership, decision_id, response)


@router.post("/decisions/{decision_id}/supersede", response={201: DecisionDetailOut})
def supersede_decision(
    request: HttpRequest, decision_id: UUIDPath, response: HttpResponse
) -> Status[Decision]:
    """Start the draft that will supersede a decided decision once it is decided."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    successor = actions.decision_supersede(membership=membership, decision=decision)
    return Status(201, _detail(membership, successor.uuid, response))


@router.post("/decisions/{decision_id}/reverse", response=DecisionDetailOut)
def reverse_decision(
    request: HttpRequest, decision_id: UUIDPath, payload: ReverseIn, response: HttpResponse
) -> Decision:
    """Mark a decided decision reversed, with the reason."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    if_match_check(request, decision.version)
    actions.decision_reverse(membership=membership, decision=decision, reason=payload.reason)
    return _detail(membership, decision_id, response)


# --- change proposals -----------------------------------------------------------------------


@router.post("/change-proposals", response={201: DecisionDetailOut})
def create_change_proposal(
    request: HttpRequest, payload: ChangeCreate, response: HttpResponse
) -> Status[Decision]:
    """Propose a change: a draft decision of kind "change" with what changes, why, risks,
    rollout and success measures."""
    membership = role_require(request, "member")
    fields = _references(membership, payload.model_dump())
    fields["options"] = [dict(option) for option in fields["options"]]
    created = change_actions.change_proposal_create(membership=membership, **fields)
    return Status(201, _detail(membership, created.uuid, response))


@router.get("/decisions/{decision_id}/change", response=ProposalOut)
def get_change_proposal(request: HttpRequest, decision_id: UUIDPath) -> ChangeProposal:
    """The change-specific fields and impacts of a change proposal."""
    return _proposal(_get(membership_of(request), decision_id))


@router.patch("/decisions/{decision_id}/change", response=ProposalOut)
def update_change_proposal(
    request: HttpRequest, decision_id: UUIDPath, payload: ProposalUpdate
) -> ChangeProposal:
    """Change the proposal's fields while it is not decided."""
    membership = role_require(request, "member")
    proposal = _proposal(_get(membership, decision_id))
    changes = _references(membership, payload.model_dump(exclude_unset=True))
    return change_actions.change_proposal_update(
        membership=membership, proposal=proposal, **changes
    )


@router.post("/decisions/{decision_id}/change/impacts", response={201: ImpactOut})
def set_change_impact(
    request: HttpRequest, decision_id: UUIDPath, payload: ImpactIn
) -> Status[ChangeImpact]:
    """Set the impact on one function (replaces its previous impact)."""
    membership = role_require(request, "member")
    proposal = _proposal(_get(membership, decision_id))
    fields = _references(membership, payload.model_dump())
    return Status(
        201,
        change_actions.change_impact_set(membership=membership, proposal=proposal, **fields),
    )


@router.get("/decisions/{decision_id}/change/concerns", response=Page[ConcernOut])
def list_concerns(
    request: HttpRequest, decision_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Concerns about the change, oldest first, open and answered."""
    proposal = _proposal(_get(membership_of(request), decision_id))
    rows: QuerySet[Concern] = selectors.change_concern_list(proposal=proposal)
    return paginate(request, rows, page)


@router.post("/decisions/{decision_id}/change/concerns", response={201: ConcernOut})
def raise_concern(
    request: HttpRequest, decision_id: UUIDPath, payload: ConcernIn
) -> Status[Concern]:
    """Raise a concern (people affected by the change; optionally anonymous)."""
    membership = role_require(request, "member")
    proposal = _proposal(_get(membership, decision_id))
    return Status(
        201,
        change_actions.concern_raise(membership=membership, proposal=proposal, **payload.dict()),
    )


@router.post("/decisions/{decision_id}/change/concerns/{concern_id}/respond", response=ConcernOut)
def respond_to_concern(
    request: HttpRequest, decision_id: UUIDPath, concern_id: UUIDPath, payload: ConcernRespondIn
) -> Concern:
    """Answer a concern in writing, with its outcome."""
    membership = role_require(request, "member")
    decision = _get(membership, decision_id)
    proposal = _proposal(decision)
    concern = object_get(
        Concern.objects.filter(proposal=proposal).select_related("raised_by", "function"),
        workspace=decision.workspace,
        uuid=concern_id,
    )
    concern.proposal = proposal
    return change_actions.concern_respond(membership=membership, concern=concern, **payload.dict())


@router.post("/decisions/{decision_id}/change/readiness", response={201: None})
def submit_readiness(
    request: HttpRequest, decision_id: UUIDPath, payload: ReadinessIn
) -> Status[None]:
    """Rate an affected function's readiness (1–5 per dimension), once per phase."""
    membership = role_require(request, "member")
    proposal = _proposal(_get(membership, decision_id))
    fields = _references(membership, payload.model_dump())
    change_actions.readiness_submit(membership=membership, proposal=proposal, **fields)
    return Status(201, None)


@router.get("/decisions/{decision_id}/change/readiness", response=ReadinessOut)
def readiness_summary(request: HttpRequest, decision_id: UUIDPath) -> dict[str, Any]:
    """Average readiness per function and phase, with each row's weakest dimension."""
    proposal = _proposal(_get(membership_of(request), decision_id))
    summary = selectors.change_readiness_summary(proposal=proposal)
    return {
        "rows": [
            {
                "function": row.function,
                "phase": row.phase,
                "raters": row.raters,
                "averages": row.averages,
                "weakest": row.weakest,
            }
            for row in summary.rows
        ],
        "by_dimension": summary.by_dimension,
    }
