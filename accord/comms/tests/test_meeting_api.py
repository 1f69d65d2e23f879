"""Meetings over the API: CRUD, attendees, agenda, the tally, participation, captured outcomes,
recurring meetings, validation, concurrency, roles, privacy, tenancy and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.api.testing import token_client
from accord.comms.models_meetings import Contribution, Meeting
from accord.comms.models_plan import Cadence
from accord.comms.tests.test_meeting_actions import at, items_of, meeting_make, world
from accord.governance.models import ActionItem, Decision

JSON = "application/json"
PROBLEM = "application/problem+json"
TODAY = timezone.localdate()

pytestmark = pytest.mark.django_db


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def member(acme):
    return token_client(acme, "member")


def test_a_member_schedules_a_meeting_with_agenda_and_default_attendees(acme, member):
    w = world(acme)
    response = member.post(
        "/api/v1/meetings",
        {
            "partnership": w.partnership.slug,
            "title": "Pricing sync",
            "starts_at": "2026-06-01T10:00:00+02:00",
            "duration_minutes": 30,
            "agenda": [
                {"title": "Discounts", "owner": str(w.alice.uuid), "minutes": 15},
                {"title": "AOB"},
            ],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["starts_at"] == "2026-06-01T08:00:00Z"
    assert body["ends_at"] == "2026-06-01T08:30:00Z"
    assert body["organizer"] == {"id": str(w.mia.uuid), "name": "Mia Member"}
    assert body["attendee_count"] == 3
    assert {a["person"]["name"] for a in body["attendees"]} == {
        "Mia Member",
        "Alice Archer",
        "Bob Baker",
    }
    alice = next(a for a in body["attendees"] if a["person"]["name"] == "Alice Archer")
    assert (alice["function"], alice["seniority"], alice["attended"]) == ("Sales", 4, True)
    assert [i["title"] for i in body["agenda"]] == ["Discounts", "AOB"]
    assert body["agenda"][0]["owner"]["name"] == "Alice Archer"
    assert body["ics_url"] == f"/w/acme/meetings/{body['id']}/ics/"
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"/api/v1/meetings/{body['id']}"


def test_bad_input_is_a_validation_problem_naming_the_field(acme, globex, member):
    w = world(acme)
    errors = _errors(
        member.post(
            "/api/v1/meetings",
            {"partnership": "nope", "title": "x", "starts_at": "2026-06-01T10:00:00Z"},
            content_type=JSON,
        )
    )
    assert errors["partnership"] == "No partnership “nope” you can see."
    errors = _errors(
        member.post(
            "/api/v1/meetings",
            {
                "partnership": w.partnership.slug,
                "title": " ",
                "starts_at": "2026-06-01T10:00:00Z",
                "attendees": [str(globex.alice.uuid)],
            },
            content_type=JSON,
        )
    )
    assert errors["attendees"].startswith("No person with id")
    errors = _errors(
        member.post(
            "/api/v1/meetings",
            {"partnership": w.partnership.slug, "title": " ", "starts_at": "2026-06-01T10:00:00Z"},
            content_type=JSON,
        )
    )
    assert "Give the meeting a title" in errors["title"]
    assert not Meeting.objects.exists()


def test_patch_moves_the_meeting_and_honours_if_match_and_version(acme, member):
    w = world(acme)
    meeting = meeting_make(acme, w)
    path = f"/api/v1/meetings/{meeting.uuid}"
    response = member.patch(
        path,
        {"starts_at": "2026-05-10T15:00:00Z", "notes": "Agreed a floor."},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sequence"] == 1
    assert body["notes"] == "Agreed a floor."
    assert response["ETag"] == f'"{body["version"]}"'
    stale = member.patch(path, {"title": "x"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    conflict = member.patch(path, {"title": "x", "version": 1}, content_type=JSON)
    assert conflict.status_code == 409
    held = member.patch(path, {"status": "held"}, content_type=JSON)
    assert held.json()["status"] == "held"


def test_viewers_read_but_cannot_write(acme):
    w = world(acme)
    meeting = meeting_make(acme, w)
    viewer = token_client(acme, "viewer")
    assert viewer.get(f"/api/v1/meetings/{meeting.uuid}").status_code == 200
    assert viewer.get(f"/api/v1/meetings/{meeting.uuid}/participation").status_code == 200
    for method, path, body in (
        ("patch", "", {"title": "x"}),
        ("post", "/contributions/increment", {}),
        ("post", "/agenda", {"title": "x"}),
        ("delete", "", None),
    ):
        response = getattr(viewer, method)(
            f"/api/v1/meetings/{meeting.uuid}{path}", body, content_type=JSON
        )
        assert response.status_code in (403, 422), (method, path, response.status_code)
    assert (
        viewer.patch(
            f"/api/v1/meetings/{meeting.uuid}", {"title": "x"}, content_type=JSON
        ).status_code
        == 403
    )


def test_attendees_agenda_and_attendance(acme, member):
    w = world(acme)
    meeting = meeting_make(acme, w)
    base = f"/api/v1/meetings/{meeting.uuid}"
    response = member.put(
        f"{base}/attendees",
        {"people": [str(w.alice.uuid), str(w.vic.uuid)]},
        content_type=JSON,
    )
    assert {a["person"]["name"] for a in response.json()} == {"Alice Archer", "Vic Viewer"}
    absent = member.patch(f"{base}/attendees/{w.vic.uuid}", {"attended": False}, content_type=JSON)
    assert absent.json()["attended"] is False
    added = member.post(f"{base}/agenda", {"title": "AOB", "minutes": 5}, content_type=JSON)
    assert added.status_code == 201
    item = added.json()
    assert item["position"] == 3
    moved = member.post(f"{base}/agenda/{item['id']}/move", {"direction": "up"}, content_type=JSON)
    assert [row["title"] for row in moved.json()] == ["Discount approvals", "AOB", "Credit holds"]
    edited = member.patch(
        f"{base}/agenda/{item['id']}", {"owner": str(w.bob.uuid)}, content_type=JSON
    )
    assert edited.json()["owner"]["name"] == "Bob Baker"
    assert member.delete(f"{base}/agenda/{item['id']}").status_code == 204
    listed = member.get(f"{base}/agenda").json()
    assert listed["count"] == 2


def test_the_tally_increments_sets_and_feeds_the_participation_summary(acme, member):
    w = world(acme)
    meeting = meeting_make(acme, w)
    first = items_of(meeting)[0]
    base = f"/api/v1/meetings/{meeting.uuid}"
    for _ in range(3):
        response = member.post(
            f"{base}/contributions/increment",
            {"agenda_item": str(first.uuid), "person": str(w.alice.uuid)},
            content_type=JSON,
        )
    assert response.json() == {
        "agenda_item": str(first.uuid),
        "person": {"id": str(w.alice.uuid), "name": "Alice Archer"},
        "count": 3,
    }
    down = member.post(
        f"{base}/contributions/increment",
        {"agenda_item": str(first.uuid), "person": str(w.bob.uuid), "delta": -1},
        content_type=JSON,
    )
    assert down.json()["count"] == 0
    member.put(
        f"{base}/contributions",
        {"agenda_item": str(first.uuid), "person": str(w.mia.uuid), "count": 1},
        content_type=JSON,
    )
    assert member.get(f"{base}/contributions").json()["count"] == 3  # alice, bob at 0, mia
    summary = member.get(f"{base}/participation").json()
    assert summary["total"] == 4
    assert summary["people"] == 3
    assert summary["gini_normalised"] == pytest.approx(0.75)
    assert [v["name"] for v in summary["voices"]] == ["Alice Archer", "Mia Member", "Bob Baker"]
    assert summary["by_seniority"][0]["group"] == "Directors"
    errors = _errors(
        member.post(
            f"{base}/contributions/increment",
            {"agenda_item": str(first.uuid), "person": str(w.vic.uuid)},
            content_type=JSON,
        )
    )
    assert "not invited" in errors["person"]
    bad_item = _errors(
        member.put(
            f"{base}/contributions",
            {"agenda_item": str(w.vic.uuid), "person": str(w.alice.uuid), "count": 1},
            content_type=JSON,
        )
    )
    assert bad_item["agenda_item"].startswith("No agenda item")


def test_capturing_outcomes_creates_governance_records(acme, member):
    w = world(acme)
    meeting = meeting_make(acme, w)
    base = f"/api/v1/meetings/{meeting.uuid}"
    decision = member.post(
        f"{base}/decisions",
        {"title": "Cap discounts", "decider": str(w.alice.uuid), "decision_text": "15%"},
        content_type=JSON,
    )
    assert decision.status_code == 201, decision.content
    assert decision.json()["status"] == "draft"
    action = member.post(
        f"{base}/actions",
        {"title": "Send prices", "owner": str(w.bob.uuid), "due_date": "2026-06-01"},
        content_type=JSON,
    )
    assert action.status_code == 201
    body = member.get(base).json()
    assert [d["title"] for d in body["decisions"]] == ["Cap discounts"]
    assert [a["title"] for a in body["actions"]] == ["Send prices"]
    assert Decision.objects.get().partnership == w.partnership
    assert ActionItem.objects.get().source_uuid == meeting.uuid
    assert "decided" in _errors(
        member.post(
            f"{base}/decisions",
            {"title": "Mine?", "decider": str(w.alice.uuid), "decided": True, "decision_text": "x"},
            content_type=JSON,
        )
    )


def test_schedule_next_is_idempotent(acme, member):
    w = world(acme)
    cadence = Cadence.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=Cadence.Kind.QBR,
        name="QBR",
        interval=3,
        unit=Cadence.Unit.MONTH,
        starts_on=TODAY,
        next_due=TODAY + datetime.timedelta(days=9),
    )
    first = member.post(
        "/api/v1/meetings/schedule-next", {"cadence": str(cadence.uuid)}, content_type=JSON
    )
    assert first.status_code == 201
    again = member.post(
        "/api/v1/meetings/schedule-next", {"cadence": str(cadence.uuid)}, content_type=JSON
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["cadence"] == {"id": str(cadence.uuid), "name": "QBR"}
    update = Cadence.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=Cadence.Kind.WEEKLY_UPDATE,
        name="Weekly",
        starts_on=TODAY,
        next_due=TODAY,
    )
    assert "cadence" in _errors(
        member.post(
            "/api/v1/meetings/schedule-next", {"cadence": str(update.uuid)}, content_type=JSON
        )
    )


def test_partnership_participation_sums_held_meetings(acme, member):
    w = world(acme)
    for days in (10, 3):
        meeting = meeting_make(acme, w, starts_at=at(TODAY - datetime.timedelta(days)))
        Contribution.objects.create(
            workspace=acme.workspace,
            meeting=meeting,
            agenda_item=items_of(meeting)[0],
            person=w.alice,
            count=5,
        )
        meeting.status = "held"
        meeting.save()
    body = member.get(f"/api/v1/partnerships/{w.partnership.slug}/participation").json()
    assert body["summary"]["total"] == 10
    assert body["summary"]["voices"][0] == {
        "id": str(w.alice.uuid),
        "name": "Alice Archer",
        "contributions": 10,
        "share": 1.0,
    }
    assert len(body["meetings"]) == 2
    assert body["meetings"][0]["gini_normalised"] == pytest.approx(1.0)
    since = (TODAY - datetime.timedelta(5)).isoformat()
    later = member.get(f"/api/v1/partnerships/{w.partnership.slug}/participation?since={since}")
    assert later.json()["summary"]["total"] == 5


def test_another_workspace_gets_404_everywhere(acme, globex):
    w = world(acme)
    meeting = meeting_make(acme, w)
    outsider = token_client(globex, "owner")
    base = f"/api/v1/meetings/{meeting.uuid}"
    for path in ("", "/attendees", "/agenda", "/contributions", "/participation", "/history"):
        assert outsider.get(base + path).status_code == 404, path
    assert outsider.patch(base, {"title": "x"}, content_type=JSON).status_code == 404
    assert outsider.get("/api/v1/meetings").json()["count"] == 0
    assert (
        outsider.get(f"/api/v1/partnerships/{w.partnership.slug}/participation").status_code == 404
    )


def test_list_filters_and_runs_constant_queries(acme, member):
    w = world(acme)
    meeting_make(acme, w, title="Past", starts_at=at(TODAY - datetime.timedelta(3)))
    member.get("/api/v1/meetings")
    with CaptureQueriesContext(connection) as few:
        member.get("/api/v1/meetings")
    for index in range(6):
        meeting_make(
            acme, w, title=f"Future {index}", starts_at=at(TODAY + datetime.timedelta(index))
        )
    with CaptureQueriesContext(connection) as many:
        page = member.get("/api/v1/meetings?limit=4").json()
    assert len(many) == len(few)
    assert page["count"] == 7
    assert page["next"]
    upcoming = member.get("/api/v1/meetings?when=upcoming").json()
    assert upcoming["results"][0]["title"] == "Future 0"
    assert member.get("/api/v1/meetings?when=past").json()["count"] == 1


def test_the_detail_runs_constant_queries(acme, member):
    w = world(acme)
    meeting = meeting_make(acme, w)
    path = f"/api/v1/meetings/{meeting.uuid}"
    member.get(path)
    with CaptureQueriesContext(connection) as few:
        member.get(path)
    member.post(f"{path}/agenda", {"title": "More"}, content_type=JSON)
    member.post(f"{path}/actions", {"title": "A", "owner": str(w.bob.uuid)}, content_type=JSON)
    member.post(f"{path}/actions", {"title": "B", "owner": str(w.bob.uuid)}, content_type=JSON)
    with CaptureQueriesContext(connection) as many:
        member.get(path)
    assert len(many) == len(few)
