"""Feedback over the API: only what the caller may read (never others' private feedback, not
even for admins), giving with field-named errors, reply, acted-on, share with If-Match and
version checks, withdraw, the caller's own balance, pagination, query counts, isolation."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.comms.models import Feedback
from accord.comms.tests.test_feedback_actions import SECRET, give, partnership_make, person_for

pytestmark = pytest.mark.django_db

VALIDATION = "https://accord.dev/problems/validation"


def send(client, method, path, body=None, **headers):
    return getattr(client, method)(
        path, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_giving_feedback_returns_it_with_location_and_etag(acme):
    person_for(acme, "member", name="Mia Member")
    client = token_client(acme, "member")
    response = send(
        client,
        "post",
        "/api/v1/feedback",
        {
            "to_person": str(acme.alice.uuid),
            "situation": "In the QBR",
            "behaviour": "You shared the churn numbers first",
            "impact": "We planned around facts",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["to"] == {"kind": "person", "id": str(acme.alice.uuid), "name": "Alice Archer"}
    assert body["giver"]["name"] == "Mia Member"
    assert body["visibility"] == "private"
    assert body["is_giver"] is True
    assert body["can_respond"] is False
    assert response["Location"].endswith(f"/api/v1/feedback/{body['id']}")
    assert response["ETag"] == '"1"'


def test_missing_fields_and_unknown_subjects_are_named(acme, globex):
    person_for(acme, "member")
    client = token_client(acme, "member")
    response = send(
        client,
        "post",
        "/api/v1/feedback",
        {"to_person": str(globex.alice.uuid), "situation": "", "behaviour": "", "impact": ""},
    )
    assert response.status_code == 422
    assert response.json()["type"] == VALIDATION
    assert {e["field"] for e in response.json()["errors"]} == {"to_person"}
    response = send(
        client,
        "post",
        "/api/v1/feedback",
        {"to_function": str(acme.sales.uuid), "situation": "", "behaviour": "", "impact": ""},
    )
    assert {e["field"] for e in response.json()["errors"]} == {"situation", "behaviour", "impact"}


def test_private_feedback_is_never_returned_to_admins_or_third_parties(acme):
    person_for(acme, "member")
    feedback = give(acme, to_person=acme.alice)
    for role in ("owner", "admin", "viewer"):
        client = token_client(acme, role)
        assert client.get(f"/api/v1/feedback/{feedback.uuid}").status_code == 404
        listing = client.get("/api/v1/feedback").content.decode()
        assert SECRET not in listing
        assert str(feedback.uuid) not in listing
    assert token_client(acme, "member").get("/api/v1/feedback").json()["count"] == 1


def test_the_receiver_replies_and_marks_acted_on_the_giver_shares(acme):
    person_for(acme, "member")
    receiver = person_for(acme, "admin", name="Ada Admin")
    feedback = give(acme, to_person=receiver)
    admin = token_client(acme, "admin")
    mine = admin.get("/api/v1/feedback?box=received").json()
    assert [r["id"] for r in mine["results"]] == [str(feedback.uuid)]
    assert mine["results"][0]["can_respond"] is True
    replied = send(admin, "post", f"/api/v1/feedback/{feedback.uuid}/reply", {"reply": "Noted."})
    assert replied.status_code == 200
    assert replied.json()["replied_by"]["name"] == "Ada Admin"
    stale = send(
        admin, "post", f"/api/v1/feedback/{feedback.uuid}/reply", {"reply": "x", "version": 1}
    )
    assert stale.status_code == 409
    acted = send(admin, "post", f"/api/v1/feedback/{feedback.uuid}/acted-on", {"acted_on": True})
    assert acted.json()["acted_on_at"] is not None
    refused = send(admin, "patch", f"/api/v1/feedback/{feedback.uuid}", {"visibility": "shared"})
    assert refused.status_code == 403

    member = token_client(acme, "member")
    wrong = send(
        member,
        "patch",
        f"/api/v1/feedback/{feedback.uuid}",
        {"visibility": "shared"},
        **{"If-Match": '"1"'},
    )
    assert wrong.status_code == 412
    shared = send(
        member,
        "patch",
        f"/api/v1/feedback/{feedback.uuid}",
        {"visibility": "shared"},
        **{"If-Match": acted["ETag"]},
    )
    assert shared.status_code == 200
    assert shared.json()["visibility"] == "shared"
    assert token_client(acme, "viewer").get(f"/api/v1/feedback/{feedback.uuid}").status_code == 200
    assert (
        send(member, "post", f"/api/v1/feedback/{feedback.uuid}/reply", {"reply": "x"}).status_code
        == 403
    )


def test_viewers_cannot_give_and_the_giver_withdraws(acme):
    person_for(acme, "viewer")
    person_for(acme, "member")
    refused = send(
        token_client(acme, "viewer"),
        "post",
        "/api/v1/feedback",
        {"to_person": str(acme.alice.uuid), "situation": "a", "behaviour": "b", "impact": "c"},
    )
    assert refused.status_code == 403
    feedback = give(acme, to_person=acme.alice)
    assert (
        token_client(acme, "owner").delete(f"/api/v1/feedback/{feedback.uuid}").status_code == 404
    )
    assert (
        token_client(acme, "member").delete(f"/api/v1/feedback/{feedback.uuid}").status_code == 204
    )
    assert not Feedback.objects.exists()


def test_the_balance_is_the_callers_own(acme):
    person_for(acme, "member", function=acme.sales)
    person_for(acme, "admin")
    give(acme, to_person=acme.bob)
    member = token_client(acme, "member").get("/api/v1/feedback/balance").json()
    assert member["given"] == 1
    assert member["by_function"] == [
        {"function": "Finance", "given": 1, "received": 0, "acted_on": 0}
    ]
    assert token_client(acme, "admin").get("/api/v1/feedback/balance").json()["given"] == 0


def test_shared_partnership_feedback_follows_the_partnerships_visibility(acme):
    person_for(acme, "member")
    hidden = partnership_make(acme, name="Secret", privacy="members")
    give(acme, to_partnership=hidden, visibility="shared")
    assert token_client(acme, "viewer").get("/api/v1/feedback?box=shared").json()["count"] == 0
    assert token_client(acme, "admin").get("/api/v1/feedback?box=shared").json()["count"] == 1


def test_list_query_count_is_constant_and_paginates(acme):
    me = person_for(acme, "member")
    other = person_for(acme, "admin", function=acme.finance)
    client = token_client(acme, "member")
    give(acme, to_person=other)
    client.get("/api/v1/feedback")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/feedback")
    for index in range(8):
        give(acme, to_person=other, situation=f"S{index}")
        give(acme, role="admin", to_person=me, visibility="shared")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/feedback?limit=5").json()
    assert len(many) == len(few)
    assert page["count"] == 17
    assert len(page["results"]) == 5
    assert page["next"]
    assert client.get("/api/v1/feedback?q=S3").json()["count"] == 1


def test_another_workspaces_feedback_is_404(acme, globex):
    person_for(acme, "member")
    feedback = give(acme, to_person=acme.alice, visibility="shared")
    client = token_client(globex, "owner")
    assert client.get(f"/api/v1/feedback/{feedback.uuid}").status_code == 404
    assert client.get("/api/v1/feedback").json()["count"] == 0
