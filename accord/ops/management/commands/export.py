"""`accord export --workspace SLUG -o FILE`: one workspace, complete, as JSON."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from accord.ops.portability import PortabilityError, workspace_export_to
from accord.workspaces.models import Workspace


class Command(BaseCommand):
    # Operations commands must run even when an unrelated system check fails, and start fast.
    requires_system_checks: list[str] = []
    help = (
        "Export one workspace with every row that belongs to it and its members' logins "
        "(password hashes included: keep the file private). A name ending in .gz is gzipped; "
        "-o - writes to standard output. Restore with `accord restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="Slug of the workspace.")
        parser.add_argument(
            "-o", "--output", required=True, help="File to write, or - for standard output."
        )

    def handle(self, *args: Any, workspace: str, output: str, **options: Any) -> None:
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None:
            known = ", ".join(Workspace.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"No workspace has the slug {workspace!r}. Known slugs: {known or 'none'}."
            )
        try:
            summary = workspace_export_to(workspace=found, target=output)
        except (PortabilityError, OSError) as error:
            raise CommandError(str(error)) from None
        report = self.stderr if output == "-" else self.stdout
        where = "standard output" if output == "-" else output
        report.write(
            f"Exported {found.slug}: {summary.rows} rows in {len(summary.counts)} tables to "
            f"{where} ({filesizeformat(summary.size)} before compression) in "
            f"{summary.seconds:.2f} s; sha256 {summary.sha256}."
        )
        if output == "-":
            sys.stdout.flush()
