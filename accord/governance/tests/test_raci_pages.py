"""RACI pages: the matrix with findings, htmx cell edits, filters, load view, deliverable
forms, export and previewed import, permissions, privacy, tenancy and query counts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accord.governance import raci_actions as actions
from accord.governance.models import Deliverable, RaciAssignment
from accord.governance.tests.test_raci_actions import deliverable_make, raci_partnership
from accord.org.models import Person
from accord.org.tests.helpers import count_queries
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.partnerships.tests.helpers import person_for
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, partnership, *args):
    return reverse(name, args=[partnership.workspace.slug, partnership.slug, *args])


def cell(row, person):
    return f"cell.{row.uuid}.{person.uuid}"


def was(row, person):
    return f"was.{row.uuid}.{person.uuid}"


def test_matrix_shows_rows_people_letters_and_findings(acme, login):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.alice, letter="A")
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="A")
    response = login(acme.viewer).get(url("raci_matrix", partnership))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pricing approval" in body
    assert "Alice Archer" in body
    assert "Exactly one A per deliverable" in body
    assert "one-accountable" in body
    assert 'class="raci-cell flagged"' in body
    # Viewers read letters; they get no selects.
    assert '<select id="cell-' not in body
    assert '<span class="raci-letter" aria-label="A">A</span>' in body


def test_member_of_the_partnership_edits_a_cell_with_htmx_and_sees_the_finding(acme, login):
    """The member's person is in the partnership: they edit; a second A shows the finding,
    and setting it back clears it."""
    partnership = raci_partnership(acme)
    me = person_for(acme, "member", function=acme.sales)
    partnership_member_add(
        partnership=partnership, actor=acme.owner, person=me, function=acme.sales
    )
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.alice, letter="A")
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="R")
    client = login(acme.member)
    page = client.get(url("raci_matrix", partnership)).content.decode()
    assert 'aria-label="Role of Member Person on Pricing approval"' in page
    response = client.post(
        url("raci_cells_save", partnership), {cell(row, me): "A", was(row, me): ""}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="raci-board"' in body
    assert "<html" not in body
    assert "Exactly one A per deliverable" in body
    assert RaciAssignment.objects.filter(letter="A").count() == 2
    response = client.post(
        url("raci_cells_save", partnership), {cell(row, me): "", was(row, me): "A"}, **HTMX
    )
    assert "Exactly one A per deliverable" not in response.content.decode()
    assert AuditEntry.objects.filter(object_uuid=row.uuid, actor=acme.member).count() == 2


def test_without_javascript_the_whole_grid_saves_only_changed_cells(acme, login):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.alice, letter="C")
    client = login(acme.admin)
    response = client.post(
        url("raci_cells_save", partnership),
        {
            cell(row, acme.alice): "C",
            was(row, acme.alice): "C",
            cell(row, acme.bob): "R",
            was(row, acme.bob): "",
        },
    )
    assert response.status_code == 302
    assert dict(RaciAssignment.objects.values_list("person__name", "letter")) == {
        "Alice Archer": "C",
        "Bob Baker": "R",
    }
    assert AuditEntry.objects.filter(object_uuid=row.uuid, action="update").count() == 2


def test_a_stale_cell_is_refused_with_a_message(acme, login):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="I")
    response = login(acme.admin).post(
        url("raci_cells_save", partnership),
        {cell(row, acme.bob): "A", was(row, acme.bob): ""},
        **HTMX,
    )
    assert "Someone else changed Bob Baker" in response.content.decode()
    assert RaciAssignment.objects.get().letter == "I"


def test_viewer_and_non_members_cannot_edit(acme, login):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    data = {cell(row, acme.bob): "R", was(row, acme.bob): ""}
    assert login(acme.viewer).post(url("raci_cells_save", partnership), data).status_code == 403
    # A member of the workspace who is not in the partnership reads but cannot edit.
    assert login(acme.member).post(url("raci_cells_save", partnership), data).status_code == 403
    body = login(acme.member).get(url("raci_matrix", partnership)).content.decode()
    assert "Add a deliverable" not in body
    assert not RaciAssignment.objects.exists()


def test_other_workspaces_and_private_partnerships_are_404(acme, globex, login):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    client = login(globex.owner)
    for name, args in (
        ("raci_matrix", []),
        ("raci_load", []),
        ("raci_deliverable_edit", [row.uuid]),
    ):
        assert client.get(reverse(name, args=["acme", partnership.slug, *args])).status_code == 404
    secret = partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Secret",
        functions=[acme.sales, acme.finance],
        privacy="members",
    )
    assert login(acme.viewer).get(url("raci_matrix", secret)).status_code == 404
    assert login(acme.admin).get(url("raci_matrix", secret)).status_code == 200


def test_filters_by_person_and_function(acme, login):
    partnership = raci_partnership(acme)
    one = deliverable_make(acme, partnership)
    two = deliverable_make(acme, partnership, name="Billing")
    actions.raci_cell_set(deliverable=one, actor=acme.owner, person=acme.alice, letter="A")
    actions.raci_cell_set(deliverable=two, actor=acme.owner, person=acme.bob, letter="A")
    client = login(acme.viewer)
    matrix = client.get(url("raci_matrix", partnership), {"person": str(acme.alice.uuid)}).context[
        "matrix"
    ]
    assert [r.deliverable.name for r in matrix.rows] == ["Pricing approval"]
    assert [c.person.name for c in matrix.columns] == ["Alice Archer"]
    matrix = client.get(
        url("raci_matrix", partnership), {"function": str(acme.finance.uuid)}
    ).context["matrix"]
    assert [c.person.name for c in matrix.columns] == ["Bob Baker"]
    assert len(matrix.rows) == 2
    # Findings always cover the whole matrix.
    assert matrix.report.errors == 2  # no R on either row
    matrix = client.get(url("raci_matrix", partnership), {"person": "junk"}).context["matrix"]
    assert len(matrix.rows) == 2


def test_load_view_flags_people_above_the_cap(acme, login):
    partnership = raci_partnership(acme)
    for index in range(6):
        row = deliverable_make(acme, partnership, name=f"D{index}")
        actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.alice, letter="A")
    response = login(acme.viewer).get(url("raci_load", partnership))
    body = response.content.decode()
    assert "above the cap of 5" in body
    assert "Overloaded" in body


def test_deliverable_create_edit_and_delete(acme, login):
    partnership = raci_partnership(acme)
    client = login(acme.admin)
    response = client.post(
        url("raci_deliverable_create", partnership),
        {"name": "", "status": "active", "mode": "raci"},
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    response = client.post(
        url("raci_deliverable_create", partnership),
        {"name": "Pricing", "status": "active", "mode": "daci", "due_date": "2026-05-01"},
    )
    assert response.status_code == 302
    row = Deliverable.objects.get()
    assert row.mode == "daci"
    response = client.post(
        url("raci_deliverable_edit", partnership, row.uuid),
        {"name": "Pricing v2", "status": "done", "mode": "raci", "expected_version": 1},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.status, row.version) == ("Pricing v2", "done", 2)
    response = client.post(
        url("raci_deliverable_edit", partnership, row.uuid),
        {"name": "Lost", "status": "done", "mode": "raci", "expected_version": 1},
    )
    assert response.status_code == 409
    assert 'value="Lost"' in response.content.decode()
    assert client.post(url("raci_deliverable_delete", partnership, row.uuid)).status_code == 302
    assert not Deliverable.objects.exists()


def test_viewer_reads_a_deliverable_but_cannot_save_it(acme, login):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    client = login(acme.viewer)
    assert client.get(url("raci_deliverable_edit", partnership, row.uuid)).status_code == 200
    response = client.post(
        url("raci_deliverable_edit", partnership, row.uuid),
        {"name": "Hacked", "status": "active", "mode": "raci"},
    )
    assert response.status_code == 403
    assert client.get(url("raci_deliverable_create", partnership)).status_code == 403


# --- export and import ----------------------------------------------------------------------


def _filled(acme):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership, name="=Pricing")
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.alice, letter="A")
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="R")
    return partnership, row


def test_export_csv_and_xlsx_escape_formulas(acme, login):
    partnership, _row = _filled(acme)
    client = login(acme.viewer)
    response = client.get(url("raci_export", partnership, "csv"))
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == [
        "deliverable,person_email,letter",
        "'=Pricing,alice@acme.test,A",
        "'=Pricing,bob@acme.test,R",
    ]
    response = client.get(url("raci_export", partnership, "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[2]] == ["'=Pricing", "alice@acme.test", "A"]
    assert client.get(url("raci_export", partnership, "pdf")).status_code == 404


def _upload(client, partnership, text, name="raci.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return client.post(url("raci_import", partnership), {"file": upload})


def test_an_export_imports_back_unchanged(acme, login):
    partnership, _row = _filled(acme)
    client = login(acme.admin)
    exported = client.get(url("raci_export", partnership, "xlsx")).content
    upload = io.BytesIO(exported)
    upload.name = "raci.xlsx"
    response = client.post(url("raci_import", partnership), {"file": upload})
    assert response.context["counts"] == {"create": 0, "update": 0, "unchanged": 2, "rejected": 0}


def test_import_preview_lists_every_row_and_writes_nothing(acme, globex, login):
    partnership, _row = _filled(acme)
    client = login(acme.admin)
    response = _upload(
        client,
        partnership,
        "deliverable,person_email,letter\n"
        "=Pricing,alice@acme.test,A\n"
        "=Pricing,bob@acme.test,C\n"
        "Billing,alice@acme.test,R\n"
        "Billing,bob@globex.test,A\n"
        "Billing,alice@acme.test,X\n",
    )
    assert response.status_code == 200
    rows = [(r.line, r.status) for r in response.context["plan"].rows]
    assert rows == [
        (2, "unchanged"),
        (3, "update"),
        (4, "create"),
        (5, "rejected"),
        (6, "rejected"),
    ]
    body = response.content.decode()
    assert "Nobody with the email bob@globex.test is in this workspace." in body
    assert RaciAssignment.objects.count() == 2
    lines = response.context["lines"]
    # Confirming with rejected rows writes nothing.
    response = client.post(url("raci_import_apply", partnership), {"lines": lines})
    assert response.status_code == 422
    assert "Nothing was imported" in response.content.decode()
    assert not Deliverable.objects.filter(name="Billing").exists()
    # Valid rows only: the two good changes land.
    response = client.post(
        url("raci_import_apply", partnership), {"lines": lines, "valid_only": "on"}
    )
    assert response.status_code == 302
    letters = RaciAssignment.objects.order_by("deliverable__position", "person__name")
    assert [(a.deliverable.name, a.person.name, a.letter) for a in letters] == [
        ("=Pricing", "Alice Archer", "A"),
        ("=Pricing", "Bob Baker", "C"),
        ("Billing", "Alice Archer", "R"),
    ]
    assert Deliverable.objects.filter(name="Billing").exists()


def test_import_refuses_a_file_without_the_columns(acme, login):
    partnership, _row = _filled(acme)
    response = _upload(login(acme.admin), partnership, "name,email\nA,b\n")
    assert response.status_code == 422
    assert "no deliverable" in response.content.decode()


def test_viewer_cannot_import(acme, login):
    partnership, _row = _filled(acme)
    assert _upload(login(acme.viewer), partnership, "x").status_code == 403


# --- query counts ---------------------------------------------------------------------------


def _grow(acme, partnership, rows, people, prefix):
    created = Person.objects.bulk_create(
        [
            Person(
                workspace=acme.workspace,
                name=f"{prefix} {i:02d}",
                email=f"{prefix}{i}@acme.test",
                function=acme.sales,
            )
            for i in range(people)
        ]
    )
    for person in created:
        partnership_member_add(
            partnership=partnership, actor=acme.owner, person=person, function=acme.sales
        )
    for index in range(rows):
        row = deliverable_make(acme, partnership, name=f"{prefix} row {index}")
        for person in created:
            actions.raci_cell_set(deliverable=row, actor=acme.owner, person=person, letter="C")


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_matrix_and_load_query_counts_do_not_grow(acme, login, role):
    partnership = raci_partnership(acme)
    client = login(acme.user(role))
    _grow(acme, partnership, 2, 2, "a")
    small, _ = count_queries(client, url("raci_matrix", partnership))
    small_load, _ = count_queries(client, url("raci_load", partnership))
    _grow(acme, partnership, 8, 6, "b")
    large, response = count_queries(client, url("raci_matrix", partnership))
    large_load, _ = count_queries(client, url("raci_load", partnership))
    assert len(response.context["matrix"].rows) == 10
    assert small == large
    assert small_load == large_load
