"""Writes for function profiles: save (create or change) a profile, mark it reviewed, manage
its ranked priorities, and nudge function leads whose profile went stale.

Only the function's lead and workspace admins write a profile (PermissionDenied otherwise).
Saving the profile counts as reviewing it. Priorities are part of the profile: changing them
takes the profile's next version, so one ETag guards both.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from accord.comms import profile_selectors as selectors
from accord.comms.models_plan import ChannelKind
from accord.comms.models_profiles import FunctionPriority, FunctionProfile
from accord.goals.catalog import catalog_metric
from accord.goals.permissions import person_ids_of
from accord.notifications.models import Event
from accord.notifications.service import notify
from accord.org.actions import StaleVersion
from accord.org.models import Function, Person
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

PROFILE_FIELDS = [
    "mission",
    "role_in_business",
    "owned_kpis",
    "planning_cycle",
    "working_methods",
    "busy_periods",
    "busy_windows",
    "approval_steps",
    "preferred_channels",
    "response_time_hours",
    "how_to_ask",
]
PRIORITY_FIELDS = ["rank", "title", "detail", "metric_key"]
TEXT_LIMIT = 4000
MAX_KPIS = 15
MAX_PRIORITIES = 10
MAX_WINDOWS = 8
MAX_RESPONSE_HOURS = 720
STALE_NUDGE_EVERY_DAYS = 30

__all__ = ["StaleVersion"]


def _edit_require(membership: Membership, function: Function) -> None:
    if not selectors.profile_can_edit(membership=membership, function=function):
        raise PermissionDenied(selectors.EDIT_DENIED)


def _reviewer(membership: Membership) -> Person | None:
    people = sorted(person_ids_of(membership))
    if not people:
        return None
    return Person.objects.filter(pk=people[0]).first()


def _profile_version_claim(profile: FunctionProfile, expected: int | None) -> None:
    if expected is not None and expected != profile.version:
        raise StaleVersion(profile.version)
    updated = FunctionProfile.objects.filter(pk=profile.pk, version=profile.version).update(
        version=F("version") + 1
    )
    if not updated:
        raise StaleVersion(FunctionProfile.objects.get(pk=profile.pk).version)
    profile.version += 1


def _windows_clean(raw: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["busy_windows"] = "Give busy windows as a list."
        return []
    cleaned: list[dict[str, Any]] = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            errors["busy_windows"] = f"Busy window {number}: give a label, months and days."
            return []
        label = str(entry.get("label") or "").strip()
        try:
            months = sorted({int(m) for m in entry.get("months") or []})
            day_from = int(entry.get("day_from") or 1)
            day_to = int(entry.get("day_to") or 31)
        except (TypeError, ValueError):
            errors["busy_windows"] = f"Busy window {number}: months and days are numbers."
            return []
        if not label:
            errors["busy_windows"] = f"Busy window {number}: name it, e.g. “Quarter-end close”."
        elif len(label) > 60:
            errors["busy_windows"] = f"Busy window {number}: keep the name to 60 characters."
        elif any(m < 1 or m > 12 for m in months):
            errors["busy_windows"] = f"Busy window {number}: months are 1 (Jan) to 12 (Dec)."
        elif not 1 <= day_from <= day_to <= 31:
            errors["busy_windows"] = (
                f"Busy window {number}: days run from 1 to 31, the first no later than the last."
            )
        if "busy_windows" in errors:
            return []
        cleaned.append({"label": label, "months": months, "day_from": day_from, "day_to": day_to})
    if len(cleaned) > MAX_WINDOWS:
        errors["busy_windows"] = f"List at most {MAX_WINDOWS} busy windows."
    return cleaned


def _profile_validate(profile: FunctionProfile) -> None:
    errors: dict[str, str] = {}
    for name in (
        "mission",
        "role_in_business",
        "working_methods",
        "approval_steps",
        "how_to_ask",
    ):
        value = (getattr(profile, name) or "").strip()
        setattr(profile, name, value)
        if len(value) > TEXT_LIMIT:
            errors[name] = f"Keep this to {TEXT_LIMIT} characters or fewer."
    profile.busy_periods = (profile.busy_periods or "").strip()
    if len(profile.busy_periods) > 300:
        errors["busy_periods"] = "Keep this to 300 characters or fewer."
    keys: list[str] = []
    for key in profile.owned_kpis or []:
        key = str(key).strip()
        if key and key not in keys:
            keys.append(key)
    unknown = [k for k in keys if catalog_metric(k, workspace=profile.workspace) is None]
    if unknown:
        errors["owned_kpis"] = (
            f"Not in the metric catalog: {', '.join(unknown)}. Choose catalog metrics, or add "
            "the metric to the workspace's catalog first."
        )
    elif len(keys) > MAX_KPIS:
        errors["owned_kpis"] = f"List the {MAX_KPIS} KPIs that matter most, not more."
    profile.owned_kpis = keys
    if profile.planning_cycle and profile.planning_cycle not in FunctionProfile.Planning.values:
        errors["planning_cycle"] = (
            "Choose weekly, two-week sprints, monthly, quarterly, annual or as needed."
        )
    channels: list[str] = []
    for kind in profile.preferred_channels or []:
        if kind not in ChannelKind.values:
            errors["preferred_channels"] = (
                f"“{kind}” is not a channel kind: use {', '.join(ChannelKind.values)}."
            )
            break
        if kind not in channels:
            channels.append(kind)
    profile.preferred_channels = channels
    hours = profile.response_time_hours
    if hours is not None and not 1 <= hours <= MAX_RESPONSE_HOURS:
        errors["response_time_hours"] = (
            f"Give the usual response time in hours, from 1 to {MAX_RESPONSE_HOURS} (30 days)."
        )
    profile.busy_windows = _windows_clean(profile.busy_windows, errors)
    if errors:
        raise ValidationError(errors)


def profile_save(
    *,
    membership: Membership,
    function: Function,
    expected_version: int | None = None,
    **fields: Any,
) -> FunctionProfile:
    """Create the function's profile or change it; either way it counts as reviewed now."""
    _edit_require(membership, function)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    profile = FunctionProfile.objects.filter(function=function).first()
    created = profile is None
    if profile is None:
        profile = FunctionProfile(workspace=function.workspace, function=function)
    before = {} if created else snapshot(profile, PROFILE_FIELDS)
    for name, value in fields.items():
        setattr(profile, name, value)
    _profile_validate(profile)
    changed = diff(before, snapshot(profile, PROFILE_FIELDS))
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = _reviewer(membership)
    with transaction.atomic():
        if created:
            profile.save()
        else:
            _profile_version_claim(profile, expected_version)
            profile.save(
                update_fields=[*PROFILE_FIELDS, "reviewed_at", "reviewed_by", "updated_at"]
            )
        audit_record(
            workspace=function.workspace,
            actor=membership.user,
            action="create" if created else "update",
            instance=profile,
            changes={**changed, "reviewed_at": [None, profile.reviewed_at.isoformat()]},
        )
    return profile


