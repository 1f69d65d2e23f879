"""`accord report`: writes the review pack or the quarterly report as HTML, PDF or JSON, and
fails with a message naming the problem."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from accord.insights.tests.report_helpers import partnership_make, review_make


def _run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_html_of_the_latest_review_is_written_to_the_file(acme, tmp_path):
    partnership = partnership_make(acme)
    review_make(acme, partnership, title="September", pack=None)
    latest = review_make(acme, partnership, title="October")
    latest.pack["health"]["score"] = 81.0
    latest.save()
    review_make(acme, partnership, title="Not ready", pack={}, status="scheduled")
    target = tmp_path / "report.html"
    _, err = _run("checkout-revamp", "--format", "html", "-o", str(target))
    html = target.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "data-score>81<" in html
    assert "<style>" in html  # stands alone
    assert f"Wrote {target}" in err


def test_a_named_review_as_json_to_standard_output(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    out, _ = _run("checkout-revamp", "--format", "json", "--review", str(review.uuid))
    pack = json.loads(out)
    assert pack["partnership"]["name"] == "Checkout Revamp"
    assert pack["health"]["score"] == 68.4


def test_pdf_is_written(acme, tmp_path):
    partnership = partnership_make(acme)
    review_make(acme, partnership)
    target = tmp_path / "report.pdf"
    _run("checkout-revamp", "-o", str(target), "--workspace", "acme")
    assert target.read_bytes().startswith(b"%PDF")


def test_without_a_review_a_pack_is_built_for_the_last_month(acme):
    """End to end through the pack builder: no review yet, so one is built on the fly."""
    partnership_make(acme)
    out, _ = _run("checkout-revamp", "--format", "json", "--today", "2026-11-15")
    pack = json.loads(out)
    assert pack["partnership"]["slug"] == "checkout-revamp"
    assert pack["period"]["end"] == "2026-11-15"
    assert pack["period"]["start"] == "2026-10-16"
    html, _ = _run("checkout-revamp", "--format", "html", "--today", "2026-11-15")
    assert 'id="report-health"' in html


def test_a_scheduled_review_without_a_pack_is_built_on_the_fly(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership, pack={}, status="scheduled")
    out, _ = _run("checkout-revamp", "--format", "json", "--review", str(review.uuid))
    assert json.loads(out)["period"]["start"] == "2026-10-01"


def test_an_unknown_slug_is_named(acme):
    with pytest.raises(CommandError, match="No partnership with the slug 'nope'"):
        _run("nope", "--format", "html")


def test_an_unknown_workspace_is_named(acme):
    partnership_make(acme)
    with pytest.raises(CommandError, match="No workspace with the slug 'initech'"):
        _run("checkout-revamp", "--format", "html", "--workspace", "initech")


def test_a_slug_in_several_workspaces_asks_for_the_workspace(acme, globex):
    partnership_make(acme)
    partnership_make(globex)
    with pytest.raises(CommandError, match=r"several workspaces \(acme, globex\).*--workspace"):
        _run("checkout-revamp", "--format", "html")
    out, _ = _run("checkout-revamp", "--format", "json", "--workspace", "globex")
    assert json.loads(out)["partnership"]["slug"] == "checkout-revamp"


def test_a_review_of_another_partnership_is_refused(acme):
    partnership_make(acme)
    other = partnership_make(acme, "Pricing Council")
    review = review_make(acme, other)
    with pytest.raises(CommandError, match=r"No review .* of partnership 'checkout-revamp'"):
        _run("checkout-revamp", "--format", "json", "--review", str(review.uuid))
    with pytest.raises(CommandError, match="is not a review id"):
        _run("checkout-revamp", "--format", "json", "--review", "42")


def test_an_unwritable_output_fails_clearly(acme, tmp_path):
    partnership_make(acme)
    review_make(acme, partnership_make(acme, "Pricing Council"))
    target = tmp_path / "missing-dir" / "report.html"
    with pytest.raises(CommandError, match=r"Cannot write .*report\.html: No such file"):
        _run("pricing-council", "--format", "html", "-o", str(target))


def test_a_pdf_needs_an_output(acme):
    with pytest.raises(CommandError, match="A PDF needs -o FILE"):
        _run("checkout-revamp")


def test_nothing_named_asks_for_a_partnership_or_a_quarter(acme):
    with pytest.raises(CommandError, match="Name a partnership"):
        _run("--format", "html")


def test_quarterly_report_as_html(acme, tmp_path):
    partnership_make(acme)
    target = tmp_path / "q3.html"
    _run("--workspace", "acme", "--quarter", "2026-Q3", "--format", "html", "-o", str(target))
    html = target.read_text()
    assert "Acme Corp: Q3 2026" in html
    assert "Checkout Revamp" in html


def test_quarterly_report_input_errors(acme):
    with pytest.raises(CommandError, match="needs --workspace"):
        _run("--quarter", "2026-Q3", "--format", "html")
    with pytest.raises(CommandError, match="--quarter: quarter '2026-Q9' is not a quarter"):
        _run("--workspace", "acme", "--quarter", "2026-Q9", "--format", "html")
    with pytest.raises(CommandError, match="pdf or html"):
        _run("--workspace", "acme", "--quarter", "2026-Q3", "--format", "json")
    with pytest.raises(CommandError, match="leave out the partnership"):
        _run("checkout-revamp", "--workspace", "acme", "--quarter", "2026-Q3", "--format", "html")
