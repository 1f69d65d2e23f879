"""Reads for function profiles ("how to work with us" pages) and their side-by-side comparison
on a partnership.

Everyone in the workspace reads profiles. The function's lead and workspace admins write
them. A profile is stale when it was never reviewed or last reviewed more than STALE_DAYS ago.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accord.comms.models_plan import ChannelKind
from accord.comms.models_profiles import FunctionPriority, FunctionProfile
from accord.goals.catalog import catalog_metrics
from accord.goals.permissions import person_ids_of
from accord.goals.selectors import workspace_catalog
from accord.metrics.catalog import Catalog
from accord.metrics.profile_compare import (
    BusyWindow,
    PriorityFacts,
    ProfileComparison,
    ProfileFacts,
    TensionFacts,
    profiles_compare,
)
from accord.org.models import Function
from accord.partnerships.models import Partnership
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

STALE_DAYS = 90
EDIT_DENIED = "Only the function's lead and workspace admins can change its profile."
# How a function names the channels it prefers (the values are ChannelKind's).
PROFILE_CHANNELS: dict[str, str] = {
    ChannelKind.CHAT: "Chat",
    ChannelKind.EMAIL_LIST: "Email",
    ChannelKind.MEETING: "Meetings and calls",
    ChannelKind.SHARED_DOC: "Shared documents",
    ChannelKind.DASHBOARD: "Dashboards",
    ChannelKind.OTHER: "Other",
}
PLANNING_LABELS = dict(FunctionProfile.Planning.choices)


def profile_can_edit(*, membership: Membership, function: Function) -> bool:
    """Workspace admins, and the function's lead (with the member role or above)."""
    if membership.can_admin:
        return True
    return membership.can_edit and function.lead_id in person_ids_of(membership)


def profile_is_stale(profile: FunctionProfile | None, today: datetime.date | None = None) -> bool:
    if profile is None or profile.reviewed_at is None:
        return True
    today = today or timezone.localdate()
    return (today - timezone.localtime(profile.reviewed_at).date()).days > STALE_DAYS


def _priorities() -> Prefetch[Any]:
    return Prefetch("priorities", queryset=FunctionPriority.objects.order_by("rank", "pk"))


def function_profile_list(*, workspace: Workspace) -> QuerySet[Function]:
    """Every function, with its lead and profile (if any), by name: one query."""
    return (
        Function.objects.filter(workspace=workspace)
        .select_related("lead", "profile", "profile__reviewed_by")
        .order_by("name", "pk")
    )


def profile_function_get(*, workspace: Workspace, uuid: Any) -> Function:
    """A function of the workspace, with its profile and ranked priorities, or 404."""
    found: Function = object_get(
        Function.objects.select_related("lead", "workspace"),
        workspace=workspace,
        uuid=uuid,
    )
    return found


def profile_of(function: Function) -> FunctionProfile | None:
    """The function's profile with its priorities (two queries), or None."""
    return (
        FunctionProfile.objects.filter(workspace=function.workspace, function=function)
        .select_related("reviewed_by", "function")
        .prefetch_related(_priorities())
        .first()
    )


def priority_get(*, profile: FunctionProfile, uuid: Any) -> FunctionPriority:
    found: FunctionPriority = object_get(
        FunctionPriority.objects.filter(profile=profile).select_related("profile"),
        workspace=profile.workspace,
        uuid=uuid,
    )
    return found


@dataclass(frozen=True)
class ProfileRow:
    function: Function
    profile: FunctionProfile | None
    stale: bool
    reviewed_on: datetime.date | None
    days_since_review: int | None


def profile_rows(
    functions: Iterable[Function], today: datetime.date | None = None
) -> list[ProfileRow]:
    today = today or timezone.localdate()
    rows = []
    for function in functions:
        profile = getattr(function, "profile", None)
        reviewed = (
            timezone.localtime(profile.reviewed_at).date()
            if profile is not None and profile.reviewed_at is not None
            else None
        )
        rows.append(
            ProfileRow(
                function=function,
                profile=profile,
                stale=profile_is_stale(profile, today),
                reviewed_on=reviewed,
                days_since_review=(today - reviewed).days if reviewed else None,
            )
        )
    return rows


@dataclass(frozen=True)
class KpiRow:
    key: str
    name: str
    unit: str
    known: bool


def kpi_rows(*, workspace: Workspace, keys: Iterable[str]) -> list[KpiRow]:
    """The owned KPIs with their catalog names and units (unknown keys kept, marked)."""
    catalog = {m.key: m for m in catalog_metrics(workspace=workspace)}
    rows = []
    for key in keys:
        metric = catalog.get(key)
        if metric is None:
            rows.append(KpiRow(key=key, name=key, unit="", known=False))
        else:
            rows.append(KpiRow(key=key, name=metric.name, unit=metric.unit, known=True))
    return rows


def busy_windows_of(profile: FunctionProfile) -> list[BusyWindow]:
    """The stored busy windows as checked values (malformed entries are skipped)."""
    windows = []
    for entry in profile.busy_windows or []:
        try:
            windows.append(
                BusyWindow(
                    label=str(entry.get("label") or "Busy"),
                    months=tuple(int(m) for m in entry.get("months") or ()),
                    day_from=int(entry.get("day_from") or 1),
                    day_to=int(entry.get("day_to") or 31),
                )
            )
        except (AttributeError, TypeError, ValueError):
            continue
    return windows


