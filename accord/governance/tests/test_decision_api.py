"""The decision log and change proposals over the API: the same permissions and refusals as
the pages, ETag / If-Match, pagination, problem+json."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.api.testing import token_client
from accord.governance.models import Decision, DecisionResponse
from accord.governance.tests.test_decision_actions import close_input, draft_make, opened, world

pytestmark = pytest.mark.django_db

VALIDATION = "https://accord.dev/problems/validation"


def post(client, path, body=None, **headers):
    return client.post(
        f"/api/v1{path}", json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_member_creates_a_draft_with_one_decider(acme):
    w = world(acme)
    response = post(
        token_client(acme, "member"),
        "/decisions",
        {
            "title": "Weekly invoicing",
            "decider": str(w["decider"].uuid),
            "affected_functions": [str(acme.sales.uuid)],
            "options": [{"title": "Weekly", "pros": "Saves time"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["decider"]["name"] == "Olivia Owner"
    assert body["options"][0]["title"] == "Weekly"
    assert response["ETag"] == '"1"'


def test_foreign_ids_are_field_errors(acme, globex):
    response = post(
        token_client(acme, "member"), "/decisions", {"title": "x", "decider": str(globex.bob.uuid)}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "decider"


def test_viewer_cannot_create(acme):
    w = world(acme)
    response = post(
        token_client(acme, "viewer"),
        "/decisions",
        {"title": "x", "decider": str(w["decider"].uuid)},
    )
    assert response.status_code == 403


def test_list_filters_paginates_and_keeps_its_query_count(acme):
    w = world(acme)
    client = token_client(acme, "viewer")
    draft_make(acme, w, rationale="batching")
    client.get("/api/v1/decisions")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/decisions")
    for index in range(6):
        draft_make(acme, w, title=f"D{index}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/decisions?limit=3").json()
    assert len(many) == len(few)
    assert page["count"] == 7
    assert len(page["results"]) == 3
    assert page["next"]
    assert client.get("/api/v1/decisions?q=batching").json()["count"] == 1


def test_patch_with_a_stale_if_match_is_412_and_decided_is_refused(acme):
    w = world(acme)
    decision = draft_make(acme, w)
    client = token_client(acme, "owner")
    path = f"/api/v1/decisions/{decision.uuid}"
    response = client.patch(
        path,
        json.dumps({"title": "New"}),
        content_type="application/json",
        headers={"If-Match": '"9"'},
    )
    assert response.status_code == 412
    response = client.patch(
        path,
        json.dumps({"title": "New"}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert response.json()["title"] == "New"
    post(client, f"/decisions/{decision.uuid}/decide", {"outcome_statement": "Go"})
    response = client.patch(path, json.dumps({"title": "Later"}), content_type="application/json")
    assert response.status_code == 422
    assert "Supersede it" in response.json()["detail"]


def test_open_respond_answer_and_decide_with_the_same_refusals_as_the_page(acme):
    w = world(acme)
    decision = draft_make(acme, w)
    owner = token_client(acme, "owner")
    closes = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    response = post(
        owner, f"/decisions/{decision.uuid}/open", {"closes_at": closes, "allow_anonymous": True}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    member = token_client(acme, "member")
    refused = post(member, f"/decisions/{decision.uuid}/responses", {"position": "block"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reason"
    block = post(
        member,
        f"/decisions/{decision.uuid}/responses",
        {"position": "block", "reason": "Month-end", "anonymous": True},
    )
    assert block.status_code == 201
    assert block.json()["person"] is None
    early = post(owner, f"/decisions/{decision.uuid}/decide", {"outcome_statement": "Go"})
    assert early.status_code == 422
    assert "Input is open until" in early.json()["detail"]
    close_input(decision)
    unanswered = post(owner, f"/decisions/{decision.uuid}/decide", {"outcome_statement": "Go"})
    assert "no written answer" in unanswered.json()["detail"]
    response_id = block.json()["id"]
    answered = post(
        owner, f"/decisions/{decision.uuid}/responses/{response_id}/answer", {"answer": "OK"}
    )
    assert answered.status_code == 200
    assert answered.json()["answer"] == "OK"
    decided = post(owner, f"/decisions/{decision.uuid}/decide", {"outcome_statement": "Go"})
    assert decided.status_code == 200
    assert decided.json()["status"] == "decided"


def test_hidden_input_lists_only_named_responders(acme):
    w = world(acme)
    decision = opened(acme, w, hide_responses_until_close=True)
    DecisionResponse.objects.create(
        workspace=acme.workspace,
        decision=decision,
        position="block",
        reason="hidden",
        person=w["seller"],
        function=acme.sales,
        responder_hash="x",
    )
    body = token_client(acme, "owner").get(f"/api/v1/decisions/{decision.uuid}/input").json()
    assert body["visible"] is False
    assert body["responses"] == []
    assert [p["name"] for p in body["responded"]] == ["Mia Member"]


def test_supersede_and_reverse(acme):
    w = world(acme)
    decision = draft_make(acme, w)
    owner = token_client(acme, "owner")
    post(owner, f"/decisions/{decision.uuid}/decide", {"outcome_statement": "Go"})
    successor = post(owner, f"/decisions/{decision.uuid}/supersede")
    assert successor.status_code == 201
    assert successor.json()["status"] == "draft"
    assert (
        token_client(acme, "owner")
        .get(f"/api/v1/decisions/{decision.uuid}")
        .json()["superseded_by"]["id"]
        == successor.json()["id"]
    )
    reversed_ = post(owner, f"/decisions/{decision.uuid}/reverse", {"reason": "Wrong call"})
    assert reversed_.json()["status"] == "reversed"


def test_change_proposal_concerns_and_readiness(acme):
    w = world(acme)
    owner = token_client(acme, "owner")
    created = post(
        owner,
        "/change-proposals",
        {
            "title": "Weekly invoicing",
            "decider": str(w["decider"].uuid),
            "affected_functions": [str(acme.sales.uuid)],
            "what_changes": "Weekly batches",
        },
    )
    assert created.status_code == 201, created.content
    decision_id = created.json()["id"]
    member = token_client(acme, "member")
    concern = post(
        member, f"/decisions/{decision_id}/change/concerns", {"body": "Too slow", "anonymous": True}
    )
    assert concern.status_code == 201
    assert concern.json()["raised_by"] is None
    refused = post(owner, f"/decisions/{decision_id}/decide", {"outcome_statement": "Go"})
    assert refused.status_code == 422
    assert "still open" in refused.json()["detail"]
    post(
        owner,
        f"/decisions/{decision_id}/change/concerns/{concern.json()['id']}/respond",
        {"response": "Net-7 stays daily", "status": "plan_changed"},
    )
    scores = {"awareness": 4, "desire": 2, "knowledge": 3, "ability": 3, "reinforcement": 4}
    rated = post(
        member,
        f"/decisions/{decision_id}/change/readiness",
        {"function": str(acme.sales.uuid), **scores},
    )
    assert rated.status_code == 201
    summary = owner.get(f"/api/v1/decisions/{decision_id}/change/readiness").json()
    assert summary["rows"][0]["weakest"] == "desire"
    assert (
        post(owner, f"/decisions/{decision_id}/decide", {"outcome_statement": "Go"}).json()[
            "status"
        ]
        == "decided"
    )


def test_another_workspace_sees_nothing(acme, globex):
    w = world(acme)
    decision = draft_make(acme, w)
    client = token_client(globex, "owner")
    assert client.get(f"/api/v1/decisions/{decision.uuid}").status_code == 404
    assert client.get("/api/v1/decisions").json()["count"] == 0
    assert Decision.objects.count() == 1
