"""The dependency audit (scripts/audit.py) fails on known vulnerabilities and never passes blind.

A real HTTP server on 127.0.0.1 plays PyPI the way the build machine's proxy serves it: the
project documents answer, the per-release documents are 404. The audit runs as `make audit`
runs it, in its own process, against lock files naming that index's packages.
"""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADVISORY = {
    "id": "PYSEC-2099-1",
    "aliases": ["CVE-2099-0001"],
    "summary": "Remote code execution through crafted input.",
    "fixed_in": ["3.0"],
    "withdrawn": None,
}


def _project(latest: str, releases: list[str], vulnerabilities: list[Any], **extra: Any):
    return {
        "info": {"version": latest},
        "releases": {v: [{"yanked": v in extra.get("yanked", ())}] for v in releases},
        "vulnerabilities": vulnerabilities,
    }


PROJECTS = {
    "clean": _project("1.2", ["1.0", "1.2"], []),
    # The latest release (2.0) is vulnerable, fixed in 3.0, which is not out yet.
    "leaky": _project("2.0", ["1.0", "2.0"], [ADVISORY]),
    "withdrawn": _project("1.0", ["1.0"], [{**ADVISORY, "withdrawn": "2099-01-02T00:00:00Z"}]),
    "pulled": _project("1.1", ["1.0", "1.1"], [], yanked=("1.0",)),
}


class Index(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")  # pypi/<name>/json or pypi/<name>/<v>/json
        if len(parts) == 3 and parts[1] in PROJECTS:
            body = json.dumps(PROJECTS[parts[1]]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def index() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/pypi"
    server.shutdown()


def _audit(index: str, tmp_path: Path, *pins: str) -> subprocess.CompletedProcess[str]:
    lock = tmp_path / "requirements.lock"
    lock.write_text("\n".join(pins) + "\n")
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "audit.py"), "--lock", str(lock)],
        env={
            "PATH": "/usr/bin:/bin",
            "ACCORD_AUDIT_INDEX_URL": index,
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "NO_PROXY": "127.0.0.1",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_clean_pins_pass(index, tmp_path):
    """Pins with no advisories pass, and the report says how each was judged."""
    done = _audit(index, tmp_path, "clean==1.2", "withdrawn==1.0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 by the latest release's" in done.stdout
    assert "No known vulnerabilities." in done.stdout


def test_a_vulnerable_latest_release_fails_with_its_advisory(index, tmp_path):
    """A pin that is the latest release and has an open advisory fails the audit (exit 1),
    naming the advisory, its aliases and the fixing version."""
    done = _audit(index, tmp_path, "clean==1.2", "leaky==2.0")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "VULNERABLE leaky 2.0: PYSEC-2099-1 CVE-2099-0001 (fixed in 3.0)" in done.stdout


def test_an_older_pin_is_judged_by_the_advisories_still_open_and_called_partial(index, tmp_path):
    """A pin behind the latest release inherits the latest release's open advisories and is
    reported as partly audited."""
    done = _audit(index, tmp_path, "leaky==1.0")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "VULNERABLE leaky 1.0" in done.stdout
    assert "Partly audited" in done.stdout
    assert "leaky (latest 2.0)" in done.stdout


def test_a_yanked_pin_fails(index, tmp_path):
    """A pinned release that its authors withdrew from the index fails the audit."""
    done = _audit(index, tmp_path, "pulled==1.0")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "YANKED pulled" in done.stdout


def test_a_pin_that_cannot_be_audited_fails_rather_than_pass_blind(index, tmp_path):
    """An unknown package or release, or an unreachable index, is exit 2, not a pass."""
    unknown = _audit(index, tmp_path, "clean==1.2", "nowhere==1.0")
    assert unknown.returncode == 2, unknown.stdout + unknown.stderr
    assert "NOT AUDITED nowhere" in unknown.stdout
    missing = _audit(index, tmp_path, "clean==9.9")
    assert missing.returncode == 2
    assert "PyPI has no release 9.9 of clean" in missing.stdout
    offline = _audit("http://127.0.0.1:9/pypi", tmp_path, "clean==1.2")
    assert offline.returncode == 2
    assert "PyPI did not answer" in offline.stdout
