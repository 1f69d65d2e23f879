"""RACI matrix export (CSV / XLSX) and import with a preview.

The file has one row per cell: deliverable, person_email, letter. Export and import use the
same columns, so an exported file imports back unchanged. An import is planned first (every
row is create, update, unchanged or rejected, with its line number) and written only when the
user confirms: nothing if any row is rejected, unless they chose to apply the valid rows only.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from accord.governance.models import Deliverable
from accord.governance.raci_actions import CellChange
from accord.governance.raci_selectors import raci_assignment_list
from accord.metrics.raci import LETTERS
from accord.org.importing import ImportFileError, escape_cell, header_key, megabytes, unescape_cell
from accord.org.models import Person
from accord.partnerships.models import Partnership

COLUMNS = ("deliverable", "person_email", "letter")
HEADERS = {
    "deliverable": "deliverable",
    "workstream": "deliverable",
    "person email": "person_email",
    "email": "person_email",
    "person": "person_email",
    "letter": "letter",
    "role": "letter",
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"


__all__ = ["ImportFileError"]


# --- export ---------------------------------------------------------------------------------


def raci_export_rows(*, partnership: Partnership) -> list[tuple[str, str, str]]:
    return [
        (a.deliverable.name, a.person.email, a.letter)
        for a in raci_assignment_list(partnership=partnership)
    ]


def raci_csv(rows: Iterable[tuple[str, str, str]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens accents correctly); formula-safe cells."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([escape_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def raci_xlsx(rows: Iterable[tuple[str, str, str]], *, title: str = "RACI") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "RACI")
    for letter, width in zip("ABC", (40, 32, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=escape_cell(value))
            cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading a file -------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceLine:
    """One data row of the file; `line` counts the header as line 1."""

    line: int
    deliverable: str
    email: str
    letter: str


def _table(content: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx" or content.startswith(b"PK\x03\x04"):
        return _xlsx_table(content)
    if extension not in {"csv", "txt", ""}:
        raise ImportFileError(f"“{filename}” is not a CSV or .xlsx file. Upload a .csv or .xlsx.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (line {line}). Save it as “CSV UTF-8” or upload the "
            ".xlsx file itself."
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return iter(list(enumerate(reader, start=1)))
    except csv.Error as error:
        raise ImportFileError(f"The CSV file is malformed: {error}.") from None


def _xlsx_table(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [
            (number, ["" if value is None else str(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        workbook.close()
    except Exception:
        # openpyxl raises many exception types (zip, XML, its own) for a damaged workbook.
        raise ImportFileError(
            "The .xlsx file could not be read; open it in Excel or LibreOffice, save it again "
            "and upload that."
        ) from None
    return iter(rows)


def raci_file_read(content: bytes, filename: str) -> list[SourceLine]:
    """The file's data rows, or ImportFileError saying what is wrong with the whole file."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {megabytes(len(content))} MB; the limit is {megabytes(MAX_BYTES)} MB."
        )
    if not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileError(
            "The file is empty. Upload a CSV or .xlsx file with the columns deliverable, "
            "person_email and letter."
        )
    table = _table(content, filename)
    positions: dict[str, int] = {}
    for _number, cells in table:
        if not any(cell.strip() for cell in cells):
            continue
        for index, title in enumerate(cells):
            column = HEADERS.get(header_key(title))
            if column and column not in positions:
                positions[column] = index
        break
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        raise ImportFileError(
            f"The file has no {' and no '.join(missing)} column. The first row should name the "
            f"columns: {', '.join(COLUMNS)} (as in the export)."
        )
    lines: list[SourceLine] = []
    for number, cells in table:
        if not any(cell.strip() for cell in cells):
            continue
        if len(lines) >= MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows; split it.")

        def cell(column: str, cells: list[str] = cells) -> str:
            index = positions[column]
            return unescape_cell(cells[index].strip()) if index < len(cells) else ""

        lines.append(
            SourceLine(
                line=number,
                deliverable=cell("deliverable"),
                email=cell("person_email"),
                letter=cell("letter"),
            )
        )
    return lines


