"""Meeting writes: scheduling with default attendees and agenda, validation naming the field,
who may change what, attendees and their snapshots, notes, status, agenda, the contribution
tally, decisions and actions captured into the governance logs, and the audit trail."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.comms import meeting_actions as actions
from accord.comms import meeting_selectors as selectors
from accord.comms.models_meetings import AgendaItem, Contribution, Meeting, MeetingAttendee
from accord.governance.models import ActionItem, Decision
from accord.notifications.models import Event, Notification
from accord.org.models import Person, Seniority
from accord.partnerships import actions as partnership_actions
from accord.partnerships.models import Partnership
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 10)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@dataclass
class World:
    partnership: Partnership
    mia: Person  # the member login's person: a partnership member
    alice: Person  # director, the lead
    bob: Person  # individual contributor
    vic: Person  # the viewer login's person, not in the partnership


def world(tenant, name="Quote to cash") -> World:
    mia = Person.objects.create(
        workspace=tenant.workspace,
        name="Mia Member",
        email=tenant.member.email,
        user=tenant.member,
        function=tenant.sales,
        seniority=Seniority.MANAGER,
    )
    vic = Person.objects.create(
        workspace=tenant.workspace, name="Vic Viewer", email=tenant.viewer.email, user=tenant.viewer
    )
    partnership = partnership_actions.partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name=name,
        functions=[tenant.sales, tenant.finance],
        lead=tenant.alice,
    )
    for person, function in (
        (mia, tenant.sales),
        (tenant.alice, tenant.sales),
        (tenant.bob, tenant.finance),
    ):
        partnership_actions.partnership_member_add(
            partnership=partnership, actor=tenant.owner, person=person, function=function
        )
    return World(partnership=partnership, mia=mia, alice=tenant.alice, bob=tenant.bob, vic=vic)


def meeting_make(tenant, w: World, role="member", **fields) -> Meeting:
    fields.setdefault("title", "Monthly pricing review")
    fields.setdefault("starts_at", at(TODAY))
    fields.setdefault(
        "agenda",
        [
            actions.AgendaSpec("Discount approvals", owner=w.alice, minutes=20),
            actions.AgendaSpec("Credit holds", owner=w.bob),
        ],
    )
    return actions.meeting_create(
        membership=tenant.membership(role), partnership=w.partnership, **fields
    )


def messages_of(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


def items_of(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda.order_by("position"))


# --- schedule ---------------------------------------------------------------------------------


def test_a_meeting_invites_the_partnership_and_snapshots_function_and_seniority(acme):
    """Without a list, the members are invited; each attendee keeps the function and level
    they had, so later promotions do not rewrite past meetings."""
    w = world(acme)
    meeting = meeting_make(acme, w)
    rows = {a.person: a for a in MeetingAttendee.objects.filter(meeting=meeting)}
    assert set(rows) == {w.mia, w.alice, w.bob}
    assert rows[w.alice].seniority == Seniority.DIRECTOR
    assert rows[w.alice].function == acme.sales
    assert rows[w.bob].function == acme.finance
    w.alice.seniority = Seniority.EXECUTIVE
    w.alice.save()
    assert (
        MeetingAttendee.objects.get(meeting=meeting, person=w.alice).seniority_short == "Director"
    )
    assert meeting.organizer == w.mia  # the member's own person
    assert meeting.note_taker == w.mia
    assert [i.title for i in items_of(meeting)] == ["Discount approvals", "Credit holds"]
    assert [i.position for i in items_of(meeting)] == [1, 2]


def test_scheduling_tells_every_attendee_but_the_organizer(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    told = Notification.objects.filter(event=Event.MEETING)
    assert {n.recipient for n in told} == {w.alice, w.bob}
    note = told.get(recipient=w.bob)
    assert note.subject.startswith("Meeting: Monthly pricing review, Sun 10 May 2026")
    assert "Agenda: Discount approvals; Credit holds" in note.body
    assert note.url == f"/w/acme/meetings/{meeting.uuid}/"


def test_the_audit_entry_names_attendees_and_agenda(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    entry = AuditEntry.objects.get(object_uuid=meeting.uuid)
    assert entry.action == "create"
    assert entry.actor == acme.member
    assert entry.changes["attendees"] == [None, "Alice Archer, Bob Baker, Mia Member"]
    assert entry.changes["agenda"] == [None, "Discount approvals; Credit holds"]


def test_every_broken_rule_is_named_by_field(acme):
    w = world(acme)
    with pytest.raises(ValidationError) as caught:
        meeting_make(acme, w, title=" ", duration_minutes=2, location="x" * 301)
    errors = messages_of(caught.value)
    assert "Give the meeting a title" in errors["title"]
    assert errors["duration_minutes"] == "A meeting lasts between 5 minutes and 12 hours."
    assert "300 characters" in errors["location"]
    assert not Meeting.objects.exists()


def test_a_naive_start_time_and_foreign_people_are_refused(acme, globex):
    w = world(acme)
    with pytest.raises(ValidationError) as caught:
        meeting_make(acme, w, starts_at=datetime.datetime(2026, 5, 10, 10, 0))
    assert "time zone" in messages_of(caught.value)["starts_at"]
    with pytest.raises(ValidationError) as caught:
        meeting_make(acme, w, attendees=[globex.alice])
    assert messages_of(caught.value) == {"attendees": "Choose only people from this workspace."}
    with pytest.raises(ValidationError) as caught:
        meeting_make(acme, w, agenda=[actions.AgendaSpec("Pricing", owner=globex.bob)])
    assert "people from this workspace" in messages_of(caught.value)["agenda"]


def test_only_partnership_members_and_admins_schedule(acme):
    w = world(acme)
    with pytest.raises(PermissionDenied):
        meeting_make(acme, w, role="viewer")
    other = partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Other",
        functions=[acme.sales, acme.finance],
    )
    with pytest.raises(PermissionDenied):
        actions.meeting_create(
            membership=acme.membership("member"),
            partnership=other,
            title="Not mine",
            starts_at=at(TODAY),
        )
    assert meeting_make(acme, w, role="admin").organizer == w.alice  # no person: the lead


# --- edit -------------------------------------------------------------------------------------


def test_moving_a_meeting_bumps_its_calendar_sequence_and_tells_attendees(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    actions.meeting_update(
        membership=acme.membership("member"),
        meeting=meeting,
        expected_version=1,
        starts_at=at(TODAY, 14),
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert meeting.version == 2
    moved = Notification.objects.filter(event=Event.MEETING, subject__startswith="Meeting moved")
    assert {n.recipient for n in moved} == {w.alice, w.bob}
    with pytest.raises(actions.StaleVersion):
        actions.meeting_update(
            membership=acme.membership("member"), meeting=meeting, expected_version=1, title="X"
        )


def test_dropping_an_attendee_drops_their_tally_and_new_ones_are_invited(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    item = items_of(meeting)[0]
    member = acme.membership("member")
    actions.contribution_change(
        membership=member, meeting=meeting, agenda_item=item, person=w.bob, delta=1
    )
    actions.meeting_update(membership=member, meeting=meeting, attendees=[w.mia, w.alice, w.vic])
    assert set(meeting.attendees.values_list("person__name", flat=True)) == {
        "Mia Member",
        "Alice Archer",
        "Vic Viewer",
    }
    assert not Contribution.objects.filter(person=w.bob).exists()
    assert Notification.objects.filter(event=Event.MEETING, recipient=w.vic).exists()
    entry = AuditEntry.objects.filter(object_uuid=meeting.uuid, action="update").get()
    assert entry.changes["attendees"][1] == "Alice Archer, Mia Member, Vic Viewer"


def test_only_the_organizer_lead_sponsor_and_admins_edit(acme):
    w = world(acme)
    meeting = meeting_make(acme, w, role="admin", organizer=w.alice, note_taker=w.mia)
    with pytest.raises(PermissionDenied):
        actions.meeting_update(membership=acme.membership("member"), meeting=meeting, title="x")
    # The note-taker keeps notes, tallies and marks it held, but does not edit or cancel it.
    actions.meeting_notes_set(membership=acme.membership("member"), meeting=meeting, notes="Hi")
    with pytest.raises(PermissionDenied):
        actions.meeting_status_change(
            membership=acme.membership("member"), meeting=meeting, status="cancelled"
        )
    actions.meeting_update(membership=acme.membership("admin"), meeting=meeting, title="Renamed")
    assert Meeting.objects.get().title == "Renamed"


def test_a_meeting_is_marked_held_only_from_its_day(acme):
    w = world(acme)
    meeting = meeting_make(acme, w, starts_at=at(TODAY + datetime.timedelta(days=3)))
    with pytest.raises(ValidationError) as caught:
        actions.meeting_status_change(
            membership=acme.membership("member"), meeting=meeting, status="held", today=TODAY
        )
    assert "mark it held once it has taken place" in messages_of(caught.value)["status"]
    actions.meeting_status_change(
        membership=acme.membership("member"),
        meeting=meeting,
        status="held",
        today=TODAY + datetime.timedelta(days=3),
    )
    assert Meeting.objects.get().status == "held"


def test_cancelling_tells_attendees_and_bumps_the_sequence(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    actions.meeting_status_change(
        membership=acme.membership("member"), meeting=meeting, status="cancelled"
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    cancelled = Notification.objects.filter(subject__startswith="Meeting cancelled")
    assert {n.recipient for n in cancelled} == {w.alice, w.bob}


def test_notes_are_kept_audited_and_bounded(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    member = acme.membership("member")
    actions.meeting_notes_set(membership=member, meeting=meeting, notes="  Agreed on a floor.  ")
    assert Meeting.objects.get().notes == "Agreed on a floor."
    with pytest.raises(ValidationError) as caught:
        actions.meeting_notes_set(membership=member, meeting=meeting, notes="x" * 20001)
    assert "20000 characters" in messages_of(caught.value)["notes"]
    with pytest.raises(PermissionDenied):
        actions.meeting_notes_set(membership=acme.membership("viewer"), meeting=meeting, notes="x")
    entry = AuditEntry.objects.filter(object_uuid=meeting.uuid, action="update").get()
    assert entry.changes == {"notes": ["", "Agreed on a floor."]}


def test_agenda_items_are_added_moved_and_removed_with_their_tallies(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    member = acme.membership("member")
    added = actions.agenda_item_add(membership=member, meeting=meeting, title="AOB", minutes=5)
    assert added.position == 3
    actions.agenda_item_move(membership=member, meeting=meeting, item=added, offset=-1)
    assert [i.title for i in items_of(meeting)] == ["Discount approvals", "AOB", "Credit holds"]
    actions.contribution_change(
        membership=member, meeting=meeting, agenda_item=added, person=w.bob, delta=1
    )
    actions.agenda_item_remove(membership=member, meeting=meeting, item=added)
    assert [i.title for i in items_of(meeting)] == ["Discount approvals", "Credit holds"]
    assert not Contribution.objects.exists()
    assert Meeting.objects.get().sequence == 3  # add, move, remove: the description changed
    with pytest.raises(ValidationError) as caught:
        actions.agenda_item_add(membership=member, meeting=meeting, title="")
    assert "title" in messages_of(caught.value)["agenda"]


def test_an_agenda_item_can_be_edited(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    item = items_of(meeting)[1]
    actions.agenda_item_update(
        membership=acme.membership("member"), meeting=meeting, item=item, owner=w.mia, minutes=15
    )
    item.refresh_from_db()
    assert (item.owner, item.minutes, item.version) == (w.mia, 15, 2)


# --- the tally --------------------------------------------------------------------------------


def test_clicks_add_and_remove_contributions_never_below_zero(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    item = items_of(meeting)[0]
    member = acme.membership("member")

    def click(delta, person=w.alice):
        return actions.contribution_change(
            membership=member, meeting=meeting, agenda_item=item, person=person, delta=delta
        )

    assert [click(1), click(1), click(1), click(-1)] == [1, 2, 3, 2]
    assert click(-1, person=w.bob) == 0
    assert click(-1, person=w.bob) == 0
    assert Contribution.objects.get(person=w.alice).count == 2
    assert (
        actions.contribution_set(
            membership=member, meeting=meeting, agenda_item=item, person=w.bob, count=4
        )
        == 4
    )
    with pytest.raises(ValidationError):
        actions.contribution_set(
            membership=member, meeting=meeting, agenda_item=item, person=w.bob, count=1000
        )


def test_the_tally_refuses_absent_uninvited_foreign_and_cancelled(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    other = meeting_make(acme, w, title="Other")
    member = acme.membership("member")
    item = items_of(meeting)[0]
    actions.meeting_attendance_set(membership=member, meeting=meeting, person=w.bob, attended=False)
    with pytest.raises(ValidationError) as caught:
        actions.contribution_change(
            membership=member, meeting=meeting, agenda_item=item, person=w.bob, delta=1
        )
    assert "marked absent" in messages_of(caught.value)["person"]
    with pytest.raises(ValidationError) as caught:
        actions.contribution_change(
            membership=member, meeting=meeting, agenda_item=item, person=w.vic, delta=1
        )
    assert "not invited" in messages_of(caught.value)["person"]
    with pytest.raises(ValidationError):
        actions.contribution_change(
            membership=member,
            meeting=meeting,
            agenda_item=items_of(other)[0],
            person=w.alice,
            delta=1,
        )
    with pytest.raises(PermissionDenied):
        actions.contribution_change(
            membership=acme.membership("viewer"),
            meeting=meeting,
            agenda_item=item,
            person=w.alice,
            delta=1,
        )
    actions.meeting_status_change(membership=member, meeting=meeting, status="cancelled")
    with pytest.raises(ValidationError):
        actions.contribution_change(
            membership=member, meeting=meeting, agenda_item=item, person=w.alice, delta=1
        )


def test_the_participation_summary_counts_silent_people_and_leaves_out_absent_ones(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    member = acme.membership("member")
    first, second = items_of(meeting)
    for item, count in ((first, 4), (second, 2)):
        actions.contribution_set(
            membership=member, meeting=meeting, agenda_item=item, person=w.alice, count=count
        )
    actions.contribution_set(
        membership=member, meeting=meeting, agenda_item=first, person=w.mia, count=2
    )
    summary = selectors.meeting_participation_get(meeting=meeting)
    assert summary.people == 3
    assert [(v.name, v.contributions) for v in summary.voices] == [
        ("Alice Archer", 6),
        ("Mia Member", 2),
        ("Bob Baker", 0),
    ]
    ics = next(g for g in summary.by_seniority if g.group == "Individual contributors")
    assert ics.under_heard is True
    assert "Individual contributors held 33% of the seats and 0% of the voice" in ics.sentence
    actions.meeting_attendance_set(membership=member, meeting=meeting, person=w.bob, attended=False)
    assert selectors.meeting_participation_get(meeting=meeting).people == 2


# --- outcomes ---------------------------------------------------------------------------------


def test_a_captured_decision_is_a_draft_in_the_partnerships_log_linked_to_the_meeting(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    decision = actions.meeting_decision_capture(
        membership=acme.membership("member"),
        meeting=meeting,
        title="Cap promotional discounts at 15%",
        decider=w.alice,
        decision_text="15% cap from June.",
        revisit_by=TODAY + datetime.timedelta(days=90),
    )
    assert decision.status == Decision.Status.DRAFT
    assert decision.partnership == w.partnership
    assert decision.decider == w.alice
    assert decision.context == "Captured in the meeting “Monthly pricing review” on 10 May 2026."
    assert list(meeting.decisions.all()) == [decision]
    entry = AuditEntry.objects.filter(object_uuid=meeting.uuid, action="update").get()
    assert entry.changes == {"decision captured": [None, "Cap promotional discounts at 15%"]}


def test_the_decider_records_the_outcome_at_once_others_cannot(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    with pytest.raises(ValidationError) as caught:
        actions.meeting_decision_capture(
            membership=acme.membership("member"),
            meeting=meeting,
            title="Cap discounts",
            decider=w.alice,
            decision_text="15% cap.",
            decided=True,
        )
    assert "Only Alice Archer can record the outcome" in messages_of(caught.value)["decided"]
    assert not Decision.objects.exists()
    decision = actions.meeting_decision_capture(
        membership=acme.membership("member"),
        meeting=meeting,
        title="Cap discounts",
        decider=w.mia,
        decision_text="15% cap.",
        decided=True,
    )
    assert decision.status == Decision.Status.DECIDED
    assert decision.outcome_statement == "15% cap."


def test_a_captured_action_follows_up_on_the_meeting(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    action = actions.meeting_action_capture(
        membership=acme.membership("member"),
        meeting=meeting,
        title="Send the revised price list",
        owner=w.bob,
        due_date=TODAY + datetime.timedelta(days=7),
    )
    assert action.partnership == w.partnership
    assert (action.source_type, action.source_uuid) == ("meeting", meeting.uuid)
    assert list(meeting.actions.all()) == [action]
    with pytest.raises(ValidationError) as caught:
        actions.meeting_action_capture(
            membership=acme.membership("member"), meeting=meeting, title="", owner=None
        )
    assert set(messages_of(caught.value)) == {"title", "owner"}
    assert ActionItem.objects.count() == 1


def test_existing_records_of_another_partnership_are_not_linked(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    elsewhere = ActionItem.objects.create(workspace=acme.workspace, title="Elsewhere", owner=w.bob)
    with pytest.raises(ValidationError):
        actions.meeting_outcome_link(
            membership=acme.membership("member"), meeting=meeting, action=elsewhere
        )
    mine = ActionItem.objects.create(
        workspace=acme.workspace, title="Mine", owner=w.bob, partnership=w.partnership
    )
    actions.meeting_outcome_link(membership=acme.membership("member"), meeting=meeting, action=mine)
    assert list(meeting.actions.all()) == [mine]
    actions.meeting_outcome_link(
        membership=acme.membership("member"), meeting=meeting, action=mine, unlink=True
    )
    assert not meeting.actions.exists()


def test_deleting_a_meeting_keeps_its_outcomes(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    actions.meeting_action_capture(
        membership=acme.membership("member"), meeting=meeting, title="Keep me", owner=w.bob
    )
    actions.meeting_delete(membership=acme.membership("member"), meeting=meeting)
    assert not Meeting.objects.exists()
    assert ActionItem.objects.get().title == "Keep me"
    assert AuditEntry.objects.filter(object_uuid=meeting.uuid, action="delete").exists()
