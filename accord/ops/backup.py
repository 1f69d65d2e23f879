"""Whole-database backups: an online SQLite copy, or a pg_dump archive for PostgreSQL."""

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accord.env import env_str
from accord.ops.portability import PortabilityError


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    vendor: str
    secret_key_path: Path | None = None
    note: str = ""


def _owner_only(path: Path) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


def backup_target(*, given: str | None, suffix: str) -> Path:
    """The file to write: the given path, a timestamped name inside a given directory, or a
    timestamped name in DATA_DIR/backups."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"accord-{stamp}{suffix}"
    if not given:
        return Path(settings.DATA_DIR) / "backups" / name
    path = Path(given).expanduser()
    return path / name if path.is_dir() else path


def sqlite_backup(*, source: Path, target: Path) -> None:
    """Copy a live SQLite database into `target` and verify the copy.

    The backup API copies all pages in one step, inside one read transaction: the copy is the
    database as of that moment, and in WAL mode writers go on meanwhile. The copy is switched
    to a rollback journal so it is one self-contained file."""
    if not source.is_file():
        raise PortabilityError(f"There is no SQLite database at {source}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    _owner_only(partial)
    try:
        origin = sqlite3.connect(source, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            origin.execute("PRAGMA busy_timeout=30000")
            origin.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        finally:
            origin.close()
            copy.close()
        if problems != ["ok"]:
            raise PortabilityError(
                "The copy failed its integrity check: " + "; ".join(problems[:5])
            )
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def postgres_backup(*, target: Path, pg_dump: str = "pg_dump") -> None:
    """Run pg_dump in its custom format (restore with pg_restore), then list the archive to
    check it can be read back."""
    executable = shutil.which(pg_dump)
    if executable is None:
        raise PortabilityError(
            f"{pg_dump} was not found on PATH. Install the PostgreSQL client tools of the same "
            "major version as the server (for example `apt install postgresql-client-15`), or "
            "run pg_dump -Fc yourself (see docs/backup-restore.md)."
        )
    database = cast(dict[str, Any], settings.DATABASES["default"])
    env = dict(os.environ)
    # Connection details go through libpq's variables, so no password is on a command line.
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    _owner_only(partial)
    try:
        dumped = subprocess.run(  # noqa: S603 (a fixed argument list)
            [executable, "--format=custom", "--no-owner", f"--file={partial}"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if dumped.returncode != 0:
            raise PortabilityError(f"pg_dump failed: {dumped.stderr.strip()}")
        restore_tool = shutil.which("pg_restore", path=str(Path(executable).parent))
        if restore_tool:
            listed = subprocess.run(  # noqa: S603
                [restore_tool, "--list", str(partial)], capture_output=True, text=True, check=False
            )
            if listed.returncode != 0:
                raise PortabilityError(f"pg_restore cannot read the archive: {listed.stderr}")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def database_backup(*, output: str | None = None, pg_dump: str = "pg_dump") -> BackupResult:
    """Back up the configured database (and, on SQLite, the generated secret key)."""
    started = time.perf_counter()
    vendor = connection.vendor
    if vendor == "sqlite":
        source = Path(str(settings.DATABASES["default"]["NAME"]))
        if str(source) in ("", ":memory:") or "mode=memory" in str(source):
            raise PortabilityError("The database lives in memory; there is nothing to back up.")
        target = backup_target(given=output, suffix=".sqlite3")
        sqlite_backup(source=source, target=target)
    elif vendor == "postgresql":
        target = backup_target(given=output, suffix=".dump")
        postgres_backup(target=target, pg_dump=pg_dump)
    else:
        raise PortabilityError(f"Backups of {vendor} databases are not supported.")
    key_copy, note = _secret_key_copy(target)
    return BackupResult(
        path=target,
        size=target.stat().st_size,
        seconds=time.perf_counter() - started,
        vendor=vendor,
        secret_key_path=key_copy,
        note=note,
    )


def _secret_key_copy(target: Path) -> tuple[Path | None, str]:
    """Sessions, password-reset links and signed tokens need the same SECRET_KEY after a
    restore. A generated key lives in DATA_DIR and is copied beside the backup."""
    if env_str("SECRET_KEY"):
        return None, "SECRET_KEY comes from the environment; keep it with your backups."
    key_file = Path(settings.DATA_DIR) / "secret_key"
    if not key_file.is_file():
        return None, f"No generated secret key at {key_file}."
    copy = target.with_name(target.name + ".secret_key")
    _owner_only(copy)
    copy.write_bytes(key_file.read_bytes())
    return copy, ""
