"""CSV and XLSX exports of a review pack: every section's data, withheld survey figures without
a value, formula injection neutralised."""

import csv
import io

from openpyxl import load_workbook

from accord.insights.report_export import CSV_COLUMNS, export_tables, report_csv, report_xlsx
from accord.insights.tests.report_pack_sample import sample_pack

SHEETS = [
    "summary",
    "health_components",
    "health_history",
    "kpis",
    "kpi_measurements",
    "goals",
    "surveys",
    "decisions",
    "conflicts",
    "actions",
    "plays",
    "voice_share",
    "adjustments",
]


def _csv_rows(pack):
    text = report_csv(pack).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _sheet_rows(pack, name):
    workbook = load_workbook(io.BytesIO(report_xlsx(pack)))
    return [list(row) for row in workbook[name].iter_rows(values_only=True)]


def test_xlsx_has_one_sheet_per_section_with_the_data():
    workbook = load_workbook(io.BytesIO(report_xlsx(sample_pack())))
    assert workbook.sheetnames == SHEETS
    summary = {row[0]: row[1] for row in workbook["summary"].iter_rows(values_only=True)}
    assert summary["partnership"] == "Checkout Revamp"
    assert summary["health_score"] == 68.4
    kpis = list(workbook["kpis"].iter_rows(values_only=True))
    assert kpis[0] == (
        "kpi",
        "unit",
        "category",
        "direction",
        "target",
        "first",
        "latest",
        "on_target",
    )
    assert kpis[1] == (
        "Checkout conversion",
        "%",
        "revenue growth",
        "increase",
        4.5,
        3.1,
        3.9,
        "no",
    )
    measurements = list(workbook["kpi_measurements"].iter_rows(values_only=True))
    assert ("Refund handling time", "2026-10-30", 2.8) in measurements
    plays = list(workbook["plays"].iter_rows(values_only=True))
    assert len(plays) == 1 + 3  # one row per signal


def test_withheld_survey_figures_have_no_value_in_either_export():
    pack = sample_pack()
    pack["surveys"][0]["figures"][1]["value"] = 2.17
    rows = _sheet_rows(pack, "surveys")
    withheld = next(row for row in rows if row[0] == "Timely communication")
    assert withheld[4] is None
    assert withheld[6] == "withheld"
    assert withheld[7] == "Fewer than 5 respondents in this group"
    values = [r["value"] for r in _csv_rows(pack) if r["section"] == "surveys"]
    assert "2.17" not in values


def test_csv_is_long_format_with_a_section_column():
    rows = _csv_rows(sample_pack())
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert {row["section"] for row in rows} == set(SHEETS)
    score = next(r for r in rows if r["section"] == "summary" and r["item"] == "health_score")
    assert score["value"] == "68.4"
    latest = next(
        r
        for r in rows
        if r["section"] == "kpis" and r["item"] == "Refund handling time" and r["field"] == "latest"
    )
    assert latest["value"] == "2.8"
    assert latest["row"] == "2"


def test_csv_covers_every_cell_of_every_table():
    pack = sample_pack()
    cells = sum(len(t.rows) * (len(t.columns) - 1) for t in export_tables(pack))
    assert len(_csv_rows(pack)) == cells


def test_formula_injection_is_neutralised_in_csv_and_xlsx():
    """Text starting with = + - @ gets a leading apostrophe; numbers stay numbers."""
    pack = sample_pack()
    pack["goals"][0]["title"] = '=HYPERLINK("http://evil.test","click")'
    pack["goals"][0]["owner"] = "+1 555"
    pack["decisions"][0]["outcome"] = "@SUM(A1)"
    pack["actions"]["items"][0]["title"] = "-2+3"
    rows = _sheet_rows(pack, "goals")
    assert rows[1][0] == '\'=HYPERLINK("http://evil.test","click")'
    assert rows[1][1] == "'+1 555"
    decisions = _sheet_rows(pack, "decisions")
    assert decisions[1][3] == "'@SUM(A1)"
    text = report_csv(pack).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "'-2+3" in text
    assert "'@SUM(A1)" in text
    for line in csv.reader(io.StringIO(text)):
        for cell in line:
            assert not cell.startswith(("=", "+", "@")), cell
    # A negative number stays a number.
    pack["kpis"][0]["latest"] = -1.5
    assert _sheet_rows(pack, "kpis")[1][6] == -1.5


def test_a_pack_without_equity_or_previous_review_exports_empty_sheets():
    pack = sample_pack(equity=None, previous_review=None, plays=[])
    workbook = load_workbook(io.BytesIO(report_xlsx(pack)))
    assert workbook["voice_share"].max_row == 1
    assert workbook["adjustments"].max_row == 1
    assert workbook["plays"].max_row == 1
