"""The example deployment in deploy/ works as written.

The web and worker commands are read from the systemd units and their environment from the
env file example, then started exactly so, with only machine paths, the port and the
database replaced (a temporary directory, a free port, a fresh database). nginx runs the
shipped config on free ports in front of the app, with a self-signed certificate.
"""

import http.client
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import pytest
from django_tasks_db.models import DBTaskResult

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
VENV_BIN = Path(sys.executable).parent
HOST = "accord.example.com"  # the env file's ALLOWED_HOSTS and nginx's server_name


def unit_service(name: str) -> dict[str, list[str]]:
    """The [Service] section of a unit file, each key with all its values (as systemd reads
    repeated keys), with backslash-continued lines joined."""
    section: dict[str, list[str]] = {}
    current = None
    text = (DEPLOY / name).read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line
            continue
        if current == "[Service]":
            key, _, value = line.partition("=")
            section.setdefault(key.strip(), []).append(value.strip())
    return section


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments, quotes)."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def substituted(text: str, replacements: dict[str, str]) -> str:
    """Replace machine-specific parts; each must be present, so the files cannot drift from
    what this test checks without failing it."""
    for old, new in replacements.items():
        assert old in text, f"{old!r} is no longer in the deployment file"
        text = text.replace(old, new)
    return text


