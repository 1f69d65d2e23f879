"""Knowledge over the API: skills directory, expert search, expertise with ETags, topics,
resources and learning with sign-ups — roles, validation, concurrency, pagination, isolation
and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.actions import token_create
from accord.api.testing import bearer_client, token_client
from accord.comms import knowledge_actions as actions
from accord.comms.models_knowledge import ExpertiseTopic, LearningSignup, Resource
from accord.comms.tests.test_knowledge_actions import (
    extra_member,
    learning_make,
    member_add,
    partnership_make,
    person_for,
    resource_make,
)
from accord.notifications.models import Event, Notification
from accord.org.actions import person_skills_set
from accord.org.models import Person, PersonSkill

pytestmark = pytest.mark.django_db

JSON = "application/json"
PROBLEM = "application/problem+json"


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def client_for(membership):
    _token, raw = token_create(membership=membership, actor=membership.user, name="Tests")
    return bearer_client(raw)


def count(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


# --- skills, experts, expertise, topics -----------------------------------------------------


def test_skills_directory_lists_holders_spread_and_functions(acme):
    person_skills_set(person=acme.alice, actor=None, skills={"SQL": 5, "Negotiation": 4})
    person_skills_set(person=acme.bob, actor=None, skills={"SQL": 2})
    body = token_client(acme, "viewer").get("/api/v1/knowledge/skills").json()
    assert body["count"] == 2
    sql = body["results"][0]
    assert sql["name"] == "SQL"
    assert sql["holders"] == 2
    assert sql["experts"] == 1
    assert sql["distribution"] == [0, 1, 0, 0, 1]
    assert {row["function"]["name"] for row in sql["by_function"]} == {"Sales", "Finance"}
    only = token_client(acme).get(f"/api/v1/knowledge/skills?function={acme.finance.uuid}")
    assert [row["name"] for row in only.json()["results"]] == ["SQL"]


def test_expert_search_ranks_and_filters_across_functions(acme):
    person_for(acme, "member", function=acme.sales)
    person_skills_set(person=acme.alice, actor=None, skills={"Pricing analysis": 5})
    person_skills_set(person=acme.bob, actor=None, skills={"Pricing analysis": 3})
    client = token_client(acme, "member")
    body = client.get("/api/v1/knowledge/experts?q=PRIC").json()
    assert [r["person"]["name"] for r in body["results"]] == ["Alice Archer", "Bob Baker"]
    assert body["results"][0]["skills"] == [{"name": "Pricing analysis", "proficiency": 5}]
    assert body["results"][0]["person"]["email"] == "alice@acme.test"
    across = client.get("/api/v1/knowledge/experts?q=pricing&function=others").json()
    assert [r["person"]["name"] for r in across["results"]] == ["Bob Baker"]
    strong = client.get("/api/v1/knowledge/experts?q=pricing&min_proficiency=4").json()
    assert strong["count"] == 1
    assert client.get("/api/v1/knowledge/experts?min_proficiency=9").status_code == 422


def test_expert_search_paginates_with_constant_queries(acme):
    client = token_client(acme, "viewer")
    person_skills_set(person=acme.alice, actor=None, skills={"SQL": 5})
    few, _ = count(client, "/api/v1/knowledge/experts?q=sql&limit=2")
    for n in range(12):
        person = Person.objects.create(
            workspace=acme.workspace, name=f"P{n:02d}", email=f"p{n}@acme.test"
        )
        person_skills_set(person=person, actor=None, skills={"SQL": 1 + n % 5})
    many, body = count(client, "/api/v1/knowledge/experts?q=sql&limit=2")
    assert few == many
    assert body["count"] == 13
    assert len(body["results"]) == 2
    assert "offset=2" in body["next"]


def test_expertise_get_and_put_with_etag_and_roles(acme):
    me = person_for(acme, "member")
    client = token_client(acme, "member")
    path = f"/api/v1/knowledge/people/{me.uuid}/expertise"
    first = client.get(path)
    assert first.json() == {
        "person": {
            "id": str(me.uuid),
            "name": "Member Person",
            "title": "",
            "email": "member@acme.test",
            "function": None,
        },
        "skills": [],
        "topics": [],
        "version": 1,
    }
    assert first["ETag"] == '"1"'
    response = client.put(
        path,
        {"skills": [{"name": "SQL", "proficiency": 4}], "topics": ["Data", "data"]},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["skills"] == [{"name": "SQL", "proficiency": 4}]
    assert body["topics"] == ["Data"]
    assert response["ETag"] == f'"{body["version"]}"'
    stale = client.put(path, {"topics": []}, content_type=JSON, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    conflict = client.put(path, {"topics": [], "version": 1}, content_type=JSON)
    assert conflict.status_code == 409
    only_topics = client.put(path, {"topics": ["Dashboards"]}, content_type=JSON).json()
    assert only_topics["skills"] == [{"name": "SQL", "proficiency": 4}]
    other = client.put(
        f"/api/v1/knowledge/people/{acme.alice.uuid}/expertise",
        {"topics": ["x"]},
        content_type=JSON,
    )
    assert other.status_code == 403
    viewer = token_client(acme, "viewer").put(path, {"topics": []}, content_type=JSON)
    assert viewer.status_code == 403
    admin = token_client(acme, "admin").put(
        f"/api/v1/knowledge/people/{acme.alice.uuid}/expertise",
        {"skills": [{"name": "Negotiation", "proficiency": 5}]},
        content_type=JSON,
    )
    assert admin.status_code == 200
    assert PersonSkill.objects.get(person=acme.alice).proficiency == 5


def test_expertise_validation_problems_name_the_field(acme):
    me = person_for(acme, "member")
    client = token_client(acme, "member")
    path = f"/api/v1/knowledge/people/{me.uuid}/expertise"
    errors = _errors(
        client.put(path, {"skills": [{"name": "SQL", "proficiency": 7}]}, content_type=JSON)
    )
    assert "skills.0.proficiency" in errors
    errors = _errors(
        client.put(
            path,
            {"skills": [{"name": "SQL", "proficiency": 3}, {"name": "sql", "proficiency": 2}]},
            content_type=JSON,
        )
    )
    assert errors["skills"] == "sql is listed twice."
    errors = _errors(client.put(path, {"topics": ["x" * 121]}, content_type=JSON))
    assert "120 characters" in errors["topics"]


def test_topics_list_add_and_delete(acme):
    me = person_for(acme, "member")
    client = token_client(acme, "member")
    created = client.post("/api/v1/knowledge/topics", {"topic": "Accruals"}, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["person"] == {"id": str(me.uuid), "name": "Member Person"}
    ExpertiseTopic.objects.create(workspace=acme.workspace, person=acme.bob, topic="Close")
    listed = token_client(acme, "viewer").get("/api/v1/knowledge/topics?q=accr").json()
    assert [t["topic"] for t in listed["results"]] == ["Accruals"]
    by_person = client.get(f"/api/v1/knowledge/topics?person={acme.bob.uuid}").json()
    assert [t["topic"] for t in by_person["results"]] == ["Close"]
    bob_topic = ExpertiseTopic.objects.get(person=acme.bob)
    assert client.delete(f"/api/v1/knowledge/topics/{bob_topic.uuid}").status_code == 403
    mine = created.json()["id"]
    assert client.delete(f"/api/v1/knowledge/topics/{mine}").status_code == 204
    refused = client.post(
        "/api/v1/knowledge/topics", {"topic": "x", "person": str(acme.bob.uuid)}, content_type=JSON
    )
    assert refused.status_code == 403


def test_topics_list_keeps_constant_queries(acme):
    client = token_client(acme, "viewer")
    ExpertiseTopic.objects.create(workspace=acme.workspace, person=acme.bob, topic="Close")
    few, _ = count(client, "/api/v1/knowledge/topics")
    for n in range(12):
        person = Person.objects.create(
            workspace=acme.workspace, name=f"P{n}", email=f"p{n}@acme.test"
        )
        ExpertiseTopic.objects.create(workspace=acme.workspace, person=person, topic=f"T{n}")
    many, body = count(client, "/api/v1/knowledge/topics")
    assert few == many
    assert body["count"] == 13


# --- resources ------------------------------------------------------------------------------


def test_resource_create_get_patch_delete(acme):
    partnership = partnership_make(acme)
    client = token_client(acme, "admin")
    response = client.post(
        "/api/v1/knowledge/resources",
        {
            "partnership": partnership.slug,
            "kind": "playbook",
            "title": "Order-to-cash playbook",
            "url": "https://wiki.example.com/o2c",
            "tags": ["Process", "Invoicing"],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tags"] == ["process", "invoicing"]
    assert body["partnership"]["slug"] == partnership.slug
    assert response["ETag"] == '"1"'
    path = response["Location"]
    assert path == f"/api/v1/knowledge/resources/{body['id']}"
    patched = client.patch(
        path, {"title": "O2C playbook"}, content_type=JSON, headers={"If-Match": '"1"'}
    )
    assert patched.status_code == 200
    assert patched["ETag"] == '"2"'
    stale = client.patch(path, {"title": "x"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.patch(path, {"title": "x", "version": 1}, content_type=JSON).status_code == 409
    assert client.delete(path).status_code == 204
    assert not Resource.objects.exists()


def test_resource_links_must_be_http_or_https(acme):
    partnership = partnership_make(acme)
    client = token_client(acme, "admin")
    errors = _errors(
        client.post(
            "/api/v1/knowledge/resources",
            {"partnership": partnership.slug, "title": "x", "url": "javascript:alert(1)"},
            content_type=JSON,
        )
    )
    assert "http:// or https://" in errors["url"]
    errors = _errors(
        client.post(
            "/api/v1/knowledge/resources",
            {"partnership": "nope", "title": "x", "url": "https://example.com"},
            content_type=JSON,
        )
    )
    assert errors["partnership"] == "No partnership “nope” you can see."


def test_resource_permissions_follow_the_partnership(acme):
    partnership = partnership_make(acme)
    person_for(acme, "member")
    member = token_client(acme, "member")
    payload = {"partnership": partnership.slug, "title": "x", "url": "https://example.com"}
    assert member.post("/api/v1/knowledge/resources", payload, content_type=JSON).status_code == 403
    viewer = token_client(acme, "viewer")
    assert viewer.post("/api/v1/knowledge/resources", payload, content_type=JSON).status_code == 403
    member_add(acme, partnership, person_for(acme, "member"))
    assert member.post("/api/v1/knowledge/resources", payload, content_type=JSON).status_code == 201
    theirs = resource_make(acme, partnership)
    assert member.delete(f"/api/v1/knowledge/resources/{theirs.uuid}").status_code == 403


def test_resource_list_filters_paginates_and_keeps_constant_queries(acme):
    partnership = partnership_make(acme)
    resource_make(acme, partnership, title="Margin dashboard", tags=["dashboard"])
    client = token_client(acme, "viewer")
    few, _ = count(client, "/api/v1/knowledge/resources?limit=3")
    for n in range(10):
        other = partnership_make(acme, name=f"P{n}")
        resource_make(acme, other, title=f"R{n}", tags=["x"])
    many, body = count(client, "/api/v1/knowledge/resources?limit=3")
    assert few == many
    assert body["count"] == 11
    assert len(body["results"]) == 3
    tagged = client.get("/api/v1/knowledge/resources?tag=dashboard").json()
    assert [r["title"] for r in tagged["results"]] == ["Margin dashboard"]
    scoped = client.get(f"/api/v1/knowledge/resources?partnership={partnership.slug}").json()
    assert scoped["count"] == 1


def test_private_partnership_resources_are_hidden_and_404(acme):
    private = partnership_make(acme, name="Secret", privacy="members")
    hidden = resource_make(acme, private)
    person_for(acme, "member")
    client = token_client(acme, "member")
    assert client.get("/api/v1/knowledge/resources").json()["count"] == 0
    assert client.get(f"/api/v1/knowledge/resources/{hidden.uuid}").status_code == 404


# --- learning -------------------------------------------------------------------------------


def test_learning_create_signup_notifies_the_host_and_fills(acme):
    host_membership, host = extra_member(acme, "Hana Host")
    host_client = client_for(host_membership)
    response = host_client.post(
        "/api/v1/knowledge/learning",
        {"kind": "shadowing", "title": "Shadow the close", "capacity": 1},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    opportunity = response.json()
    assert opportunity["host"]["name"] == "Hana Host"
    assert opportunity["status"] == "open"
    path = f"/api/v1/knowledge/learning/{opportunity['id']}"
    person_for(acme, "member", name="Mia Member")
    member = token_client(acme, "member")
    signup = member.post(f"{path}/signups", {"note": "Mondays"}, content_type=JSON)
    assert signup.status_code == 201, signup.content
    assert signup.json()["person"]["name"] == "Mia Member"
    notification = Notification.objects.get(event=Event.LEARNING)
    assert notification.recipient == host
    after = member.get(path)
    assert after.json()["status"] == "full"
    assert after.json()["places_taken"] == 1
    assert after.json()["signed_up"] is True
    assert after["ETag"] == '"2"'
    person_for(acme, "owner")
    full = token_client(acme, "owner").post(f"{path}/signups", {}, content_type=JSON)
    assert full.status_code == 422
    assert "Every place is taken" in full.json()["detail"]
    assert len(host_client.get(f"{path}/signups").json()["results"]) == 1
    assert token_client(acme, "owner").get(f"{path}/signups").json()["count"] == 1  # admin
    mine = signup.json()["id"]
    assert member.delete(f"{path}/signups/{mine}").status_code == 204
    assert member.get(path).json()["status"] == "open"


def test_only_your_own_signup_is_listed_unless_you_manage(acme):
    opportunity = learning_make(acme, capacity=5)
    person_for(acme, "member")
    actions.learning_signup(membership=acme.membership("member"), opportunity=opportunity)
    other_membership, _ = extra_member(acme, "Olly Other")
    actions.learning_signup(membership=other_membership, opportunity=opportunity)
    listed = token_client(acme, "member").get(
        f"/api/v1/knowledge/learning/{opportunity.uuid}/signups"
    )
    assert listed.json()["count"] == 1
    theirs = LearningSignup.objects.get(person__name="Olly Other")
    response = token_client(acme, "member").delete(
        f"/api/v1/knowledge/learning/{opportunity.uuid}/signups/{theirs.uuid}"
    )
    assert response.status_code == 404


def test_learning_patch_close_reopen_and_roles(acme):
    opportunity = learning_make(acme, capacity=2)
    path = f"/api/v1/knowledge/learning/{opportunity.uuid}"
    admin = token_client(acme, "admin")
    patched = admin.patch(path, {"capacity": 3, "starts_on": "2026-06-01"}, content_type=JSON)
    assert patched.status_code == 200, patched.content
    assert patched.json()["capacity"] == 3
    errors = _errors(admin.patch(path, {"ends_on": "2026-05-01"}, content_type=JSON))
    assert "ends_on" in errors
    assert admin.post(f"{path}/close").json()["status"] == "closed"
    assert admin.post(f"{path}/reopen").json()["status"] == "open"
    person_for(acme, "member")
    member = token_client(acme, "member")
    assert member.patch(path, {"title": "x"}, content_type=JSON).status_code == 403
    assert member.post(f"{path}/close").status_code == 403
    assert (
        token_client(acme, "viewer").post(f"{path}/signups", {}, content_type=JSON).status_code
        == 403
    )
    stale = admin.patch(path, {"title": "x"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert stale.status_code == 412


def test_members_cannot_name_another_host(acme):
    person_for(acme, "member")
    errors = _errors(
        token_client(acme, "member").post(
            "/api/v1/knowledge/learning",
            {"kind": "talk", "title": "x", "host": str(acme.alice.uuid)},
            content_type=JSON,
        )
    )
    assert "host" in errors


def test_learning_list_keeps_constant_queries(acme):
    person_for(acme, "member")
    client = token_client(acme, "member")
    learning_make(acme)
    few, _ = count(client, "/api/v1/knowledge/learning")
    for n in range(10):
        opportunity = learning_make(acme, title=f"O{n}", capacity=3)
        membership, _ = extra_member(acme, f"Learner{n} L")
        actions.learning_signup(membership=membership, opportunity=opportunity)
    many, body = count(client, "/api/v1/knowledge/learning")
    assert few == many
    assert body["count"] == 11


def test_another_workspaces_records_are_404(acme, globex):
    foreign_resource = resource_make(globex, partnership_make(globex))
    foreign_learning = learning_make(globex)
    client = token_client(acme, "owner")
    assert client.get(f"/api/v1/knowledge/resources/{foreign_resource.uuid}").status_code == 404
    assert client.get(f"/api/v1/knowledge/learning/{foreign_learning.uuid}").status_code == 404
    assert (
        client.post(
            f"/api/v1/knowledge/learning/{foreign_learning.uuid}/signups", {}, content_type=JSON
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/knowledge/people/{globex.alice.uuid}/expertise").status_code == 404
    assert client.get("/api/v1/knowledge/resources").json()["count"] == 0
    assert client.get("/api/v1/knowledge/learning").json()["count"] == 0
    assert client.get("/api/v1/knowledge/experts?q=a").json()["count"] == 0
