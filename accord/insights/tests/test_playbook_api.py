"""The playbook over the API: catalogue, recommendations, decisions, permissions, versions,
other workspaces, and list query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.api.testing import token_client
from accord.governance.models import ActionItem
from accord.insights.models import Recommendation
from accord.insights.playbook_actions import recommendations_refresh
from accord.insights.tests.playbook_world import conflict_write, snapshot_write, team_build
from accord.metrics.playbook import PLAYS

pytestmark = pytest.mark.django_db
API = "/api/v1"
Status = Recommendation.Status


def setup_plays(tenant, team):
    today = timezone.localdate()
    snapshot_write(team.partnership, day=today, components={"goal_progress": 40.0})
    conflict_write(team.partnership, title="Align pricing", days=45, today=today)
    recommendations_refresh(
        workspace=tenant.workspace, today=today, partnerships=[team.partnership]
    )


@pytest.fixture
def team(acme):
    built = team_build(acme)
    setup_plays(acme, built)
    return built


def rec(play="revisit_kpis"):
    return Recommendation.objects.get(play_key=play)


def test_the_catalogue_lists_every_play_with_its_rules(acme):
    body = token_client(acme, "viewer").get(f"{API}/plays").json()
    assert [p["key"] for p in body] == [p.key for p in PLAYS]
    align = next(p for p in body if p["key"] == "align_goals")
    shared = next(r for r in align["rules"] if r["id"] == "coordination.shared_goals")
    assert (shared["threshold"], shared["below"]) == (3.5, True)
    assert "below 3.5 of 5" in shared["condition"]


def test_list_and_filter_recommendations(acme, team):
    client = token_client(acme, "viewer")
    url = f"{API}/partnerships/{team.partnership.slug}/recommendations"
    body = client.get(url).json()
    assert {r["play"] for r in body["results"]} == {"revisit_kpis", "facilitated_dialogue"}
    assert client.get(url, {"status": "dismissed"}).json()["count"] == 0
    one = client.get(f"{API}/recommendations/{rec().uuid}")
    assert one.json()["evidence"][0].startswith("Goal progress: 40 of 100")
    assert one["ETag"] == f'"{rec().version}"'


def test_accept_creates_action_items(acme, team):
    client = token_client(acme, "member")  # the lead
    target = rec()
    steps = ["Review each KPI's progress and forecast with its owner"]
    response = client.post(
        f"{API}/recommendations/{target.uuid}/accept",
        {"owner": str(acme.alice.uuid), "steps": steps, "version": target.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["recommendation"]["status"] == "accepted"
    assert [a["title"] for a in body["actions"]] == steps
    assert ActionItem.objects.filter(source_uuid=target.uuid).count() == 1


def test_accept_with_an_outsider_owner_is_a_validation_problem(acme, team):
    response = token_client(acme, "member").post(
        f"{API}/recommendations/{rec().uuid}/accept",
        {"owner": str(acme.bob.uuid)},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "owner" in response.content.decode()


def test_snooze_dismiss_and_reopen(acme, team):
    client = token_client(acme, "admin")
    target = rec()
    until = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    snoozed = client.post(
        f"{API}/recommendations/{target.uuid}/snooze",
        {"until": until, "reason": "After close"},
        content_type="application/json",
    )
    assert snoozed.json()["status"] == "snoozed"
    missing = client.post(
        f"{API}/recommendations/{target.uuid}/dismiss",
        {"reason": ""},
        content_type="application/json",
    )
    assert missing.status_code == 422
    dismissed = client.post(
        f"{API}/recommendations/{target.uuid}/dismiss",
        {"reason": "Handled elsewhere"},
        content_type="application/json",
    )
    assert dismissed.json()["decision_reason"] == "Handled elsewhere"
    reopened = client.post(
        f"{API}/recommendations/{target.uuid}/reopen", {}, content_type="application/json"
    )
    assert reopened.json()["status"] == "open"


def test_versions_guard_decisions(acme, team):
    client = token_client(acme, "admin")
    target = rec()
    stale = client.post(
        f"{API}/recommendations/{target.uuid}/dismiss",
        {"reason": "x", "version": target.version + 5},
        content_type="application/json",
    )
    assert stale.status_code == 409
    precondition = client.post(
        f"{API}/recommendations/{target.uuid}/dismiss",
        {"reason": "x"},
        content_type="application/json",
        headers={"If-Match": '"999"'},
    )
    assert precondition.status_code == 412
    assert rec().status == Status.OPEN


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_others_may_not_decide(acme, team, role):
    team.lead.user = None
    team.lead.save(update_fields=["user"])
    response = token_client(acme, role).post(
        f"{API}/recommendations/{rec().uuid}/dismiss",
        {"reason": "No"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_other_workspaces_see_nothing(acme, globex, team):
    client = token_client(globex, "owner")
    assert client.get(f"{API}/recommendations/{rec().uuid}").status_code == 404
    assert (
        client.get(f"{API}/partnerships/{team.partnership.slug}/recommendations").status_code == 404
    )
    assert (
        client.post(
            f"{API}/recommendations/{rec().uuid}/dismiss",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_list_queries_do_not_grow(acme, team):
    client = token_client(acme, "viewer")
    url = f"{API}/partnerships/{team.partnership.slug}/recommendations"
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = count()
    today = timezone.localdate()
    snapshot_write(
        team.partnership,
        day=today,
        components={"goal_progress": 30.0, "psych_safety": 20.0, "asks_answered": 10.0},
    )
    recommendations_refresh(workspace=acme.workspace, today=today, partnerships=[team.partnership])
    assert Recommendation.objects.count() >= 4
    assert count() == one