@dataclass
class Deployment:
    root: Path
    env: dict[str, str]
    app_port: int
    database_url: str
    web_log: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    https_port: int = 0
    http_port: int = 0

    def start(self, unit: str, port: int | None = None) -> subprocess.Popen:
        """Start a unit's ExecStart with its EnvironmentFile, in its WorkingDirectory."""
        service = unit_service(unit)
        (command,) = service["ExecStart"]
        replacements = {"/opt/accord/.venv/bin/": f"{VENV_BIN}/"}
        if port is not None:
            replacements["--port 8000"] = f"--port {port}"
        argv = shlex.split(substituted(command, replacements))
        (working_directory,) = service["WorkingDirectory"]
        assert working_directory == "/opt/accord"
        assert service["EnvironmentFile"] == ["/etc/accord/accord.env"]
        # systemd applies Environment= first; EnvironmentFile= (self.env) overrides it.
        environment = {}
        for assignment in service.get("Environment", []):
            for pair in shlex.split(assignment):
                key, _, value = pair.partition("=")
                environment[key] = value.replace("/var/lib/accord", self.env["ACCORD_DATA_DIR"])
        log = self.root / f"{unit}.log"
        process = subprocess.Popen(
            argv,
            cwd=REPO,
            env={**environment, **self.env},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process


def app_request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    tls: bool = False,
) -> http.client.HTTPResponse:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=60, context=context
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def wait_until_healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            if app_request(port, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not become healthy:\n{log.read_text()[-3000:]}")


def query(database_url: str, sql: str) -> list[tuple]:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    with psycopg.connect(database_url) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    """The documented environment (deploy/accord.env.example) with a temporary data
    directory and a fresh database of the suite's kind, migrated as docs/operations.md says,
    and the web unit's server running on a free port."""
    root = tmp_path_factory.mktemp("deploy")
    documented = env_file(DEPLOY / "accord.env.example")
    suite_database = os.environ.get("DATABASE_URL", "")
    created = None
    if suite_database.startswith("postgres"):
        created = f"accord_deploy_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(suite_database, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {created}")
        database_url = suite_database.rsplit("/", 1)[0] + f"/{created}"
    else:
        database_url = f"sqlite:///{root}/accord.sqlite3"
    assert documented["ACCORD_DATA_DIR"] == "/var/lib/accord"
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    }
    env = {
        **inherited,
        **documented,
        "ACCORD_DATA_DIR": str(root / "data"),
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"file://{root}/mail",
    }
    web_port = free_port()
    deployment = Deployment(
        root=root,
        env=env,
        app_port=web_port,
        database_url=database_url,
        web_log=root / "accord-web.service.log",
    )
    try:
        migrate = subprocess.run(
            [str(VENV_BIN / "accord"), "migrate", "--noinput", "-v", "0"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        web = deployment.start("accord-web.service", port=web_port)
        wait_until_healthy(web_port, web, deployment.web_log)
        yield deployment
    finally:
        for process in reversed(deployment.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
        if created:
            with psycopg.connect(suite_database, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {created} WITH (FORCE)")


@pytest.fixture(scope="module")
def proxied(deployment: Deployment) -> Deployment:
    """deploy/nginx.conf in front of the app on free ports, with a self-signed certificate;
    only addresses, ports and file locations differ from the shipped file."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is needed (Debian package nginx-light)"
    root = deployment.root / "nginx"
    for directory in ("cache", "logs", "temp", "acme"):
        (root / directory).mkdir(parents=True)
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    deployment.https_port, deployment.http_port = free_port(), free_port()
    site = substituted(
        (DEPLOY / "nginx.conf").read_text(),
        {
            "server 127.0.0.1:8000": f"server 127.0.0.1:{deployment.app_port}",
            "listen 80;": f"listen 127.0.0.1:{deployment.http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{deployment.https_port} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(root / "cert.pem"),
            f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(root / "key.pem"),
            "/var/cache/nginx/accord": str(root / "cache"),
            "/var/log/nginx/": f"{root / 'logs'}/",
            "/var/www/letsencrypt": str(root / "acme"),
        },
    )
    (root / "accord.conf").write_text(site)
    temp = root / "temp"
    # A minimal main file, as /etc/nginx/nginx.conf would be, including the shipped site.
    (root / "main.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {root / 'nginx.pid'};\nerror_log {root / 'logs' / 'main.error.log'};\n"
        + "events {}\nhttp {\n  include /etc/nginx/mime.types;\n"
        + "".join(
            f"  {kind}_temp_path {temp / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {root / 'accord.conf'};\n}}\n"
    )
    check = subprocess.run(
        [nginx, "-t", "-p", str(root), "-c", str(root / "main.conf")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [nginx, "-p", str(root), "-c", str(root / "main.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(root / "logs" / "stderr.log").open("w"),
    )
    deployment.processes.append(process)
    deadline = time.monotonic() + 30
    while True:
        try:
            app_request(deployment.https_port, "/healthz", tls=True)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("nginx did not start") from None
            time.sleep(0.2)
    return deployment


def test_units_run_accord_with_the_shared_environment_file():
    """Every unit runs an accord command from the virtualenv with /etc/accord/accord.env."""
    for unit in ("accord-web.service", "accord-worker.service", "accord-backup.service"):
        service = unit_service(unit)
        (command,) = service["ExecStart"]
        assert command.startswith("/opt/accord/.venv/bin/accord ")
        assert service["EnvironmentFile"] == ["/etc/accord/accord.env"]
        assert service["User"] == ["accord"]
        assert service["ReadWritePaths"] == ["/var/lib/accord"]
    assert unit_service("accord-backup.service")["ExecStart"] == [
        "/opt/accord/.venv/bin/accord backup"
    ]
    timer = (DEPLOY / "accord-backup.timer").read_text()
    assert "OnCalendar=" in timer
    assert "Persistent=true" in timer


def test_the_web_unit_serves_health_with_every_check_ok(deployment):
    """/healthz of the server started as the unit says answers ok with its checks."""
    response = app_request(deployment.app_port, "/healthz")
    assert response.status == 200
    body = json.loads(response.body)  # type: ignore[attr-defined]
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "queue"}


def test_plain_http_to_the_app_is_redirected_unless_the_proxy_says_https(deployment):
    """With ACCORD_HTTPS=true the app trusts X-Forwarded-Proto: without it, pages redirect to
    HTTPS; with it, they render."""
    plain = app_request(deployment.app_port, "/accounts/login/")
    assert plain.status == 301
    assert plain.getheader("Location") == f"https://{HOST}/accounts/login/"
    forwarded = app_request(
        deployment.app_port, "/accounts/login/", headers={"X-Forwarded-Proto": "https"}
    )
    assert forwarded.status == 200


def test_the_worker_unit_runs_queued_jobs(deployment):
    """The worker started as its unit says takes a queued job and finishes it."""
    enqueue = subprocess.run(
        [
            *(str(VENV_BIN / "accord"), "shell", "-c"),
            "from accord.notifications.tasks import deliveries_send; "
            "print(deliveries_send.enqueue().id)",
        ],
        cwd=REPO,
        env=deployment.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    task_id = uuid.UUID(enqueue.stdout.strip().splitlines()[-1])
    worker = deployment.start("accord-worker.service")
    table = DBTaskResult._meta.db_table
    column = task_id.hex if deployment.database_url.startswith("sqlite") else str(task_id)
    deadline = time.monotonic() + 120
    status = None
    while time.monotonic() < deadline and worker.poll() is None:
        rows = query(deployment.database_url, f"SELECT status FROM {table} WHERE id = '{column}'")
        status = rows[0][0] if rows else None
        if status == "SUCCESSFUL":
            break
        time.sleep(0.5)
    assert status == "SUCCESSFUL", (deployment.root / "accord-worker.service.log").read_text()
    worker.terminate()
    assert worker.wait(timeout=60) is not None


def test_nginx_serves_pages_over_tls_with_security_headers(proxied):
    """Through the proxy over TLS a page renders with Accord's security headers and secure
    cookies (the app saw X-Forwarded-Proto: https)."""
    response = app_request(proxied.https_port, "/accounts/login/", tls=True)
    assert response.status == 200
    assert b"<form" in response.body  # type: ignore[attr-defined]
    assert response.getheader("Strict-Transport-Security").startswith("max-age=")
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Server") == "nginx"  # no version
    cookies = response.headers.get_all("Set-Cookie") or []
    assert cookies
    assert all("Secure" in cookie for cookie in cookies)


def test_nginx_redirects_plain_http_to_https(proxied):
    """Port 80 only redirects to HTTPS."""
    response = app_request(proxied.http_port, "/accounts/login/?next=/w/")
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/accounts/login/?next=/w/"


def test_request_ids_pass_through_the_proxy_into_the_app_log(proxied):
    """A caller's X-Request-ID reaches the app, comes back, and is on the app's JSON access
    line; without one, nginx makes one and the app uses it."""
    given = app_request(
        proxied.https_port, "/accounts/login/", headers={"X-Request-ID": "trace-4711"}, tls=True
    )
    assert given.getheader("X-Request-ID") == "trace-4711"
    made = app_request(proxied.https_port, "/accounts/login/", tls=True)
    made_id = made.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", made_id)
    time.sleep(0.5)  # let the log line reach the file
    lines = []
    for text in proxied.web_log.read_text().splitlines():
        if text.startswith("{"):
            lines.append(json.loads(text))
    access = {line["request_id"]: line for line in lines if line["logger"] == "accord.access"}
    assert access["trace-4711"]["path"] == "/accounts/login/"
    assert access["trace-4711"]["status"] == 200
    assert made_id in access
    nginx_log = (proxied.root / "nginx" / "logs" / "accord.access.log").read_text()
    assert f"request_id={made_id}" in nginx_log


def test_static_files_have_far_future_cache_headers_and_are_cached(proxied):
    """Hashed static files are cacheable for years, and nginx keeps a copy."""
    page = app_request(proxied.https_port, "/accounts/login/", tls=True)
    stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.body)  # type: ignore[attr-defined]
    assert stylesheet, "the login page links a hashed stylesheet"
    path = stylesheet.group(1).decode()
    first = app_request(proxied.https_port, path, tls=True)
    assert first.status == 200
    cache_control = first.getheader("Cache-Control")
    assert "max-age=315360000" in cache_control
    assert "immutable" in cache_control
    second = app_request(proxied.https_port, path, tls=True)
    assert second.status == 200
    assert second.getheader("X-Cache-Status") == "HIT"


def test_upload_limits_match_the_import_settings(proxied):
    """Ordinary requests stop at 8 MB (above ACCORD_IMPORT_MAX_BYTES); network-metadata
    uploads pass through to the app, which reads them (here: past the CSRF check, to the
    sign-in redirect)."""
    boundary = "accord-upload-test"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="events.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    body += b"x" * (9 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    login = app_request(proxied.https_port, "/accounts/login/", tls=True)
    cookie = SimpleCookie()
    for header in login.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    token = cookie["csrftoken"].value
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": f"csrftoken={token}",
        "X-CSRFToken": token,
        "Referer": f"https://{HOST}/accounts/login/",
    }
    ordinary = app_request(
        proxied.https_port, "/accounts/login/", method="POST", body=body, headers=headers, tls=True
    )
    assert ordinary.status == 413
    network = app_request(
        proxied.https_port,
        "/w/acme/network/imports/",
        method="POST",
        body=body,
        headers=headers,
        tls=True,
    )
    assert network.status == 302
    assert network.getheader("Location").startswith("/accounts/login/")
