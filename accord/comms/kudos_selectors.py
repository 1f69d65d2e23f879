"""Reads for kudos and values. Kudos are public recognition: everyone in the workspace reads
them, except kudos tied to a members-only partnership, which follow that partnership's
visibility. Any member with a directory entry gives kudos; the giver and admins remove them;
admins manage the workspace's values."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from accord.comms.models import Kudos, Value
from accord.goals.permissions import person_ids_of
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

NO_FUNCTION = "No function"


def kudos_visible(*, membership: Membership) -> QuerySet[Kudos]:
    visible = partnership_visible_list(membership=membership).values("pk")
    return Kudos.objects.filter(workspace=membership.workspace).filter(
        Q(partnership__isnull=True) | Q(partnership__in=visible)
    )


def _with_links(kudos: QuerySet[Kudos]) -> QuerySet[Kudos]:
    return kudos.select_related(
        "giver", "giver__function", "receiver", "receiver__function", "partnership", "value"
    )


def kudos_get(*, membership: Membership, uuid: Any) -> Kudos:
    found: Kudos = object_get(
        _with_links(kudos_visible(membership=membership)),
        workspace=membership.workspace,
        uuid=uuid,
    )
    return found


def kudos_list(
    *,
    membership: Membership,
    partnership: str | None = None,
    value: str | None = None,
    person: str | None = None,
) -> QuerySet[Kudos]:
    """The visible feed, newest first, filtered by partnership slug, value id or person id
    (given or received), with every link loaded (constant queries)."""
    rows = _with_links(kudos_visible(membership=membership))
    if partnership:
        rows = rows.filter(partnership__slug=partnership)
    if value:
        rows = rows.filter(value__uuid=value)
    if person:
        rows = rows.filter(Q(giver__uuid=person) | Q(receiver__uuid=person))
    return rows.order_by("-created_at", "-pk")


def kudos_can_delete(*, membership: Membership, kudos: Kudos) -> bool:
    """The giver takes their kudos back; admins moderate."""
    if not membership.can_edit:
        return False
    return membership.can_admin or kudos.giver_id in person_ids_of(membership)


def kudos_rows(*, membership: Membership, kudos: Any) -> list[Kudos]:
    rows = list(kudos)
    for row in rows:
        row.can_delete = kudos_can_delete(membership=membership, kudos=row)
    return rows


# --- who recognises whom --------------------------------------------------------------------


@dataclass
class KudosMatrix:
    """Kudos counted from the giver's function (rows) to the receiver's (columns).

    `cross` counts kudos between two different functions; kudos from or to someone without a
    function count in the total but on neither side of the share.
    """

    functions: list[str] = field(default_factory=list)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    total: int = 0
    cross: int = 0
    within: int = 0

    @property
    def cross_share(self) -> float | None:
        known = self.cross + self.within
        return self.cross / known if known else None

    @property
    def cross_percent(self) -> int | None:
        share = self.cross_share
        return None if share is None else round(share * 100)

    def rows(self) -> list[dict[str, Any]]:
        """Table rows for the page: each giver function with its cells and totals."""
        table = []
        for giver in self.functions:
            cells: list[dict[str, Any]] = [
                {
                    "receiver": receiver,
                    "count": self.counts.get((giver, receiver), 0),
                    "same": giver == receiver and giver != NO_FUNCTION,
                }
                for receiver in self.functions
            ]
            table.append(
                {"function": giver, "cells": cells, "given": sum(c["count"] for c in cells)}
            )
        return table

    def received(self) -> list[int]:
        return [
            sum(self.counts.get((giver, receiver), 0) for giver in self.functions)
            for receiver in self.functions
        ]


def kudos_matrix(*, membership: Membership, partnership: str | None = None) -> KudosMatrix:
    """Who recognises whom across functions, over the visible kudos (one query)."""
    counts_rows = (
        kudos_list(membership=membership, partnership=partnership)
        .order_by()
        .values("giver__function__name", "receiver__function__name")
        .annotate(n=Count("pk"))
    )
    matrix = KudosMatrix()
    names: set[str] = set()
    for row in counts_rows:
        giver = row["giver__function__name"] or NO_FUNCTION
        receiver = row["receiver__function__name"] or NO_FUNCTION
        names.update((giver, receiver))
        matrix.counts[(giver, receiver)] = matrix.counts.get((giver, receiver), 0) + row["n"]
        matrix.total += row["n"]
        if NO_FUNCTION in (giver, receiver):
            continue
        if giver == receiver:
            matrix.within += row["n"]
        else:
            matrix.cross += row["n"]
    matrix.functions = sorted(names, key=lambda name: (name == NO_FUNCTION, name))
    return matrix


# --- values and choices ---------------------------------------------------------------------


def value_list(*, workspace: Workspace) -> QuerySet[Value]:
    """The workspace's values with how many kudos each has."""
    return (
        Value.objects.filter(workspace=workspace)
        .annotate(kudos_count=Count("kudos"))
        .order_by("name", "pk")
    )


def value_get(*, workspace: Workspace, uuid: Any) -> Value:
    found: Value = object_get(value_list(workspace=workspace), workspace=workspace, uuid=uuid)
    return found


def kudos_receiver_choices(*, membership: Membership) -> QuerySet[Person]:
    people = person_ids_of(membership)
    return (
        Person.objects.filter(workspace=membership.workspace)
        .exclude(pk__in=people)
        .select_related("function")
        .only("pk", "uuid", "name", "workspace_id", "function__name")
        .order_by("name", "pk")
    )


def kudos_partnership_choices(*, membership: Membership) -> QuerySet[Partnership]:
    return (
        partnership_visible_list(membership=membership)
        .only("pk", "uuid", "slug", "name")
        .order_by("name")
    )
