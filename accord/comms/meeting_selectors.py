"""Reads for meetings: visibility, who may do what, lists, the tally grid and participation.

A meeting belongs to a partnership and is visible to whoever may see that partnership
(members-only partnerships hide their meetings too); anything else answers 404.

Who may do what:
- Members of the partnership (role member or above), its lead and sponsor, and admins
  schedule meetings for it.
- The organizer, the partnership's lead and sponsor and admins edit, cancel or delete one.
- Those, and the meeting's note-taker, keep its notes and agenda, mark attendance, tally
  contributions, mark it held and capture decisions and actions from it.
- Everyone who can see it reads it; viewers change nothing.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.comms.models_meetings import AgendaItem, Contribution, Meeting, MeetingAttendee
from accord.comms.models_plan import Cadence
from accord.goals.permissions import person_ids_of
from accord.governance.models import ActionItem, Decision
from accord.metrics.participation import Participant, ParticipationResult, participation_summarise
from accord.org.models import Person
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember
from accord.partnerships.selectors import partnership_can_contribute, partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

# Cadences that meetings satisfy, and those among them that are reviews.
MEETING_KINDS = (Cadence.Kind.MONTHLY_REVIEW, Cadence.Kind.QBR, Cadence.Kind.CUSTOM_MEETING)
REVIEW_KINDS = (Cadence.Kind.MONTHLY_REVIEW, Cadence.Kind.QBR)
# Seniority levels as a group reads in a sentence ("Directors held 25% of the seats …").
SENIORITY_GROUPS = {
    1: "Individual contributors",
    2: "Senior ICs",
    3: "Managers",
    4: "Directors",
    5: "Executives",
}
WHEN_CHOICES = {"upcoming": "Upcoming", "past": "Past", "all": "All"}
# Partnerships that still meet (recurring meetings are not created for the others).
MEETING_LIFECYCLES = (Lifecycle.PROPOSED, Lifecycle.FORMING, Lifecycle.ACTIVE)


# --- visibility and permissions -------------------------------------------------------------


def meeting_visible(*, membership: Membership) -> QuerySet[Meeting]:
    """Meetings of the partnerships the member may see."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return Meeting.objects.filter(workspace=membership.workspace, partnership__in=visible)


def meeting_can_create(*, membership: Membership, partnership: Partnership) -> bool:
    if not membership.can_edit:
        return False
    if membership.can_admin:
        return True
    return partnership_can_contribute(membership=membership, partnership=partnership)


def meeting_can_manage(*, membership: Membership, meeting: Meeting) -> bool:
    """The organizer, the partnership's lead and sponsor, and admins."""
    if not membership.can_edit:
        return False
    people = person_ids_of(membership)
    if membership.can_admin or (
        meeting.organizer_id is not None and meeting.organizer_id in people
    ):
        return True
    partnership = meeting.partnership
    return partnership.lead_id in people or partnership.sponsor_id in people


def meeting_can_take_notes(*, membership: Membership, meeting: Meeting) -> bool:
    """Managers of the meeting and its note-taker."""
    if meeting_can_manage(membership=membership, meeting=meeting):
        return True
    return (
        membership.can_edit
        and meeting.note_taker_id is not None
        and meeting.note_taker_id in person_ids_of(membership)
    )


# --- one meeting ----------------------------------------------------------------------------


def meeting_detail_queryset(*, membership: Membership) -> QuerySet[Meeting]:
    return meeting_visible(membership=membership).select_related(
        "workspace", "partnership", "organizer", "note_taker", "cadence"
    )


def meeting_full_queryset(*, membership: Membership) -> QuerySet[Meeting]:
    """Meetings with their counts, attendees, agenda and captured outcomes prefetched (for
    the API's detail shape: a constant number of queries)."""
    return (
        meeting_detail_queryset(membership=membership)
        .annotate(attendee_count=_count(MeetingAttendee), agenda_count=_count(AgendaItem))
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=MeetingAttendee.objects.select_related("person", "function").order_by(
                    "-seniority", "person__name", "pk"
                ),
            ),
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related("owner").order_by("position", "pk"),
            ),
            Prefetch("decisions", queryset=Decision.objects.order_by("created_at", "pk")),
            Prefetch("actions", queryset=ActionItem.objects.order_by("created_at", "pk")),
        )
    )


