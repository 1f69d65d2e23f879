"""Benchmark: SMART goals assessed per second, single-threaded, in batch mode.

    .venv/bin/python scripts/bench_smart.py [--goals 20000]

Repeats the labelled corpus (accord/metrics/tests/data/smart_corpus.jsonl) until about
--goals texts, runs smart_assess_many over them and prints goals/second. The target is
at least 2,000 goals/second.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import benchlib  # noqa: E402

from accord.metrics.smart import smart_assess_many  # noqa: E402

TARGET_RATE = 2_000

CORPUS = ROOT / "accord" / "metrics" / "tests" / "data" / "smart_corpus.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, default=20_000, help="How many goals to assess.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs; the median is reported.")
    args = parser.parse_args()
    begun = time.perf_counter()
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()[1:]]
    texts = [row["text"] for row in rows]
    items = [(str(i), texts[i % len(texts)]) for i in range(args.goals)]
    today = date(2026, 6, 15)
    rates, cpu_rates = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        smart_count = sum(result.is_smart for _, result in smart_assess_many(items, today=today))
        elapsed = time.perf_counter() - started
        rates.append(len(items) / elapsed)
        cpu_rates.append(len(items) / (time.process_time() - started_cpu))
        print(
            f"{len(items)} goals in {elapsed:.2f} s: {len(items) / elapsed:,.0f} goals/second "
            f"({smart_count} SMART)"
        )
    rate = statistics.median(rates)
    benchlib.result_write(
        "smart",
        [
            benchlib.row(
                "SMART batch assessment (`smart_assess_many`, one thread)",
                data=f"{len(items):,} goal texts",
                p50=round(rate),
                p95=round(min(rates)),
                unit="goals/s",
                ratio=round(rate / TARGET_RATE, 1),
                ratio_to="the 2,000 goals/s target",
                target=f"≥ {TARGET_RATE:,} goals/s",
                met=rate >= TARGET_RATE,
                note=f"median of {args.repeat} runs ({statistics.median(cpu_rates):,.0f} goals "
                "per CPU second); the p95 column holds the slowest run",
                group="Analytics",
            )
        ],
        started=begun,
    )


if __name__ == "__main__":
    main()
