"""Writes for meetings: schedule, edit, attendees, agenda, notes, status, the contribution
tally, decisions and actions captured from a meeting, recurring meetings from the
communication plan, review reminders and the personal calendar feed token.

Each function takes the acting membership (None for the worker) and refuses what that member
may not do (PermissionDenied); see meeting_selectors for who may do what.
"""

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone

from accord.comms import meeting_selectors as selectors
from accord.comms.models_meetings import AgendaItem, Contribution, Meeting, MeetingAttendee
from accord.comms.models_plan import Cadence
from accord.goals.permissions import person_ids_of
from accord.governance.action_actions import action_create
from accord.governance.decision_actions import decision_create, decision_decide
from accord.governance.models import ActionItem, Decision
from accord.notifications.models import Event, Subscription
from accord.notifications.service import notify, publish
from accord.org.actions import StaleVersion
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

__all__ = ["StaleVersion"]

EDITABLE_FIELDS = ["title", "starts_at", "duration_minutes", "location", "organizer", "note_taker"]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "partnership", "cadence", "status", "notes"]
# A change to any of these makes calendars update their copy (iCalendar SEQUENCE).
CALENDAR_FIELDS = {"title", "starts_at", "duration_minutes", "location", "status"}
TITLE_MAX = 200
LOCATION_MAX = 300
NOTES_MAX = 20000
DURATION_MIN, DURATION_MAX = 5, 720
COUNT_MAX = 999
AGENDA_NOTES_MAX = 5000
AUDIT_TEXT = 500  # long notes are cut in the audit trail
CALENDAR_TOKEN_PREFIX = "cal_"
# What a recurring meeting starts with, by cadence kind.
DEFAULT_AGENDAS: dict[str, tuple[str, ...]] = {
    Cadence.Kind.MONTHLY_REVIEW: (
        "Goals and KPIs since the last review",
        "Blockers and asks",
        "Decisions needed",
        "Open actions",
    ),
    Cadence.Kind.QBR: (
        "Quarter results against goals",
        "Partnership health and what to change",
        "Priorities for next quarter",
        "Decisions and actions",
    ),
    Cadence.Kind.CUSTOM_MEETING: ("Updates", "Decisions and actions"),
}
REVIEW_REMINDER_DAYS = 2


@dataclass(frozen=True)
class AgendaSpec:
    title: str
    owner: Person | None = None
    minutes: int | None = None
    notes: str = ""


# --- helpers --------------------------------------------------------------------------------


