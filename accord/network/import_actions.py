"""Writes for network imports: accept an upload, run it in chunks, cancel it; map or ignore
identities; network settings; retention pruning.

An import runs chunk by chunk, each chunk in its own short transaction (identities upserted,
interactions inserted with the de-duplication key), so progress is visible and other writers
are never blocked for long. Its interactions count only once the import is `done`: analysis
reads `batch__status="done"`. A cancelled or failed import deletes every row it wrote.
"""

import datetime
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accord.network.importing import (
    CHUNK_ROWS,
    SOURCES,
    Chunk,
    IdentityDetails,
    ImportProblem,
    reader_open,
    source_detect,
)
from accord.network.models import Identity, Interaction, NetworkImport, NetworkSettings
from accord.org.models import Person
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024**3  # ACCORD_NETWORK_IMPORT_MAX_BYTES overrides it
ACTIVE = (NetworkImport.Status.QUEUED, NetworkImport.Status.RUNNING)
IDENTITY_FIELDS = ["person", "ignored"]
SETTINGS_FIELDS = ["retention_days", "window_days", "min_weight", "workday_start", "workday_end"]
_LOOKUP_SIZE = 5000  # keys per "which of these exist" query


class ImportCancelled(Exception):
    """The admin asked to stop the import between two chunks."""


ProgressCallback = Callable[[NetworkImport], None]


