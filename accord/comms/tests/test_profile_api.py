"""Function profiles over the API: list with staleness, get/put with concurrency, review,
ranked priorities, permissions, isolation and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.api.testing import token_client
from accord.comms.models_profiles import FunctionProfile
from accord.comms.tests.test_profile_actions import lead_of, profile_make
from accord.org.models import Function

JSON = "application/json"

pytestmark = pytest.mark.django_db


def test_put_creates_then_replaces_and_guards_with_the_version(acme):
    lead_of(acme, acme.finance, role="member")
    client = token_client(acme, "member")
    url = f"/api/v1/functions/{acme.finance.uuid}/profile"
    assert client.get(url).status_code == 404
    created = client.put(
        url,
        {
            "mission": "Keep the books right.",
            "owned_kpis": ["gross_margin"],
            "planning_cycle": "quarterly",
            "preferred_channels": ["email_list"],
            "response_time_hours": 48,
            "busy_windows": [{"label": "Close", "months": [], "day_from": 1, "day_to": 6}],
        },
        JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owned_kpis"] == [
        {"key": "gross_margin", "name": "Gross margin", "unit": "%", "known": True}
    ]
    assert body["stale"] is False
    assert body["reviewed_by"]["name"] == "Finance Lead"
    assert created["ETag"] == '"1"'
    replaced = client.put(url, {"mission": "New"}, JSON, headers={"If-Match": '"1"'})
    assert replaced.status_code == 200
    assert replaced.json()["owned_kpis"] == []  # PUT replaces the whole profile
    assert client.put(url, {"mission": "Old"}, JSON, headers={"If-Match": '"1"'}).status_code == 412
    assert client.put(url, {"mission": "Old", "version": 1}, JSON).status_code == 409


def test_unknown_kpis_are_a_validation_problem_and_others_may_not_write(acme):
    admin = token_client(acme, "admin")
    url = f"/api/v1/functions/{acme.sales.uuid}/profile"
    response = admin.put(url, {"owned_kpis": ["vibes"]}, JSON)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owned_kpis"
    assert token_client(acme, "member").put(url, {"mission": "x"}, JSON).status_code == 403
    assert token_client(acme, "viewer").put(url, {"mission": "x"}, JSON).status_code == 403


def test_priorities_are_replaced_in_order_and_share_the_profile_version(acme):
    profile = profile_make(acme, acme.sales)
    client = token_client(acme, "admin")
    url = f"/api/v1/functions/{acme.sales.uuid}/profile/priorities"
    response = client.put(
        url,
        {"priorities": [{"title": "Bookings", "metric_key": "new_bookings"}, {"title": "Margin"}]},
        JSON,
        headers={"If-Match": f'"{profile.version}"'},
    )
    assert response.status_code == 200, response.content
    assert [(p["rank"], p["title"]) for p in response.json()] == [(1, "Bookings"), (2, "Margin")]
    assert response["ETag"] == f'"{profile.version + 1}"'
    assert client.get(url).json()["count"] == 2
    bad = client.put(url, {"priorities": [{"title": "x", "metric_key": "nope"}]}, JSON)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "priorities.0.metric_key"


def test_review_clears_staleness(acme):
    profile = profile_make(acme, acme.sales)
    FunctionProfile.objects.filter(pk=profile.pk).update(
        reviewed_at=timezone.now() - datetime.timedelta(days=120)
    )
    client = token_client(acme, "admin")
    summary = client.get("/api/v1/function-profiles").json()["results"]
    assert [(row["function"]["name"], row["stale"]) for row in summary] == [
        ("Finance", True),
        ("Sales", True),
    ]
    reviewed = client.post(f"/api/v1/functions/{acme.sales.uuid}/profile/review")
    assert reviewed.status_code == 200
    assert reviewed.json()["stale"] is False


def test_the_profile_list_keeps_its_query_count(acme):
    client = token_client(acme, "viewer")
    profile_make(acme, acme.sales)
    client.get("/api/v1/function-profiles")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/function-profiles")
    for index in range(5):
        function = Function.objects.create(workspace=acme.workspace, name=f"F{index}")
        profile_make(acme, function, mission="m")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/function-profiles").json()
    assert len(many) == len(few)
    assert page["count"] == 7


def test_another_workspace_sees_nothing(acme, globex):
    profile_make(acme, acme.sales, mission="Acme secrets")
    outsider = token_client(globex, "owner")
    url = f"/api/v1/functions/{acme.sales.uuid}/profile"
    assert outsider.get(url).status_code == 404
    assert outsider.put(url, {"mission": "mine"}, JSON).status_code == 404
    assert outsider.get(f"{url}/priorities").status_code == 404
    names = [
        r["function"]["name"] for r in outsider.get("/api/v1/function-profiles").json()["results"]
    ]
    assert names == ["Finance", "Sales"]  # globex's own functions
    assert FunctionProfile.objects.get().mission == "Acme secrets"
