"""Meetings over the API: the same visibility and permissions as the pages.

Meetings of partnerships you cannot see answer 404. Every role reads; members of a
partnership schedule its meetings; the organizer, the partnership's lead and sponsor and
admins change them; the note-taker also keeps notes, agenda, attendance and the tally and
captures decisions and actions.
"""

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import AuditEntryOut, Page, PageParams, PatchSchema, UUIDPath, paginate
from accord.comms import meeting_actions as actions
from accord.comms import meeting_selectors as selectors
from accord.comms.models_meetings import AgendaItem, Contribution, Meeting, MeetingAttendee
from accord.metrics.participation import ParticipationResult
from accord.org.models import Person
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

if TYPE_CHECKING:
    MeetingStatus = str
    When = str
else:
    MeetingStatus = Literal[tuple(Meeting.Status.values)]
    When = Literal[tuple(selectors.WHEN_CHOICES)]

router = Router(tags=["Meetings"])


# --- shapes ---------------------------------------------------------------------------------


class Link(Schema):
    """Another record: its id and name."""

    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class MeetingPartnershipLink(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class RecordOut(Schema):
    """A decision or action captured from a meeting."""

    id: UUID
    title: str
    status: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class AttendeeOut(Schema):
    person: Link
    function: str | None = Field(description="Their function at the time of the meeting.")
    seniority: int = Field(description="Their level at the meeting: 1 IC … 5 executive.")
    attended: bool

    @staticmethod
    def resolve_function(obj: Any) -> str | None:
        return obj.function.name if obj.function else None


class AgendaItemOut(Schema):
    id: UUID
    position: int
    title: str
    owner: Link | None
    minutes: int | None
    notes: str
    version: int

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class MeetingOut(Schema):
    id: UUID
    title: str
    partnership: MeetingPartnershipLink
    cadence: Link | None = Field(description="The communication-plan cadence it recurs from.")
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    location: str
    status: MeetingStatus
    organizer: Link | None
    note_taker: Link | None
    attendee_count: int
    agenda_count: int
    sequence: int = Field(
        description="iCalendar SEQUENCE: grows when time, place or status change."
    )
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_ends_at(obj: Any) -> datetime:
        return obj.starts_at + timedelta(minutes=obj.duration_minutes)  # type: ignore[no-any-return]

    @staticmethod
    def resolve_attendee_count(obj: Any) -> int:
        return int(getattr(obj, "attendee_count", 0) or 0)

    @staticmethod
    def resolve_agenda_count(obj: Any) -> int:
        return int(getattr(obj, "agenda_count", 0) or 0)


class MeetingDetailOut(MeetingOut):
    notes: str
    attendees: list[AttendeeOut]
    agenda: list[AgendaItemOut]
    decisions: list[RecordOut]
    actions: list[RecordOut]
    ics_url: str

    @staticmethod
    def resolve_ics_url(obj: Any) -> str:
        return reverse("meeting_ics", args=[obj.workspace.slug, obj.uuid])


class AgendaIn(Schema):
    title: str = Field(max_length=200)
    owner: UUID | None = Field(None, description="Id of the person who leads the item.")
    minutes: int | None = Field(None, ge=1, le=720)
    notes: str = ""


class MeetingCreate(Schema):
    partnership: str = Field(description="Slug of the partnership.")
    title: str = Field(max_length=200)
    starts_at: datetime = Field(description="With a time zone, e.g. 2026-06-01T10:00:00+02:00.")
    duration_minutes: int = Field(60, ge=5, le=720)
    location: str = Field("", max_length=300, description="Room or video link.")
    attendees: list[UUID] | None = Field(
        None, description="Person ids; left out: the partnership's members and lead."
    )
    organizer: UUID | None = Field(None, description="Left out: your own person.")
    note_taker: UUID | None = Field(None, description="Left out: the organizer.")
    notes: str = ""
    agenda: list[AgendaIn] = Field(default_factory=list)


class MeetingUpdate(PatchSchema):
    """Only the fields sent change. `status` and `notes` follow the note-taker's rules; the
    rest needs the organizer, a partnership manager or an admin."""

    NULLABLE = frozenset({"organizer", "note_taker", "version"})

    title: str | None = Field(None, max_length=200)
    starts_at: datetime | None = None
    duration_minutes: int | None = Field(None, ge=5, le=720)
    location: str | None = Field(None, max_length=300)
    organizer: UUID | None = None
    note_taker: UUID | None = None
    attendees: list[UUID] | None = None
    notes: str | None = None
    status: MeetingStatus | None = None
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class MeetingFilterParams(Schema):
    partnership: str | None = Field(None, description="Partnership slug.")
    when: When = Field("all", description="upcoming (today on), past, or all.")
    status: MeetingStatus | None = None
    mine: bool = Field(False, description="Only meetings you attend, organize or take notes for.")


class AttendeesIn(Schema):
    people: list[UUID] = Field(description="Everyone invited; others are removed with their tally.")


class AttendanceIn(Schema):
    attended: bool


class AgendaUpdate(PatchSchema):
    NULLABLE = frozenset({"owner", "minutes", "version"})

    title: str | None = Field(None, max_length=200)
    owner: UUID | None = None
    minutes: int | None = Field(None, ge=1, le=720)
    notes: str | None = None
    version: int | None = None


class AgendaMoveIn(Schema):
    direction: Literal["up", "down"]


class ContributionOut(Schema):
    agenda_item: UUID
    person: Link
    count: int

    @staticmethod
    def resolve_agenda_item(obj: Any) -> Any:
        return obj.agenda_item.uuid


class ContributionSet(Schema):
    agenda_item: UUID
    person: UUID
    count: int = Field(ge=0, le=999)


class ContributionIncrement(Schema):
    agenda_item: UUID
    person: UUID
    delta: int = Field(1, ge=-999, le=999, description="+1 for one more, −1 for one less.")


class VoiceOut(Schema):
    id: UUID
    name: str
    contributions: int
    share: float


class MeetingGroupOut(Schema):
    group: str
    headcount: int
    headcount_share: float
    contributions: int
    voice_share: float
    ratio: float | None = Field(description="Voice share ÷ seat share; null without contributions.")
    under_heard: bool = Field(description="Heard less than half its share of the seats.")
    judged: bool = Field(description="Enough contributions (5) to compare groups at all.")
    sentence: str


class ParticipationOut(Schema):
    """METRICS §9: everyone present counts, silent people as 0."""

    people: int
    total: int
    gini: float | None
    gini_normalised: float | None = Field(description="G* = G·n/(n−1): 1 is a single voice.")
    evenness: float | None = Field(description="Pielou's J: 1 is perfectly even.")
    level: Literal["no_data", "even", "uneven", "dominated"]
    voices: list[VoiceOut]
    by_seniority: list[MeetingGroupOut]
    by_function: list[MeetingGroupOut]
    reasons: list[str]
    evidence: list[str]


class MeetingVoiceOut(Schema):
    meeting: UUID
    title: str
    starts_at: datetime
    people: int
    total: int
    gini_normalised: float | None
    level: str


class PartnershipParticipationOut(Schema):
    summary: ParticipationOut
    meetings: list[MeetingVoiceOut]


class DecisionCapture(Schema):
    title: str = Field(max_length=300)
    decider: UUID = Field(description="Id of the one person who makes the call.")
    decision_text: str = ""
    rationale: str = ""
    revisit_by: date | None = None
    decided: bool = Field(False, description="Record the outcome now (only the decider).")


class ActionCapture(Schema):
    title: str = Field(max_length=300)
    owner: UUID
    due_date: date | None = None
    description: str = ""


class ScheduleNextIn(Schema):
    cadence: UUID = Field(description="Id of a review or meeting cadence of a partnership.")


# --- helpers --------------------------------------------------------------------------------


def _get(membership: Membership, meeting_id: str) -> Meeting:
    return selectors.meeting_get(membership=membership, uuid=meeting_id)


def _detail(membership: Membership, meeting_id: str) -> Meeting:
    """The meeting with everything MeetingDetailOut shows (constant queries)."""
    found: Meeting = object_get(
        selectors.meeting_full_queryset(membership=membership),
        workspace=membership.workspace,
        uuid=meeting_id,
    )
    return found


def _answer(membership: Membership, meeting: Meeting, response: HttpResponse) -> Meeting:
    fresh = _detail(membership, str(meeting.uuid))
    etag_set(response, fresh.version)
    return fresh


def _person(membership: Membership, value: Any, field: str) -> Person | None:
    if value is None:
        return None
    try:
        found: Person = object_get(Person, workspace=membership.workspace, uuid=value)
    except Http404:
        raise ValidationError({field: f"No person with id {value} in this workspace."}) from None
    return found


def _people(membership: Membership, values: list[UUID], field: str) -> list[Person]:
    found = {
        p.uuid: p for p in Person.objects.filter(workspace=membership.workspace, uuid__in=values)
    }
    missing = [str(v) for v in values if v not in found]
    if missing:
        raise ValidationError({field: f"No person with id {missing[0]} in this workspace."})
    return [found[v] for v in values]


def _item(meeting: Meeting, value: Any, field: str = "agenda_item") -> AgendaItem:
    try:
        found: AgendaItem = object_get(
            AgendaItem.objects.filter(meeting=meeting), workspace=meeting.workspace, uuid=value
        )
    except Http404:
        raise ValidationError({field: f"No agenda item {value} on this meeting."}) from None
    return found


def _participation(result: ParticipationResult) -> dict[str, Any]:
    def groups(rows: Any) -> list[dict[str, Any]]:
        return [
            {
                "group": g.group,
                "headcount": g.headcount,
                "headcount_share": g.headcount_share,
                "contributions": g.contributions,
                "voice_share": g.voice_share,
                "ratio": g.ratio,
                "under_heard": g.under_heard,
                "judged": g.judged,
                "sentence": g.sentence,
            }
            for g in rows
        ]

    return {
        "people": result.people,
        "total": result.total,
        "gini": result.gini,
        "gini_normalised": result.gini_normalised,
        "evenness": result.evenness,
        "level": result.level,
        "voices": [
            {"id": v.id, "name": v.name, "contributions": v.contributions, "share": v.share}
            for v in result.voices
        ],
        "by_seniority": groups(result.by_seniority),
        "by_function": groups(result.by_function),
        "reasons": list(result.reasons),
        "evidence": list(result.evidence),
    }


# --- meetings -------------------------------------------------------------------------------


@router.get("/meetings", response=Page[MeetingOut])
def list_meetings(
    request: HttpRequest, filters: Query[MeetingFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """List the meetings you can see: upcoming soonest first, past and all newest first."""
    rows = selectors.meeting_list(
        membership=membership_of(request),
        filters=selectors.MeetingFilters(
            partnership=filters.partnership or None,
            when=filters.when,
            status=filters.status,
            mine=filters.mine,
        ),
    )
    return paginate(request, rows, page)


@router.post("/meetings", response={201: MeetingDetailOut})
def create_meeting(
    request: HttpRequest, payload: MeetingCreate, response: HttpResponse
) -> Status[Meeting]:
    """Schedule a meeting of a partnership and invite its people. Needs member (of the
    partnership). Attendees are told (the `meeting` notification)."""
    membership = role_require(request, "member")
    try:
        partnership = partnership_get(membership=membership, slug=payload.partnership)
    except Http404:
        raise ValidationError(
            {"partnership": f"No partnership “{payload.partnership}” you can see."}
        ) from None
    agenda = [
        actions.AgendaSpec(
            title=item.title,
            owner=_person(membership, item.owner, "agenda"),
            minutes=item.minutes,
            notes=item.notes,
        )
        for item in payload.agenda
    ]
    created = actions.meeting_create(
        membership=membership,
        partnership=partnership,
        title=payload.title,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        location=payload.location,
        attendees=_people(membership, payload.attendees, "attendees")
        if payload.attendees is not None
        else None,
        agenda=agenda,
        organizer=_person(membership, payload.organizer, "organizer"),
        note_taker=_person(membership, payload.note_taker, "note_taker"),
        notes=payload.notes,
    )
    response["Location"] = reverse("api:get_meeting", args=[created.uuid])
    return Status(201, _answer(membership, created, response))


@router.post("/meetings/schedule-next", response={200: MeetingDetailOut, 201: MeetingDetailOut})
def schedule_next_meeting(
    request: HttpRequest, payload: ScheduleNextIn, response: HttpResponse
) -> Status[Meeting]:
    """Create the next meeting of a review or meeting cadence, unless it exists (200 with the
    existing one). Needs member of the partnership."""
    membership = role_require(request, "member")
    try:
        cadence = selectors.meeting_cadence_get(membership=membership, uuid=payload.cadence)
    except Http404:
        raise ValidationError(
            {"cadence": f"No review or meeting cadence {payload.cadence} you can see."}
        ) from None
    meeting, created = actions.meeting_schedule_next(
        membership=membership, cadence=cadence, today=timezone.localdate()
    )
    return Status(201 if created else 200, _answer(membership, meeting, response))


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def get_meeting(request: HttpRequest, meeting_id: UUIDPath, response: HttpResponse) -> Any:
    """One meeting with attendees, agenda and captured outcomes. ETag carries its version."""
    meeting = _detail(membership_of(request), meeting_id)
    etag_set(response, meeting.version)
    return meeting


@router.patch("/meetings/{meeting_id}", response=MeetingDetailOut)
def update_meeting(
    request: HttpRequest, meeting_id: UUIDPath, payload: MeetingUpdate, response: HttpResponse
) -> Any:
    """Change a meeting. Guard with If-Match (412) or a body `version` (409)."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    if_match_check(request, meeting.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, meeting.version)
    notes = changes.pop("notes", None)
    status = changes.pop("status", None)
    attendees = changes.pop("attendees", None)
    for field in ("organizer", "note_taker"):
        if field in changes:
            changes[field] = _person(membership, changes[field], field)
    with transaction.atomic():
        if changes or attendees is not None:
            actions.meeting_update(
                membership=membership,
                meeting=meeting,
                expected_version=expected,
                attendees=_people(membership, attendees, "attendees")
                if attendees is not None
                else None,
                **changes,
            )
        if notes is not None:
            actions.meeting_notes_set(membership=membership, meeting=meeting, notes=notes)
        if status is not None:
            actions.meeting_status_change(membership=membership, meeting=meeting, status=status)
    return _answer(membership, meeting, response)


@router.delete("/meetings/{meeting_id}", response={204: None})
def delete_meeting(request: HttpRequest, meeting_id: UUIDPath) -> Status[None]:
    """Delete a meeting with its agenda and tally; captured decisions and actions stay."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    if_match_check(request, meeting.version)
    actions.meeting_delete(membership=membership, meeting=meeting)
    return Status(204, None)


@router.get("/meetings/{meeting_id}/history", response=Page[AuditEntryOut])
def meeting_history(request: HttpRequest, meeting_id: UUIDPath, page: Query[PageParams]) -> Any:
    """Every recorded change to the meeting, newest first."""
    membership = membership_of(request)
    meeting = _get(membership, meeting_id)
    rows = audit_list(workspace=membership.workspace, instance=meeting).select_related("actor")
    return paginate(request, rows, page)


# --- attendees ------------------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/attendees", response=Page[AttendeeOut])
def list_meeting_attendees(
    request: HttpRequest, meeting_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Who is invited, most senior first, with function and level as at the meeting."""
    meeting = _get(membership_of(request), meeting_id)
    return paginate(request, selectors.meeting_attendee_list(meeting=meeting), page)


@router.put("/meetings/{meeting_id}/attendees", response=list[AttendeeOut])
def set_meeting_attendees(
    request: HttpRequest, meeting_id: UUIDPath, payload: AttendeesIn
) -> list[MeetingAttendee]:
    """Replace the invitation list; new people are told, removed ones lose their tally."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    actions.meeting_update(
        membership=membership,
        meeting=meeting,
        attendees=_people(membership, payload.people, "people"),
    )
    return list(selectors.meeting_attendee_list(meeting=meeting))


@router.patch("/meetings/{meeting_id}/attendees/{person_id}", response=AttendeeOut)
def update_meeting_attendee(
    request: HttpRequest, meeting_id: UUIDPath, person_id: UUIDPath, payload: AttendanceIn
) -> MeetingAttendee:
    """Mark an invited person present or absent (absent people are left out of the tally)."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    person = object_get(Person, workspace=membership.workspace, uuid=person_id)
    actions.meeting_attendance_set(
        membership=membership, meeting=meeting, person=person, attended=payload.attended
    )
    found: MeetingAttendee = selectors.meeting_attendee_list(meeting=meeting).get(person=person)
    return found


# --- agenda ---------------------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/agenda", response=Page[AgendaItemOut])
def list_meeting_agenda(
    request: HttpRequest, meeting_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """The agenda in order."""
    meeting = _get(membership_of(request), meeting_id)
    return paginate(request, selectors.meeting_agenda_list(meeting=meeting), page)


@router.post("/meetings/{meeting_id}/agenda", response={201: AgendaItemOut})
def add_meeting_agenda_item(
    request: HttpRequest, meeting_id: UUIDPath, payload: AgendaIn
) -> Status[AgendaItem]:
    """Add an item at the end of the agenda."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    item = actions.agenda_item_add(
        membership=membership,
        meeting=meeting,
        title=payload.title,
        owner=_person(membership, payload.owner, "owner"),
        minutes=payload.minutes,
        notes=payload.notes,
    )
    return Status(201, selectors.meeting_agenda_list(meeting=meeting).get(pk=item.pk))


@router.patch("/meetings/{meeting_id}/agenda/{agenda_item_id}", response=AgendaItemOut)
def update_meeting_agenda_item(
    request: HttpRequest,
    meeting_id: UUIDPath,
    agenda_item_id: UUIDPath,
    payload: AgendaUpdate,
) -> AgendaItem:
    """Change an agenda item's title, owner, minutes or notes."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    item = object_get(
        AgendaItem.objects.filter(meeting=meeting), workspace=meeting.workspace, uuid=agenda_item_id
    )
    if_match_check(request, item.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    if "owner" in changes:
        changes["owner"] = _person(membership, changes["owner"], "owner")
    actions.agenda_item_update(
        membership=membership, meeting=meeting, item=item, expected_version=expected, **changes
    )
    found: AgendaItem = selectors.meeting_agenda_list(meeting=meeting).get(pk=item.pk)
    return found


@router.post("/meetings/{meeting_id}/agenda/{agenda_item_id}/move", response=list[AgendaItemOut])
def move_meeting_agenda_item(
    request: HttpRequest, meeting_id: UUIDPath, agenda_item_id: UUIDPath, payload: AgendaMoveIn
) -> list[AgendaItem]:
    """Move an item one place up or down; answers the whole agenda."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    item = object_get(
        AgendaItem.objects.filter(meeting=meeting), workspace=meeting.workspace, uuid=agenda_item_id
    )
    actions.agenda_item_move(
        membership=membership,
        meeting=meeting,
        item=item,
        offset=-1 if payload.direction == "up" else 1,
    )
    return list(selectors.meeting_agenda_list(meeting=meeting))


@router.delete("/meetings/{meeting_id}/agenda/{agenda_item_id}", response={204: None})
def delete_meeting_agenda_item(
    request: HttpRequest, meeting_id: UUIDPath, agenda_item_id: UUIDPath
) -> Status[None]:
    """Remove an agenda item and its tally."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    item = object_get(
        AgendaItem.objects.filter(meeting=meeting), workspace=meeting.workspace, uuid=agenda_item_id
    )
    actions.agenda_item_remove(membership=membership, meeting=meeting, item=item)
    return Status(204, None)


# --- the tally and participation ------------------------------------------------------------


def _contribution(meeting: Meeting, item: AgendaItem, person: Person) -> Contribution:
    found = (
        Contribution.objects.filter(meeting=meeting, agenda_item=item, person=person)
        .select_related("agenda_item", "person")
        .first()
    )
    return found or Contribution(agenda_item=item, person=person, count=0)


@router.get("/meetings/{meeting_id}/contributions", response=Page[ContributionOut])
def list_meeting_contributions(
    request: HttpRequest, meeting_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """The tally: contributions per person per agenda item (cells at 0 may be left out)."""
    meeting = _get(membership_of(request), meeting_id)
    return paginate(request, selectors.meeting_contribution_list(meeting=meeting), page)


@router.put("/meetings/{meeting_id}/contributions", response=ContributionOut)
def set_meeting_contribution(
    request: HttpRequest, meeting_id: UUIDPath, payload: ContributionSet
) -> Contribution:
    """Set one cell of the tally. Needs the note-taker or a manager of the meeting."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    item = _item(meeting, payload.agenda_item)
    person = _person(membership, payload.person, "person")
    assert person is not None
    actions.contribution_set(
        membership=membership, meeting=meeting, agenda_item=item, person=person, count=payload.count
    )
    return _contribution(meeting, item, person)


@router.post("/meetings/{meeting_id}/contributions/increment", response=ContributionOut)
def increment_meeting_contribution(
    request: HttpRequest, meeting_id: UUIDPath, payload: ContributionIncrement
) -> Contribution:
    """Add `delta` (default +1) to one cell of the tally; it never goes below 0."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    item = _item(meeting, payload.agenda_item)
    person = _person(membership, payload.person, "person")
    assert person is not None
    actions.contribution_change(
        membership=membership,
        meeting=meeting,
        agenda_item=item,
        person=person,
        delta=payload.delta,
    )
    return _contribution(meeting, item, person)


@router.get("/meetings/{meeting_id}/participation", response=ParticipationOut)
def meeting_participation(request: HttpRequest, meeting_id: UUIDPath) -> dict[str, Any]:
    """Gini, G*, evenness and voice share by seniority and function, with reasons."""
    meeting = _get(membership_of(request), meeting_id)
    return _participation(selectors.meeting_participation_get(meeting=meeting))


@router.get("/partnerships/{slug}/participation", response=PartnershipParticipationOut)
def partnership_meeting_participation(
    request: HttpRequest, slug: str, since: date | None = None
) -> dict[str, Any]:
    """Participation across the partnership's held meetings (optionally since a date), and
    G* meeting by meeting, newest first."""
    partnership = partnership_get(membership=membership_of(request), slug=slug)
    result = selectors.partnership_participation(partnership=partnership, since=since)
    return {
        "summary": _participation(result.summary),
        "meetings": [
            {
                "meeting": row.meeting.uuid,
                "title": row.meeting.title,
                "starts_at": row.meeting.starts_at,
                "people": row.people,
                "total": row.total,
                "gini_normalised": row.gini_normalised,
                "level": row.level,
            }
            for row in result.meetings
        ],
    }


# --- outcomes -------------------------------------------------------------------------------


@router.post("/meetings/{meeting_id}/decisions", response={201: RecordOut})
def capture_meeting_decision(
    request: HttpRequest, meeting_id: UUIDPath, payload: DecisionCapture
) -> Status[Any]:
    """Record a decision in the partnership's log and link it to the meeting (a draft for
    the decider, or decided at once when you are the decider and `decided` is true)."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    decision = actions.meeting_decision_capture(
        membership=membership,
        meeting=meeting,
        title=payload.title,
        decider=_person(membership, payload.decider, "decider"),
        decision_text=payload.decision_text,
        rationale=payload.rationale,
        revisit_by=payload.revisit_by,
        decided=payload.decided,
    )
    return Status(201, decision)


@router.post("/meetings/{meeting_id}/actions", response={201: RecordOut})
def capture_meeting_action(
    request: HttpRequest, meeting_id: UUIDPath, payload: ActionCapture
) -> Status[Any]:
    """Add an action item following up on the meeting, in its partnership."""
    membership = role_require(request, "member")
    meeting = _get(membership, meeting_id)
    action = actions.meeting_action_capture(
        membership=membership,
        meeting=meeting,
        title=payload.title,
        owner=_person(membership, payload.owner, "owner"),
        due_date=payload.due_date,
        description=payload.description,
    )
    return Status(201, action)
