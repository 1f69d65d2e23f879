"""The audit trail: every write done through actions records who changed what."""

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from accord.workspaces.models import AuditEntry, Workspace


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Plain values of the given fields; foreign keys are shown by their label."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            related = getattr(instance, name) if getattr(instance, field.attname) else None
            values[name] = str(related) if related is not None else None
        elif getattr(field, "choices", None) and hasattr(instance, f"get_{name}_display"):
            raw = getattr(instance, name)
            values[name] = getattr(instance, f"get_{name}_display")() if raw is not None else None
        else:
            values[name] = _plain(getattr(instance, name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    workspace: Workspace,
    actor: Any,
    action: str,
    instance: models.Model,
    changes: dict[str, list[Any]],
) -> AuditEntry:
    return AuditEntry.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if getattr(actor, "pk", None) else "system",
        action=action,
        object_type=instance._meta.label_lower,
        object_uuid=instance.uuid,  # type: ignore[attr-defined]
        object_label=str(instance)[:255],
        changes=changes,
    )


def audit_bulk(
    *, workspace: Workspace, actor: Any, rows: list[tuple[str, models.Model, dict[str, list[Any]]]]
) -> None:
    """Record many entries in one INSERT (imports write thousands of rows)."""
    has_actor = bool(getattr(actor, "pk", None))
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                workspace=workspace,
                actor=actor if has_actor else None,
                actor_label=str(actor) if has_actor else "system",
                action=action,
                object_type=instance._meta.label_lower,
                object_uuid=instance.uuid,  # type: ignore[attr-defined]
                object_label=str(instance)[:255],
                changes=changes,
            )
            for action, instance, changes in rows
        ],
        batch_size=500,
    )
