"""Workspace export: one workspace, complete, as a streamed JSON document.

Which rows belong to a workspace is discovered from the models, not listed by hand: every
model with a `workspace` foreign key, every model reachable from those only through a
required foreign key (survey answers, many-to-many link tables), the users those rows point
at, and the users' own sign-in rows (email addresses, MFA authenticators, SSO links). A new
model is therefore exported without touching this file, and `export_plan` refuses to run if a
model points somewhere the export cannot follow.

File layout (format version 1): a single JSON object, written one record per line so that
it can be read back as a stream, yet `json.load` or `jq` still read it whole::

    {"header": {"format": "accord-workspace-export", "format_version": 1, ...},
    "tables": [
    {"model": "workspaces.workspace", "fields": ["id", "uuid", ...], "rows": [
    [1, "5a0c…", ...]
    ]},
    ...
    ],
    "counts": {"workspaces.workspace": 1, ...},
    "sha256": "…"}

`sha256` is the SHA-256 of every byte before its own line (uncompressed).
"""

import base64
import datetime
import decimal
import gzip
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any, Protocol, cast

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

import accord
from accord.workspaces.models import Workspace

FORMAT = "accord-workspace-export"
FORMAT_VERSION = 1
CHUNK_SIZE = 2000

# Site-wide or transient tables: not part of any one workspace.
EXCLUDED_MODELS: dict[str, str] = {
    "auth.permission": "site-wide; rebuilt by migrate",
    "auth.group": "site-wide groups are not used by Accord",
    "auth.group_permissions": "site-wide groups are not used by Accord",
    "contenttypes.contenttype": "site-wide; rebuilt by migrate",
    "sessions.session": "sign-in sessions; people sign in again after a restore",
    "account.emailconfirmation": "pending email confirmations expire anyway",
    "socialaccount.socialtoken": "short-lived provider tokens",
    "django_tasks_database.dbtaskresult": "the background job queue, not workspace data",
    "accounts.user_groups": "site-wide groups are not used by Accord",
    "accounts.user_user_permissions": "site-wide permissions are not used by Accord",
    "ops.workerheartbeat": "liveness of running worker processes",
}
# Rows outside any workspace that workspace rows point at: exported when pointed at.
REFERENCED_MODELS = ("accounts.user", "socialaccount.socialapp")
# A user's own rows that sign-in needs; exported for every exported user.
USER_MODELS = ("account.emailaddress", "mfa.authenticator", "socialaccount.socialaccount")
# When a restore finds one of these rows already present (a user shared with a workspace
# restored earlier), the row is kept if this field agrees, and refused otherwise.
SHARED_IDENTITY = {
    "accounts.user": "email",
    "socialaccount.socialapp": "provider_id",
    "account.emailaddress": "user_id",
    "mfa.authenticator": "user_id",
    "socialaccount.socialaccount": "user_id",
}


