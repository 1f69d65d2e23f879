"""Fast inserts of many plain rows for `accord generate`.

Django's bulk_create builds a model instance per row and prepares every value through the
field API, which costs a fraction of a millisecond per row; at a million collaboration events
that is minutes. `rows_insert` takes tuples instead, fills the columns the caller leaves out
(UUID, timestamps, version and field defaults), converts values once per column type, and
writes with `executemany` (SQLite) or `COPY` (PostgreSQL). It is for leaf rows whose keys
nobody needs back; rows that others point at still go through bulk_create.
"""

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import numpy as np
from django.db import connection, models
from django.utils import timezone

CHUNK = 5000

Convert = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _converter(field: models.Field[Any, Any]) -> Convert:
    """How one column's Python value becomes what the database driver is given."""
    # A foreign key stores its target's type.
    target: models.Field[Any, Any] = getattr(field, "target_field", field)
    kind = target.get_internal_type()
    if kind in {"CharField", "TextField", "SlugField"}:
        # Choices members are str subclasses; drivers must see the plain value.
        return lambda value: value.value if isinstance(value, Enum) else value
    if kind == "JSONField":
        return lambda value: None if value is None else json.dumps(value)
    if connection.vendor != "sqlite":
        return _same  # psycopg adapts UUIDs, dates and aware datetimes itself
    if kind == "UUIDField":
        return lambda value: None if value is None else value.hex
    if kind == "DateTimeField":
        adapt = connection.ops.adapt_datetimefield_value
        # A string is already in the stored form (see `utc_texts`).
        return lambda value: value if value is None or isinstance(value, str) else adapt(value)
    if kind == "DateField":
        return lambda value: None if value is None else value.isoformat()
    return _same


def _filler(field: models.Field[Any, Any], now: datetime) -> tuple[bool, Any]:
    """The value of a column the caller did not give: (True, a callable drawing a fresh
    value per row) for UUIDs, else (False, the one value every row gets)."""
    if field.name == "uuid" or (field.primary_key and field.get_internal_type() == "UUIDField"):
        return True, None
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False, now
    if field.has_default():
        # Callable defaults here are list/dict/constants: one value serves every row.
        default = field.default
        return False, default() if callable(default) else default
    if field.null:
        return False, None
    if field.get_internal_type() in {"CharField", "TextField", "SlugField", "EmailField"}:
        return False, ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


def _uuid_texts() -> Iterator[str]:
    """Random version-4 UUIDs as 32 hex digits, which both databases accept for a UUID
    column; drawn from the OS in blocks, since one `uuid.uuid4()` per row is a system call
    and an object each, and there are millions of rows."""
    while True:
        block = os.urandom(16 * 4096).hex()
        for start in range(0, len(block), 32):
            text = block[start : start + 32]
            variant = "89ab"[int(text[16], 16) & 3]
            yield f"{text[:12]}4{text[13:16]}{variant}{text[17:]}"


def utc_texts(epoch_seconds: "np.ndarray[Any, Any]") -> list[str]:
    """Whole-second UTC times (epoch seconds) as the text a DateTimeField column takes on
    this database, formatted in one vectorized step instead of one datetime per row."""
    texts = np.datetime_as_string(epoch_seconds.astype("datetime64[s]"), unit="s")
    if connection.vendor == "sqlite":
        return [text.replace("T", " ") for text in texts.tolist()]
    return [f"{text}+00:00" for text in texts.tolist()]


def sqlite_cache_grow() -> None:
    """Give this SQLite connection a 256 MB page cache for the run: inserts into the random
    UUID indexes of large tables otherwise keep re-reading pages from disk."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


def rows_insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (tuples in the order of `columns`, by attname: "workspace_id") into the
    model's table; returns how many were written. An auto-increment key is left to the
    database; a UUID is drawn here for each row unless given; other columns left out get
    their default (timestamps: now)."""
    now = timezone.now()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    by_attname = {f.attname: f for f in fields}
    unknown = [c for c in columns if c not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
    given = [by_attname[c] for c in columns]
    drawn: list[models.Field[Any, Any]] = []
    fixed: list[models.Field[Any, Any]] = []
    constants: list[Any] = []
    for field in fields:
        if field.attname in columns:
            continue
        fresh, value = _filler(field, now)
        if fresh:
            drawn.append(field)
        else:
            fixed.append(field)
            constants.append(_converter(field)(value))
    tail = tuple(constants)
    uuids = _uuid_texts()
    converts = [(i, c) for i, c in enumerate(_converter(f) for f in given) if c is not _same]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in [*given, *drawn, *fixed])
    width = len(given) + len(drawn) + len(fixed)

    def prepared(row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for index, convert in converts:
            values[index] = convert(values[index])
        return (*values, *(next(uuids) for _ in drawn), *tail)

    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    written += 1
            return written
        marks = ", ".join(["%s"] * width)
        # Table and column names come from the model's metadata, never from input.
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(prepared(row))
            if len(chunk) >= CHUNK:
                cursor.executemany(sql, chunk)
                written += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            written += len(chunk)
    return written
