"""Benchmark: pages and API list endpoints at the 20,000-people scale, against their SQL floor.

    .venv/bin/python scripts/bench_pages.py [--database sqlite|postgres] [--people 20000]
        [--partnerships 2000] [--weeks 12] [--seed 1] [--runs 40] [--quick] [--demo]

Builds (once, then cached under var/bench/data/) a workspace with ``accord generate``, signs
in an owner, and requests each page and list endpoint through the real WSGI stack in this
process (django.test.Client: every middleware, session, template rendering). After two
warm-up requests it reports the median and 95th percentile of ``--runs`` requests and the
queries one request runs.

The floor: the statements one request ran (SQL and parameters, as the driver received them)
executed again directly on the raw DB-API cursor, fetching every row; median of
``--floor-runs``. The ratio page time / floor says how much time is Python (ORM, views,
templates, serialization) on top of the database work.

With ``--small-people`` (SQLite), the query count of every request is also taken on a second,
smaller dataset, to show it does not grow with the data. Writes
``var/bench/pages-<database>.json``.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

PAGE_TARGET_MS = 150.0
API_TARGET_MS = 50.0
FLOOR_TARGET = 3.0


def endpoints(workspace: Any) -> list[tuple[str, str, str]]:
    """(what, kind, url) for every measured request: the biggest objects of each kind, so the
    pages show their worst case."""
    from django.db.models import Count

    from accord.goals.models import Goal
    from accord.org.models import Person
    from accord.partnerships.models import Partnership
    from accord.surveys.models import Cycle

    ws = workspace.slug
    partnership = (
        Partnership.objects.filter(workspace=workspace)
        .annotate(size=Count("goals"))
        .order_by("-size", "pk")
        .first()
    )
    goal = (
        Goal.objects.filter(workspace=workspace)
        .annotate(size=Count("checkins"))
        .order_by("-size", "pk")
        .first()
    )
    cycle = (
        Cycle.objects.filter(workspace=workspace, version__instrument__kind="coordination")
        .annotate(size=Count("responses"))
        .order_by("-size", "pk")
        .first()
    )
    person = Person.objects.filter(workspace=workspace).order_by("pk")[
        Person.objects.filter(workspace=workspace).count() // 2
    ]
    term = (person.name.split()[-1] if person.name.split() else person.name)[:4]
    rows: list[tuple[str, str, str]] = [
        ("Portfolio dashboard", "page", f"/w/{ws}/insights/"),
        ("Workspace home", "page", f"/w/{ws}/"),
        ("Partnership list", "page", f"/w/{ws}/partnerships/"),
    ]
    if partnership is not None:
        rows.append(("Partnership home", "page", f"/w/{ws}/partnerships/{partnership.slug}/"))
    rows.append(("Goal list", "page", f"/w/{ws}/goals/"))
    if goal is not None:
        rows.append(("Goal page", "page", f"/w/{ws}/goals/{goal.uuid}/"))
    rows += [
        ("People list", "page", f"/w/{ws}/people/"),
        (f"People search (q={term})", "page", f"/w/{ws}/people/?q={term}"),
        ("Coordination results (all partnerships)", "page", f"/w/{ws}/surveys/results/"),
    ]
    if cycle is not None:
        rows.append(
            (
                "Coordination results (one cycle)",
                "page",
                f"/w/{ws}/surveys/results/cycles/{cycle.uuid}/",
            )
        )
    rows.append(("Network page", "page", f"/w/{ws}/network/"))
    rows += [
        ("GET /api/v1/people", "api", "/api/v1/people"),
        (f"GET /api/v1/people?q={term}", "api", f"/api/v1/people?q={term}"),
        ("GET /api/v1/partnerships", "api", "/api/v1/partnerships"),
        ("GET /api/v1/goals", "api", "/api/v1/goals"),
    ]
    if goal is not None:
        rows.append(
            ("GET /api/v1/goals/{id}/checkins", "api", f"/api/v1/goals/{goal.uuid}/checkins")
        )
    rows += [
        ("GET /api/v1/kpis", "api", "/api/v1/kpis"),
        ("GET /api/v1/decisions", "api", "/api/v1/decisions"),
        ("GET /api/v1/actions", "api", "/api/v1/actions"),
        ("GET /api/v1/updates", "api", "/api/v1/updates"),
        ("GET /api/v1/conflicts", "api", "/api/v1/conflicts"),
        ("GET /api/v1/portfolio", "api", "/api/v1/portfolio"),
        ("GET /api/v1/functions", "api", "/api/v1/functions"),
    ]
    return rows


Statement = tuple[str, Any, bool]


def request_capture(client: Any, url: str) -> tuple[int, list[Statement]]:
    """One request; its status and the statements it sent to the database."""
    from django.db import connection

    statements: list[Statement] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        response = client.get(url)
    return response.status_code, statements


def floor_time(statements: list[Statement], runs: int) -> tuple[float, float, int]:
    """Median wall and CPU milliseconds to run the statements on the raw DB-API cursor (rows
    fetched), and how many were run (savepoints are left out; a write that cannot be repeated
    is skipped)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        from django.db.backends.sqlite3.base import SQLiteCursorWrapper

        cursor = raw.cursor(factory=SQLiteCursorWrapper)
    else:
        cursor = raw.cursor()
    runnable = [
        s
        for s in statements
        if not s[0].lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))
    ]
    skipped: set[int] = set()
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        for number, (sql, params, many) in enumerate(runnable):
            if number in skipped:
                continue
            try:
                if many:
                    cursor.executemany(sql, params)
                elif params is None:
                    cursor.execute(sql)
                else:
                    cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
            except Exception:
                skipped.add(number)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    cursor.close()
    return statistics.median(times), statistics.median(cpu), len(runnable) - len(skipped)


