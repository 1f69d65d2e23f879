"""Survey instruments, cycles, invitations and answering over the API: the same visibility,
permissions and refusals as the pages.

No operation returns an individual response or answer: answering returns only that it was
received, and results (aggregates, with the anonymity rules) live in api_results.
"""

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.security.base import AuthBase

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check
from accord.api.problems import Problem
from accord.api.schemas import Page, PageParams, PatchSchema, Ref, UUIDPath, paginate
from accord.org.models import Function
from accord.partnerships.selectors import partnership_get
from accord.surveys import cycle_actions, instrument_actions
from accord.surveys import cycle_selectors as cycles
from accord.surveys import instrument_selectors as instruments
from accord.surveys.instruments import ItemSpec
from accord.surveys.models import Cycle, Instrument, InstrumentKind, Invitation, Item, ItemKind
from accord.surveys.respond_actions import (
    AlreadyAnswered,
    AnswerInput,
    SurveyNotOpen,
    invitation_by_token,
    respondent_targets,
    response_submit,
)
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    CycleStatus = str
    ItemKindChoice = str
    InstrumentKindChoice = str
else:
    CycleStatus = Literal[tuple(Cycle.Status.values)]
    ItemKindChoice = Literal[tuple(ItemKind.values)]
    InstrumentKindChoice = Literal[tuple(InstrumentKind.values)]

# Refusals of an answer that are not field errors: stable problem types of this area.

router = Router(tags=["Surveys"])


# --- shapes: instruments --------------------------------------------------------------------


class ItemOut(Schema):
    key: str = Field(description="Stable across versions; answers name the question by it.")
    position: int
    kind: ItemKindChoice
    text: str
    help_text: str
    dimension: str = Field(description="Coordination: communication or relationship.")
    reverse: bool = Field(description="Worded negatively; scoring reverses it.")
    required: bool
    options: list[str] = Field(description="Answer labels in display order (positions 1…n).")
    scores: list[float] = Field(
        description="Score of each option by position (the frequency item: 1, 3, 5, 4, 2)."
    )


class VersionSummary(Schema):
    number: int
    scale_points: int
    note: str
    created_at: datetime


class VersionOut(VersionSummary):
    items: list[ItemOut]


class InstrumentOut(Schema):
    id: UUID
    key: str
    name: str
    kind: InstrumentKindChoice
    description: str
    built_in: bool
    archived: bool
    copied_from: UUID | None
    latest_version: int | None = Field(description="Number of the newest version.")
    cycle_count: int = Field(description="Survey cycles that ran any version of it.")
    version: int = Field(description="Record version (name, description, archived).")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_copied_from(obj: Any) -> Any:
        return obj.copied_from.uuid if obj.copied_from_id else None

    @staticmethod
    def resolve_latest_version(obj: Any) -> Any:
        return getattr(obj, "latest_number", None)

    @staticmethod
    def resolve_cycle_count(obj: Any) -> int:
        return int(getattr(obj, "cycle_count", 0) or 0)


class InstrumentDetailOut(InstrumentOut):
    versions: list[VersionSummary] = Field(description="Newest first.")
    items: list[ItemOut] = Field(description="The questions of the latest version.")

    @staticmethod
    def resolve_versions(obj: Any) -> Any:
        return obj.versions_list

    @staticmethod
    def resolve_items(obj: Any) -> Any:
        return obj.items_list


class ItemIn(Schema):
    key: str = Field(max_length=60, description="Lowercase letters, digits, - and _.")
    kind: ItemKindChoice
    text: str = Field(max_length=1000)
    help_text: str = ""
    dimension: str = ""
    reverse: bool = False
    options: list[str] = Field(
        default_factory=list,
        description="Agree scale (any length; empty = the instrument's agree scale), single or "
        "multiple choice labels; health: green, [yellow,] red descriptions; coordination: "
        "exactly five.",
    )
    required: bool = False

    def spec(self) -> ItemSpec:
        return ItemSpec(
            key=self.key,
            kind=self.kind,
            text=self.text,
            help_text=self.help_text,
            dimension=self.dimension,
            reverse=self.reverse,
            options=tuple(self.options),
            required=self.required,
        )


class InstrumentCreate(Schema):
    name: str = Field(max_length=150)
    description: str = ""
    scale_points: int = Field(5, description="Agree-scale length (2–11).")
    items: list[ItemIn]
    note: str = Field("", max_length=300)


