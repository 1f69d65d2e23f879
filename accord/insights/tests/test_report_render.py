"""The review pack rendered as a report: summary sentences, every section, escaping of hostile
pack strings, withheld survey figures, charts with text alternatives, and the PDF."""

import io
import re

import pytest
from pypdf import PdfReader

from accord.insights import report_charts as charts
from accord.insights.report_render import (
    pack_complete,
    period_label,
    report_context,
    report_filename,
    report_html,
    report_pdf,
    report_summary,
)
from accord.insights.tests.report_pack_sample import sample_pack

SECTIONS = (
    "report-cover",
    "report-summary",
    "report-health",
    "report-kpis",
    "report-goals",
    "report-surveys",
    "report-decisions",
    "report-conflicts",
    "report-actions",
    "report-plays",
    "report-equity",
    "report-adjustments",
)
HOSTILE = '<script>alert("x")</script>'


def _health(**fields):
    pack = sample_pack()
    pack["health"] = {**pack["health"], **fields}
    return pack


def test_summary_says_how_health_moved_and_what_is_behind():
    """The executive summary states the health change, goals behind, conflicts and plays."""
    summary = report_summary(sample_pack())
    assert summary[0] == "Health rose 12 points to 68."
    assert "2 of 3 goals are behind or at risk." in summary
    assert "1 conflict open, 1 resolved in the period." in summary
    assert "1 of 2 KPIs with a target meet it." in summary
    assert "4 actions open (1 overdue), 3 done." in summary
    assert "2 accepted plays; 1 improved the signal that prompted it." in summary
    assert any(s.startswith("The weakest part is decision velocity (34)") for s in summary)


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"change": -4.6}, "Health fell 5 points to 68."),
        ({"change": 0.3}, "Health held steady at 68."),
        ({"change": 1.0}, "Health rose 1 point to 68."),
        (
            {"change": None},
            "Health is 68; there is no earlier score in the period to compare with.",
        ),
        (
            {"score": None, "change": None, "covered_share": 0.3},
            "There is not enough data for a health score (30% of the weight has data).",
        ),
    ],
)
def test_health_sentence(fields, sentence):
    assert report_summary(_health(**fields))[0] == sentence


def test_the_html_document_has_every_section():
    html = report_html(sample_pack())
    for section in SECTIONS:
        assert f'id="{section}"' in html, section
    assert "Checkout Revamp" in html
    assert "data-score>68<" in html
    assert "Executive summary" in html


def test_a_withheld_survey_figure_shows_its_reason_never_a_number():
    pack = sample_pack()
    pack["surveys"][0]["figures"][1]["value"] = 2.17  # a value must never leak when withheld
    html = report_html(pack)
    assert "Fewer than 5 respondents in this group" in html
    assert "2.17" not in html
    assert "3.80" in html


def test_no_data_components_are_marked_not_zero():
    context = report_context(sample_pack())
    safety = next(c for c in context["components"] if c["key"] == "psych_safety")
    assert "no data" in str(safety["meter"])
    html = report_html(sample_pack())
    assert 'class="report-nodata"' in html


def test_hostile_strings_in_the_pack_are_escaped():
    """Names, titles, evidence, flags and reasons from the pack never become markup."""
    pack = sample_pack()
    pack["partnership"]["name"] = HOSTILE
    pack["goals"][0]["title"] = HOSTILE
    pack["health"]["components"][0]["label"] = HOSTILE
    pack["health"]["components"][0]["evidence"] = HOSTILE
    pack["kpis"][0]["name"] = HOSTILE
    pack["equity"]["levels"][0]["label"] = HOSTILE
    pack["equity"]["flags"] = [HOSTILE]
    pack["surveys"][0]["figures"][1]["reason"] = HOSTILE
    pack["previous_review"]["adjustments"][0]["description"] = HOSTILE
    pack["plays"][0]["signals"][0]["label"] = HOSTILE
    html = report_html(pack)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_partial_pack_renders_with_empty_sections():
    """A pack missing sections (an older shape) still renders, saying what is empty."""
    pack = {
        "partnership": {"name": "Bare", "slug": "bare"},
        "period": {"start": "2026-10-01", "end": "2026-10-31"},
    }
    completed = pack_complete(pack)
    assert completed["goals"] == []
    assert completed["equity"] is None
    html = report_html(pack)
    assert "No goals in this partnership." in html
    assert "This is the first review." in html
    assert "No score" in html


def test_charts_carry_a_title_and_a_description():
    context = report_context(sample_pack())
    trend = str(context["health_chart"])
    assert '<title id="health-trend-title">Health score over time</title>' in trend
    assert "latest 68" in trend
    assert 'role="img"' in trend
    voice = str(context["voice_levels_chart"])
    assert "Individual contributor: 17% against 42% headcount share (flagged)" in voice
    functions = str(context["voice_functions_chart"])
    assert "Engineering: withheld (group too small)" in functions
    spark = str(context["kpis"][0]["spark"])
    assert "target 4.5 (dashed line)" in spark
    assert context["kpis"][2]["spark"] is None  # no measurements


def test_chart_text_is_escaped():
    chart = charts.value_bars_svg(
        [charts.ValueBar(HOSTILE, 50)], ident='x" onload="evil', title=HOSTILE
    )
    assert "<script>" not in str(chart)
    assert 'onload="evil' not in str(chart)


def test_health_trend_without_scores_draws_nothing():
    assert charts.health_trend_svg([charts.TrendPoint("2026-10-01", None)], ident="t") is None


def test_kpi_change_is_judged_by_its_direction():
    kpis = report_context(sample_pack())["kpis"]
    assert kpis[0]["change_label"] == "+0.8"
    assert kpis[0]["better"] is True  # conversion up, higher is better
    assert kpis[1]["change_label"] == "-3.7"
    assert kpis[1]["better"] is True  # handling time down, lower is better
    assert kpis[2]["change_label"] == "—"


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        ("2026-10-01", "2026-10-31", "1–31 Oct 2026"),
        ("2026-10-01", "2026-12-31", "1 Oct – 31 Dec 2026"),
        ("2026-12-01", "2027-01-31", "1 Dec 2026 – 31 Jan 2027"),
    ],
)
def test_period_label(start, end, label):
    assert period_label(start, end) == label


def test_filename_names_the_partnership_and_period():
    assert (
        report_filename(sample_pack(), "pdf")
        == "checkout-revamp-review-2026-10-01-to-2026-10-31.pdf"
    )
    pack = sample_pack()
    pack["partnership"]["slug"] = '../"evil\r\n'
    assert re.fullmatch(r"[a-z0-9-]+\.pdf", report_filename(pack, "pdf"))


def test_the_pdf_has_pages_the_partnership_name_and_the_health_score():
    """The PDF starts with %PDF, runs over several pages and its text carries the
    partnership's name, the score, page numbers and withheld reasons."""
    document = report_pdf(sample_pack())
    assert document.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Checkout Revamp" in text
    assert re.search(r"\b68\s*/\s*100", text)
    assert f"Page 2 of {len(reader.pages)}" in text
    assert "Fewer than 5 respondents in this group" in text
