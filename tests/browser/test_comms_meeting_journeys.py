"""Meetings in a real browser: schedule one with an agenda and attendees, tally contributions
with clicks and watch the participation summary follow, capture a decision and an action and
see them linked, download the .ics and parse it. Every page visited is checked for
accessibility."""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
from playwright.sync_api import expect

from accord.comms.models_meetings import Contribution, Meeting
from accord.comms.tests.test_meeting_actions import world
from accord.governance.models import ActionItem, Decision
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_run_a_meeting_tally_contributions_capture_a_decision_and_an_action(page, acme):
    """The note-taker schedules the meeting, tallies who speaks (the summary updates without
    a reload), records what was decided and who does what next, and takes it to a calendar."""
    w = world(acme)
    sign_in(page, "member@acme.test", PASSWORD)

    page.visit("/w/acme/meetings/")
    expect(page.get_by_role("heading", name="No past meetings yet")).to_be_visible()
    page.get_by_role("link", name="Schedule a meeting").click()
    submitted(page)
    page.get_by_role("combobox", name="Partnership").select_option(w.partnership.slug)
    page.get_by_role("button", name="Continue").click()
    submitted(page)

    page.get_by_label("Title").fill("Pricing sync")
    start = datetime.date.today().isoformat() + "T09:00"
    page.get_by_label("Starts").fill(start)
    page.get_by_label("Room or video link").fill("https://meet.example/pricing")
    for box in ("Alice Archer", "Bob Baker", "Mia Member"):
        expect(page.get_by_label(re.compile(box))).to_be_checked()
    page.get_by_label("Agenda item 1", exact=True).fill("Discount approvals")
    page.get_by_label("Owner of item 1").select_option(label="Alice Archer · Sales")
    page.get_by_label("Minutes of item 1").fill("20")
    page.get_by_label("Agenda item 2", exact=True).fill("Credit holds")
    page.get_by_role("button", name="Schedule meeting").click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pricing sync")
    meeting = Meeting.objects.get()
    assert meeting.attendees.count() == 3

    # The tally: three remarks from Alice on the first item, one from Bob, one too many
    # taken back; the summary below follows every click.
    more_alice = page.get_by_role("button", name="One more for Alice Archer on Discount approvals")
    for _ in range(3):
        more_alice.click()
    page.get_by_role("button", name="One more for Bob Baker on Credit holds").click()
    page.get_by_role("button", name="One more for Bob Baker on Credit holds").click()
    page.get_by_role("button", name="One less for Bob Baker on Credit holds").click()
    # Clicks are sent one after another; a cell stays "pending" until the server has them all.
    expect(page.locator("#tally .pending")).to_have_count(0)
    summary = page.locator("#participation")
    expect(summary).to_contain_text("4 contributions from 3 people present")
    expect(summary).to_contain_text("Alice Archer made 75% of the 4 contributions")
    expect(summary).to_contain_text("1 of 3 present did not contribute (Mia Member)")
    expect(page.get_by_label("Alice Archer on Discount approvals", exact=True)).to_have_text("3")
    expect(page.get_by_label("Bob Baker on Credit holds", exact=True)).to_have_text("1")
    page.check_accessibility()
    counts = {(c.person.name, c.agenda_item.title): c.count for c in Contribution.objects.all()}
    assert counts[("Alice Archer", "Discount approvals")] == 3
    assert counts[("Bob Baker", "Credit holds")] == 1

    # Reloading shows the same tally from the server.
    page.reload()
    submitted(page)
    expect(page.locator("#tally tfoot")).to_contain_text("4")

    # Capture a decision and an action.
    page.get_by_role("textbox", name="Decision").fill("Cap promotional discounts at 15%")
    page.get_by_role("combobox", name="Decider").select_option(label="Alice Archer · Sales")
    page.get_by_role("textbox", name="Outcome").fill(
        "15% cap from June; above it, Finance signs off."
    )
    page.get_by_role("button", name="Record decision").click()
    submitted(page)
    decision = Decision.objects.get()
    outcomes = page.locator("#outcomes")
    expect(outcomes.get_by_role("link", name="Cap promotional discounts at 15%")).to_have_attribute(
        "href", f"/w/acme/decisions/{decision.uuid}/"
    )
    page.get_by_role("textbox", name="Action").fill("Send the revised price list")
    page.locator("#id_action-owner").select_option(label="Bob Baker · Finance")
    page.locator("#id_action-due_date").fill(
        (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    )
    page.get_by_role("button", name="Add action").click()
    submitted(page)
    action = ActionItem.objects.get()
    expect(outcomes.get_by_role("link", name="Send the revised price list")).to_have_attribute(
        "href", f"/w/acme/actions/{action.uuid}/"
    )
    assert (action.source_type, action.source_uuid) == ("meeting", meeting.uuid)
    assert decision.partnership == w.partnership

    # The calendar file.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "pricing-sync.ics"
    parsed = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Pricing sync"
    assert str(event["UID"]) == f"meeting-{meeting.uuid}@accord"
    assert str(event["LOCATION"]) == "https://meet.example/pricing"
    assert "1. Discount approvals (Alice Archer, 20 min)" in str(event["DESCRIPTION"])
    assert len(event["ATTENDEE"]) == 3

    # The personal feed: made once, shown once, readable by a calendar client.
    page.visit("/w/acme/meetings/calendar/")
    page.get_by_role("button", name="Create my feed address").click()
    submitted(page)
    feed = urlsplit(page.get_by_label("Feed address").input_value()).path
    assert feed.startswith("/calendar/cal_")
    answer = page.request.get(page.base_url + feed)
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(answer.body()).walk("VEVENT")]
    assert f"meeting-{meeting.uuid}@accord" in uids

    # The decision page knows where it came from.
    page.visit(f"/w/acme/meetings/{meeting.uuid}/")
    outcomes.get_by_role("link", name="Cap promotional discounts at 15%").click()
    submitted(page)
    expect(page.get_by_text("Captured in the meeting “Pricing sync”")).to_be_visible()
