"""A server worker freezes its start-up heap once the application is loaded."""

import os
import subprocess
import sys
import textwrap


def test_loading_the_wsgi_application_freezes_the_start_up_heap(tmp_path):
    """Importing accord.wsgi (what each gunicorn worker does) loads every view module and
    moves the objects alive then out of the collector's full passes; the application
    still answers a request afterwards."""
    script = textwrap.dedent(
        """
        import gc, sys
        before = gc.get_freeze_count()
        from accord.wsgi import application
        views = ("accord.goals.views", "accord.surveys.results_views")
        loaded = [m for m in views if m in sys.modules]
        from django.test import Client
        status = Client().get("/healthz?only=database").status_code
        print(before, gc.get_freeze_count(), len(loaded), status)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ACCORD_DATA_DIR"] = str(tmp_path)
    env["ALLOWED_HOSTS"] = "testserver"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    before, frozen, loaded, status = (int(x) for x in done.stdout.split()[-4:])
    assert frozen > before + 100_000
    assert loaded == 2
    assert status == 200
