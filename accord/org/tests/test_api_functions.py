"""Functions over the API: CRUD, validation, concurrency, search, history and query counts."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.org.models import Function, Person
from accord.workspaces.models import AuditEntry

JSON = "application/json"


@pytest.fixture
def admin(acme):
    return token_client(acme, "admin")


def test_list_functions_with_headcount_and_search(acme):
    client = token_client(acme, "viewer")
    body = client.get("/api/v1/functions").json()
    assert [(f["name"], f["headcount"]) for f in body["results"]] == [("Finance", 1), ("Sales", 1)]
    assert body["count"] == 2
    assert [f["name"] for f in client.get("/api/v1/functions?q=sal").json()["results"]] == ["Sales"]


def test_create_a_function_with_a_lead(acme, admin):
    response = admin.post(
        "/api/v1/functions",
        {"name": "Legal", "description": "Contracts", "lead": str(acme.alice.uuid)},
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["lead"] == {"id": str(acme.alice.uuid), "name": "Alice Archer"}
    assert body["headcount"] == 0
    assert response["ETag"] == '"1"'
    assert Function.objects.get(uuid=body["id"]).workspace == acme.workspace


def test_duplicate_function_name_is_a_field_error(admin):
    response = admin.post("/api/v1/functions", {"name": "sales"}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_blank_function_name_is_a_field_error(admin):
    response = admin.post("/api/v1/functions", {"name": "   "}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "name", "message": "Give the function a name.", "code": "invalid"}
    ]


def test_a_lead_from_another_workspace_is_refused(globex, admin):
    response = admin.post(
        "/api/v1/functions", {"name": "Legal", "lead": str(globex.alice.uuid)}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lead"


def test_unknown_lead_is_refused(admin):
    response = admin.post(
        "/api/v1/functions", {"name": "Legal", "lead": str(uuid.uuid4())}, content_type=JSON
    )
    assert response.status_code == 422


def test_members_cannot_create_functions(acme):
    response = token_client(acme, "member").post(
        "/api/v1/functions", {"name": "Legal"}, content_type=JSON
    )
    assert response.status_code == 403
    assert not Function.objects.filter(name="Legal").exists()


def test_get_function_carries_an_etag(acme):
    response = token_client(acme, "viewer").get(f"/api/v1/functions/{acme.sales.uuid}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["name"] == "Sales"


def test_rename_a_function(acme, admin):
    url = f"/api/v1/functions/{acme.sales.uuid}"
    response = admin.patch(url, {"name": "Revenue"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["name"] == "Revenue"
    assert response.json()["headcount"] == 1
    assert response["ETag"] == '"2"'
    entry = AuditEntry.objects.get(object_uuid=acme.sales.uuid, action="update")
    assert entry.changes == {"name": ["Sales", "Revenue"]}


def test_rename_with_a_stale_etag_is_412(acme, admin):
    url = f"/api/v1/functions/{acme.sales.uuid}"
    admin.patch(url, {"name": "Revenue"}, content_type=JSON)
    response = admin.patch(url, {"name": "Growth"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 412
    assert response["ETag"] == '"2"'
    acme.sales.refresh_from_db()
    assert acme.sales.name == "Revenue"


def test_rename_with_a_stale_version_field_is_409(acme, admin):
    url = f"/api/v1/functions/{acme.sales.uuid}"
    admin.patch(url, {"name": "Revenue"}, content_type=JSON)
    response = admin.patch(url, {"name": "Growth", "version": 1}, content_type=JSON)
    assert response.status_code == 409
    assert response.json()["current_version"] == 2


def test_clear_the_lead_with_null(acme, admin):
    acme.sales.lead = acme.alice
    acme.sales.save()
    response = admin.patch(
        f"/api/v1/functions/{acme.sales.uuid}", {"lead": None}, content_type=JSON
    )
    assert response.json()["lead"] is None


def test_delete_a_function_keeps_its_people(acme, admin):
    response = admin.delete(f"/api/v1/functions/{acme.sales.uuid}")
    assert response.status_code == 204
    assert not Function.objects.filter(pk=acme.sales.pk).exists()
    acme.alice.refresh_from_db()
    assert acme.alice.function is None


def test_delete_with_a_stale_etag_is_412(acme, admin):
    response = admin.delete(f"/api/v1/functions/{acme.sales.uuid}", headers={"If-Match": '"2"'})
    assert response.status_code == 412
    assert Function.objects.filter(pk=acme.sales.pk).exists()


def test_another_workspaces_function_is_404_for_every_method(acme, globex, admin):
    url = f"/api/v1/functions/{globex.sales.uuid}"
    assert admin.get(url).status_code == 404
    assert admin.patch(url, {"name": "Mine"}, content_type=JSON).status_code == 404
    assert admin.delete(url).status_code == 404
    assert admin.get(f"{url}/history").status_code == 404
    globex.sales.refresh_from_db()
    assert globex.sales.name == "Sales"


def test_function_history(acme, admin):
    admin.patch(f"/api/v1/functions/{acme.sales.uuid}", {"description": "Deals"}, content_type=JSON)
    body = admin.get(f"/api/v1/functions/{acme.sales.uuid}/history").json()
    assert body["count"] == 1
    assert body["results"][0]["changes"] == {"description": ["", "Deals"]}


def _list_queries(client):
    client.get("/api/v1/functions?limit=200")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/functions?limit=200").status_code == 200
    return len(queries)


def test_list_runs_the_same_number_of_queries_for_3_or_40_functions(acme, globex):
    def make(tenant, count):
        for n in range(count):
            lead = Person.objects.create(
                workspace=tenant.workspace, name=f"Lead {n}", email=f"lead{n}@x.test"
            )
            Function.objects.create(workspace=tenant.workspace, name=f"F{n:02}", lead=lead)

    make(acme, 1)  # acme has Sales and Finance already: 3 in all
    few = _list_queries(token_client(acme, "viewer"))
    make(globex, 38)
    many = _list_queries(token_client(globex, "viewer"))
    assert few == many
