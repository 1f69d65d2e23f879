"""Reading KPI measurement files: CSV with the columns date, value and (optionally) note.

Pure code, no database: `measurements_parse` checks every row and says which ones are bad and
why, with the line number people see in their spreadsheet (the header is line 1).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from accord.goals.numbers import NUMBER_MESSAGE, number_parse
from accord.goals.rows import MeasurementRow

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
TEMPLATE = "date,value,note\n2026-01-05,42,First week\n2026-01-12,44.5,\n"


@dataclass(frozen=True)
class RowProblem:
    line: int
    cells: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass
class ParsedMeasurements:
    valid: list[MeasurementRow] = field(default_factory=list)
    valid_lines: list[int] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    file_error: str = ""
    duplicates: list[int] = field(default_factory=list)


def measurements_decode(content: bytes) -> str:
    """The text of an uploaded file; ValueError with advice when it is not UTF-8 text."""
    if len(content) > MAX_BYTES:
        raise ValueError("The file is larger than 1 MB; split it into smaller files.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            "The file is not UTF-8 text. Save it as “CSV UTF-8 (Comma delimited)” and upload "
            "it again."
        ) from None


def measurements_parse(text: str, *, today: date) -> ParsedMeasurements:
    parsed = ParsedMeasurements()
    sample = text[:2048]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = list(reader)
    if not rows:
        parsed.file_error = "The file is empty. The first line must name the columns: date,value."
        return parsed
    header = [cell.strip().lower() for cell in rows[0]]
    if "date" not in header or "value" not in header:
        parsed.file_error = (
            "The first line must name the columns date and value (and optionally note); "
            f"found: {', '.join(cell for cell in rows[0] if cell) or 'nothing'}."
        )
        return parsed
    if len(rows) - 1 > MAX_ROWS:
        parsed.file_error = f"The file has more than {MAX_ROWS} rows; split it into smaller files."
        return parsed
    date_at, value_at = header.index("date"), header.index("value")
    note_at = header.index("note") if "note" in header else None
    seen: dict[date, int] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        reasons: list[str] = []

        def cell(index: int | None, cells: list[str] = cells) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        raw_date, raw_value, note = cell(date_at), cell(value_at), cell(note_at)
        when: date | None = None
        try:
            when = date.fromisoformat(raw_date)
        except ValueError:
            reasons.append(f"date “{raw_date}” is not a date; write it as YYYY-MM-DD.")
        if when is not None and when > today:
            reasons.append(f"date {when} is in the future.")
        number = 0.0
        try:
            number = number_parse(raw_value)
        except ValueError:
            reasons.append(f"value “{raw_value}”: {NUMBER_MESSAGE}.")
        if len(note) > 300:
            reasons.append("note is longer than 300 characters.")
        if when is not None and when in seen and not reasons:
            reasons.append(f"date {when} already appears on line {seen[when]}.")
        if reasons or when is None:
            parsed.rejected.append(RowProblem(line, tuple(cells), tuple(reasons)))
            continue
        seen[when] = line
        parsed.valid.append(MeasurementRow(date=when, value=number, note=note))
        parsed.valid_lines.append(line)
    if not parsed.valid and not parsed.rejected:
        parsed.file_error = "The file has a header but no rows."
    return parsed
