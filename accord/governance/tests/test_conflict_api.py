"""The conflict register over the API: CRUD, stage moves with reasons, perspectives, options,
metrics, concurrency, privacy, roles and tenancy."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.governance.models import ActionItem, Conflict
from accord.governance.tests.conflict_helpers import conflict_make, goal_clash, person_for

JSON = "application/json"
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_member_raises_a_conflict_with_goals(acme):
    """POST creates the conflict with its parties and goals; Location and ETag are set."""
    discount, margin = goal_clash(acme)
    client = token_client(acme, "member")
    response = client.post(
        "/api/v1/conflicts",
        {
            "title": "Discounting vs margin",
            "party_functions": [str(acme.sales.uuid), str(acme.finance.uuid)],
            "goals": [str(discount.uuid), str(margin.uuid)],
            "severity": "high",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "raised"
    assert body["allowed_moves"] == ["acknowledged"]
    assert {g["title"] for g in body["goals"]} == {discount.title, margin.title}
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(f"/conflicts/{body['id']}")


def test_one_party_is_a_validation_problem(acme):
    """A single party answers 422 naming the field."""
    response = token_client(acme, "member").post(
        "/api/v1/conflicts",
        {"title": "Alone", "party_people": [str(acme.alice.uuid)]},
        content_type=JSON,
    )
    assert "at least two parties" in _errors(response)["party_people"]


def test_unknown_ids_are_named(acme, globex):
    """A function of another workspace is reported as unknown here."""
    response = token_client(acme, "member").post(
        "/api/v1/conflicts",
        {"title": "X", "party_functions": [str(acme.sales.uuid), str(globex.sales.uuid)]},
        content_type=JSON,
    )
    assert "No function with id" in _errors(response)["party_functions"]


def test_walk_the_workflow_over_the_api(acme):
    """Acknowledge, dialogue with a facilitator, two perspectives, an option, resolve with an
    action item: each step through the API."""
    conflict = conflict_make(acme)
    client = token_client(acme, "owner")
    base = f"/api/v1/conflicts/{conflict.uuid}"

    def move(**payload):
        return client.post(f"{base}/stage", payload, content_type=JSON)

    assert move(to="acknowledged").status_code == 200
    assert "facilitator" in _errors(move(to="in_dialogue"))
    assert move(to="in_dialogue", facilitator=str(acme.bob.uuid)).status_code == 200
    for person, function in ((acme.alice, acme.sales), (acme.bob, acme.finance)):
        response = client.post(
            f"{base}/perspectives",
            {"person": str(person.uuid), "function": str(function.uuid), "perspective": "View"},
            content_type=JSON,
        )
        assert response.status_code == 201, response.content
    assert move(to="options").status_code == 200
    option = client.post(f"{base}/options", {"description": "Guardrail"}, content_type=JSON)
    assert option.status_code == 201
    resolved = move(
        to="resolved",
        agreement="Finance signs off above 10%.",
        chosen_option=option.json()["id"],
        action_items=[{"title": "Publish policy", "owner": str(acme.alice.uuid)}],
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["stage"] == "resolved"
    assert ActionItem.objects.get(conflict=conflict).owner == acme.alice
    changes = client.get(f"{base}/stage-changes").json()
    assert [c["to_stage"] for c in changes["results"]] == [
        "raised",
        "acknowledged",
        "in_dialogue",
        "options",
        "resolved",
    ]


def test_a_refused_move_gives_the_reason(acme):
    """Jumping from raised to closed is a 422 listing where it can go."""
    conflict = conflict_make(acme)
    response = token_client(acme, "owner").post(
        f"/api/v1/conflicts/{conflict.uuid}/stage", {"to": "closed"}, content_type=JSON
    )
    assert "it can move to acknowledged" in _errors(response)["to"]


def test_if_match_guards_updates(acme):
    """A stale If-Match answers 412; the current one applies the change."""
    conflict = conflict_make(acme)
    client = token_client(acme, "owner")
    url = f"/api/v1/conflicts/{conflict.uuid}"
    stale = client.patch(url, {"severity": "high"}, content_type=JSON, headers={"If-Match": '"9"'})
    assert stale.status_code == 412
    fresh = client.patch(url, {"severity": "high"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert fresh.status_code == 200
    assert fresh.json()["severity"] == "high"
    assert fresh["ETag"] == '"2"'


def test_viewer_reads_but_cannot_write(acme):
    """Viewers list and read; creating, moving and deleting are 403."""
    conflict = conflict_make(acme)
    client = token_client(acme, "viewer")
    assert client.get("/api/v1/conflicts").json()["count"] == 1
    assert client.get(f"/api/v1/conflicts/{conflict.uuid}").status_code == 200
    assert client.post("/api/v1/conflicts", {"title": "x"}, content_type=JSON).status_code == 403
    stage = client.post(
        f"/api/v1/conflicts/{conflict.uuid}/stage", {"to": "acknowledged"}, content_type=JSON
    )
    assert stage.status_code == 403
    assert client.delete(f"/api/v1/conflicts/{conflict.uuid}").status_code == 403


def test_only_admins_delete(acme):
    """An admin deletes a conflict; it is gone."""
    conflict = conflict_make(acme)
    assert (
        token_client(acme, "admin").delete(f"/api/v1/conflicts/{conflict.uuid}").status_code == 204
    )
    assert not Conflict.objects.exists()


def test_private_conflicts_are_404_to_outsiders(acme):
    """A private conflict is invisible to a member who is no party; a party sees it."""
    conflict = conflict_make(acme, private=True)
    member = token_client(acme, "member")
    assert member.get(f"/api/v1/conflicts/{conflict.uuid}").status_code == 404
    assert member.get("/api/v1/conflicts").json()["count"] == 0
    party = person_for(acme, "member")
    conflict.party_people.add(party)
    assert member.get(f"/api/v1/conflicts/{conflict.uuid}").status_code == 200


def test_other_workspaces_get_404(acme, globex):
    """Globex cannot read Acme's conflict or its perspectives."""
    conflict = conflict_make(acme)
    client = token_client(globex, "owner")
    assert client.get(f"/api/v1/conflicts/{conflict.uuid}").status_code == 404
    assert client.get(f"/api/v1/conflicts/{conflict.uuid}/perspectives").status_code == 404


def test_metrics_carry_reasons(acme):
    """GET /conflicts/metrics answers the open count, median, escalation share and reasons."""
    conflict_make(acme)
    body = token_client(acme, "viewer").get("/api/v1/conflicts/metrics").json()
    assert body["open"]["count"] == 1
    assert body["open"]["reasons"]
    assert body["resolution"]["median_days"] is None
    assert body["escalation"]["share"] == 0.0
    assert body["stale_days"] == 14


def test_list_runs_a_constant_number_of_queries(acme):
    """The list endpoint's query count does not grow with the number of conflicts."""
    client = token_client(acme, "member")
    conflict_make(acme, title="One")
    client.get("/api/v1/conflicts")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/conflicts")
    for n in range(8):
        conflict_make(acme, title=f"Many {n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/conflicts").json()["count"] == 9
    assert len(many.captured_queries) == len(few.captured_queries)
