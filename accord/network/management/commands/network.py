"""`accord network`: collaboration-network analysis.

    accord network analyze --people people.csv --events events.csv [--min-weight 1] [--json]

people.csv has the columns email, function (optionally name, level, timezone); events.csv has
timestamp, sender, recipients (separated by ';') and optionally channel. Works on the files
alone: no database is read or written. Without --json it prints a progress bar on stderr and
a readable summary; with --json, the answer as one JSON object.
"""

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from accord.network.analysis import analyze
from accord.network.files import FileProblem, events_pairs, people_read

STEPS = ("people", "events", "metrics")


class Progress:
    """A one-line progress bar on a terminal stream: [#####-----] 2/3 events 1.2 s."""

    def __init__(self, stream: OutputWrapper, total: int, *, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.started = time.perf_counter()

    def show(self, done: int, label: str) -> None:
        if not self.enabled:
            return
        width = 24
        filled = round(width * done / self.total)
        elapsed = time.perf_counter() - self.started
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done == self.total else ""
        self.stream.write(f"\r[{bar}] {done}/{self.total} {label:<10} {elapsed:5.1f} s", ending=end)
        self.stream.flush()


def _summary(answer: dict[str, Any], write: Callable[[str], None]) -> None:
    write(
        f"{answer['people']} people, {answer['events']} events, {answer['ties']} ties, "
        f"{answer['unmatched']} unmatched identities"
    )
    write(f"E-I index {answer['ei_index']}  modularity {answer['modularity']}")
    for name, row in answer["functions"].items():
        write(
            f"  {name}: {row['people']} people, {row['internal_ties']} internal, "
            f"{row['external_ties']} external ties, E-I {row['ei_index']}"
        )
    communities = answer["communities"]
    write(
        f"{communities['count']} communities, NMI with functions "
        f"{communities['nmi_with_functions']}"
    )
    for broker in answer["brokers"]:
        write(f"  broker {broker['email']} ({broker['function']}): {broker['betweenness']}")
    overload = answer["overload"]
    write(
        f"Overload: Gini of weighted degree {overload['gini_weighted_degree']}, "
        f"top 5 % hold {overload['top5pct_share']}"
    )


class Command(BaseCommand):
    help = "Analyse collaboration metadata: E-I index, function matrix, brokers, overload."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("analyze", help="analyse a people file and an events file")
        run.add_argument("--people", required=True, type=Path)
        run.add_argument("--events", required=True, type=Path)
        run.add_argument("--min-weight", type=int, default=1)
        run.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["min_weight"] < 1:
            raise CommandError("--min-weight must be at least 1")
        as_json = options["json"]
        progress = Progress(self.stderr, len(STEPS), enabled=not as_json)
        try:
            progress.show(0, "people")
            people = people_read(options["people"])
            progress.show(1, "events")
            pairs = events_pairs(options["events"], people)
            progress.show(2, "metrics")
            answer = analyze(people, pairs, min_weight=options["min_weight"])
            progress.show(3, "done")
        except FileProblem as problem:
            raise CommandError(str(problem)) from problem
        if as_json:
            self.stdout.write(json.dumps(answer))
        else:
            _summary(answer, self.stdout.write)
