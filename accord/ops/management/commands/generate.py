"""`accord generate`: build a large, realistic workspace (see docs/generate.md)."""

import json
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.ops.generate import GenerateOptions, workspace_generate
from accord.ops.generate_org import FUNCTIONS


class Command(BaseCommand):
    help = (
        "Generate a large workspace with realistic data (people in a reporting tree, "
        "partnerships, goals with weekly check-ins, KPIs, governance, updates, meetings, "
        "surveys, collaboration events and snapshots), all from one seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="People in the org.")
        parser.add_argument(
            "--partnerships", type=int, required=True, help="Partnerships to create."
        )
        parser.add_argument(
            "--weeks", type=int, default=12, help="Weeks of history (check-ins, …); default 12."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed; default 1.")
        parser.add_argument(
            "--workspace",
            default="generated",
            help="Slug of the new workspace; default 'generated'.",
        )
        parser.add_argument("--name", default="", help="Workspace name; default from the slug.")
        parser.add_argument(
            "--functions",
            type=int,
            default=len(FUNCTIONS),
            help=f"Functions (2–{len(FUNCTIONS)}); default {len(FUNCTIONS)}.",
        )
        parser.add_argument(
            "--events",
            type=int,
            default=50,
            help="Collaboration events per person; default 50.",
        )
        parser.add_argument(
            "--password",
            default="",
            help="Password of the generated logins; default a random one, printed at the end.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete an existing workspace with this slug first.",
        )
        parser.add_argument(
            "--skip-snapshots",
            action="store_true",
            help="Do not compute the health and network snapshots at the end (pages then "
            "show them once the daily job or a refresh has run).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print counts and seconds as JSON on stdout."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        generate_options = GenerateOptions(
            people=options["people"],
            partnerships=options["partnerships"],
            weeks=options["weeks"],
            seed=options["seed"],
            slug=options["workspace"],
            name=options["name"],
            functions=options["functions"],
            events=options["events"],
            password=options["password"],
            replace=options["replace"],
            snapshots=not options["skip_snapshots"],
        )

        def progress(line: str) -> None:
            self.stderr.write(line)
            self.stderr.flush()

        try:
            result = workspace_generate(options=generate_options, progress=progress)
        except ValidationError as error:
            messages = (m for ms in error.message_dict.values() for m in ms)
            raise CommandError(" ".join(messages)) from None
        if options["json"]:
            document = {
                "workspace": result.workspace.slug,
                "seed": generate_options.seed,
                "counts": result.counts,
                "seconds": {k: round(v, 2) for k, v in result.seconds.items()},
                "logins": [
                    {"email": login.email, "role": login.role, "person": login.person}
                    for login in result.logins
                ],
            }
            if not generate_options.password:
                document["password"] = result.password
            self.stdout.write(json.dumps(document, indent=2))
            return
        total = sum(result.counts.values())
        self.stdout.write(
            f"Generated workspace “{result.workspace.name}” (/w/{result.workspace.slug}/): "
            f"{total:,} rows in {result.seconds['total']:.1f} s."
        )
        for name, count in result.counts.items():
            self.stdout.write(f"  {name:28} {count:>10,}")
        self.stdout.write(f"Seconds (CPU {result.seconds['cpu']:.1f}):")
        for name, taken in result.seconds.items():
            if name not in {"total", "cpu"}:
                self.stdout.write(f"  {name:28} {taken:>10.1f}")
        self.stdout.write("Logins:")
        for login in result.logins:
            self.stdout.write(f"  {login.role:7} {login.email}  ({login.person})")
        if generate_options.password:
            self.stdout.write("Password: the one given with --password.")
        else:
            self.stdout.write(f"Password: {result.password}")
        sys.stdout.flush()