def profile_review(
    *, membership: Membership, function: Function, expected_version: int | None = None
) -> FunctionProfile:
    """Confirm the profile still holds: it is no longer stale for another 90 days."""
    _edit_require(membership, function)
    profile = FunctionProfile.objects.filter(function=function).first()
    if profile is None:
        raise ValidationError({"profile": f"{function.name} has no profile to review yet."})
    previous = profile.reviewed_at
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = _reviewer(membership)
    with transaction.atomic():
        _profile_version_claim(profile, expected_version)
        profile.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        audit_record(
            workspace=function.workspace,
            actor=membership.user,
            action="update",
            instance=profile,
            changes={
                "reviewed_at": [
                    previous.isoformat() if previous else None,
                    profile.reviewed_at.isoformat(),
                ]
            },
        )
    return profile


# --- priorities -----------------------------------------------------------------------------


def _priority_validate(priority: FunctionPriority) -> None:
    errors: dict[str, str] = {}
    priority.title = (priority.title or "").strip()
    priority.detail = (priority.detail or "").strip()
    priority.metric_key = (priority.metric_key or "").strip()
    if not priority.title:
        errors["title"] = "Name the priority, e.g. “Protect gross margin”."
    elif len(priority.title) > 200:
        errors["title"] = "Keep the priority to 200 characters or fewer."
    if len(priority.detail) > 400:
        errors["detail"] = "Keep the detail to 400 characters or fewer."
    if (
        priority.metric_key
        and catalog_metric(priority.metric_key, workspace=priority.workspace) is None
    ):
        errors["metric_key"] = f"“{priority.metric_key}” is not in the metric catalog."
    if errors:
        raise ValidationError(errors)


