"""Workspace restore: load an export file into a migrated database, all or nothing.

The file is read twice. The first pass checks its shape, counts and checksum without touching
the database; the second loads it inside one transaction, table by table in the file's
dependency order, in batches, keeping every primary key and UUID so relations survive.
Foreign keys are checked before commit; anything wrong rolls the whole restore back.
"""

import gzip
import hashlib
import json
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from accord.ops.portability import (
    FORMAT,
    FORMAT_VERSION,
    SHARED_IDENTITY,
    PortabilityError,
    migrations_current_check,
)
from accord.workspaces.models import Workspace

BATCH_SIZE = 1000

HEADER_PREFIX = b'{"header": '
TABLE_PREFIX = b'{"model":'
TABLE_SUFFIX = b', "rows": ['
COUNTS_PREFIX = b'"counts": '
SHA_PREFIX = b'"sha256": '


@dataclass
class ExportFileSummary:
    """What a file holds, known after the first pass."""

    header: dict[str, Any]
    counts: dict[str, int]
    sha256: str

    @property
    def slug(self) -> str:
        return str(self.header["workspace"]["slug"])


@dataclass
class RestoreSummary:
    workspace: str
    counts: dict[str, int] = field(default_factory=dict)  # rows inserted per model
    kept: dict[str, int] = field(default_factory=dict)  # shared rows already present
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _open(path: Path) -> IO[bytes]:
    try:
        raw = path.open("rb")
    except OSError as error:
        raise PortabilityError(f"Cannot read {path}: {error.strerror}.") from None
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def _json(line: bytes, number: int, what: str) -> Any:
    try:
        return json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        raise PortabilityError(f"Line {number}: the {what} is not valid JSON ({error}).") from None


def _records(path: Path) -> Iterator[tuple[str, int, Any]]:
    """Yield ("header"|"table"|"row"|"end"|"counts", line number, value) and check the
    checksum at the end. Rows are yielded as raw bytes; the loader parses them."""
    digest = hashlib.sha256()
    state = "header"
    number = 0
    with _open(path) as stream:
        try:
            for number, raw in enumerate(stream, start=1):
                if not raw.endswith(b"\n"):
                    break  # a last line without its newline: the file was cut short
                line = raw[:-1]
                if state == "done":
                    raise PortabilityError(f"Line {number}: unexpected content after the end.")
                if line.startswith(SHA_PREFIX) and state == "sha":
                    expected = _json(line[len(SHA_PREFIX) : -1], number, "checksum")
                    if not line.endswith(b"}") or expected != digest.hexdigest():
                        raise PortabilityError(
                            "The checksum does not match the content: the file was changed "
                            "or damaged after it was written."
                        )
                    state = "done"
                    yield "sha256", number, expected
                    continue
                digest.update(raw)
                if state == "header":
                    if not (line.startswith(HEADER_PREFIX) and line.endswith(b",")):
                        raise PortabilityError(
                            "This is not an Accord workspace export (no header on line 1)."
                        )
                    header = _json(line[len(HEADER_PREFIX) : -1], number, "header")
                    _header_check(header)
                    state = "tables-open"
                    yield "header", number, header
                elif state == "tables-open":
                    if line != b'"tables": [':
                        raise PortabilityError(f"Line {number}: expected the list of tables.")
                    state = "tables"
                elif state == "tables":
                    if line == b"],":
                        state = "counts"
                    elif line.startswith(TABLE_PREFIX) and line.endswith(TABLE_SUFFIX):
                        table = _json(line[: -len(TABLE_SUFFIX)] + b"}", number, "table header")
                        state = "rows"
                        yield "table", number, table
                    else:
                        raise PortabilityError(f"Line {number}: expected a table.")
                elif state == "rows":
                    if line in (b"]},", b"]}"):
                        state = "tables"
                        yield "end", number, None
                    elif line.startswith(b"["):
                        yield "row", number, line[:-1] if line.endswith(b",") else line
                    else:
                        raise PortabilityError(f"Line {number}: expected a row or a table end.")
                elif state == "counts":
                    if not (line.startswith(COUNTS_PREFIX) and line.endswith(b",")):
                        raise PortabilityError(f"Line {number}: expected the row counts.")
                    state = "sha"
                    yield "counts", number, _json(line[len(COUNTS_PREFIX) : -1], number, "counts")
                else:
                    raise PortabilityError(f"Line {number}: expected the checksum.")
        except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as error:
            raise PortabilityError(
                f"The file is damaged or truncated near line {number + 1} ({error})."
            ) from None
    if state != "done":
        raise PortabilityError(
            f"The file ends early, after line {number}: it is truncated or incomplete."
        )


