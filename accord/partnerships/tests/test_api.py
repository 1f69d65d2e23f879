"""Partnerships over the API: CRUD, validation, concurrency, lifecycle, members, privacy,
roles, tenancy and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.org.models import Function
from accord.partnerships import actions
from accord.partnerships.models import Partnership, PartnershipMember, StatusChange
from accord.partnerships.tests.helpers import goals_add, members_add, partnership_make, person_for

JSON = "application/json"
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(acme):
    return token_client(acme, "admin")


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def _payload(acme, **changes):
    body = {
        "name": "Quote to cash",
        "purpose": "Faster quotes",
        "functions": [str(acme.sales.uuid), str(acme.finance.uuid)],
        "lead": str(acme.alice.uuid),
        "sponsor": str(acme.bob.uuid),
        "start_date": "2026-01-01",
        "problem": "Quotes take two weeks.",
    }
    body.update(changes)
    return body


# --- create ---------------------------------------------------------------------------------


def test_member_creates_a_partnership(acme):
    client = token_client(acme, "member")
    response = client.post("/api/v1/partnerships", _payload(acme), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "quote-to-cash"
    assert body["status"] == "proposed"
    assert body["allowed_moves"] == ["closed", "forming"]
    assert [f["name"] for f in body["functions"]] == ["Finance", "Sales"]
    assert body["lead"] == {"id": str(acme.alice.uuid), "name": "Alice Archer"}
    assert body["problem"] == "Quotes take two weeks."
    assert body["privacy"] == "workspace"
    assert response["ETag"] == '"1"'
    assert response["Location"] == "/api/v1/partnerships/quote-to-cash"
    assert StatusChange.objects.get().changed_by == acme.member


def test_one_function_is_a_problem_on_functions(acme, admin):
    response = admin.post(
        "/api/v1/partnerships", _payload(acme, functions=[str(acme.sales.uuid)]), content_type=JSON
    )
    assert _errors(response) == {"functions": actions.NOT_CROSS_FUNCTIONAL}
    assert response.json()["type"] == "https://accord.dev/problems/validation"
    assert not Partnership.objects.exists()


def test_duplicate_function_is_refused(acme, admin):
    functions = [str(acme.sales.uuid), str(acme.sales.uuid)]
    response = admin.post(
        "/api/v1/partnerships", _payload(acme, functions=functions), content_type=JSON
    )
    assert _errors(response) == {"functions": "Sales is listed twice."}


def test_end_before_start_is_a_field_error(acme, admin):
    response = admin.post(
        "/api/v1/partnerships", _payload(acme, end_date="2025-12-31"), content_type=JSON
    )
    assert "before the start date" in _errors(response)["end_date"]
    assert not Partnership.objects.exists()


def test_foreign_ids_are_field_errors_all_at_once(acme, globex, admin):
    response = admin.post(
        "/api/v1/partnerships",
        _payload(
            acme,
            functions=[str(acme.sales.uuid), str(globex.finance.uuid)],
            lead=str(globex.alice.uuid),
            sponsor=str(globex.bob.uuid),
        ),
        content_type=JSON,
    )
    errors = _errors(response)
    assert errors["functions"] == f"No function with id {globex.finance.uuid} in this workspace."
    assert errors["lead"] == f"No person with id {globex.alice.uuid} in this workspace."
    assert set(errors) == {"functions", "lead", "sponsor"}
    assert not Partnership.objects.exists()


def test_viewer_cannot_create(acme):
    response = token_client(acme, "viewer").post(
        "/api/v1/partnerships", _payload(acme), content_type=JSON
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


# --- read, update, delete -------------------------------------------------------------------


def test_list_filters_and_paginates(acme, admin):
    marketing = Function.objects.create(workspace=acme.workspace, name="Marketing")
    partnership_make(acme, lead=acme.alice)
    launch = partnership_make(acme, name="Launch", functions=[acme.sales, marketing])
    actions.partnership_status_change(partnership=launch, actor=acme.owner, to="forming")

    def names(query=""):
        return [row["name"] for row in admin.get(f"/api/v1/partnerships{query}").json()["results"]]

    assert names() == ["Launch", "Quote to cash"]
    assert names(f"?function={marketing.uuid}") == ["Launch"]
    assert names("?status=forming") == ["Launch"]
    assert names(f"?lead={acme.alice.uuid}") == ["Quote to cash"]
    assert names("?q=quote") == ["Quote to cash"]
    page = admin.get("/api/v1/partnerships?limit=1").json()
    assert page["count"] == 2
    assert page["next"].endswith("limit=1&offset=1")


def test_list_query_count_does_not_grow(acme, admin):
    for index in range(2):
        partnership_make(acme, name=f"P{index}", lead=acme.alice)
    admin.get("/api/v1/partnerships")
    with CaptureQueriesContext(connection) as small:
        admin.get("/api/v1/partnerships")
    for index in range(2, 20):
        partnership = partnership_make(acme, name=f"P{index}", lead=acme.bob, sponsor=acme.alice)
        members_add(partnership, 2, prefix=f"x{index}")
        goals_add(partnership, 1)
    with CaptureQueriesContext(connection) as large:
        response = admin.get("/api/v1/partnerships")
    assert response.json()["count"] == 20
    assert response.json()["results"][5]["member_count"] == 2
    assert len(small) == len(large)


def test_get_carries_the_etag_and_charter(acme, admin):
    partnership = partnership_make(acme, scope_out="Pricing")
    response = admin.get(f"/api/v1/partnerships/{partnership.slug}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["scope_out"] == "Pricing"


def test_patch_changes_fields_and_charter(acme, admin):
    partnership = partnership_make(acme)
    response = admin.patch(
        f"/api/v1/partnerships/{partnership.slug}",
        {"working_agreements": "Weekly sync", "lead": str(acme.bob.uuid), "privacy": "members"},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["working_agreements"] == "Weekly sync"
    assert body["lead"]["name"] == "Bob Baker"
    assert body["privacy"] == "members"
    assert response["ETag"] == '"2"'


def test_patch_with_a_stale_if_match_is_412(acme, admin):
    partnership = partnership_make(acme)
    actions.partnership_update(partnership=partnership, actor=acme.owner, purpose="Theirs")
    response = admin.patch(
        f"/api/v1/partnerships/{partnership.slug}",
        {"purpose": "Mine"},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 412
    assert response["Content-Type"] == PROBLEM
    assert response.json()["current_version"] == 2
    assert Partnership.objects.get().purpose == "Theirs"


def test_patch_with_a_stale_body_version_is_409(acme, admin):
    partnership = partnership_make(acme)
    actions.partnership_update(partnership=partnership, actor=acme.owner, purpose="Theirs")
    response = admin.patch(
        f"/api/v1/partnerships/{partnership.slug}",
        {"purpose": "Mine", "version": 1},
        content_type=JSON,
    )
    assert response.status_code == 409


def test_patch_functions_keeps_the_rules(acme, admin):
    partnership = partnership_make(acme)
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.bob, function=acme.finance
    )
    marketing = Function.objects.create(workspace=acme.workspace, name="Marketing")
    response = admin.patch(
        f"/api/v1/partnerships/{partnership.slug}",
        {"functions": [str(acme.sales.uuid), str(marketing.uuid)]},
        content_type=JSON,
    )
    assert "Finance still has 1 member" in _errors(response)["functions"]


def test_patch_needs_a_manager(acme):
    partnership = partnership_make(acme)
    for role in ("viewer", "member"):
        response = token_client(acme, role).patch(
            f"/api/v1/partnerships/{partnership.slug}", {"purpose": "x"}, content_type=JSON
        )
        assert response.status_code == 403
    lead = person_for(acme, "member")
    actions.partnership_update(partnership=partnership, actor=acme.owner, lead=lead)
    response = token_client(acme, "member").patch(
        f"/api/v1/partnerships/{partnership.slug}", {"purpose": "Ours"}, content_type=JSON
    )
    assert response.status_code == 200


def test_delete_needs_an_admin(acme):
    lead = person_for(acme, "member")
    partnership = partnership_make(acme, lead=lead)
    url = f"/api/v1/partnerships/{partnership.slug}"
    assert token_client(acme, "member").delete(url).status_code == 403
    assert token_client(acme, "admin").delete(url, headers={"If-Match": '"9"'}).status_code == 412
    assert token_client(acme, "admin").delete(url).status_code == 204
    assert not Partnership.objects.exists()


# --- lifecycle ------------------------------------------------------------------------------


def test_status_moves_and_history(acme, admin):
    partnership = partnership_make(acme)
    url = f"/api/v1/partnerships/{partnership.slug}"
    response = admin.post(f"{url}/status", {"to": "forming", "note": "Go"}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "forming"
    assert response["ETag"] == '"2"'
    refused = admin.post(f"{url}/status", {"to": "proposed"}, content_type=JSON)
    assert "cannot move to proposed" in _errors(refused)["to"]
    changes = admin.get(f"{url}/status-changes").json()["results"]
    assert [(c["from_status"], c["to_status"]) for c in changes] == [
        ("proposed", "forming"),
        (None, "proposed"),
    ]
    assert changes[0]["changed_by"]["email"] == "admin@acme.test"
    assert changes[0]["note"] == "Go"
    history = admin.get(f"{url}/history").json()["results"]
    assert history[0]["changes"]["status"] == ["Proposed", "Forming"]


def test_unknown_status_is_a_validation_problem(acme, admin):
    partnership = partnership_make(acme)
    response = admin.post(
        f"/api/v1/partnerships/{partnership.slug}/status", {"to": "done"}, content_type=JSON
    )
    assert response.status_code == 422
    assert Partnership.objects.get().status == "proposed"


# --- members --------------------------------------------------------------------------------


def test_members_add_list_update_remove(acme, admin):
    partnership = partnership_make(acme)
    url = f"/api/v1/partnerships/{partnership.slug}/members"
    created = admin.post(
        url,
        {"person": str(acme.bob.uuid), "function": str(acme.finance.uuid), "role": "advisor"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    member_id = created.json()["id"]
    assert created.json()["function"]["name"] == "Finance"
    listed = admin.get(url).json()
    assert [m["person"]["name"] for m in listed["results"]] == ["Bob Baker"]
    changed = admin.patch(
        f"{url}/{member_id}",
        {"function": str(acme.sales.uuid), "role": "core"},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["function"]["name"], changed.json()["role"]) == ("Sales", "core")
    stale = admin.patch(
        f"{url}/{member_id}", {"role": "advisor"}, content_type=JSON, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert admin.delete(f"{url}/{member_id}").status_code == 204
    assert not PartnershipMember.objects.exists()


def test_member_function_must_be_the_partnerships(acme, globex, admin):
    marketing = Function.objects.create(workspace=acme.workspace, name="Marketing")
    partnership = partnership_make(acme)
    url = f"/api/v1/partnerships/{partnership.slug}/members"
    outside = admin.post(
        url, {"person": str(acme.bob.uuid), "function": str(marketing.uuid)}, content_type=JSON
    )
    assert "not one of this partnership's functions" in _errors(outside)["function"]
    foreign = admin.post(
        url, {"person": str(globex.bob.uuid), "function": str(acme.sales.uuid)}, content_type=JSON
    )
    assert _errors(foreign) == {"person": f"No person with id {globex.bob.uuid} in this workspace."}
    assert not PartnershipMember.objects.exists()


def test_member_writes_need_a_manager(acme):
    partnership = partnership_make(acme)
    response = token_client(acme, "member").post(
        f"/api/v1/partnerships/{partnership.slug}/members",
        {"person": str(acme.bob.uuid), "function": str(acme.finance.uuid)},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert not PartnershipMember.objects.exists()


# --- privacy and tenancy --------------------------------------------------------------------


def test_members_only_partnership_is_404_for_non_members(acme):
    partnership = partnership_make(acme, privacy="members")
    client = token_client(acme, "member")
    url = f"/api/v1/partnerships/{partnership.slug}"
    for path in (url, f"{url}/members", f"{url}/status-changes", f"{url}/history"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == PROBLEM
    assert client.get("/api/v1/partnerships").json()["count"] == 0
    assert token_client(acme, "admin").get(url).status_code == 200


def test_members_only_partnership_is_visible_to_its_members(acme):
    partnership = partnership_make(acme, privacy="members")
    person = person_for(acme, "viewer")
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=person, function=acme.sales
    )
    client = token_client(acme, "viewer")
    assert client.get(f"/api/v1/partnerships/{partnership.slug}").status_code == 200
    assert client.get("/api/v1/partnerships").json()["count"] == 1


def test_another_workspace_sees_nothing(acme, globex):
    partnership = partnership_make(acme)
    client = token_client(globex, "owner")
    url = f"/api/v1/partnerships/{partnership.slug}"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"purpose": "x"}, content_type=JSON).status_code == 404
    assert client.post(f"{url}/status", {"to": "closed"}, content_type=JSON).status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get("/api/v1/partnerships").json()["count"] == 0
    assert Partnership.objects.get().status == "proposed"