def meeting_get(*, membership: Membership, uuid: Any) -> Meeting:
    found: Meeting = object_get(
        meeting_detail_queryset(membership=membership),
        workspace=membership.workspace,
        uuid=uuid,
    )
    return found


def meeting_attendee_list(*, meeting: Meeting) -> QuerySet[MeetingAttendee]:
    """Most senior first, then by name."""
    return (
        MeetingAttendee.objects.filter(workspace=meeting.workspace_id, meeting=meeting)
        .select_related("person", "function")
        .order_by("-seniority", "person__name", "pk")
    )


def meeting_agenda_list(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(workspace=meeting.workspace_id, meeting=meeting)
        .select_related("owner")
        .order_by("position", "pk")
    )


def meeting_contribution_list(*, meeting: Meeting) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(workspace=meeting.workspace_id, meeting=meeting)
        .select_related("agenda_item", "person")
        .order_by("agenda_item__position", "agenda_item_id", "person__name", "pk")
    )


def meeting_decision_list(*, meeting: Meeting) -> QuerySet[Decision]:
    return meeting.decisions.select_related("decider").order_by("created_at", "pk")


def meeting_action_list(*, meeting: Meeting) -> QuerySet[ActionItem]:
    return meeting.actions.select_related("owner").order_by("created_at", "pk")


# --- the tally grid -------------------------------------------------------------------------


@dataclass
class TallyCell:
    item: AgendaItem
    count: int


@dataclass
class TallyRow:
    attendee: MeetingAttendee
    cells: list[TallyCell]
    total: int


@dataclass
class Tally:
    """Attendees present × agenda items, each cell the person's contributions on the item."""

    items: list[AgendaItem]
    rows: list[TallyRow]
    item_totals: list[int]
    total: int
    absent: list[MeetingAttendee] = field(default_factory=list)


def meeting_counts(*, meeting: Meeting) -> dict[tuple[int, int], int]:
    """(agenda item id, person id) → count, in one query."""
    rows = Contribution.objects.filter(workspace=meeting.workspace_id, meeting=meeting).values_list(
        "agenda_item_id", "person_id", "count"
    )
    return {(item, person): count for item, person, count in rows}


def meeting_tally(
    *,
    attendees: Sequence[MeetingAttendee],
    agenda: Sequence[AgendaItem],
    counts: dict[tuple[int, int], int],
) -> Tally:
    present = [a for a in attendees if a.attended]
    items = list(agenda)
    rows = []
    for attendee in present:
        cells = [TallyCell(item, counts.get((item.pk, attendee.person_id), 0)) for item in items]
        rows.append(TallyRow(attendee, cells, sum(c.count for c in cells)))
    item_totals = [sum(row.cells[index].count for row in rows) for index in range(len(items))]
    return Tally(
        items=items,
        rows=rows,
        item_totals=item_totals,
        total=sum(item_totals),
        absent=[a for a in attendees if not a.attended],
    )


# --- participation --------------------------------------------------------------------------


def _participant(attendee: MeetingAttendee, contributions: int) -> Participant:
    return Participant(
        id=str(attendee.person.uuid),
        name=attendee.person.name,
        contributions=contributions,
        seniority=SENIORITY_GROUPS.get(attendee.seniority, "Unknown level"),
        seniority_rank=attendee.seniority,
        function=attendee.function.name if attendee.function else "",
    )


def meeting_participation(
    *, attendees: Sequence[MeetingAttendee], counts: dict[tuple[int, int], int]
) -> ParticipationResult:
    """Everyone present, silent people as 0 (absent attendees are left out)."""
    per_person: dict[int, int] = defaultdict(int)
    for (_item, person), count in counts.items():
        per_person[person] += count
    return participation_summarise(
        [_participant(a, per_person.get(a.person_id, 0)) for a in attendees if a.attended]
    )


