"""Reads for survey instruments. Everyone in a workspace reads every instrument and its
version history; admins create, copy and edit them (a new version each time)."""

from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from accord.surveys.models import Cycle, Instrument, InstrumentVersion, Item
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership


def instrument_can_edit(*, membership: Membership) -> bool:
    """Admins and owners compose, copy and edit instruments."""
    return membership.can_admin


def _latest_number() -> Subquery:
    rows = (
        InstrumentVersion.objects.filter(instrument=OuterRef("pk"))
        .order_by()
        .values("instrument")
        .annotate(top=Max("number"))
        .values("top")
    )
    return Subquery(rows, output_field=IntegerField())


def _cycle_count() -> Coalesce:
    rows = (
        Cycle.objects.filter(version__instrument=OuterRef("pk"))
        .order_by()
        .values("version__instrument")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def instrument_list(
    *, membership: Membership, include_archived: bool = False
) -> QuerySet[Instrument]:
    """The workspace's instruments, built-in first, with their latest version number and
    how many cycles ran them (constant queries)."""
    instruments = (
        Instrument.objects.filter(workspace=membership.workspace)
        .select_related("copied_from")
        .annotate(latest_number=_latest_number(), cycle_count=_cycle_count())
    )
    if not include_archived:
        instruments = instruments.filter(archived=False)
    return instruments.order_by("-built_in", "name", "pk")


def instrument_get(*, membership: Membership, uuid: Any) -> Instrument:
    found: Instrument = object_get(
        instrument_list(membership=membership, include_archived=True),
        workspace=membership.workspace,
        uuid=uuid,
    )
    return found


def instrument_version_list(*, instrument: Instrument) -> QuerySet[InstrumentVersion]:
    """Every version, newest first, with who made it, its item count and its cycles."""
    items = (
        Item.objects.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(total=Count("pk"))
        .values("total")
    )
    cycles = (
        Cycle.objects.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        InstrumentVersion.objects.filter(workspace=instrument.workspace, instrument=instrument)
        .select_related("created_by")
        .annotate(
            item_count=Coalesce(Subquery(items, output_field=IntegerField()), 0),
            cycle_count=Coalesce(Subquery(cycles, output_field=IntegerField()), 0),
        )
        .order_by("-number")
    )


def instrument_version_get(
    *, instrument: Instrument, number: int | None = None
) -> InstrumentVersion:
    """The given version of the instrument, or its latest; 404 for an unknown number."""
    versions = InstrumentVersion.objects.filter(
        workspace=instrument.workspace, instrument=instrument
    ).select_related("instrument", "created_by")
    found = (
        versions.filter(number=number).first()
        if number is not None
        else versions.order_by("-number").first()
    )
    if found is None:
        raise Http404("No such version of this instrument.")
    return found


def instrument_version_latest(*, instrument: Instrument) -> InstrumentVersion | None:
    return (
        InstrumentVersion.objects.filter(workspace=instrument.workspace, instrument=instrument)
        .order_by("-number")
        .first()
    )


def version_item_list(*, version: InstrumentVersion) -> list[Item]:
    """The version's items in display order."""
    return list(
        Item.objects.filter(workspace=version.workspace, version=version).order_by("position")
    )


def instrument_choices(*, membership: Membership) -> QuerySet[Instrument]:
    """Instruments a new cycle may run: every one that is not archived."""
    return (
        Instrument.objects.filter(workspace=membership.workspace, archived=False)
        .only("pk", "uuid", "name", "kind", "built_in", "workspace_id")
        .order_by("-built_in", "name", "pk")
    )
