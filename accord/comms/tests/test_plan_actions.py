"""Communication plan writes and adherence: who may change a plan, validation naming the
field, audit entries, cadences met by updates and held meetings, next due dates that move
on, and reminders that are sent once per due date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.comms import plan_actions as actions
from accord.comms import plan_selectors as selectors
from accord.comms.models_meetings import Meeting
from accord.comms.models_plan import Cadence, CommChannel, ContactEntry
from accord.comms.models_updates import StatusUpdate
from accord.comms.tasks_plan import cadences_remind
from accord.notifications.models import Event, Notification
from accord.org.models import Person
from accord.partnerships import actions as partnership_actions
from accord.partnerships.models import Partnership
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 13)  # a Wednesday
FRIDAY = datetime.date(2026, 4, 3)


def partnership_make(tenant, name="Quote to cash", status="active", **fields) -> Partnership:
    fields.setdefault("functions", [tenant.sales, tenant.finance])
    partnership = partnership_actions.partnership_create(
        workspace=tenant.workspace, actor=tenant.owner, name=name, **fields
    )
    if status != "proposed":
        Partnership.objects.filter(pk=partnership.pk).update(status=status)
        partnership.refresh_from_db()
    return partnership


def person_for(tenant, role, name=None) -> Person:
    user = tenant.user(role)
    return Person.objects.create(
        workspace=tenant.workspace,
        name=name or f"{role.title()} Person",
        email=user.email,
        user=user,
    )


def cadence_make(tenant, partnership, role="admin", **fields) -> Cadence:
    fields.setdefault("kind", Cadence.Kind.WEEKLY_UPDATE)
    fields.setdefault("starts_on", FRIDAY)
    fields.setdefault("today", TODAY)
    return actions.cadence_create(
        membership=tenant.membership(role), partnership=partnership, **fields
    )


def update_post(partnership, day: datetime.date, cadence=None, author=None) -> StatusUpdate:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return StatusUpdate.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        author=author or Person.objects.filter(workspace=partnership.workspace).first(),
        cadence=cadence,
        period_start=day - datetime.timedelta(days=6),
        period_end=day,
        rag="green",
        progress="On track.",
        posted_at=moment,
    )


def meeting_hold(partnership, day: datetime.date, cadence, status="held") -> Meeting:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
    return Meeting.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        cadence=cadence,
        title="Monthly review",
        starts_at=moment,
        status=status,
    )


def messages_of(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


# --- channels -------------------------------------------------------------------------------


def test_the_lead_adds_a_channel_and_the_audit_records_it(acme):
    lead = person_for(acme, "member")
    partnership = partnership_make(acme, lead=lead)
    channel = actions.comm_channel_create(
        membership=acme.membership("member"),
        partnership=partnership,
        kind="chat",
        name="#quote-to-cash",
        url="https://chat.example/quote-to-cash",
    )
    assert channel.position == 0
    entry = AuditEntry.objects.get(object_uuid=channel.uuid)
    assert entry.action == "create"
    assert entry.changes["name"] == [None, "#quote-to-cash"]


def test_a_plain_member_or_viewer_cannot_change_the_plan(acme):
    partnership = partnership_make(acme)
    for role in ("member", "viewer"):
        with pytest.raises(PermissionDenied):
            actions.comm_channel_create(
                membership=acme.membership(role), partnership=partnership, kind="chat", name="x"
            )


def test_channel_validation_names_each_field(acme):
    partnership = partnership_make(acme)
    with pytest.raises(ValidationError) as caught:
        actions.comm_channel_create(
            membership=acme.membership("admin"),
            partnership=partnership,
            kind="pigeon",
            name="  ",
            url="javascript:alert(1)",
        )
    errors = messages_of(caught.value)
    assert set(errors) == {"kind", "name", "url"}
    assert "https://" in errors["url"]
    assert not CommChannel.objects.exists()


def test_a_mailto_link_is_a_valid_channel_link(acme):
    channel = actions.comm_channel_create(
        membership=acme.membership("admin"),
        partnership=partnership_make(acme),
        kind="email_list",
        name="Pricing list",
        url="mailto:pricing@acme.test",
    )
    assert channel.url == "mailto:pricing@acme.test"


def test_updating_with_an_old_version_is_refused(acme):
    channel = actions.comm_channel_create(
        membership=acme.membership("admin"),
        partnership=partnership_make(acme),
        kind="chat",
        name="#one",
    )
    actions.comm_channel_update(membership=acme.membership("admin"), channel=channel, name="#two")
    assert channel.version == 2
    with pytest.raises(actions.StaleVersion):
        actions.comm_channel_update(
            membership=acme.membership("admin"), channel=channel, name="#three", expected_version=1
        )


# --- cadences -------------------------------------------------------------------------------


def test_a_qbr_gets_its_usual_rhythm_and_name(acme):
    cadence = cadence_make(acme, partnership_make(acme), kind="qbr", starts_on=TODAY)
    assert (cadence.interval, cadence.unit) == (3, "month")
    assert cadence.name == "Quarterly business review"
    assert cadence.next_due == TODAY


def test_a_custom_cadence_needs_its_rhythm_and_a_first_due_date(acme):
    with pytest.raises(ValidationError) as caught:
        cadence_make(acme, partnership_make(acme), kind="custom_meeting", starts_on=None)
    errors = messages_of(caught.value)
    assert "how often" in errors["interval"]
    assert "first due date" in errors["starts_on"]
    assert "unit" in errors


def test_a_cadence_owner_from_another_workspace_and_a_foreign_channel_are_refused(acme, globex):
    partnership = partnership_make(acme)
    other = partnership_make(acme, name="Other")
    channel = actions.comm_channel_create(
        membership=acme.membership("admin"), partnership=other, kind="chat", name="#other"
    )
    with pytest.raises(ValidationError) as caught:
        cadence_make(acme, partnership, owner=globex.alice, channel=channel)
    assert set(messages_of(caught.value)) == {"owner", "channel"}


def test_weekly_updates_linked_to_the_cadence_meet_it_and_move_the_next_due_date(acme):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership)
    for week in range(5):
        update_post(partnership, FRIDAY + datetime.timedelta(weeks=week), cadence=cadence)
    (row,) = selectors.partnership_adherence(partnership=partnership, today=TODAY).cadences
    assert row.report.missed_streak == 1  # 15 May is due, 8 May was missed
    assert row.report.met == 5
    assert row.source == "Status updates posted for this cadence"
    update_post(partnership, TODAY, cadence=cadence)
    rows = actions.cadences_refresh(workspace=acme.workspace, partnership=partnership, today=TODAY)
    assert rows[0].report.missed_streak == 0
    cadence.refresh_from_db()
    assert cadence.next_due == datetime.date(2026, 5, 22)


def test_without_linked_updates_any_update_of_the_partnership_counts(acme):
    partnership = partnership_make(acme)
    cadence_make(acme, partnership, starts_on=datetime.date(2026, 5, 8))
    update_post(partnership, datetime.date(2026, 5, 7))
    (row,) = selectors.partnership_adherence(partnership=partnership, today=TODAY).cadences
    assert row.report.met == 1
    assert row.source == "Any status update of the partnership"


def test_a_review_is_met_only_by_a_held_meeting_of_the_cadence(acme):
    partnership = partnership_make(acme)
    review = cadence_make(
        acme, partnership, kind="monthly_review", starts_on=datetime.date(2026, 4, 10)
    )
    meeting_hold(partnership, datetime.date(2026, 4, 9), review)
    meeting_hold(partnership, datetime.date(2026, 5, 8), review, status="cancelled")
    (row,) = selectors.partnership_adherence(partnership=partnership, today=TODAY).cadences
    assert [p.status for p in row.report.periods] == ["met", "missed", "open"]
    assert row.flagged is True
    assert row.status == "missed"


def test_paused_partnerships_and_inactive_cadences_are_not_flagged(acme):
    partnership = partnership_make(acme, status="paused")
    cadence = cadence_make(acme, partnership)
    adherence = selectors.partnership_adherence(partnership=partnership, today=TODAY)
    assert adherence.cadences[0].report.overdue is True
    assert adherence.flags == []
    active = partnership_make(acme, name="Active one")
    quiet = cadence_make(acme, active, active=False)
    assert selectors.partnership_adherence(partnership=active, today=TODAY).flags == []
    assert quiet.active is False
    assert cadence.active is True


def test_deleting_a_cadence_keeps_its_updates(acme):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership)
    update = update_post(partnership, FRIDAY, cadence=cadence)
    actions.cadence_delete(membership=acme.membership("admin"), cadence=cadence)
    update.refresh_from_db()
    assert update.cadence is None
    assert AuditEntry.objects.filter(object_uuid=cadence.uuid, action="delete").exists()


# --- reminders ------------------------------------------------------------------------------


def test_the_owner_is_reminded_the_day_before_and_once_past_grace_only_once(acme):
    owner = person_for(acme, "member", "Olive Owner")
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership, owner=owner, starts_on=datetime.date(2026, 5, 15))
    assert cadences_remind.call(today="2026-05-13") == 0
    assert cadences_remind.call(today="2026-05-14") == 1
    assert cadences_remind.call(today="2026-05-14") == 0  # the same day again: nothing new
    due = Notification.objects.get(event=Event.UPDATE_DUE)
    assert due.recipient == owner
    assert due.subject == "Due tomorrow: Weekly async update (Quote to cash)"
    assert due.url == f"/w/acme/partnerships/{partnership.slug}/communication/"
    assert cadences_remind.call(today="2026-05-17") == 0  # still within two grace days
    assert cadences_remind.call(today="2026-05-18") == 1
    assert cadences_remind.call(today="2026-05-18") == 0
    overdue = Notification.objects.get(event=Event.UPDATE_OVERDUE)
    assert "was not posted" in overdue.body
    assert "inadequate communication" in overdue.body
    cadence.refresh_from_db()
    assert cadence.next_due == datetime.date(2026, 5, 22)


def test_without_an_owner_the_lead_is_reminded_and_paused_partnerships_are_not(acme):
    lead = person_for(acme, "admin", "Lena Lead")
    partnership = partnership_make(acme, lead=lead)
    cadence_make(acme, partnership, starts_on=datetime.date(2026, 5, 15))
    paused = partnership_make(acme, name="Paused one", status="paused", lead=lead)
    cadence_make(acme, paused, starts_on=datetime.date(2026, 5, 15))
    assert cadences_remind.call(today="2026-05-14") == 1
    assert Notification.objects.get().recipient == lead


# --- contacts -------------------------------------------------------------------------------


def test_a_contact_belongs_to_one_of_the_partnerships_functions(acme):
    from accord.org.models import Function

    partnership = partnership_make(acme)
    outsider = Function.objects.create(workspace=acme.workspace, name="Legal")
    with pytest.raises(ValidationError) as caught:
        actions.contact_create(
            membership=acme.membership("admin"),
            partnership=partnership,
            function=outsider,
            topic="Contracts",
        )
    errors = messages_of(caught.value)
    assert errors["function"] == "Choose one of the partnership's functions."
    assert "Choose a person, or give an alias" in errors["person"]
    contact = actions.contact_create(
        membership=acme.membership("admin"),
        partnership=partnership,
        function=acme.finance,
        topic="Discount approvals",
        person=acme.bob,
    )
    groups = selectors.contacts_by_function(
        partnership=partnership, contacts=selectors.contact_list(partnership=partnership)
    )
    assert [(g.function.name, len(g.contacts)) for g in groups] == [("Finance", 1), ("Sales", 0)]
    with pytest.raises(ValidationError):
        actions.contact_update(membership=acme.membership("admin"), entry=contact, person=None)
    actions.contact_update(
        membership=acme.membership("admin"), entry=contact, person=None, contact="#finance-help"
    )
    assert ContactEntry.objects.get().contact == "#finance-help"
