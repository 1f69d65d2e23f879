"""`accord backup`: a consistent copy of the live database."""

import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accord.ops.backup import postgres_backup
from accord.ops.portability import PortabilityError


class Writer(threading.Thread):
    """Inserts rows into a WAL database, one transaction each, and remembers which
    inserts have committed."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.enough = threading.Event()

    def run(self) -> None:
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.execute("PRAGMA busy_timeout=30000")
            number = 0
            while not self.stop.is_set():
                number += 1
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO event (id, payload) VALUES (?, ?)", (number, "x" * 400))
                db.execute("COMMIT")
                self.committed.append(number)
                if number >= 300:
                    self.enough.set()


def test_sqlite_backup_while_a_writer_runs(tmp_path: Path) -> None:
    """A backup taken by `accord backup` while another connection keeps committing passes
    integrity_check, holds every row committed before it started, and has the secret key
    beside it."""
    data = tmp_path / "data"
    data.mkdir()
    database = data / "accord.sqlite3"
    with closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        db.commit()
    writer = Writer(database)
    writer.start()
    try:
        assert writer.enough.wait(timeout=60)
        committed_before = list(writer.committed)
        env = {**os.environ, "ACCORD_DATA_DIR": str(data)}
        env.pop("DATABASE_URL", None)
        env.pop("SECRET_KEY", None)
        target = tmp_path / "copy.sqlite3"
        done = subprocess.run(
            [sys.executable, "-m", "accord", "backup", "-o", str(target)],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        written_during = len(writer.committed) - len(committed_before)
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert "integrity_check ok" in done.stdout
    assert written_during > 0  # the writer really ran while the backup was taken
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        ids = {row[0] for row in copy.execute("SELECT id FROM event")}
    assert set(committed_before) <= ids
    assert ids <= set(writer.committed)
    key = Path(f"{target}.secret_key")
    assert key.read_text() == (data / "secret_key").read_text()
    assert key.stat().st_mode & 0o077 == 0
    assert target.stat().st_mode & 0o077 == 0


def test_backup_of_the_test_database(db: Any, tmp_path: Path) -> None:
    """On SQLite the in-memory test database is refused with the reason; on PostgreSQL the
    pg_dump archive lists Accord's tables when read back with pg_restore."""
    target = tmp_path / "backup.dump"
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="lives in memory"):
            call_command("backup", output=str(target), stdout=StringIO())
        return
    out = StringIO()
    call_command("backup", output=str(target), stdout=out)
    assert "pg_restore --list ok" in out.getvalue()
    listed = subprocess.run(
        ["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True
    )
    assert "TABLE public workspaces_workspace" in listed.stdout


def test_backup_without_pg_dump_names_the_missing_tool(tmp_path: Path) -> None:
    """Without pg_dump on PATH the backup says which tool to install and writes nothing."""
    with pytest.raises(PortabilityError, match="pg_dump-missing was not found on PATH"):
        postgres_backup(target=tmp_path / "x.dump", pg_dump="pg_dump-missing")
    assert list(tmp_path.iterdir()) == []
