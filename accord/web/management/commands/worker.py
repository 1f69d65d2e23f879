"""`accord worker`: runs queued background tasks (Django tasks, database queue)."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background tasks from the database queue (invitations, imports, reminders)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run everything queued, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls of an empty queue."
        )
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help=(
                "Do not schedule the periodic jobs (reminders, digests, retries); "
                "--batch never does."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["batch"] and not options["no_schedule"]:
            self._schedule_daily_jobs()
        arguments: dict[str, Any] = {
            "queue_name": "*",
            "interval": options["interval"],
            "batch": options["batch"],
            "reload": False,
            "startup_delay": not options["batch"],
            "verbosity": options["verbosity"],
        }
        if options["max_tasks"]:
            arguments["max_tasks"] = options["max_tasks"]
        call_command("db_worker", **arguments)

    def _schedule_daily_jobs(self) -> None:
        """Enqueue the periodic jobs (accord.web.periodic) now and every minute, in a
        background thread of this process."""
        import threading
        import time

        from django.db import connections
        from django.utils import timezone

        from accord.web.periodic import frequent_enqueue, periodic_enqueue

        def loop() -> None:
            while True:
                try:
                    for path in periodic_enqueue(today=timezone.localdate()):
                        self.stdout.write(f"Enqueued the daily job {path}")
                    frequent_enqueue(now=timezone.now())
                except Exception as error:  # a database hiccup must not end the scheduler
                    self.stderr.write(f"Scheduling periodic jobs failed: {error}")
                finally:
                    connections.close_all()
                time.sleep(60)

        threading.Thread(target=loop, name="accord-periodic", daemon=True).start()
