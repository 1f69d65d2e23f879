"""Survey cycles, invitations and answering over the API."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.api.testing import token_client
from accord.surveys import instruments as builtin
from accord.surveys.models import Cycle, Response
from accord.surveys.tests.test_cycle_support import (
    draft_make,
    instrument_of,
    opened_make,
    team_build,
    token_of,
)

pytestmark = pytest.mark.django_db

VALIDATION = "https://accord.dev/problems/validation"
HOUR_AGO = {"now": timezone.now() - datetime.timedelta(hours=1)}


def post(client, path, body=None, **headers):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **headers)


def patch(client, path, body, **headers):
    return client.patch(path, json.dumps(body), content_type="application/json", **headers)


def test_the_list_pages_in_a_constant_number_of_queries(acme):
    team = team_build(acme)
    client = token_client(acme, "viewer")
    opened_make(team, **HOUR_AGO)
    client.get("/api/v1/survey-cycles")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/survey-cycles")
    for number in range(5):
        opened_make(team, title=f"Pulse {number}", **HOUR_AGO)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/survey-cycles?limit=3").json()
    assert len(many) == len(few)
    assert page["count"] == 6
    assert len(page["results"]) == 3
    first = page["results"][0]
    assert first["invited"] == 8
    assert first["responded"] == 0
    assert first["instrument"]["kind"] == "coordination"
    assert client.get("/api/v1/survey-cycles?q=pulse 4").json()["count"] == 1
    assert client.get("/api/v1/survey-cycles?status=draft").json()["count"] == 0


def test_create_patch_open_and_close(acme):
    team = team_build(acme)
    instrument = instrument_of(acme, builtin.PSYCH_SAFETY_KEY)
    client = token_client(acme, "admin")
    start = timezone.now() - datetime.timedelta(minutes=5)
    created = post(
        client,
        "/api/v1/survey-cycles",
        {
            "title": "Safety check",
            "instrument": str(instrument.uuid),
            "partnership": team.partnership.slug,
            "opens_at": start.isoformat(),
            "closes_at": (start + datetime.timedelta(days=10)).isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["min_group"] == 5
    assert body["min_comments"] == 10
    assert [q["key"] for q in body["questions"]][1] == "mistakes_remembered"
    assert {f["name"] for f in body["target_functions"]} == {"Sales", "Finance", "Operations"}
    path = f"/api/v1/survey-cycles/{body['id']}"
    etag = created["ETag"]
    stale = patch(client, path, {"min_group": 6}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    changed = patch(client, path, {"min_group": 6, "min_comments": 12}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["min_group"] == 6
    opened = post(client, f"{path}/open")
    assert opened.status_code == 200
    assert opened.json()["invited"] == 8
    assert opened.json()["cycle"]["frozen_at"]
    frozen = patch(client, path, {"min_group": 3})
    assert frozen.status_code == 422
    assert frozen.json()["errors"][0]["field"] == "min_group"
    assert "frozen" in frozen.json()["errors"][0]["message"]
    assert (
        patch(client, path, {"title": "Safety check (spring)"}).json()["title"].endswith("(spring)")
    )
    closed = post(client, f"{path}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"


def test_k_below_three_is_a_422_naming_the_field(acme):
    team = team_build(acme)
    start = timezone.now()
    response = post(
        token_client(acme, "admin"),
        "/api/v1/survey-cycles",
        {
            "title": "Tiny",
            "instrument": str(instrument_of(acme).uuid),
            "partnership": team.partnership.slug,
            "opens_at": start.isoformat(),
            "closes_at": (start + datetime.timedelta(days=3)).isoformat(),
            "min_group": 2,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "min_group"


def test_members_and_viewers_cannot_create_or_manage(acme):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    start = timezone.now()
    body = {
        "title": "Mine",
        "instrument": str(instrument_of(acme).uuid),
        "partnership": team.partnership.slug,
        "opens_at": start.isoformat(),
        "closes_at": (start + datetime.timedelta(days=3)).isoformat(),
    }
    assert post(token_client(acme, "member"), "/api/v1/survey-cycles", body).status_code == 403
    assert post(token_client(acme, "viewer"), "/api/v1/survey-cycles", body).status_code == 403
    member = token_client(acme, "member")
    assert post(member, f"/api/v1/survey-cycles/{cycle.uuid}/close").status_code == 403
    assert member.get(f"/api/v1/survey-cycles/{cycle.uuid}/response-rates").status_code == 403


def test_response_rates_for_managers(acme):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    rates = token_client(acme, "admin").get(f"/api/v1/survey-cycles/{cycle.uuid}/response-rates")
    body = rates.json()
    assert body["invited"] == 8
    assert body["responded"] == 0
    assert {row["function"] for row in body["by_function"]} == {"Sales", "Finance", "Operations"}


def test_answering_by_token_without_an_account(acme):
    """201 with no id; a second answer 409 with the kind message; unknown token 404."""
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    person = team.person("Sales", 0)
    token = token_of(person, cycle)
    finance = str(team.functions["Finance"].uuid)
    body = {
        "token": token,
        "answers": [
            {"item": "frequent", "target": finance, "position": 3},
            {"item": "mutual_respect", "target": finance, "position": 5},
        ],
    }
    anonymous = Client()
    first = post(anonymous, "/api/v1/survey-responses", body)
    assert first.status_code == 201
    assert first.json() == {
        "received": True,
        "detail": "Thank you — your answers are saved, anonymously.",
    }
    assert Response.objects.filter(cycle=cycle).count() == 1
    second = post(anonymous, "/api/v1/survey-responses", body)
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["detail"] == "You have already answered this survey — thank you."
    assert second.json()["type"].endswith("/already-answered")
    unknown = post(anonymous, "/api/v1/survey-responses", {**body, "token": "nope"})
    assert unknown.status_code == 401
    assert "No survey matches this token" in unknown.json()["detail"]
    assert post(anonymous, "/api/v1/survey-responses", {"answers": []}).status_code == 401


def test_out_of_range_answers_are_a_422_listing_each_one(acme):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    token = token_of(team.person("Finance", 0), cycle)
    sales = str(team.functions["Sales"].uuid)
    own = str(team.functions["Finance"].uuid)
    response = post(
        Client(),
        "/api/v1/survey-responses",
        {
            "token": token,
            "answers": [
                {"item": "frequent", "target": sales, "position": 3},
                {"item": "timely", "target": sales, "position": 9},
                {"item": "accurate", "target": own, "position": 2},
                {"item": "shared_goals", "position": 2},
                {"item": "made_up", "position": 1},
            ],
        },
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == VALIDATION
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert set(fields) == {
        "answers.1.position",
        "answers.2.target",
        "answers.3.target",
        "answers.4.item",
    }
    assert "1 to 5" in fields["answers.1.position"]
    assert not Response.objects.exists()


def test_a_closed_cycle_refuses_answers_with_a_409(acme):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    token = token_of(team.people[0], cycle)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    response = post(
        Client(),
        "/api/v1/survey-responses",
        {"token": token, "answers": [{"item": "frequent", "position": 3}]},
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert response.json()["type"].endswith("/survey-not-open")


def test_my_invitations_and_answering_in_app(acme):
    team = team_build(acme)
    acme.bob.user = acme.member
    acme.bob.save(update_fields=["user"])
    cycle = draft_make(team, functions=[acme.sales, acme.finance], **HOUR_AGO)
    from accord.surveys.cycle_actions import cycle_open

    cycle_open(cycle=cycle, membership=acme.membership("admin"))
    client = token_client(acme, "member")
    mine = client.get("/api/v1/survey-invitations").json()
    assert len(mine) == 1
    assert mine[0]["responded"] is False
    assert mine[0]["function"]["name"] == "Finance"
    assert [t["name"] for t in mine[0]["targets"]] == ["Sales"]
    path = f"/api/v1/survey-cycles/{cycle.uuid}/responses"
    sales = str(acme.sales.uuid)
    answered = post(client, path, {"answers": [{"item": "timely", "target": sales, "position": 4}]})
    assert answered.status_code == 201
    again = post(client, path, {"answers": [{"item": "timely", "target": sales, "position": 4}]})
    assert again.status_code == 409
    assert client.get("/api/v1/survey-invitations").json()[0]["responded"] is True
    outsider = token_client(acme, "viewer")
    refused = post(
        outsider, path, {"answers": [{"item": "timely", "target": sales, "position": 4}]}
    )
    assert refused.status_code == 403


def test_another_workspace_gets_404(acme, globex):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    client = token_client(globex, "owner")
    assert client.get(f"/api/v1/survey-cycles/{cycle.uuid}").status_code == 404
    assert post(client, f"/api/v1/survey-cycles/{cycle.uuid}/close").status_code == 404
    assert client.get("/api/v1/survey-cycles").json()["count"] == 0


def test_my_invitations_list_in_a_constant_number_of_queries(acme):
    team = team_build(acme)
    person = team.person("Sales", 0)
    person.user = acme.member
    person.save(update_fields=["user"])
    client = token_client(acme, "member")
    opened_make(team, **HOUR_AGO)
    client.get("/api/v1/survey-invitations")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/survey-invitations")
    for number in range(3):
        opened_make(team, title=f"Pulse {number}", **HOUR_AGO)
    with CaptureQueriesContext(connection) as many:
        mine = client.get("/api/v1/survey-invitations").json()
    assert len(mine) == 4
    assert len(many) == len(few)


def test_the_token_may_travel_in_a_header(acme):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    token = token_of(team.person("Sales", 1), cycle)
    finance = str(team.functions["Finance"].uuid)
    response = post(
        Client(),
        "/api/v1/survey-responses",
        {"answers": [{"item": "accurate", "target": finance, "position": 2}]},
        HTTP_X_SURVEY_TOKEN=token,
    )
    assert response.status_code == 201