def measure(client: Any, url: str, *, runs: int, floor_runs: int) -> dict[str, Any]:
    for _ in range(2):
        status, _statements = request_capture(client, url)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
    _status, statements = request_capture(client, url)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    floor, floor_cpu, floor_statements = floor_time(statements, floor_runs)
    return {
        "p50": statistics.median(wall),
        "p95": benchlib.percentile(wall, 0.95),
        "cpu_p50": statistics.median(cpu),
        "queries": len(statements),
        "floor": floor,
        "floor_cpu": floor_cpu,
        "floor_statements": floor_statements,
    }


def clients(workspace: Any, user: Any) -> tuple[Any, Any]:
    """A signed-in browser session and an API token client, both as the owner."""
    from django.test import Client

    from accord.api import actions
    from accord.workspaces.models import Membership

    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    membership = Membership.objects.get(workspace=workspace, user=user)
    _token, raw = actions.token_create(membership=membership, actor=None, name="bench")
    api = Client(headers={"authorization": f"Bearer {raw}"})
    return browser, api


def setup(dataset: benchlib.Dataset) -> tuple[Any, Any, Any]:
    benchlib.django_setup(dataset.url, dataset.folder)
    from django.conf import settings
    from django.test.utils import override_settings

    # Pages render without collectstatic (manifest lookups are a dict access either way).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    workspace, user = benchlib.bench_owner()
    browser, api = clients(workspace, user)
    # What every server worker does once loaded (accord/wsgi.py): without it a full garbage
    # collection over the start-up heap lands on some requests and only on the p95.
    from accord.ops.runtime import startup_heap_freeze

    startup_heap_freeze()
    return workspace, browser, api


def counts_only(dataset: benchlib.Dataset) -> dict[str, int]:
    """Queries per request on this dataset, keyed by the request's label."""
    workspace, browser, api = setup(dataset)
    counts = {}
    for what, kind, url in endpoints(workspace):
        client = api if kind == "api" else browser
        request_capture(client, url)
        _status, statements = request_capture(client, url)
        counts[what.split(" (q=")[0].split("?q=")[0]] = len(statements)
    return counts


