"""Meeting pages: the list with its sections and filters, scheduling in two steps, the detail
page, the tally (plain form and script), notes with htmx, captured outcomes, the .ics
download, the calendar feed page, permissions, isolation, escaping and query counts."""

import datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.comms import meeting_actions as actions
from accord.comms.models_meetings import Contribution, Meeting
from accord.comms.models_plan import Cadence
from accord.comms.tests.test_meeting_actions import at, items_of, meeting_make, world
from accord.governance.models import ActionItem, Decision
from accord.notifications.models import Subscription

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def url(meeting, suffix=""):
    return f"/w/acme/meetings/{meeting.uuid}/{suffix}"


# --- the list ---------------------------------------------------------------------------------


def test_the_list_splits_upcoming_and_past_and_marks_the_voice(acme, login):
    w = world(acme)
    soon = meeting_make(acme, w, title="Next review", starts_at=at(TODAY + datetime.timedelta(1)))
    past = meeting_make(acme, w, title="Last review", starts_at=at(TODAY - datetime.timedelta(7)))
    member = acme.membership("member")
    actions.contribution_set(
        membership=member, meeting=past, agenda_item=items_of(past)[0], person=w.alice, count=9
    )
    actions.meeting_status_change(membership=member, meeting=past, status="held")
    page = login(acme.viewer).get("/w/acme/meetings/")
    assert page.status_code == 200
    html = page.content.decode()
    upcoming, rest = html.split('id="upcoming-heading"')[1].split('id="past-heading"')
    assert "Next review" in upcoming
    assert "Last review" not in upcoming
    assert "Last review" in rest
    assert "Dominated · G* 1.00" in rest
    assert "Schedule a meeting" not in html  # viewers do not schedule
    assert 'aria-current="page">Meetings<' in html  # the communication tab is lit
    assert soon.title in html


def test_filtering_by_partnership_shows_who_is_heard_across_its_meetings(acme, login):
    w = world(acme)
    past = meeting_make(acme, w, starts_at=at(TODAY - datetime.timedelta(3)))
    member = acme.membership("member")
    for person, count in ((w.alice, 8), (w.mia, 2)):
        actions.contribution_set(
            membership=member,
            meeting=past,
            agenda_item=items_of(past)[0],
            person=person,
            count=count,
        )
    actions.meeting_status_change(membership=member, meeting=past, status="held")
    html = login(acme.member).get(f"/w/acme/meetings/?partnership={w.partnership.slug}")
    text = html.content.decode()
    assert "Who is heard in Quote to cash" in text
    assert "Individual contributors held 33% of the seats and 0% of the voice" in text
    partial = login(acme.member).get(
        f"/w/acme/meetings/?partnership={w.partnership.slug}", headers={"HX-Request": "true"}
    )
    assert partial.content.decode().lstrip().startswith('<div id="meeting-results"')


def test_the_list_runs_a_constant_number_of_queries(acme, login):
    w = world(acme)
    client = login(acme.member)
    for index in range(2):
        first = meeting_make(
            acme, w, title=f"M{index}", starts_at=at(TODAY - datetime.timedelta(index + 1))
        )
    actions.meeting_status_change(
        membership=acme.membership("member"), meeting=first, status="held"
    )
    client.get("/w/acme/meetings/")
    with CaptureQueriesContext(connection) as few:
        client.get("/w/acme/meetings/")
    for index in range(6):
        meeting = meeting_make(
            acme, w, title=f"N{index}", starts_at=at(TODAY + datetime.timedelta(index - 3))
        )
        if index % 2:
            actions.meeting_status_change(
                membership=acme.membership("member"),
                meeting=meeting,
                status="held",
                today=TODAY + datetime.timedelta(10),
            )
    with CaptureQueriesContext(connection) as many:
        client.get("/w/acme/meetings/")
    assert len(many) == len(few)


def test_a_cadence_row_schedules_the_next_one_once(acme, login):
    w = world(acme)
    cadence = Cadence.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=Cadence.Kind.MONTHLY_REVIEW,
        name="Monthly review",
        interval=1,
        unit=Cadence.Unit.MONTH,
        starts_on=TODAY,
        next_due=TODAY + datetime.timedelta(days=5),
        meeting_time=datetime.time(9, 30),
    )
    client = login(acme.member)
    assert "Schedule the next one" in client.get("/w/acme/meetings/").content.decode()
    response = client.post(f"/w/acme/meetings/cadences/{cadence.uuid}/schedule/")
    meeting = Meeting.objects.get()
    assert response["Location"] == url(meeting)
    assert meeting.cadence == cadence
    assert timezone.localtime(meeting.starts_at).time() == datetime.time(9, 30)
    client.post(f"/w/acme/meetings/cadences/{cadence.uuid}/schedule/")
    assert Meeting.objects.count() == 1
    assert "Scheduled for" in client.get("/w/acme/meetings/").content.decode()
    assert (
        login(acme.viewer).post(f"/w/acme/meetings/cadences/{cadence.uuid}/schedule/").status_code
        == 403
    )


