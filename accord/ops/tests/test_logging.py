"""Request ids, the access log and the JSON log format."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from accord.ops.logging import JsonFormatter, RequestIdFilter, request_id_var
from accord.ops.middleware import user_pseudonym


@pytest.fixture
def log_lines():
    """Every record logged during the test, formatted as production does with LOG_FORMAT=json
    (the request-id filter on the handler, then the JSON formatter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    access = logging.getLogger("accord.access")
    previous = access.level
    access.setLevel(logging.DEBUG)
    root.addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    access.setLevel(previous)


def _access(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "accord.access"]


def test_a_request_without_an_id_gets_a_new_one(client, db):
    """Without X-Request-ID from a proxy, a random 32-hex id is made and returned."""
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != second


def test_the_proxys_request_id_is_kept_when_well_formed(client, db):
    """A well-formed id from the proxy is reused, so proxy and app logs share it."""
    response = client.get("/accounts/login/", headers={"X-Request-ID": "edge-7f3a:42"})
    assert response["X-Request-ID"] == "edge-7f3a:42"


@pytest.mark.parametrize(
    "given",
    ["x" * 129, "bad id with spaces", 'quote"injection', "line\nbreak", "ünïcode", ""],
)
def test_a_malformed_request_id_is_replaced(client, db, given):
    """Ids that are too long or could forge log lines are not trusted: a new one is made."""
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


def test_every_log_record_of_a_request_carries_its_id(client, db, log_lines):
    """Records logged while a request is served carry its id; records outside carry "-"."""
    response = client.get("/accounts/login/", headers={"X-Request-ID": "req-one"})
    logging.getLogger("accord.test").warning("outside any request")
    lines = log_lines()
    access = _access(lines)
    assert [line["request_id"] for line in access] == ["req-one"]
    assert response["X-Request-ID"] == "req-one"
    outside = next(line for line in lines if line["message"] == "outside any request")
    assert outside["request_id"] == "-"


def test_records_logged_inside_the_request_context_get_its_id(log_lines):
    """The filter reads the request id from the context, so any library's log line has it."""
    token = request_id_var.set("ctx-123")
    try:
        logging.getLogger("some.library").error("inside")
    finally:
        request_id_var.reset(token)
    (line,) = [line for line in log_lines() if line["message"] == "inside"]
    assert line["request_id"] == "ctx-123"
    assert line["level"] == "ERROR"
    assert line["logger"] == "some.library"
    assert line["time"].endswith("+00:00")


def test_access_line_has_method_path_status_duration_user_and_workspace(acme, login, log_lines):
    """One access line per request; the path has no query string; the user is a keyed
    pseudonym, not the id or the email."""
    client = login(acme.member)
    response = client.get("/w/acme/?next=secret-value")
    assert response.status_code == 200
    (line,) = _access(log_lines())
    assert line["method"] == "GET"
    assert line["path"] == "/w/acme/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["workspace"] == "acme"
    assert line["user"] == user_pseudonym(acme.member.pk)
    assert line["user"] != str(acme.member.pk)
    text = json.dumps(line)
    assert "secret-value" not in text
    assert acme.member.email not in text
    assert line["message"].startswith("GET /w/acme/ 200 ")


def test_writes_are_logged_without_the_user(acme, login, log_lines):
    """A write's access line names no user: anonymous input must not be tied to a person by
    the time it was sent."""
    client = login(acme.member)
    client.post("/w/acme/people/", {})
    (line,) = _access(log_lines())
    assert line["method"] == "POST"
    assert line["user"] is None
    assert line["workspace"] == "acme"


def test_tokens_in_urls_are_masked(client, db, log_lines):
    """Unsubscribe, invitation and survey links carry credentials: the log masks them."""
    client.get("/notifications/unsubscribe/abc123secrettoken/")
    client.get("/invite/inv456secrettoken/")
    client.get("/survey/srv789secrettoken/")
    paths = [line["path"] for line in _access(log_lines())]
    assert paths == [
        "/notifications/unsubscribe/[redacted]/",
        "/invite/[redacted]/",
        "/survey/[redacted]/",
    ]


def test_healthy_probes_log_only_at_debug(client, db, log_lines):
    """Load balancer probes every few seconds stay out of the INFO log while healthy."""
    client.get("/healthz")
    (line,) = _access(log_lines())
    assert line["level"] == "DEBUG"


def test_json_formatter_keeps_extra_fields_and_tracebacks_but_not_the_request(log_lines):
    """Extra fields become keys, exceptions a traceback string, and Django's request object
    (whose text holds the query string) is dropped."""
    logger = logging.getLogger("accord.test")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed", extra={"goal": "g-1", "request": "GET /?token=abc"})
    (line,) = [line for line in log_lines() if line["message"] == "failed"]
    assert line["goal"] == "g-1"
    assert "request" not in line
    assert "ValueError: boom" in line["exception"]
    assert line["exception"].startswith("Traceback")


def _accord(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_log_format_json_writes_one_object_per_line(tmp_path):
    """LOG_FORMAT=json configures the console handler for JSON; plain text is the default."""
    code = "import logging; logging.getLogger('accord.probe').warning('hello %s', 'ops')"
    env = {"ACCORD_DATA_DIR": str(tmp_path)}
    json_run = _accord({**env, "LOG_FORMAT": "json"}, "shell", "-c", code)
    assert json_run.returncode == 0, json_run.stderr
    (line,) = [json.loads(text) for text in json_run.stderr.splitlines() if "probe" in text]
    assert line["message"] == "hello ops"
    assert line["request_id"] == "-"
    plain_run = _accord(env, "shell", "-c", code)
    assert "WARNING accord.probe [-] hello ops" in plain_run.stderr


def test_an_unknown_log_format_fails_at_start(tmp_path):
    """A typo in LOG_FORMAT stops the process with a message naming the variable."""
    run = _accord({"ACCORD_DATA_DIR": str(tmp_path), "LOG_FORMAT": "yaml"}, "check")
    assert run.returncode != 0
    assert "LOG_FORMAT='yaml' must be plain or json" in run.stderr


def test_django_error_lines_of_a_request_carry_its_id(client, db, log_lines, settings):
    """Django logs 5xx answers after the middleware has returned; they still carry the id."""
    from datetime import timedelta

    from accord.ops.tests.test_health import _queued

    settings.ACCORD_HEALTH_QUEUE_MAX_AGE = 1
    _queued(waited=timedelta(hours=1))
    response = client.get("/healthz", headers={"X-Request-ID": "probe-503"})
    assert response.status_code == 503
    (line,) = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["level"] == "ERROR"
    assert line["request_id"] == "probe-503"
    assert "status_code" in line
