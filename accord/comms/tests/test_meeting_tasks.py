"""The worker's meeting jobs: recurring meetings from the communication plan's cadences and the
"review coming up" reminder. Both are idempotent; time is advanced day by day."""

import datetime

import pytest
from django.utils import timezone

from accord.comms import meeting_actions as actions
from accord.comms import meeting_selectors as selectors
from accord.comms.models_meetings import Meeting
from accord.comms.models_plan import Cadence, ChannelKind, CommChannel
from accord.comms.tasks_meetings import meetings_recurring_create, reviews_upcoming_remind
from accord.comms.tests.test_meeting_actions import at, meeting_make, world
from accord.notifications.models import Event, Notification
from accord.partnerships.actions import partnership_status_change

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)  # a Monday


def cadence_make(tenant, w, **fields) -> Cadence:
    fields.setdefault("kind", Cadence.Kind.MONTHLY_REVIEW)
    fields.setdefault("name", "Monthly review")
    fields.setdefault("unit", Cadence.Unit.MONTH)
    fields.setdefault("starts_on", DAY)
    fields.setdefault("next_due", DAY + datetime.timedelta(days=10))
    return Cadence.objects.create(workspace=tenant.workspace, partnership=w.partnership, **fields)


def test_the_next_review_is_created_once_with_the_partnership_invited(acme):
    w = world(acme)
    channel = CommChannel.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=ChannelKind.MEETING,
        name="Pricing room",
        url="https://meet.example/pricing",
    )
    cadence = cadence_make(
        acme,
        w,
        owner=w.mia,
        channel=channel,
        meeting_time=datetime.time(14, 30),
        meeting_minutes=90,
    )
    assert meetings_recurring_create.call(today=DAY.isoformat()) == 1
    assert meetings_recurring_create.call(today=DAY.isoformat()) == 0
    assert meetings_recurring_create.call(today=(DAY + datetime.timedelta(1)).isoformat()) == 0
    meeting = Meeting.objects.get()
    assert meeting.cadence == cadence
    assert meeting.title == "Monthly review"
    assert timezone.localtime(meeting.starts_at) == at(cadence.next_due, 14) + datetime.timedelta(
        minutes=30
    )
    assert meeting.duration_minutes == 90
    assert meeting.location == "https://meet.example/pricing"
    assert (meeting.organizer, meeting.note_taker) == (w.mia, w.mia)
    assert set(meeting.attendees.values_list("person__name", flat=True)) == {
        "Mia Member",
        "Alice Archer",
        "Bob Baker",
    }
    assert list(meeting.agenda.values_list("title", flat=True)) == list(
        actions.DEFAULT_AGENDAS[Cadence.Kind.MONTHLY_REVIEW]
    )
    # The organizer is the system here, so everyone invited is told.
    told = Notification.objects.filter(event=Event.MEETING)
    assert told.count() == 3


def test_only_active_meeting_cadences_of_partnerships_that_still_meet(acme):
    w = world(acme)
    cadence_make(acme, w, kind=Cadence.Kind.WEEKLY_UPDATE, name="Weekly update")
    cadence_make(acme, w, name="Paused review", active=False)
    assert meetings_recurring_create.call(today=DAY.isoformat()) == 0
    cadence_make(acme, w, kind=Cadence.Kind.CUSTOM_MEETING, name="Ops sync", unit="week")
    partnership_status_change(partnership=w.partnership, actor=acme.owner, to="closed")
    assert meetings_recurring_create.call(today=DAY.isoformat()) == 0


def test_a_stale_due_date_is_stepped_past_today_and_a_cancelled_one_is_not_recreated(acme):
    """The plan may not have moved next_due on: the next occurrence after today is used. A
    meeting cancelled on that day is a choice, not a gap to fill."""
    w = world(acme)
    cadence = cadence_make(acme, w, next_due=datetime.date(2026, 1, 31))
    meetings_recurring_create.call(today=DAY.isoformat())
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.starts_at).date() == datetime.date(2026, 3, 31)
    actions.meeting_status_change(
        membership=acme.membership("admin"), meeting=meeting, status="cancelled"
    )
    assert meetings_recurring_create.call(today=DAY.isoformat()) == 0
    assert actions.meeting_schedule_next(cadence=cadence, today=DAY)[1] is False