# --- scheduling -------------------------------------------------------------------------------


def test_scheduling_asks_for_the_partnership_first(acme, login):
    w = world(acme)
    client = login(acme.member)
    first = client.get("/w/acme/meetings/new/")
    assert "Which partnership is it for?" in first.content.decode()
    second = client.get(f"/w/acme/meetings/new/?partnership={w.partnership.slug}")
    html = second.content.decode()
    assert 'name="attendees"' in html
    assert html.count("checked") >= 3  # every member ticked by default
    assert client.get("/w/acme/meetings/new/?partnership=nope").status_code == 422


def test_scheduling_with_agenda_rows_and_errors_kept(acme, login):
    w = world(acme)
    client = login(acme.member)
    data = {
        "partnership": w.partnership.slug,
        "title": "",
        "starts_at": "2026-06-01T10:00",
        "duration_minutes": "45",
        "location": "https://meet.example/abc",
        "attendees": [str(w.alice.uuid), str(w.bob.uuid)],
        "agenda-TOTAL_FORMS": "2",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-title": "Discounts",
        "agenda-0-owner": str(w.alice.uuid),
        "agenda-0-minutes": "20",
        "agenda-1-title": "",
        "agenda-1-minutes": "5",
    }
    response = client.post("/w/acme/meetings/new/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Give the meeting a title" in html
    assert "Give this agenda item a title, or clear its owner and minutes." in html
    assert "https://meet.example/abc" in html  # input kept
    data.update({"title": "Pricing sync", "agenda-1-minutes": ""})
    response = client.post("/w/acme/meetings/new/", data)
    meeting = Meeting.objects.get()
    assert response["Location"] == url(meeting)
    assert meeting.duration_minutes == 45
    assert set(meeting.attendees.values_list("person__name", flat=True)) == {
        "Alice Archer",
        "Bob Baker",
    }
    assert [i.title for i in items_of(meeting)] == ["Discounts"]


def test_unticking_everyone_is_refused(acme, login):
    w = world(acme)
    response = login(acme.member).post(
        "/w/acme/meetings/new/",
        {
            "partnership": w.partnership.slug,
            "title": "Empty",
            "starts_at": "2026-06-01T10:00",
            "duration_minutes": "30",
            "agenda-TOTAL_FORMS": "0",
            "agenda-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 422
    assert "Invite at least one person from the partnership." in response.content.decode()


def test_editing_keeps_the_version_and_reports_a_concurrent_save(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w)
    client = login(acme.member)
    form = client.get(url(meeting, "edit/"))
    assert form.status_code == 200
    payload = {
        "title": "Renamed",
        "starts_at": "2026-05-10T11:00",
        "duration_minutes": "60",
        "attendees": [str(w.alice.uuid), str(w.mia.uuid)],
        "expected_version": "1",
    }
    assert client.post(url(meeting, "edit/"), payload).status_code == 302
    stale = client.post(url(meeting, "edit/"), {**payload, "title": "Again"})
    assert stale.status_code == 409
    assert "Someone else saved" in stale.content.decode()
    assert login(acme.viewer).get(url(meeting, "edit/")).status_code == 403


# --- the detail page --------------------------------------------------------------------------


def test_the_detail_page_shows_attendees_agenda_tally_and_summary(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w)
    html = login(acme.member).get(url(meeting)).content.decode()
    for text in (
        "Mia Member",
        "Director",
        "Discount approvals",
        "Who contributed",
        "One more for Alice Archer on Discount approvals",
        "No contributions tallied yet",
        "Capture a decision",
        "Add to calendar (.ics)",
    ):
        assert text in html, text
    viewer = login(acme.viewer).get(url(meeting)).content.decode()
    assert "One more for" not in viewer
    assert "Capture a decision" not in viewer


def test_a_plain_tally_click_counts_and_returns_to_the_grid(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w)
    item = items_of(meeting)[0]
    client = login(acme.member)
    response = client.post(url(meeting, "tally/"), {"tally": f"{item.uuid}:{w.alice.uuid}:1"})
    assert response["Location"] == url(meeting) + "#tally"
    assert Contribution.objects.get().count == 1


def test_a_scripted_tally_click_answers_with_the_summary_and_the_count(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w)
    item = items_of(meeting)[0]
    client = login(acme.member)
    headers = {"X-Accord-Tally": "1"}
    for _ in range(3):
        response = client.post(
            url(meeting, "tally/"), {"tally": f"{item.uuid}:{w.alice.uuid}:1"}, headers=headers
        )
    assert response.status_code == 200
    assert response["X-Tally-Count"] == "3"
    html = response.content.decode()
    assert html.lstrip().startswith(
        '<section class="card mt" aria-labelledby="participation-title"'
    )
    assert "Alice Archer made 100% of the 3 contributions" in html
    bad = client.post(url(meeting, "tally/"), {"tally": "nonsense"}, headers=headers)
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("text/plain")
    absent = client.post(
        url(meeting, "tally/"), {"tally": f"{item.uuid}:{w.vic.uuid}:1"}, headers=headers
    )
    assert absent.status_code == 422
    assert "not invited" in absent.content.decode()
    assert (
        login(acme.viewer)
        .post(url(meeting, "tally/"), {"tally": f"{item.uuid}:{w.alice.uuid}:1"})
        .status_code
        == 403
    )


def test_notes_save_in_place_with_htmx(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w)
    response = login(acme.member).post(
        url(meeting, "notes/"),
        {"notes": "We agreed <b>15%</b>.", "expected_version": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" aria-labelledby="notes-title"')
    assert "Saved" in html
    assert "&lt;b&gt;15%&lt;/b&gt;" in html
    assert Meeting.objects.get().notes == "We agreed <b>15%</b>."


def test_capturing_a_decision_and_an_action_links_them_on_the_page(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w)
    client = login(acme.member)
    response = client.post(
        url(meeting, "decisions/"),
        {"decision-title": "Cap discounts at 15%", "decision-decider": str(w.alice.uuid)},
    )
    assert response["Location"] == url(meeting) + "#outcomes"
    response = client.post(
        url(meeting, "actions/"),
        {"action-title": "Send the price list", "action-owner": str(w.bob.uuid)},
    )
    assert response.status_code == 302
    decision, action = Decision.objects.get(), ActionItem.objects.get()
    html = client.get(url(meeting)).content.decode()
    assert f'href="/w/acme/decisions/{decision.uuid}/"' in html
    assert f'href="/w/acme/actions/{action.uuid}/"' in html
    missing = client.post(url(meeting, "actions/"), {"action-title": ""})
    assert missing.status_code == 422
    assert "Say what needs doing" in missing.content.decode()


def test_marking_held_and_attendance(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w, starts_at=at(TODAY))
    client = login(acme.member)
    client.post(url(meeting, "attendance/"), {"person": str(w.bob.uuid), "attended": "0"})
    assert not meeting.attendees.get(person=w.bob).attended
    client.post(url(meeting, "status/"), {"status": "held"})
    assert Meeting.objects.get().status == "held"
    html = client.get(url(meeting)).content.decode()
    assert "Absent (not counted): Bob Baker." in html


def test_titles_and_notes_are_escaped(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w, title="<script>alert(1)</script>")
    html = login(acme.member).get(url(meeting)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_another_workspace_sees_nothing(acme, globex, login):
    w = world(acme)
    meeting = meeting_make(acme, w)
    client = login(globex.owner)
    for path in ("", "edit/", "ics/"):
        assert client.get(f"/w/globex/meetings/{meeting.uuid}/{path}").status_code == 404
    assert client.post(f"/w/globex/meetings/{meeting.uuid}/tally/", {}).status_code == 404
    assert client.get(url(meeting)).status_code == 404


def test_a_members_only_partnership_hides_its_meetings(acme, login):
    w = world(acme)
    w.partnership.privacy = "members"
    w.partnership.save()
    meeting = meeting_make(acme, w)
    assert login(acme.viewer).get(url(meeting)).status_code == 404
    assert (
        "Monthly pricing review" not in login(acme.viewer).get("/w/acme/meetings/").content.decode()
    )


# --- iCalendar --------------------------------------------------------------------------------


def test_the_ics_download_is_a_calendar_with_the_meeting(acme, login):
    w = world(acme)
    meeting = meeting_make(acme, w, location="Room 4, 2nd floor")
    response = login(acme.viewer).get(url(meeting, "ics/"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="monthly-pricing-review.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Monthly pricing review"
    assert str(event["LOCATION"]) == "Room 4, 2nd floor"


def test_the_calendar_page_shows_the_secret_url_once_and_stores_its_hash(acme, login):
    w = world(acme)
    meeting_make(acme, w, starts_at=at(TODAY))
    client = login(acme.member)
    assert "Create my feed address" in client.get("/w/acme/meetings/calendar/").content.decode()
    response = client.post("/w/acme/meetings/calendar/", {"action": "reset"})
    html = response.content.decode()
    subscription = Subscription.objects.get(user=acme.member)
    start = html.index("http://127.0.0.1:8000/calendar/cal_")
    feed = html[start : html.index('"', start)]
    raw = feed.rsplit("/", 1)[1].removesuffix(".ics")
    assert subscription.calendar_token_hash == actions.calendar_token_digest(raw)
    assert raw not in client.get("/w/acme/meetings/calendar/").content.decode()
    public = client.get(f"/calendar/{raw}.ics")
    assert public.status_code == 200
    assert b"Monthly pricing review" in public.content
    assert b"X-PUBLISHED-TTL:PT1H" in public.content
    client.post("/w/acme/meetings/calendar/", {"action": "reset"})
    assert client.get(f"/calendar/{raw}.ics").status_code == 404
    client.post("/w/acme/meetings/calendar/", {"action": "revoke"})
    assert Subscription.objects.get(user=acme.member).calendar_token_hash == ""


def test_an_unknown_feed_token_is_not_found(client, db):
    assert client.get("/calendar/cal_nope.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404
