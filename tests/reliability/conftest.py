"""Real processes against a real database: `accord serve` (gunicorn) and `accord worker`.

The tests and the processes they start share one database:

- PostgreSQL: the test database pytest-django created. Tests use `transactional_db`, so what
  they write is committed and the subprocesses see it; the flush after each test cleans up.
- SQLite: pytest-django's test database lives in memory, which no other process can open. The
  `live_database` fixture copies it (schema and data migrations, with SQLite's backup API, in
  milliseconds instead of a minute of migrations) to a file of its own and points this
  process's connection at that file for the test, so test and server read and write the same
  file. The in-memory database is put back afterwards.

Every process gets a free port and its own process group, so a test can kill -9 the whole
server (gunicorn master and workers) at once. Works under xdist: ports and files are unique.
"""

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0  # generous: CI machines may be busy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveDatabase:
    """The database this test shares with the processes it starts."""

    vendor: str
    url: str
    path: Path | None = None  # the SQLite file

    def integrity_problems(self) -> list[str]:
        """What an integrity check of the whole database reports; empty when sound."""
        if self.path is not None:
            raw = sqlite3.connect(self.path)
            try:
                verdict = [row[0] for row in raw.execute("PRAGMA integrity_check")]
                orphans = [repr(row) for row in raw.execute("PRAGMA foreign_key_check")]
            finally:
                raw.close()
            return ([] if verdict == ["ok"] else verdict) + orphans
        return _postgres_foreign_key_problems()


def _postgres_foreign_key_problems() -> list[str]:
    """Rows whose foreign key points at nothing, for every foreign key in the public schema.

    PostgreSQL enforces these constraints itself; checking them all is cheap and catches a
    constraint that was created NOT VALID or dropped by a broken migration.
    """
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tc.table_name, kcu.column_name, ccu.table_name, ccu.column_name
            FROM information_schema.table_constraints tc
            JOIN information_schema.key_column_usage kcu
              ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
            JOIN information_schema.constraint_column_usage ccu
              ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
            WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'
            """
        )
        keys = cursor.fetchall()
        for table, column, target, target_column in keys:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{target}" r WHERE r."{target_column}" = t."{column}")'
            )
            (count,) = cursor.fetchone()
            if count:
                problems.append(f"{count} rows of {table}.{column} point at no {target} row")
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE NOT convalidated AND contype = 'f'"
        )
        (unvalidated,) = cursor.fetchone()
        if unvalidated:
            problems.append(f"{unvalidated} foreign keys are not validated")
    return problems


@pytest.fixture
def live_database(transactional_db: Any, tmp_path: Path) -> Iterator[LiveDatabase]:
    """The test database, reachable by subprocesses through `url` (see the module docstring)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        credentials = quote(settings["USER"] or "", safe="")
        if settings["PASSWORD"]:
            credentials += ":" + quote(settings["PASSWORD"], safe="")
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or 5432
        url = f"postgres://{credentials}@{host}:{port}/{settings['NAME']}"
        yield LiveDatabase(vendor="postgresql", url=url)
        return
    assert connection.vendor == "sqlite", connection.vendor
    path = tmp_path / "accord.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    in_memory = connection.connection
    params = connection.get_connection_params()
    params["database"] = str(path)
    params["uri"] = False
    connection.connection = connection.get_new_connection(params)
    connection._set_autocommit(connection.get_autocommit())  # as Django's own connect() does
    try:
        yield LiveDatabase(vendor="sqlite", url=f"sqlite:///{path}", path=path)
    finally:
        connection.connection.close()
        connection.connection = in_memory


def process_env(database: LiveDatabase, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production process using the test's database."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_", "ACCORD_"))
    }
    env.update(
        DATABASE_URL=database.url,
        ACCORD_DATA_DIR=str(data_dir),
        DEBUG="false",
        LOG_LEVEL="WARNING",
        EMAIL_URL="console://",
        PYTHONUNBUFFERED="1",
        # A small pool: several gunicorn processes share one PostgreSQL server with the tests.
        ACCORD_DB_POOL_SIZE="4",
    )
    env.update(extra)
    return env


@dataclass
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ServerProcess:
    """`accord serve` as a subprocess in its own process group."""

    database: LiveDatabase
    data_dir: Path
    token: str = ""
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)

    def start(self, *, workers: int = 2, threads: int = 4) -> None:
        self.port = free_port()
        log = self.data_dir / f"server-{len(self.logs) + 1}.log"
        self.logs.append(log)
        command = [sys.executable, "-m", "accord", "serve", "--port", str(self.port)]
        command += ["--workers", str(workers), "--threads", str(threads), "--no-collectstatic"]
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=process_env(self.database, self.data_dir),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill -9 reaches every worker
            )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        problem: Exception | None = None
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"The server exited early:\n{self.log_text()}")
            try:
                # Any HTTP answer means gunicorn has a worker serving Django.
                self.request("GET", "/api/v1/goals?limit=1", timeout=START_TIMEOUT)
                return
            except (OSError, http.client.HTTPException) as error:
                problem = error
                time.sleep(0.2)
        raise AssertionError(
            f"The server did not come up in {START_TIMEOUT} s ({problem!r}):\n{self.log_text()}"
        )

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        timeout: float = 30,
        headers: dict[str, str] | None = None,
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            return send(conn, method, path, body, token=self.token, headers=headers)
        finally:
            conn.close()

    def kill(self) -> None:
        """kill -9 the whole server: `accord serve`, the gunicorn master and its workers."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_text(self) -> str:
        return "\n".join(log.read_text(errors="replace") for log in self.logs if log.exists())


def send(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    """One request on a (kept-alive) connection, as an API client would send it."""
    all_headers = {"Accept": "application/json", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=all_headers)
    answer = conn.getresponse()
    return Response(status=answer.status, body=answer.read())


@pytest.fixture
def server(live_database: LiveDatabase, tmp_path: Path) -> Iterator[ServerProcess]:
    """A production server (not started yet: seed first, then `server.start()`)."""
    process = ServerProcess(database=live_database, data_dir=tmp_path / "server")
    process.data_dir.mkdir()
    try:
        yield process
    finally:
        process.stop()


@dataclass
class WorkerProcess:
    """`accord worker` as a subprocess in its own process group."""

    database: LiveDatabase
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    arguments: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)

    def start(self) -> None:
        log = self.data_dir / f"worker-{len(self.logs) + 1}.log"
        self.logs.append(log)
        command = [sys.executable, "-m", "accord", "worker", "--no-schedule", "--interval", "0.2"]
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [*command, *self.arguments],
                cwd=ROOT,
                env=process_env(self.database, self.data_dir, **self.env),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_text(self) -> str:
        return "\n".join(log.read_text(errors="replace") for log in self.logs if log.exists())


@pytest.fixture
def worker(live_database: LiveDatabase, tmp_path: Path) -> Iterator[WorkerProcess]:
    """`accord worker` on the test's database (not started yet)."""
    process = WorkerProcess(database=live_database, data_dir=tmp_path / "worker")
    process.data_dir.mkdir()
    try:
        yield process
    finally:
        process.stop()


def wait_for(condition: Any, *, timeout: float, what: str, log: Any = None) -> Any:
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n{log()}" if log is not None else ""
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}.{detail}")
        time.sleep(0.1)
