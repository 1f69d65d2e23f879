"""RACI over the API: deliverables CRUD, the matrix, cell PUTs, findings, permissions,
concurrency, tenancy and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.goals.models import Goal
from accord.governance import raci_actions as actions
from accord.governance.models import Deliverable, RaciAssignment
from accord.governance.tests.test_raci_actions import deliverable_make, raci_partnership
from accord.org.models import Person
from accord.partnerships.actions import partnership_member_add

JSON = "application/json"
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


def base(partnership):
    return f"/api/v1/partnerships/{partnership.slug}"


def test_create_get_update_delete_a_deliverable(acme):
    partnership = raci_partnership(acme)
    goal = Goal.objects.create(
        workspace=acme.workspace, partnership=partnership, title="Cut DSO", owner=acme.bob
    )
    client = token_client(acme, "admin")
    response = client.post(
        f"{base(partnership)}/deliverables",
        {"name": "Pricing", "mode": "daci", "due_date": "2026-05-01", "goals": [str(goal.uuid)]},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mode"] == "daci"
    assert body["goals"] == [{"id": str(goal.uuid), "title": "Cut DSO"}]
    assert response["ETag"] == '"1"'
    item = f"{base(partnership)}/deliverables/{body['id']}"
    assert response["Location"] == item
    assert client.get(item).json()["name"] == "Pricing"
    response = client.patch(
        item, {"status": "done", "due_date": None}, content_type=JSON, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["due_date"]) == ("done", None)
    assert response["ETag"] == '"2"'
    stale = client.patch(item, {"name": "X"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert client.delete(item).status_code == 204
    assert not Deliverable.objects.exists()


def test_validation_problems_name_the_field(acme, globex):
    partnership = raci_partnership(acme)
    client = token_client(acme, "admin")
    deliverable_make(acme, partnership, name="Pricing")
    foreign = Goal.objects.create(
        workspace=globex.workspace, partnership=raci_partnership(globex), title="Theirs"
    )
    response = client.post(
        f"{base(partnership)}/deliverables",
        {"name": "pricing", "goals": [str(foreign.uuid)]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"goals"}
    response = client.post(
        f"{base(partnership)}/deliverables", {"name": "pricing"}, content_type=JSON
    )
    assert response.json()["errors"][0]["field"] == "name"


def test_put_cell_keeps_a_second_a_and_answers_with_the_finding(acme):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    client = token_client(acme, "admin")
    url = f"{base(partnership)}/raci/cells"
    for person in (acme.alice, acme.bob):
        response = client.put(
            url,
            {"deliverable": str(row.uuid), "person": str(person.uuid), "letter": "A"},
            content_type=JSON,
        )
        assert response.status_code == 200, response.content
    rules = {f["rule"]: f for f in response.json()["findings"]}
    assert rules["one-accountable"]["deliverable"] == str(row.uuid)
    assert rules["one-accountable"]["severity"] == "error"
    assert RaciAssignment.objects.filter(letter="A").count() == 2
    response = client.put(
        url,
        {"deliverable": str(row.uuid), "person": str(acme.bob.uuid), "letter": None},
        content_type=JSON,
    )
    assert "one-accountable" not in {f["rule"] for f in response.json()["findings"]}


def test_put_cell_refuses_wrong_letters_and_foreign_people(acme, globex):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    client = token_client(acme, "admin")
    url = f"{base(partnership)}/raci/cells"
    response = client.put(
        url,
        {"deliverable": str(row.uuid), "person": str(acme.bob.uuid), "letter": "D"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "letter"
    response = client.put(
        url,
        {"deliverable": str(row.uuid), "person": str(globex.bob.uuid), "letter": "R"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "person"
    assert not RaciAssignment.objects.exists()


def test_get_matrix_and_findings(acme):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.alice, letter="A")
    client = token_client(acme, "viewer")
    body = client.get(f"{base(partnership)}/raci").json()
    assert [d["name"] for d in body["deliverables"]] == ["Pricing approval"]
    assert {p["name"] for p in body["people"]} == {"Alice Archer", "Bob Baker"}
    assert body["cells"] == [
        {"deliverable": str(row.uuid), "person": str(acme.alice.uuid), "letter": "A"}
    ]
    assert body["load"]["cap"] == 5
    findings = client.get(f"{base(partnership)}/raci/findings").json()
    assert findings[0]["rule"] == "responsible-present"
    assert {f["rule"] for f in findings} >= {"member-without-role", "function-without-responsible"}


def test_viewer_and_non_members_cannot_write(acme):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    body = {"deliverable": str(row.uuid), "person": str(acme.bob.uuid), "letter": "R"}
    for role in ("viewer", "member"):  # the member's user is not in this partnership
        client = token_client(acme, role)
        assert (
            client.put(f"{base(partnership)}/raci/cells", body, content_type=JSON).status_code
            == 403
        )
        response = client.post(
            f"{base(partnership)}/deliverables", {"name": "X"}, content_type=JSON
        )
        assert response.status_code == 403
    me = Person.objects.create(
        workspace=acme.workspace, name="Me", email=acme.member.email, user=acme.member
    )
    partnership_member_add(
        partnership=partnership, actor=acme.owner, person=me, function=acme.sales
    )
    client = token_client(acme, "member")
    assert client.put(f"{base(partnership)}/raci/cells", body, content_type=JSON).status_code == 200


def test_other_workspaces_get_404(acme, globex):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    client = token_client(globex, "owner")
    for path in ("/raci", "/raci/findings", "/deliverables", f"/deliverables/{row.uuid}"):
        assert client.get(base(partnership) + path).status_code == 404
    # A foreign deliverable id under one's own partnership is 404 too.
    theirs = raci_partnership(globex)
    assert client.get(f"{base(theirs)}/deliverables/{row.uuid}").status_code == 404


def test_matrix_query_count_does_not_grow(acme):
    partnership = raci_partnership(acme)
    client = token_client(acme, "viewer")

    def count():
        client.get(f"{base(partnership)}/raci")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{base(partnership)}/raci").status_code == 200
        return len(queries)

    deliverable_make(acme, partnership, name="First")
    small = count()
    for index in range(8):
        row = deliverable_make(acme, partnership, name=f"Row {index}")
        actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="R")
    assert count() == small
