"""Communication plans over the API: channels, cadences (with adherence) and contacts of a
partnership, the workspace's adherence overview, the side-by-side profile comparison and the
channel advisor. Same permissions as the pages: whoever sees the partnership reads its plan;
its lead and sponsor and workspace admins change it."""

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import LocalTime, Page, PageParams, PatchSchema, UUIDPath, paginate
from accord.comms import plan_actions as actions
from accord.comms import plan_selectors as selectors
from accord.comms import profile_selectors
from accord.comms.models_plan import Cadence, ChannelKind, CommChannel, ContactEntry
from accord.metrics.channels import INTERACTIONS, LEVELS, MessageTraits, channel_advise
from accord.org.models import Function
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    Kind = str
    CadenceKind = str
    Unit = str
    Level = str
    Interaction = str
else:
    Kind = Literal[tuple(ChannelKind.values)]
    CadenceKind = Literal[tuple(Cadence.Kind.values)]
    Unit = Literal[tuple(Cadence.Unit.values)]
    Level = Literal[LEVELS]
    Interaction = Literal[INTERACTIONS]

router = Router(tags=["Communication plans"])


# --- shapes ---------------------------------------------------------------------------------


class PlanLink(Schema):
    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class PlanPartnershipLink(Schema):
    id: UUID
    slug: str
    name: str
    status: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ChannelOut(Schema):
    id: UUID
    kind: Kind
    name: str
    url: str
    purpose: str
    position: int
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ChannelIn(Schema):
    kind: Kind
    name: str = Field(max_length=120)
    url: str = Field("", max_length=500, description="https://, http:// or mailto: link.")
    purpose: str = Field("", max_length=300)
    position: int | None = Field(None, ge=0, le=1000)


class ChannelPatch(PatchSchema):
    kind: Kind | None = None
    name: str | None = Field(None, max_length=120)
    url: str | None = Field(None, max_length=500)
    purpose: str | None = Field(None, max_length=300)
    position: int | None = Field(None, ge=0, le=1000)
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class AdherenceOut(Schema):
    compliance: float | None = Field(description="Due dates met / judged, last 182 days.")
    met: int
    missed: int
    missed_streak: int = Field(description="Most recent due dates missed in a row.")
    last_missed: date | None
    last_met: date | None
    next_due: date = Field(description="The earliest due date neither met nor missed.")
    status: str = Field(description="ok, late (within grace), missed or paused")
    flagged: bool = Field(description="Inadequate communication: missed past grace.")
    source: str = Field(description="What counts as meeting this cadence.")
    reasons: list[str]


def _adherence_out(row: selectors.CadenceAdherence) -> dict[str, Any]:
    report = row.report
    return {
        "compliance": report.compliance,
        "met": report.met,
        "missed": report.missed,
        "missed_streak": report.missed_streak,
        "last_missed": report.last_missed,
        "last_met": report.last_met,
        "next_due": report.next_due,
        "status": row.status,
        "flagged": row.flagged,
        "source": row.source,
        "reasons": list(report.reasons),
    }


class CadenceOut(Schema):
    id: UUID
    kind: CadenceKind
    name: str
    interval: int
    unit: Unit
    starts_on: date = Field(description="The first due date.")
    next_due: date
    grace_days: int
    owner: PlanLink | None = Field(description="Null: reminders go to the partnership lead.")
    channel: PlanLink | None
    meeting_time: time | None
    meeting_minutes: int
    active: bool
    adherence: AdherenceOut
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_adherence(obj: Any) -> dict[str, Any]:
        return _adherence_out(obj.adherence_row)

    @staticmethod
    def resolve_next_due(obj: Any) -> date:
        return obj.adherence_row.report.next_due  # type: ignore[no-any-return]


class CadenceIn(Schema):
    kind: CadenceKind
    name: str = Field("", max_length=120, description="Empty: the kind names it.")
    interval: int | None = Field(None, ge=1, le=52, description="Empty: the kind's rhythm.")
    unit: Unit | None = None
    starts_on: date = Field(description="The first due date.")
    grace_days: int = Field(2, ge=0, le=30)
    owner: UUID | None = Field(None, description="Person id; null: the partnership lead.")
    channel: UUID | None = Field(None, description="Id of one of the partnership's channels.")
    meeting_time: LocalTime | None = None
    meeting_minutes: int = Field(60, ge=5, le=480)
    active: bool = True


