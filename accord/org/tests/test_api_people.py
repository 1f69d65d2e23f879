"""People over the API: CRUD, validation, concurrency, filters, pages, history, query counts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.org.actions import person_skills_set
from accord.org.models import Person, Seniority
from accord.workspaces.models import AuditEntry

JSON = "application/json"


@pytest.fixture
def admin(acme):
    return token_client(acme, "admin")


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in response.json()["errors"]}


# --- create ---------------------------------------------------------------------------------


def test_admin_creates_a_person_with_references_and_skills(acme, admin):
    response = admin.post(
        "/api/v1/people",
        {
            "name": "Carol Chen",
            "email": "Carol@Acme.test",
            "title": "Controller",
            "seniority": Seniority.MANAGER,
            "function": str(acme.finance.uuid),
            "manager": str(acme.alice.uuid),
            "skills": [{"name": "Forecasting", "proficiency": 4}, {"name": "SQL"}],
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    carol = Person.objects.get(uuid=body["id"])
    assert carol.workspace == acme.workspace
    assert body["email"] == "carol@acme.test"
    assert body["function"] == {"id": str(acme.finance.uuid), "name": "Finance"}
    assert body["manager"] == {"id": str(acme.alice.uuid), "name": "Alice Archer"}
    assert body["seniority_label"] == "Manager"
    assert body["skills"] == [
        {"name": "Forecasting", "proficiency": 4},
        {"name": "SQL", "proficiency": 3},
    ]
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"/api/v1/people/{carol.uuid}"
    assert "pk" not in body
    assert AuditEntry.objects.filter(object_uuid=carol.uuid, action="create").exists()


def test_invalid_email_is_a_field_error(admin):
    response = admin.post("/api/v1/people", {"name": "Zed", "email": "zed"}, content_type=JSON)
    assert _errors(response) == {"email": "Enter a valid email address."}


def test_duplicate_email_is_a_field_error(acme, admin):
    response = admin.post(
        "/api/v1/people", {"name": "Alice Again", "email": "ALICE@acme.test"}, content_type=JSON
    )
    assert "already has alice@acme.test" in _errors(response)["email"]
    assert Person.objects.filter(workspace=acme.workspace).count() == 2


def test_the_same_email_may_exist_in_another_workspace(globex, admin):
    response = admin.post(
        "/api/v1/people", {"name": "Alice", "email": "alice@globex.test"}, content_type=JSON
    )
    assert response.status_code == 201


def test_unknown_function_id_is_a_field_error(admin):
    unknown = uuid.uuid4()
    response = admin.post(
        "/api/v1/people",
        {"name": "Zed", "email": "zed@acme.test", "function": str(unknown)},
        content_type=JSON,
    )
    assert _errors(response) == {"function": f"No function with id {unknown} in this workspace."}


def test_a_manager_from_another_workspace_is_a_field_error(acme, globex, admin):
    """Another workspace's person is unknown here: the id is refused, nothing leaks."""
    response = admin.post(
        "/api/v1/people",
        {
            "name": "Zed",
            "email": "zed@acme.test",
            "manager": str(globex.alice.uuid),
            "function": str(globex.sales.uuid),
        },
        content_type=JSON,
    )
    errors = _errors(response)
    assert set(errors) == {"manager", "function"}
    assert "Globex" not in response.content.decode()
    assert not Person.objects.filter(email="zed@acme.test").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": 12, "email": "zed@acme.test"}, "name"),
        ({"name": "Zed", "email": "zed@acme.test", "seniority": "high"}, "seniority"),
        ({"name": "Zed", "email": "zed@acme.test", "seniority": 9}, "seniority"),
        ({"name": "Zed", "email": "zed@acme.test", "function": "sales"}, "function"),
        ({"name": "Zed", "email": "zed@acme.test", "skills": "SQL"}, "skills"),
        (
            {"name": "Zed", "email": "zed@acme.test", "skills": [{"proficiency": 2}]},
            "skills.0.name",
        ),
        (
            {"name": "Zed", "email": "zed@acme.test", "skills": [{"name": "SQL"}, {"name": "sql"}]},
            "skills",
        ),
        ({"email": "zed@acme.test"}, "name"),
    ],
)
def test_invalid_payload_types_are_field_errors(admin, payload, field):
    assert field in _errors(admin.post("/api/v1/people", payload, content_type=JSON))
    assert not Person.objects.filter(email="zed@acme.test").exists()


