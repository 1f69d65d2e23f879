"""Reads for network imports and identities, always scoped to one workspace.

`network_interactions_frame` is how analysis loads interactions: only those of finished
(`done`) imports, between identities mapped to people and not ignored.
"""

import datetime
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from accord.network.models import Identity, Interaction, NetworkImport, NetworkSettings
from accord.org.models import Person
from accord.workspaces.access import object_get
from accord.workspaces.models import Workspace

ACTIVE_STATUSES = (NetworkImport.Status.QUEUED, NetworkImport.Status.RUNNING)


def network_import_list(*, workspace: Workspace) -> QuerySet[NetworkImport]:
    return NetworkImport.objects.filter(workspace=workspace).select_related("created_by")


def network_import_get(*, workspace: Workspace, uuid: Any) -> NetworkImport:
    return object_get(
        NetworkImport.objects.select_related("workspace", "created_by"),
        workspace=workspace,
        uuid=uuid,
    )


def network_import_identities(*, batch: NetworkImport) -> QuerySet[Identity]:
    """Identities that appear in this import's interactions."""
    return Identity.objects.filter(workspace_id=batch.workspace_id).filter(
        Exists(Interaction.objects.filter(batch_id=batch.pk, sender_id=OuterRef("pk")))
        | Exists(Interaction.objects.filter(batch_id=batch.pk, recipient_id=OuterRef("pk")))
    )


def network_import_unmatched(*, batch: NetworkImport) -> QuerySet[Identity]:
    """This import's identities not mapped to anyone and not ignored, busiest first."""
    return (
        network_import_identities(batch=batch)
        .filter(person__isnull=True, ignored=False)
        .order_by("-events", "value")
    )


def _counted(queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return queryset.filter(
        batch__status=NetworkImport.Status.DONE,
        sender__person__isnull=False,
        recipient__person__isnull=False,
        sender__ignored=False,
        recipient__ignored=False,
    ).exclude(sender__person=F("recipient__person"))


def network_import_counted(*, batch: NetworkImport) -> int:
    """This import's interactions that count now: both ends mapped to (different) people."""
    return _counted(Interaction.objects.filter(batch_id=batch.pk)).count()


def identity_list(
    *, workspace: Workspace, unmatched: bool | None = None, search: str = ""
) -> QuerySet[Identity]:
    """Identities, unmatched ones first, then the busiest."""
    rows = Identity.objects.filter(workspace=workspace).select_related("person__function")
    if unmatched is True:
        rows = rows.filter(person__isnull=True, ignored=False)
    elif unmatched is False:
        rows = rows.filter(Q(person__isnull=False) | Q(ignored=True))
    if search:
        rows = rows.filter(
            Q(value__icontains=search)
            | Q(display__icontains=search)
            | Q(email__icontains=search)
            | Q(person__name__icontains=search)
        )
    return rows.annotate(
        state=Case(
            When(person__isnull=True, ignored=False, then=Value(0)),
            When(ignored=True, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("state", "-events", "kind", "value")


def identity_get(*, workspace: Workspace, uuid: Any) -> Identity:
    return object_get(
        Identity.objects.select_related("workspace", "person"), workspace=workspace, uuid=uuid
    )


def identity_counts(*, workspace: Workspace) -> dict[str, int]:
    """How many identities are unmatched, mapped and ignored (one query)."""
    counts = Identity.objects.filter(workspace=workspace).aggregate(
        unmatched=Count("pk", filter=Q(person__isnull=True, ignored=False)),
        mapped=Count("pk", filter=Q(person__isnull=False, ignored=False)),
        ignored=Count("pk", filter=Q(ignored=True)),
    )
    return {name: int(value or 0) for name, value in counts.items()}


def network_people_choices(*, workspace: Workspace) -> QuerySet[Person]:
    return (
        Person.objects.filter(workspace=workspace)
        .select_related("function")
        .only("uuid", "name", "email", "function__name")
        .order_by("name")
    )


def network_settings_get(*, workspace: Workspace) -> NetworkSettings:
    """The workspace's settings, or the defaults (unsaved) when never changed."""
    found = NetworkSettings.objects.filter(workspace=workspace).first()
    return found if found is not None else NetworkSettings(workspace=workspace)


def network_interactions_frame(
    *,
    workspace: Workspace,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> pl.DataFrame:
    """Interactions that count, as a frame: occurred_at (UTC), sender, recipient (person
    ids) and channel. Only finished imports; both identities mapped to people and not
    ignored; pairs of one person with themselves (two identities, one person) dropped.
    `start` is inclusive, `end` exclusive."""
    rows = _counted(Interaction.objects.filter(workspace=workspace))
    if start is not None:
        rows = rows.filter(occurred_at__gte=start)
    if end is not None:
        rows = rows.filter(occurred_at__lt=end)
    sql, params = rows.values_list(
        "occurred_at", "sender__person_id", "recipient__person_id", "channel"
    ).query.sql_with_params()
    schema = pl.Schema(
        {
            "occurred_at": pl.Datetime("us", "UTC"),
            "sender": pl.Int64(),
            "recipient": pl.Int64(),
            "channel": pl.String(),
        }
    )
    frames = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(100_000):
            frame = pl.DataFrame(batch, schema=list(schema), orient="row")
            moment = frame.schema["occurred_at"]
            if moment == pl.String:  # SQLite keeps datetimes as text (naive UTC)
                when = pl.col("occurred_at").str.strptime(
                    pl.Datetime("us"), "%Y-%m-%d %H:%M:%S%.f", strict=False
                )
                frame = frame.with_columns(when.dt.replace_time_zone("UTC"))
            elif isinstance(moment, pl.Datetime) and moment.time_zone is None:
                frame = frame.with_columns(pl.col("occurred_at").dt.replace_time_zone("UTC"))
            frames.append(frame.cast(schema))
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames)
