"""Benchmark: 64 concurrent check-in writers on SQLite through the real server.

    .venv/bin/python scripts/bench_writers.py [--writers 64] [--seconds 60] [--workers 4]
        [--threads 8] [--database sqlite|postgres] [--quick]

Copies the generated 20,000-people dataset, starts ``accord serve`` (gunicorn) on a loopback
port, and runs ``--writers`` threads that each post check-ins through the API
(``POST /api/v1/goals/{id}/checkins`` with a personal access token) back to back for
``--seconds``. Reports acknowledged writes per second, the latency of a write (p50, p95), every
answer that was not 201 (by status) and every connection error, and the number of times the
server log says "locked". Afterwards every acknowledged check-in id is looked up in the
database: an acknowledged write that is missing is a lost write. Writes
``var/bench/writers-<database>.json``.
"""

import argparse
import json
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib


def prepare(scratch: benchlib.Scratch, goals: int) -> dict[str, Any]:
    """A token for the owner and the ids of goals to write to (in this process)."""
    benchlib.django_setup(scratch.url, scratch.folder)
    from accord.api import actions
    from accord.goals.models import CheckIn, Goal
    from accord.workspaces.models import Membership

    workspace, user = benchlib.bench_owner()
    membership = Membership.objects.get(workspace=workspace, user=user)
    _token, raw = actions.token_create(membership=membership, actor=None, name="writers")
    ids = list(
        Goal.objects.filter(workspace=workspace)
        .order_by("?")
        .values_list("uuid", flat=True)[:goals]
    )
    return {
        "token": raw,
        "goals": [str(uuid) for uuid in ids],
        "before": CheckIn.objects.filter(workspace=workspace).count(),
        "workspace": workspace,
    }


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.acknowledged: list[str] = []
        self.statuses: dict[str, int] = {}
        self.examples: list[str] = []

    def add(self, status: str, latency: float, checkin: str | None, body: str = "") -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if checkin is not None:
                self.latencies.append(latency)
                self.acknowledged.append(checkin)
            elif len(self.examples) < 5:
                self.examples.append(f"{status}: {body[:300]}")


def writer(url: str, token: str, goals: list[str], stop: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop:
        goal = rng.choice(goals)
        body = json.dumps({"value": round(rng.uniform(0, 100), 2), "note": "load"}).encode()
        request = urllib.request.Request(
            f"{url}/api/v1/goals/{goal}/checkins",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                payload = json.loads(answer.read())
                tally.add(str(answer.status), time.perf_counter() - started, payload["id"])
        except urllib.error.HTTPError as error:
            tally.add(str(error.code), 0.0, None, error.read().decode(errors="replace"))
        except OSError as error:
            tally.add(type(error).__name__, 0.0, None, str(error))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--writers", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--goals", type=int, default=500)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--partnerships", type=int, default=2_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    started = time.perf_counter()
    if options.quick:
        options.seconds = 20.0
    dataset = benchlib.Dataset(
        options.database,
        people=0 if options.demo else options.people,
        partnerships=options.partnerships,
        weeks=options.weeks,
        seed=options.seed,
    )
    dataset.ensure()
    scratch = dataset.scratch_copy(f"writers-{options.database}")
    setup = prepare(scratch, options.goals)
    from accord.goals.models import CheckIn

    tally = Tally()
    log = scratch.folder / "server.log"
    with benchlib.Server(
        scratch.env(), workers=options.workers, threads=options.threads, log=log
    ) as server:
        print(f"server on {server.url}; {options.writers} writers for {options.seconds:.0f} s")
        stop = time.monotonic() + options.seconds
        threads = [
            threading.Thread(
                target=writer,
                args=(server.url, setup["token"], setup["goals"], stop, tally, number),
            )
            for number in range(options.writers)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        words = server.log_count("database is locked", "locked", "Traceback", " 500 ")
    stored: set[str] = set()
    for start in range(0, len(tally.acknowledged), 5000):
        chunk = tally.acknowledged[start : start + 5000]
        found = CheckIn.objects.filter(uuid__in=chunk).values_list("uuid", flat=True)
        stored.update(str(uuid) for uuid in found)
    lost = len(tally.acknowledged) - len(stored)
    after = CheckIn.objects.filter(workspace=setup["workspace"]).count()
    from django.db import connections

    connections.close_all()
    acknowledged = len(tally.acknowledged)
    failures = sum(n for status, n in tally.statuses.items() if status != "201")
    rate = acknowledged / elapsed
    p50 = statistics.median(tally.latencies) * 1000 if tally.latencies else 0.0
    p95 = benchlib.percentile(tally.latencies, 0.95) * 1000 if tally.latencies else 0.0
    print(
        f"{acknowledged:,} check-ins acknowledged in {elapsed:.1f} s: {rate:.1f} writes/s; "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms; answers {tally.statuses}; "
        f"log: {words}; rows added {after - setup['before']:,}; lost {lost}"
    )
    for example in tally.examples:
        print("  ", example)
    engine = "SQLite" if options.database == "sqlite" else "PostgreSQL"
    ok = failures == 0 and words["locked"] == 0 and lost == 0
    rows = [
        benchlib.row(
            f"{options.writers} concurrent check-in writers, API through `accord serve` [{engine}]",
            data=f"{dataset.label}; {options.workers} workers × {options.threads} threads",
            p50=round(p50, 1),
            p95=round(p95, 1),
            queries=f"{rate:.1f} writes/s",
            target='zero errors, zero "database is locked"',
            met=ok,
            note=(
                f"{acknowledged:,} acknowledged in {elapsed:.0f} s; non-201 answers: {failures} "
                f"{ {k: v for k, v in tally.statuses.items() if k != '201'} or '' }; "
                f"'locked' in server log: {words['locked']}; lost writes: {lost}"
            ),
            group="Load",
        )
    ]
    benchlib.result_write(f"writers-{options.database}", rows, started=started)
    scratch.drop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
