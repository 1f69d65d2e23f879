"""Reports over the API: a review's pack as PDF, HTML, CSV and XLSX with the page's
permissions, a clear 404 without a pack, and the quarterly report as JSON, HTML and PDF."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accord.api.testing import token_client
from accord.insights.tests.report_helpers import partnership_make, review_make, snapshot_make
from accord.partnerships.models import Privacy

pytestmark = pytest.mark.django_db


def test_a_review_report_in_every_format(acme):
    partnership = partnership_make(acme, "Quote Desk")
    review = review_make(acme, partnership)
    client = token_client(acme, "viewer")
    url = f"/api/v1/reviews/{review.uuid}/report"

    pdf = client.get(url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Quote Desk" in text

    html = client.get(url, {"format": "html"})
    assert html["Content-Type"].startswith("text/html")
    assert b"Quote Desk" in html.content

    csv = client.get(url, {"format": "csv"})
    assert csv.content.decode("utf-8-sig").splitlines()[0] == "section,row,item,field,value"

    xlsx = client.get(url, {"format": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) > 3

    bad = client.get(url, {"format": "docx"})
    assert bad.status_code == 422


def test_no_pack_yet_says_how_to_make_one_and_foreign_or_hidden_reviews_are_404(acme, globex):
    partnership = partnership_make(acme, "Quote Desk")
    empty = review_make(acme, partnership, pack={}, status="scheduled")
    response = token_client(acme, "viewer").get(f"/api/v1/reviews/{empty.uuid}/report")
    assert response.status_code == 404
    assert f"/reviews/{empty.uuid}/pack" in response.json()["detail"]

    review = review_make(acme, partnership)
    assert (
        token_client(globex, "owner").get(f"/api/v1/reviews/{review.uuid}/report").status_code
        == 404
    )
    private = partnership_make(acme, "Board Prep", privacy=Privacy.MEMBERS, lead=acme.bob)
    hidden = review_make(acme, private)
    response = token_client(acme, "viewer").get(f"/api/v1/reviews/{hidden.uuid}/report")
    assert response.status_code == 404


def test_the_quarterly_report_as_json_html_and_pdf(acme):
    partnership = partnership_make(acme, "Quote Desk")
    snapshot_make(partnership, datetime.date(2026, 6, 30), 52.0)
    snapshot_make(partnership, datetime.date(2026, 9, 30), 64.0)
    client = token_client(acme, "viewer")
    answer = client.get("/api/v1/reports/quarterly", {"quarter": "2026-Q3"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["quarter"] == "2026-Q3"
    assert body["complete"] is True
    (row,) = body["partnerships"]
    assert (row["slug"], row["health_start"], row["health_end"], row["change"]) == (
        "quote-desk",
        52.0,
        64.0,
        12.0,
    )
    assert body["improvers"] == ["quote-desk"]

    pdf = client.get("/api/v1/reports/quarterly", {"quarter": "2026-Q3", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    html = client.get("/api/v1/reports/quarterly", {"quarter": "2026-Q3", "format": "html"})
    assert b"Quote Desk" in html.content

    bad = client.get("/api/v1/reports/quarterly", {"quarter": "2026-Q5"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "quarter"
