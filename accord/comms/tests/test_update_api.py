"""Status updates over the API: list with filters and pagination, create with asks and
goals, get with asks, goal lines and read-by, patch with ETag/version, delete, answering,
comments, acknowledgements, needs-my-response, permissions, problem+json, isolation and
query counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.comms import update_actions as actions
from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate, UpdateComment
from accord.comms.tests.test_update_actions import update_make, world

pytestmark = pytest.mark.django_db

VALIDATION = "https://accord.dev/problems/validation"


def send(client, method, path, body=None, **headers):
    return getattr(client, method)(
        f"/api/v1{path}", json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_create_with_asks_and_goals_then_get_it_with_its_etag(acme):
    w = world(acme)
    client = token_client(acme, "member")
    response = send(
        client,
        "post",
        "/updates",
        {
            "partnership": w.partnership.slug,
            "rag": "amber",
            "progress": "Invoices faster; disputes still slow.",
            "blockers": "Dispute inbox has no owner.",
            "period_start": "2026-05-07",
            "period_end": "2026-05-13",
            "goals": [str(w.goal.uuid)],
            "asks": [
                {"text": "Name a dispute owner", "to_function": str(acme.finance.uuid)},
                {"text": "Sign off", "to_person": str(acme.alice.uuid)},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    update = StatusUpdate.objects.get()
    assert response["Location"].endswith(f"/api/v1/updates/{update.uuid}")
    assert response["ETag"] == '"1"'
    assert body["author"] == {"id": str(w.mia.uuid), "name": "Mia Member", "function": "Sales"}
    assert [a["state"] for a in body["asks"]] == ["open", "open"]
    assert body["asks"][0]["to_function"]["name"] == "Finance"
    assert body["goal_lines"][0]["title"] == "Cut DSO from 52 to 40 days"
    assert body["read_by"]["summary"] == "Read by 0 of 4 members — Finance 0/3, Sales 0/1"
    fetched = client.get(f"/api/v1/updates/{update.uuid}")
    assert fetched["ETag"] == '"1"'
    assert fetched.json()["blockers"] == "Dispute inbox has no owner."


def test_create_problems_name_the_fields(acme):
    w = world(acme)
    client = token_client(acme, "member")
    response = send(
        client,
        "post",
        "/updates",
        {
            "partnership": w.partnership.slug,
            "rag": "red",
            "progress": "",
            "asks": [{"text": "Who?", "to_person": "5e0c7a0e-9d4b-4c1e-8f0a-000000000000"}],
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == VALIDATION
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"asks.0.to_person"}
    response = send(
        client,
        "post",
        "/updates",
        {"partnership": w.partnership.slug, "rag": "red", "progress": ""},
    )
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"progress", "blockers"}
    response = send(
        client, "post", "/updates", {"partnership": "nope", "rag": "green", "progress": "x"}
    )
    assert response.json()["errors"][0]["field"] == "partnership"
    assert not StatusUpdate.objects.exists()


def test_viewers_cannot_post_and_non_members_are_refused(acme):
    w = world(acme)
    body = {"partnership": w.partnership.slug, "rag": "green", "progress": "x"}
    assert send(token_client(acme, "viewer"), "post", "/updates", body).status_code == 403
    w.partnership.members.filter(person=w.mia).delete()
    w.partnership.lead = None
    w.partnership.save()
    response = send(token_client(acme, "member"), "post", "/updates", body)
    assert response.status_code == 403
    assert response.json()["type"] == "https://accord.dev/problems/permission-denied"


def test_list_filters_and_paginates_with_constant_queries(acme):
    w = world(acme)
    client = token_client(acme, "viewer")
    update_make(acme, w, rag="amber")
    client.get("/api/v1/updates")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/updates")
    for index in range(6):
        update = update_make(
            acme,
            w,
            progress=f"W{index}",
            goals=[w.goal],
            asks=[actions.AskDraft(text="Q", to_function=acme.finance)],
        )
        Acknowledgement.objects.create(workspace=acme.workspace, update=update, person=w.vic)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/updates?limit=3").json()
    assert len(many) == len(few)
    assert page["count"] == 7
    assert len(page["results"]) == 3
    assert page["next"]
    first = page["results"][0]
    assert (first["read_count"], first["reader_total"], first["read_by_me"]) == (1, 4, True)
    assert client.get("/api/v1/updates?rag=amber").json()["count"] == 1
    assert client.get("/api/v1/updates?open_asks=true").json()["count"] == 6
    assert client.get(f"/api/v1/updates?partnership={w.partnership.slug}").json()["count"] == 7


def test_patch_with_if_match_and_version_and_only_by_the_author(acme):
    w = world(acme)
    update = update_make(acme, w)
    path = f"/api/v1/updates/{update.uuid}"
    admin = token_client(acme, "admin")
    assert (
        admin.patch(path, json.dumps({"rag": "amber"}), content_type="application/json").status_code
        == 403
    )
    author = token_client(acme, "member")
    stale = author.patch(
        path,
        json.dumps({"rag": "amber"}),
        content_type="application/json",
        headers={"If-Match": '"9"'},
    )
    assert stale.status_code == 412
    conflict = author.patch(
        path, json.dumps({"rag": "amber", "version": 9}), content_type="application/json"
    )
    assert conflict.status_code == 409
    response = author.patch(
        path,
        json.dumps({"rag": "amber", "goals": [str(w.goal.uuid)]}),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["rag"] == "amber"
    assert [g["title"] for g in response.json()["goals"]] == ["Cut DSO from 52 to 40 days"]
    refused = author.patch(path, json.dumps({"progress": None}), content_type="application/json")
    assert refused.status_code == 422


def test_delete_by_an_admin_and_history(acme):
    w = world(acme)
    update = update_make(acme, w)
    history = token_client(acme, "viewer").get(f"/api/v1/updates/{update.uuid}/history").json()
    assert history["results"][0]["action"] == "create"
    assert token_client(acme, "viewer").delete(f"/api/v1/updates/{update.uuid}").status_code == 403
    assert token_client(acme, "admin").delete(f"/api/v1/updates/{update.uuid}").status_code == 204
    assert not StatusUpdate.objects.exists()


def test_answer_an_ask_and_list_open_and_answered_asks(acme):
    w = world(acme)
    update = update_make(
        acme,
        w,
        asks=[
            actions.AskDraft(text="For Finance", to_function=acme.finance),
            actions.AskDraft(text="For Alice", to_person=acme.alice),
        ],
    )
    finance = update.asks.get(text="For Finance")
    admin = token_client(acme, "admin")
    assert [a["text"] for a in admin.get("/api/v1/asks?mine=true").json()["results"]] == [
        "For Finance"
    ]
    refused = send(
        token_client(acme, "owner"), "post", f"/asks/{finance.uuid}/answer", {"answer": "x"}
    )
    assert refused.status_code == 403
    empty = send(admin, "post", f"/asks/{finance.uuid}/answer", {"answer": " "})
    assert empty.json()["errors"][0]["field"] == "answer"
    response = send(admin, "post", f"/asks/{finance.uuid}/answer", {"answer": "Bob owns them."})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "answered"
    assert body["answered_by"]["name"] == "Ada Admin"
    assert body["update_id"] == str(update.uuid)
    viewer = token_client(acme, "viewer")
    assert [a["text"] for a in viewer.get("/api/v1/asks").json()["results"]] == ["For Alice"]
    answered = viewer.get("/api/v1/asks?state=answered").json()["results"]
    assert [a["text"] for a in answered] == ["For Finance"]
    assert viewer.get("/api/v1/asks?state=all").json()["count"] == 2
    again = send(admin, "post", f"/asks/{finance.uuid}/answer", {"answer": "again"})
    assert again.status_code == 422


def test_add_an_ask_to_an_update_as_its_author(acme):
    w = world(acme)
    update = update_make(acme, w)
    member = token_client(acme, "member")
    response = send(
        member,
        "post",
        f"/updates/{update.uuid}/asks",
        {"text": "One more", "to_person": str(w.ada.uuid)},
    )
    assert response.status_code == 201
    assert response.json()["to_person"]["name"] == "Ada Admin"
    other = send(
        token_client(acme, "admin"),
        "post",
        f"/updates/{update.uuid}/asks",
        {"text": "x", "to_person": str(w.ada.uuid)},
    )
    assert other.status_code == 403


def test_ask_list_query_count_does_not_grow(acme):
    w = world(acme)
    client = token_client(acme, "viewer")
    update_make(acme, w, asks=[actions.AskDraft(text="Q", to_person=acme.alice)])
    client.get("/api/v1/asks")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/asks")
    for index in range(5):
        update_make(
            acme,
            w,
            asks=[
                actions.AskDraft(text=f"P{index}", to_person=acme.alice),
                actions.AskDraft(text=f"F{index}", to_function=acme.sales),
            ],
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/asks").json()
    assert page["count"] == 11
    assert len(many) == len(few)


def test_comments_replies_and_their_list(acme):
    w = world(acme)
    update = update_make(acme, w)
    admin = token_client(acme, "admin")
    first = send(admin, "post", f"/updates/{update.uuid}/comments", {"body": "@Mia Member ERP?"})
    assert first.status_code == 201
    parent = first.json()["id"]
    reply = send(
        token_client(acme, "member"),
        "post",
        f"/updates/{update.uuid}/comments",
        {"body": "Fixed.", "parent": parent},
    )
    assert reply.json()["parent_id"] == parent
    bad = send(
        admin, "post", f"/updates/{update.uuid}/comments", {"body": "x", "parent": str(update.uuid)}
    )
    assert bad.json()["errors"][0]["field"] == "parent"
    assert (
        send(
            token_client(acme, "viewer"), "post", f"/updates/{update.uuid}/comments", {"body": "x"}
        ).status_code
        == 403
    )
    client = token_client(acme, "viewer")
    client.get(f"/api/v1/updates/{update.uuid}/comments")
    with CaptureQueriesContext(connection) as few:
        listed = client.get(f"/api/v1/updates/{update.uuid}/comments").json()
    assert [c["body"] for c in listed["results"]] == ["@Mia Member ERP?", "Fixed."]
    for index in range(5):
        actions.update_comment_add(
            membership=acme.membership("admin"),
            update=update,
            body=f"c{index}",
            parent=UpdateComment.objects.first(),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(f"/api/v1/updates/{update.uuid}/comments")
    assert len(few) == len(many)


def test_acknowledge_returns_the_read_by_and_counts_once(acme):
    w = world(acme)
    update = update_make(acme, w)
    client = token_client(acme, "viewer")
    response = send(client, "post", f"/updates/{update.uuid}/acknowledge")
    assert response.status_code == 200
    assert response.json()["summary"] == "Read by 1 of 4 members — Finance 1/3, Sales 0/1"
    send(client, "post", f"/updates/{update.uuid}/acknowledge")
    assert Acknowledgement.objects.count() == 1
    author = send(token_client(acme, "member"), "post", f"/updates/{update.uuid}/acknowledge")
    assert author.status_code == 403


def test_needs_my_response_lists_what_waits(acme):
    w = world(acme)
    update = update_make(acme, w, asks=[actions.AskDraft(text="For Ada", to_person=w.ada)])
    actions.update_comment_add(
        membership=acme.membership("member"), update=update, body="@Ada Admin look"
    )
    body = token_client(acme, "admin").get("/api/v1/needs-my-response").json()
    assert [a["text"] for a in body["asks"]] == ["For Ada"]
    assert [u["id"] for u in body["unread"]] == [str(update.uuid)]
    assert [c["body"] for c in body["mentions"]] == ["@Ada Admin look"]


def test_another_workspace_gets_404_for_every_update_endpoint(acme, globex):
    w = world(acme)
    update = update_make(acme, w, asks=[actions.AskDraft(text="Q", to_person=acme.alice)])
    ask = Ask.objects.get()
    client = token_client(globex, "owner")
    assert client.get("/api/v1/updates").json()["count"] == 0
    assert client.get("/api/v1/asks").json()["count"] == 0
    for path in (
        f"/updates/{update.uuid}",
        f"/updates/{update.uuid}/comments",
        f"/asks/{ask.uuid}",
    ):
        assert client.get(f"/api/v1{path}").status_code == 404
    for path in (
        f"/updates/{update.uuid}/acknowledge",
        f"/updates/{update.uuid}/comments",
        f"/asks/{ask.uuid}/answer",
    ):
        assert send(client, "post", path, {"body": "x", "answer": "x"}).status_code == 404
    assert client.delete(f"/api/v1/updates/{update.uuid}").status_code == 404
    assert (
        send(
            client,
            "post",
            "/updates",
            {"partnership": w.partnership.slug, "rag": "green", "progress": "x"},
        ).status_code
        == 422
    )
    assert StatusUpdate.objects.count() == 1


def test_members_only_partnerships_updates_are_404_for_non_members(acme):
    w = world(acme, privacy="members")
    update = update_make(acme, w)
    w.partnership.members.filter(person=w.vic).delete()
    client = token_client(acme, "viewer")
    assert client.get(f"/api/v1/updates/{update.uuid}").status_code == 404
    assert client.get("/api/v1/updates").json()["count"] == 0