def _when(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def meeting_url(meeting: Meeting) -> str:
    return reverse("meeting_detail", args=[meeting.workspace.slug, meeting.uuid])


def _actor_person(membership: Membership | None) -> Person | None:
    if membership is None:
        return None
    ids = sorted(person_ids_of(membership))
    return Person.objects.filter(pk=ids[0]).first() if ids else None


def _short(text: str) -> str:
    return text if len(text) <= AUDIT_TEXT else text[: AUDIT_TEXT - 1] + "…"


def _validate(meeting: Meeting) -> None:
    """Field-named messages for every rule the meeting breaks."""
    errors: dict[str, str] = {}
    meeting.title = (meeting.title or "").strip()
    meeting.location = (meeting.location or "").strip()
    if not meeting.title:
        errors["title"] = "Give the meeting a title, e.g. “Monthly pricing review”."
    elif len(meeting.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters or fewer."
    if meeting.starts_at is None:
        errors["starts_at"] = "Say when the meeting starts."
    elif timezone.is_naive(meeting.starts_at):
        errors["starts_at"] = "Give the start time with its time zone."
    duration = meeting.duration_minutes
    if duration is None or not DURATION_MIN <= duration <= DURATION_MAX:
        errors["duration_minutes"] = (
            f"A meeting lasts between {DURATION_MIN} minutes and {DURATION_MAX // 60} hours."
        )
    if len(meeting.location) > LOCATION_MAX:
        errors["location"] = f"Keep the location or link to {LOCATION_MAX} characters or fewer."
    if meeting.partnership_id is None:
        errors["partnership"] = "Choose the partnership this meeting belongs to."
    elif meeting.partnership.workspace_id != meeting.workspace_id:
        errors["partnership"] = "Choose a partnership of this workspace."
    for name in ("organizer", "note_taker"):
        person = getattr(meeting, name)
        if person is not None and person.workspace_id != meeting.workspace_id:
            errors[name] = "Choose someone from this workspace."
    if errors:
        raise ValidationError(errors)


def _people_check(workspace: Workspace, people: Sequence[Person], field: str) -> None:
    if any(person.workspace_id != workspace.pk for person in people):
        raise ValidationError({field: "Choose only people from this workspace."})


def _agenda_clean(spec: AgendaSpec | dict[str, Any], workspace: Workspace) -> AgendaSpec:
    if isinstance(spec, dict):
        spec = AgendaSpec(**spec)
    title = (spec.title or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["agenda"] = "Give every agenda item a title (or leave the whole row empty)."
    elif len(title) > TITLE_MAX:
        errors["agenda"] = f"Keep agenda item titles to {TITLE_MAX} characters or fewer."
    if spec.owner is not None and spec.owner.workspace_id != workspace.pk:
        errors["agenda"] = "Agenda item owners must be people from this workspace."
    if spec.minutes is not None and not 1 <= spec.minutes <= DURATION_MAX:
        errors["agenda"] = f"Give agenda item minutes between 1 and {DURATION_MAX}."
    if len(spec.notes or "") > AGENDA_NOTES_MAX:
        errors["agenda"] = f"Keep agenda item notes to {AGENDA_NOTES_MAX} characters or fewer."
    if errors:
        raise ValidationError(errors)
    return AgendaSpec(title=title, owner=spec.owner, minutes=spec.minutes, notes=spec.notes or "")


def _version_bump(meeting: Meeting, *, sequence: bool = False) -> None:
    """Claim the next version (and calendar sequence), or fail if someone saved in between."""
    changes: dict[str, Any] = {"version": meeting.version + 1}
    if sequence:
        changes["sequence"] = F("sequence") + 1
    updated = Meeting.objects.filter(pk=meeting.pk, version=meeting.version).update(**changes)
    if not updated:
        raise StaleVersion(Meeting.objects.get(pk=meeting.pk).version)
    meeting.version += 1
    if sequence:
        meeting.sequence += 1


def _audit(
    meeting: Meeting, membership: Membership | None, action: str, changes: dict[str, Any]
) -> None:
    audit_record(
        workspace=meeting.workspace,
        actor=membership.user if membership is not None else None,
        action=action,
        instance=meeting,
        changes=changes,
    )


def _manage_require(membership: Membership, meeting: Meeting) -> None:
    if not selectors.meeting_can_manage(membership=membership, meeting=meeting):
        raise PermissionDenied(
            "Only the meeting's organizer, its partnership's lead and sponsor, and workspace "
            "admins can change it."
        )


def _notes_require(membership: Membership, meeting: Meeting) -> None:
    if not selectors.meeting_can_take_notes(membership=membership, meeting=meeting):
        raise PermissionDenied(
            "Only the meeting's note-taker, organizer, its partnership's lead and sponsor, and "
            "workspace admins can do this."
        )


def _attendee_rows(meeting: Meeting, people: Iterable[Person]) -> list[MeetingAttendee]:
    """One row per person, with their function and seniority as they are today."""
    unique = {p.pk: p for p in people}
    return [
        MeetingAttendee(
            workspace_id=meeting.workspace_id,
            meeting=meeting,
            person=person,
            function_id=person.function_id,
            seniority=person.seniority,
        )
        for person in unique.values()
    ]


def _invite(
    meeting: Meeting, people: Sequence[Person], *, actor: Person | None, key: str, subject: str
) -> None:
    if not people:
        return
    lines = [f"{_when(meeting.starts_at)} · {meeting.duration_minutes} minutes"]
    if meeting.location:
        lines.append(f"Where: {meeting.location}")
    agenda = list(meeting.agenda.order_by("position", "pk").values_list("title", flat=True))
    if agenda:
        lines.append("Agenda: " + "; ".join(agenda))
    notify(
        workspace=meeting.workspace,
        event=Event.MEETING,
        recipients=people,
        subject=subject,
        key=key,
        body="\n".join(lines),
        url=meeting_url(meeting),
        about=meeting,
        exclude=[actor] if actor is not None else (),
    )


# --- schedule -------------------------------------------------------------------------------


def _meeting_write(
    *,
    membership: Membership | None,
    workspace: Workspace,
    partnership: Partnership,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    location: str,
    attendees: Sequence[Person],
    agenda: Iterable[AgendaSpec | dict[str, Any]],
    organizer: Person | None,
    note_taker: Person | None,
    notes: str,
    cadence: Cadence | None,
) -> Meeting:
    meeting = Meeting(
        workspace=workspace,
        partnership=partnership,
        cadence=cadence,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        organizer=organizer,
        note_taker=note_taker or organizer,
        notes=(notes or "").strip(),
    )
    _validate(meeting)
    _people_check(workspace, attendees, "attendees")
    if len(meeting.notes) > NOTES_MAX:
        raise ValidationError({"notes": f"Keep notes to {NOTES_MAX} characters or fewer."})
    items = [_agenda_clean(spec, workspace) for spec in agenda]
    actor = _actor_person(membership)
    with transaction.atomic():
        meeting.save()
        MeetingAttendee.objects.bulk_create(_attendee_rows(meeting, attendees))
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    workspace=workspace,
                    meeting=meeting,
                    position=position,
                    title=item.title,
                    owner=item.owner,
                    minutes=item.minutes,
                    notes=item.notes,
                )
                for position, item in enumerate(items, start=1)
            ]
        )
        changes = diff({}, snapshot(meeting, AUDITED_FIELDS))
        changes["attendees"] = [None, ", ".join(sorted(p.name for p in attendees))]
        if items:
            changes["agenda"] = [None, "; ".join(item.title for item in items)]
        _audit(meeting, membership, "create", changes)
        _invite(
            meeting,
            attendees,
            actor=actor,
            key=f"meeting:{meeting.uuid}:invited",
            subject=f"Meeting: {meeting.title}, {_when(meeting.starts_at)}",
        )
        publish(
            workspace=workspace,
            event=Event.MEETING,
            key=f"meeting:{meeting.uuid}:scheduled",
            subject=f"Meeting scheduled: {meeting.title}, {_when(meeting.starts_at)}",
            url=meeting_url(meeting),
            partnership=partnership,
            data={"meeting": str(meeting.uuid), "starts_at": meeting.starts_at.isoformat()},
        )
    return meeting


