"""Network snapshots over the API: the windows list, the latest and one by id (function-level
for everyone, the people section only for admins and owners), a refresh for admins, small
functions withheld, other workspaces 404, and constant queries for the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.network.snapshots import snapshot_take
from accord.network.tests.insight_world import WINDOW_END, build_world

pytestmark = pytest.mark.django_db


def test_no_snapshot_yet_is_a_404_problem_that_says_what_to_do(acme):
    response = token_client(acme, "member").get("/api/v1/network/snapshots/latest")
    assert response.status_code == 404
    assert "POST /network/snapshots/refresh" in response.json()["detail"]


def test_members_and_viewers_get_function_level_figures_only(acme):
    world = build_world(acme)
    snapshot = snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    for role in ("member", "viewer"):
        client = token_client(acme, role)
        for address in (
            "/api/v1/network/snapshots/latest",
            f"/api/v1/network/snapshots/{snapshot.uuid}",
        ):
            response = client.get(address)
            assert response.status_code == 200
            body = response.json()
            assert body["id"] == str(snapshot.uuid)
            assert body["people"] is None
            assert body["people_count"] == 14
            text = response.content.decode()
            for person in world.sales + world.finance + world.tiny:
                assert person.name not in text
                assert str(person.uuid) not in text


def test_admins_get_the_people_section(acme):
    world = build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    for role in ("admin", "owner"):
        body = token_client(acme, role).get("/api/v1/network/snapshots/latest").json()
        names = [row["name"] for row in body["people"]["brokers"]]
        assert world.finance[0].name in names
        assert body["people"]["overloaded"]


def test_small_functions_are_withheld_in_the_api(acme):
    build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    body = token_client(acme, "member").get("/api/v1/network/snapshots/latest").json()
    tiny = next(row for row in body["results"]["functions"] if row["name"] == "Tiny")
    assert tiny == {
        "name": "Tiny",
        "uuid": tiny["uuid"],
        "withheld": True,
        "reason": tiny["reason"],
    }
    index = body["results"]["matrix"]["functions"].index("Tiny")
    assert all(row[index] is None for row in body["results"]["matrix"]["ties"])


def test_list_pages_and_runs_constant_queries(acme):
    build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    client = token_client(acme, "viewer")

    def count() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/network/snapshots", {"limit": 50})
        assert response.status_code == 200
        return len(captured), response.json()

    count()  # the token's first use is recorded once
    one, body = count()
    assert body["count"] == 1
    assert "results" not in body["results"][0]
    for weeks in range(1, 6):
        snapshot_take(
            workspace=acme.workspace, window_end=WINDOW_END - datetime.timedelta(days=7 * weeks)
        )
    many, body = count()
    assert body["count"] == 6
    assert body["results"][0]["window_end"] == WINDOW_END.isoformat()
    assert many == one


def test_refresh_is_for_admins_and_owners(acme):
    build_world(acme)
    denied = token_client(acme, "member").post("/api/v1/network/snapshots/refresh")
    assert denied.status_code == 403
    response = token_client(acme, "admin").post("/api/v1/network/snapshots/refresh")
    assert response.status_code == 200
    body = response.json()
    assert body["snapshots"] >= 1
    assert body["latest"]["people"] is not None


def test_other_workspaces_snapshots_are_404(acme, globex):
    build_world(acme)
    theirs = snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    client = token_client(globex, "owner")
    assert client.get(f"/api/v1/network/snapshots/{theirs.uuid}").status_code == 404
    assert client.get("/api/v1/network/snapshots/not-a-uuid").status_code == 404
    assert client.get("/api/v1/network/snapshots").json()["count"] == 0
    assert client.get("/api/v1/network/snapshots/latest").status_code == 404
