"""Demo meetings for Brightwater: three months of partnership meetings with agendas, notes and
contribution tallies, the decisions and actions they produced, and the next meetings of the
communication plan's cadences.

The story: the Wholesale Margin Recovery reviews are run by executives and the analysts who
know the numbers barely speak (the participation summary flags it); the Storefront sprint
reviews go round the table and are evenly shared. Past meetings are written in bulk (no
invitations for meetings that are over); the upcoming ones come from the recurring-meeting
job, which invites the partnership like it does every day.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accord.comms.meeting_actions import meetings_recurring_create
from accord.comms.models_meetings import AgendaItem, Contribution, Meeting, MeetingAttendee
from accord.comms.models_plan import Cadence
from accord.governance.decision_actions import decision_create
from accord.governance.models import ActionItem, Decision
from accord.org.models import Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.workspaces.models import Membership, Workspace

# How people speak in a meeting, by seniority level (5 executive … 1 IC); each further
# person of the same level says a little less.
STYLES: dict[str, dict[int, int]] = {
    "seniors": {5: 14, 4: 11, 3: 3, 2: 0, 1: 0},
    "balanced": {5: 4, 4: 5, 3: 5, 2: 4, 1: 4},
    "lead": {5: 5, 4: 4, 3: 3, 2: 1, 1: 1},
}


@dataclass(frozen=True)
class DemoMeeting:
    partnership: str
    title: str
    days_ago: int
    agenda: tuple[str, ...]
    style: str = "lead"
    guests: int = 0  # individual contributors of the partnership's functions invited too
    cadence_kind: str = ""  # links the meeting to the partnership's cadence of this kind
    status: str = Meeting.Status.HELD
    hour: int = 10
    minutes: int = 60
    location: str = ""
    notes: str = ""
    decisions: tuple[tuple[str, str], ...] = ()  # (title, outcome) drafts for the lead
    actions: tuple[tuple[str, int], ...] = ()  # (title, due in days from the meeting)
    link_decision: bool = False  # link the partnership's latest existing decision
    absent: int = 0  # how many of the invited did not come (the last ones)


MEETINGS = (
    DemoMeeting(
        "wholesale-margin-recovery",
        "Monthly margin review",
        days_ago=84,
        agenda=("Margin by channel", "Discount approvals", "Next steps"),
        style="lead",
        guests=2,
        cadence_kind=Cadence.Kind.MONTHLY_REVIEW,
        hour=14,
        location="Boardroom 2",
        notes="Margin is down 2.1 points on wholesale. Henrik walked through the approvals "
        "backlog; Finance asked for the discount data by account.",
        actions=(("Pull discount depth by account for the top 50 accounts", 10),),
    ),
    DemoMeeting(
        "wholesale-margin-recovery",
        "Monthly margin review",
        days_ago=56,
        agenda=("Margin by channel", "Discount approval matrix", "Promotions calendar"),
        style="seniors",
        guests=3,
        cadence_kind=Cadence.Kind.MONTHLY_REVIEW,
        hour=14,
        location="Boardroom 2",
        notes="The CRO and CFO debated the approval thresholds for most of the hour. The "
        "pricing analyst's account-level data was not discussed for lack of time.",
        decisions=(
            (
                "Require Finance sign-off for wholesale discounts above 20%",
                "Above 20%, the CFO's delegate signs off within two working days.",
            ),
        ),
        actions=(("Draft the discount approval matrix", 14),),
    ),
    DemoMeeting(
        "wholesale-margin-recovery",
        "Monthly margin review",
        days_ago=28,
        agenda=("Margin recovery so far", "Discount approval matrix", "Floor prices for bundles"),
        style="seniors",
        guests=3,
        cadence_kind=Cadence.Kind.MONTHLY_REVIEW,
        hour=14,
        location="Boardroom 2",
        notes="Executives set the direction on the matrix and bundles. Analysts and the buyer "
        "said almost nothing, although they own the numbers behind both items. Next time: "
        "open each item with the analyst's data and ask them first.",
        link_decision=True,
        actions=(
            ("Circulate the analysts' floor-price model before the next review", 7),
            ("Give the pricing analyst the first ten minutes of the next review", 27),
        ),
    ),
    DemoMeeting(
        "storefront-conversion-sprint",
        "Sprint review",
        days_ago=42,
        agenda=("Checkout experiment results", "Product page rewrites", "Next sprint"),
        style="lead",
        guests=2,
        cadence_kind=Cadence.Kind.CUSTOM_MEETING,
        hour=16,
        minutes=45,
        location="https://meet.example/storefront",
        notes="Sanjay presented the checkout test; Engineering raised the tracking gap.",
        actions=(("Fix the add-to-cart tracking gap", 7),),
    ),
    DemoMeeting(
        "storefront-conversion-sprint",
        "Sprint review",
        days_ago=28,
        agenda=("Checkout experiment results", "Product page rewrites", "Next sprint"),
        style="balanced",
        guests=2,
        cadence_kind=Cadence.Kind.CUSTOM_MEETING,
        hour=16,
        minutes=45,
        location="https://meet.example/storefront",
        notes="Went round the table on every item (a rule we agreed last time). Engineers and "
        "designers shaped the next sprint's scope.",
        decisions=(
            (
                "Keep guest checkout and drop forced account creation",
                "Guest checkout stays; accounts are offered after purchase.",
            ),
        ),
        actions=(("Ship the one-page checkout to half of the traffic", 10),),
    ),
    DemoMeeting(
        "storefront-conversion-sprint",
        "Sprint review",
        days_ago=14,
        agenda=("A/B test read-out", "Best-seller pages", "Accessibility fixes", "Next sprint"),
        style="balanced",
        guests=2,
        cadence_kind=Cadence.Kind.CUSTOM_MEETING,
        hour=16,
        minutes=45,
        location="https://meet.example/storefront",
        notes="Round-robin again: each item opened by whoever did the work. Conversion up 0.4 "
        "points in the test group.",
        link_decision=True,
        actions=(("Roll the winning checkout out to everyone", 7),),
    ),
    DemoMeeting(
        "faster-order-to-cash",
        "Monthly cash review",
        days_ago=45,
        agenda=("DSO trend", "Invoice timing", "Disputes"),
        style="lead",
        guests=1,
        cadence_kind=Cadence.Kind.MONTHLY_REVIEW,
        hour=15,
        notes="DSO at 47 days. Agreed to test invoicing on shipment for drop-ship orders.",
        link_decision=True,
    ),
    DemoMeeting(
        "faster-order-to-cash",
        "Monthly cash review",
        days_ago=17,
        agenda=("DSO trend", "Credit checks", "Disputes by reason"),
        style="lead",
        guests=1,
        cadence_kind=Cadence.Kind.MONTHLY_REVIEW,
        hour=15,
        absent=1,
        notes="DSO down to 43 days. The credit-check map shows two days lost waiting for "
        "approvals.",
        actions=(("Propose auto-approval limits for repeat customers", 14),),
    ),
    DemoMeeting(
        "inventory-right-sizing",
        "Slow movers workshop",
        days_ago=35,
        agenda=("SKUs over 120 days of cover", "Clearance options", "Who decides"),
        style="balanced",
        guests=2,
        hour=11,
        minutes=90,
        location="Warehouse meeting room",
        notes="Planners and buyers led; Finance joined for the write-down rules.",
    ),
    DemoMeeting(
        "inventory-right-sizing",
        "Monthly inventory review",
        days_ago=21,
        agenda=("Cover by category", "S&OP cadence", "Clearance plan"),
        style="lead",
        guests=1,
        cadence_kind=Cadence.Kind.MONTHLY_REVIEW,
        hour=11,
        notes="Average cover is down from 97 to 84 days. Lucía proposed a weekly S&OP check "
        "instead of this monthly one; agreed, see the decision.",
        link_decision=True,
    ),
    DemoMeeting(
        "new-hire-ramp-up",
        "Kick-off",
        days_ago=60,
        agenda=("Why we are here", "What a good first month looks like", "Working agreements"),
        style="balanced",
        hour=9,
        minutes=90,
        notes="Agreed the charter draft and a buddy system across functions.",
    ),
    DemoMeeting(
        "support-deflection",
        "Help centre scoping",
        days_ago=10,
        agenda=("Top ten questions", "Article owners"),
        style="lead",
        status=Meeting.Status.CANCELLED,
        hour=13,
        notes="",
    ),
    DemoMeeting(
        "wholesale-margin-recovery",
        "Pricing tool walkthrough",
        days_ago=-5,
        agenda=("Demo of the floor-price model", "Questions from Sales"),
        style="lead",
        guests=1,
        status=Meeting.Status.SCHEDULED,
        hour=15,
        minutes=45,
        location="https://meet.example/pricing",
    ),
)


# How much less each further person of the same level says.
FALL_OFF = {"seniors": 3, "balanced": 0, "lead": 1}


def _voice(style: str, seniority: int, rank: int) -> int:
    wobble = rank % 2 if style == "balanced" else 0
    return max(STYLES[style].get(seniority, 1) - FALL_OFF[style] * rank - wobble, 0)


@dataclass
class _Circle:
    """Who a demo meeting of one partnership can invite, read once for all meetings."""

    people: dict[int, list[Person]]  # partnership id -> members (most senior first), lead, sponsor
    guests: dict[int, list[Person]]  # function id -> individual contributors by name
    functions: dict[int, list[int]]  # partnership id -> function ids by name

    def invite(self, partnership: Partnership, guests: int) -> list[Person]:
        people = list(self.people.get(partnership.pk, []))
        taken = {p.pk for p in people}
        pools = [
            [p for p in self.guests.get(function, []) if p.pk not in taken]
            for function in self.functions.get(partnership.pk, [])
        ]
        chosen: list[Person] = []
        for index in range(guests):
            for pool in pools:
                if index < len(pool) and len(chosen) < guests:
                    chosen.append(pool[index])
        return people + chosen


def _circle(workspace: Workspace, partnerships: dict[str, Partnership]) -> _Circle:
    people: dict[int, list[Person]] = {}
    for row in (
        PartnershipMember.objects.filter(workspace=workspace)
        .select_related("person")
        .order_by("-person__seniority", "person__name", "pk")
    ):
        people.setdefault(row.partnership_id, []).append(row.person)
    for partnership in partnerships.values():
        members = people.setdefault(partnership.pk, [])
        for extra in (partnership.lead, partnership.sponsor):
            if extra is not None and extra not in members:
                members.append(extra)
    functions: dict[int, list[int]] = {}
    for link in (
        Partnership.functions.through.objects.filter(partnership__workspace=workspace)
        .select_related("function")
        .order_by("function__name")
    ):
        functions.setdefault(link.partnership_id, []).append(link.function_id)
    guests: dict[int, list[Person]] = {}
    for person in Person.objects.filter(
        workspace=workspace, seniority__lte=2, function__isnull=False
    ).order_by("name", "pk"):
        assert person.function_id is not None
        guests.setdefault(person.function_id, []).append(person)
    return _Circle(people=people, guests=guests, functions=functions)


def demo_meetings_build(workspace: Workspace, *, today: datetime.date) -> None:
    """Write the demo meetings in bulk (deterministic for a given `today`), then let the
    recurring-meeting job schedule the plan's next meetings."""
    partnerships = {
        p.slug: p
        for p in Partnership.objects.filter(workspace=workspace).select_related("lead", "sponsor")
    }
    cadences = {
        (c.partnership_id, c.kind): c
        for c in Cadence.objects.filter(workspace=workspace, active=True).order_by("-pk")
    }
    owner = (
        Membership.objects.filter(workspace=workspace, role="owner")
        .select_related("workspace", "user")
        .order_by("pk")
        .first()
    )
    circle = _circle(workspace, partnerships)
    plans = []
    for spec in MEETINGS:
        partnership = partnerships.get(spec.partnership)
        if partnership is None:
            continue
        invited = circle.invite(partnership, spec.guests)
        if not invited:
            continue
        day = today - datetime.timedelta(days=spec.days_ago)
        organizer = partnership.lead or invited[0]
        meeting = Meeting(
            workspace=workspace,
            partnership=partnership,
            cadence=cadences.get((partnership.pk, spec.cadence_kind))
            if spec.cadence_kind
            else None,
            title=spec.title,
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(spec.hour))),
            duration_minutes=spec.minutes,
            location=spec.location,
            status=spec.status,
            organizer=organizer,
            note_taker=organizer,
            notes=spec.notes,
        )
        plans.append((spec, partnership, meeting, invited, day))
    Meeting.objects.bulk_create([meeting for _s, _p, meeting, _i, _d in plans])

    attendees, agenda = [], []
    for spec, _partnership, meeting, invited, _day in plans:
        present = invited[: len(invited) - spec.absent]
        for person in invited:
            attendees.append(
                MeetingAttendee(
                    workspace=workspace,
                    meeting=meeting,
                    person=person,
                    function_id=person.function_id,
                    seniority=person.seniority,
                    attended=person in present,
                )
            )
        for position, title in enumerate(spec.agenda, start=1):
            agenda.append(
                AgendaItem(
                    workspace=workspace,
                    meeting=meeting,
                    position=position,
                    title=title,
                    owner=meeting.organizer if position == 1 else invited[position % len(invited)],
                    minutes=max(spec.minutes // len(spec.agenda), 5),
                )
            )
    MeetingAttendee.objects.bulk_create(attendees)
    AgendaItem.objects.bulk_create(agenda)
    items_of: dict[int, list[AgendaItem]] = {}
    for item in agenda:
        items_of.setdefault(item.meeting_id, []).append(item)

    contributions: list[Contribution] = []
    held = [plan for plan in plans if plan[0].status == Meeting.Status.HELD]
    for spec, _partnership, meeting, invited, _day in held:
        present = invited[: len(invited) - spec.absent]
        contributions += _tally(workspace, meeting, items_of[meeting.pk], present, spec.style)
    Contribution.objects.bulk_create(contributions)
    _outcomes(workspace, held, owner, circle)
    # The next meetings of the plan's review and meeting cadences, as the worker makes them.
    meetings_recurring_create(workspace=workspace, today=today)


def _tally(
    workspace: Workspace,
    meeting: Meeting,
    items: list[AgendaItem],
    present: list[Person],
    style: str,
) -> list[Contribution]:
    """Each person's contributions spread over the agenda, first items first."""
    ranks: dict[int, int] = {}
    rows = []
    for person in present:
        rank = ranks.get(person.seniority, 0)
        ranks[person.seniority] = rank + 1
        total = _voice(style, person.seniority, rank)
        if style == "seniors" and person.seniority == 1 and rank == 0:
            total = 1  # one IC manages a single remark
        if style == "lead" and person.pk == meeting.organizer_id:
            total += 6
        for index, item in enumerate(items):
            share = total // len(items) + (1 if index < total % len(items) else 0)
            if share:
                rows.append(
                    Contribution(
                        workspace=workspace,
                        meeting=meeting,
                        agenda_item=item,
                        person=person,
                        count=share,
                    )
                )
    return rows


def _outcomes(
    workspace: Workspace,
    held: list[tuple[DemoMeeting, Partnership, Meeting, list[Person], datetime.date]],
    owner: Membership | None,
    circle: _Circle,
) -> None:
    """Decisions recorded through the decision log (drafts for the lead), the partnership's
    existing decisions linked, and follow-up actions with the meeting as their source."""
    latest: dict[int, Decision] = {}
    for decision in Decision.objects.filter(
        workspace=workspace, partnership__isnull=False
    ).order_by("created_at", "pk"):
        assert decision.partnership_id is not None
        latest[decision.partnership_id] = decision
    decision_links = []
    actions: list[ActionItem] = []
    action_meetings: list[Meeting] = []
    for spec, partnership, meeting, _invited, day in held:
        if spec.link_decision and partnership.pk in latest:
            decision_links.append((meeting, latest[partnership.pk]))
        if owner is not None:
            for title, outcome in spec.decisions:
                decision = decision_create(
                    membership=owner,
                    title=title,
                    decider=partnership.lead,
                    partnership=partnership,
                    context=f"Captured in the meeting “{meeting.title}” on {day.day} {day:%b %Y}.",
                    decision_text=outcome,
                )
                decision_links.append((meeting, decision))
        members = circle.people.get(partnership.pk, [])
        done = spec.days_ago > 30  # older meetings' actions have been done since
        for index, (title, due_in) in enumerate(spec.actions):
            due = day + datetime.timedelta(days=due_in)
            actions.append(
                ActionItem(
                    workspace=workspace,
                    partnership=partnership,
                    title=title,
                    owner=members[(index + 1) % len(members)] if members else meeting.organizer,
                    due_date=due,
                    status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
                    completed_at=timezone.make_aware(
                        datetime.datetime.combine(due, datetime.time(17))
                    )
                    if done
                    else None,
                    source_type="meeting",
                    source_uuid=meeting.uuid,
                )
            )
            action_meetings.append(meeting)
    ActionItem.objects.bulk_create(actions)
    Meeting.decisions.through.objects.bulk_create(
        [
            Meeting.decisions.through(meeting_id=meeting.pk, decision_id=decision.pk)
            for meeting, decision in decision_links
        ]
    )
    Meeting.actions.through.objects.bulk_create(
        [
            Meeting.actions.through(meeting_id=meeting.pk, actionitem_id=action.pk)
            for meeting, action in zip(action_meetings, actions, strict=True)
        ]
    )