def _priorities_audit(membership: Membership, profile: FunctionProfile, before: list[str]) -> None:
    after = list(profile.priorities.order_by("rank", "pk").values_list("title", flat=True))
    if before != after:
        audit_record(
            workspace=profile.workspace,
            actor=membership.user,
            action="update",
            instance=profile,
            changes={"priorities": [before, after]},
        )


def _titles(profile: FunctionProfile) -> list[str]:
    return list(profile.priorities.order_by("rank", "pk").values_list("title", flat=True))


def _renumber(profile: FunctionProfile) -> None:
    rows = list(profile.priorities.order_by("rank", "pk"))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    FunctionPriority.objects.bulk_update(rows, ["rank"])


def priority_add(
    *,
    membership: Membership,
    profile: FunctionProfile,
    title: str,
    detail: str = "",
    metric_key: str = "",
) -> FunctionPriority:
    """Add a priority at the bottom of the ranking."""
    _edit_require(membership, profile.function)
    if profile.priorities.count() >= MAX_PRIORITIES:
        raise ValidationError(
            {"title": f"Rank at most {MAX_PRIORITIES} priorities; remove one first."}
        )
    last = profile.priorities.aggregate(last=Max("rank"))["last"] or 0
    priority = FunctionPriority(
        workspace=profile.workspace,
        profile=profile,
        rank=last + 1,
        title=title,
        detail=detail,
        metric_key=metric_key,
    )
    _priority_validate(priority)
    before = _titles(profile)
    with transaction.atomic():
        _profile_version_claim(profile, None)
        priority.save()
        _priorities_audit(membership, profile, before)
    return priority


