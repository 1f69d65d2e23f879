"""Benchmark: collaboration-network analysis (issue 8, "Speed").

    .venv/bin/python scripts/bench_network.py [--quick] [--db-import] [--runs 3]
        [--people 5000] [--events 1000000] [--big-events 10000000] [--keep DIR]

1. Generates 1,000,000 events among 5,000 people in 10 functions
   (scripts/network_generate.py) and times ``accord network analyze --json`` as a real
   subprocess (median and worst of ``--runs``; peak RSS from /usr/bin/time, else
   getrusage of the children). Budget: under 30 s on 2 cores.
2. Times the pandas + networkx baseline (scripts/network_baseline.py) on the same files and
   checks the answers agree: people, events, ties, unmatched, E-I overall and per function,
   the function matrix and the overload figures exactly (as printed, 6 decimals); modularity
   unrounded to 1e-9; betweenness for every person (both sample networkx's pivots, the same
   ones, with the same estimator, so the values agree to rounding) and the top 10 brokers.
   Budget: Accord at least 10× faster.
3. Pivot quality: on the same 5,000-person network, exact betweenness (igraph, all sources)
   against the pivot estimate at several pivot counts: Spearman rank correlation, top-10 and
   top-50 overlap; and the snowball-sample check the snapshots report
   (``accord.metrics.network.betweenness_check``).
4. Unless ``--quick``: a 10,000,000-event file, analysed by ``accord network analyze``
   (chunked read) and, with ``--db-import`` (slow), imported with ``accord network import``
   into a fresh SQLite database; time and peak RSS. Budget: under 2 GB.

Prints a Markdown table for docs/network-benchmarks.md. Exits 1 when a budget is missed or
the answers disagree.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import benchlib  # noqa: E402

BUDGET_SECONDS = 30.0
BUDGET_RATIO = 10.0
BUDGET_RSS_MB = 2048.0
TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
ACCORD = str(Path(sys.executable).parent / "accord")


class Run:
    def __init__(self, seconds: float, cpu: float, rss_mb: float, stdout: str, stderr: str) -> None:
        self.seconds = seconds
        self.cpu = cpu  # user + system seconds of the child: what it costs on a busy machine
        self.rss_mb = rss_mb
        self.stdout = stdout
        self.stderr = stderr


def run(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command; wall seconds and its peak resident set size in MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        wrapped = [TIME, "-f", "%M", "-o", report.name, *command] if TIME else command
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        started = time.perf_counter()
        done = subprocess.run(wrapped, capture_output=True, text=True, env=env, check=False)
        seconds = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime - cpu_before
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        if TIME:
            kilobytes = float(report.read().strip().splitlines()[-1])
        else:  # the children's maximum so far: right when this run is the largest
            kilobytes = float(max(before, usage.ru_maxrss))
    return Run(seconds, cpu, kilobytes / 1024.0, done.stdout, done.stderr)


def accord_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(data_dir)
    return env


def generate(folder: Path, people: int, events: int, seed: int) -> tuple[Path, Path, float]:
    from network_generate import generate as write

    started = time.perf_counter()
    people_path, events_path = write(folder, people=people, events=events, seed=seed)
    return people_path, events_path, time.perf_counter() - started


def compare(accord: dict[str, Any], base: dict[str, Any]) -> list[str]:
    """Differences between the two answers (empty when they agree)."""
    problems = []
    for key in (
        "people",
        "events",
        "ties",
        "unmatched",
        "ei_index",
        "functions",
        "function_matrix",
        "modularity",
        "overload",
    ):
        if accord[key] != base[key]:
            problems.append(f"{key}: accord {accord[key]!r} != baseline {base[key]!r}")
    ours = [b["email"] for b in accord["brokers"]]
    theirs = [b["email"] for b in base["brokers"]]
    if ours != theirs:
        problems.append(f"top-10 brokers differ: {ours} vs {theirs}")
    return problems


def betweenness_agreement(
    people_path: Path, events_path: Path, base_raw: dict[str, Any]
) -> dict[str, Any]:
    """Accord's unrounded modularity and betweenness (in process) against the baseline's."""
    import numpy as np
    from scipy.stats import spearmanr

    from accord.metrics import network
    from accord.network.files import events_pairs, people_read

    people = people_read(people_path)
    pairs = events_pairs(events_path, people)
    ties = network.ties_from_events(pairs.sender, pairs.recipient, n=len(people.emails))
    modularity = network.modularity(ties, people.function_of)
    between = network.betweenness(ties)
    theirs = np.array([base_raw["betweenness"][email] for email in people.emails])
    ours = between.values
    return {
        "ties": ties,
        "people": people,
        "modularity_diff": abs((modularity or 0.0) - (base_raw["modularity"] or 0.0)),
        "betweenness_max_diff": float(np.max(np.abs(ours - theirs))),
        "betweenness_spearman": float(spearmanr(ours, theirs).statistic),
        "exact": between.exact,
        "pivots": between.pivots,
    }


def pivot_quality(ties: Any) -> dict[str, Any]:
    """Exact betweenness on the whole network against pivot estimates."""
    import numpy as np
    from scipy.stats import spearmanr

    from accord.metrics import network

    started = time.perf_counter()
    exact = network.betweenness(ties, exact_max=ties.n).values
    exact_seconds = time.perf_counter() - started
    top10 = set(np.argsort(-exact, kind="stable")[:10].tolist())
    top50 = set(np.argsort(-exact, kind="stable")[:50].tolist())
    rows = []
    for pivots in (100, 250, 500, 1000):
        started = time.perf_counter()
        estimate = network.betweenness(ties, exact_max=1, pivots=pivots).values
        seconds = time.perf_counter() - started
        order = np.argsort(-estimate, kind="stable")
        rows.append(
            {
                "pivots": pivots,
                "seconds": seconds,
                "spearman": float(spearmanr(exact, estimate).statistic),
                "top10": len(top10 & set(order[:10].tolist())),
                "top50": len(top50 & set(order[:50].tolist())),
            }
        )
    started = time.perf_counter()
    check = network.betweenness_check(ties)
    return {
        "exact_seconds": exact_seconds,
        "rows": rows,
        "snowball": check,
        "snowball_seconds": time.perf_counter() - started,
    }


def db_setup(data_dir: Path, people_path: Path) -> None:
    """A fresh SQLite database with workspace ``bench``, an owner and the people of the
    people file (in a subprocess, so the benchmark process does not hold Django)."""
    env = accord_env(data_dir)
    run([ACCORD, "migrate", "--noinput", "-v", "0"], env)
    code = f"""
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
django.setup()
import polars as pl
from accord.accounts.models import User
from accord.org.models import Function, Person
from accord.workspaces.models import Membership, Role, Workspace
frame = pl.read_csv({str(people_path)!r})
workspace = Workspace.objects.create(name="Bench", slug="bench")
user = User.objects.create_user(email="owner@bench.test", password="x" * 20)
Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
names = sorted(set(frame["function"].to_list()))
functions = {{f.name: f for f in Function.objects.bulk_create(
    [Function(workspace=workspace, name=name) for name in names])}}
