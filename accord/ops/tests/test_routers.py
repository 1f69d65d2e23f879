"""Read replicas: reads to a replica, writes to the primary, a writer's reads on the primary.

The end-to-end tests use two real PostgreSQL databases on the local server, "primary" and
"replica", without replication between them: the replica starts as a copy of the primary
and is then changed, so every answer shows which database served it.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import pytest

from accord.ops.routers import PRIMARY, ReplicaRouter, RoutingState, routing_state

SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _server_url() -> str:
    """The PostgreSQL server the suite uses (DATABASE_URL's), else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url.rsplit("/", 1)[0] + "/postgres"
    return SERVER_URL


def _database_url(name: str) -> str:
    return _server_url().rsplit("/", 1)[0] + f"/{name}"


def _admin(sql: str) -> None:
    with psycopg.connect(_server_url(), autocommit=True) as connection:
        connection.execute(sql)


def _tables(name: str) -> set[str]:
    with psycopg.connect(_database_url(name)) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {row[0] for row in rows}


def _accord(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SEED = """
from allauth.account.models import EmailAddress
from accord.accounts.models import User
from accord.api.actions import token_create
from accord.api.models import ApiToken
from accord.org.models import Function
from accord.workspaces.models import Membership, Workspace
from django.utils import timezone
import datetime
user = User.objects.create_user(email="lead@router.test", password="x" * 20, display_name="Lead")
workspace = Workspace.objects.create(name="Router", slug="router")
membership = Membership.objects.create(workspace=workspace, user=user, role="owner")
Function.objects.create(workspace=workspace, name="Sales")
token, raw = token_create(membership=membership, actor=user, name="Router test")
# Recorded as used in the future, so no request writes "last used" (which would pin it).
ApiToken.objects.filter(pk=token.pk).update(
    last_used_at=timezone.now() + datetime.timedelta(days=1)
)
print(raw)
"""


@dataclass
class Replicated:
    url: str
    token: str
    primary: str
    replica: str

    def request(
        self, method: str, path: str, *, cookie: str | None = None, body: dict | None = None
    ) -> tuple[int, dict, SimpleCookie]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if cookie:
            headers["Cookie"] = cookie
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload, raw_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, payload, raw_headers = error.code, error.read(), error.headers
        jar: SimpleCookie = SimpleCookie()
        for header in raw_headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return status, json.loads(payload or b"null"), jar

    def function_names(self, cookie: str | None = None) -> set[str]:
        status, body, _ = self.request("GET", "/api/v1/functions", cookie=cookie)
        assert status == 200, body
        return {item["name"] for item in body["results"]}


@pytest.fixture(scope="module")
def replicated(tmp_path_factory) -> Iterator[Replicated]:
    """A primary and a replica database, and `accord serve` (two processes) using both."""
    suffix = uuid.uuid4().hex[:8]
    primary, replica = f"accord_router_{suffix}_p", f"accord_router_{suffix}_r"
    data_dir: Path = tmp_path_factory.mktemp("router")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DEBUG"))}
    env = {
        **base,
        "ACCORD_DATA_DIR": str(data_dir),
        "DATABASE_URL": _database_url(primary),
        "DATABASE_REPLICA_URLS": _database_url(replica),
        "ACCORD_REPLICA_STICKY_SECONDS": "3",
    }
    _admin(f"CREATE DATABASE {primary}")
    _admin(f"CREATE DATABASE {replica}")
    server = None
    try:
        # Migrations asked for on the replica do nothing: the router allows only the primary.
        _accord(env, "migrate", "--database", "replica1", "--noinput", "-v", "0")
        replica_tables_after_migrate = _tables(replica)
        _accord(env, "migrate", "--noinput", "-v", "0")
        raw_token = _accord(env, "shell", "-c", SEED).strip().splitlines()[-1]
        # "Replication": the replica becomes a copy of the primary, then drifts on purpose.
        _admin(f"DROP DATABASE {replica}")
        _admin(f"CREATE DATABASE {replica} TEMPLATE {primary}")
        with psycopg.connect(_database_url(replica), autocommit=True) as connection:
            connection.execute("UPDATE org_function SET name = 'Sales (replica)'")
        port = _free_port()
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "accord", "serve", "--no-collectstatic"),
                *("--port", str(port), "--workers", "2", "--threads", "2"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(data_dir / "server.log").open("w"),
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=30):
                    break
            except OSError:  # refused while starting, or a first answer slower than 30 s
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("accord serve did not come up") from None
                time.sleep(0.3)
        result = Replicated(url=url, token=raw_token, primary=primary, replica=replica)
        result.replica_tables_after_migrate = replica_tables_after_migrate  # type: ignore[attr-defined]
        yield result
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        for name in (primary, replica):
            _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_migrations_run_only_on_the_primary(replicated):
    """`migrate --database replica1` creates no tables; the primary has the schema."""
    assert "accounts_user" not in replicated.replica_tables_after_migrate
    assert not {t for t in replicated.replica_tables_after_migrate if t != "django_migrations"}
    assert "accounts_user" in _tables(replicated.primary)


def test_reads_go_to_the_replica(replicated):
    """A client that has not written reads from the replica."""
    assert replicated.function_names() == {"Sales (replica)"}


def test_a_writer_reads_from_the_primary_until_the_pin_expires(replicated):
    """A write goes to the primary and pins that client's reads there, on whichever server
    process answers, for ACCORD_REPLICA_STICKY_SECONDS; others still read the replica."""
    status, created, jar = replicated.request(
        "POST", "/api/v1/functions", body={"name": "Marketing"}
    )
    assert status == 201, created
    assert created["name"] == "Marketing"
    pin = jar["accord_primary"]
    assert pin["httponly"]
    assert pin["max-age"] == "3"
    cookie = f"accord_primary={pin.value}"
    # Several requests, so both server processes answer some of them.
    for _ in range(6):
        assert replicated.function_names(cookie) == {"Sales", "Marketing"}
    assert replicated.function_names() == {"Sales (replica)"}
    time.sleep(3.5)
    # The signed cookie carries its own time: an expired one no longer pins.
    assert replicated.function_names(cookie) == {"Sales (replica)"}


def test_a_forged_pin_cookie_is_ignored(replicated):
    """Only a cookie signed by the server pins reads."""
    assert replicated.function_names("accord_primary=1") == {"Sales (replica)"}


def test_reads_do_not_set_the_pin(replicated):
    """A request that only reads sets no cookie."""
    _, _, jar = replicated.request("GET", "/api/v1/functions")
    assert "accord_primary" not in jar


def test_health_checks_each_replica(replicated):
    """/healthz checks the primary and each replica."""
    with urllib.request.urlopen(replicated.url + "/healthz", timeout=10) as response:
        body = json.loads(response.read())
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database_replica1"]["status"] == "ok"
    # Two ordinary databases: the "replica" is not replaying, so it reports no lag.
    assert body["checks"]["database_replica1"]["lag_seconds"] is None


def test_within_a_request_reads_follow_a_write_to_the_primary():
    """Once a request writes, its later reads go to the primary; outside requests, all do."""
    from django.contrib.sessions.models import Session

    from accord.org.models import Function

    router = ReplicaRouter()
    assert router.db_for_read(Function) == PRIMARY  # no request: worker or command
    state = RoutingState(replica="replica1")
    token = routing_state.set(state)
    try:
        assert router.db_for_read(Function) == "replica1"
        assert router.db_for_read(Session) == PRIMARY  # sessions always current
        assert router.db_for_write(Function) == PRIMARY
        assert state.wrote is True
        assert router.db_for_read(Function) == PRIMARY
    finally:
        routing_state.reset(token)


def test_cache_writes_do_not_pin():
    """Writes to the shared cache (rate limits, claims) change nothing a user reads."""
    from django.core.cache.backends.db import DatabaseCache

    cache = DatabaseCache("accord_cache", {})
    state = RoutingState(replica="replica1")
    token = routing_state.set(state)
    try:
        assert ReplicaRouter().db_for_write(cache.cache_model_class) == PRIMARY
        assert state.wrote is False
    finally:
        routing_state.reset(token)


def test_only_the_primary_may_migrate():
    """allow_migrate is true for the primary alone."""
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "goals") is True
    assert router.allow_migrate("replica1", "goals") is False


def test_replicas_need_a_postgresql_primary(tmp_path):
    """On SQLite the router cannot be turned on: starting fails with a clear message."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DEBUG"))}
    run = subprocess.run(
        [sys.executable, "-m", "accord", "check"],
        env={
            **base,
            "ACCORD_DATA_DIR": str(tmp_path),
            "DATABASE_REPLICA_URLS": _database_url("anything"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode != 0
    assert "DATABASE_REPLICA_URLS needs a PostgreSQL primary" in run.stderr