def meeting_create(
    *,
    membership: Membership,
    partnership: Partnership,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int = 60,
    location: str = "",
    attendees: Iterable[Person] | None = None,
    agenda: Iterable[AgendaSpec | dict[str, Any]] = (),
    organizer: Person | None = None,
    note_taker: Person | None = None,
    notes: str = "",
) -> Meeting:
    """Schedule a meeting of a partnership. Attendees default to its members and lead; the
    organizer defaults to the member's own person, the note-taker to the organizer. Every
    attendee is told (Event.MEETING)."""
    if partnership.workspace_id != membership.workspace.pk:
        raise ValidationError({"partnership": "Choose a partnership of this workspace."})
    if not selectors.meeting_can_create(membership=membership, partnership=partnership):
        raise PermissionDenied(
            "Only members of this partnership, its lead, its sponsor and workspace admins can "
            "schedule its meetings."
        )
    people = (
        list(attendees)
        if attendees is not None
        else selectors.partnership_default_attendees(partnership=partnership)
    )
    return _meeting_write(
        membership=membership,
        workspace=membership.workspace,
        partnership=partnership,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        attendees=people,
        agenda=agenda,
        organizer=organizer or _actor_person(membership) or partnership.lead,
        note_taker=note_taker,
        notes=notes,
        cadence=None,
    )


# --- edit -----------------------------------------------------------------------------------


def _attendees_sync(
    meeting: Meeting, people: Sequence[Person]
) -> tuple[list[Person], list[str], list[str]]:
    """Add new attendees (with today's function and seniority), drop removed ones and their
    tallies; returns (new people, names before, names after)."""
    current = {
        a.person_id: a
        for a in MeetingAttendee.objects.filter(meeting=meeting).select_related("person")
    }
    wanted = {p.pk: p for p in people}
    before = sorted(a.person.name for a in current.values())
    gone = [pk for pk in current if pk not in wanted]
    new = [p for pk, p in wanted.items() if pk not in current]
    if gone:
        Contribution.objects.filter(meeting=meeting, person_id__in=gone).delete()
        MeetingAttendee.objects.filter(meeting=meeting, person_id__in=gone).delete()
    MeetingAttendee.objects.bulk_create(_attendee_rows(meeting, new))
    return new, before, sorted(p.name for p in wanted.values())