def priority_update(
    *, membership: Membership, priority: FunctionPriority, **changes: Any
) -> FunctionPriority:
    profile = priority.profile
    _edit_require(membership, profile.function)
    unknown = set(changes) - {"title", "detail", "metric_key"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    before = snapshot(priority, PRIORITY_FIELDS)
    for name, value in changes.items():
        setattr(priority, name, value)
    _priority_validate(priority)
    changed = diff(before, snapshot(priority, PRIORITY_FIELDS))
    if not changed:
        return priority
    with transaction.atomic():
        _profile_version_claim(profile, None)
        priority.save(update_fields=["title", "detail", "metric_key", "updated_at"])
        audit_record(
            workspace=profile.workspace,
            actor=membership.user,
            action="update",
            instance=profile,
            changes={f"priority {priority.rank}.{k}": v for k, v in changed.items()},
        )
    return priority


def priority_move(
    *, membership: Membership, priority: FunctionPriority, direction: str
) -> FunctionPriority:
    """Swap the priority with the one above ("up") or below ("down"); at an end, nothing."""
    profile = priority.profile
    _edit_require(membership, profile.function)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a priority up or down."})
    rows = list(profile.priorities.order_by("rank", "pk"))
    index = next(i for i, row in enumerate(rows) if row.pk == priority.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return priority
    before = [row.title for row in rows]
    rows[index], rows[other] = rows[other], rows[index]
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    with transaction.atomic():
        _profile_version_claim(profile, None)
        FunctionPriority.objects.bulk_update(rows, ["rank"])
        _priorities_audit(membership, profile, before)
    priority.rank = next(row.rank for row in rows if row.pk == priority.pk)
    return priority


def priority_delete(*, membership: Membership, priority: FunctionPriority) -> None:
    profile = priority.profile
    _edit_require(membership, profile.function)
    before = _titles(profile)
    with transaction.atomic():
        _profile_version_claim(profile, None)
        priority.delete()
        _renumber(profile)
        _priorities_audit(membership, profile, before)


def priorities_replace(
    *,
    membership: Membership,
    profile: FunctionProfile,
    priorities: list[dict[str, str]],
    expected_version: int | None = None,
) -> list[FunctionPriority]:
    """Replace the whole ranking: the first item is rank 1 (the API's PUT)."""
    _edit_require(membership, profile.function)
    if len(priorities) > MAX_PRIORITIES:
        raise ValidationError({"priorities": f"Rank at most {MAX_PRIORITIES} priorities."})
    rows = []
    for rank, item in enumerate(priorities, start=1):
        row = FunctionPriority(
            workspace=profile.workspace,
            profile=profile,
            rank=rank,
            title=item.get("title", ""),
            detail=item.get("detail", ""),
            metric_key=item.get("metric_key", ""),
        )
        try:
            _priority_validate(row)
        except ValidationError as error:
            raise ValidationError(
                {f"priorities.{rank - 1}.{k}": v for k, v in error.message_dict.items()}
            ) from None
        rows.append(row)
    before = _titles(profile)
    with transaction.atomic():
        _profile_version_claim(profile, expected_version)
        profile.priorities.all().delete()
        FunctionPriority.objects.bulk_create(rows)
        _priorities_audit(membership, profile, before)
    return list(profile.priorities.order_by("rank", "pk"))


# --- stale profiles -------------------------------------------------------------------------


def profiles_stale_reminders(*, workspace: Workspace, today: datetime.date) -> int:
    """Nudge the lead of each function whose profile is missing, never reviewed, or last
    reviewed more than 90 days ago (PROFILE_STALE), at most once every 30 days.

    The key counts 30-day steps from the day the profile went stale, so a daily run nudges on
    that day, 30 days later, and so on; reviewing the profile starts afresh.
    """
    sent = 0
    with transaction.atomic():
        for function in selectors.function_profile_list(workspace=workspace):
            profile = getattr(function, "profile", None)
            if function.lead is None or not selectors.profile_is_stale(profile, today):
                continue
            if profile is not None and profile.reviewed_at is not None:
                reviewed = timezone.localtime(profile.reviewed_at).date()
                stale_since = reviewed + datetime.timedelta(days=selectors.STALE_DAYS + 1)
                what = f"was last reviewed on {reviewed:%d %B %Y}"
            else:
                created = profile.created_at if profile is not None else function.created_at
                stale_since = timezone.localtime(created).date()
                what = "has not been reviewed yet" if profile else "has not been written yet"
            if stale_since > today:
                stale_since = today
            step = (today - stale_since).days // STALE_NUDGE_EVERY_DAYS
            url = reverse("profile_detail", args=[workspace.slug, function.uuid])
            sent += len(
                notify(
                    workspace=workspace,
                    event=Event.PROFILE_STALE,
                    recipients=[function.lead],
                    subject=f"Refresh the {function.name} profile",
                    body=(
                        f"The “How to work with {function.name}” profile {what}. Partners "
                        "plan around it: check the priorities, rhythms and preferred channels, "
                        "then save or mark it reviewed."
                    ),
                    key=f"profile-stale:{function.uuid}:{stale_since.isoformat()}:{step}",
                    url=url,
                    about=profile or function,
                )
            )
    return sent