class PortabilityError(Exception):
    """An export or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class TablePlan:
    """One model in the export: how its rows are found and in which order it comes."""

    model: type[models.Model]
    label: str
    scope: str  # "workspace", "owned", "referenced", "user-owned"
    path: str  # lookup from this model to the workspace id (owned) or to the user id
    fields: tuple[models.Field[Any, Any], ...]

    @property
    def columns(self) -> list[str]:
        return [f.attname for f in self.fields]


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _concrete_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def export_plan() -> list[TablePlan]:
    """Every exported model in dependency order (rows a row points at come first)."""
    scopes: dict[type[models.Model], tuple[str, str]] = {Workspace: ("workspace", "pk")}
    candidates = [m for m in _concrete_models() if _label(m) not in EXCLUDED_MODELS]
    for model in candidates:
        fk = next((f for f in _foreign_keys(model) if f.name == "workspace"), None)
        if fk is not None and fk.related_model is Workspace:
            scopes[model] = ("owned", "workspace")
    # Children reachable through a required foreign key to a row of the workspace.
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in scopes or _label(model) in REFERENCED_MODELS + USER_MODELS:
                continue
            for fk in _foreign_keys(model):
                parent = scopes.get(fk.related_model)
                if not fk.null and parent is not None and parent[0] in ("owned", "workspace"):
                    parent_path = "pk" if parent[0] == "workspace" else parent[1]
                    scopes[model] = ("owned", f"{fk.name}__{parent_path}")
                    changed = True
                    break
    for model in candidates:
        if _label(model) in REFERENCED_MODELS:
            scopes[model] = ("referenced", "pk")
        elif _label(model) in USER_MODELS:
            scopes[model] = ("user-owned", "user")

    unplaced = sorted(_label(m) for m in candidates if m not in scopes)
    if unplaced:
        raise PortabilityError(
            "These models are neither exported nor excluded; decide in accord/ops/portability.py"
            f" whether they belong to a workspace: {', '.join(unplaced)}."
        )
    for model in scopes:
        for fk in _foreign_keys(model):
            if fk.related_model not in scopes:
                raise PortabilityError(
                    f"{_label(model)}.{fk.name} points at {_label(fk.related_model)}, "
                    "which the export does not carry."
                )

    order = _dependency_order(list(scopes))
    return [
        TablePlan(
            model=model,
            label=_label(model),
            scope=scopes[model][0],
            path=scopes[model][1],
            fields=tuple(model._meta.concrete_fields),
        )
        for model in order
    ]


def _dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """Topological order over foreign keys. Required keys always count; optional keys count
    when they do not close a cycle (the database checks the rest at commit: keys are
    deferred)."""
    ordered = sorted(chosen, key=_label)
    graph: dict[type[models.Model], set[type[models.Model]]] = {m: set() for m in ordered}
    optional: list[tuple[type[models.Model], type[models.Model]]] = []
    for model in ordered:
        for fk in _foreign_keys(model):
            target = fk.related_model
            if target is model:
                continue
            if fk.null:
                optional.append((model, target))
            else:
                graph[model].add(target)
    for model, target in optional:
        graph[model].add(target)
        try:
            tuple(TopologicalSorter(graph).static_order())
        except CycleError:
            graph[model].discard(target)
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    result: list[type[models.Model]] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=_label)
        result.extend(ready)
        sorter.done(*ready)
    return result


def json_default(value: Any) -> Any:
    """JSON for the values Django reads from the database, without losing precision."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _dumps(value: Any) -> bytes:
    return json.dumps(
        value, default=json_default, ensure_ascii=False, separators=(",", ":")
    ).encode()


class BinaryWriter(Protocol):
    def write(self, data: bytes, /) -> int: ...


class _HashingWriter:
    def __init__(self, stream: BinaryWriter) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)
        self.stream.write(chunk)


@dataclass
class ExportSummary:
    workspace: str
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    size: int = 0  # uncompressed bytes
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@contextmanager
def _read_snapshot() -> Iterator[None]:
    """Read every table from one snapshot, so a live server cannot leave a row pointing at a
    row that was not read. Neither backend blocks writers while it is held."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # SQLite: Django's atomic() would take the write lock (BEGIN IMMEDIATE); a deferred
    # transaction only reads, and WAL keeps writers going beside it.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def migrations_current_check() -> None:
    """Refuse to read or write workspace rows through a schema that is behind the code."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise PortabilityError("This database is not fully migrated: run `accord migrate` first.")


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _referenced_ids(plans: list[TablePlan], workspace: Workspace) -> dict[str, list[Any]]:
    """Ids of the rows outside the workspace that its rows point at: members, authors,
    people with a login, the SSO provider."""
    wanted = {plan.model: plan.label for plan in plans if plan.scope == "referenced"}
    ids: dict[str, set[Any]] = {label: set() for label in wanted.values()}
    for plan in plans:
        if plan.scope not in ("owned", "workspace"):
            continue
        for fk in _foreign_keys(plan.model):
            label = wanted.get(fk.related_model)
            if label is not None:
                rows = _rows_of(plan, workspace).exclude(**{fk.attname: None})
                ids[label].update(rows.values_list(fk.attname, flat=True).distinct().order_by())
    return {label: sorted(found) for label, found in ids.items()}


