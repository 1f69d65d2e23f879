"""Reading people files (CSV, XLSX) and planning an import: pure code, no database.

`read_people_file` turns uploaded bytes into rows of text keyed by column; `plan_import` takes
those rows and a snapshot of the directory and says, row by row, what an import would do
(create, update with before → after, unchanged, or reject with reasons). The database layer
(`accord.org.actions.person_import_apply`) only loads the snapshot and writes the plan.

File rules, as users see them:
- Header names are matched case- and space-insensitively, with a few synonyms.
- Required columns: name and email. Email is the key (case-insensitive): an existing person
  with that email is updated, otherwise a person is created.
- A column that is present sets the field for every row; an empty cell clears it (an empty
  seniority keeps the current level). A column that is absent leaves the field alone.
- Cells that an export escaped against formula injection ('=…, '+…, '-…, '@…) are unescaped,
  so an exported file imports back unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# The order of the columns in exports and templates.
FIELDS: tuple[str, ...] = (
    "name",
    "email",
    "title",
    "seniority",
    "function",
    "manager_email",
    "location",
    "timezone",
    "skills",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "email")

HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "person", "employee", "display name", "person name"),
    "email": ("email", "e mail", "email address", "e mail address", "work email", "mail"),
    "title": ("title", "job title", "position", "role", "job"),
    "seniority": ("seniority", "level", "seniority level", "grade", "band"),
    "function": ("function", "department", "functional area", "team", "dept"),
    "manager_email": (
        "manager email",
        "manager",
        "manager e mail",
        "reports to",
        "line manager",
        "line manager email",
        "manager email address",
        "supervisor email",
    ),
    "location": ("location", "office", "city", "site"),
    "timezone": ("timezone", "time zone", "tz"),
    "skills": ("skills", "skill", "skills and levels"),
}
_HEADER_LOOKUP = {alias: name for name, aliases in HEADER_SYNONYMS.items() for alias in aliases}

# Mirrors accord.org.models.Seniority (a test keeps the two in step).
SENIORITY_LEVELS: dict[int, tuple[str, str]] = {
    1: ("ic", "Individual contributor"),
    2: ("senior_ic", "Senior individual contributor"),
    3: ("manager", "Manager"),
    4: ("director", "Director"),
    5: ("executive", "Executive"),
}
_SENIORITY_WORDS: dict[str, int] = {}
for _level, (_code, _label) in SENIORITY_LEVELS.items():
    _SENIORITY_WORDS[str(_level)] = _level
    _SENIORITY_WORDS[_code] = _level
    _SENIORITY_WORDS[_code.replace("_", " ")] = _level
    _SENIORITY_WORDS[_label.lower()] = _level
_SENIORITY_WORDS.update({"senior": 2, "exec": 5, "individual": 1})

MAX_LENGTHS = {
    "name": 150,
    "email": 254,
    "title": 120,
    "location": 120,
    "timezone": 64,
    "function": 80,
}
SKILL_NAME_MAX = 80
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
ACTIONS = (CREATE, UPDATE, UNCHANGED, REJECT)

SAVE_AS_UTF8 = (
    "In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)”; in LibreOffice tick "
    "“Edit filter settings” when saving and pick “Unicode (UTF-8)”; or upload the .xlsx file "
    "itself."
)


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading files --------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """One data row: its number in the file (header is row 1), its cells, and its problems."""

    number: int
    values: dict[str, str]
    problems: tuple[str, ...] = ()

    def as_json(self) -> list[Any]:
        return [self.number, self.values, list(self.problems)]

    @classmethod
    def from_json(cls, raw: list[Any]) -> SourceRow:
        return cls(number=int(raw[0]), values=dict(raw[1]), problems=tuple(raw[2]))


@dataclass(frozen=True)
class ParsedFile:
    file_format: str
    columns: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    rows: list[SourceRow]


def header_key(text: str) -> str:
    """'Manager_E-mail ' → 'manager e mail': the form header synonyms are written in."""
    return re.sub(r"[\s_\-./]+", " ", text.replace("\ufeff", "").strip().lower()).strip()


def unescape_cell(text: str) -> str:
    """Undo the export's formula escaping: "'=SUM(A1)" → "=SUM(A1)"."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def escape_cell(text: str) -> str:
    """Make a cell safe to open in a spreadsheet: text starting = + - @ gets a leading '."""
    if text and text[0] in FORMULA_PREFIXES:
        return "'" + text
    return text


