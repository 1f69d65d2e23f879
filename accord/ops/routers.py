"""Read replicas: web reads go to a replica, everything else to the primary.

Enabled by accord/settings_ops.py when DATABASE_REPLICA_URLS is set (PostgreSQL only). The
primary is the `default` alias; replicas are `replica1`, `replica2`, ….

A read goes to the primary when
- it happens outside a web request (worker, commands: a task enqueued after a commit must see
  that commit, which a lagging replica may not have yet);
- the browser wrote within ACCORD_REPLICA_STICKY_SECONDS (ReplicaPinMiddleware's cookie), or
  this request already wrote;
- a transaction is open on the primary (locks and reads inside it must agree);
- the model is one whose reads must be current: sessions, the shared cache (rate limits,
  scheduler claims) and the task queue (workers lock rows with SELECT … FOR UPDATE).
"""

import random
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model

PRIMARY = "default"
PIN_COOKIE = "accord_primary"
PIN_SALT = "accord.ops.routers.pin"
# App labels whose reads must always see the latest write.
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache", "django_tasks_db"})
# Writes that do not change what the user sees, so they do not pin the user's reads.
UNPINNED_WRITE_APPS = frozenset({"django_cache"})


@dataclass
class RoutingState:
    """Routing of one web request: pinned (a recent write by this browser), wrote (this
    request wrote) and the replica chosen for its reads."""

    pinned: bool = False
    wrote: bool = False
    replica: str | None = None


routing_state: ContextVar[RoutingState | None] = ContextVar("accord_routing", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in connections.settings if alias != PRIMARY]


class ReplicaRouter:
    """Reads to a replica when that is safe, writes and migrations to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        state = routing_state.get()
        if (
            state is None
            or state.pinned
            or state.wrote
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        if state.replica is None:
            # One replica per request, so its reads see one consistent snapshot.
            state.replica = random.choice(replica_aliases() or [PRIMARY])
        return state.replica

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = routing_state.get()
        if state is not None and model._meta.app_label not in UNPINNED_WRITE_APPS:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # Replicas hold the same rows as the primary, so any pair may relate.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
