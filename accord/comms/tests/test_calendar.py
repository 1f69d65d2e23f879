"""iCalendar output, checked by parsing it back with the icalendar library: one meeting's .ics
and each person's feed of meetings, review dates and due dates (RFC 5545)."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.comms import calendar
from accord.comms import meeting_actions as actions
from accord.comms import meeting_selectors as selectors
from accord.comms.models_plan import Cadence
from accord.comms.tests.test_meeting_actions import at, meeting_make, world
from accord.governance.models import ActionItem, Decision

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def ics_of(meeting, now=NOW) -> bytes:
    return calendar.meeting_ics(
        meeting=meeting,
        attendees=list(selectors.meeting_attendee_list(meeting=meeting)),
        agenda=list(selectors.meeting_agenda_list(meeting=meeting)),
        now=now,
    )


def only_event(raw: bytes) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return event


def test_a_meeting_file_has_the_calendar_and_event_fields(acme):
    w = world(acme)
    start = datetime.datetime(2026, 6, 3, 10, 0, tzinfo=PARIS)
    meeting = meeting_make(
        acme, w, starts_at=start, duration_minutes=45, location="https://meet.example/q2c"
    )
    raw = ics_of(meeting)
    parsed = icalendar.Calendar.from_ical(raw)
    assert str(parsed["PRODID"]) == calendar.PRODID
    assert str(parsed["VERSION"]) == "2.0"
    assert str(parsed["CALSCALE"]) == "GREGORIAN"
    assert str(parsed["METHOD"]) == "PUBLISH"
    assert str(parsed["X-WR-CALNAME"]) == "Monthly pricing review · Accord"
    event = only_event(raw)
    assert str(event["UID"]) == f"meeting-{meeting.uuid}@accord"
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("DTSTART") == datetime.datetime(2026, 6, 3, 8, 0, tzinfo=datetime.UTC)
    assert event.decoded("DTEND") == datetime.datetime(2026, 6, 3, 8, 45, tzinfo=datetime.UTC)
    assert b"DTSTART:20260603T080000Z" in raw
    assert event.decoded("SEQUENCE") == 0
    assert str(event["SUMMARY"]) == "Monthly pricing review"
    assert str(event["LOCATION"]) == "https://meet.example/q2c"
    assert str(event["URL"]) == f"http://127.0.0.1:8000/w/acme/meetings/{meeting.uuid}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert description.splitlines()[:4] == [
        "Quote to cash",
        "",
        "Agenda:",
        "1. Discount approvals (Alice Archer, 20 min)",
    ]
    assert "2. Credit holds (Bob Baker)" in description
    assert description.endswith(f"Open in Accord: {event['URL']}")
    assert str(event["ORGANIZER"]) == "mailto:member@acme.test"
    assert event["ORGANIZER"].params["CN"] == "Mia Member"
    attendees = {str(a): a.params["CN"] for a in event["ATTENDEE"]}
    assert attendees == {
        "mailto:alice@acme.test": "Alice Archer",
        "mailto:bob@acme.test": "Bob Baker",
        "mailto:member@acme.test": "Mia Member",
    }


def test_the_uid_is_stable_and_changes_raise_the_sequence_and_cancel(acme):
    """Calendar clients match on UID and take the higher SEQUENCE: a move updates the event,
    a cancellation marks it CANCELLED instead of leaving a ghost."""
    w = world(acme)
    meeting = meeting_make(acme, w)
    first = only_event(ics_of(meeting))
    actions.meeting_update(
        membership=acme.membership("member"), meeting=meeting, starts_at=at(TODAY, 15)
    )
    actions.meeting_status_change(
        membership=acme.membership("member"), meeting=meeting, status="cancelled"
    )
    meeting.refresh_from_db()
    later = only_event(ics_of(meeting, now=NOW + datetime.timedelta(hours=1)))
    assert later["UID"] == first["UID"]
    assert later.decoded("SEQUENCE") == 2
    assert str(later["STATUS"]) == "CANCELLED"


def test_commas_semicolons_and_newlines_are_escaped(acme):
    w = world(acme)
    title = "Budget, Q3; plan\nnext steps"
    meeting = meeting_make(acme, w, title=title, location="Room 4; 2nd floor, east")
    raw = ics_of(meeting)
    assert b"SUMMARY:Budget\\, Q3\\; plan\\nnext steps" in raw
    assert b"LOCATION:Room 4\\; 2nd floor\\, east" in raw
    event = only_event(raw)
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == "Room 4; 2nd floor, east"
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines


# --- the feed ---------------------------------------------------------------------------------


def feed_world(acme):
    """Mia attends one meeting, owns an open and a done action, decided one decision due for
    revisit; a monthly review of her partnership has no meeting yet."""
    w = world(acme)
    meeting = meeting_make(acme, w, starts_at=at(TODAY + datetime.timedelta(days=2)))
    meeting_make(acme, w, title="Without Mia", attendees=[w.alice], role="admin")
    cadence = Cadence.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=Cadence.Kind.QBR,
        name="Quarterly business review",
        interval=3,
        unit=Cadence.Unit.MONTH,
        starts_on=TODAY,
        next_due=TODAY + datetime.timedelta(days=20),
    )
    Cadence.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=Cadence.Kind.WEEKLY_UPDATE,
        name="Weekly update",
        starts_on=TODAY,
        next_due=TODAY + datetime.timedelta(days=3),
    )
    due = TODAY + datetime.timedelta(days=5)
    open_action = ActionItem.objects.create(
        workspace=acme.workspace,
        title="Send prices",
        owner=w.mia,
        due_date=due,
        partnership=w.partnership,
    )
    ActionItem.objects.create(
        workspace=acme.workspace,
        title="Done already",
        owner=w.mia,
        due_date=due,
        status="done",
    )
    ActionItem.objects.create(workspace=acme.workspace, title="Bob's", owner=w.bob, due_date=due)
    decision = Decision.objects.create(
        workspace=acme.workspace,
        title="Cap discounts",
        decider=w.mia,
        status="decided",
        revisit_by=TODAY + datetime.timedelta(days=60),
        partnership=w.partnership,
    )
    return w, meeting, cadence, open_action, decision


def test_the_feed_holds_meetings_review_dates_and_due_dates(acme, client):
    _w, meeting, cadence, action, decision = feed_world(acme)
    raw = actions.calendar_token_reset(membership=acme.membership("member"))
    response = client.get(f"/calendar/{raw}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = icalendar.Calendar.from_ical(response.content)
    assert str(parsed["X-WR-CALNAME"]) == "Accord · Acme Corp"
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    review_day = cadence.next_due
    assert set(events) == {
        f"meeting-{meeting.uuid}@accord",
        f"review-{cadence.uuid}-{review_day:%Y%m%d}@accord",
        f"action-{action.uuid}-{action.due_date:%Y%m%d}@accord",
        f"decision-{decision.uuid}-{decision.revisit_by:%Y%m%d}@accord",
    }
    review = events[f"review-{cadence.uuid}-{review_day:%Y%m%d}@accord"]
    assert str(review["SUMMARY"]) == "Quarterly business review due · Quote to cash"
    assert review.decoded("DTSTART") == review_day  # an all-day date, not a time
    assert review.decoded("DTEND") == review_day + datetime.timedelta(days=1)
    due = events[f"action-{action.uuid}-{action.due_date:%Y%m%d}@accord"]
    assert str(due["SUMMARY"]) == "Due: Send prices"
    assert str(due["URL"]).endswith(f"/w/acme/actions/{action.uuid}/")
    assert b"DTSTART;VALUE=DATE:" in response.content
    revisit = events[f"decision-{decision.uuid}-{decision.revisit_by:%Y%m%d}@accord"]
    assert str(revisit["SUMMARY"]) == "Revisit: Cap discounts"


def test_every_event_has_the_properties_rfc_5545_requires(acme, client):
    feed_world(acme)
    raw = actions.calendar_token_reset(membership=acme.membership("member"))
    parsed = icalendar.Calendar.from_ical(client.get(f"/calendar/{raw}.ics").content)
    assert parsed.get("PRODID")
    assert parsed.get("VERSION")
    events = parsed.walk("VEVENT")
    assert len(events) == 4
    for event in events:
        for name in ("UID", "DTSTAMP", "DTSTART"):
            assert event.get(name) is not None, (name, event.get("SUMMARY"))
        assert event.decoded("DTSTAMP").tzinfo is not None  # DTSTAMP is always UTC


def test_a_scheduled_review_meeting_replaces_the_review_date(acme):
    _w, _meeting, cadence, *_ = feed_world(acme)
    scheduled, created = actions.meeting_schedule_next(cadence=cadence, today=TODAY)
    assert created
    entries = calendar.calendar_feed_entries(membership=acme.membership("member"), today=TODAY)
    assert entries.cadences == []
    assert scheduled in entries.meetings


def test_the_feed_runs_a_constant_number_of_queries(acme, client):
    w, *_ = feed_world(acme)
    raw = actions.calendar_token_reset(membership=acme.membership("member"))
    client.get(f"/calendar/{raw}.ics")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/calendar/{raw}.ics")
    for index in range(5):
        meeting_make(
            acme, w, title=f"Extra {index}", starts_at=at(TODAY + datetime.timedelta(index))
        )
        ActionItem.objects.create(
            workspace=acme.workspace, title=f"A{index}", owner=w.mia, due_date=TODAY
        )
    with CaptureQueriesContext(connection) as many:
        body = client.get(f"/calendar/{raw}.ics").content
    assert len(many) == len(few)
    assert body.count(b"BEGIN:VEVENT") == 4 + 10


def test_a_feed_stops_when_its_user_leaves_the_workspace(acme, client):
    feed_world(acme)
    raw = actions.calendar_token_reset(membership=acme.membership("member"))
    acme.membership("member").delete()
    assert client.get(f"/calendar/{raw}.ics").status_code == 404
