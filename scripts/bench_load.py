"""Benchmark: 50 concurrent users mixing reads and writes against ``accord serve``, with locust.

    .venv/bin/python scripts/bench_load.py [--database sqlite|postgres] [--users 50]
        [--duration 2m] [--workers 4] [--threads 4] [--quick]

Copies the generated 20,000-people dataset, starts the production server (gunicorn through
``accord serve``) on a loopback port and runs locust headless (scripts/locustfile.py): each
user reads pages (with the owner's session) and API lists (with a token) and writes
check-ins and update comments through the API, with 0.2–1 s of think time. Reports
throughput, p50/p95 of all requests and of the writes, and every failed request; the server
log is searched for "locked" and tracebacks. Writes ``var/bench/load-<database>.json``.
"""

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from bench_pages import endpoints


def prepare(scratch: benchlib.Scratch, path: Path) -> None:
    """The locust config: a session and a token of the owner, and the targets."""
    benchlib.django_setup(scratch.url, scratch.folder)
    from django.test import Client

    from accord.api import actions
    from accord.comms.models import StatusUpdate
    from accord.goals.models import Goal
    from accord.workspaces.models import Membership

    workspace, user = benchlib.bench_owner()
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    membership = Membership.objects.get(workspace=workspace, user=user)
    _token, raw = actions.token_create(membership=membership, actor=None, name="load")
    targets = endpoints(workspace)
    config = {
        "session": browser.cookies["sessionid"].value,
        "token": raw,
        "pages": [[what, url] for what, kind, url in targets if kind == "page"],
        "api": [[what, url] for what, kind, url in targets if kind == "api"],
        "goals": [
            str(u)
            for u in Goal.objects.filter(workspace=workspace)
            .order_by("?")
            .values_list("uuid", flat=True)[:500]
        ],
        "updates": [
            str(u)
            for u in StatusUpdate.objects.filter(workspace=workspace)
            .order_by("?")
            .values_list("uuid", flat=True)[:200]
        ],
    }
    path.write_text(json.dumps(config), encoding="utf-8")
    from django.db import connections

    connections.close_all()


def stats_read(prefix: Path) -> dict[str, dict[str, Any]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        return {f"{row['Type']} {row['Name']}".strip(): row for row in csv.DictReader(handle)}


def failures_read(prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="2m")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--partnerships", type=int, default=2_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    started = time.perf_counter()
    if options.quick:
        options.duration = "30s"
    dataset = benchlib.Dataset(
        options.database,
        people=0 if options.demo else options.people,
        partnerships=options.partnerships,
        weeks=options.weeks,
        seed=options.seed,
    )
    dataset.ensure()
    scratch = dataset.scratch_copy(f"load-{options.database}")
    config = scratch.folder / "locust.json"
    prepare(scratch, config)
    prefix = scratch.folder / "locust"
    log = scratch.folder / "server.log"
    with benchlib.Server(
        scratch.env(), workers=options.workers, threads=options.threads, log=log
    ) as server:
        print(f"server on {server.url}; {options.users} users for {options.duration}", flush=True)
        load_average_before = benchlib.load_average()
        locust = str(Path(sys.executable).parent / "locust")
        subprocess.run(
            [locust, "-f", str(benchlib.ROOT / "scripts" / "locustfile.py"), "--headless",
             "-u", str(options.users), "-r", "25", "-t", options.duration,
             "--host", server.url, "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING", "--stop-timeout", "10"],
            env={**scratch.env(), "BENCH_LOAD_CONFIG": str(config)}, check=False,
        )  # fmt: skip
        words = server.log_count("database is locked", "locked", "Traceback")
    stats = stats_read(prefix)
    failures = failures_read(prefix)
    total = stats["Aggregated"]
    writes = [row for key, row in stats.items() if "write:" in key]
    write_count = sum(int(row["Request Count"]) for row in writes)
    write_p95 = max((float(row["95%"]) for row in writes), default=0.0)
    pages = [row for key, row in stats.items() if "page:" in key]
    worst_page = max(pages, key=lambda row: float(row["95%"]), default=None)
    errors = int(total["Failure Count"])
    engine = "SQLite" if options.database == "sqlite" else "PostgreSQL"
    requests = int(total["Request Count"])
    throughput = float(total["Requests/s"])
    print(
        f"{requests:,} requests, {throughput:.1f} req/s, p50 {total['50%']} ms, "
        f"p95 {total['95%']} ms, failures {errors}; writes {write_count:,} "
        f"(worst write p95 {write_p95:.0f} ms); server log {words}"
    )
    for key, row in sorted(stats.items()):
        print(
            f"  {key:60} n={row['Request Count']:>6} fail={row['Failure Count']:>4} "
            f"p50={row['50%']:>6} p95={row['95%']:>6}"
        )
    for failure in failures[:10]:
        print("  FAILURE", failure)
    ok = errors == 0 and words["locked"] == 0 and words["Traceback"] == 0
    note = (
        f"{requests:,} requests ({write_count:,} writes, worst write p95 {write_p95:.0f} ms); "
        f"failures {errors}; 'locked' in server log {words['locked']}, tracebacks "
        f"{words['Traceback']}; machine load before {load_average_before}"
    )
    if worst_page is not None:
        note += f"; slowest page p95 {worst_page['Name'][6:]} {float(worst_page['95%']):.0f} ms"
    rows = [
        benchlib.row(
            f"Load: {options.users} users, reads + writes, {options.duration}, "
            f"`accord serve` {options.workers}×{options.threads} [{engine}]",
            data=dataset.label,
            p50=float(total["50%"]),
            p95=float(total["95%"]),
            queries=f"{throughput:.1f} req/s",
            target="zero errors",
            met=ok,
            note=note,
            group="Load",
        )
    ]
    benchlib.result_write(
        f"load-{options.database}",
        rows,
        started=started,
        per_request={key: {k: row[k] for k in ("Request Count", "Failure Count", "50%", "95%")}
                     for key, row in stats.items()},
        failures=failures[:50],
    )  # fmt: skip
    scratch.drop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