def approval_steps_of(profile: FunctionProfile) -> list[str]:
    return [line.strip(" -•\t") for line in profile.approval_steps.splitlines() if line.strip()]


def _priority_metrics(priority: FunctionPriority, catalog: Catalog) -> tuple[str, ...]:
    if priority.metric_key:
        return (priority.metric_key,)
    found = catalog.metric_match(f"{priority.title} {priority.detail}")
    return (found.key,) if found is not None else ()


def profile_facts(function: Function, profile: FunctionProfile, catalog: Catalog) -> ProfileFacts:
    return ProfileFacts(
        id=str(function.uuid),
        name=function.name,
        planning_cycle=profile.planning_cycle,
        preferred_channels=tuple(profile.preferred_channels or ()),
        response_time_hours=profile.response_time_hours,
        busy_windows=tuple(busy_windows_of(profile)),
        approval_steps=tuple(approval_steps_of(profile)),
        priorities=tuple(
            PriorityFacts(title=p.title, metric_keys=_priority_metrics(p, catalog))
            for p in profile.priorities.all()
        ),
        owned_kpis=tuple(profile.owned_kpis or ()),
    )


@dataclass(frozen=True)
class ComparedFunction:
    function: Function
    profile: FunctionProfile
    kpis: list[KpiRow]
    busy_windows: list[BusyWindow]
    approval_steps: list[str]
    stale: bool
    channels: list[tuple[str, str]]  # (kind, label) of the preferred channels


@dataclass
class ProfileComparisonView:
    """What the plan page shows: the functions to choose from, those chosen, and where the
    chosen ones differ."""

    choices: list[Function]
    chosen: list[ComparedFunction] = field(default_factory=list)
    without_profile: list[Function] = field(default_factory=list)
    comparison: ProfileComparison | None = None
    chosen_ids: set[str] = field(default_factory=set)

    def differs(self, kind: str) -> bool:
        return self.comparison is not None and self.comparison.differs(kind)


def _compare_catalog(workspace: Workspace) -> tuple[Catalog, list[TensionFacts], dict[str, str]]:
    catalog = workspace_catalog(workspace)
    tensions = [TensionFacts(a=t.a, b=t.b, explanation=t.explanation) for t in catalog.tensions]
    names = {m.key: m.name for m in catalog.metrics}
    return catalog, tensions, names


def profiles_comparison(
    *,
    workspace: Workspace,
    functions: Sequence[Function],
    plan_channel_kinds: Iterable[str] | None = None,
    today: datetime.date | None = None,
) -> tuple[list[ComparedFunction], list[Function], ProfileComparison | None]:
    """Compare the profiles of `functions` (three queries whatever their number)."""
    ids = [f.pk for f in functions]
    profiles = {
        p.function_id: p
        for p in FunctionProfile.objects.filter(workspace=workspace, function_id__in=ids)
        .select_related("reviewed_by")
        .prefetch_related(_priorities())
    }
    chosen: list[ComparedFunction] = []
    missing: list[Function] = []
    for function in functions:
        profile = profiles.get(function.pk)
        if profile is None:
            missing.append(function)
            continue
        chosen.append(
            ComparedFunction(
                function=function,
                profile=profile,
                kpis=kpi_rows(workspace=workspace, keys=profile.owned_kpis or ()),
                busy_windows=busy_windows_of(profile),
                approval_steps=approval_steps_of(profile),
                stale=profile_is_stale(profile, today),
                channels=[
                    (kind, PROFILE_CHANNELS.get(kind, kind))
                    for kind in profile.preferred_channels or ()
                ],
            )
        )
    comparison = None
    if len(chosen) >= 2:
        catalog, tensions, names = _compare_catalog(workspace)
        comparison = profiles_compare(
            [profile_facts(c.function, c.profile, catalog) for c in chosen],
            tensions=tensions,
            channel_labels=PROFILE_CHANNELS,
            planning_labels=PLANNING_LABELS,
            metric_names=names,
            plan_channel_kinds=plan_channel_kinds,
        )
    return chosen, missing, comparison


def partnership_profile_comparison(
    *,
    partnership: Partnership,
    compare: Iterable[str] = (),
    plan_channel_kinds: Iterable[str] | None = None,
    today: datetime.date | None = None,
) -> ProfileComparisonView:
    """The partnership's functions side by side: those named in `compare` (function uuids;
    unknown ones ignored), else all of them."""
    choices = list(partnership.functions.all().order_by("name", "pk"))
    wanted = {str(value) for value in compare}
    picked = [f for f in choices if str(f.uuid) in wanted] or choices
    chosen, missing, comparison = profiles_comparison(
        workspace=partnership.workspace,
        functions=picked,
        plan_channel_kinds=plan_channel_kinds,
        today=today,
    )
    return ProfileComparisonView(
        choices=choices,
        chosen=chosen,
        without_profile=missing,
        comparison=comparison,
        chosen_ids={str(f.uuid) for f in picked},
    )