class CadencePatch(PatchSchema):
    NULLABLE = frozenset({"interval", "owner", "channel", "meeting_time", "version"})

    kind: CadenceKind | None = None
    name: str | None = Field(None, max_length=120)
    interval: int | None = Field(None, ge=1, le=52)
    unit: Unit | None = None
    starts_on: date | None = None
    grace_days: int | None = Field(None, ge=0, le=30)
    owner: UUID | None = None
    channel: UUID | None = None
    meeting_time: LocalTime | None = None
    meeting_minutes: int | None = Field(None, ge=5, le=480)
    active: bool | None = None
    version: int | None = None


class ContactOut(Schema):
    id: UUID
    function: PlanLink
    topic: str
    person: PlanLink | None
    contact: str = Field(description="Alias, queue or channel.")
    notes: str
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ContactIn(Schema):
    function: UUID = Field(description="Id of one of the partnership's functions.")
    topic: str = Field(max_length=200)
    person: UUID | None = None
    contact: str = Field("", max_length=200)
    notes: str = Field("", max_length=300)


class ContactPatch(PatchSchema):
    NULLABLE = frozenset({"person", "version"})

    function: UUID | None = None
    topic: str | None = Field(None, max_length=200)
    person: UUID | None = None
    contact: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=300)
    version: int | None = None


class FlagOut(Schema):
    cadence: PlanLink
    missed_streak: int
    last_missed: date | None


class PartnershipAdherenceOut(Schema):
    partnership: PlanPartnershipLink
    compliance: float | None = Field(description="Across active cadences, last 182 days.")
    met: int
    judged: int
    next_due: date | None
    flagged: bool = Field(description="A cadence was missed past its grace days.")
    flags: list[FlagOut]
    cadences: list[CadenceOut]


def _partnership_adherence_out(row: selectors.PartnershipAdherence) -> dict[str, Any]:
    for item in row.cadences:
        item.cadence.adherence_row = item  # type: ignore[attr-defined]
    return {
        "partnership": row.partnership,
        "compliance": row.met / row.judged if row.judged else None,
        "met": row.met,
        "judged": row.judged,
        "next_due": row.next_due,
        "flagged": bool(row.flags),
        "flags": [
            {
                "cadence": item.cadence,
                "missed_streak": item.report.missed_streak,
                "last_missed": item.report.last_missed,
            }
            for item in row.flags
        ],
        "cadences": [item.cadence for item in row.cadences],
    }


# --- helpers --------------------------------------------------------------------------------


def _partnership(membership: Membership, slug: str) -> Partnership:
    return partnership_get(membership=membership, slug=slug)


def _references(
    membership: Membership, partnership: Partnership, fields: dict[str, Any]
) -> dict[str, Any]:
    """Swap ids for rows of this workspace (and partnership), naming every unknown one."""
    resolved = dict(fields)
    errors: dict[str, list[str]] = {}
    sources: dict[str, Any] = {
        "owner": selectors.plan_person_choices(workspace=membership.workspace),
        "person": selectors.plan_person_choices(workspace=membership.workspace),
        "channel": selectors.comm_channel_list(partnership=partnership),
        "function": Function.objects.filter(workspace=membership.workspace),
    }
    for name, choices in sources.items():
        value = resolved.get(name)
        if value is None:
            continue
        try:
            resolved[name] = object_get(choices, workspace=membership.workspace, uuid=value)
        except Http404:
            errors[name] = [f"No {name} with id {value} in this workspace's plan."]
    if errors:
        raise ValidationError(errors)
    return resolved


def _cadence_answer(cadence: Cadence, response: HttpResponse | None = None) -> Cadence:
    (row,) = selectors.cadence_adherence_list(workspace=cadence.workspace, cadences=[cadence])
    cadence.adherence_row = row  # type: ignore[attr-defined]
    if response is not None:
        etag_set(response, cadence.version)
    return cadence


