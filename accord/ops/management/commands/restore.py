"""`accord restore FILE`: load a workspace export into this (migrated) database."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.ops.portability import PortabilityError
from accord.ops.portability_restore import workspace_restore


class Command(BaseCommand):
    # Operations commands must run even when an unrelated system check fails, and start fast.
    requires_system_checks: list[str] = []
    help = (
        "Restore a file written by `accord export` into this database, after `accord migrate`. "
        "All or nothing: a bad file, or a workspace or id that already exists, writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The export file (.gz or plain).")
        parser.add_argument(
            "--database-empty-check",
            action="store_true",
            help="Refuse unless the database has no workspace and no user at all.",
        )

    def handle(self, *args: Any, file: str, database_empty_check: bool, **options: Any) -> None:
        try:
            summary = workspace_restore(
                path=Path(file), require_empty_database=database_empty_check
            )
        except PortabilityError as error:
            raise CommandError(f"Nothing was restored. {error}") from None
        kept = sum(summary.kept.values())
        self.stdout.write(
            f"Restored {summary.workspace}: {summary.rows} rows in "
            f"{sum(1 for n in summary.counts.values() if n)} tables in {summary.seconds:.2f} s."
        )
        if kept:
            self.stdout.write(f"{kept} user rows were already present and were kept.")
        if options["verbosity"] > 1:
            for label, count in sorted(summary.counts.items()):
                self.stdout.write(f"  {label}: {count}")
