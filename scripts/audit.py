"""Dependency audit: known vulnerabilities in the pinned dependencies fail the build.

pip-audit reads requirements.lock (every line pinned, so nothing is resolved) and asks PyPI's
vulnerability data about each pin. PyPI answers in two documents:

- `/pypi/<name>/<version>/json`: the advisories that affect that exact release. This is what
  plain `pip-audit` asks for. Some networks (proxies, mirrors) do not serve it.
- `/pypi/<name>/json`: the project, whose `vulnerabilities` describe its *latest* release.

The audit uses the per-release document when the network serves it. When it does not, a pin
that is the latest release is judged exactly by the project document; a pin behind the latest
release is judged by the advisories still open in the latest release (each affects the pin too
unless its fix is at or below the pin), and is reported as partly audited, because advisories
fixed between the pin and the latest release are not in that document.

Exit status: 0 when no pin has a known vulnerability and every pin could be judged; 1 when a pin
is vulnerable or yanked; 2 when a pin could not be audited at all (unknown to PyPI, network
down): an audit that saw nothing never passes. See docs/security.md.

Usage: python scripts/audit.py [--lock FILE] [--refresh] [--json]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from packaging.version import InvalidVersion, Version
from pip_audit._audit import AuditOptions, Auditor
from pip_audit._dependency_source import RequirementSource
from pip_audit._service.interface import (
    Dependency,
    ResolvedDependency,
    ServiceError,
    SkippedDependency,
    VulnerabilityResult,
    VulnerabilityService,
)

ROOT = Path(__file__).resolve().parent.parent
PYPI = "https://pypi.org/pypi"  # ACCORD_AUDIT_INDEX_URL replaces it (the tests' local index)
# PyPI's answers are kept this long, so `make test` does not ask PyPI 160 times per run.
CACHE_TTL_SECONDS = 6 * 3600
TIMEOUT_SECONDS = 20
WORKERS = 8
# Advisory ids accepted on purpose, each with the reason (none today). An entry here needs a
# line in docs/security.md saying why the advisory does not apply to Accord.
ACCEPTED: dict[str, str] = {}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "accord" / "audit"
    path.mkdir(parents=True, exist_ok=True)
    return path


class PyPIDocuments:
    """PyPI's JSON documents, cached on disk for CACHE_TTL_SECONDS (404s too)."""

    def __init__(self, *, refresh: bool = False) -> None:
        self.base = os.environ.get("ACCORD_AUDIT_INDEX_URL", PYPI).rstrip("/")
        self.directory = cache_dir() / hashlib.sha256(self.base.encode()).hexdigest()[:12]
        self.directory.mkdir(parents=True, exist_ok=True)
        self.refresh = refresh
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "accord-audit (pip-audit library)"

    def get(self, path: str) -> dict[str, Any] | None:
        """The document at PYPI/path, or None when PyPI answers 404; raises on other errors."""
        cached = self.directory / (path.replace("/", "__") + ".json")
        fresh = cached.exists() and time.time() - cached.stat().st_mtime < CACHE_TTL_SECONDS
        if fresh and not self.refresh:
            stored: dict[str, Any] = json.loads(cached.read_text())
            return stored.get("document")
        response = self.session.get(f"{self.base}/{path}/json", timeout=TIMEOUT_SECONDS)
        if response.status_code == 404:
            document = None
        else:
            response.raise_for_status()
            document = response.json()
        cached.write_text(json.dumps({"document": document}))
        return document


@dataclass
class Coverage:
    """How each pin was judged: its source of advisories, and what could not be judged."""

    exact: dict[str, str] = field(default_factory=dict)  # name -> "release" or "latest"
    partial: dict[str, str] = field(default_factory=dict)  # name -> latest version
    unaudited: dict[str, str] = field(default_factory=dict)  # name -> reason
    yanked: dict[str, str] = field(default_factory=dict)  # name -> reason


def vulnerability_results(entries: list[dict[str, Any]] | None) -> list[VulnerabilityResult]:
    """PyPI's `vulnerabilities` entries as pip-audit results (withdrawn ones left out)."""
    results = []
    for entry in entries or []:
        if entry.get("withdrawn"):
            continue
        try:
            fixes = sorted(Version(v) for v in entry.get("fixed_in") or [])
        except InvalidVersion as error:
            raise ServiceError(f"malformed fixed_in from PyPI: {entry.get('fixed_in')}") from error
        description = (entry.get("summary") or entry.get("details") or "N/A").replace("\n", " ")
        results.append(
            VulnerabilityResult.create(
                ids=[entry["id"], *entry.get("aliases", [])],
                description=description,
                fix_versions=fixes,
                published=None,
            )
        )
    return results


