"""`accord network`: collaboration-network analysis.

    accord network analyze --people people.csv --events events.csv [--min-weight 1] [--json]
    accord network import FILE --workspace SLUG [--source csv|slack|mbox|eml|ics] [--json]

people.csv has the columns email, function (optionally name, level, timezone); events.csv has
timestamp, sender, recipients (separated by ';') and optionally channel. Works on the files
alone: no database is read or written. Without --json it prints a progress bar on stderr and
a readable summary; with --json, the answer as one JSON object.

`import` loads an export into a workspace's database (as the workspace's first owner), the
same way an upload does, but runs it here and now with a progress bar on stderr.
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
        load = sub.add_parser("import", help="import an export file into a workspace")
        load.add_argument("file", type=Path)
        load.add_argument("--workspace", required=True, help="the workspace's slug")
        load.add_argument("--source", choices=["csv", "slack", "mbox", "eml", "ics"])
        load.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
            return
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

    def _import(self, options: dict[str, Any]) -> None:
        from django.core.exceptions import ValidationError
        from django.core.files import File

        from accord.network.import_actions import network_import_create, network_import_run
        from accord.network.import_selectors import (
            network_import_counted,
            network_import_unmatched,
        )
        from accord.network.models import NetworkImport
        from accord.workspaces.models import Membership, Role

        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        membership = (
            Membership.objects.select_related("workspace", "user")
            .filter(workspace__slug=options["workspace"], role=Role.OWNER)
            .order_by("created_at")
            .first()
        )
        if membership is None:
            raise CommandError(f"No workspace {options['workspace']!r} with an owner.")
        as_json = options["json"]
        progress = Progress(self.stderr, 100, enabled=not as_json)
        progress.show(0, "upload")
        try:
            with path.open("rb") as handle:
                batch, created = network_import_create(
                    membership=membership,
                    upload=File(handle, name=path.name),
                    source=options["source"],
                    background=False,
                )
        except ValidationError as error:
            raise CommandError(f"{path}: {' '.join(error.messages)}") from error
        if created:
            shown: list[int] = []

            def show(current: NetworkImport) -> None:
                percent = round(current.progress * 100)
                if not shown or percent != shown[-1]:
                    shown.append(percent)
                    progress.show(percent, "importing")

            batch = network_import_run(batch=batch, on_progress=show)
        else:
            progress.show(100, "done")
        counted = network_import_counted(batch=batch) if batch.status == "done" else 0
        unmatched = [i.value for i in network_import_unmatched(batch=batch)[:20]]
        answer = {
            "id": str(batch.uuid),
            "status": batch.status,
            "already_imported": not created,
            "source": batch.source,
            "events": batch.rows_read,
            "interactions_added": batch.pairs_added,
            "duplicates": batch.duplicates,
            "counted": counted,
            "unmatched": batch.unmatched,
            "unmatched_identities": unmatched,
            "error": batch.error,
        }
        if as_json:
            self.stdout.write(json.dumps(answer))
        elif not created:
            self.stdout.write("This file was imported before (same content); nothing changed.")
        elif batch.status == "done":
            self.stdout.write(
                f"Imported {batch.rows_read} events: {batch.pairs_added} interactions added, "
                f"{batch.duplicates} already imported, {counted} between known people."
            )
            if unmatched:
                more = batch.unmatched - len(unmatched)
                self.stdout.write(
                    f"{batch.unmatched} identities are not matched to anyone: "
                    f"{', '.join(unmatched)}{f' and {more} more' if more > 0 else ''}. "
                    "Map or ignore them under Network → Imports → Identities."
                )
        if batch.status in ("failed", "cancelled"):
            raise CommandError(batch.error or f"The import was {batch.status}.")