def test_viewers_and_members_cannot_create(acme):
    for role in ("viewer", "member"):
        response = token_client(acme, role).post(
            "/api/v1/people", {"name": "Zed", "email": "zed@acme.test"}, content_type=JSON
        )
        assert response.status_code == 403
    assert not Person.objects.filter(email="zed@acme.test").exists()


# --- read -----------------------------------------------------------------------------------


def test_get_a_person_with_etag_and_reports(acme):
    response = token_client(acme, "viewer").get(f"/api/v1/people/{acme.alice.uuid}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["reports"] == [{"id": str(acme.bob.uuid), "name": "Bob Baker"}]
    assert body["version"] == 1


def test_another_workspaces_person_is_404(acme, globex):
    response = token_client(acme, "owner").get(f"/api/v1/people/{globex.alice.uuid}")
    assert response.status_code == 404
    assert "globex" not in response.content.decode().lower()


# --- update ---------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(acme, admin):
    response = admin.patch(
        f"/api/v1/people/{acme.bob.uuid}", {"title": "Senior Analyst"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    acme.bob.refresh_from_db()
    assert (acme.bob.title, acme.bob.email, acme.bob.manager_id) == (
        "Senior Analyst",
        "bob@acme.test",
        acme.alice.pk,
    )
    entry = AuditEntry.objects.get(object_uuid=acme.bob.uuid, action="update")
    assert entry.changes == {"title": ["Analyst", "Senior Analyst"]}
    assert entry.actor == acme.admin


def test_patch_null_clears_a_reference_but_not_a_required_field(acme, admin):
    url = f"/api/v1/people/{acme.bob.uuid}"
    assert admin.patch(url, {"manager": None}, content_type=JSON).json()["manager"] is None
    assert "name" in _errors(admin.patch(url, {"name": None}, content_type=JSON))


def test_patch_replaces_skills(acme, admin):
    person_skills_set(person=acme.bob, actor=None, skills={"Excel": 2, "SQL": 3})
    response = admin.patch(
        f"/api/v1/people/{acme.bob.uuid}",
        {"skills": [{"name": "SQL", "proficiency": 5}]},
        content_type=JSON,
    )
    assert response.json()["skills"] == [{"name": "SQL", "proficiency": 5}]


def test_patch_refuses_a_reporting_loop(acme, admin):
    response = admin.patch(
        f"/api/v1/people/{acme.alice.uuid}", {"manager": str(acme.bob.uuid)}, content_type=JSON
    )
    assert "loop" in _errors(response)["manager"]


def test_patch_with_a_stale_if_match_is_412_with_the_current_etag(acme, admin):
    """Two editors load version 1; the second write with If-Match "1" is refused."""
    url = f"/api/v1/people/{acme.bob.uuid}"
    etag = admin.get(url)["ETag"]
    first = admin.patch(url, {"title": "A"}, content_type=JSON, headers={"If-Match": etag})
    assert first.status_code == 200
    second = admin.patch(url, {"title": "B"}, content_type=JSON, headers={"If-Match": etag})
    assert second.status_code == 412
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["type"] == "https://accord.dev/problems/precondition-failed"
    assert second["ETag"] == '"2"'
    assert second.json()["current_version"] == 2
    acme.bob.refresh_from_db()
    assert acme.bob.title == "A"
    retried = admin.patch(url, {"title": "B"}, content_type=JSON, headers={"If-Match": '"2"'})
    assert retried.status_code == 200


def test_if_match_accepts_a_list_and_a_wildcard(acme, admin):
    url = f"/api/v1/people/{acme.bob.uuid}"
    ok = admin.patch(url, {"title": "A"}, content_type=JSON, headers={"If-Match": '"7", "1"'})
    assert ok.status_code == 200
    star = admin.patch(url, {"title": "B"}, content_type=JSON, headers={"If-Match": "*"})
    assert star.status_code == 200


def test_a_weak_if_match_never_matches(acme, admin):
    response = admin.patch(
        f"/api/v1/people/{acme.bob.uuid}",
        {"title": "A"},
        content_type=JSON,
        headers={"If-Match": 'W/"1"'},
    )
    assert response.status_code == 412


@pytest.mark.parametrize("header", ["1", '"1', "version-1", '"1" "2"'])
def test_a_malformed_if_match_is_400(acme, admin, header):
    response = admin.patch(
        f"/api/v1/people/{acme.bob.uuid}",
        {"title": "A"},
        content_type=JSON,
        headers={"If-Match": header},
    )
    assert response.status_code == 400
    assert response.json()["type"] == "https://accord.dev/problems/malformed-request"
    acme.bob.refresh_from_db()
    assert acme.bob.title == "Analyst"


def test_without_if_match_the_write_applies(acme, admin):
    """If-Match is optional (documented): the last write wins without it."""
    url = f"/api/v1/people/{acme.bob.uuid}"
    admin.patch(url, {"title": "A"}, content_type=JSON)
    assert admin.patch(url, {"title": "B"}, content_type=JSON).status_code == 200


def test_patch_with_a_stale_version_field_is_409(acme, admin):
    """A body `version` that is not the stored one is an edit conflict; nothing changes."""
    url = f"/api/v1/people/{acme.bob.uuid}"
    assert admin.patch(url, {"title": "A", "version": 1}, content_type=JSON).status_code == 200
    stale = admin.patch(url, {"title": "B", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["type"] == "https://accord.dev/problems/edit-conflict"
    assert stale.json()["current_version"] == 2
    assert stale["ETag"] == '"2"'
    acme.bob.refresh_from_db()
    assert acme.bob.title == "A"


def test_a_stale_version_field_guards_skill_only_changes_too(acme, admin):
    url = f"/api/v1/people/{acme.bob.uuid}"
    admin.patch(url, {"title": "A"}, content_type=JSON)
    stale = admin.patch(url, {"skills": [{"name": "SQL"}], "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    assert acme.bob.person_skills.count() == 0


def test_viewers_cannot_patch(acme):
    response = token_client(acme, "viewer").patch(
        f"/api/v1/people/{acme.bob.uuid}", {"title": "A"}, content_type=JSON
    )
    assert response.status_code == 403


# --- delete ---------------------------------------------------------------------------------


def test_admin_deletes_a_person(acme, admin):
    response = admin.delete(f"/api/v1/people/{acme.bob.uuid}")
    assert response.status_code == 204
    assert not Person.objects.filter(pk=acme.bob.pk).exists()
    assert AuditEntry.objects.filter(object_uuid=acme.bob.uuid, action="delete").exists()


def test_delete_honours_if_match(acme, admin):
    url = f"/api/v1/people/{acme.bob.uuid}"
    assert admin.delete(url, headers={"If-Match": '"9"'}).status_code == 412
    assert Person.objects.filter(pk=acme.bob.pk).exists()
    assert admin.delete(url, headers={"If-Match": '"1"'}).status_code == 204


def test_cannot_delete_another_workspaces_person(acme, globex, admin):
    assert admin.delete(f"/api/v1/people/{globex.bob.uuid}").status_code == 404
    assert Person.objects.filter(pk=globex.bob.pk).exists()


# --- lists ----------------------------------------------------------------------------------


def _names(response):
    assert response.status_code == 200, response.content
    return [person["name"] for person in response.json()["results"]]


def test_list_filters(acme, admin):
    carol = Person.objects.create(
        workspace=acme.workspace,
        name="Carol Chen",
        email="carol@acme.test",
        title="Designer",
        seniority=Seniority.SENIOR_IC,
        manager=acme.alice,
    )
    base = "/api/v1/people"
    assert _names(admin.get(f"{base}?q=analyst")) == ["Bob Baker"]
    assert _names(admin.get(f"{base}?q=CAROL@")) == ["Carol Chen"]
    assert _names(admin.get(f"{base}?function={acme.sales.uuid}")) == ["Alice Archer"]
    assert _names(admin.get(f"{base}?function=none")) == [carol.name]
    assert _names(admin.get(f"{base}?seniority=2")) == ["Carol Chen"]
    assert _names(admin.get(f"{base}?manager={acme.alice.uuid}")) == ["Bob Baker", "Carol Chen"]
    assert _names(admin.get(f"{base}?sort=-name")) == ["Carol Chen", "Bob Baker", "Alice Archer"]
    assert _names(admin.get(f"{base}?sort=-seniority"))[0] == "Alice Archer"
    assert admin.get(f"{base}?sort=salary").status_code == 422
    assert admin.get(f"{base}?seniority=7").status_code == 422


def test_list_paginates_with_limit_and_offset(acme, admin):
    Person.objects.bulk_create(
        Person(workspace=acme.workspace, name=f"Person {n:02}", email=f"p{n}@acme.test")
        for n in range(5)
    )
    first = admin.get("/api/v1/people?limit=3").json()
    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/people?limit=3&offset=3")
    second = admin.get(first["next"]).json()
    assert [p["name"] for p in second["results"]] == ["Person 01", "Person 02", "Person 03"]
    assert second["previous"].endswith("offset=0")
    last = admin.get("/api/v1/people?limit=3&offset=6").json()
    assert last["next"] is None
    assert len(last["results"]) == 1


def test_list_limit_defaults_to_50_and_caps_at_200(acme, admin):
    Person.objects.bulk_create(
        Person(workspace=acme.workspace, name=f"P{n:03}", email=f"p{n}@acme.test")
        for n in range(60)
    )
    assert len(admin.get("/api/v1/people").json()["results"]) == 50
    assert admin.get("/api/v1/people?limit=201").status_code == 422
    assert len(admin.get("/api/v1/people?limit=200").json()["results"]) == 62


def _make_people(acme, count):
    people = Person.objects.bulk_create(
        Person(
            workspace=acme.workspace,
            name=f"Q{n:03}",
            email=f"q{n}@acme.test",
            function=acme.sales if n % 2 else acme.finance,
            manager=acme.alice,
        )
        for n in range(count)
    )
    for person in people:
        person_skills_set(person=person, actor=None, skills={"SQL": 3, f"Skill {person.name}": 2})


def _list_queries(client, url):
    client.get(url)  # first use records the token's last use; measure a steady request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_runs_the_same_number_of_queries_for_3_or_40_people(acme, globex):
    """People with functions, managers and skills: no query per row."""
    _make_people(acme, 3)
    few = _list_queries(token_client(acme, "viewer"), "/api/v1/people?limit=200")
    _make_people(globex, 40)
    many = _list_queries(token_client(globex, "viewer"), "/api/v1/people?limit=200")
    assert few == many
    assert many <= 6


def test_history_lists_changes_newest_first(acme, admin):
    url = f"/api/v1/people/{acme.bob.uuid}"
    admin.patch(url, {"title": "A"}, content_type=JSON)
    admin.patch(url, {"title": "B"}, content_type=JSON)
    history = admin.get(f"{url}/history").json()
    assert history["count"] == 2
    newest = history["results"][0]
    assert newest["changes"] == {"title": ["A", "B"]}
    assert newest["action"] == "update"
    assert newest["actor"] == {"email": "admin@acme.test", "name": "Admin"}
    assert newest["object_type"] == "person"
    assert newest["object_id"] == str(acme.bob.uuid)


def test_history_of_another_workspaces_person_is_404(acme, globex):
    client = token_client(acme, "owner")
    assert client.get(f"/api/v1/people/{globex.bob.uuid}/history").status_code == 404
