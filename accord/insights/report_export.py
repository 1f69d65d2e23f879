"""CSV and XLSX exports of a review pack's underlying data.

Both come from one list of tables (``export_tables``), one per section, each with fixed
columns (docs/reports.md lists them):

- XLSX: one sheet per table, a header row, numbers as numbers, dates as ISO text.
- CSV: one long-format file with the columns ``section, row, item, field, value`` — one line
  per cell of every table (``row`` numbers the table's rows from 1, ``item`` repeats the
  row's first column, so a pivot table rebuilds any section). One file opens anywhere; the
  XLSX has the wide tables.

Survey figures that were withheld have no value, only their reason — as on the page. Text
cells starting with = + - @ get a leading apostrophe in both formats (CSV injection, OWASP),
so no spreadsheet evaluates a name or title as a formula.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord.insights.report_render import pack_complete
from accord.org.importing import escape_cell

CSV_COLUMNS = ("section", "row", "item", "field", "value")


@dataclass(frozen=True)
class ExportTable:
    name: str  # the section, also the sheet name (≤ 31 characters)
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def export_tables(raw: Mapping[str, Any]) -> list[ExportTable]:
    """Every section of the pack as a table, in report order."""
    pack = pack_complete(raw)
    partnership, period, health = pack["partnership"], pack["period"], pack["health"]
    equity = pack["equity"]
    summary: list[tuple[Any, ...]] = [
        ("partnership", partnership["name"]),
        ("partnership_slug", partnership["slug"]),
        ("lead", partnership["lead"]),
        ("sponsor", partnership["sponsor"]),
        ("functions", ", ".join(partnership["functions"])),
        ("period_start", period["start"]),
        ("period_end", period["end"]),
        ("rhythm", period["rhythm"]),
        ("generated_at", pack["generated_at"]),
        ("health_score", health["score"]),
        ("health_change", health["change"]),
        ("health_covered_share", health["covered_share"]),
        ("health_as_of", health["as_of"]),
        ("actions_open", pack["actions"]["open"]),
        ("actions_done", pack["actions"]["done"]),
        ("actions_overdue", pack["actions"]["overdue"]),
    ]
    if equity:
        summary += [
            ("equity_gini_star", equity["gini_star"]),
            ("equity_evenness", equity["evenness"]),
            ("equity_contributors", equity["contributors"]),
            ("equity_members", equity["members"]),
        ]
    plays: list[tuple[Any, ...]] = []
    for play in pack["plays"]:
        head = (play["title"], play["play"], play["accepted_at"])
        counts = (play["actions_done"], play["actions_total"])
        if not play["signals"]:
            plays.append((*head, *counts, None, None, None, None))
        for signal in play["signals"]:
            plays.append(
                (
                    *head,
                    *counts,
                    signal["label"],
                    signal["before"],
                    signal["now"],
                    _yes_no(signal["improved"]),
                )
            )
    previous = pack["previous_review"]
    adjustments = (
        [
            (a["description"], a["kind"], previous["title"], previous["held_on"])
            for a in previous["adjustments"]
        ]
        if previous
        else []
    )
    return [
        ExportTable("summary", ("measure", "value"), summary),
        ExportTable(
            "health_components",
            (
                "component",
                "key",
                "value",
                "weight",
                "effective_weight",
                "status",
                "trend",
                "evidence",
            ),
            [
                (
                    c["label"],
                    c["key"],
                    c["value"],
                    c["weight"],
                    c["effective_weight"],
                    c["status"],
                    c["trend"],
                    c["evidence"],
                )
                for c in health["components"]
            ],
        ),
        ExportTable(
            "health_history",
            ("date", "score"),
            [(p["date"], p["score"]) for p in health["history"]],
        ),
        ExportTable(
            "kpis",
            ("kpi", "unit", "category", "direction", "target", "first", "latest", "on_target"),
            [
                (
                    k["name"],
                    k["unit"],
                    k["category"],
                    k["direction"],
                    k["target"],
                    k["first"],
                    k["latest"],
                    _yes_no(k["on_target"]),
                )
                for k in pack["kpis"]
            ],
        ),
        ExportTable(
            "kpi_measurements",
            ("kpi", "date", "value"),
            [(k["name"], p["date"], p["value"]) for k in pack["kpis"] for p in k["series"]],
        ),
        ExportTable(
            "goals",
            (
                "goal",
                "owner",
                "function",
                "status",
                "progress",
                "expected",
                "forecast_probability",
                "due_date",
            ),
            [
                (
                    g["title"],
                    g["owner"],
                    g["function"],
                    g["status"],
                    g["progress"],
                    g["expected"],
                    g["forecast_probability"],
                    g["due_date"],
                )
                for g in pack["goals"]
            ],
        ),
        ExportTable(
            "surveys",
            ("measure", "instrument", "cycle", "closed_on", "value", "scale", "status", "reason"),
            [
                (
                    f["label"],
                    s["instrument"],
                    s["cycle"],
                    s["closed_on"],
                    f["value"] if f["shown"] else None,
                    f["scale"],
                    "shown" if f["shown"] else "withheld",
                    "" if f["shown"] else f["reason"],
                )
                for s in pack["surveys"]
                for f in s["figures"]
            ],
        ),
        ExportTable(
            "decisions",
            ("decision", "decided_at", "decider", "outcome"),
            [(d["title"], d["decided_at"], d["decider"], d["outcome"]) for d in pack["decisions"]],
        ),
        ExportTable(
            "conflicts",
            ("conflict", "stage", "severity", "opened", "resolved", "days_open"),
            [
                (c["title"], c["stage"], c["severity"], c["opened"], c["resolved"], c["days_open"])
                for c in pack["conflicts"]
            ],
        ),
        ExportTable(
            "actions",
            ("action", "owner", "due_date", "status", "overdue"),
            [
                (a["title"], a["owner"], a["due_date"], a["status"], _yes_no(a["overdue"]))
                for a in pack["actions"]["items"]
            ],
        ),
        ExportTable(
            "plays",
            (
                "play",
                "play_key",
                "accepted_at",
                "actions_done",
                "actions_total",
                "signal",
                "before",
                "now",
                "improved",
            ),
            plays,
        ),
        ExportTable(
            "voice_share",
            ("group", "dimension", "voice_share", "headcount_share", "flagged"),
            [
                (
                    g["label"],
                    dimension,
                    g["voice_share"],
                    g["headcount_share"],
                    _yes_no(g["flagged"]),
                )
                for dimension, groups in (
                    ("level", equity["levels"] if equity else []),
                    ("function", equity["functions"] if equity else []),
                )
                for g in groups
            ],
        ),
        ExportTable(
            "adjustments",
            ("adjustment", "kind", "review", "held_on"),
            adjustments,
        ),
    ]


def _plain(value: Any) -> Any:
    """Numbers stay numbers; text is escaped against formula injection; None stays empty."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    return escape_cell(str(value))


def _csv_text(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def report_csv(raw: Mapping[str, Any]) -> bytes:
    """The long-format CSV (UTF-8 with a byte-order mark, so spreadsheets read accents)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for table in export_tables(raw):
        for number, row in enumerate(table.rows, start=1):
            item = _csv_text(row[0])
            for column, value in zip(table.columns[1:], row[1:], strict=True):
                writer.writerow([table.name, number, item, column, _csv_text(value)])
    return buffer.getvalue().encode("utf-8-sig")


def report_xlsx(raw: Mapping[str, Any], *, tables: Sequence[ExportTable] | None = None) -> bytes:
    """One sheet per section, a bold frozen header row, columns sized to their content."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables if tables is not None else export_tables(raw):
        sheet = workbook.create_sheet(title=table.name[:31])
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        widths = [len(column) for column in table.columns]
        for row in table.rows:
            values = [_plain(value) for value in row]
            sheet.append(values)
            for index, value in enumerate(values):
                widths[index] = max(widths[index], min(60, len(str(value or ""))))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width + 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