def _header_check(header: Any) -> None:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise PortabilityError("This is not an Accord workspace export (wrong format name).")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise PortabilityError(
            f"The file uses export format version {version}; this Accord reads version "
            f"{FORMAT_VERSION}. Restore it with Accord {header.get('accord_version', '?')}."
        )
    workspace = header.get("workspace")
    if not isinstance(workspace, dict) or not isinstance(workspace.get("slug"), str):
        raise PortabilityError("The header does not name the workspace.")


def export_file_check(*, path: Path) -> ExportFileSummary:
    """First pass: shape, per-table row counts and checksum, without touching the database."""
    header: dict[str, Any] = {}
    counted: dict[str, int] = {}
    declared: dict[str, int] = {}
    current = ""
    sha256 = ""
    for kind, number, value in _records(path):
        if kind == "header":
            header = value
        elif kind == "table":
            current = str(value.get("model", ""))
            if current in counted:
                raise PortabilityError(f"Line {number}: table {current} appears twice.")
            counted[current] = 0
        elif kind == "row":
            counted[current] += 1
        elif kind == "counts":
            declared = value
        elif kind == "sha256":
            sha256 = value
    if declared != counted:
        differing = sorted(
            k for k in set(declared) | set(counted) if declared.get(k) != counted.get(k)
        )
        raise PortabilityError(
            f"The row counts in the file do not match its rows for: {', '.join(differing)}."
        )
    return ExportFileSummary(header=header, counts=counted, sha256=sha256)


def _schema_check(header: dict[str, Any]) -> None:
    migrations_current_check()
    applied = set(MigrationRecorder(connection).applied_migrations())
    missing = [
        f"{app}.{name}"
        for app, names in (header.get("migrations") or {}).items()
        for name in names
        if (app, name) not in applied
    ]
    if missing:
        raise PortabilityError(
            f"The file comes from a newer Accord ({header.get('accord_version', '?')}) whose "
            f"schema this database lacks ({', '.join(missing[:3])}…). Upgrade Accord, run "
            "`accord migrate`, then restore."
        )


# Values of these column types reach the database as JSON gives them, when of the right type.
PLAIN_TYPES: dict[str, type] = {
    **dict.fromkeys(
        ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
         "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
         "PositiveSmallIntegerField"),
        int,
    ),
    **dict.fromkeys(("CharField", "TextField", "SlugField", "EmailField", "URLField"), str),
    "BooleanField": bool,
}  # fmt: skip


def _plain_type(model_field: models.Field[Any, Any]) -> type | None:
    """The JSON type a column's values may pass through as, skipping conversion."""
    target = model_field.target_field if model_field.is_relation else model_field  # type: ignore[attr-defined]
    return PLAIN_TYPES.get(target.get_internal_type())