def meeting_update(
    *,
    membership: Membership,
    meeting: Meeting,
    expected_version: int | None = None,
    attendees: Iterable[Person] | None = None,
    **changes: Any,
) -> Meeting:
    """Change the meeting's title, time, duration, location, organizer or note-taker, and
    (if given) its attendees. A new time or place bumps the calendar sequence and tells the
    attendees; new attendees are invited."""
    _manage_require(membership, meeting)
    if expected_version is not None and expected_version != meeting.version:
        raise StaleVersion(meeting.version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    people = list(attendees) if attendees is not None else None
    if people is not None:
        _people_check(meeting.workspace, people, "attendees")
    before = snapshot(meeting, AUDITED_FIELDS)
    for name, value in changes.items():
        setattr(meeting, name, value)
    _validate(meeting)
    changed = diff(before, snapshot(meeting, AUDITED_FIELDS))
    actor = _actor_person(membership)
    with transaction.atomic():
        new: list[Person] = []
        if people is not None:
            new, names_before, names_after = _attendees_sync(meeting, people)
            if names_before != names_after:
                changed["attendees"] = [", ".join(names_before), ", ".join(names_after)]
        if not changed:
            return meeting
        moved = bool(CALENDAR_FIELDS & set(changed)) or "attendees" in changed
        _version_bump(meeting, sequence=moved)
        meeting.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
        _audit(meeting, membership, "update", changed)
        if {"starts_at", "location"} & set(changed):
            stayed = [
                a.person
                for a in MeetingAttendee.objects.filter(meeting=meeting).select_related("person")
                if a.person_id not in {p.pk for p in new}
            ]
            _invite(
                meeting,
                stayed,
                actor=actor,
                key=f"meeting:{meeting.uuid}:moved:{meeting.sequence}",
                subject=f"Meeting moved: {meeting.title}, now {_when(meeting.starts_at)}",
            )
        _invite(
            meeting,
            new,
            actor=actor,
            key=f"meeting:{meeting.uuid}:invited",
            subject=f"Meeting: {meeting.title}, {_when(meeting.starts_at)}",
        )
    return meeting


def meeting_delete(*, membership: Membership, meeting: Meeting) -> None:
    """Delete the meeting with its agenda and tally; captured decisions and actions stay."""
    _manage_require(membership, meeting)
    with transaction.atomic():
        _audit(meeting, membership, "delete", diff(snapshot(meeting, AUDITED_FIELDS), {}))
        meeting.delete()


def meeting_notes_set(
    *,
    membership: Membership,
    meeting: Meeting,
    notes: str,
    expected_version: int | None = None,
) -> Meeting:
    """Save the meeting notes (the note-taker's running record)."""
    _notes_require(membership, meeting)
    if expected_version is not None and expected_version != meeting.version:
        raise StaleVersion(meeting.version)
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise ValidationError({"notes": f"Keep notes to {NOTES_MAX} characters or fewer."})
    if notes == meeting.notes:
        return meeting
    previous = meeting.notes
    with transaction.atomic():
        _version_bump(meeting)
        meeting.notes = notes
        meeting.save(update_fields=["notes", "updated_at"])
        _audit(meeting, membership, "update", {"notes": [_short(previous), _short(notes)]})
    return meeting


def meeting_status_change(
    *,
    membership: Membership,
    meeting: Meeting,
    status: str,
    today: datetime.date | None = None,
) -> Meeting:
    """Mark the meeting held (from its day on), cancelled (organizer and managers only; the
    attendees are told) or back to scheduled."""
    if status not in Meeting.Status.values:
        raise ValidationError({"status": "Choose scheduled, held or cancelled."})
    if status == Meeting.Status.CANCELLED or meeting.status == Meeting.Status.CANCELLED:
        _manage_require(membership, meeting)
    else:
        _notes_require(membership, meeting)
    if status == meeting.status:
        return meeting
    today = today or timezone.localdate()
    day = timezone.localtime(meeting.starts_at).date()
    if status == Meeting.Status.HELD and day > today:
        raise ValidationError(
            {"status": f"This meeting is on {day:%d %b %Y}; mark it held once it has taken place."}
        )
    previous = meeting.get_status_display()
    with transaction.atomic():
        _version_bump(meeting, sequence=True)
        meeting.status = status
        meeting.save(update_fields=["status", "updated_at"])
        _audit(meeting, membership, "update", {"status": [previous, meeting.get_status_display()]})
        if status == Meeting.Status.CANCELLED:
            people = [
                a.person
                for a in MeetingAttendee.objects.filter(meeting=meeting).select_related("person")
            ]
            _invite(
                meeting,
                people,
                actor=_actor_person(membership),
                key=f"meeting:{meeting.uuid}:cancelled:{meeting.sequence}",
                subject=f"Meeting cancelled: {meeting.title}, {_when(meeting.starts_at)}",
            )
    return meeting


# --- attendees ------------------------------------------------------------------------------


def _attendee_of(meeting: Meeting, person: Person) -> MeetingAttendee:
    found = (
        MeetingAttendee.objects.filter(meeting=meeting, person=person)
        .select_related("person")
        .first()
    )
    if found is None:
        raise ValidationError({"person": f"{person.name} is not invited to this meeting."})
    return found


def meeting_attendance_set(
    *, membership: Membership, meeting: Meeting, person: Person, attended: bool
) -> MeetingAttendee:
    """Mark an invited person present or absent. Absent people are left out of the tally
    and of the participation summary (their tallies are kept)."""
    _notes_require(membership, meeting)
    attendee = _attendee_of(meeting, person)
    if attendee.attended == attended:
        return attendee
    with transaction.atomic():
        MeetingAttendee.objects.filter(pk=attendee.pk).update(
            attended=attended, version=F("version") + 1, updated_at=timezone.now()
        )
        attendee.attended = attended
        attendee.version += 1
        _audit(
            meeting,
            membership,
            "update",
            {f"{person.name} present": [not attended, attended]},
        )
    return attendee


# --- agenda ---------------------------------------------------------------------------------


def _agenda_touch(meeting: Meeting) -> None:
    """The agenda is in the calendar description: calendars should refresh."""
    Meeting.objects.filter(pk=meeting.pk).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    meeting.sequence += 1


def agenda_item_add(
    *,
    membership: Membership,
    meeting: Meeting,
    title: str,
    owner: Person | None = None,
    minutes: int | None = None,
    notes: str = "",
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    _notes_require(membership, meeting)
    spec = _agenda_clean(
        AgendaSpec(title=title, owner=owner, minutes=minutes, notes=notes), meeting.workspace
    )
    with transaction.atomic():
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"]
        item = AgendaItem.objects.create(
            workspace=meeting.workspace,
            meeting=meeting,
            position=(last or 0) + 1,
            title=spec.title,
            owner=spec.owner,
            minutes=spec.minutes,
            notes=spec.notes,
        )
        _agenda_touch(meeting)
        _audit(meeting, membership, "update", {"agenda item": [None, spec.title]})
    return item


AGENDA_FIELDS = ("title", "owner", "minutes", "notes")


def agenda_item_update(
    *,
    membership: Membership,
    meeting: Meeting,
    item: AgendaItem,
    expected_version: int | None = None,
    **changes: Any,
) -> AgendaItem:
    """Change an item's title, owner, minutes or notes."""
    _notes_require(membership, meeting)
    if item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "That item is on another meeting's agenda."})
    if expected_version is not None and expected_version != item.version:
        raise StaleVersion(item.version)
    unknown = set(changes) - set(AGENDA_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    merged = {name: getattr(item, name) for name in AGENDA_FIELDS} | changes
    spec = _agenda_clean(AgendaSpec(**merged), meeting.workspace)
    before = snapshot(item, list(AGENDA_FIELDS))
    for name in AGENDA_FIELDS:
        setattr(item, name, getattr(spec, name))
    changed = diff(before, snapshot(item, list(AGENDA_FIELDS)))
    if not changed:
        return item
    with transaction.atomic():
        updated = AgendaItem.objects.filter(pk=item.pk, version=item.version).update(
            version=item.version + 1
        )
        if not updated:
            raise StaleVersion(AgendaItem.objects.get(pk=item.pk).version)
        item.version += 1
        item.save(update_fields=[*AGENDA_FIELDS, "updated_at"])
        _agenda_touch(meeting)
        _audit(
            meeting,
            membership,
            "update",
            {f"agenda “{item.title}” {name}": pair for name, pair in changed.items()},
        )
    return item


def agenda_item_move(
    *, membership: Membership, meeting: Meeting, item: AgendaItem, offset: int
) -> None:
    """Move an item up (offset −1) or down (+1) the agenda."""
    _notes_require(membership, meeting)
    if item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "That item is on another meeting's agenda."})
    with transaction.atomic():
        items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index + (1 if offset > 0 else -1)
        if not 0 <= target < len(items):
            return
        items[index], items[target] = items[target], items[index]
        for position, row in enumerate(items, start=1):
            if row.position != position:
                AgendaItem.objects.filter(pk=row.pk).update(position=position)
        _agenda_touch(meeting)


