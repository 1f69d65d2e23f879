"""Operations settings: structured logs, request ids, read replicas (see docs/operations.md).

Star-imported at the end of accord/settings.py, so the names it reads are defined already.
"""

import sys
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from accord.env import env_bool, env_int, env_list, env_str

# The settings module being executed (this file runs at its end); read through Any, since
# the two modules import each other.
_base: Any = sys.modules["accord.settings"]
_logging: dict[str, Any] = _base.LOGGING
_databases: dict[str, Any] = _base.DATABASES
_middleware: list[str] = _base.MIDDLEWARE

__all__ = [
    "ACCORD_HEALTH_QUEUE_MAX_AGE",
    "ACCORD_PGBOUNCER",
    "ACCORD_REPLICA_STICKY_SECONDS",
    "LOG_FORMAT",
    "SECURE_REDIRECT_EXEMPT",
]

# --- Logging: plain text by default, one JSON object per line with LOG_FORMAT=json ----------
LOG_FORMAT = env_str("LOG_FORMAT", "plain").lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be plain or json.")
_logging["filters"] = {"request_id": {"()": "accord.ops.logging.RequestIdFilter"}}
_logging["formatters"] = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {"()": "accord.ops.logging.JsonFormatter"},
}
_logging["handlers"] = {
    "console": {
        "class": "logging.StreamHandler",
        "formatter": LOG_FORMAT,
        "filters": ["request_id"],
    }
}
_loggers: dict[str, Any] = dict(_logging.get("loggers", {}))
_logging["loggers"] = {
    **_loggers,
    "accord.access": {"level": _base.LOG_LEVEL},
    # Django's own request log repeats the access line for every 4xx; errors still show.
    "django.request": {"level": "ERROR"},
}

# --- Health ---------------------------------------------------------------------------------
# /healthz reports "degraded" (503) when a due task has waited longer than this in the queue.
ACCORD_HEALTH_QUEUE_MAX_AGE = env_int("ACCORD_HEALTH_QUEUE_MAX_AGE", 600, minimum=1)
# Load balancers probe plain HTTP on the app port; they must not be redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- PgBouncer in transaction mode ---------------------------------------------------------
# Server-side cursors (QuerySet.iterator) live across statements, which transaction pooling
# does not allow; with this on, iterator() fetches in chunks on the client instead.
ACCORD_PGBOUNCER = env_bool("ACCORD_PGBOUNCER", False)
if ACCORD_PGBOUNCER and _databases["default"]["ENGINE"] == "django.db.backends.postgresql":
    _databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# --- Read replicas --------------------------------------------------------------------------
ACCORD_REPLICA_STICKY_SECONDS = env_int("ACCORD_REPLICA_STICKY_SECONDS", 10, minimum=1)
_replica_urls = env_list("DATABASE_REPLICA_URLS", [])
if _replica_urls:
    _primary = _databases["default"]
    if _primary["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS needs a PostgreSQL primary (DATABASE_URL=postgres://…)."
        )
    for _number, _url in enumerate(_replica_urls, start=1):
        try:
            _replica = dj_database_url.parse(_url)
        except ValueError as _error:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS entry {_number} is not a valid database URL: {_error}"
            ) from None
        if _replica["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS entry {_number} must be a postgres:// URL."
            )
        # Same pooling as the primary; tests never create or flush a replica.
        for _key in ("OPTIONS", "CONN_MAX_AGE", "DISABLE_SERVER_SIDE_CURSORS"):
            if _key in _primary:
                _replica[_key] = _primary[_key]
        _replica["TEST"] = {"MIRROR": "default"}
        _databases[f"replica{_number}"] = _replica
    DATABASE_ROUTERS = ["accord.ops.routers.ReplicaRouter"]
    __all__ += ["DATABASE_ROUTERS"]
    # Outside the session middleware, so the session save of a writing request is seen.
    _middleware.insert(
        _middleware.index("accord.ops.middleware.RequestIdMiddleware") + 1,
        "accord.ops.middleware.ReplicaPinMiddleware",
    )