def meeting_participation_get(*, meeting: Meeting) -> ParticipationResult:
    return meeting_participation(
        attendees=list(meeting_attendee_list(meeting=meeting)),
        counts=meeting_counts(meeting=meeting),
    )


@dataclass
class MeetingVoice:
    """One held meeting in a partnership's participation history."""

    meeting: Meeting
    people: int
    total: int
    gini_normalised: float | None
    level: str


@dataclass
class PartnershipParticipation:
    summary: ParticipationResult
    meetings: list[MeetingVoice]


def partnership_participation(
    *, partnership: Partnership, since: datetime.date | None = None
) -> PartnershipParticipation:
    """Participation across the partnership's held meetings (three queries whatever their
    number): each person's contributions summed over the meetings they attended, silent
    attendance counting as 0, with their latest seniority and function; plus G* per meeting."""
    meetings = Meeting.objects.filter(
        workspace=partnership.workspace_id, partnership=partnership, status=Meeting.Status.HELD
    )
    if since is not None:
        meetings = meetings.filter(starts_at__date__gte=since)
    held = list(meetings.order_by("starts_at", "pk"))
    ids = [m.pk for m in held]
    attendees = list(
        MeetingAttendee.objects.filter(meeting_id__in=ids, attended=True)
        .select_related("person", "function")
        .order_by("meeting__starts_at", "pk")
    )
    sums = (
        Contribution.objects.filter(meeting_id__in=ids)
        .values_list("meeting_id", "person_id")
        .annotate(total=Sum("count"))
        .order_by()
    )
    by_meeting_person = {(meeting, person): total for meeting, person, total in sums}
    latest: dict[int, MeetingAttendee] = {}
    totals: dict[int, int] = defaultdict(int)
    per_meeting: dict[int, list[int]] = defaultdict(list)
    for attendee in attendees:
        latest[attendee.person_id] = attendee  # ordered by time: the last one wins
        spoken = by_meeting_person.get((attendee.meeting_id, attendee.person_id), 0)
        totals[attendee.person_id] += spoken
        per_meeting[attendee.meeting_id].append(spoken)
    summary = participation_summarise(
        [_participant(attendee, totals[person]) for person, attendee in latest.items()]
    )
    rows = []
    for meeting in reversed(held):
        counts = per_meeting.get(meeting.pk, [])
        single = participation_summarise(
            [Participant(str(i), "", count) for i, count in enumerate(counts)]
        )
        rows.append(
            MeetingVoice(
                meeting=meeting,
                people=len(counts),
                total=sum(counts),
                gini_normalised=single.gini_normalised,
                level=single.level,
            )
        )
    return PartnershipParticipation(summary=summary, meetings=rows)


def meeting_levels(*, meetings: Iterable[Meeting]) -> dict[int, ParticipationResult]:
    """The participation summary of each of the given meetings, in two queries (for lists)."""
    ids = [m.pk for m in meetings]
    if not ids:
        return {}
    attendees = (
        MeetingAttendee.objects.filter(meeting_id__in=ids, attended=True)
        .select_related("person", "function")
        .order_by("pk")
    )
    sums = (
        Contribution.objects.filter(meeting_id__in=ids)
        .values_list("meeting_id", "person_id")
        .annotate(total=Sum("count"))
        .order_by()
    )
    spoken = {(meeting, person): total for meeting, person, total in sums}
    grouped: dict[int, list[Participant]] = defaultdict(list)
    for attendee in attendees:
        grouped[attendee.meeting_id].append(
            _participant(attendee, spoken.get((attendee.meeting_id, attendee.person_id), 0))
        )
    return {pk: participation_summarise(grouped.get(pk, [])) for pk in ids}


# --- lists ----------------------------------------------------------------------------------


@dataclass
class MeetingFilters:
    partnership: str | None = None  # slug
    when: str = "all"  # upcoming | past | all
    status: str | None = None
    mine: bool = False  # only meetings the member attends, organizes or takes notes for

    def any(self) -> bool:
        return bool(self.partnership or self.status or self.mine)