def read_people_file(content: bytes, filename: str, *, max_bytes: int, max_rows: int) -> ParsedFile:
    """Parse a CSV or XLSX upload into rows, or raise ImportFileError saying what is wrong."""
    if len(content) > max_bytes:
        raise ImportFileError(
            f"The file is {megabytes(len(content))} MB; the limit is "
            f"{megabytes(max_bytes)} MB. Split it into smaller files and import them one "
            "after the other."
        )
    if not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError("The file is empty. Upload a CSV or Excel file with a header row.")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "This is an old Excel (.xls) file or a password-protected workbook. Save it as "
            "“Excel Workbook (.xlsx)” or as “CSV UTF-8”, without a password, and upload that."
        )
    if extension == "xlsx" or content.startswith(b"PK\x03\x04"):
        if extension not in {"xlsx", ""}:
            raise ImportFileError(
                f"“{filename}” is not a CSV or .xlsx file. Upload a .csv or .xlsx file."
            )
        table = _xlsx_cells(content, max_rows=max_rows)
        file_format = "xlsx"
    elif extension in {"csv", "txt", "tsv", ""}:
        table = _csv_cells(content, max_rows=max_rows)
        file_format = "csv"
    else:
        raise ImportFileError(
            f"“{filename}” is not a CSV or .xlsx file. Upload a .csv or .xlsx file "
            "(from Excel: File › Save As › Excel Workbook or CSV UTF-8)."
        )
    return _rows_from_table(table, file_format=file_format, max_rows=max_rows)


def megabytes(size: int) -> str:
    """1536 KiB → '1.5'; small sizes keep two significant digits ('0.02')."""
    value = size / (1024 * 1024)
    if value < 1:
        return f"{value:.2g}"
    return f"{value:.1f}".removesuffix(".0")


