"""People exports in the importer's own columns, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab / carriage return) would run as a formula in Excel
or LibreOffice ("CSV injection", OWASP); such cells get a leading apostrophe, which the
importer removes again, so an export imports back unchanged.
"""

import csv
import io
from collections.abc import Iterable, Mapping

from accord.org.importing import FIELDS, escape_cell

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def people_csv(rows: Iterable[Mapping[str, str]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accents and non-Latin names correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([escape_cell(str(row.get(name, "") or "")) for name in FIELDS])
    return buffer.getvalue().encode("utf-8-sig")


def people_xlsx(rows: Iterable[Mapping[str, str]], *, sheet_title: str = "People") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    widths = {
        "name": 24,
        "email": 30,
        "title": 24,
        "seniority": 18,
        "function": 16,
        "manager_email": 30,
        "location": 16,
        "timezone": 20,
        "skills": 36,
    }
    for index, name in enumerate(FIELDS):
        sheet.column_dimensions[chr(ord("A") + index)].width = widths[name]
    from openpyxl.cell import WriteOnlyCell

    header = []
    for name in FIELDS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for name in FIELDS:
            cell = WriteOnlyCell(sheet, value=escape_cell(str(row.get(name, "") or "")))
            # Text, never a formula: openpyxl would otherwise treat "=…" as one.
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
