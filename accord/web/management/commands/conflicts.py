"""`accord conflicts goals.json`: find conflicts between goals, with no database.

The command reads a JSON list of goals, runs accord.metrics.conflicts, and prints a readable
list or (with --json) ``{"conflicts": [...], "warnings": [...]}``. It declares no system checks
and never opens a database connection, so it runs anywhere Accord is installed.
"""

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accord.metrics.catalog import CatalogError, catalog_load
from accord.metrics.conflicts import (
    ConflictReport,
    GoalInputError,
    conflicts_find,
    conflicts_json,
    goals_from_json,
)


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a date in YYYY-MM-DD form.") from None


def _cap(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number.") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the owner cap must be at least 1.")
    return value


def _json_file(path: Path, label: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot read {label} {path}: {error.strerror}.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None


class Command(BaseCommand):
    help = "Find conflicts between goals in a JSON file (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("goals", type=Path, help="JSON file: a list of goal objects.")
        parser.add_argument("--today", type=_day, default=None, help="Today, as YYYY-MM-DD.")
        parser.add_argument("--json", action="store_true", help="Answer in JSON.")
        parser.add_argument(
            "--owner-cap",
            type=_cap,
            default=5,
            help="Flag owners accountable for more active goals than this (default 5).",
        )
        parser.add_argument(
            "--catalog",
            type=Path,
            default=None,
            help="A workspace catalog extension (JSON with 'metrics' and 'tensions').",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["goals"]
        try:
            goals = goals_from_json(_json_file(path, "goals file"))
        except GoalInputError as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(f"{path} has problems:\n{lines}") from None
        try:
            extension = options["catalog"]
            catalog = catalog_load(
                extra=_json_file(extension, "catalog file") if extension else None
            )
        except CatalogError as error:
            raise CommandError(str(error)) from None
        report = conflicts_find(
            goals,
            catalog=catalog,
            today=options["today"] or timezone.localdate(),
            owner_cap=options["owner_cap"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(conflicts_json(report), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(self._readable(report, goals_count=len(goals)))

    def _readable(self, report: ConflictReport, *, goals_count: int) -> str:
        count, warnings = len(report.conflicts), len(report.warnings)
        lines = [
            f"{goals_count} goals checked: {count} conflict{'s' if count != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}."
        ]
        for number, finding in enumerate(report.conflicts, start=1):
            pair = f"{finding.a} and {finding.b}" if finding.b else finding.a
            lines += [
                "",
                f"{number}. {finding.kind.replace('_', ' ')}: {pair}",
                f"   {finding.explanation}",
                f"   Next step: {finding.next_step}",
            ]
        if report.warnings:
            lines += ["", "Warnings:"]
            lines += [f"  - {warning}" for warning in report.warnings]
        return "\n".join(lines)