def _decode_text(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        if encoding == "utf-16":
            raise ImportFileError(
                f"The file says it is UTF-16 text but line {line} is not valid UTF-16. "
                + SAVE_AS_UTF8
            ) from None
        raise ImportFileError(
            f"The file is not UTF-8 text (the first unreadable character is on line {line}). "
            + SAVE_AS_UTF8
        ) from None


def _csv_cells(content: bytes, *, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    text = _decode_text(content)
    if "\x00" in text:
        raise ImportFileError(
            "The file contains binary data, not CSV text. Upload a .csv or .xlsx file."
        )
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    return _csv_rows(text, delimiter)


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(
                f"The CSV file is malformed at row {number + 1} (line {reader.line_num}): "
                f'{error}. Check that quoted cells start and end with a double quote ("), '
                "or open the file in a spreadsheet and save it again as CSV UTF-8."
            ) from None
        number += 1
        yield number, cells


def _xlsx_cells(content: bytes, *, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    damaged = (
        "The .xlsx file could not be read; it may be damaged or not really an Excel "
        "workbook. Open it in Excel or LibreOffice, save it again as .xlsx (or CSV UTF-8), "
        "and upload that."
    )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
        raise ImportFileError(damaged) from None
    except Exception:
        # openpyxl raises its own and lxml's exception types for malformed parts.
        raise ImportFileError(damaged) from None
    if not workbook.worksheets:
        raise ImportFileError("The workbook has no sheets. Put the people on the first sheet.")
    sheet = workbook.worksheets[0]

    def cells() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_xlsx_text(value) for value in values]
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(damaged) from None
        finally:
            workbook.close()

    return cells()


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _rows_from_table(
    table: Iterable[tuple[int, list[str]]], *, file_format: str, max_rows: int
) -> ParsedFile:
    iterator = iter(table)
    header: list[str] | None = None
    for _number, cells in iterator:
        if any(cell.strip() for cell in cells):
            header = cells
            break
    if header is None:
        raise ImportFileError("The file is empty. Upload a CSV or Excel file with a header row.")

    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, raw in enumerate(header):
        title = raw.replace("\ufeff", "").strip()
        if not title:
            continue
        canonical = _HEADER_LOOKUP.get(header_key(title))
        if canonical is None:
            ignored.append(title)
        elif canonical in positions:
            first = header[positions[canonical]].strip()
            raise ImportFileError(
                f"The columns “{first}” and “{title}” both mean {canonical}. Keep one of them."
            )
        else:
            positions[canonical] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        found = ", ".join(f"“{h.strip()}”" for h in header if h.strip()) or "none"
        raise ImportFileError(
            f"The file has no {' and no '.join(missing)} column. Required columns: "
            f"{', '.join(REQUIRED_COLUMNS)}. Optional: "
            f"{', '.join(f for f in FIELDS if f not in REQUIRED_COLUMNS)}. "
            f"The first row of the file should name the columns; found {found}."
        )

    width = len(header)
    rows: list[SourceRow] = []
    for number, cells in iterator:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= max_rows:
            raise ImportFileError(
                f"The file has more than {max_rows:,} people; the limit is {max_rows:,} rows "
                "per import. Split it into smaller files."
            )
        problems: list[str] = []
        extra = [cell for cell in cells[width:] if cell.strip()]
        if extra:
            problems.append(
                f"Has {len(cells)} cells but the header names {width} columns; "
                "check for an unquoted comma."
            )
        values = {
            name: unescape_cell(cells[index].strip()) if index < len(cells) else ""
            for name, index in positions.items()
        }
        rows.append(SourceRow(number=number, values=values, problems=tuple(problems)))
    if not rows:
        raise ImportFileError(
            "The file has a header row but no people under it. Add one row per person."
        )
    ordered = tuple(name for name in FIELDS if name in positions)
    return ParsedFile(
        file_format=file_format, columns=ordered, ignored_columns=tuple(ignored), rows=rows
    )


# --- cell values ------------------------------------------------------------------------------


def seniority_parse(text: str) -> int | None:
    """'Manager', 'manager', '3', '3.0', 'senior_ic' → level; None when not recognized."""
    key = header_key(text).replace(" ", "_")
    if key in _SENIORITY_WORDS:
        return _SENIORITY_WORDS[key]
    key = header_key(text)
    if key in _SENIORITY_WORDS:
        return _SENIORITY_WORDS[key]
    if re.fullmatch(r"[1-5](\.0+)?", text.strip()):
        return int(float(text))
    return None


def seniority_label(level: int | None) -> str:
    return SENIORITY_LEVELS[level][1] if level in SENIORITY_LEVELS else ""


def skills_parse(text: str) -> tuple[dict[str, int], list[str]]:
    """'Python:4; SQL: 3' → ({'Python': 4, 'SQL': 3}, problems). Lines, ';' or ',' separate."""
    skills: dict[str, int] = {}
    seen: dict[str, str] = {}
    problems: list[str] = []
    for part in re.split(r"[;,\n]", text):
        part = part.strip()
        if not part:
            continue
        name, separator, level_text = part.rpartition(":")
        if not separator:
            name, level_text = part, ""
        name = " ".join(name.split())
        level_text = level_text.strip()
        if not name:
            problems.append(f"Skill “{part}” has no name; write it as Name: level.")
            continue
        if len(name) > SKILL_NAME_MAX:
            problems.append(f"Skill name “{name[:20]}…” is longer than {SKILL_NAME_MAX}.")
            continue
        if not re.fullmatch(r"[1-5](\.0+)?", level_text):
            problems.append(
                f"Skill “{name}” needs a level from 1 (learning) to 5 (expert), e.g. “{name}: 3”."
            )
            continue
        if name.lower() in seen:
            problems.append(f"Skill “{name}” is listed twice.")
            continue
        seen[name.lower()] = name
        skills[name] = int(float(level_text))
    return skills, problems


def skills_text(skills: Mapping[str, int]) -> str:
    """The format the importer reads and exports write: 'Python:4; SQL:3'."""
    return "; ".join(f"{name}:{level}" for name, level in sorted(skills.items(), key=_ci))


def _ci(item: tuple[str, int]) -> str:
    return item[0].lower()


@cache
def _timezones() -> dict[str, str]:
    import zoneinfo

    return {name.lower(): name for name in zoneinfo.available_timezones()}


def timezone_canonical(text: str) -> str | None:
    """'europe/paris' → 'Europe/Paris'; None when it is not an IANA time zone name."""
    return _timezones().get(text.strip().lower())


def timezone_names() -> list[str]:
    return sorted(_timezones().values())


def email_is_valid(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


# --- planning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRecord:
    """What the directory holds for one person, in the importer's terms."""

    email: str
    name: str
    title: str = ""
    seniority: int = 1
    function: str | None = None
    manager_email: str | None = None
    location: str = ""
    timezone: str = ""
    skills: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Directory:
    """A snapshot of the workspace: people by lower-case email, function and skill names."""

    people: Mapping[str, PersonRecord]
    functions: Iterable[str] = ()
    skills: Iterable[str] = ()


@dataclass
class RowPlan:
    row: int
    email: str
    name: str
    action: str
    # The values to write (create: every field; update: the changed fields only).
    values: dict[str, Any] = field(default_factory=dict)
    # Field → (before, after), as text for people to read.
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    columns: tuple[str, ...]
    new_functions: list[str]
    missing_functions: list[str]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def writes(self) -> int:
        counts = self.counts
        return counts[CREATE] + counts[UPDATE]

    @property
    def digest(self) -> str:
        """Fingerprint of what applying would do, to check the preview is still true."""
        payload = [
            [row.row, row.action, sorted(row.changes.items()), row.reasons] for row in self.rows
        ]
        text = json.dumps([payload, self.new_functions], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def plan_import(
    rows: Iterable[SourceRow],
    directory: Directory,
    *,
    columns: Iterable[str],
    create_missing_functions: bool = False,
) -> ImportPlan:
    """Decide, row by row, what importing these rows into the directory would do."""
    columns = tuple(columns)
    present = set(columns)
    functions = {name.lower(): name for name in directory.functions}
    skill_names = {name.lower(): name for name in directory.skills}
    plans: list[RowPlan] = []
    wanted: dict[int, dict[str, Any]] = {}
    rows_by_email: dict[str, list[int]] = {}

    for source in rows:
        values, reasons = _normalize(source, present, functions, skill_names)
        email = values.get("email", "")
        plan = RowPlan(
            row=source.number,
            email=email or source.values.get("email", ""),
            name=values.get("name") or source.values.get("name", ""),
            action=REJECT,
            reasons=[*source.problems, *reasons],
        )
        plans.append(plan)
        wanted[plan.row] = values
        if email:
            rows_by_email.setdefault(email, []).append(plan.row)

    by_row = {plan.row: plan for plan in plans}
    for email, numbers in rows_by_email.items():
        if len(numbers) > 1:
            for number in numbers:
                others = ", ".join(str(n) for n in numbers if n != number)
                by_row[number].reasons.append(
                    f"{email} also appears on row{'s' if len(numbers) > 2 else ''} {others}; "
                    "each person can appear only once."
                )

    # Unknown functions: create them when asked, else reject the rows that name them.
    missing: dict[str, str] = {}
    for plan in plans:
        name = wanted[plan.row].get("function")
        if name and name.lower() not in functions:
            missing.setdefault(name.lower(), name)
            if not create_missing_functions:
                plan.reasons.append(
                    f"There is no function called “{name}”. Add it under Functions first, "
                    "or choose to create missing functions."
                )
    for plan in plans:
        values = wanted[plan.row]
        if plan.reasons:
            continue
        if plan.email not in directory.people and "name" not in values:
            plan.reasons.append("A new person needs a name.")

    _check_managers(plans, wanted, directory, present)

    new_functions: dict[str, str] = {}
    for plan in plans:
        if plan.reasons:
            plan.action = REJECT
            continue
        values = wanted[plan.row]
        existing = directory.people.get(plan.email)
        if existing is None:
            plan.action = CREATE
            plan.values = _create_values(values)
            plan.changes = {
                name: ("", _display(name, plan.values[name]))
                for name in FIELDS
                if name in present and _display(name, plan.values[name])
            }
        else:
            plan.values, plan.changes = _update_values(existing, values)
            plan.action = UPDATE if plan.values else UNCHANGED
        function = plan.values.get("function")
        if function and function.lower() not in functions:
            new_functions.setdefault(function.lower(), function)
    # Rows that name a new function in another spelling share one new function.
    for plan in plans:
        function = plan.values.get("function")
        if function and function.lower() in new_functions:
            plan.values["function"] = new_functions[function.lower()]
    return ImportPlan(
        rows=plans,
        columns=columns,
        new_functions=sorted(new_functions.values(), key=str.lower),
        missing_functions=[] if create_missing_functions else sorted(missing.values()),
    )


def _normalize(
    source: SourceRow,
    present: set[str],
    functions: dict[str, str],
    skill_names: dict[str, str],
) -> tuple[dict[str, Any], list[str]]:
    """The row's values in the directory's terms, and what is wrong with its cells."""
    cells = source.values
    values: dict[str, Any] = {}
    reasons: list[str] = []

    email = cells.get("email", "").strip().lower()
    if not email:
        reasons.append("Email is empty; every row needs the person's email.")
    elif len(email) > MAX_LENGTHS["email"] or not email_is_valid(email):
        reasons.append(f"“{cells['email']}” is not a valid email address.")
    else:
        values["email"] = email

    for name in ("name", "title", "location"):
        if name not in present:
            continue
        text = " ".join(cells.get(name, "").split())
        if len(text) > MAX_LENGTHS[name]:
            reasons.append(f"The {name} is longer than {MAX_LENGTHS[name]} characters.")
        elif name == "name" and not text:
            reasons.append("Name is empty.")
        else:
            values[name] = text

    if "seniority" in present:
        text = cells.get("seniority", "").strip()
        if text:
            level = seniority_parse(text)
            if level is None:
                reasons.append(
                    f"Seniority “{text}” is not a level; use 1–5 or one of "
                    + ", ".join(label for _code, label in SENIORITY_LEVELS.values())
                    + "."
                )
            else:
                values["seniority"] = level

    if "function" in present:
        text = " ".join(cells.get("function", "").split())
        if len(text) > MAX_LENGTHS["function"]:
            reasons.append(f"The function name is longer than {MAX_LENGTHS['function']}.")
        else:
            values["function"] = functions.get(text.lower(), text) if text else None

    if "manager_email" in present:
        text = cells.get("manager_email", "").strip().lower()
        if not text:
            values["manager_email"] = None
        elif not email_is_valid(text):
            reasons.append(
                f"Manager “{cells['manager_email']}” is not an email address; the manager "
                "column needs the manager's email."
            )
        elif text == email:
            reasons.append("A person cannot be their own manager.")
        else:
            values["manager_email"] = text

    if "timezone" in present:
        text = cells.get("timezone", "").strip()
        if not text:
            values["timezone"] = ""
        else:
            zone = timezone_canonical(text)
            if zone is None:
                reasons.append(
                    f"“{text}” is not a time zone; use a name like Europe/Paris or "
                    "America/New_York."
                )
            else:
                values["timezone"] = zone

    if "skills" in present:
        skills, problems = skills_parse(cells.get("skills", ""))
        reasons.extend(problems)
        values["skills"] = {
            skill_names.get(name.lower(), name): level for name, level in skills.items()
        }
    return values, reasons


def _check_managers(
    plans: list[RowPlan],
    wanted: dict[int, dict[str, Any]],
    directory: Directory,
    present: set[str],
) -> None:
    """Reject rows whose manager will not exist, then rows whose manager chain loops.

    Repeats until stable, as rejecting a row can take away the manager of another.
    """
    row_of_email = {plan.email: plan for plan in plans if plan.email}
    while True:
        accepted = {plan.email: plan for plan in plans if not plan.reasons}
        changed = False
        for plan in accepted.values():
            manager = wanted[plan.row].get("manager_email")
            if not manager or manager in directory.people or manager in accepted:
                continue
            other = row_of_email.get(manager)
            if other is not None:
                plan.reasons.append(
                    f"The manager {manager} is on row {other.row}, which cannot be imported."
                )
            else:
                plan.reasons.append(
                    f"The manager {manager} is not in this workspace or in this file. Add "
                    "them to the file, or leave the manager empty."
                )
            changed = True
        if changed:
            continue

        manager_of: dict[str, str | None] = {
            email: record.manager_email for email, record in directory.people.items()
        }
        for email, plan in accepted.items():
            values = wanted[plan.row]
            if "manager_email" in present:
                manager_of[email] = values.get("manager_email")
            elif email not in directory.people:
                manager_of[email] = None
        for cycle in _cycles(manager_of, start=accepted):
            loop = " → ".join([*cycle, cycle[0]])
            for email in cycle:
                if email in accepted:
                    accepted[email].reasons.append(
                        f"The manager links make a loop ({loop}); someone in it must report "
                        "outside it."
                    )
                    changed = True
        if not changed:
            return


def _cycles(manager_of: Mapping[str, str | None], *, start: Iterable[str]) -> list[list[str]]:
    """Every loop reachable from the start people, each as the list of people in it."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    cycles: list[list[str]] = []
    for origin in start:
        path: list[str] = []
        node: str | None = origin
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = manager_of.get(node)
        if node is not None and state.get(node) == 1:
            cycles.append(path[path.index(node) :])
        for visited in path:
            state[visited] = 2
    return cycles


_DEFAULTS: dict[str, Any] = {
    "title": "",
    "seniority": 1,
    "function": None,
    "manager_email": None,
    "location": "",
    "timezone": "",
    "skills": {},
}


def _create_values(values: dict[str, Any]) -> dict[str, Any]:
    created = {**_DEFAULTS, **{k: v for k, v in values.items() if v is not None}}
    created.setdefault("name", "")
    return created


def _update_values(
    existing: PersonRecord, values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    changed: dict[str, Any] = {}
    changes: dict[str, tuple[str, str]] = {}
    for name in FIELDS:
        if name == "email" or name not in values:
            continue
        after = values[name]
        before = getattr(existing, name)
        if name == "function":
            same = (before or "").lower() == (after or "").lower()
        elif name == "skills":
            same = {k.lower(): v for k, v in before.items()} == {
                k.lower(): v for k, v in after.items()
            }
        else:
            same = (before or None) == (after or None)
        if not same:
            changed[name] = after
            changes[name] = (_display(name, before), _display(name, after))
    return changed, changes


def _display(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "seniority":
        return seniority_label(value)
    if name == "skills":
        return ", ".join(f"{skill} ({level})" for skill, level in sorted(value.items(), key=_ci))
    return str(value)


def template_rows() -> list[list[str]]:
    """The header and two example rows users can start an import file from."""
    return [
        list(FIELDS),
        [
            "Dana Reyes",
            "dana@example.com",
            "VP Sales",
            "Executive",
            "Sales",
            "",
            "Berlin",
            "Europe/Berlin",
            "Negotiation:5; Forecasting:4",
        ],
        [
            "Sam Ito",
            "sam@example.com",
            "Account Executive",
            "ic",
            "Sales",
            "dana@example.com",
            "Lisbon",
            "Europe/Lisbon",
            "Negotiation:3",
        ],
    ]