def network_import_max_bytes() -> int:
    return int(getattr(settings, "ACCORD_NETWORK_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def network_upload_dir(workspace: Workspace) -> Path:
    return Path(settings.DATA_DIR) / "network-imports" / str(workspace.uuid)


def _size_text(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.1f} MB"


def _admin_require(membership: Membership) -> None:
    if not membership.can_admin:
        raise PermissionDenied("Network imports are for workspace admins and owners.")


# --- accepting an upload --------------------------------------------------------------------


def _upload_save(workspace: Workspace, upload: File[Any], limit: int) -> tuple[Path, str, int]:
    """Copy the upload under the data directory, hashing it on the way; the limit is checked
    on the bytes actually read, not on the size the client claimed."""
    folder = network_upload_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}.upload"
    digest = hashlib.sha256()
    size = 0
    try:
        with target.open("wb") as handle:
            for piece in upload.chunks():
                size += len(piece)
                if size > limit:
                    raise ValidationError(
                        {
                            "file": f"The file is larger than the limit of {_size_text(limit)}. "
                            "Split the export (for example by date) and import the parts one "
                            "after the other."
                        }
                    )
                digest.update(piece)
                handle.write(piece)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target, digest.hexdigest(), size


def network_import_create(
    *,
    membership: Membership,
    upload: File[Any],
    source: str | None = None,
    background: bool = True,
) -> tuple[NetworkImport, bool]:
    """Keep an uploaded export and queue its import; returns (import, created).

    The same content imported before (by SHA-256, while that import is queued, running or
    done) is a no-op that returns the existing import with created=False. Structural
    problems (empty file, damaged zip, missing columns, unknown kind) are raised as a
    ValidationError on `file` and leave nothing behind. With `background=False` the caller
    runs the import itself (the command line does).
    """
    _admin_require(membership)
    workspace = membership.workspace
    limit = network_import_max_bytes()
    if source not in (None, "", *SOURCES):
        raise ValidationError({"source": f"Choose one of {', '.join(SOURCES)}."})
    if upload.size == 0:
        raise ValidationError({"file": "The file is empty (0 bytes)."})
    if upload.size is not None and upload.size > limit:
        # Answer before copying a file that is too big.
        raise ValidationError(
            {
                "file": f"The file is {_size_text(upload.size)}; the limit is "
                f"{_size_text(limit)}. Split the export (for example by date) and import the "
                "parts one after the other."
            }
        )
    filename = Path(upload.name or "upload").name[:255]
    path, sha256, size = _upload_save(workspace, upload, limit)
    try:
        if size == 0:
            raise ImportProblem("The file is empty (0 bytes).")
        kind = source or source_detect(path, filename)
        reader_open(path, kind)  # checks the structure: columns, zip members, first line
    except ImportProblem as problem:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": str(problem)}) from problem
    except BaseException:
        path.unlink(missing_ok=True)
        raise

    existing = _import_same_content(workspace, sha256)
    if existing is not None:
        path.unlink(missing_ok=True)
        return existing, False
    try:
        with transaction.atomic():
            batch = NetworkImport.objects.create(
                workspace=workspace,
                source=kind,
                filename=filename,
                sha256=sha256,
                size_bytes=size,
                stored_path=str(path),
                created_by=membership.user,
            )
            audit_record(
                workspace=workspace,
                actor=membership.user,
                action="create",
                instance=batch,
                changes={"source": [None, kind], "size_bytes": [None, size]},
            )
            if background:
                from accord.network.tasks import network_import_task

                pk = batch.pk
                transaction.on_commit(lambda: network_import_task.enqueue(import_id=pk))
    except IntegrityError:
        # Another upload of the same content won the race.
        path.unlink(missing_ok=True)
        existing = _import_same_content(workspace, sha256)
        if existing is None:
            raise
        return existing, False
    return batch, True


def _import_same_content(workspace: Workspace, sha256: str) -> NetworkImport | None:
    return (
        NetworkImport.objects.filter(
            workspace=workspace, sha256=sha256, status__in=[*ACTIVE, NetworkImport.Status.DONE]
        )
        .order_by("created_at")
        .first()
    )


# --- running an import ----------------------------------------------------------------------


def _parts[T](items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _people_by_email(workspace: Workspace) -> dict[str, int]:
    return {
        email.strip().lower(): pk
        for email, pk in Person.objects.filter(workspace=workspace)
        .exclude(email="")
        .values_list("email", "pk")
    }


def _identities_auto_map(workspace: Workspace, people: dict[str, int]) -> None:
    """Map unmatched, not ignored identities whose e-mail is now a person's (nothing guessed:
    the e-mail must be equal, ignoring case)."""
    changed = []
    for identity in Identity.objects.filter(
        workspace=workspace, person__isnull=True, ignored=False
    ).only("pk", "kind", "value", "email"):
        address = identity.value if identity.kind == Identity.Kind.EMAIL else identity.email
        person = people.get(address.lower()) if address else None
        if person is not None:
            identity.person_id = person
            changed.append(identity)
    Identity.objects.bulk_update(changed, ["person"], batch_size=500)


class _Run:
    """The state of one import while it runs: identity ids by value, counters."""

    def __init__(self, batch: NetworkImport, kind: str, details: dict[str, IdentityDetails]):
        self.batch = batch
        self.workspace = batch.workspace
        self.kind = kind
        self.details = details
        self.people = _people_by_email(batch.workspace)
        self.identity_ids: dict[str, int] = {}
        self.created_ids: set[int] = set()
        self.seen_counts: dict[int, int] = {}
        self.sqlite = connection.vendor == "sqlite"

    def identities_resolve(self, values: list[str]) -> None:
        missing = [v for v in values if v not in self.identity_ids]
        if not missing:
            return
        for part in _parts(missing, _LOOKUP_SIZE):
            self.identity_ids.update(
                Identity.objects.filter(
                    workspace=self.workspace, kind=self.kind, value__in=part
                ).values_list("value", "pk")
            )
        new = [v for v in missing if v not in self.identity_ids]
        if not new:
            return
        rows = []
        for value in new:
            details = self.details.get(value, IdentityDetails())
            address = value if self.kind == Identity.Kind.EMAIL else details.email
            rows.append(
                Identity(
                    workspace=self.workspace,
                    kind=self.kind,
                    value=value,
                    display=details.display,
                    email=address if self.kind != Identity.Kind.EMAIL else "",
                    person_id=self.people.get(address) if address else None,
                )
            )
        Identity.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        for part in _parts(new, _LOOKUP_SIZE):
            found = dict(
                Identity.objects.filter(
                    workspace=self.workspace, kind=self.kind, value__in=part
                ).values_list("value", "pk")
            )
            self.identity_ids.update(found)
            self.created_ids.update(found.values())

    def chunk_write(self, chunk: Chunk) -> None:
        pairs = chunk.pairs.with_columns(
            pl.col("sender").str.slice(0, 320), pl.col("recipient").str.slice(0, 320)
        )
        if pairs.height == 0:
            self._counters(events=chunk.events, added=0, pairs_added=0, duplicates=0)
            return
        kind = self.kind
        # The de-duplication key: the same event from another file hashes the same.
        source = pairs.select(
            pl.concat_str(
                [
                    pl.col("occurred_at").dt.epoch("us").cast(pl.String),
                    pl.lit(f"{kind}:") + pl.col("sender"),
                    pl.lit(f"{kind}:") + pl.col("recipient"),
                    pl.col("channel"),
                    pl.col("event").fill_null(""),
                ],
                separator="|",
            )
        ).to_series()
        keys = [hashlib.md5(text.encode(), usedforsecurity=False).hexdigest() for text in source]
        pairs = pairs.with_columns(pl.Series("key", keys, dtype=pl.String))
        unique = pairs.unique(subset=["key"], keep="first", maintain_order=True)
        existing = self._keys_existing(unique["key"].to_list())
        new = unique.filter(~pl.col("key").is_in(list(existing))) if existing else unique
        duplicates = pairs.height - new.height
        with transaction.atomic():
            values = pl.concat([new["sender"], new["recipient"]]).unique().to_list()
            self.identities_resolve(values)
            ids = pl.DataFrame(
                {
                    "value": list(self.identity_ids),
                    "id": list(self.identity_ids.values()),
                },
                schema={"value": pl.String, "id": pl.Int64},
            )
            rows = (
                new.join(ids, left_on="sender", right_on="value", how="inner")
                .rename({"id": "sender_id"})
                .join(ids, left_on="recipient", right_on="value", how="inner")
                .rename({"id": "recipient_id"})
            )
            self._insert(rows)
        for column in ("sender_id", "recipient_id"):
            for identity, count in rows.group_by(column).len().iter_rows():
                self.seen_counts[identity] = self.seen_counts.get(identity, 0) + count
        self._counters(
            events=chunk.events,
            added=rows["event_no"].n_unique() if rows.height else 0,
            pairs_added=rows.height,
            duplicates=duplicates,
        )

    def _keys_existing(self, keys: list[str]) -> set[str]:
        """Which keys are stored already (in plain SQL: the ORM's per-value work would cost
        more than the index lookups)."""
        quote = connection.ops.quote_name
        existing: set[str] = set()
        with connection.cursor() as cursor:
            for part in _parts(keys, _LOOKUP_SIZE):
                # Identifiers come from the model; every value is a parameter.
                statement = (
                    f"SELECT {quote('key')} FROM {quote(Interaction._meta.db_table)} "  # noqa: S608
                    f"WHERE {quote('workspace_id')} = %s AND {quote('key')} IN "
                    f"({', '.join(['%s'] * len(part))})"
                )
                cursor.execute(statement, [self.workspace.pk, *part])
                existing.update(row[0] for row in cursor.fetchall())
        return existing

    def _insert(self, rows: pl.DataFrame) -> None:
        """INSERT … ON CONFLICT DO NOTHING on the key, straight from the frame: building
        a model instance per pair would cost more than the insert itself."""
        if not rows.height:
            return
        if self.sqlite:
            # The text form Django's SQLite backend stores (naive UTC, microseconds if any).
            moment = pl.col("occurred_at").dt.convert_time_zone("UTC")
            occurred = (
                pl.when(moment.dt.microsecond() == 0)
                .then(moment.dt.strftime("%Y-%m-%d %H:%M:%S"))
                .otherwise(moment.dt.strftime("%Y-%m-%d %H:%M:%S.%6f"))
            )
        else:
            occurred = pl.col("occurred_at")
        table = rows.select(
            pl.lit(self.workspace.pk).alias("workspace_id"),
            pl.lit(self.batch.pk).alias("batch_id"),
            occurred.alias("occurred_at"),
            "sender_id",
            "recipient_id",
            "channel",
            "key",
        ).sort("key")  # in index order: the unique index on the key is written sequentially
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in table.columns)
        statement = (  # identifiers from the model; every value is a parameter
            f"INSERT INTO {quote(Interaction._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(table.columns))}) "
            f"ON CONFLICT ({quote('workspace_id')}, {quote('key')}) DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.executemany(statement, table.rows())

    def _counters(self, *, events: int, added: int, pairs_added: int, duplicates: int) -> None:
        self.batch.rows_read += events
        self.batch.events_added += added
        self.batch.pairs_added += pairs_added
        self.batch.duplicates += duplicates

    def unmatched_count(self) -> int:
        seen = set(self.seen_counts)
        return sum(
            1
            for pk, person, ignored in Identity.objects.filter(
                workspace=self.workspace, person__isnull=True, ignored=False
            ).values_list("pk", "person", "ignored")
            if pk in seen and person is None and not ignored
        )

    def identity_events_add(self) -> None:
        """Add this import's interactions to each identity's count."""
        statement = (
            f"UPDATE {connection.ops.quote_name(Identity._meta.db_table)} "  # noqa: S608
            "SET events = events + %s WHERE id = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(statement, [(n, pk) for pk, n in self.seen_counts.items()])


def _progress_save(batch: NetworkImport, chunk: Chunk | None = None) -> None:
    if chunk is not None:
        batch.progress = max(0.0, min(chunk.progress, 1.0))
        batch.progress_label = chunk.label[:120]
    NetworkImport.objects.filter(pk=batch.pk).update(
        progress=batch.progress,
        progress_label=batch.progress_label,
        rows_read=batch.rows_read,
        events_added=batch.events_added,
        pairs_added=batch.pairs_added,
        duplicates=batch.duplicates,
        updated_at=timezone.now(),
    )


def _cancel_requested(batch: NetworkImport) -> bool:
    return bool(
        NetworkImport.objects.filter(pk=batch.pk).values_list("cancel_requested", flat=True)[0]
    )


def _written_remove(batch: NetworkImport, created_ids: set[int]) -> None:
    """Delete this import's interactions and the identities only it had introduced."""
    Interaction.objects.filter(batch_id=batch.pk).delete()
    for part in _parts(sorted(created_ids), _LOOKUP_SIZE):
        # Still used by another import? One sequential pass per column and part
        # (interactions carry no sender/recipient index, so a per-identity EXISTS would scan
        # once per identity; identity ids are this workspace's already, and filtering on the
        # workspace would walk its index in random order instead).
        rows = Interaction.objects.all()
        used = set(
            rows.filter(sender_id__in=part).values_list("sender_id", flat=True).distinct()
        ) | set(
            rows.filter(recipient_id__in=part).values_list("recipient_id", flat=True).distinct()
        )
        unused = [pk for pk in part if pk not in used]
        # version 1: not edited by an admin meanwhile.
        Identity.objects.filter(pk__in=unused, version=1).delete()


def _upload_remove(batch: NetworkImport) -> None:
    if batch.stored_path:
        Path(batch.stored_path).unlink(missing_ok=True)
        NetworkImport.objects.filter(pk=batch.pk).update(stored_path="")
        batch.stored_path = ""


def _finish(batch: NetworkImport, status: str, *, error: str = "", label: str = "") -> None:
    batch.status = status
    batch.error = error
    batch.finished_at = timezone.now()
    if label:
        batch.progress_label = label[:120]
    fields: dict[str, Any] = {
        "status": status,
        "error": error,
        "finished_at": batch.finished_at,
        "progress_label": batch.progress_label,
        "unmatched": batch.unmatched,
        "progress": batch.progress,
        "updated_at": batch.finished_at,
    }
    NetworkImport.objects.filter(pk=batch.pk).update(**fields)


def network_import_run(
    *,
    batch: NetworkImport,
    chunk_rows: int = CHUNK_ROWS,
    on_progress: ProgressCallback | None = None,
) -> NetworkImport:
    """Import a queued upload chunk by chunk (in the worker, or inline from the command line).

    Claims the import first, so a second run of the same job does nothing. Checks for a
    cancel request between chunks. On success the import is `done`; on a cancel, bad input
    or an error, everything it wrote is deleted and it is `cancelled` or `failed` with a
    message. The stored upload is removed at the end either way.
    """
    claimed = NetworkImport.objects.filter(
        pk=batch.pk, status=NetworkImport.Status.QUEUED, cancel_requested=False
    ).update(status=NetworkImport.Status.RUNNING, started_at=timezone.now(), progress=0.0)
    batch.refresh_from_db()
    if not claimed:
        return batch
    run: _Run | None = None
    try:
        reader = reader_open(Path(batch.stored_path), batch.source, chunk_rows=chunk_rows)
        run = _Run(batch, reader.identity_kind, reader.identities())
        _identities_auto_map(batch.workspace, run.people)
        for chunk in reader.chunks():
            if _cancel_requested(batch):
                raise ImportCancelled
            run.chunk_write(chunk)
            _progress_save(batch, chunk)
            if on_progress is not None:
                on_progress(batch)
        if _cancel_requested(batch):
            raise ImportCancelled
        with transaction.atomic():
            run.identity_events_add()
            batch.unmatched = run.unmatched_count()
            batch.progress = 1.0
            _finish(batch, NetworkImport.Status.DONE, label=_done_label(batch))
    except ImportCancelled:
        _written_remove(batch, run.created_ids if run else set())
        batch.rows_read = batch.events_added = batch.pairs_added = batch.duplicates = 0
        _progress_save(batch)
        _finish(batch, NetworkImport.Status.CANCELLED, label="Cancelled; nothing was kept.")
    except ImportProblem as problem:
        _written_remove(batch, run.created_ids if run else set())
        batch.events_added = batch.pairs_added = 0
        _progress_save(batch)
        _finish(batch, NetworkImport.Status.FAILED, error=str(problem), label="Not imported")
    except Exception:
        logger.exception("Network import %s failed", batch.pk)
        _written_remove(batch, run.created_ids if run else set())
        batch.events_added = batch.pairs_added = 0
        _progress_save(batch)
        _finish(
            batch,
            NetworkImport.Status.FAILED,
            error="The import stopped because of an internal error; nothing was kept. "
            "Try again, and tell your administrator if it happens again.",
            label="Not imported",
        )
        raise
    finally:
        _upload_remove(batch)
        if on_progress is not None:
            on_progress(batch)
    return batch


def _done_label(batch: NetworkImport) -> str:
    label = (
        f"{batch.pairs_added:,} interaction{'' if batch.pairs_added == 1 else 's'} from "
        f"{batch.rows_read:,} event{'' if batch.rows_read == 1 else 's'}"
    )
    if batch.duplicates:
        label += f", {batch.duplicates:,} already imported"
    return label


def network_import_cancel(*, batch: NetworkImport, actor: Any) -> NetworkImport:
    """Stop an import: a queued one at once, a running one between two chunks (the worker
    then deletes what it wrote). A finished import cannot be cancelled."""
    with transaction.atomic():
        stopped = NetworkImport.objects.filter(
            pk=batch.pk, status=NetworkImport.Status.QUEUED
        ).update(
            status=NetworkImport.Status.CANCELLED,
            cancel_requested=True,
            finished_at=timezone.now(),
            progress_label="Cancelled; nothing was kept.",
        )
        if not stopped:
            asked = NetworkImport.objects.filter(
                pk=batch.pk, status=NetworkImport.Status.RUNNING
            ).update(cancel_requested=True, progress_label="Cancelling…")
            if not asked:
                raise ValidationError("This import has finished; it can no longer be cancelled.")
        audit_record(
            workspace=batch.workspace,
            actor=actor,
            action="update",
            instance=batch,
            changes={"cancel_requested": [False, True]},
        )
    batch.refresh_from_db()
    if stopped:
        _upload_remove(batch)
    return batch


# --- identities -----------------------------------------------------------------------------


def identity_update(*, identity: Identity, actor: Any, fields: dict[str, Any]) -> Identity:
    """Map an identity to a person (`person`, None unmaps it) and/or ignore it (`ignored`).
    A mapped identity counts from now on; an ignored one never counts. Nothing is guessed."""
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    before = snapshot(identity, IDENTITY_FIELDS)
    if "person" in fields:
        person = fields["person"]
        if person is not None and person.workspace_id != identity.workspace_id:
            raise ValidationError({"person": "Choose a person of this workspace."})
        identity.person = person
        if person is not None:
            identity.ignored = False
    if "ignored" in fields:
        identity.ignored = bool(fields["ignored"])
        if identity.ignored:
            identity.person = None
    changes = diff(before, snapshot(identity, IDENTITY_FIELDS))
    if not changes:
        return identity
    with transaction.atomic():
        identity.version += 1
        identity.save(update_fields=["person", "ignored", "version", "updated_at"])
        audit_record(
            workspace=identity.workspace,
            actor=actor,
            action="update",
            instance=identity,
            changes=changes,
        )
    return identity


def identity_map(*, identity: Identity, person: Person | None, actor: Any) -> Identity:
    return identity_update(identity=identity, actor=actor, fields={"person": person})


def identity_ignore(*, identity: Identity, actor: Any) -> Identity:
    return identity_update(identity=identity, actor=actor, fields={"ignored": True})


def identity_unignore(*, identity: Identity, actor: Any) -> Identity:
    return identity_update(identity=identity, actor=actor, fields={"ignored": False})


# --- settings and retention -----------------------------------------------------------------


def network_settings_update(*, workspace: Workspace, actor: Any, **fields: int) -> NetworkSettings:
    """Change the workspace's network settings (created on first save)."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        current, _created = NetworkSettings.objects.select_for_update().get_or_create(
            workspace=workspace
        )
        before = snapshot(current, SETTINGS_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value)
        _settings_check(current)
        changes = diff(before, snapshot(current, SETTINGS_FIELDS))
        if changes:
            current.version += 1
            current.save()
            audit_record(
                workspace=workspace,
                actor=actor,
                action="update",
                instance=current,
                changes=changes,
            )
    return current


def _settings_check(current: NetworkSettings) -> None:
    errors: dict[str, str] = {}
    if current.retention_days and current.retention_days < 30:
        errors["retention_days"] = "Keep at least 30 days, or 0 to keep everything."
    if not 1 <= current.window_days <= 366:
        errors["window_days"] = "A window is 1 to 366 days."
    if not 1 <= current.min_weight <= 1000:
        errors["min_weight"] = "The minimum weight is 1 to 1000 interactions."
    if not 0 <= current.workday_start <= 23:
        errors["workday_start"] = "The workday starts at an hour from 0 to 23."
    if not 1 <= current.workday_end <= 24:
        errors["workday_end"] = "The workday ends at an hour from 1 to 24."
    elif current.workday_end <= current.workday_start:
        errors["workday_end"] = "The workday must end after it starts."
    if errors:
        raise ValidationError(errors)


def interactions_prune(*, workspace: Workspace, today: datetime.date) -> int:
    """Delete interactions older than the workspace's retention (0 keeps everything);
    returns how many were deleted."""
    found = NetworkSettings.objects.filter(workspace=workspace).first()
    days = found.retention_days if found is not None else NetworkSettings().retention_days
    if not days:
        return 0
    cutoff = datetime.datetime.combine(
        today - datetime.timedelta(days=days), datetime.time(), tzinfo=datetime.UTC
    )
    deleted, _ = Interaction.objects.filter(workspace=workspace, occurred_at__lt=cutoff).delete()
    return deleted
