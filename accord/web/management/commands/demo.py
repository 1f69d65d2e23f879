"""`accord demo`: build the demo workspaces (Brightwater Goods and Harbor Labs) and their logins."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accord.web.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_SLUGS,
    DemoSummary,
    demo_build,
    demo_delete,
    demo_workspace_list,
)
from accord.workspaces.models import Membership, Workspace


class Command(BaseCommand):
    help = (
        "Build the demo: a fictional consumer goods company (Brightwater Goods, about 90 "
        "people) and a small second workspace (Harbor Labs), with one login per role. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Build only if the database has no workspace at all (what `make run` uses).",
        )
        parser.add_argument(
            "--logins",
            action="store_true",
            help="Only print the demo logins and their roles (what `make run` shows).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo workspaces and build them again; other workspaces stay.",
        )

    def handle(self, *args: Any, if_empty: bool, reset: bool, logins: bool, **options: Any) -> None:
        if if_empty and reset:
            raise CommandError("Use --if-empty or --reset, not both.")
        if logins:
            self._logins()
            return
        started = time.perf_counter()
        with transaction.atomic():
            if if_empty and (count := Workspace.objects.count()):
                noun = "workspace" if count == 1 else "workspaces"
                self.stdout.write(
                    f"The database already has {count} {noun}; the demo was not built."
                )
                return
            existing = demo_workspace_list()
            if existing and not reset:
                names = ", ".join(f"{w.name} ({w.slug})" for w in existing)
                self.stdout.write(
                    f"The demo already exists: {names}. Nothing changed; "
                    "run `accord demo --reset` to rebuild it."
                )
                return
            if existing:
                demo_delete()
            summary = demo_build()
        self._report(summary, seconds=time.perf_counter() - started, rebuilt=bool(existing))

    def _logins(self) -> None:
        memberships = Membership.objects.filter(
            user__email__in=[email for _role, email in DEMO_LOGINS],
            workspace__slug__in=DEMO_SLUGS,
        ).select_related("workspace", "user")
        roles: dict[str, list[str]] = {}
        for membership in memberships:
            roles.setdefault(membership.user.email, []).append(
                f"{membership.role} in {membership.workspace.name}"
            )
        if not roles:
            self.stdout.write("This database has no demo logins (run `accord demo`).")
            return
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for _label, email in DEMO_LOGINS:
            self.stdout.write(f"  {email:<28} {', '.join(sorted(roles.get(email, [])))}")

    def _report(self, summary: DemoSummary, *, seconds: float, rebuilt: bool) -> None:
        verb = "Rebuilt" if rebuilt else "Built"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo in {seconds:.2f} s."))
        for workspace in summary.workspaces:
            self.stdout.write(
                f"  {workspace.name} (/w/{workspace.slug}/): {workspace.functions} functions, "
                f"{workspace.people} people, {workspace.skills} skills"
            )
        self.stdout.write(f"Sign in with any of these; the password is {DEMO_PASSWORD}")
        width = max(len(login.email) for login in summary.logins)
        for login in summary.logins:
            roles = ", ".join(f"{role} in {name}" for name, role in login.roles.items())
            self.stdout.write(f"  {login.email:<{width}}  {roles}  ({login.person}, {login.title})")
