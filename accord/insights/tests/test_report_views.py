"""Report pages and downloads: who may read them, what they contain, and the 404s."""

import io
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accord.insights.tests.report_helpers import partnership_make, review_make
from accord.partnerships.models import Privacy

NAMES = ("review_report", "review_export_csv", "review_export_xlsx")


def _url(name, tenant, partnership, review):
    return reverse(name, args=[tenant.workspace.slug, partnership.slug, review.uuid])


@pytest.fixture
def world(acme):
    partnership = partnership_make(acme)
    return partnership, review_make(acme, partnership)


def test_a_viewer_reads_the_report_page_with_every_section(acme, world, login):
    partnership, review = world
    response = login(acme.viewer).get(_url("review_report", acme, partnership, review))
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("report-cover", "report-health", "report-kpis", "report-equity"):
        assert f'id="{section}"' in html
    assert "Health rose 12 points to 68." in html
    assert _url("review_report_pdf", acme, partnership, review) in html
    assert _url("review_export_xlsx", acme, partnership, review) in html


def test_the_pdf_downloads_as_an_attachment_named_after_partnership_and_period(acme, world, login):
    partnership, review = world
    response = login(acme.member).get(_url("review_report_pdf", acme, partnership, review))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="checkout-revamp-review-2026-10-01-to-2026-10-31.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_csv_and_xlsx_download(acme, world, login):
    partnership, review = world
    client = login(acme.viewer)
    response = client.get(_url("review_export_csv", acme, partnership, review))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    assert "health_score" in response.content.decode("utf-8-sig")
    response = client.get(_url("review_export_xlsx", acme, partnership, review))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert "goals" in workbook.sheetnames


@pytest.mark.parametrize("name", NAMES)
def test_another_workspaces_review_is_404(acme, globex, world, login, name):
    """A globex member asking for an acme review — through either workspace's URL — gets 404."""
    partnership, review = world
    other = partnership_make(globex)
    client = login(globex.owner)
    assert client.get(_url(name, acme, partnership, review)).status_code == 404
    url = reverse(name, args=[globex.workspace.slug, other.slug, review.uuid])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_a_review_of_another_partnership_is_404(acme, world, login, name):
    _, review = world
    other = partnership_make(acme, "Pricing Council")
    url = reverse(name, args=[acme.workspace.slug, other.slug, review.uuid])
    assert login(acme.owner).get(url).status_code == 404


def test_an_unknown_review_is_404(acme, world, login):
    partnership, _ = world
    url = reverse("review_report", args=[acme.workspace.slug, partnership.slug, uuid.uuid4()])
    assert login(acme.owner).get(url).status_code == 404


def test_a_members_only_partnership_hides_its_reports_from_outsiders(acme, login):
    partnership = partnership_make(acme, "Secret Merger", privacy=Privacy.MEMBERS)
    review = review_make(acme, partnership)
    url = _url("review_report", acme, partnership, review)
    assert login(acme.viewer).get(url).status_code == 404
    assert login(acme.admin).get(url).status_code == 200


def test_a_review_without_a_pack_is_404_saying_why(acme, login):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership, pack={}, status="scheduled")
    response = login(acme.owner).get(_url("review_report", acme, partnership, review))
    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(acme, world, client):
    partnership, review = world
    response = client.get(_url("review_report", acme, partnership, review))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_hostile_names_are_escaped_on_the_page(acme, login):
    partnership = partnership_make(acme, "Evil", slug="evil")
    pack = review_make(acme, partnership).pack
    pack["partnership"]["name"] = "<script>alert(1)</script>"
    pack["goals"][0]["title"] = "<img src=x onerror=alert(1)>"
    review = review_make(acme, partnership, pack=pack)
    html = login(acme.viewer).get(_url("review_report", acme, partnership, review)).content
    assert b"<script>alert(1)" not in html
    assert b"<img src=x" not in html


def test_the_page_runs_a_constant_number_of_queries(acme, login, django_assert_max_num_queries):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    client = login(acme.viewer)
    url = _url("review_report", acme, partnership, review)
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


# --- quarterly report -----------------------------------------------------------------------


def test_quarterly_page_with_no_partnerships(acme, login):
    url = reverse("quarterly_report", args=[acme.workspace.slug]) + "?quarter=2026-Q3"
    response = login(acme.viewer).get(url)
    assert response.status_code == 200
    assert b"No partnership ran in Q3 2026." in response.content
    assert b"quarterly.pdf?quarter=2026-Q3" in response.content


def test_quarterly_page_names_a_bad_quarter(acme, login):
    url = reverse("quarterly_report", args=[acme.workspace.slug]) + "?quarter=2026-Q5"
    response = login(acme.viewer).get(url)
    assert response.status_code == 400
    assert "is not a quarter; use the form 2026-Q4" in response.content.decode()
    pdf = reverse("quarterly_report_pdf", args=[acme.workspace.slug]) + "?quarter=nope"
    assert login(acme.viewer).get(pdf).status_code == 400


def test_quarterly_page_lists_visible_partnerships_only(acme, globex, login):
    partnership_make(acme, "Checkout Revamp")
    partnership_make(acme, "Secret Merger", privacy=Privacy.MEMBERS)
    partnership_make(globex, "Globex Plan")
    url = reverse("quarterly_report", args=[acme.workspace.slug])
    html = login(acme.viewer).get(url).content.decode()
    assert "Checkout Revamp" in html
    assert "Secret Merger" not in html
    assert "Globex Plan" not in html
    assert login(globex.viewer).get(url).status_code == 404