def counts_attach(options: argparse.Namespace) -> int:
    """Measure the query counts on the small dataset and add them to the rows of the last
    ``pages-<database>.json`` (for a result taken with ``--small-people 0``)."""
    small = benchlib.Dataset(
        options.database,
        people=options.small_people,
        partnerships=options.small_partnerships,
        weeks=options.weeks,
        seed=options.seed,
    )
    out = benchlib.RESULTS / f"counts-{small.key}.json"
    subprocess.run(
        [sys.executable, __file__, "--database", options.database,
         "--people", str(small.people), "--partnerships", str(small.partnerships),
         "--weeks", str(options.weeks), "--seed", str(options.seed), "--counts-only", str(out)],
        check=True,
    )  # fmt: skip
    counts = json.loads(out.read_text())
    path = benchlib.RESULTS / f"pages-{options.database}.json"
    result = json.loads(path.read_text())
    for row in result["rows"]:
        key = row["what"].rsplit(" [", 1)[0].split(" (q=")[0].split("?q=")[0]
        if key in counts and row["queries"].isdigit():
            row["queries"] = f"{row['queries']} (at {small.people:,} people: {counts[key]})"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"attached the query counts at {small.people:,} people to {path.name}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--partnerships", type=int, default=2_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--floor-runs", type=int, default=10)
    parser.add_argument("--small-people", type=int, default=2_000)
    parser.add_argument("--small-partnerships", type=int, default=200)
    parser.add_argument("--demo", action="store_true", help="use `accord demo` (harness check)")
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--counts-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--attach-counts",
        action="store_true",
        help="only add the small dataset's query counts to the last result file",
    )
    options = parser.parse_args()
    started = time.perf_counter()
    if options.quick:
        options.runs, options.floor_runs = 12, 4
    people = 0 if options.demo else options.people
    dataset = benchlib.Dataset(
        options.database,
        people=people,
        partnerships=options.partnerships,
        weeks=options.weeks,
        seed=options.seed,
    )
    if options.counts_only:
        dataset.ensure()
        counts = counts_only(dataset)
        options.counts_only.write_text(json.dumps(counts))
        return 0

    if options.attach_counts:
        return counts_attach(options)
    small_counts: dict[str, int] = {}
    small_label = ""
    if options.small_people and not options.demo:
        small = benchlib.Dataset(
            options.database,
            people=options.small_people,
            partnerships=options.small_partnerships,
            weeks=options.weeks,
            seed=options.seed,
        )
        out = benchlib.RESULTS / f"counts-{small.key}.json"
    if options.small_people and not options.demo and (small.ready() or not out.exists()):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--database",
                options.database,
                "--people",
                str(small.people),
                "--partnerships",
                str(small.partnerships),
                "--weeks",
                str(options.weeks),
                "--seed",
                str(options.seed),
                "--counts-only",
                str(out),
            ],
            check=True,
        )
    if options.small_people and not options.demo:
        small_counts = json.loads(out.read_text())
        small_label = f"{small.people:,}"

    built = dataset.ensure(regenerate=options.regenerate)
    workspace, browser, api = setup(dataset)
    from django.db import connection

    engine = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
    size = f"{dataset.label}, {engine}"
    rows = []
    misses = []
    for what, kind, url in endpoints(workspace):
        client = api if kind == "api" else browser
        result = measure(client, url, runs=options.runs, floor_runs=options.floor_runs)
        target = PAGE_TARGET_MS if kind == "page" else API_TARGET_MS
        ratio = result["p50"] / result["floor"] if result["floor"] > 0 else None
        met = result["p95"] < target
        key = what.split(" (q=")[0].split("?q=")[0]
        queries = str(result["queries"])
        if key in small_counts:
            queries = f"{result['queries']} (at {small_label} people: {small_counts[key]})"
        note = f"CPU p50 {result['cpu_p50']:.0f} ms; floor {result['floor']:.1f} ms"
        if engine == "SQLite" and result["floor_cpu"] > 0.05:
            # In process, both in CPU time: the ratio without the waiting for a core.
            note += f"; CPU ratio {result['cpu_p50'] / result['floor_cpu']:.1f}×"
        rows.append(
            benchlib.row(
                f"{what} [{engine}]",
                data=size,
                p50=round(result["p50"], 1),
                p95=round(result["p95"], 1),
                queries=queries,
                ratio=round(ratio, 1) if ratio else None,
                ratio_to="SQL floor",
                target=f"p95 < {target:.0f} ms",
                met=met,
                note=note,
                group=f"Pages and API ({engine})",
            )
        )
        if not met:
            misses.append(what)
        # Written after every row, so an interrupted run still leaves what it measured.
        benchlib.result_write(
            f"pages-{options.database}", rows, started=started, dataset=dataset.key, partial=True
        )
        print(
            f"{what:48} p50 {result['p50']:7.1f}  p95 {result['p95']:7.1f}  "
            f"cpu {result['cpu_p50']:6.1f}  q {queries:>6}  floor {result['floor']:6.1f} ms  "
            f"ratio {ratio or 0:4.1f}×  {'met' if met else 'MISSED'}",
            flush=True,
        )
    build = dataset.build_seconds()
    if build and not options.demo:
        rows.append(
            benchlib.row(
                f"`accord generate` ({engine})",
                data=dataset.label,
                p50=round(build, 1),
                unit="s",
                target="minutes, not hours",
                met=build < 30 * 60,
                note="migrate + generate (+ ANALYZE on PostgreSQL); single run"
                + ("" if built else ", from the cached build"),
                group="Data generation",
            )
        )
    connection.close()
    benchlib.result_write(
        f"pages-{options.database}",
        rows,
        started=started,
        dataset=dataset.key,
        runs=options.runs,
        floor_runs=options.floor_runs,
    )
    if misses:
        print("targets missed:", ", ".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