class _TableLoader:
    """Converts a table's rows to database values and inserts them in batches."""

    def __init__(self, *, table: dict[str, Any], number: int, summary: RestoreSummary) -> None:
        label = str(table.get("model", ""))
        try:
            self.model: type[models.Model] = apps.get_model(label)
        except (LookupError, ValueError):
            raise PortabilityError(
                f"Line {number}: model {label!r} does not exist in this version of Accord."
            ) from None
        self.label = label
        self.summary = summary
        by_attname = {f.attname: f for f in self.model._meta.concrete_fields}
        columns = table.get("fields")
        if not isinstance(columns, list) or not columns:
            raise PortabilityError(f"Line {number}: table {label} has no field list.")
        unknown = [c for c in columns if c not in by_attname]
        if unknown:
            raise PortabilityError(
                f"Line {number}: {label} has fields this Accord does not know: "
                f"{', '.join(map(str, unknown))}."
            )
        self.fields = [by_attname[c] for c in columns]
        self.plain = [_plain_type(f) for f in self.fields]
        self.missing = [f for f in self.model._meta.concrete_fields if f.attname not in columns]
        for missing in self.missing:
            if not (missing.has_default() or missing.null):
                raise PortabilityError(
                    f"Line {number}: {label} lacks field {missing.attname}, which has no default."
                )
        pk = self.model._meta.pk
        assert pk is not None
        if pk.attname not in columns:
            raise PortabilityError(f"Line {number}: {label} rows carry no primary key.")
        self.pk_index = columns.index(pk.attname)
        identity = SHARED_IDENTITY.get(label)
        self.identity = identity
        self.identity_index = columns.index(identity) if identity in columns else None
        quote = connection.ops.quote_name
        names = [f.column for f in self.fields + self.missing]
        self.sql = (
            # Table and column names come from the models, quoted; values are parameters.
            f"INSERT INTO {quote(self.model._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(n) for n in names)}) VALUES ({', '.join(['%s'] * len(names))})"
        )
        self.batch: list[tuple[int, list[Any], list[Any]]] = []  # line, python row, db row
        summary.counts.setdefault(label, 0)

    def add(self, *, line: bytes, number: int) -> None:
        values = _json(line, number, "row")
        if not isinstance(values, list) or len(values) != len(self.fields):
            raise PortabilityError(
                f"Line {number}: a {self.label} row must have {len(self.fields)} values."
            )
        python_row: list[Any] = []
        database_row: list[Any] = []
        for model_field, plain, value in zip(self.fields, self.plain, values, strict=True):
            if plain is not None and type(value) is plain:
                python_row.append(value)
                database_row.append(value)
                continue
            try:
                converted = None if value is None else model_field.to_python(value)
                if converted is None and not model_field.null:
                    raise ValidationError("this field cannot be empty")
                database_row.append(model_field.get_db_prep_save(converted, connection))
            except (ValidationError, ValueError, TypeError) as error:
                reason = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                raise PortabilityError(
                    f"Line {number}: {self.label} id={values[self.pk_index]!r}: field "
                    f"{model_field.attname} has a bad value {value!r} ({reason})."
                ) from None
            python_row.append(converted)
        for missing in self.missing:
            database_row.append(missing.get_db_prep_save(missing.get_default(), connection))
        self.batch.append((number, python_row, database_row))
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        pks = [row[self.pk_index] for _, row, _ in batch]
        manager = self.model._base_manager
        existing: dict[Any, Any] = {}
        if self.identity:
            existing = dict(manager.filter(pk__in=pks).values_list("pk", self.identity))
        else:
            existing = dict.fromkeys(manager.filter(pk__in=pks).values_list("pk", flat=True))
        if existing:
            kept = []
            for number, row, _ in batch:
                pk = row[self.pk_index]
                if pk not in existing:
                    continue
                same = self.identity_index is not None and existing[pk] == row[self.identity_index]
                if not same:
                    raise PortabilityError(
                        f"Line {number}: {self.label} id={pk} already exists in this database. "
                        "Restore into an empty database (after `accord migrate`)."
                    )
                kept.append(pk)
            self.summary.kept[self.label] = self.summary.kept.get(self.label, 0) + len(kept)
            batch = [entry for entry in batch if entry[1][self.pk_index] not in existing]
        if not batch:
            return
        try:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, [db_row for _, _, db_row in batch])
        except (IntegrityError, DatabaseError) as error:
            raise PortabilityError(
                f"Lines {batch[0][0]}–{batch[-1][0]}: {self.label} rows could not be written: "
                f"{error}."
            ) from None
        self.summary.counts[self.label] += len(batch)


def workspace_restore(*, path: Path, require_empty_database: bool = False) -> RestoreSummary:
    """Load an export into this database in one transaction; raise PortabilityError (and
    write nothing) if the file is bad or the database already holds any of its rows."""
    started = time.perf_counter()
    checked = export_file_check(path=path)
    _schema_check(checked.header)
    summary = RestoreSummary(workspace=checked.slug)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    with transaction.atomic():
        if require_empty_database and (
            Workspace.objects.exists() or user_model._base_manager.exists()
        ):
            raise PortabilityError(
                "The database is not empty (it has workspaces or users); "
                "--database-empty-check refuses to restore into it."
            )
        if Workspace.objects.filter(slug=checked.slug).exists():
            raise PortabilityError(
                f"This database already has a workspace with the slug {checked.slug!r}. "
                "Restore into an empty database, or delete that workspace first."
            )
        loader: _TableLoader | None = None
        touched: list[type[models.Model]] = []
        for kind, number, value in _records(path):
            if kind == "table":
                loader = _TableLoader(table=value, number=number, summary=summary)
                touched.append(loader.model)
            elif kind == "row":
                assert loader is not None
                loader.add(line=value, number=number)
            elif kind == "end":
                assert loader is not None
                loader.flush()
                loader = None
        try:
            connection.check_constraints(table_names=[m._meta.db_table for m in touched])
        except (IntegrityError, DatabaseError) as error:
            raise PortabilityError(
                f"A row points at a row that is neither in the file nor in the database: {error}"
            ) from None
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), touched):
                cursor.execute(statement)
    summary.seconds = time.perf_counter() - started
    return summary