class PinnedReleaseService(VulnerabilityService):
    """A pip-audit vulnerability service over PyPI that works behind proxies that serve only
    the project documents (see the module docstring)."""

    def __init__(self, documents: PyPIDocuments, coverage: Coverage) -> None:
        self.documents = documents
        self.coverage = coverage

    def query(self, spec: Dependency) -> tuple[Dependency, list[VulnerabilityResult]]:
        if not isinstance(spec, ResolvedDependency):
            self.coverage.unaudited[spec.canonical_name] = getattr(spec, "skip_reason", "skipped")
            return spec, []
        name, version = spec.canonical_name, spec.version
        try:
            release = self.documents.get(f"{name}/{version}")
            if release is not None:
                self.coverage.exact[name] = "release"
                return spec, vulnerability_results(release.get("vulnerabilities"))
            return self._from_project(spec)
        except (requests.RequestException, ValueError) as error:
            reason = f"PyPI did not answer ({type(error).__name__}: {error})"
            self.coverage.unaudited[name] = reason
            return SkippedDependency(name=spec.name, skip_reason=reason), []

    def _from_project(self, spec: ResolvedDependency) -> tuple[Dependency, list[Any]]:
        name, version = spec.canonical_name, spec.version
        project = self.documents.get(name)
        if project is None:
            reason = f"{name} is not on PyPI"
            self.coverage.unaudited[name] = reason
            return SkippedDependency(name=spec.name, skip_reason=reason), []
        files = _release_files(project, version)
        if files is None:
            reason = f"PyPI has no release {version} of {name}"
            self.coverage.unaudited[name] = reason
            return SkippedDependency(name=spec.name, skip_reason=reason), []
        if files and all(f.get("yanked") for f in files):
            self.coverage.yanked[name] = files[0].get("yanked_reason") or "no reason given"
        latest = Version(project["info"]["version"])
        results = vulnerability_results(project.get("vulnerabilities"))
        if version == latest:
            self.coverage.exact[name] = "latest"
            return spec, results
        self.coverage.partial[name] = str(latest)
        # An advisory open in a newer release affects this pin too, unless fixed at or below it.
        return spec, [r for r in results if not any(fix <= version for fix in r.fix_versions)]


def _release_files(project: dict[str, Any], version: Version) -> list[dict[str, Any]] | None:
    for text, files in project.get("releases", {}).items():
        try:
            if Version(text) == version:
                return list(files)
        except InvalidVersion:
            continue
    return None


class PrefetchingService(VulnerabilityService):
    """Asks PyPI about all pins in parallel (bounded), then answers pip-audit in order."""

    def __init__(self, inner: PinnedReleaseService) -> None:
        self.inner = inner

    def query(self, spec: Dependency) -> tuple[Dependency, list[VulnerabilityResult]]:
        return self.inner.query(spec)

    def query_all(self, specs: Any) -> Any:
        specs = list(specs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            yield from pool.map(self.inner.query, specs)


def audit(lock: Path, *, refresh: bool = False) -> dict[str, Any]:
    """Audit the pins of `lock`; returns a report (see `main` for its use)."""
    coverage = Coverage()
    service = PrefetchingService(PinnedReleaseService(PyPIDocuments(refresh=refresh), coverage))
    source = RequirementSource([lock], no_deps=True, disable_pip=True)
    vulnerable: list[dict[str, Any]] = []
    accepted: list[dict[str, Any]] = []
    pins = 0
    for dependency, results in Auditor(service, options=AuditOptions(dry_run=False)).audit(source):
        pins += 1
        for result in results:
            row = {
                "name": dependency.canonical_name,
                "version": str(getattr(dependency, "version", "")),
                "id": result.id,
                "aliases": sorted(result.aliases),
                "fix_versions": [str(v) for v in result.fix_versions],
                "description": result.description[:200],
            }
            ids = {result.id, *result.aliases}
            (accepted if ids & set(ACCEPTED) else vulnerable).append(row)
    return {
        "pins": pins,
        "vulnerable": vulnerable,
        "accepted": accepted,
        "yanked": coverage.yanked,
        "exact": coverage.exact,
        "partial": coverage.partial,
        "unaudited": coverage.unaudited,
    }


def exit_status(report: dict[str, Any]) -> int:
    if report["unaudited"] or report["pins"] == 0:
        return 2
    if report["vulnerable"] or report["yanked"]:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--refresh", action="store_true", help="ignore the cached answers")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    started = time.monotonic()
    report = audit(args.lock, refresh=args.refresh)
    status = exit_status(report)
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
        return status
    by_release = sum(1 for how in report["exact"].values() if how == "release")
    by_latest = len(report["exact"]) - by_release
    print(
        f"Dependency audit of {args.lock.name}: {report['pins']} pins in "
        f"{time.monotonic() - started:.1f} s; {by_release} judged by their release's advisories, "
        f"{by_latest} by the latest release's (they are the latest), "
        f"{len(report['partial'])} behind the latest release judged by its open advisories, "
        f"{len(report['unaudited'])} not audited."
    )
    if report["partial"]:
        behind = ", ".join(f"{n} (latest {v})" for n, v in sorted(report["partial"].items()))
        print(f"  Partly audited (advisories fixed before the latest release are unseen): {behind}")
    for row in report["accepted"]:
        print(f"  accepted {row['name']} {row['version']}: {row['id']} ({ACCEPTED[row['id']]})")
    for row in report["vulnerable"]:
        fixes = ", ".join(row["fix_versions"]) or "no fix yet"
        print(
            f"VULNERABLE {row['name']} {row['version']}: {row['id']} "
            f"{' '.join(row['aliases'])} (fixed in {fixes}): {row['description']}"
        )
    for name, reason in sorted(report["yanked"].items()):
        print(f"YANKED {name}: the pinned release was withdrawn from PyPI: {reason}")
    for name, reason in sorted(report["unaudited"].items()):
        print(f"NOT AUDITED {name}: {reason}")
    if status == 2:
        print("The audit could not judge every pin, so it fails rather than pass blind.")
    elif status == 1:
        print("Known vulnerabilities in pinned dependencies: upgrade them in requirements.lock.")
    else:
        print("No known vulnerabilities.")
    return status


if __name__ == "__main__":
    sys.exit(main())