def _list_page(request: HttpRequest, rows: list[Any], page: PageParams) -> dict[str, Any]:
    """paginate() for rows already computed in Python."""
    from accord.api.schemas import _page_url

    count = len(rows)
    end = page.offset + page.limit
    return {
        "count": count,
        "next": _page_url(request, end, page.limit) if end < count else None,
        "previous": _page_url(request, max(page.offset - page.limit, 0), page.limit)
        if page.offset > 0
        else None,
        "results": rows[page.offset : end],
    }


# --- channels -------------------------------------------------------------------------------


@router.get("/partnerships/{slug}/channels", response=Page[ChannelOut])
def list_comm_channels(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """The channels the partnership uses, in their order."""
    partnership = _partnership(membership_of(request), slug)
    return paginate(request, selectors.comm_channel_list(partnership=partnership), page)


@router.post("/partnerships/{slug}/channels", response={201: ChannelOut})
def create_comm_channel(
    request: HttpRequest, slug: str, payload: ChannelIn, response: HttpResponse
) -> Status[CommChannel]:
    """Add a channel. Needs the partnership's lead or sponsor, or an admin."""
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    channel = actions.comm_channel_create(
        membership=membership, partnership=partnership, **payload.model_dump()
    )
    etag_set(response, channel.version)
    response["Location"] = reverse("api:get_comm_channel", args=[slug, channel.uuid])
    return Status(201, channel)


@router.get("/partnerships/{slug}/channels/{comm_channel_id}", response=ChannelOut)
def get_comm_channel(
    request: HttpRequest, slug: str, comm_channel_id: UUIDPath, response: HttpResponse
) -> CommChannel:
    """One channel. The ETag header carries its version."""
    partnership = _partnership(membership_of(request), slug)
    channel = selectors.comm_channel_get(partnership=partnership, uuid=comm_channel_id)
    etag_set(response, channel.version)
    return channel


@router.patch("/partnerships/{slug}/channels/{comm_channel_id}", response=ChannelOut)
def update_comm_channel(
    request: HttpRequest,
    slug: str,
    comm_channel_id: UUIDPath,
    payload: ChannelPatch,
    response: HttpResponse,
) -> CommChannel:
    """Change a channel. Guard with If-Match (412) or a body `version` (409)."""
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    channel = selectors.comm_channel_get(partnership=partnership, uuid=comm_channel_id)
    if_match_check(request, channel.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, channel.version)
    actions.comm_channel_update(
        membership=membership, channel=channel, expected_version=expected, **changes
    )
    etag_set(response, channel.version)
    return channel


@router.delete("/partnerships/{slug}/channels/{comm_channel_id}", response={204: None})
def delete_comm_channel(request: HttpRequest, slug: str, comm_channel_id: UUIDPath) -> Status[None]:
    """Remove a channel; cadences that used it keep going without one."""
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    channel = selectors.comm_channel_get(partnership=partnership, uuid=comm_channel_id)
    if_match_check(request, channel.version)
    actions.comm_channel_delete(membership=membership, channel=channel)
    return Status(204, None)


# --- cadences -------------------------------------------------------------------------------


@router.get("/partnerships/{slug}/cadences", response=Page[CadenceOut])
def list_cadences(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """The partnership's cadences with their adherence (constant queries)."""
    partnership = _partnership(membership_of(request), slug)
    answer = paginate(request, selectors.cadence_list(partnership=partnership), page)
    rows = selectors.cadence_adherence_list(
        workspace=partnership.workspace, cadences=answer["results"]
    )
    for row in rows:
        row.cadence.adherence_row = row  # type: ignore[attr-defined]
    return answer


@router.post("/partnerships/{slug}/cadences", response={201: CadenceOut})
def create_cadence(
    request: HttpRequest, slug: str, payload: CadenceIn, response: HttpResponse
) -> Status[Cadence]:
    """Agree a cadence. Needs the partnership's lead or sponsor, or an admin."""
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    fields = _references(membership, partnership, payload.model_dump())
    cadence = actions.cadence_create(membership=membership, partnership=partnership, **fields)
    response["Location"] = reverse("api:get_cadence", args=[slug, cadence.uuid])
    return Status(201, _cadence_answer(cadence, response))


@router.get("/partnerships/{slug}/cadences/{cadence_id}", response=CadenceOut)
def get_cadence(
    request: HttpRequest, slug: str, cadence_id: UUIDPath, response: HttpResponse
) -> Cadence:
    """One cadence with its adherence. The ETag header carries its version."""
    partnership = _partnership(membership_of(request), slug)
    cadence = selectors.cadence_get(partnership=partnership, uuid=cadence_id)
    return _cadence_answer(cadence, response)


@router.patch("/partnerships/{slug}/cadences/{cadence_id}", response=CadenceOut)
def update_cadence(
    request: HttpRequest,
    slug: str,
    cadence_id: UUIDPath,
    payload: CadencePatch,
    response: HttpResponse,
) -> Cadence:
    """Change a cadence; null interval means the kind's usual rhythm."""
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    cadence = selectors.cadence_get(partnership=partnership, uuid=cadence_id)
    if_match_check(request, cadence.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, cadence.version)
    changes = _references(membership, partnership, changes)
    actions.cadence_update(
        membership=membership, cadence=cadence, expected_version=expected, **changes
    )
    return _cadence_answer(cadence, response)


@router.delete("/partnerships/{slug}/cadences/{cadence_id}", response={204: None})
def delete_cadence(request: HttpRequest, slug: str, cadence_id: UUIDPath) -> Status[None]:
    """Drop a cadence; its updates and meetings stay, unlinked."""
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    cadence = selectors.cadence_get(partnership=partnership, uuid=cadence_id)
    if_match_check(request, cadence.version)
    actions.cadence_delete(membership=membership, cadence=cadence)
    return Status(204, None)


# --- contacts -------------------------------------------------------------------------------


@router.get("/partnerships/{slug}/contacts", response=Page[ContactOut])
def list_contacts(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """Who to contact for what, by function and topic."""
    partnership = _partnership(membership_of(request), slug)
    return paginate(request, selectors.contact_list(partnership=partnership), page)


@router.post("/partnerships/{slug}/contacts", response={201: ContactOut})
def create_contact(
    request: HttpRequest, slug: str, payload: ContactIn, response: HttpResponse
) -> Status[ContactEntry]:
    """Add a contact for one of the partnership's functions."""
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    fields = _references(membership, partnership, payload.model_dump())
    entry = actions.contact_create(membership=membership, partnership=partnership, **fields)
    etag_set(response, entry.version)
    response["Location"] = reverse("api:get_contact", args=[slug, entry.uuid])
    return Status(201, entry)


@router.get("/partnerships/{slug}/contacts/{contact_id}", response=ContactOut)
def get_contact(
    request: HttpRequest, slug: str, contact_id: UUIDPath, response: HttpResponse
) -> ContactEntry:
    partnership = _partnership(membership_of(request), slug)
    entry = selectors.contact_get(partnership=partnership, uuid=contact_id)
    etag_set(response, entry.version)
    return entry


@router.patch("/partnerships/{slug}/contacts/{contact_id}", response=ContactOut)
def update_contact(
    request: HttpRequest,
    slug: str,
    contact_id: UUIDPath,
    payload: ContactPatch,
    response: HttpResponse,
) -> ContactEntry:
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    entry = selectors.contact_get(partnership=partnership, uuid=contact_id)
    if_match_check(request, entry.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, entry.version)
    changes = _references(membership, partnership, changes)
    actions.contact_update(membership=membership, entry=entry, expected_version=expected, **changes)
    etag_set(response, entry.version)
    return entry


@router.delete("/partnerships/{slug}/contacts/{contact_id}", response={204: None})
def delete_contact(request: HttpRequest, slug: str, contact_id: UUIDPath) -> Status[None]:
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    entry = selectors.contact_get(partnership=partnership, uuid=contact_id)
    if_match_check(request, entry.version)
    actions.contact_delete(membership=membership, entry=entry)
    return Status(204, None)


# --- adherence ------------------------------------------------------------------------------


@router.get("/partnerships/{slug}/adherence", response=PartnershipAdherenceOut)
def get_partnership_adherence(request: HttpRequest, slug: str) -> dict[str, Any]:
    """How well the partnership keeps its cadences, with the inadequate-communication flags."""
    partnership = _partnership(membership_of(request), slug)
    row = selectors.partnership_adherence(partnership=partnership, today=timezone.localdate())
    return _partnership_adherence_out(row)


class AdherenceFilter(Schema):
    flagged: bool = Field(False, description="Only partnerships with a missed cadence.")


@router.get("/communication/adherence", response=Page[PartnershipAdherenceOut])
def list_adherence(
    request: HttpRequest, filters: Query[AdherenceFilter], page: Query[PageParams]
) -> dict[str, Any]:
    """Every visible forming or active partnership's adherence, flagged ones first."""
    rows = selectors.adherence_overview(
        membership=membership_of(request), today=timezone.localdate(), flagged_only=filters.flagged
    )
    answer = _list_page(request, rows, page)
    answer["results"] = [_partnership_adherence_out(row) for row in answer["results"]]
    return answer


# --- profile comparison ---------------------------------------------------------------------


class DifferenceOut(Schema):
    kind: str = Field(description="planning, channels, response, busy, approvals, priorities")
    severity: str = Field(description="high, medium or info")
    title: str
    explanation: str
    suggestion: str
    functions: list[UUID]


class ComparisonOut(Schema):
    functions: list[PlanLink] = Field(description="The compared functions that have a profile.")
    without_profile: list[PlanLink]
    differences: list[DifferenceOut]
    shared_channels: list[str]
    shared_metrics: list[str]
    reasons: list[str]


class CompareParams(Schema):
    compare: list[UUID] = Field(
        default_factory=list, description="Function ids; none: all the partnership's functions."
    )


@router.get("/partnerships/{slug}/profile-comparison", response=ComparisonOut)
def compare_partnership_profiles(
    request: HttpRequest, slug: str, params: Query[CompareParams]
) -> dict[str, Any]:
    """The partnership's functions side by side: where priorities, rhythms and channels
    differ."""
    partnership = _partnership(membership_of(request), slug)
    kinds = {c.kind for c in selectors.comm_channel_list(partnership=partnership)}
    view = profile_selectors.partnership_profile_comparison(
        partnership=partnership,
        compare=[str(value) for value in params.compare],
        plan_channel_kinds=kinds,
    )
    comparison = view.comparison
    return {
        "functions": [item.function for item in view.chosen],
        "without_profile": view.without_profile,
        "differences": [
            {
                "kind": d.kind,
                "severity": d.severity,
                "title": d.title,
                "explanation": d.explanation,
                "suggestion": d.suggestion,
                "functions": list(d.functions),
            }
            for d in (comparison.differences if comparison else ())
        ],
        "shared_channels": list(comparison.shared_channels) if comparison else [],
        "shared_metrics": list(comparison.shared_metrics) if comparison else [],
        "reasons": list(comparison.reasons) if comparison else [],
    }


# --- channel advisor ------------------------------------------------------------------------


class MessageIn(Schema):
    urgency: Level = "low"
    complexity: Level = "low"
    ambiguity: Level = Field("low", description="How likely people read it differently.")
    sensitivity: Level = "low"
    audience_size: int = Field(1, ge=1, le=100000, description="People, not counting you.")
    interaction: Interaction = Field("inform", description="inform, discuss or decide")
    record: bool = Field(False, description="Must there be a record people can find later?")


class PlanOptionOut(Schema):
    channel: str
    label: str
    richness: int
    score: int
    fits: bool = Field(description="Rich enough for this message.")
    reasons: list[str]
    cautions: list[str]


class AdviceOut(Schema):
    channel: str = Field(
        description="chat, email, written_update, document, meeting, workshop or one_to_one"
    )
    label: str
    richness: int
    required_richness: int
    rationale: str
    reasons: list[str]
    cautions: list[str]
    follow_up: list[str]
    alternatives: list[PlanOptionOut]


def _advice(message: MessageIn) -> Any:
    return channel_advise(MessageTraits(**message.model_dump()))


@router.post("/channel-advice", response=AdviceOut)
def channel_advice(request: HttpRequest, payload: MessageIn) -> Any:
    """Recommend a channel for a message, with reasons (media-richness theory)."""
    return _advice(payload)


@router.get("/channel-advice", response=AdviceOut)
def channel_advice_get(request: HttpRequest, message: Query[MessageIn]) -> Any:
    """The same advice for a message described in the query string."""
    return _advice(message)
