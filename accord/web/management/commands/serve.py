"""`accord serve`: the production server (gunicorn), optionally with a background worker."""

import os
import shutil
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Accord with gunicorn (a production server), optionally beside a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "2")),
            help="Server processes (default: WEB_CONCURRENCY or 2).",
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also run `accord worker` in a child process (what `make run` does).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files before starting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port {options['port']} is not a TCP port.")
        if not options["no_collectstatic"] and not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        bind = f"{options['host']}:{options['port']}"
        server_cmd = [
            gunicorn,
            "accord.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--graceful-timeout",
            "20",
            "--timeout",
            "60",
            # Accord is managed by its process supervisor, not gunicorn's control socket (one
            # fixed path per user that every server on the machine would share).
            "--no-control-socket",
        ]
        children: list[subprocess.Popen[bytes]] = []
        if options["with_worker"]:
            children.append(subprocess.Popen([sys.executable, "-m", "accord", "worker"]))
        self.stdout.write(f"Accord is serving on http://{bind}/  (Ctrl-C to stop)")
        server = subprocess.Popen(server_cmd)  # noqa: S603
        children.append(server)

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = server.wait()
        stop(signal.SIGTERM, None)
        for child in children:
            child.wait(timeout=30)
        if code not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise CommandError(f"The server exited with code {code}.")
