import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")

application = get_wsgi_application()

# Each gunicorn worker loads this module once: keep its start-up heap out of the collector's
# full passes (accord.ops.runtime).
from accord.ops.runtime import startup_heap_freeze  # noqa: E402

startup_heap_freeze()