def _count(model: Any) -> Coalesce:
    rows = (
        model.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def day_start(today: datetime.date) -> datetime.datetime:
    """Midnight at the start of `today` in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def meeting_list(
    *,
    membership: Membership,
    filters: MeetingFilters | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Meeting]:
    """Visible meetings with partnership, organizer and counts (constant queries). Upcoming
    ones (today and later) soonest first; past ones most recent first."""
    filters = filters or MeetingFilters()
    today = today or timezone.localdate()
    meetings = (
        meeting_visible(membership=membership)
        .select_related("workspace", "partnership", "organizer", "note_taker", "cadence")
        .annotate(attendee_count=_count(MeetingAttendee), agenda_count=_count(AgendaItem))
    )
    if filters.partnership:
        meetings = meetings.filter(partnership__slug=filters.partnership)
    if filters.status:
        meetings = meetings.filter(status=filters.status)
    if filters.mine:
        people = person_ids_of(membership)
        meetings = meetings.filter(
            Q(attendees__person_id__in=people)
            | Q(organizer_id__in=people)
            | Q(note_taker_id__in=people)
        ).distinct()
    start = day_start(today)
    if filters.when == "upcoming":
        return meetings.filter(starts_at__gte=start).order_by("starts_at", "pk")
    if filters.when == "past":
        return meetings.filter(starts_at__lt=start).order_by("-starts_at", "-pk")
    return meetings.order_by("-starts_at", "-pk")


def meeting_partnership_choices(*, membership: Membership) -> QuerySet[Partnership]:
    return (
        partnership_visible_list(membership=membership)
        .only("uuid", "name", "slug")
        .order_by("name", "pk")
    )


def meeting_partnership_create_choices(*, membership: Membership) -> QuerySet[Partnership]:
    """Partnerships the member may schedule meetings for."""
    partnerships = partnership_visible_list(membership=membership)
    if not membership.can_admin:
        people = person_ids_of(membership)
        partnerships = partnerships.filter(
            Q(lead_id__in=people) | Q(sponsor_id__in=people) | Q(members__person_id__in=people)
        )
    return Partnership.objects.filter(pk__in=partnerships.values("pk")).order_by("name", "pk")


# --- people ---------------------------------------------------------------------------------


def _partnership_circle(partnership: Partnership) -> tuple[list[Person], list[Person]]:
    """(members, then lead and sponsor when they are not members), in two queries."""
    members = [
        m.person
        for m in PartnershipMember.objects.filter(
            workspace=partnership.workspace_id, partnership=partnership
        )
        .select_related("person", "person__function")
        .order_by("person__name", "pk")
    ]
    known = {p.pk for p in members}
    extra_ids = [
        pk for pk in (partnership.lead_id, partnership.sponsor_id) if pk and pk not in known
    ]
    extras = list(Person.objects.filter(pk__in=extra_ids).select_related("function"))
    extras.sort(key=lambda p: extra_ids.index(p.pk))
    return members, extras


def partnership_people(*, partnership: Partnership) -> list[Person]:
    """The people a meeting of the partnership can invite: its members, lead and sponsor."""
    members, extras = _partnership_circle(partnership)
    return [*members, *extras]


def partnership_default_attendees(*, partnership: Partnership) -> list[Person]:
    """Invited unless the organizer says otherwise: the members and the lead (the sponsor
    is invited by choice)."""
    members, extras = _partnership_circle(partnership)
    return [*members, *(p for p in extras if p.pk == partnership.lead_id)]


# --- recurring meetings from the communication plan -----------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """`months` later on the same day of the month, clamped to the month's end (31 January
    + 1 month = 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        if day.day >= last or last == 28:
            try:
                return datetime.date(year, month, min(day.day, last))
            except ValueError:
                continue
    raise AssertionError("unreachable")  # pragma: no cover


def cadence_next_occurrence(*, cadence: Cadence, today: datetime.date) -> datetime.date:
    """The cadence's next due date, or the first occurrence after it that is not before
    today when the plan has not moved it on. Occurrences are counted from next_due, so a
    monthly cadence due on the 31st stays on month ends."""
    base = cadence.next_due
    interval = max(cadence.interval, 1)
    if base >= today:
        return base
    if cadence.unit in (Cadence.Unit.DAY, Cadence.Unit.WEEK):
        step = interval * (7 if cadence.unit == Cadence.Unit.WEEK else 1)
        periods = -(-(today - base).days // step)  # ceiling division
        return base + datetime.timedelta(days=periods * step)
    periods = max(((today.year - base.year) * 12 + today.month - base.month) // interval, 1)
    day = _add_months(base, periods * interval)
    while day < today:
        periods += 1
        day = _add_months(base, periods * interval)
    return day


def cadence_meeting_start(*, cadence: Cadence, day: datetime.date) -> datetime.datetime:
    """When the cadence's meeting on `day` starts: its meeting time, else 10:00."""
    at = cadence.meeting_time or datetime.time(10, 0)
    return timezone.make_aware(datetime.datetime.combine(day, at))


def cadence_scheduled_meeting(
    *, cadence: Cadence, day: datetime.date, today: datetime.date
) -> Meeting | None:
    """The meeting that already covers the cadence's next occurrence: one on that day (in
    any status, so a cancelled one is not recreated) or any still-scheduled one from today."""
    return (
        Meeting.objects.filter(workspace=cadence.workspace_id, cadence=cadence)
        .filter(
            Q(starts_at__gte=day_start(day), starts_at__lt=day_start(day + datetime.timedelta(1)))
            | Q(status=Meeting.Status.SCHEDULED, starts_at__gte=day_start(today))
        )
        .order_by("starts_at", "pk")
        .first()
    )


@dataclass
class CadenceRow:
    cadence: Cadence
    next_day: datetime.date
    scheduled: Meeting | None
    can_schedule: bool


def meeting_cadence_list(
    *,
    membership: Membership,
    partnership: str | None = None,
    today: datetime.date | None = None,
) -> list[CadenceRow]:
    """Active meeting cadences of visible partnerships, each with its next occurrence and the
    meeting already scheduled for it, if any (three queries)."""
    today = today or timezone.localdate()
    visible = partnership_visible_list(membership=membership).values("pk")
    cadences = list(
        Cadence.objects.filter(
            workspace=membership.workspace,
            partnership__in=visible,
            kind__in=MEETING_KINDS,
            active=True,
        )
        .select_related("partnership", "owner")
        .order_by("next_due", "name", "pk")
    )
    if partnership:
        cadences = [c for c in cadences if c.partnership.slug == partnership]
    upcoming: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in Meeting.objects.filter(
        workspace=membership.workspace,
        cadence__in=[c.pk for c in cadences],
        starts_at__gte=day_start(min([today, *[c.next_due for c in cadences]])),
    ).order_by("starts_at", "pk"):
        assert meeting.cadence_id is not None
        upcoming[meeting.cadence_id].append(meeting)
    creatable = {p.pk for p in meeting_partnership_create_choices(membership=membership).only("pk")}
    rows = []
    for cadence in cadences:
        day = cadence_next_occurrence(cadence=cadence, today=today)
        found = next(
            (
                m
                for m in upcoming.get(cadence.pk, [])
                if timezone.localtime(m.starts_at).date() == day
                or (m.status == Meeting.Status.SCHEDULED and m.starts_at >= day_start(today))
            ),
            None,
        )
        rows.append(
            CadenceRow(
                cadence=cadence,
                next_day=day,
                scheduled=found,
                can_schedule=membership.can_edit and cadence.partnership_id in creatable,
            )
        )
    return rows


def meeting_cadence_get(*, membership: Membership, uuid: Any) -> Cadence:
    visible = partnership_visible_list(membership=membership).values("pk")
    found: Cadence = object_get(
        Cadence.objects.filter(partnership__in=visible, kind__in=MEETING_KINDS).select_related(
            "partnership", "owner", "channel"
        ),
        workspace=membership.workspace,
        uuid=uuid,
    )
    return found
