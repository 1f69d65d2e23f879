"""Action items over the API: CRUD, filters, comments, validation, concurrency, roles, privacy,
tenancy and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.goals.models import Goal
from accord.governance import action_actions as actions
from accord.governance.models import ActionComment, ActionItem
from accord.governance.tests.test_action_actions import action_make, partnership_make, person_for

JSON = "application/json"
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(acme):
    return token_client(acme, "admin")


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_admin_creates_an_action_linked_to_a_goal(acme, admin):
    partnership = partnership_make(acme)
    goal = Goal.objects.create(workspace=acme.workspace, partnership=partnership, title="Cut DSO")
    response = admin.post(
        "/api/v1/actions",
        {
            "title": "Draft the credit policy",
            "owner": str(acme.bob.uuid),
            "due_date": "2020-01-01",
            "goal": str(goal.uuid),
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == {"id": str(acme.bob.uuid), "name": "Bob Baker"}
    assert body["partnership"]["slug"] == partnership.slug
    assert body["goal"] == {"id": str(goal.uuid), "title": "Cut DSO"}
    assert body["status"] == "open"
    assert body["overdue"] is True
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"/api/v1/actions/{body['id']}"


def test_missing_owner_and_unknown_ids_are_validation_problems(acme, globex, admin):
    response = admin.post("/api/v1/actions", {"title": "No owner"}, content_type=JSON)
    assert "owner" in _errors(response)
    response = admin.post(
        "/api/v1/actions",
        {"title": "Foreign", "owner": str(globex.alice.uuid), "partnership": "nope"},
        content_type=JSON,
    )
    errors = _errors(response)
    assert errors["owner"].startswith("No person with id")
    assert errors["partnership"] == "No partnership “nope” you can see."
    assert not ActionItem.objects.exists()


def test_patch_changes_status_and_honours_if_match(acme, admin):
    action = action_make(acme)
    path = f"/api/v1/actions/{action.uuid}"
    response = admin.patch(path, {"status": "done"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.content
    assert response.json()["completed_at"] is not None
    assert response["ETag"] == '"2"'
    stale = admin.patch(path, {"title": "x"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    conflict = admin.patch(path, {"title": "x", "version": 1}, content_type=JSON)
    assert conflict.status_code == 409
    cleared = admin.patch(path, {"due_date": None, "status": "open"}, content_type=JSON)
    assert cleared.json()["completed_at"] is None


def test_null_owner_is_refused_on_patch(acme, admin):
    action = action_make(acme)
    response = admin.patch(f"/api/v1/actions/{action.uuid}", {"owner": None}, content_type=JSON)
    assert "owner" in _errors(response)


def test_viewers_read_but_cannot_write(acme):
    action = action_make(acme)
    viewer = token_client(acme, "viewer")
    assert viewer.get(f"/api/v1/actions/{action.uuid}").status_code == 200
    response = viewer.patch(f"/api/v1/actions/{action.uuid}", {"status": "done"}, content_type=JSON)
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert (
        viewer.post(
            f"/api/v1/actions/{action.uuid}/comments", {"body": "hi"}, content_type=JSON
        ).status_code
        == 403
    )
    assert viewer.delete(f"/api/v1/actions/{action.uuid}").status_code == 403


def test_members_who_neither_own_nor_manage_cannot_patch(acme):
    action = action_make(acme)
    member = token_client(acme, "member")
    response = member.patch(f"/api/v1/actions/{action.uuid}", {"title": "x"}, content_type=JSON)
    assert response.status_code == 403


def test_list_filters_and_mine(acme):
    me = person_for(acme, "member")
    action_make(acme, title="Mine", owner=me, due_date="2020-01-01")
    action_make(acme, title="Alice's")
    client = token_client(acme, "member")

    def titles(query=""):
        return sorted(a["title"] for a in client.get(f"/api/v1/actions{query}").json()["results"])

    assert titles() == ["Alice's", "Mine"]
    assert titles("?mine=true") == ["Mine"]
    assert titles("?overdue=true") == ["Mine"]
    assert titles(f"?owner={acme.alice.uuid}") == ["Alice's"]
    assert titles("?q=alice") == ["Alice's"]
    assert titles("?status=done") == []
    assert client.get("/api/v1/actions?status=finished").status_code == 422


def test_comments_are_added_and_listed(acme):
    action = action_make(acme)
    client = token_client(acme, "member")
    path = f"/api/v1/actions/{action.uuid}/comments"
    response = client.post(path, {"body": "Sent."}, content_type=JSON)
    assert response.status_code == 201, response.content
    assert response.json()["author"]["email"] == "member@acme.test"
    assert [c["body"] for c in client.get(path).json()["results"]] == ["Sent."]
    assert "body" in _errors(client.post(path, {"body": "  "}, content_type=JSON))
    assert ActionComment.objects.count() == 1
    history = client.get(f"/api/v1/actions/{action.uuid}/history").json()["results"]
    assert history[0]["changes"] == {"comment": [None, "Sent."]}


def test_delete_by_an_admin(acme, admin):
    action = action_make(acme)
    assert admin.delete(f"/api/v1/actions/{action.uuid}").status_code == 204
    assert not ActionItem.objects.exists()


def test_members_only_partnership_actions_are_404_to_outsiders(acme):
    secret = partnership_make(acme, name="Secret", privacy="members")
    action = action_make(acme, partnership=secret)
    member = token_client(acme, "member")
    assert member.get(f"/api/v1/actions/{action.uuid}").status_code == 404
    assert member.get("/api/v1/actions").json()["count"] == 0


def test_another_workspaces_action_is_404(acme, globex):
    action = action_make(acme)
    client = token_client(globex, "owner")
    for method in ("get", "delete"):
        response = getattr(client, method)(f"/api/v1/actions/{action.uuid}")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
    assert client.get("/api/v1/actions").json()["count"] == 0
    assert client.get("/api/v1/actions/not-a-uuid").status_code == 404


def test_list_query_count_does_not_grow(acme, admin):
    partnership = partnership_make(acme)
    action_make(acme, partnership=partnership)
    admin.get("/api/v1/actions")
    with CaptureQueriesContext(connection) as small:
        admin.get("/api/v1/actions")
    for index in range(25):
        action = action_make(
            acme, title=f"A{index}", partnership=partnership_make(acme, f"P{index}")
        )
        actions.action_comment_add(membership=acme.membership("admin"), action=action, body="x")
    with CaptureQueriesContext(connection) as large:
        response = admin.get("/api/v1/actions")
    assert response.json()["count"] == 26
    assert len(small) == len(large)
