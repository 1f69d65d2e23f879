"""Benchmark: conflict detection over synthetic goals built from the metric catalog.

    .venv/bin/python scripts/bench_conflicts.py [--goals 10000] [--seed 7]

Prints the time to read and analyse the goals and what was found. A benchmark, not a test:
the design budget is 10,000 goals in under 5 seconds on a laptop.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

from accord.metrics.catalog import FUNCTIONS, catalog_load
from accord.metrics.conflicts import GoalFacts, conflicts_find

BUDGET_SECONDS = 5.0

PHRASES = {
    "increase": ["Increase {m} to {n}{u} by {d}", "Grow {m} {n}% this year", "Raise {m} to {n}{u}"],
    "decrease": ["Reduce {m} to {n}{u} by {d}", "Cut {m} by {n}%", "Lower {m} from {x} to {n}{u}"],
    "keep": ["Keep {m} above {n}{u}", "Keep {m} below {n}{u}", "Hold {m} flat through {d}"],
    "vague": [
        "Improve collaboration on {m}",
        "Foster alignment with partners",
        "Launch the portal",
    ],
}


def goals_synthetic(count: int, seed: int) -> list[GoalFacts]:
    rng = random.Random(seed)
    catalog = catalog_load()
    metrics = list(catalog.metrics)
    functions = list(FUNCTIONS)
    start = date(2026, 1, 1)
    goals = []
    for n in range(count):
        metric = rng.choice(metrics)
        kind = rng.choices(list(PHRASES), weights=[45, 35, 12, 8])[0]
        name = rng.choice((metric.name, *metric.synonyms, *metric.abbreviations))
        text = rng.choice(PHRASES[kind]).format(
            m=name,
            n=rng.randint(2, 95),
            x=rng.randint(96, 200),
            u="%" if metric.unit == "%" else "",
            d=f"Q{rng.randint(1, 4)} 2026",
        )
        depends_on = (f"g{rng.randrange(n)}",) if n and rng.random() < 0.1 else ()
        goals.append(
            GoalFacts(
                id=f"g{n}",
                function=rng.choice(functions),
                text=text,
                due=start + timedelta(days=rng.randint(30, 540)),
                owner=f"person{rng.randrange(count // 3)}" if rng.random() < 0.95 else None,
                depends_on=depends_on,
                partnership=f"p{rng.randrange(count // 10)}",
                budget=f"budget{rng.randrange(count // 20)}" if rng.random() < 0.2 else None,
            )
        )
    return goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="Runs; the median is reported.")
    options = parser.parse_args()
    begun = time.perf_counter()
    catalog = catalog_load()
    goals = goals_synthetic(options.goals, options.seed)
    times, cpu = [], []
    for _ in range(options.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = conflicts_find(goals, catalog=catalog, today=date(2026, 1, 1), extract=True)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    elapsed = statistics.median(times)
    kinds: dict[str, int] = {}
    for finding in report.conflicts:
        kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
    print(
        f"goals: {len(goals)}  catalog: {len(catalog.metrics)} metrics, "
        f"{len(catalog.tensions)} tensions"
    )
    print(
        f"conflicts_find: {elapsed:.2f} s  ({len(report.conflicts)} findings, "
        f"{len(report.warnings)} warnings)"
    )
    for kind, number in sorted(kinds.items()):
        print(f"  {kind:<20} {number}")
    print("budget: under 5 s for 10,000 goals:", "met" if elapsed < 5 else "NOT met")
    benchlib.result_write(
        "conflicts",
        [
            benchlib.row(
                "Conflict detection (`conflicts_find`, metric extraction included)",
                data=f"{len(goals):,} goals, {len(catalog.metrics)} catalog metrics",
                p50=round(elapsed, 2),
                p95=round(max(times), 2),
                unit="s",
                queries=f"{len(report.conflicts):,} findings",
                ratio=round(elapsed / BUDGET_SECONDS, 2),
                ratio_to="the 5 s budget",
                target=f"< {BUDGET_SECONDS:.0f} s",
                met=elapsed < BUDGET_SECONDS,
                note=f"median of {options.repeat} runs (CPU {statistics.median(cpu):.2f} s); "
                "the p95 column holds the slowest run",
                group="Analytics",
            )
        ],
        started=begun,
    )


if __name__ == "__main__":
    main()