def agenda_item_remove(*, membership: Membership, meeting: Meeting, item: AgendaItem) -> None:
    """Remove an item and its tallies."""
    _notes_require(membership, meeting)
    if item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "That item is on another meeting's agenda."})
    with transaction.atomic():
        _audit(meeting, membership, "update", {"agenda item": [item.title, None]})
        item.delete()
        _agenda_touch(meeting)


# --- the contribution tally -----------------------------------------------------------------


def _tally_check(meeting: Meeting, item: AgendaItem, person: Person) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"status": "This meeting was cancelled; there is nothing to tally."})
    if item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "Choose an item of this meeting's agenda."})
    attendee = _attendee_of(meeting, person)
    if not attendee.attended:
        raise ValidationError(
            {"person": f"{person.name} is marked absent; mark them present to tally."}
        )


def contribution_change(
    *,
    membership: Membership,
    meeting: Meeting,
    agenda_item: AgendaItem,
    person: Person,
    delta: int,
) -> int:
    """Add `delta` (usually +1 or −1) to a person's contributions on an agenda item and
    return the new count (never below 0). Safe under concurrent clicks: the sum is done by
    the database. Tally clicks are not audited one by one (they are counts, not edits)."""
    _notes_require(membership, meeting)
    if not -COUNT_MAX <= delta <= COUNT_MAX:
        raise ValidationError({"delta": f"Change a tally by at most {COUNT_MAX} at a time."})
    _tally_check(meeting, agenda_item, person)
    with transaction.atomic():
        row = _contribution_row(meeting, agenda_item, person)
        Contribution.objects.filter(pk=row.pk).update(
            count=Least(Greatest(F("count") + delta, Value(0)), Value(COUNT_MAX)),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        count: int = Contribution.objects.values_list("count", flat=True).get(pk=row.pk)
    return count


def contribution_set(
    *,
    membership: Membership,
    meeting: Meeting,
    agenda_item: AgendaItem,
    person: Person,
    count: int,
) -> int:
    """Set a person's contributions on an agenda item to `count` (0 to 999)."""
    _notes_require(membership, meeting)
    if not 0 <= count <= COUNT_MAX:
        raise ValidationError({"count": f"A tally is between 0 and {COUNT_MAX}."})
    _tally_check(meeting, agenda_item, person)
    with transaction.atomic():
        row = _contribution_row(meeting, agenda_item, person)
        Contribution.objects.filter(pk=row.pk).update(
            count=count, version=F("version") + 1, updated_at=timezone.now()
        )
    return count


def _contribution_row(meeting: Meeting, item: AgendaItem, person: Person) -> Contribution:
    try:
        with transaction.atomic():
            row, _created = Contribution.objects.get_or_create(
                agenda_item=item,
                person=person,
                defaults={"workspace": meeting.workspace, "meeting": meeting, "count": 0},
            )
    except IntegrityError:  # a concurrent first click created it
        row = Contribution.objects.get(agenda_item=item, person=person)
    return row


# --- outcomes: decisions and actions --------------------------------------------------------


def meeting_decision_capture(
    *,
    membership: Membership,
    meeting: Meeting,
    title: str,
    decider: Person | None,
    decision_text: str = "",
    rationale: str = "",
    revisit_by: datetime.date | None = None,
    decided: bool = False,
) -> Decision:
    """Record a decision taken in (or for) the meeting in the partnership's decision log and
    link it to the meeting. With `decided`, the decider (who must be the member) records the
    outcome at once; otherwise it is a draft for the decider to complete."""
    _notes_require(membership, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"status": "This meeting was cancelled; nothing was decided in it."})
    if decided and (decider is None or decider.pk not in person_ids_of(membership)):
        name = decider.name if decider is not None else "the decider"
        raise ValidationError(
            {
                "decided": (
                    f"Only {name} can record the outcome. Untick “decided in the meeting” to "
                    "save it as a draft for them."
                )
            }
        )
    if decided and not (decision_text or "").strip():
        raise ValidationError({"decision_text": "Write what was decided."})
    local = timezone.localtime(meeting.starts_at)
    with transaction.atomic():
        decision = decision_create(
            membership=membership,
            title=title,
            decider=decider,
            partnership=meeting.partnership,
            context=f"Captured in the meeting “{meeting.title}” on {local.day} {local:%b %Y}.",
            decision_text=decision_text,
            rationale=rationale,
            revisit_by=revisit_by,
        )
        if decided:
            decision = decision_decide(
                membership=membership, decision=decision, outcome_statement=decision_text
            )
        meeting.decisions.add(decision)
        _audit(meeting, membership, "update", {"decision captured": [None, decision.title]})
    return decision