def raci_lines_dump(lines: Iterable[SourceLine]) -> str:
    """The parsed rows as JSON, carried by the preview's confirm form."""
    return json.dumps([[s.line, s.deliverable, s.email, s.letter] for s in lines])


def raci_lines_load(text: str) -> list[SourceLine]:
    try:
        raw: Any = json.loads(text)
        return [SourceLine(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in raw]
    except (ValueError, TypeError, IndexError, KeyError):
        raise ImportFileError(
            "The preview expired or was changed; upload the file again."
        ) from None


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRow:
    line: int
    deliverable: str
    email: str
    letter: str
    status: str
    message: str
    person: Person | None = None
    before: str | None = None

    @property
    def writes(self) -> bool:
        return self.status in {CREATE, UPDATE}

    def change(self) -> CellChange:
        assert self.person is not None
        return CellChange(
            deliverable_name=self.deliverable, person=self.person, letter=self.letter or None
        )


@dataclass(frozen=True)
class ImportPlan:
    rows: list[PlannedRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def rejected(self) -> int:
        return self.count(REJECTED)

    @property
    def changes(self) -> list[CellChange]:
        return [row.change() for row in self.rows if row.writes]


def raci_import_plan(*, partnership: Partnership, lines: list[SourceLine]) -> ImportPlan:
    """What each row would do, checked against the stored matrix (3 queries)."""
    workspace = partnership.workspace
    deliverables = {
        d.name.lower(): d
        for d in Deliverable.objects.filter(workspace=workspace, partnership=partnership)
    }
    emails = {line.email.lower() for line in lines if line.email}
    people: dict[str, Person] = {
        p.email.lower(): p
        for p in Person.objects.filter(workspace=workspace, email__in=list(emails)).only(
            "pk", "uuid", "name", "email", "workspace_id"
        )
    }
    # Case-insensitive email match when the stored case differs from the file's.
    if len(people) < len(emails):
        for someone in Person.objects.filter(workspace=workspace).only(
            "pk", "uuid", "name", "email", "workspace_id"
        ):
            people.setdefault(someone.email.lower(), someone)
    current = {
        (a.deliverable.name.lower(), a.person.email.lower()): a.letter
        for a in raci_assignment_list(partnership=partnership)
    }
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for line in lines:
        key = (line.deliverable.lower(), line.email.lower())
        deliverable = deliverables.get(key[0])
        mode = deliverable.mode if deliverable else Deliverable.Mode.RACI
        letter = line.letter.strip().upper()
        person = people.get(key[1])
        problem = None
        if not line.deliverable:
            problem = "No deliverable named."
        elif len(line.deliverable) > 200:
            problem = "The deliverable name is longer than 200 characters."
        elif not line.email:
            problem = "No person email."
        elif person is None:
            problem = f"Nobody with the email {line.email} is in this workspace."
        elif letter and letter not in LETTERS[mode]:
            allowed = ", ".join(LETTERS[mode])
            problem = f"“{line.letter}” is not a role here; use {allowed}, or leave it empty."
        elif key in seen:
            problem = f"Line {seen[key]} already sets this person on this deliverable."
        if problem:
            rows.append(_row(line, letter, REJECTED, problem))
            continue
        seen[key] = line.line
        before = current.get(key)
        value = letter or None
        if before == value:
            status, message = UNCHANGED, "Already so."
        elif before is None:
            status = CREATE
            message = f"Adds {letter}." if deliverable else f"Adds {letter} on a new deliverable."
        else:
            status = UPDATE
            message = f"{before} → {letter or 'no role'}."
        rows.append(_row(line, letter, status, message, person=person, before=before))
    return ImportPlan(rows=rows)


def _row(line: SourceLine, letter: str, status: str, message: str, **extra: Any) -> PlannedRow:
    return PlannedRow(
        line=line.line,
        deliverable=line.deliverable,
        email=line.email,
        letter=letter,
        status=status,
        message=message,
        **extra,
    )
