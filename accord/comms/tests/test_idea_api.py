"""Ideas over the API: propose, read with votes (voters null when anonymous), vote and take
it back, comments, edit with If-Match, stage moves with adoption into a goal, origins,
pagination, query counts and isolation."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.comms import idea_actions as actions
from accord.comms.models import Idea
from accord.comms.tests.test_feedback_actions import partnership_make, person_for
from accord.comms.tests.test_idea_actions import propose, team
from accord.goals.models import Goal

pytestmark = pytest.mark.django_db


def send(client, method, path, body=None, **headers):
    return getattr(client, method)(
        path, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_proposing_an_idea(acme, globex):
    partnership, _, _ = team(acme)
    client = token_client(acme, "member")
    bad = send(
        client,
        "post",
        "/api/v1/ideas",
        {
            "partnership": partnership.slug,
            "title": "",
            "problem": "",
            "proposal": "x",
            "functions": [str(globex.sales.uuid)],
        },
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"functions"}
    response = send(
        client,
        "post",
        "/api/v1/ideas",
        {
            "partnership": partnership.slug,
            "title": "Weekly margin digest",
            "problem": "Sales learns about margin too late.",
            "proposal": "Finance emails a digest every Monday.",
            "functions": [str(acme.finance.uuid)],
            "anonymous_voting": True,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "proposed"
    assert body["crosses_functions"] is True  # a Sales author, Finance involved
    assert body["voters"] is None
    assert body["vote_count"] == 0
    assert response["ETag"] == '"1"'
    outsider = send(
        token_client(acme, "viewer"), "post", "/api/v1/ideas", {**body, "partnership": "x"}
    )
    assert outsider.status_code in (403, 422)


def test_voting_shows_voters_only_when_voting_is_not_anonymous(acme):
    partnership, _, _ = team(acme)
    open_idea = propose(acme, partnership, title="Open")
    secret = propose(acme, partnership, title="Secret", anonymous_voting=True)
    admin = token_client(acme, "admin")
    for idea in (open_idea, secret):
        voted = send(admin, "put", f"/api/v1/ideas/{idea.uuid}/vote", {"voted": True})
        assert voted.json() == {"voted": True, "vote_count": 1}
    listing = {
        i["title"]: i for i in token_client(acme, "viewer").get("/api/v1/ideas").json()["results"]
    }
    assert [v["name"] for v in listing["Open"]["voters"]] == ["Ada Admin"]
    assert listing["Secret"]["voters"] is None
    assert listing["Secret"]["vote_count"] == 1
    assert (
        "Ada Admin"
        not in token_client(acme, "viewer").get(f"/api/v1/ideas/{secret.uuid}").content.decode()
    )
    back = send(admin, "put", f"/api/v1/ideas/{secret.uuid}/vote", {"voted": False})
    assert back.json() == {"voted": False, "vote_count": 0}
    own = send(token_client(acme, "member"), "put", f"/api/v1/ideas/{secret.uuid}/vote", {})
    assert own.status_code == 422


def test_comments(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    admin = token_client(acme, "admin")
    created = send(admin, "post", f"/api/v1/ideas/{idea.uuid}/comments", {"body": "Count me in."})
    assert created.status_code == 201
    assert created.json()["author"]["name"] == "Ada Admin"
    listed = token_client(acme, "viewer").get(f"/api/v1/ideas/{idea.uuid}/comments").json()
    assert [c["body"] for c in listed["results"]] == ["Count me in."]
    refused = send(
        token_client(acme, "viewer"), "post", f"/api/v1/ideas/{idea.uuid}/comments", {"body": "x"}
    )
    assert refused.status_code == 403


def test_editing_with_if_match_and_anonymity_that_cannot_be_undone(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership, anonymous_voting=True)
    actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=True)
    member = token_client(acme, "member")
    stale = send(
        member, "patch", f"/api/v1/ideas/{idea.uuid}", {"title": "x"}, **{"If-Match": '"5"'}
    )
    assert stale.status_code == 412
    ok = send(
        member,
        "patch",
        f"/api/v1/ideas/{idea.uuid}",
        {"title": "Sharper title", "functions": [str(acme.sales.uuid)]},
        **{"If-Match": '"1"'},
    )
    assert ok.status_code == 200
    assert ok.json()["title"] == "Sharper title"
    assert [f["name"] for f in ok.json()["functions"]] == ["Sales"]
    refused = send(member, "patch", f"/api/v1/ideas/{idea.uuid}", {"anonymous_voting": False})
    assert refused.status_code == 422


def test_the_lead_moves_an_idea_and_adopts_it_into_a_new_goal(acme):
    partnership, _, member = team(acme)
    idea = propose(acme, partnership)
    assert (
        send(
            token_client(acme, "member"),
            "post",
            f"/api/v1/ideas/{idea.uuid}/stage",
            {"stage": "discussing"},
        ).status_code
        == 403
    )
    lead = token_client(acme, "admin")
    missing = send(lead, "post", f"/api/v1/ideas/{idea.uuid}/stage", {"stage": "experiment"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "experiment"
    running = send(
        lead,
        "post",
        f"/api/v1/ideas/{idea.uuid}/stage",
        {"stage": "experiment", "experiment": "Four weeks in the EU team."},
    )
    assert running.json()["stage"] == "experiment"
    adopted = send(
        lead,
        "post",
        f"/api/v1/ideas/{idea.uuid}/stage",
        {
            "stage": "adopted",
            "outcome": "Rework halved.",
            "new_goal": {"owner": str(member.uuid), "due_date": "2027-06-30"},
            "version": 2,
        },
    )
    assert adopted.status_code == 200, adopted.content
    goal = Goal.objects.get()
    assert adopted.json()["goal"] == {"id": str(goal.uuid), "title": "One quote template"}
    assert adopted.json()["stage"] == "adopted"


def test_origins_endpoint(acme):
    partnership, _, _ = team(acme)
    propose(acme, partnership, functions=[acme.finance])
    body = token_client(acme, "viewer").get("/api/v1/ideas/origins").json()
    assert body["total"] == 1
    assert body["crossing"] == 1
    assert body["by_function"] == [{"label": "Sales", "ideas": 1, "crossing": 1}]


def test_list_filters_query_count_and_pagination(acme):
    partnership, _, _ = team(acme)
    client = token_client(acme, "viewer")
    propose(acme, partnership, functions=[acme.sales])
    client.get("/api/v1/ideas")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/ideas")
    for index in range(8):
        idea = propose(acme, partnership, title=f"Idea {index}", functions=[acme.finance])
        actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=True)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/ideas?limit=3").json()
    assert len(many) == len(few)
    assert page["count"] == 9
    assert len(page["results"]) == 3
    assert page["results"][0]["vote_count"] == 1
    assert client.get("/api/v1/ideas?stage=adopted").json()["count"] == 0
    assert client.get(f"/api/v1/ideas?function={acme.finance.uuid}").json()["count"] == 8


def test_hidden_and_foreign_ideas_answer_404(acme, globex):
    lead = person_for(acme, "admin")
    hidden = partnership_make(acme, name="Secret", privacy="members", lead=lead)
    idea = propose(acme, hidden, role="admin")
    assert token_client(acme, "viewer").get(f"/api/v1/ideas/{idea.uuid}").status_code == 404
    foreign = token_client(globex, "owner")
    assert foreign.get(f"/api/v1/ideas/{idea.uuid}").status_code == 404
    assert send(foreign, "put", f"/api/v1/ideas/{idea.uuid}/vote", {}).status_code == 404
    assert Idea.objects.count() == 1