def meeting_action_capture(
    *,
    membership: Membership,
    meeting: Meeting,
    title: str,
    owner: Person | None,
    due_date: datetime.date | None = None,
    description: str = "",
    decision: Decision | None = None,
) -> ActionItem:
    """Add an action item that follows up on the meeting (source: this meeting) in its
    partnership, and link it to the meeting."""
    _notes_require(membership, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"status": "This meeting was cancelled; nothing came out of it."})
    with transaction.atomic():
        action = action_create(
            membership=membership,
            title=title,
            owner=owner,
            description=description,
            due_date=due_date,
            partnership=meeting.partnership,
            decision=decision,
            source_type="meeting",
            source_uuid=meeting.uuid,
        )
        meeting.actions.add(action)
        _audit(meeting, membership, "update", {"action captured": [None, action.title]})
    return action


def meeting_outcome_link(
    *,
    membership: Membership,
    meeting: Meeting,
    decision: Decision | None = None,
    action: ActionItem | None = None,
    unlink: bool = False,
) -> None:
    """Link an existing decision or action of the meeting's partnership to it (or unlink)."""
    _notes_require(membership, meeting)
    for field, record in (("decision", decision), ("action", action)):
        if record is None:
            continue
        if record.workspace_id != meeting.workspace_id or record.partnership_id not in (
            meeting.partnership_id,
        ):
            raise ValidationError(
                {field: f"Link a {field} of {meeting.partnership.name} to this meeting."}
            )
    with transaction.atomic():
        if decision is not None:
            if unlink:
                meeting.decisions.remove(decision)
            else:
                meeting.decisions.add(decision)
            _audit(
                meeting, membership, "update", {"decision linked": _link_change(decision, unlink)}
            )
        if action is not None:
            if unlink:
                meeting.actions.remove(action)
            else:
                meeting.actions.add(action)
            _audit(meeting, membership, "update", {"action linked": _link_change(action, unlink)})


