"""Health over the API: the latest snapshot (or a clear 404 before the first), the history
with since/until and pages, refresh by leads and admins, and the settings with version and
If-Match — permissions as on the pages, isolation and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.api.testing import token_client
from accord.insights.health import insight_settings_get, snapshots_take
from accord.insights.models import HealthSnapshot
from accord.insights.tests.test_health_support import bare_partnership, rich_partnership
from accord.metrics.health_index import COMPONENT_LABELS
from accord.partnerships.tests.helpers import person_for

JSON = "application/json"
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


def days(partnership, count):
    today = timezone.localdate()
    HealthSnapshot.objects.bulk_create(
        [
            HealthSnapshot(
                workspace=partnership.workspace,
                partnership=partnership,
                date=today - datetime.timedelta(days=offset),
                score=50.0 + offset,
                covered_share=0.7,
                computed_at=timezone.now(),
            )
            for offset in range(1, count + 1)
        ]
    )


def test_latest_snapshot_with_every_component(acme):
    rich = rich_partnership(acme)
    snapshots_take(workspace=acme.workspace, today=timezone.localdate())
    response = token_client(acme, "viewer").get(
        f"/api/v1/partnerships/{rich.partnership.slug}/health"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["partnership"] == rich.partnership.slug
    assert [c["key"] for c in body["components"]] == list(COMPONENT_LABELS)
    coordination = next(c for c in body["components"] if c["key"] == "coordination")
    assert coordination["status"] == "no data"
    assert coordination["value"] is None
    assert body["score"] is not None


def test_no_snapshot_yet_is_a_404_problem_that_says_what_to_do(acme):
    partnership = bare_partnership(acme)
    response = token_client(acme, "viewer").get(f"/api/v1/partnerships/{partnership.slug}/health")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert "no health snapshot yet" in response.json()["detail"]
    assert "/health/refresh" in response.json()["detail"]


def test_other_workspaces_are_404(acme, globex):
    theirs = bare_partnership(globex, name="Theirs")
    snapshots_take(workspace=globex.workspace, today=timezone.localdate())
    client = token_client(acme, "owner")
    assert client.get(f"/api/v1/partnerships/{theirs.slug}/health").status_code == 404
    assert client.get(f"/api/v1/partnerships/{theirs.slug}/health/history").status_code == 404
    assert client.post(f"/api/v1/partnerships/{theirs.slug}/health/refresh").status_code == 404


def test_history_filters_by_dates_and_paginates(acme):
    partnership = bare_partnership(acme)
    days(partnership, 10)
    client = token_client(acme, "viewer")
    base = f"/api/v1/partnerships/{partnership.slug}/health/history"
    page = client.get(base, {"limit": 4}).json()
    assert page["count"] == 10
    assert len(page["results"]) == 4
    assert page["next"] is not None
    dates = [row["date"] for row in page["results"]]
    assert dates == sorted(dates)  # oldest first
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=5)).isoformat()
    until = (today - datetime.timedelta(days=2)).isoformat()
    window = client.get(base, {"since": since, "until": until}).json()
    assert window["results"][0]["date"] == since
    assert window["count"] == 4
    bad = client.get(base, {"since": until, "until": since})
    assert bad.status_code == 400
    assert client.get(base, {"since": "yesterday"}).status_code == 422


def test_history_keeps_its_query_count(acme):
    partnership = bare_partnership(acme)
    days(partnership, 2)
    client = token_client(acme, "viewer")
    url = f"/api/v1/partnerships/{partnership.slug}/health/history"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    HealthSnapshot.objects.all().delete()
    days(partnership, 60)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).json()["count"] == 60
    assert len(many) == len(few)


def test_latest_keeps_its_query_count(acme):
    partnership = bare_partnership(acme)
    days(partnership, 1)
    client = token_client(acme, "viewer")
    url = f"/api/v1/partnerships/{partnership.slug}/health"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    days_more = 30
    HealthSnapshot.objects.all().delete()
    days(partnership, days_more)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_refresh_by_the_lead_or_admins_only(acme):
    lead = person_for(acme, "member")
    partnership = bare_partnership(acme, lead=lead)
    other = bare_partnership(acme, name="Not led")
    member = token_client(acme, "member")
    response = member.post(f"/api/v1/partnerships/{partnership.slug}/health/refresh")
    assert response.status_code == 200
    assert response.json()["snapshots"] == 1
    assert response.json()["snapshot"]["partnership"] == partnership.slug
    denied = member.post(f"/api/v1/partnerships/{other.slug}/health/refresh")
    assert denied.status_code == 403
    assert denied["Content-Type"] == PROBLEM
    assert (
        token_client(acme, "viewer")
        .post(f"/api/v1/partnerships/{partnership.slug}/health/refresh")
        .status_code
        == 403
    )


# --- settings -------------------------------------------------------------------------------


def test_settings_read_by_everyone_with_an_etag(acme):
    response = token_client(acme, "viewer").get("/api/v1/insights/settings")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert [w["key"] for w in body["weights"]] == list(COMPONENT_LABELS)
    assert body["min_covered_share"] == 0.4
    assert body["decision_target_days"] == 14


def test_admins_patch_the_settings(acme):
    client = token_client(acme, "admin")
    response = client.patch(
        "/api/v1/insights/settings",
        {"weights": {"coordination": 25}, "decision_target_days": 10},
        JSON,
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    saved = insight_settings_get(workspace=acme.workspace)
    assert saved.weights["coordination"] == 25.0
    assert saved.weights["psych_safety"] == 10.0  # untouched default kept
    assert saved.decision_target_days == 10


def test_settings_concurrency(acme):
    client = token_client(acme, "admin")
    client.patch("/api/v1/insights/settings", {"min_covered_share": 0.5}, JSON)
    stale = client.patch(
        "/api/v1/insights/settings", {"min_covered_share": 0.6}, JSON, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    conflict = client.patch(
        "/api/v1/insights/settings", {"min_covered_share": 0.6, "version": 1}, JSON
    )
    assert conflict.status_code == 409
    assert insight_settings_get(workspace=acme.workspace).min_covered_share == 0.5


def test_settings_validation_names_the_field(acme):
    client = token_client(acme, "admin")
    response = client.patch(
        "/api/v1/insights/settings", {"weights": {"coordination": -1, "vibes": 3}}, JSON
    )
    assert response.status_code == 422
    fields = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert fields["weights.coordination"] == "Weight of Coordination score must be 0 or more."
    assert "Unknown component 'vibes'" in fields["weights.vibes"]
    zeros = client.patch(
        "/api/v1/insights/settings", {"weights": dict.fromkeys(COMPONENT_LABELS, 0)}, JSON
    )
    assert zeros.status_code == 422
    assert zeros.json()["errors"][0]["field"] == "weights"
    assert (
        client.patch("/api/v1/insights/settings", {"decision_target_days": 0}, JSON).status_code
        == 422
    )


def test_members_may_not_patch_the_settings(acme):
    response = token_client(acme, "member").patch(
        "/api/v1/insights/settings", {"min_covered_share": 0.5}, JSON
    )
    assert response.status_code == 403
    assert insight_settings_get(workspace=acme.workspace).version == 1