class InstrumentCopy(Schema):
    name: str = Field("", max_length=150, description="Defaults to “Copy of …”.")


class VersionCreate(Schema):
    """A new version: the items sent replace the questions (send them all); scale, name and
    description change when given. Nothing changed, nothing written."""

    items: list[ItemIn] | None = None
    scale_points: int | None = None
    name: str | None = Field(None, max_length=150)
    description: str | None = None
    note: str = Field("", max_length=300)


class InstrumentFilterParams(Schema):
    archived: bool = Field(False, description="Include archived instruments.")


# --- shapes: cycles -------------------------------------------------------------------------


class InstrumentRef(Schema):
    id: UUID
    name: str
    kind: InstrumentKindChoice

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class PartnershipRef(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class CycleOut(Schema):
    id: UUID
    title: str
    instrument: InstrumentRef
    instrument_version: int = Field(description="The version it asks (set when it opens).")
    partnership: PartnershipRef | None
    functions: list[Ref] = Field(description="Chosen functions; empty = the partnership's members.")
    opens_at: datetime
    closes_at: datetime
    status: CycleStatus
    rate_own_function: bool
    min_group: int = Field(description="k: the smallest group results show (never below 3).")
    min_comments: int = Field(description="Respondents needed before comments show.")
    frozen_at: datetime | None = Field(description="When thresholds froze (the cycle opened).")
    recur_weeks: int | None
    previous: UUID | None
    invited: int
    responded: int
    revision: int = Field(description="Changes with every edit; the ETag carries it.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_instrument(obj: Any) -> Any:
        return obj.version.instrument

    @staticmethod
    def resolve_instrument_version(obj: Any) -> int:
        return int(obj.version.number)

    @staticmethod
    def resolve_functions(obj: Any) -> list[Any]:
        return list(obj.functions.all())

    @staticmethod
    def resolve_previous(obj: Any) -> Any:
        return obj.previous.uuid if obj.previous_id else None

    @staticmethod
    def resolve_invited(obj: Any) -> int:
        return int(getattr(obj, "invited_count", 0) or 0)

    @staticmethod
    def resolve_responded(obj: Any) -> int:
        return int(getattr(obj, "responded_count", 0) or 0)

    @staticmethod
    def resolve_revision(obj: Any) -> int:
        return _revision(obj)


class CycleDetailOut(CycleOut):
    target_functions: list[Ref] = Field(
        description="The functions the survey is about (coordination rates these)."
    )
    questions: list[ItemOut]

    @staticmethod
    def resolve_target_functions(obj: Any) -> Any:
        return obj.target_list

    @staticmethod
    def resolve_questions(obj: Any) -> Any:
        return obj.question_list


class CycleCreate(Schema):
    title: str = Field(max_length=200)
    instrument: UUID
    partnership: str | None = Field(None, description="Slug of the partnership.")
    functions: list[UUID] = Field(
        default_factory=list, description="Ask everyone in these functions instead of the members."
    )
    opens_at: datetime
    closes_at: datetime
    recur_weeks: int | None = Field(None, description="Repeat every N weeks (1–52).")
    min_group: int | None = Field(None, description="k (default: the workspace's, 5; ≥ 3).")
    min_comments: int | None = Field(None, description="Default: the workspace's, 10; ≥ k.")
    rate_own_function: bool = False


class CyclePatch(PatchSchema):
    """Only the fields sent change. A draft changes freely; an open cycle only its title and
    closing time (the rest froze when it opened); a closed one not at all."""

    NULLABLE = frozenset({"partnership", "recur_weeks", "version"})

    title: str | None = Field(None, max_length=200)
    instrument: UUID | None = None
    partnership: str | None = None
    functions: list[UUID] | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    recur_weeks: int | None = None
    min_group: int | None = None
    min_comments: int | None = None
    rate_own_function: bool | None = None


class CycleFilterParams(Schema):
    q: str = Field("", description="Search in titles.")
    status: CycleStatus | None = None
    partnership: str | None = Field(None, description="Partnership slug, or `none`.")
    instrument: UUID | None = None


class FunctionRateOut(Schema):
    function: str
    function_id: UUID | None
    invited: int
    responded: int
    rate: float | None


class RatesOut(Schema):
    invited: int
    responded: int
    rate: float | None
    by_function: list[FunctionRateOut]


class OpenedOut(Schema):
    cycle: CycleOut
    invited: int
    next_cycle: UUID | None = Field(description="The next draft of a recurring cycle.")


# --- shapes: invitations and answers --------------------------------------------------------


class SurveyInvitationOut(Schema):
    cycle: CycleOut
    responded: bool
    function: Ref | None = Field(description="The function your answers count for.")
    targets: list[Ref] = Field(description="Coordination: the functions you rate.")
    answer_url: str = Field(description="The page to answer in the browser.")


class AnswerIn(Schema):
    item: str = Field(description="The question's key.")
    target: UUID | None = Field(None, description="Coordination: the function rated.")
    position: int | None = Field(
        None,
        description="The chosen answer's position in display order (1…n): agree scales, "
        "single choice, coordination, health votes (1 green, 2 yellow, 3 red).",
    )
    value: float | None = Field(None, description="0–10 questions: a whole number 0…10.")
    choices: list[int] | None = Field(None, description="Multiple choice: chosen positions.")
    text: str | None = Field(None, description="Open questions (≤ 2000 characters).")
    trend: str | None = Field(None, description="Health check: better, same or worse.")

    def answer(self, index: int) -> AnswerInput:
        return AnswerInput(
            item=self.item,
            target=str(self.target) if self.target is not None else None,
            position=self.position,
            value=self.value,
            choices=tuple(self.choices) if self.choices is not None else None,
            text=self.text,
            trend=self.trend,
            index=index,
        )


class ResponseIn(Schema):
    answers: list[AnswerIn]


class TokenResponseIn(ResponseIn):
    token: str | None = Field(
        None,
        max_length=200,
        description="The token of the one-time link (or send it as the X-Survey-Token header).",
    )


class ReceivedOut(Schema):
    received: bool
    detail: str


# --- helpers --------------------------------------------------------------------------------


class SurveyTokenAuth(AuthBase):
    """The one-time link's token is the credential: from the `X-Survey-Token` header or the
    body's `token`. No token is a 401 like any other call without credentials; an unknown
    one is a 401 that says so."""

    openapi_type = "apiKey"
    openapi_in = "header"
    openapi_name = "X-Survey-Token"

    def __call__(self, request: HttpRequest) -> Invitation | None:
        token = request.headers.get("X-Survey-Token") or _body_token(request)
        if not token:
            return None
        invitation = invitation_by_token(token)
        if invitation is None:
            raise Problem(
                "not-authenticated",
                "No survey matches this token; check the link it came from.",
            )
        request.survey_invitation = invitation  # type: ignore[attr-defined]
        return invitation


def _body_token(request: HttpRequest) -> str:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return ""
    token = body.get("token") if isinstance(body, dict) else None
    return token if isinstance(token, str) else ""


def _revision(cycle: Cycle) -> int:
    return int(cycle.updated_at.timestamp() * 1_000_000)


def _instrument(membership: Membership, instrument: str) -> Instrument:
    return instruments.instrument_get(membership=membership, uuid=instrument)


def _items(items: list[Item]) -> list[dict[str, Any]]:
    return [
        {
            "key": item.key,
            "position": item.position,
            "kind": item.kind,
            "text": item.text,
            "help_text": item.help_text,
            "dimension": item.dimension,
            "reverse": item.reverse,
            "required": item.required,
            "options": [str(o) for o in item.options or []],
            "scores": [float(s) for s in item.scores or []],
        }
        for item in items
    ]


def _instrument_detail(membership: Membership, instrument: Instrument) -> Instrument:
    fresh = _instrument(membership, str(instrument.uuid))
    versions = list(instruments.instrument_version_list(instrument=fresh))
    latest = versions[0] if versions else None
    fresh.versions_list = versions  # type: ignore[attr-defined]
    fresh.items_list = (  # type: ignore[attr-defined]
        _items(instruments.version_item_list(version=latest)) if latest else []
    )
    return fresh


def _cycle(membership: Membership, cycle: str) -> Cycle:
    return cycles.cycle_get(membership=membership, uuid=cycle)


def _cycle_detail(membership: Membership, cycle: Cycle, response: HttpResponse) -> Cycle:
    fresh = _cycle(membership, str(cycle.uuid))
    fresh.target_list = cycles.cycle_target_functions(cycle=fresh)  # type: ignore[attr-defined]
    fresh.question_list = _items(cycles.cycle_items(cycle=fresh))  # type: ignore[attr-defined]
    etag_set(response, _revision(fresh))
    return fresh


def _manage_require(membership: Membership, cycle: Cycle) -> None:
    if not cycles.cycle_can_manage(membership=membership, cycle=cycle):
        raise Problem(
            "permission-denied",
            "Only workspace admins and the lead and sponsor of the survey's partnership can "
            "do this.",
        )


def _references(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    """Swap ids and slugs for records, reporting every unknown one at once."""
    resolved = dict(fields)
    errors: dict[str, list[str]] = {}
    if "instrument" in resolved and resolved["instrument"] is not None:
        try:
            resolved["instrument"] = object_get(
                Instrument, workspace=membership.workspace, uuid=resolved["instrument"]
            )
        except Http404:
            errors["instrument"] = [f"No instrument with id {fields['instrument']}."]
    if resolved.get("partnership") is not None:
        try:
            resolved["partnership"] = partnership_get(
                membership=membership, slug=resolved["partnership"]
            )
        except Http404:
            errors["partnership"] = [f"No partnership “{fields['partnership']}” you can see."]
    if "functions" in resolved and resolved["functions"] is not None:
        wanted = {str(value) for value in resolved["functions"]}
        found = list(Function.objects.filter(workspace=membership.workspace, uuid__in=wanted))
        missing = wanted - {str(f.uuid) for f in found}
        if missing:
            errors["functions"] = [f"No function with id {sorted(missing)[0]} in this workspace."]
        resolved["functions"] = found
    if errors:
        raise ValidationError(errors)
    return resolved


def _answer(invitation: Invitation, answers: list[AnswerIn]) -> ReceivedOut:
    try:
        response_submit(
            invitation=invitation,
            answers=[answer.answer(index) for index, answer in enumerate(answers)],
        )
    except AlreadyAnswered as refused:
        raise Problem("already-answered", refused.message) from None
    except SurveyNotOpen as refused:
        raise Problem("survey-not-open", refused.message, closed=refused.closed) from None
    return ReceivedOut(received=True, detail="Thank you — your answers are saved, anonymously.")


# --- instruments ----------------------------------------------------------------------------


@router.get("/survey-instruments", response=Page[InstrumentOut])
def list_survey_instruments(
    request: HttpRequest, filters: Query[InstrumentFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """List the workspace's instruments, built-in first (any role reads them)."""
    membership = membership_of(request)
    instrument_actions.builtins_ensure(workspace=membership.workspace)
    rows = instruments.instrument_list(membership=membership, include_archived=filters.archived)
    return paginate(request, rows, page)


@router.post("/survey-instruments", response={201: InstrumentDetailOut})
def create_survey_instrument(
    request: HttpRequest, payload: InstrumentCreate, response: HttpResponse
) -> Status[Instrument]:
    """Compose a custom instrument (agree scales, 0–10, single/multiple choice, open text).
    Needs admin."""
    membership = role_require(request, "admin")
    created = instrument_actions.instrument_create(
        membership=membership,
        name=payload.name,
        description=payload.description,
        scale_points=payload.scale_points,
        items=[item.spec() for item in payload.items],
        note=payload.note,
    )
    response["Location"] = reverse("api:get_survey_instrument", args=[created.uuid])
    return Status(201, _instrument_detail(membership, created))


@router.get("/survey-instruments/{instrument}", response=InstrumentDetailOut)
def get_survey_instrument(request: HttpRequest, instrument: UUIDPath) -> Instrument:
    """One instrument with its version history and the latest version's questions."""
    membership = membership_of(request)
    return _instrument_detail(membership, _instrument(membership, instrument))


@router.get("/survey-instruments/{instrument}/versions/{number}", response=VersionOut)
def get_survey_instrument_version(
    request: HttpRequest, instrument: UUIDPath, number: int
) -> dict[str, Any]:
    """One version's questions, as cycles that ran it asked them."""
    found = _instrument(membership_of(request), instrument)
    version = instruments.instrument_version_get(instrument=found, number=number)
    return {
        "number": version.number,
        "scale_points": version.scale_points,
        "note": version.note,
        "created_at": version.created_at,
        "items": _items(instruments.version_item_list(version=version)),
    }


@router.post("/survey-instruments/{instrument}/copy", response={201: InstrumentDetailOut})
def copy_survey_instrument(
    request: HttpRequest, instrument: UUIDPath, payload: InstrumentCopy, response: HttpResponse
) -> Status[Instrument]:
    """Copy an instrument (built-ins too) into an editable one, e.g. to paste licensed
    wording. Needs admin."""
    membership = role_require(request, "admin")
    copy = instrument_actions.instrument_copy(
        membership=membership, instrument=_instrument(membership, instrument), name=payload.name
    )
    response["Location"] = reverse("api:get_survey_instrument", args=[copy.uuid])
    return Status(201, _instrument_detail(membership, copy))


@router.post("/survey-instruments/{instrument}/versions", response={201: InstrumentDetailOut})
def create_survey_instrument_version(
    request: HttpRequest, instrument: UUIDPath, payload: VersionCreate
) -> Status[Instrument]:
    """Edit an instrument: changed questions or scale write a new version (past cycles keep
    theirs). Answers 201 with the instrument either way. Needs admin."""
    membership = role_require(request, "admin")
    found = _instrument(membership, instrument)
    if_match_check(request, found.version)
    instrument_actions.instrument_edit(
        membership=membership,
        instrument=found,
        items=[item.spec() for item in payload.items] if payload.items is not None else None,
        scale_points=payload.scale_points,
        name=payload.name,
        description=payload.description,
        note=payload.note,
    )
    return Status(201, _instrument_detail(membership, found))


# --- cycles ---------------------------------------------------------------------------------


@router.get("/survey-cycles", response=Page[CycleOut])
def list_survey_cycles(
    request: HttpRequest, filters: Query[CycleFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """List the survey cycles you can see, newest first."""
    rows = cycles.cycle_list(
        membership=membership_of(request),
        filters=cycles.CycleFilters(
            status=filters.status,
            partnership=filters.partnership or None,
            instrument=str(filters.instrument) if filters.instrument else None,
            search=filters.q.strip(),
        ),
    )
    return paginate(request, rows, page)


@router.post("/survey-cycles", response={201: CycleDetailOut})
def create_survey_cycle(
    request: HttpRequest, payload: CycleCreate, response: HttpResponse
) -> Status[Cycle]:
    """Create a draft cycle. Needs admin, or the partnership's lead or sponsor for its own.

    It asks the instrument's latest version; k defaults to the workspace's (5), never below 3.
    """
    membership = role_require(request, "member")
    fields = _references(membership, payload.model_dump())
    created = cycle_actions.cycle_create(membership=membership, **fields)
    response["Location"] = reverse("api:get_survey_cycle", args=[created.uuid])
    return Status(201, _cycle_detail(membership, created, response))


@router.get("/survey-cycles/{cycle}", response=CycleDetailOut)
def get_survey_cycle(request: HttpRequest, cycle: UUIDPath, response: HttpResponse) -> Cycle:
    """One cycle with the functions it is about and its questions. The ETag carries its
    revision."""
    membership = membership_of(request)
    return _cycle_detail(membership, _cycle(membership, cycle), response)


@router.patch("/survey-cycles/{cycle}", response=CycleDetailOut)
def update_survey_cycle(
    request: HttpRequest, cycle: UUIDPath, payload: CyclePatch, response: HttpResponse
) -> Cycle:
    """Change a cycle. Drafts change freely; once open, thresholds, audience and questions
    are frozen (422 naming the field) and only the title and closing time change."""
    membership = role_require(request, "member")
    found = _cycle(membership, cycle)
    _manage_require(membership, found)
    if_match_check(request, _revision(found))
    changes = _references(membership, payload.model_dump(exclude_unset=True))
    changes.pop("version", None)
    cycle_actions.cycle_update(membership=membership, cycle=found, **changes)
    return _cycle_detail(membership, found, response)


@router.delete("/survey-cycles/{cycle}", response={204: None})
def delete_survey_cycle(request: HttpRequest, cycle: UUIDPath) -> Status[None]:
    """Delete a draft (opened cycles are kept). Needs a manager of the cycle."""
    membership = role_require(request, "member")
    found = _cycle(membership, cycle)
    _manage_require(membership, found)
    if_match_check(request, _revision(found))
    cycle_actions.cycle_delete(membership=membership, cycle=found)
    return Status(204, None)


@router.post("/survey-cycles/{cycle}/open", response=OpenedOut)
def open_survey_cycle(request: HttpRequest, cycle: UUIDPath) -> dict[str, Any]:
    """Open a draft now: thresholds freeze, everyone in its audience is invited with a
    one-time link (email and inbox)."""
    membership = role_require(request, "member")
    found = _cycle(membership, cycle)
    _manage_require(membership, found)
    opened = cycle_actions.cycle_open(cycle=found, membership=membership)
    return {
        "cycle": _cycle(membership, cycle),
        "invited": opened.invited,
        "next_cycle": opened.successor.uuid if opened.successor else None,
    }


@router.post("/survey-cycles/{cycle}/close", response=CycleOut)
def close_survey_cycle(request: HttpRequest, cycle: UUIDPath) -> Cycle:
    """Close an open cycle now; it takes no more answers."""
    membership = role_require(request, "member")
    found = _cycle(membership, cycle)
    _manage_require(membership, found)
    cycle_actions.cycle_close(cycle=found, membership=membership)
    return _cycle(membership, cycle)


@router.get("/survey-cycles/{cycle}/response-rates", response=RatesOut)
def survey_cycle_response_rates(request: HttpRequest, cycle: UUIDPath) -> dict[str, Any]:
    """Invited and answered counts, overall and per function (cycle managers only): how
    many answered, never what."""
    membership = membership_of(request)
    found = _cycle(membership, cycle)
    _manage_require(membership, found)
    rates = cycles.cycle_response_rates(cycle=found)
    uuids = dict(
        Function.objects.filter(
            workspace=membership.workspace,
            pk__in=[r.function_id for r in rates.by_function if r.function_id],
        ).values_list("pk", "uuid")
    )
    return {
        "invited": rates.invited,
        "responded": rates.responded,
        "rate": rates.rate,
        "by_function": [
            {
                "function": rate.function,
                "function_id": uuids.get(rate.function_id) if rate.function_id else None,
                "invited": rate.invited,
                "responded": rate.responded,
                "rate": rate.rate,
            }
            for rate in rates.by_function
        ],
    }


# --- invitations and answering --------------------------------------------------------------


@router.get("/survey-invitations", response=list[SurveyInvitationOut])
def list_my_survey_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    """Your invitations to open surveys, answered or not, soonest closing first."""
    membership = membership_of(request)
    rows = list(cycles.my_invitation_list(membership=membership).select_related("function"))
    visible = {
        c.pk: c
        for c in cycles.cycle_list(membership=membership).filter(pk__in=[i.cycle_id for i in rows])
    }
    targets_by_cycle: dict[int, list[Function]] = {}
    result = []
    for invitation in rows:
        cycle = visible.get(invitation.cycle_id)
        if cycle is None:
            continue
        if cycle.pk not in targets_by_cycle:
            targets_by_cycle[cycle.pk] = cycles.cycle_target_functions(cycle=cycle)
        result.append(
            {
                "cycle": cycle,
                "responded": invitation.responded,
                "function": invitation.function,
                "targets": respondent_targets(
                    cycle=cycle,
                    functions=targets_by_cycle[cycle.pk],
                    own_function_id=invitation.function_id,
                ),
                "answer_url": reverse(
                    "survey_respond", args=[membership.workspace.slug, cycle.uuid]
                ),
            }
        )
    return result


@router.post("/survey-cycles/{cycle}/responses", response={201: ReceivedOut})
def answer_survey_cycle(
    request: HttpRequest, cycle: UUIDPath, payload: ResponseIn
) -> Status[ReceivedOut]:
    """Answer a survey you are invited to, as yourself (any role). The answer is stored
    without your name; a second one is refused (409), as is a closed survey (409); answers
    out of range are 422 with one error per answer (`answers.<n>.<field>`)."""
    membership = membership_of(request)
    found = _cycle(membership, cycle)
    invitation = cycles.my_invitation_for(membership=membership, cycle=found)
    if invitation is None:
        raise Problem("permission-denied", "You are not invited to this survey.")
    invitation.cycle = found
    return Status(201, _answer(invitation, payload.answers))


@router.post("/survey-responses", response={201: ReceivedOut}, auth=SurveyTokenAuth())
def answer_survey_by_token(request: HttpRequest, payload: TokenResponseIn) -> Status[ReceivedOut]:
    """Answer with the token of a one-time invitation link; no account needed. Same rules:
    409 for a second answer or a survey that does not take answers now, 422 per bad answer;
    an unknown token is a 401."""
    invitation: Invitation = request.survey_invitation  # type: ignore[attr-defined]
    return Status(201, _answer(invitation, payload.answers))
