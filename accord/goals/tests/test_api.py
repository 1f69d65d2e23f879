"""Goals, check-ins, KPIs, alignment and SMART over the API."""

from datetime import date

import pytest

from accord.api.testing import token_client
from accord.goals.models import CheckIn, Goal, Measurement
from accord.goals.tests.helpers import checkins_add, goal_make, partnership_make

JSON = "application/json"


def _payload(tenant, **changes):
    body = {
        "title": "Raise NPS from 30 to 45 by 30 June 2026",
        "function": str(tenant.sales.uuid),
        "direction": "increase",
        "baseline": 30,
        "target": 45,
        "start_date": "2026-01-01",
        "due_date": "2026-06-30",
        "owner": str(tenant.alice.uuid),
    }
    body.update(changes)
    return body


@pytest.fixture
def admin(acme):
    return token_client(acme, "admin")


def test_create_get_update_delete_a_goal(acme, admin):
    created = admin.post("/api/v1/goals", _payload(acme), content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"]["name"] == "Alice Archer"
    assert created["ETag"] == '"1"'
    url = f"/api/v1/goals/{body['id']}"
    assert admin.get(url).json()["summary"]["status"] == "no_data"
    changed = admin.patch(url, {"target": 50}, content_type=JSON, headers={"If-Match": '"1"'})
    assert changed.status_code == 200
    assert changed.json()["target"] == 50
    stale = admin.patch(url, {"target": 55}, content_type=JSON, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert admin.delete(url).status_code == 204
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_date": "2025-12-01"}, "due_date"),
        ({"target": 30}, "target"),
        ({"owner": None}, "owner"),
    ],
)
def test_bad_goals_are_problem_documents_and_save_nothing(acme, admin, changes, field):
    response = admin.post("/api/v1/goals", _payload(acme, **changes), content_type=JSON)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "https://accord.dev/problems/validation"
    assert field in [error["field"] for error in problem["errors"]]
    assert not Goal.objects.exists()


def test_an_owner_of_another_workspace_is_unknown(acme, globex, admin):
    response = admin.post(
        "/api/v1/goals", _payload(acme, owner=str(globex.alice.uuid)), content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner"


def test_viewers_cannot_write(acme):
    viewer = token_client(acme, "viewer")
    assert viewer.post("/api/v1/goals", _payload(acme), content_type=JSON).status_code == 403
    goal = goal_make(acme)
    response = viewer.post(f"/api/v1/goals/{goal.uuid}/checkins", {"value": 3}, content_type=JSON)
    assert response.status_code == 403


def test_list_filters_and_summary(acme):
    late = goal_make(acme, title="Late", start_date=date(2026, 1, 1), due_date=date(2026, 3, 1))
    checkins_add(late, [10.2], start=date(2026, 2, 20))
    goal_make(acme, title="Other", function=acme.finance)
    client = token_client(acme, "viewer")
    body = client.get(f"/api/v1/goals?function={acme.finance.uuid}").json()
    assert [g["title"] for g in body["results"]] == ["Other"]
    risky = client.get("/api/v1/goals?at_risk=true").json()
    assert "Late" in [g["title"] for g in risky["results"]]


def test_check_ins_over_the_api(acme, admin):
    goal = goal_make(acme)
    bad = admin.post(f"/api/v1/goals/{goal.uuid}/checkins", {"value": "ten"}, content_type=JSON)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["message"] == "Enter a number, e.g. 42 or 17.5"
    created = admin.post(
        f"/api/v1/goals/{goal.uuid}/checkins",
        {"value": 12.5, "date": "2026-02-01", "confidence": "at_risk"},
        content_type=JSON,
    )
    assert created.status_code == 201
    checkin_id = created.json()["id"]
    listed = admin.get(f"/api/v1/goals/{goal.uuid}/checkins").json()
    assert listed["count"] == 1
    patched = admin.patch(
        f"/api/v1/checkins/{checkin_id}",
        {"value": 13},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200
    assert patched.json()["value"] == 13
    assert (
        admin.patch(
            f"/api/v1/checkins/{checkin_id}",
            {"value": 14},
            content_type=JSON,
            headers={"If-Match": '"1"'},
        ).status_code
        == 412
    )
    assert admin.delete(f"/api/v1/checkins/{checkin_id}").status_code == 204
    assert not CheckIn.objects.exists()


def test_progress_endpoint_has_forecast(acme, admin):
    goal = goal_make(acme)
    checkins_add(goal, [10 + i for i in range(8)], start=date(2026, 1, 5))
    body = admin.get(f"/api/v1/goals/{goal.uuid}/progress").json()
    assert body["current"] == 17
    assert body["forecast"]["due"] == "2026-06-30"
    assert body["status"] in {"on_track", "at_risk", "off_track", "done"}


def test_kpis_and_idempotent_bulk_measurements(acme, admin):
    partnership = partnership_make(acme)
    created = admin.post(
        "/api/v1/kpis",
        {"partnership": str(partnership.uuid), "metric_key": "revenue", "target": 100},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    kpi_id = created.json()["id"]
    body = {
        "measurements": [{"date": "2026-01-05", "value": 90}, {"date": "2026-01-12", "value": 101}]
    }
    url = f"/api/v1/kpis/{kpi_id}/measurements"
    assert admin.post(url, body, content_type=JSON).json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert admin.post(url, body, content_type=JSON).json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
    }
    assert Measurement.objects.count() == 2
    assert admin.get(url).json()["count"] == 2
    kpi = admin.get(f"/api/v1/kpis/{kpi_id}").json()
    assert kpi["latest_value"] == 101
    assert kpi["on_target"] is True
    rollup = {c["category"]: c for c in admin.get("/api/v1/kpis/rollup").json()}
    assert rollup["revenue growth"]["share"] == 1


def test_alignment_endpoint(acme, admin):
    partnership = partnership_make(acme)
    objective = goal_make(acme, partnership=partnership, function=None, kind="objective", title="O")
    helper = goal_make(acme, title="Helper")
    helper.supports.add(objective)
    goal_make(acme, title="Alone")
    body = admin.get("/api/v1/alignment").json()
    assert body["partnerships"][0]["goals"][0]["supporters"][0]["title"] == "Helper"
    assert [g["title"] for g in body["unaligned"]] == ["Alone"]


def test_smart_answers_like_the_cli(acme):
    from accord.metrics.smart import assessment_json, smart_assess

    client = token_client(acme, "viewer")
    text = "Raise NPS from 30 to 45 by 30 June 2026"
    response = client.post(
        "/api/v1/smart", {"text": text, "today": "2026-01-10"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json() == assessment_json(smart_assess(text, today=date(2026, 1, 10)))


def test_smart_needs_authentication(db, client):
    assert client.post("/api/v1/smart", {"text": "x"}, content_type=JSON).status_code == 401


def test_other_workspaces_goals_are_404(acme, globex):
    goal = goal_make(acme)
    client = token_client(globex, "owner")
    assert client.get(f"/api/v1/goals/{goal.uuid}").status_code == 404
    assert (
        client.patch(f"/api/v1/goals/{goal.uuid}", {"title": "x"}, content_type=JSON).status_code
        == 404
    )
    assert client.get("/api/v1/goals").json()["count"] == 0