Person.objects.bulk_create([
    Person(workspace=workspace, name=row["name"], email=row["email"],
           function=functions[row["function"]])
    for row in frame.iter_rows(named=True)], batch_size=2000)
"""
    run([sys.executable, "-c", code], env)


def db_import(folder: Path, people_path: Path, events_path: Path) -> tuple[Run | None, str]:
    """``accord network import`` of the events file into a fresh database, if the command
    exists; (run, note)."""
    data_dir = folder / "db"
    data_dir.mkdir(exist_ok=True)
    env = accord_env(data_dir)
    probe = subprocess.run(
        [ACCORD, "network", "import", "--help"], capture_output=True, text=True, env=env
    )
    if probe.returncode != 0:
        return None, "not measured: `accord network import` does not exist yet"
    db_setup(data_dir, people_path)
    result = run([ACCORD, "network", "import", str(events_path), "--workspace", "bench"], env)
    return result, (result.stdout.strip().splitlines() or [""])[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--big-events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="skip the 10M-event file")
    parser.add_argument(
        "--db-import",
        action="store_true",
        help="also import the 10M-event file into a fresh SQLite database (slow: ~30 min)",
    )
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    options = parser.parse_args()
    failures: list[str] = []
    table: list[tuple[str, str, str, str, str, str]] = []
    json_rows: list[dict[str, Any]] = []
    begun = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="bench-network-") as temporary:
        folder = options.keep or Path(temporary)
        data = folder / f"{options.events}"
        people_path, events_path, generated = generate(
            data, options.people, options.events, options.seed
        )
        size = f"{options.events:,} events, {options.people:,} people"
        print(f"Generated {size} ({events_path.stat().st_size / 1e6:.0f} MB) in {generated:.1f} s")

        # 1. accord network analyze, as a user runs it.
        command = [
            ACCORD,
            "network",
            "analyze",
            "--people",
            str(people_path),
            "--events",
            str(events_path),
            "--json",
        ]
        env = accord_env(folder / "nodb")
        runs = [run(command, env) for _ in range(options.runs)]
        seconds = sorted(r.seconds for r in runs)
        median = statistics.median(seconds)
        rss = max(r.rss_mb for r in runs)
        answer = json.loads(runs[0].stdout)
        print(
            f"accord network analyze: median {median:.2f} s, worst {seconds[-1]:.2f} s "
            f"over {len(runs)} runs (CPU {statistics.median(r.cpu for r in runs):.2f} s), "
            f"peak RSS {rss:.0f} MB — {answer['ties']:,} ties, "
            f"betweenness {'exact' if answer['betweenness_exact'] else 'from pivots'}"
        )
        if median >= BUDGET_SECONDS:
            failures.append(f"analyze median {median:.1f} s is over {BUDGET_SECONDS:.0f} s")

        # 2. The pandas + networkx baseline on the same files.
        base_run = run(
            [
                sys.executable,
                str(ROOT / "scripts" / "network_baseline.py"),
                "--people",
                str(people_path),
                "--events",
                str(events_path),
                "--json",
                "--raw",
            ]
        )
        base = json.loads(base_run.stdout)
        ratio = base_run.seconds / median
        print(
            f"pandas + networkx baseline: {base_run.seconds:.1f} s (CPU {base_run.cpu:.1f} s), "
            f"peak RSS {base_run.rss_mb:.0f} MB — Accord is {ratio:.1f}× faster "
            f"(CPU: {base_run.cpu / statistics.median(r.cpu for r in runs):.1f}×)"
        )
        if ratio < BUDGET_RATIO:
            failures.append(f"speed ratio {ratio:.1f}× is under {BUDGET_RATIO:.0f}×")
        problems = compare(answer, base)
        agreement = betweenness_agreement(people_path, events_path, base["raw"])
        if agreement["modularity_diff"] > 1e-9:
            problems.append(f"modularity differs by {agreement['modularity_diff']:.2e}")
        if agreement["betweenness_max_diff"] > 1e-12:
            problems.append(f"betweenness differs by {agreement['betweenness_max_diff']:.2e}")
        how = "exact" if agreement["exact"] else f"{agreement['pivots']} pivots"
        print(
            f"Agreement: {problems or 'all checked figures equal'}; "
            f"modularity |Δ| {agreement['modularity_diff']:.1e}; betweenness ({how}, both) "
            f"max |Δ| {agreement['betweenness_max_diff']:.1e}, Spearman "
            f"{agreement['betweenness_spearman']:.6f}; top-10 brokers identical: "
            f"{[b['email'] for b in answer['brokers']] == [b['email'] for b in base['brokers']]}"
        )
        failures += problems
        json_rows.append(
            benchlib.row(
                "Network analysis, `accord network analyze --json` (fresh process)",
                data=size,
                p50=round(median, 2),
                p95=round(seconds[-1], 2),
                unit="s",
                queries=f"peak RSS {rss:.0f} MB",
                ratio=round(ratio, 1),
                ratio_to="× faster than pandas + networkx "
                f"({base_run.seconds:.1f} s, same answers)",
                target=f"< {BUDGET_SECONDS:.0f} s and ≥ {BUDGET_RATIO:.0f}× the baseline",
                met=median < BUDGET_SECONDS and ratio >= BUDGET_RATIO and not problems,
                note=f"median of {len(runs)} runs; the p95 column holds the slowest run; "
                f"answers agree: {not problems}",
                group="Analytics",
            )
        )
        table.append(
            (
                "`accord network analyze --json` (subprocess)",
                size,
                f"{median:.2f} s",
                f"{seconds[-1]:.2f} s (worst of {len(runs)})",
                f"{ratio:.1f}× faster",
                f"{rss:.0f} MB",
            )
        )
        table.append(
            (
                f"pandas + networkx baseline ({how})",
                size,
                f"{base_run.seconds:.1f} s (1 run)",
                "—",
                "1×",
                f"{base_run.rss_mb:.0f} MB",
            )
        )

        # 3. Pivot quality on the whole network.
        quality = pivot_quality(agreement["ties"])
        print(
            f"Exact betweenness (igraph, all {options.people} sources): "
            f"{quality['exact_seconds']:.1f} s"
        )
        for row in quality["rows"]:
            print(
                f"  {row['pivots']:>5} pivots: {row['seconds']:.2f} s, Spearman with exact "
                f"{row['spearman']:.4f}, top-10 overlap {row['top10']}/10, "
                f"top-50 {row['top50']}/50"
            )
        print(
            f"  snowball check (betweenness_check, 1,000-person sample): Spearman "
            f"{quality['snowball']:.4f} in {quality['snowball_seconds']:.1f} s"
        )
        del agreement

        # 4. Ten million events.
        if not options.quick:
            big = folder / f"{options.big_events}"
            big_people, big_events, big_generated = generate(
                big, options.people, options.big_events, options.seed
            )
            big_size = f"{options.big_events:,} events, {options.people:,} people"
            print(
                f"Generated {big_size} ({big_events.stat().st_size / 1e6:.0f} MB) in "
                f"{big_generated:.1f} s"
            )
            command[command.index(str(people_path))] = str(big_people)
            command[command.index(str(events_path))] = str(big_events)
            big_run = run(command, env)
            json_rows.append(
                benchlib.row(
                    "Network analysis, chunked read (fresh process)",
                    data=f"{options.big_events:,} events, {options.people:,} people",
                    p50=round(big_run.seconds, 1),
                    unit="s",
                    queries=f"peak RSS {big_run.rss_mb:.0f} MB",
                    target="peak RSS < 2 GB",
                    met=big_run.rss_mb < BUDGET_RSS_MB,
                    note="single run",
                    group="Analytics",
                )
            )
            print(
                f"accord network analyze (10M): {big_run.seconds:.1f} s, peak RSS "
                f"{big_run.rss_mb:.0f} MB"
            )
            if big_run.rss_mb >= BUDGET_RSS_MB:
                failures.append(f"10M analyze peak RSS {big_run.rss_mb:.0f} MB ≥ 2 GB")
            table.append(
                (
                    "`accord network analyze --json`, chunked read",
                    big_size,
                    f"{big_run.seconds:.1f} s (1 run)",
                    "—",
                    "—",
                    f"{big_run.rss_mb:.0f} MB",
                )
            )
            if options.db_import:
                imported, note = db_import(folder, big_people, big_events)
            else:
                imported, note = None, "not run (add --db-import)"
            if imported is None:
                print(f"Database import (10M): {note}")
                table.append(("`accord network import` into SQLite", big_size, note, "", "", ""))
            else:
                print(
                    f"Database import (10M): {imported.seconds:.1f} s, peak RSS "
                    f"{imported.rss_mb:.0f} MB — {note}"
                )
                if imported.rss_mb >= BUDGET_RSS_MB:
                    failures.append(f"10M import peak RSS {imported.rss_mb:.0f} MB ≥ 2 GB")
                table.append(
                    (
                        "`accord network import` into SQLite",
                        big_size,
                        f"{imported.seconds:.1f} s (1 run)",
                        "—",
                        "—",
                        f"{imported.rss_mb:.0f} MB",
                    )
                )

    cores = os.cpu_count()
    print()
    print(
        f"Machine: {cores} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {datetime.date.today().isoformat()}"
    )
    print("| What | Data | Median | p95 / worst | Ratio to baseline | Peak RSS |")
    print("|---|---|---|---|---|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    benchlib.result_write("network", json_rows, started=begun, failures=failures)
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print("\nAll budgets met and the answers agree.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
