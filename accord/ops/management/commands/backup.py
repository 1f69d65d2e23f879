"""`accord backup`: a consistent copy of the whole database, taken while the server runs."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from accord.ops.backup import database_backup
from accord.ops.portability import PortabilityError


class Command(BaseCommand):
    # Operations commands must run even when an unrelated system check fails, and start fast.
    requires_system_checks: list[str] = []
    help = (
        "Back up the whole database while the server runs. SQLite: an online copy checked "
        "with PRAGMA integrity_check, plus the generated secret key beside it. PostgreSQL: "
        "pg_dump in custom format (restore with pg_restore). See docs/backup-restore.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            help="File or directory to write (default: DATA_DIR/backups/accord-<time>.…).",
        )

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        try:
            result = database_backup(output=output)
        except PortabilityError as error:
            raise CommandError(str(error)) from None
        checked = "integrity_check ok" if result.vendor == "sqlite" else "pg_restore --list ok"
        self.stdout.write(
            f"Backed up the {result.vendor} database to {result.path} "
            f"({filesizeformat(result.size)}, {result.size} bytes) in {result.seconds:.2f} s; "
            f"{checked}."
        )
        if result.secret_key_path:
            self.stdout.write(f"Secret key copied to {result.secret_key_path}.")
        if result.note:
            self.stdout.write(result.note)