def _link_change(record: Decision | ActionItem, unlink: bool) -> list[str | None]:
    return [record.title, None] if unlink else [None, record.title]


# --- recurring meetings from the communication plan -----------------------------------------


def meeting_schedule_next(
    *,
    cadence: Cadence,
    today: datetime.date,
    membership: Membership | None = None,
) -> tuple[Meeting, bool]:
    """Create the cadence's next meeting unless it exists; returns (meeting, created).

    Idempotent: a meeting of the cadence on its next day (even cancelled) or any still
    scheduled one from today on counts as already there. The partnership's members and lead
    are invited; the cadence's owner (else the lead) organizes and takes notes."""
    partnership = cadence.partnership
    if membership is not None and not selectors.meeting_can_create(
        membership=membership, partnership=partnership
    ):
        raise PermissionDenied(
            "Only members of this partnership, its lead, its sponsor and workspace admins can "
            "schedule its meetings."
        )
    if cadence.kind not in selectors.MEETING_KINDS:
        raise ValidationError({"cadence": "Only review and meeting cadences schedule meetings."})
    day = selectors.cadence_next_occurrence(cadence=cadence, today=today)
    with transaction.atomic():
        # Lock the cadence so two workers cannot both create the same occurrence.
        Cadence.objects.select_for_update().filter(pk=cadence.pk).first()
        existing = selectors.cadence_scheduled_meeting(cadence=cadence, day=day, today=today)
        if existing is not None:
            return existing, False
        organizer = cadence.owner or partnership.lead
        location = ""
        channel = cadence.channel
        if channel is not None:
            location = channel.url or channel.name
        meeting = _meeting_write(
            membership=membership,
            workspace=cadence.workspace,
            partnership=partnership,
            title=cadence.name,
            starts_at=selectors.cadence_meeting_start(cadence=cadence, day=day),
            duration_minutes=max(DURATION_MIN, min(cadence.meeting_minutes, DURATION_MAX)),
            location=location[:LOCATION_MAX],
            attendees=selectors.partnership_default_attendees(partnership=partnership),
            agenda=[
                AgendaSpec(title=title, owner=partnership.lead)
                for title in DEFAULT_AGENDAS.get(cadence.kind, ())
            ],
            organizer=organizer,
            note_taker=organizer,
            notes="",
            cadence=cadence,
        )
    return meeting, True