def _user_model() -> type[models.Model]:
    return apps.get_model(settings.AUTH_USER_MODEL)


def _rows_of(plan: TablePlan, workspace: Workspace) -> models.QuerySet[Any]:
    return plan.model._base_manager.filter(**{plan.path: workspace.pk})


def _table_rows(
    plan: TablePlan, workspace: Workspace, referenced: dict[str, list[Any]]
) -> Iterator[tuple[Any, ...]]:
    columns = plan.columns
    if plan.scope in ("referenced", "user-owned"):
        owner = plan.label if plan.scope == "referenced" else _label(_user_model())
        ids = referenced[owner]
        lookup = "pk__in" if plan.scope == "referenced" else f"{plan.path}__in"
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = plan.model._base_manager.filter(**{lookup: chunk}).order_by("pk")
            yield from cast(
                Iterator[tuple[Any, ...]],
                rows.values_list(*columns).iterator(chunk_size=CHUNK_SIZE),
            )
        return
    # Ordered by primary key only: survey responses have random ids and no time, so the
    # file's order cannot tie a response to an invitation either.
    rows = _rows_of(plan, workspace).order_by("pk").values_list(*columns)
    yield from cast(Iterator[tuple[Any, ...]], rows.iterator(chunk_size=CHUNK_SIZE))


def workspace_export(*, workspace: Workspace, stream: BinaryWriter) -> ExportSummary:
    """Write the workspace to `stream` (binary, uncompressed) and return what was written."""
    started = time.perf_counter()
    migrations_current_check()
    plans = export_plan()
    summary = ExportSummary(workspace=workspace.slug)
    out = _HashingWriter(stream)
    with _read_snapshot():
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "accord_version": accord.__version__,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "workspace": {"slug": workspace.slug, "name": workspace.name, "id": workspace.pk},
            "migrations": _applied_migrations(),
        }
        out.write(b'{"header": ' + _dumps(header) + b",\n")
        out.write(b'"tables": [\n')
        referenced = _referenced_ids(plans, workspace)
        for position, plan in enumerate(plans):
            table = {"model": plan.label, "fields": plan.columns}
            out.write(_dumps(table)[:-1] + b', "rows": [\n')
            count = 0
            for row in _table_rows(plan, workspace, referenced):
                out.write((b",\n" if count else b"") + _dumps(row))
                count += 1
            out.write(b"\n]}" if count else b"]}")
            out.write(b",\n" if position < len(plans) - 1 else b"\n")
            summary.counts[plan.label] = count
        out.write(b"],\n")
        out.write(b'"counts": ' + _dumps(summary.counts) + b",\n")
    summary.sha256 = out.digest.hexdigest()
    stream.write(b'"sha256": ' + _dumps(summary.sha256) + b"}\n")
    summary.size = out.size
    summary.seconds = time.perf_counter() - started
    return summary


def workspace_export_to(*, workspace: Workspace, target: str) -> ExportSummary:
    """Export to a path ("-" is standard output); a name ending in .gz is gzipped. A file is
    written beside its final name and renamed into place only when complete."""
    import sys

    if target == "-":
        summary = workspace_export(workspace=workspace, stream=sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return summary
    path = Path(target)
    partial = path.with_name(path.name + ".partial")
    # Owner-only: the file holds password hashes.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            if path.suffix == ".gz":
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as zipped:
                    summary = workspace_export(workspace=workspace, stream=zipped)
            else:
                summary = workspace_export(workspace=workspace, stream=raw)
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return summary