def test_run_daily_it_creates_exactly_one_meeting_per_occurrence(acme):
    """Advancing time day by day: each review is created as soon as the previous one is
    past (so invitations go out early), never twice; the plan moves next_due on as reviews
    are held."""
    w = world(acme)
    cadence = cadence_make(acme, w, next_due=DAY + datetime.timedelta(days=3))
    created = 0
    for offset in range(40):
        today = DAY + datetime.timedelta(days=offset)
        created += meetings_recurring_create.call(today=today.isoformat())
        for meeting in Meeting.objects.filter(status="scheduled"):
            held_on = timezone.localtime(meeting.starts_at).date()
            if held_on < today:
                meeting.status = "held"
                meeting.save()
                cadence.next_due = selectors_add_month(held_on)
                cadence.save()
    days = sorted(timezone.localtime(m.starts_at).date() for m in Meeting.objects.all())
    assert days == [datetime.date(2026, 3, 5), datetime.date(2026, 4, 5), datetime.date(2026, 5, 5)]
    assert created == 3


def selectors_add_month(day: datetime.date) -> datetime.date:
    return day.replace(month=day.month + 1)


def test_occurrences_keep_the_day_of_the_month():
    """Stepping a stale monthly date keeps month ends; weekly ones land on the same weekday."""
    monthly = Cadence(next_due=datetime.date(2026, 1, 31), interval=1, unit=Cadence.Unit.MONTH)
    assert selectors.cadence_next_occurrence(cadence=monthly, today=DAY) == datetime.date(
        2026, 3, 31
    )
    assert selectors.cadence_next_occurrence(
        cadence=monthly, today=datetime.date(2026, 2, 10)
    ) == datetime.date(2026, 2, 28)
    quarterly = Cadence(next_due=datetime.date(2025, 11, 15), interval=3, unit=Cadence.Unit.MONTH)
    assert selectors.cadence_next_occurrence(cadence=quarterly, today=DAY) == datetime.date(
        2026, 5, 15
    )
    weekly = Cadence(next_due=datetime.date(2026, 2, 2), interval=2, unit=Cadence.Unit.WEEK)
    assert selectors.cadence_next_occurrence(cadence=weekly, today=DAY) == datetime.date(2026, 3, 2)
    assert selectors.cadence_next_occurrence(
        cadence=weekly, today=DAY + datetime.timedelta(1)
    ) == datetime.date(2026, 3, 16)


def test_attendees_of_a_review_are_reminded_two_days_ahead_once(acme, globex):
    w = world(acme)
    review = cadence_make(acme, w)
    custom = cadence_make(acme, w, kind=Cadence.Kind.CUSTOM_MEETING, name="Ops sync")
    reviewed = meeting_make(acme, w, title="Review", starts_at=at(DAY + datetime.timedelta(2)))
    reviewed.cadence = review
    reviewed.save()
    synced = meeting_make(acme, w, title="Sync", starts_at=at(DAY + datetime.timedelta(2)))
    synced.cadence = custom
    synced.save()
    later = meeting_make(acme, w, title="Later", starts_at=at(DAY + datetime.timedelta(3)))
    later.cadence = review
    later.save()
    assert reviews_upcoming_remind.call(today=DAY.isoformat()) == 3
    assert reviews_upcoming_remind.call(today=DAY.isoformat()) == 0
    told = Notification.objects.filter(event=Event.REVIEW_UPCOMING)
    assert {n.recipient for n in told} == {w.mia, w.alice, w.bob}
    assert told.first().subject.startswith("Coming up: Review (Quote to cash)")
    assert all(n.object_uuid == reviewed.uuid for n in told)
    # The next day "Later" is two days away; "Review" was already announced.
    assert reviews_upcoming_remind.call(today=(DAY + datetime.timedelta(1)).isoformat()) == 3
    assert reviews_upcoming_remind.call(today=(DAY + datetime.timedelta(1)).isoformat()) == 0


def test_a_cancelled_review_is_not_announced(acme):
    w = world(acme)
    meeting = meeting_make(acme, w, starts_at=at(DAY + datetime.timedelta(1)))
    meeting.cadence = cadence_make(acme, w)
    meeting.save()
    actions.meeting_status_change(
        membership=acme.membership("admin"), meeting=meeting, status="cancelled"
    )
    assert reviews_upcoming_remind.call(today=DAY.isoformat()) == 0