def meetings_recurring_create(*, workspace: Workspace, today: datetime.date) -> list[Meeting]:
    """The next meeting of every active review or meeting cadence of the workspace's
    partnerships that still meet, where it does not exist yet."""
    cadences = (
        Cadence.objects.filter(
            workspace=workspace,
            kind__in=selectors.MEETING_KINDS,
            active=True,
            partnership__status__in=selectors.MEETING_LIFECYCLES,
        )
        .select_related("workspace", "partnership", "partnership__lead", "owner", "channel")
        .order_by("pk")
    )
    created = []
    for cadence in cadences:
        meeting, new = meeting_schedule_next(cadence=cadence, today=today)
        if new:
            created.append(meeting)
    return created


def reviews_upcoming_notify(*, workspace: Workspace, today: datetime.date) -> int:
    """Tell the attendees of each scheduled review meeting (monthly review, QBR) starting in
    the next two days; once per person and meeting date, however often this runs."""
    start = selectors.day_start(today + datetime.timedelta(days=1))
    end = selectors.day_start(today + datetime.timedelta(days=REVIEW_REMINDER_DAYS + 1))
    meetings = (
        Meeting.objects.filter(
            workspace=workspace,
            status=Meeting.Status.SCHEDULED,
            cadence__kind__in=selectors.REVIEW_KINDS,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("workspace", "partnership")
        .prefetch_related("attendees__person")
        .order_by("starts_at", "pk")
    )
    told = 0
    for meeting in meetings:
        day = timezone.localtime(meeting.starts_at).date()
        people = [a.person for a in meeting.attendees.all()]
        with transaction.atomic():
            told += len(
                notify(
                    workspace=workspace,
                    event=Event.REVIEW_UPCOMING,
                    recipients=people,
                    subject=f"Coming up: {meeting.title} ({meeting.partnership.name}), "
                    f"{_when(meeting.starts_at)}",
                    key=f"meeting:{meeting.uuid}:review-upcoming:{day.isoformat()}",
                    body="Look over the partnership's goals, KPIs and open actions before the "
                    "review.",
                    url=meeting_url(meeting),
                    about=meeting,
                )
            )
    return told


# --- the personal calendar feed -------------------------------------------------------------


def calendar_token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _subscription_of(membership: Membership) -> Subscription:
    subscription = Subscription.objects.filter(
        workspace=membership.workspace, user=membership.user
    ).first()
    if subscription is not None:
        return subscription
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                workspace=membership.workspace,
                user=membership.user,
                unsubscribe_token=secrets.token_urlsafe(32),
            )
    except IntegrityError:  # created meanwhile by another request
        return Subscription.objects.get(workspace=membership.workspace, user=membership.user)


def calendar_token_reset(*, membership: Membership) -> str:
    """Make a new secret feed token for the member (the old URL stops working) and return
    it; only its SHA-256 hash is stored, so this is the only time it can be shown."""
    raw = CALENDAR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        subscription = _subscription_of(membership)
        had = bool(subscription.calendar_token_hash)
        Subscription.objects.filter(pk=subscription.pk).update(
            calendar_token_hash=calendar_token_digest(raw),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="update",
            instance=subscription,
            changes={"calendar feed": ["active" if had else None, "new secret URL"]},
        )
    return raw


def calendar_token_revoke(*, membership: Membership) -> bool:
    """Stop the member's calendar feed; returns whether there was one."""
    with transaction.atomic():
        subscription = Subscription.objects.filter(
            workspace=membership.workspace, user=membership.user
        ).first()
        if subscription is None or not subscription.calendar_token_hash:
            return False
        Subscription.objects.filter(pk=subscription.pk).update(
            calendar_token_hash="", version=F("version") + 1, updated_at=timezone.now()
        )
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="update",
            instance=subscription,
            changes={"calendar feed": ["active", None]},
        )
    return True
