"""Exporting people to CSV and Excel in the importer's columns, safe against formulas."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accord.org import actions
from accord.org.importing import FIELDS
from accord.org.models import ImportBatch
from accord.org.tests.helpers import count_queries, people_add

pytestmark = pytest.mark.django_db


def export_url(fmt, ws="acme"):
    return reverse("person_export", args=[ws, fmt])


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()]


def test_csv_has_the_importer_columns_and_a_bom(acme, login):
    """The CSV starts with a BOM (Excel reads accents right) and the importer's header."""
    actions.person_skills_set(person=acme.bob, actor=acme.admin, skills={"SQL": 3, "Excel": 4})
    response = login(acme.viewer).get(export_url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="acme-people-' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(response)
    assert tuple(rows[0]) == FIELDS
    assert rows[2] == [
        "Bob Baker",
        "bob@acme.test",
        "Analyst",
        "Individual contributor",
        "Finance",
        "alice@acme.test",
        "",
        "",
        "Excel:4; SQL:3",
    ]


def test_xlsx_has_the_same_rows(acme, login):
    response = login(acme.viewer).get(export_url("xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    assert tuple(rows[0]) == FIELDS
    assert rows[1][:5] == ["Alice Archer", "alice@acme.test", "VP Sales", "Director", "Sales"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_that_look_like_formulas_are_escaped(acme, login, fmt):
    """=, +, -, @ at the start of a cell get a leading apostrophe so they never run."""
    actions.person_update(
        person=acme.alice,
        actor=acme.admin,
        title='=HYPERLINK("x")',
        location="+1 555",
        name="@Alice",
    )
    actions.person_update(person=acme.bob, actor=acme.admin, title="-10% budget")
    response = login(acme.viewer).get(export_url(fmt))
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    alice = next(r for r in rows if r[1] == "alice@acme.test")
    bob = next(r for r in rows if r[1] == "bob@acme.test")
    assert alice[0] == "'@Alice"
    assert alice[2] == '\'=HYPERLINK("x")'
    assert alice[6] == "'+1 555"
    assert bob[2] == "'-10% budget"
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_csv_round_trip_imports_as_unchanged(acme, login):
    """Export, then import the same file: every row is unchanged."""
    actions.person_update(
        person=acme.alice,
        actor=acme.admin,
        title="=SUM(A1)",
        location="Zürich",
        timezone="Europe/Zurich",
    )
    actions.person_skills_set(person=acme.alice, actor=acme.admin, skills={"C++": 5, "Go": 2})
    client = login(acme.admin)
    exported = client.get(export_url("csv")).content
    response = client.post(
        reverse("person_import", args=["acme"]),
        {"file": SimpleUploadedFile("people.csv", exported)},
    )
    batch = ImportBatch.objects.get()
    assert response["Location"].endswith(f"/{batch.uuid}/")
    page = client.get(reverse("person_import_preview", args=["acme", batch.uuid]))
    assert page.context["counts"] == {"create": 0, "update": 0, "unchanged": 2, "reject": 0}


def test_export_follows_the_list_filters_and_sort(acme, login):
    response = login(acme.viewer).get(export_url("csv"), {"function": str(acme.finance.uuid)})
    assert [row[0] for row in csv_rows(response)[1:]] == ["Bob Baker"]
    response = login(acme.viewer).get(export_url("csv"), {"sort": "-name"})
    assert [row[0] for row in csv_rows(response)[1:]] == ["Bob Baker", "Alice Archer"]


def test_unknown_format_is_404(acme, login):
    assert login(acme.viewer).get(export_url("pdf")).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_does_not_grow(acme, login, fmt):
    client = login(acme.viewer)
    people_add(acme.workspace, 5, function=acme.sales, manager=acme.alice)
    small, _ = count_queries(client, export_url(fmt))
    people_add(acme.workspace, 120, function=acme.finance, manager=acme.bob, prefix="more")
    large, response = count_queries(client, export_url(fmt))
    assert small == large
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert len(rows) == 1 + 127


def test_other_workspace_gets_404(acme, globex, login):
    assert login(globex.admin).get(export_url("csv")).status_code == 404
    response = login(globex.admin).get(export_url("csv", ws="globex"))
    assert b"acme.test" not in response.content
