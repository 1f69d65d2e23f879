"""Every API error is a problem document (RFC 9457) with a stable type."""

import pytest
from django.test import Client

from accord.api.testing import token_client

PROBLEM = "application/problem+json"
BASE = "https://accord.dev/problems/"


@pytest.fixture
def admin(acme):
    return token_client(acme, "admin")


def _assert_problem(response, status, kind):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == BASE + kind
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


def test_schema_errors_name_each_field(admin):
    """Wrong types and missing fields are 422 with one entry per field."""
    response = admin.post(
        "/api/v1/people",
        {"email": 12, "seniority": "senior", "skills": [{"name": "SQL", "proficiency": 9}]},
        content_type="application/json",
    )
    body = _assert_problem(response, 422, "validation")
    fields = {error["field"] for error in body["errors"]}
    assert {"name", "email", "seniority", "skills.0.proficiency"} <= fields
    assert all(error["message"] for error in body["errors"])


def test_action_validation_errors_use_the_field_names(admin):
    """Rules checked by the actions (a valid email) come back under the payload's field."""
    response = admin.post(
        "/api/v1/people",
        {"name": "Zed", "email": "not-an-email"},
        content_type="application/json",
    )
    body = _assert_problem(response, 422, "validation")
    assert body["errors"] == [
        {"field": "email", "message": "Enter a valid email address.", "code": "invalid"}
    ]


def test_query_parameter_errors_are_422(admin):
    body = _assert_problem(admin.get("/api/v1/people?limit=0"), 422, "validation")
    assert body["errors"][0]["field"] == "limit"


def test_malformed_json_is_400(admin):
    response = admin.post("/api/v1/functions", "{nope", content_type="application/json")
    _assert_problem(response, 400, "malformed-request")


def test_a_json_body_that_is_not_an_object_is_422(admin):
    response = admin.post("/api/v1/functions", "[1, 2]", content_type="application/json")
    _assert_problem(response, 422, "validation")


def test_unknown_and_malformed_ids_are_404(admin):
    """A malformed id is as unknown as a foreign one."""
    _assert_problem(admin.get("/api/v1/people/not-a-uuid"), 404, "not-found")
    _assert_problem(
        admin.get("/api/v1/people/00000000-0000-4000-8000-000000000000"), 404, "not-found"
    )


def test_unknown_api_paths_are_404_problems(admin):
    _assert_problem(admin.get("/api/v1/no-such-thing"), 404, "not-found")
    _assert_problem(Client().delete("/api/v1/no/such/thing"), 404, "not-found")


def test_insufficient_role_is_403(acme):
    response = token_client(acme, "viewer").delete(f"/api/v1/people/{acme.bob.uuid}")
    _assert_problem(response, 403, "permission-denied")


def test_unhandled_errors_are_500_problems_without_internals(acme, monkeypatch):
    """A bug answers a generic 500 problem; the traceback goes to the log, not the client."""
    from accord.org import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(selectors, "function_list", broken)
    client = token_client(acme, "viewer", raise_request_exception=False)
    response = client.get("/api/v1/functions")
    body = _assert_problem(response, 500, "server-error")
    assert "secret" not in response.content.decode()
    assert "Traceback" not in body["detail"]


def test_problem_types_are_documented_on_the_docs_page(db):
    page = Client().get("/api/v1/docs").content.decode()
    for kind in ["validation", "not-found", "precondition-failed", "edit-conflict"]:
        assert BASE + kind in page


def test_a_method_the_path_does_not_have_is_a_405_problem(admin):
    response = admin.put("/api/v1/people", {}, content_type="application/json")
    body = _assert_problem(response, 405, "method-not-allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert "PUT" in body["detail"]
