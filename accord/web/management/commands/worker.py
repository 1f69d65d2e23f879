"""`accord worker`: runs queued background tasks (Django tasks, database queue)."""

import json
import threading
import time
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
        parser.add_argument(
            "--recover",
            action="store_true",
            help=(
                "Only recover the tasks of workers that died (requeue once, else fail), "
                "print what was done, and exit."
            ),
        )
        parser.add_argument("--json", action="store_true", help="With --recover: print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        from accord.ops.task_recovery import (
            heartbeat_beat,
            heartbeat_end,
            recovery_describe,
            tasks_recover,
            worker_id_new,
        )

        if options["recover"]:
            recovery = tasks_recover()
            if options["json"]:
                self.stdout.write(json.dumps(recovery_describe(recovery), indent=2))
            else:
                self.stdout.write(f"Recovery: {recovery.summary()}.")
            return
        worker_id = worker_id_new()
        heartbeat_beat(worker_id=worker_id)
        self._recover(tasks_recover)
        stop = threading.Event()
        self._keep_alive(worker_id, stop)
        if not options["batch"] and not options["no_schedule"]:
            self._schedule_daily_jobs()
        arguments: dict[str, Any] = {
            "queue_name": "*",
            "interval": options["interval"],
            "batch": options["batch"],
            "reload": False,
            "startup_delay": not options["batch"],
            "verbosity": options["verbosity"],
            "worker_id": worker_id,
        }
        if options["max_tasks"]:
            arguments["max_tasks"] = options["max_tasks"]
        try:
            call_command("db_worker", **arguments)
        finally:
            # Reached on a clean stop (db_worker exits by SystemExit on SIGTERM too).
            stop.set()
            heartbeat_end(worker_id=worker_id)

    def _recover(self, recover: Any) -> None:
        try:
            recovery = recover()
        except Exception as error:  # a database hiccup must not stop the worker
            self.stderr.write(f"Recovering the tasks of dead workers failed: {error}")
            return
        if recovery:
            self.stdout.write(f"Recovered the work of dead workers: {recovery.summary()}.")

    def _keep_alive(self, worker_id: str, stop: threading.Event) -> None:
        """Beat the heartbeat four times per lease and look for dead workers' tasks twice per
        lease, in a background thread of this process."""
        from django.db import connections

        from accord.ops.task_recovery import heartbeat_beat, lease_seconds, tasks_recover

        lease = lease_seconds()
        beat_every = max(lease / 4, 0.5)

        def loop() -> None:
            beats = 0
            while not stop.wait(beat_every):
                try:
                    heartbeat_beat(worker_id=worker_id)
                    beats += 1
                    if beats % 2 == 0:
                        self._recover(tasks_recover)
                except Exception as error:  # the next beat tries again
                    self.stderr.write(f"Worker heartbeat failed: {error}")
                finally:
                    connections.close_all()

        threading.Thread(target=loop, name="accord-heartbeat", daemon=True).start()

    def _schedule_daily_jobs(self) -> None:
        """Enqueue the periodic jobs (accord.web.periodic) now and every minute, in a
        background thread of this process."""
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
