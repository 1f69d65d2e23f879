"""Writes for goals, key results, check-ins, KPIs and measurements: check, save, audit.

Every action takes the acting `membership` (workspace, user and role) and refuses what that
member may not do (PermissionDenied), so pages, the API and scripts share one set of rules.
"""

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accord.goals import permissions
from accord.goals.models import (
    Category,
    CheckIn,
    Direction,
    Goal,
    GoalSettings,
    GoodDirection,
    Kpi,
    Measurement,
    MetricDefinition,
    PushDirection,
    WorkspaceTension,
)
from accord.goals.numbers import NUMBER_MESSAGE, number_parse
from accord.goals.rows import MeasurementRow
from accord.goals.selectors import (
    catalog_document_load,
    catalog_message,
    goal_settings_get,
    metric_entry,
    tension_entry,
    workspace_catalog,
    workspace_catalog_forget,
    workspace_catalog_get,
)
from accord.metrics.catalog import (
    CATEGORIES,
    FUNCTIONS,
    KEY_PATTERN,
    UNITS,
    CatalogError,
    catalog_load,
)
from accord.org.actions import StaleVersion
from accord.org.models import Function
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_bulk, audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

__all__ = ["NUMBER_MESSAGE", "MeasurementRow", "StaleVersion"]

GOAL_FIELDS = [
    "kind",
    "partnership",
    "function",
    "parent",
    "title",
    "description",
    "metric_key",
    "metric_name",
    "unit",
    "baseline",
    "target",
    "target_low",
    "target_high",
    "direction",
    "start_date",
    "due_date",
    "owner",
    "status",
    "cadence_days",
]
GOAL_LINK_FIELDS = ["supports", "contributing_functions"]
CHECKIN_FIELDS = ["date", "value", "confidence", "confidence_score", "note"]
KPI_FIELDS = [
    "metric_key",
    "name",
    "unit",
    "direction",
    "category",
    "target",
    "target_low",
    "target_high",
]
CONFIDENCE_WORDS = {
    "on_track": CheckIn.Confidence.ON_TRACK,
    "on track": CheckIn.Confidence.ON_TRACK,
    "at_risk": CheckIn.Confidence.AT_RISK,
    "at risk": CheckIn.Confidence.AT_RISK,
    "off_track": CheckIn.Confidence.OFF_TRACK,
    "off track": CheckIn.Confidence.OFF_TRACK,
}


def _check_version(instance: Any, expected: int | None) -> None:
    if expected is not None and expected != instance.version:
        raise StaleVersion(instance.version)


def _bump_version(instance: Any) -> None:
    """Raise StaleVersion unless the stored version is still the one this edit started from."""
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=instance.version).update(
        version=instance.version + 1
    )
    if not updated:
        raise StaleVersion(model.objects.get(pk=instance.pk).version)
    instance.version += 1


def _deny(message: str) -> None:
    raise PermissionDenied(message)


# --- goals ----------------------------------------------------------------------------------


def _numeric(value: Any, field: str, errors: dict[str, str]) -> float | None:
    if value is None or value == "":
        return None
    try:
        return number_parse(value)
    except ValueError:
        errors[field] = NUMBER_MESSAGE
        return None


def _in_workspace(goal: Goal, field: str, value: Any, errors: dict[str, str], noun: str) -> None:
    if value is not None and value.workspace_id != goal.workspace_id:
        errors[field] = f"Choose {noun} from this workspace."


def _goal_validate(
    goal: Goal,
    *,
    supports: Sequence[Goal],
    contributing: Sequence[Function],
    errors: dict[str, str] | None = None,
) -> None:
    """Every rule a goal must meet, reported together so a form shows all problems at once."""
    errors = dict(errors or {})
    goal.title = (goal.title or "").strip()
    if not goal.title:
        errors["title"] = "Give the goal a title that says what will change."
    if goal.kind not in Goal.Kind.values:
        errors["kind"] = "Choose objective, key result or measurable goal."
    if goal.status not in Goal.Status.values:
        errors["status"] = "Choose one of the statuses."
    _in_workspace(goal, "partnership", goal.partnership, errors, "a partnership")
    _in_workspace(goal, "function", goal.function, errors, "a function")
    if goal.partnership_id and goal.function_id:
        errors["function"] = (
            "A goal belongs to a partnership or to a function, not both; clear one of them."
        )
    elif not goal.partnership_id and not goal.function_id:
        errors["partnership"] = "Choose the partnership or the function this goal belongs to."

    if goal.owner is None:
        errors["owner"] = "Choose the one person accountable for this goal."
    elif goal.owner.workspace_id != goal.workspace_id:
        errors["owner"] = "The owner must be a person in this workspace."

    if not 1 <= int(goal.cadence_days or 0) <= 366:
        errors["cadence_days"] = "Check in every 1 to 366 days."

    _goal_validate_parent(goal, errors)
    _goal_validate_links(goal, supports, contributing, errors)
    _goal_validate_measure(goal, errors)
    if errors:
        raise ValidationError(errors)


def _goal_validate_parent(goal: Goal, errors: dict[str, str]) -> None:
    parent = goal.parent
    if goal.kind == Goal.Kind.KEY_RESULT:
        if parent is None:
            errors["parent"] = "A key result needs the objective it belongs to."
            return
    elif parent is not None:
        errors["parent"] = (
            "Only key results have a parent objective; to align this goal with another, "
            "use “Supports”."
        )
        return
    if parent is None:
        return
    if parent.workspace_id != goal.workspace_id:
        errors["parent"] = "Choose an objective from this workspace."
    elif parent.kind != Goal.Kind.OBJECTIVE:
        errors["parent"] = f"“{parent.title}” is not an objective; key results belong to one."
    elif parent.pk == goal.pk:
        errors["parent"] = "A goal cannot be its own parent."
    elif (parent.partnership_id, parent.function_id) != (goal.partnership_id, goal.function_id):
        errors["parent"] = (
            "A key result belongs to the same partnership or function as its objective."
        )


def _goal_validate_links(
    goal: Goal,
    supports: Sequence[Goal],
    contributing: Sequence[Function],
    errors: dict[str, str],
) -> None:
    for target in supports:
        if target.workspace_id != goal.workspace_id:
            errors["supports"] = "Aligned goals must be in this workspace."
            break
        if goal.pk and target.pk == goal.pk:
            errors["supports"] = "A goal cannot support itself."
            break
    else:
        if goal.pk and supports and _would_loop(goal, supports):
            errors["supports"] = (
                "These links would make a loop (a goal that ends up supporting itself)."
            )
    if any(function.workspace_id != goal.workspace_id for function in contributing):
        errors["contributing_functions"] = "Contributing functions must be in this workspace."


def _would_loop(goal: Goal, supports: Sequence[Goal]) -> bool:
    through = Goal.supports.through
    edges: dict[int, list[int]] = {}
    for source, target in through.objects.filter(from_goal__workspace=goal.workspace).values_list(
        "from_goal_id", "to_goal_id"
    ):
        if source != goal.pk:
            edges.setdefault(source, []).append(target)
    stack = [target.pk for target in supports]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node == goal.pk:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, []))
    return False


def _goal_validate_measure(goal: Goal, errors: dict[str, str]) -> None:
    measured = goal.kind != Goal.Kind.OBJECTIVE
    if goal.start_date and goal.due_date and goal.due_date < goal.start_date:
        errors["due_date"] = (
            f"The due date ({goal.due_date:%d %b %Y}) is before the start date "
            f"({goal.start_date:%d %b %Y}); pick a due date on or after the start."
        )
    if measured and goal.due_date is None:
        errors.setdefault(
            "due_date", "Set a due date: a goal without a deadline is not time-bound."
        )
    direction = goal.direction
    if not direction:
        if measured:
            errors["direction"] = (
                "Choose whether the metric should go up, down, stay or stay in a range."
            )
        return
    if direction not in Direction.values:
        errors["direction"] = "Choose increase, decrease, maintain or stay within a range."
        return
    if direction in (Direction.INCREASE, Direction.DECREASE):
        if goal.baseline is None:
            errors.setdefault("baseline", "Enter where the metric starts (the baseline).")
        if goal.target is None:
            errors.setdefault("target", "Enter the value to reach (the target).")
        if goal.baseline is not None and goal.target is not None:
            if goal.target == goal.baseline:
                errors["target"] = (
                    f"The target equals the baseline ({goal.baseline:g}), so there is nothing "
                    "to measure; choose a target different from where you start, or use "
                    "“Maintain”."
                )
            elif direction == Direction.INCREASE and goal.target < goal.baseline:
                errors["target"] = (
                    f"To increase, the target must be above the baseline ({goal.baseline:g}); "
                    "did you mean “Decrease”?"
                )
            elif direction == Direction.DECREASE and goal.target > goal.baseline:
                errors["target"] = (
                    f"To decrease, the target must be below the baseline ({goal.baseline:g}); "
                    "did you mean “Increase”?"
                )
    elif direction == Direction.MAINTAIN:
        if goal.target is None:
            errors.setdefault("target", "Enter the value to maintain.")
    else:
        if goal.target_low is None:
            errors.setdefault("target_low", "Enter the lowest acceptable value.")
        if goal.target_high is None:
            errors.setdefault("target_high", "Enter the highest acceptable value.")
        if (
            goal.target_low is not None
            and goal.target_high is not None
            and goal.target_low >= goal.target_high
        ):
            errors["target_high"] = "The highest value must be above the lowest value."


def _goal_links_text(goal: Goal) -> dict[str, str]:
    return {
        "supports": ", ".join(sorted(g.title for g in goal.supports.all())),
        "contributing_functions": ", ".join(
            sorted(f.name for f in goal.contributing_functions.all())
        ),
    }


def _links_text(supports: Iterable[Goal], contributing: Iterable[Function]) -> dict[str, str]:
    return {
        "supports": ", ".join(sorted(g.title for g in supports)),
        "contributing_functions": ", ".join(sorted(f.name for f in contributing)),
    }


def _goal_numbers(fields: dict[str, Any], errors: dict[str, str]) -> None:
    for name in ("baseline", "target", "target_low", "target_high"):
        if name in fields:
            fields[name] = _numeric(fields[name], name, errors)


def goal_create(
    *,
    membership: Membership,
    title: str,
    partnership: Partnership | None = None,
    function: Function | None = None,
    supports: Sequence[Goal] = (),
    contributing_functions: Sequence[Function] = (),
    **fields: Any,
) -> Goal:
    """Add a goal to a partnership or a function, with its alignment links."""
    workspace = membership.workspace
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Unknown field."})
    errors: dict[str, str] = {}
    _goal_numbers(fields, errors)
    fields.setdefault("start_date", None)
    if fields["start_date"] is None and fields.get("kind") != Goal.Kind.OBJECTIVE:
        fields["start_date"] = timezone.localdate()
    goal = Goal(
        workspace=workspace, title=title, partnership=partnership, function=function, **fields
    )
    _goal_validate(goal, supports=supports, contributing=contributing_functions, errors=errors)
    if not permissions.goal_can_create(
        membership=membership, partnership=goal.partnership, function=goal.function
    ):
        _deny(
            "Only this partnership's members and managers (or workspace admins) can add its goals."
            if goal.partnership
            else "Only people in this function, its lead and workspace admins can add its goals."
        )
    with transaction.atomic():
        goal.save()
        goal.supports.set(supports)
        goal.contributing_functions.set(contributing_functions)
        changes = diff({}, snapshot(goal, GOAL_FIELDS))
        changes.update(diff({}, _links_text(supports, contributing_functions)))
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="create",
            instance=goal,
            changes=changes,
        )
    return goal


def goal_update(
    *,
    membership: Membership,
    goal: Goal,
    expected_version: int | None = None,
    supports: Sequence[Goal] | None = None,
    contributing_functions: Sequence[Function] | None = None,
    **changes: Any,
) -> Goal:
    """Change a goal's fields and (when given) replace its links, in one audited edit."""
    if not permissions.goal_can_edit(membership=membership, goal=goal):
        _deny("Only the goal's owner, the managers of its home and admins can change it.")
    _check_version(goal, expected_version)
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    errors: dict[str, str] = {}
    _goal_numbers(changes, errors)
    before = snapshot(goal, GOAL_FIELDS)
    home_before = (goal.partnership_id, goal.function_id)
    links_before = _goal_links_text(goal)
    for name, value in changes.items():
        setattr(goal, name, value)
    new_supports = list(supports) if supports is not None else list(goal.supports.all())
    new_contributing = (
        list(contributing_functions)
        if contributing_functions is not None
        else list(goal.contributing_functions.all())
    )
    _goal_validate(goal, supports=new_supports, contributing=new_contributing, errors=errors)
    moved = (goal.partnership_id, goal.function_id) != home_before
    if moved and not permissions.goal_can_create(
        membership=membership, partnership=goal.partnership, function=goal.function
    ):
        _deny("You cannot move a goal to a partnership or function you do not contribute to.")
    changed = diff(before, snapshot(goal, GOAL_FIELDS))
    changed.update(diff(links_before, _links_text(new_supports, new_contributing)))
    if not changed:
        return goal
    with transaction.atomic():
        _bump_version(goal)
        goal.save(update_fields=[*changes.keys(), "updated_at"])
        if supports is not None:
            goal.supports.set(new_supports)
        if contributing_functions is not None:
            goal.contributing_functions.set(new_contributing)
        audit_record(
            workspace=goal.workspace,
            actor=membership.user,
            action="update",
            instance=goal,
            changes=changed,
        )
    return goal


def goal_delete(*, membership: Membership, goal: Goal) -> None:
    """Delete a goal with its key results and check-ins (the audit log keeps a record)."""
    if not permissions.goal_can_edit(membership=membership, goal=goal):
        _deny("Only the goal's owner, the managers of its home and admins can delete it.")
    with transaction.atomic():
        audit_record(
            workspace=goal.workspace,
            actor=membership.user,
            action="delete",
            instance=goal,
            changes=diff(snapshot(goal, GOAL_FIELDS), {}),
        )
        goal.delete()


# --- check-ins ------------------------------------------------------------------------------


def confidence_parse(value: Any) -> tuple[str, int | None]:
    """A confidence label (on track / at risk / off track) or a 0–10 score → (label, score)."""
    if value is None or value == "":
        return "", None
    if isinstance(value, bool):
        raise ValidationError({"confidence": "Say on track, at risk, off track, or 0 to 10."})
    if isinstance(value, int | float):
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = str(value).strip().lower()
    if text in CONFIDENCE_WORDS:
        return str(CONFIDENCE_WORDS[text]), None
    if text.isdigit() and 0 <= int(text) <= 10:
        score = int(text)
        # A score maps onto the labels too, so lists can filter on one field.
        label = (
            CheckIn.Confidence.ON_TRACK
            if score >= 7
            else CheckIn.Confidence.AT_RISK
            if score >= 4
            else CheckIn.Confidence.OFF_TRACK
        )
        return str(label), score
    raise ValidationError(
        {"confidence": "Say on track, at risk or off track, or give a score from 0 to 10."}
    )


def _checkin_values(
    *, value: Any, when: Any, confidence: Any, today: date
) -> tuple[float, date, str, int | None]:
    errors: dict[str, str] = {}
    number = 0.0
    try:
        number = number_parse(value)
    except ValueError:
        errors["value"] = NUMBER_MESSAGE
    if not isinstance(when, date):
        errors["date"] = "Enter the date of the value, e.g. 2026-03-31."
    elif when > today:
        errors["date"] = "A check-in records what already happened; pick today or earlier."
    label, score = "", None
    try:
        label, score = confidence_parse(confidence)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    assert isinstance(when, date)
    return number, when, label, score


def checkin_create(
    *,
    membership: Membership,
    goal: Goal,
    value: Any,
    date: Any = None,
    confidence: Any = "",
    note: str = "",
    today: date | None = None,
) -> CheckIn:
    """Record a value on a goal. `value` must be a number; `confidence` a label or 0–10."""
    today = today or timezone.localdate()
    number, when, label, score = _checkin_values(
        value=value, when=date if date is not None else today, confidence=confidence, today=today
    )
    if not permissions.goal_can_checkin(membership=membership, goal=goal):
        _deny("Only the goal's owner and the people of its partnership or function can check in.")
    checkin = CheckIn(
        workspace=goal.workspace,
        goal=goal,
        date=when,
        value=number,
        confidence=label,
        confidence_score=score,
        note=(note or "").strip(),
        author=membership.user,
    )
    with transaction.atomic():
        checkin.save()
        audit_record(
            workspace=goal.workspace,
            actor=membership.user,
            action="create",
            instance=checkin,
            changes=diff({}, snapshot(checkin, CHECKIN_FIELDS)),
        )
    return checkin


def checkin_update(
    *,
    membership: Membership,
    checkin: CheckIn,
    expected_version: int | None = None,
    today: date | None = None,
    **changes: Any,
) -> CheckIn:
    """Correct a check-in (value, date, confidence, note); the audit log keeps the old values."""
    if not permissions.checkin_can_edit(membership=membership, checkin=checkin):
        _deny("Only the author of a check-in, the goal's owner and its managers can change it.")
    _check_version(checkin, expected_version)
    unknown = set(changes) - {"value", "date", "confidence", "note"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    today = today or timezone.localdate()
    number, when, label, score = _checkin_values(
        value=changes.get("value", checkin.value),
        when=changes.get("date", checkin.date),
        confidence=changes.get("confidence", _confidence_of(checkin)),
        today=today,
    )
    before = snapshot(checkin, CHECKIN_FIELDS)
    checkin.value, checkin.date = number, when
    checkin.confidence, checkin.confidence_score = label, score
    if "note" in changes:
        checkin.note = (changes["note"] or "").strip()
    changed = diff(before, snapshot(checkin, CHECKIN_FIELDS))
    if not changed:
        return checkin
    with transaction.atomic():
        _bump_version(checkin)
        checkin.save(update_fields=[*CHECKIN_FIELDS, "updated_at"])
        audit_record(
            workspace=checkin.workspace,
            actor=membership.user,
            action="update",
            instance=checkin,
            changes=changed,
        )
    return checkin


def _confidence_of(checkin: CheckIn) -> Any:
    return checkin.confidence_score if checkin.confidence_score is not None else checkin.confidence


def checkin_delete(*, membership: Membership, checkin: CheckIn) -> None:
    if not permissions.checkin_can_edit(membership=membership, checkin=checkin):
        _deny("Only the author of a check-in, the goal's owner and its managers can delete it.")
    with transaction.atomic():
        audit_record(
            workspace=checkin.workspace,
            actor=membership.user,
            action="delete",
            instance=checkin,
            changes=diff(snapshot(checkin, CHECKIN_FIELDS), {}),
        )
        checkin.delete()


# --- KPIs -----------------------------------------------------------------------------------


def _kpi_validate(kpi: Kpi) -> None:
    errors: dict[str, str] = {}
    kpi.name = (kpi.name or "").strip()
    kpi.metric_key = (kpi.metric_key or "").strip().lower()
    if not kpi.metric_key:
        errors["metric_key"] = "Choose a metric from the catalog (or give it a short key)."
    if not kpi.name:
        errors["name"] = "Give the KPI a name."
    if kpi.partnership.workspace_id != kpi.workspace_id:
        errors["partnership"] = "Choose a partnership from this workspace."
    if kpi.direction not in Direction.values:
        errors["direction"] = "Choose whether higher, lower, steady or in-range is good."
    if kpi.category not in Category.values:
        errors["category"] = "Choose a category (efficiency, customer satisfaction, revenue …)."
    if kpi.direction == Direction.RANGE:
        if kpi.target_low is None or kpi.target_high is None:
            errors["target_low"] = "A range KPI needs its lowest and highest acceptable values."
        elif kpi.target_low >= kpi.target_high:
            errors["target_high"] = "The highest value must be above the lowest value."
    elif (
        kpi.target_low is not None
        and kpi.target_high is not None
        and kpi.target_low >= kpi.target_high
    ):
        errors["target_high"] = "The highest value must be above the lowest value."
    if errors:
        raise ValidationError(errors)
    clash = Kpi.objects.filter(partnership=kpi.partnership, metric_key__iexact=kpi.metric_key)
    if kpi.pk:
        clash = clash.exclude(pk=kpi.pk)
    if clash.exists():
        raise ValidationError(
            {"metric_key": f"{kpi.partnership} already tracks “{kpi.metric_key}”."}
        )


def _catalog_defaults(metric_key: str, workspace: Workspace) -> dict[str, Any]:
    """Name, unit, direction and category of a catalog metric (empty when unknown)."""
    from accord.goals.catalog import catalog_metric

    metric = catalog_metric(metric_key, workspace=workspace)
    if metric is None:
        return {}
    return {
        "name": metric.name,
        "unit": metric.unit,
        "direction": metric.direction,
        "category": metric.category,
    }


def kpi_create(
    *, membership: Membership, partnership: Partnership, metric_key: str, **fields: Any
) -> Kpi:
    """Track a catalog metric for a partnership; unset fields come from the catalog."""
    unknown = set(fields) - set(KPI_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Unknown field."})
    errors: dict[str, str] = {}
    for name in ("target", "target_low", "target_high"):
        if name in fields:
            fields[name] = _numeric(fields[name], name, errors)
    if errors:
        raise ValidationError(errors)
    defaults = _catalog_defaults(metric_key, membership.workspace)
    if not defaults and not (fields.get("name") and fields.get("direction")):
        raise ValidationError(
            {
                "metric_key": f"“{metric_key}” is not in the metric catalog; pick one from the "
                "list, or give your own metric a name, a direction and a category."
            }
        )
    for name, value in defaults.items():
        if not fields.get(name):
            fields[name] = value
    kpi = Kpi(
        workspace=membership.workspace, partnership=partnership, metric_key=metric_key, **fields
    )
    _kpi_validate(kpi)
    if not permissions.kpi_can_manage(membership=membership, partnership=partnership):
        _deny("Only the partnership's lead, sponsor and workspace admins can manage its KPIs.")
    try:
        with transaction.atomic():
            kpi.save()
            audit_record(
                workspace=kpi.workspace,
                actor=membership.user,
                action="create",
                instance=kpi,
                changes=diff({}, snapshot(kpi, KPI_FIELDS)),
            )
    except IntegrityError:
        raise ValidationError(
            {"metric_key": f"{partnership} already tracks “{kpi.metric_key}”."}
        ) from None
    return kpi


def kpi_update(
    *, membership: Membership, kpi: Kpi, expected_version: int | None = None, **changes: Any
) -> Kpi:
    if not permissions.kpi_can_manage(membership=membership, partnership=kpi.partnership):
        _deny("Only the partnership's lead, sponsor and workspace admins can manage its KPIs.")
    _check_version(kpi, expected_version)
    unknown = set(changes) - set(KPI_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    errors: dict[str, str] = {}
    for name in ("target", "target_low", "target_high"):
        if name in changes:
            changes[name] = _numeric(changes[name], name, errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(kpi, KPI_FIELDS)
    for name, value in changes.items():
        setattr(kpi, name, value)
    _kpi_validate(kpi)
    changed = diff(before, snapshot(kpi, KPI_FIELDS))
    if not changed:
        return kpi
    with transaction.atomic():
        _bump_version(kpi)
        kpi.save(update_fields=[*changes.keys(), "updated_at"])
        audit_record(
            workspace=kpi.workspace,
            actor=membership.user,
            action="update",
            instance=kpi,
            changes=changed,
        )
    return kpi


def kpi_delete(*, membership: Membership, kpi: Kpi) -> None:
    if not permissions.kpi_can_manage(membership=membership, partnership=kpi.partnership):
        _deny("Only the partnership's lead, sponsor and workspace admins can manage its KPIs.")
    with transaction.atomic():
        audit_record(
            workspace=kpi.workspace,
            actor=membership.user,
            action="delete",
            instance=kpi,
            changes=diff(snapshot(kpi, KPI_FIELDS), {}),
        )
        kpi.delete()


# --- measurements ---------------------------------------------------------------------------


def measurement_upsert_many(
    *,
    membership: Membership,
    kpi: Kpi,
    rows: Sequence[MeasurementRow],
    source: str = "manual",
    today: date | None = None,
) -> dict[str, int]:
    """Write measurements keyed by date: new dates are created, changed values updated, equal
    ones left alone. Sending the same rows twice changes nothing the second time."""
    if not permissions.measurement_can_add(membership=membership, partnership=kpi.partnership):
        _deny("Only the partnership's members and managers can add measurements.")
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    latest: dict[date, MeasurementRow] = {}
    for index, row in enumerate(rows):
        if not math.isfinite(row.value):
            errors[f"measurements.{index}.value"] = NUMBER_MESSAGE
        if row.date > today:
            errors[f"measurements.{index}.date"] = "A measurement cannot be dated in the future."
        latest[row.date] = row  # A later row for the same date wins, as in a spreadsheet.
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = {
            m.date: m
            for m in Measurement.objects.select_for_update().filter(kpi=kpi, date__in=list(latest))
        }
        created: list[Measurement] = []
        updated: list[Measurement] = []
        audit_rows: list[tuple[str, Any, dict[str, list[Any]]]] = []
        for when, row in sorted(latest.items()):
            note = row.note.strip()[:300]
            found = existing.get(when)
            if found is None:
                created.append(
                    Measurement(
                        workspace=kpi.workspace,
                        kpi=kpi,
                        date=when,
                        value=row.value,
                        note=note,
                        source=source,
                    )
                )
            elif found.value != row.value or (note and found.note != note):
                changes: dict[str, list[Any]] = {"value": [found.value, row.value]}
                if note and found.note != note:
                    changes["note"] = [found.note, note]
                    found.note = note
                found.value, found.source = row.value, source
                found.version += 1
                updated.append(found)
                audit_rows.append(("update", found, changes))
        Measurement.objects.bulk_create(created, batch_size=500)
        Measurement.objects.bulk_update(
            updated, ["value", "note", "source", "version"], batch_size=500
        )
        audit_rows.extend(
            ("create", m, {"date": [None, m.date.isoformat()], "value": [None, m.value]})
            for m in created
        )
        audit_bulk(workspace=kpi.workspace, actor=membership.user, rows=audit_rows)
    return {
        "created": len(created),
        "updated": len(updated),
        "unchanged": len(latest) - len(created) - len(updated),
    }


def measurement_delete(*, membership: Membership, measurement: Measurement) -> None:
    if not permissions.measurement_can_add(
        membership=membership, partnership=measurement.kpi.partnership
    ):
        _deny("Only the partnership's members and managers can remove measurements.")
    with transaction.atomic():
        audit_record(
            workspace=measurement.workspace,
            actor=membership.user,
            action="delete",
            instance=measurement,
            changes={
                "date": [measurement.date.isoformat(), None],
                "value": [measurement.value, None],
            },
        )
        measurement.delete()


def kpi_import_apply(
    *, membership: Membership, kpi: Kpi, text: str, valid_only: bool = False
) -> dict[str, int]:
    """Import a checked CSV (date,value[,note]); nothing is written when a row is bad unless
    the user chose to import only the valid rows."""
    from accord.goals.importing import measurements_parse

    parsed = measurements_parse(text, today=timezone.localdate())
    if parsed.file_error:
        raise ValidationError(parsed.file_error)
    if parsed.rejected and not valid_only:
        count = len(parsed.rejected)
        raise ValidationError(
            f"{count} row{'s' if count != 1 else ''} cannot be imported, so nothing was written. "
            "Fix the file and upload it again, or choose to import only the valid rows."
        )
    result = measurement_upsert_many(
        membership=membership, kpi=kpi, rows=parsed.valid, source="import"
    )
    return {**result, "rejected": len(parsed.rejected)}


# --- the workspace's metric catalog and goal settings ---------------------------------------

METRIC_FIELDS = [
    "key",
    "name",
    "synonyms",
    "abbreviations",
    "unit",
    "good_direction",
    "category",
    "function",
    "description",
]
TENSION_FIELDS = ["metric_a", "a_direction", "metric_b", "b_direction", "explanation"]
SETTINGS_FIELDS = ["on_track", "at_risk"]
# A catalog message names the rule it breaks; these words tell which field that is.
_CATALOG_FIELD_WORDS = [
    ("duplicate key", "key"),
    ("key must be", "key"),
    ("'key'", "key"),
    ("unit", "unit"),
    ("good_direction", "good_direction"),
    ("category", "category"),
    ("function", "function"),
    ("synonyms", "synonyms"),
    ("abbreviations", "abbreviations"),
    ("description", "description"),
    ("'name'", "name"),
]
_QUOTED_PHRASE = re.compile(r"""^(['"])(.*?)\1 (?:already names|has no letters|is longer)""")


def _catalog_admin(membership: Membership) -> None:
    if not membership.can_admin:
        _deny("Only workspace admins can change the metric catalog and the goal settings.")


def _phrases(values: Any, field: str, errors: dict[str, str]) -> list[str]:
    """Synonyms or abbreviations: a list of phrases, or one text separated by commas."""
    if values is None or values == "":
        return []
    if isinstance(values, str):
        values = values.split(",")
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        errors[field] = "Give a list of phrases (or one text with commas between them)."
        return []
    cleaned: list[str] = []
    for value in values:
        phrase = " ".join(value.split())
        if phrase and phrase.lower() not in {p.lower() for p in cleaned}:
            cleaned.append(phrase)
    return cleaned


def _catalog_error_field(message: str, metric: MetricDefinition | None) -> str:
    """The form field a catalog message is about (NON_FIELD_ERRORS when none fits)."""
    phrase = _QUOTED_PHRASE.match(message)
    if phrase and metric is not None:
        text = phrase.group(2).lower()
        if text == metric.name.lower():
            return "name"
        if text in {a.lower() for a in metric.abbreviations}:
            return "abbreviations"
        return "synonyms"
    lowered = message.lower()
    for words, field in _CATALOG_FIELD_WORDS:
        if words in lowered:
            return field
    return NON_FIELD_ERRORS


def _catalog_check(
    workspace: Workspace,
    *,
    metric: MetricDefinition | None = None,
    tension: WorkspaceTension | None = None,
    removed: MetricDefinition | None = None,
) -> None:
    """Validate the workspace's catalog as it would be after this change, through the pure
    catalog loader, so the page says exactly what the catalog file would say."""
    # Entries already left out of the catalog (see selectors.WorkspaceCatalog.skipped) do not
    # block other changes; the one being changed is checked whatever it was before.
    current = workspace_catalog_get(workspace)
    kept_keys = {m.key for m in current.catalog.metrics if m.source != "shipped"}
    kept_tensions = {
        (t.a, t.b, t.a_direction, t.b_direction)
        for t in current.catalog.tensions
        if t.source != "shipped"
    }
    metrics = [
        m
        for m in current.metrics
        if m.key in kept_keys
        and (metric is None or m.pk != metric.pk)
        and (removed is None or m.pk != removed.pk)
    ]
    if metric is not None:
        metrics.append(metric)
    tensions = [
        t
        for t in current.tensions
        if (t.metric_a, t.metric_b, t.a_direction, t.b_direction) in kept_tensions
    ]
    if removed is not None:
        tensions = [t for t in tensions if removed.key not in {t.metric_a, t.metric_b}]
    if tension is not None:
        tensions.append(tension)
    document = {
        "metrics": [metric_entry(m) for m in metrics],
        "tensions": [tension_entry(t) for t in tensions],
    }
    try:
        catalog_document_load(document)
    except CatalogError as error:
        message = catalog_message(error)
        if tension is not None:
            raise ValidationError(message) from None
        raise ValidationError({_catalog_error_field(message, metric): message}) from None


def _metric_validate(metric: MetricDefinition, errors: dict[str, str]) -> None:
    """Field rules first, each with its own message; the catalog checks the rest."""
    metric.key = (metric.key or "").strip()
    metric.name = " ".join((metric.name or "").split())
    metric.description = " ".join((metric.description or "").split())
    if not metric.key:
        errors["key"] = "Give the metric a key, e.g. “trial_conversion_rate”."
    elif not KEY_PATTERN.match(metric.key) or len(metric.key) > 60:
        errors["key"] = (
            "Use lower-case letters, digits and underscores, starting with a letter "
            "(at most 60), e.g. “trial_conversion_rate”."
        )
    elif metric.pk is None:
        shipped = catalog_load().metric_get(metric.key)
        if shipped is not None:
            errors["key"] = (
                f"“{metric.key}” is already a shipped metric ({shipped.name}); use it as it is, "
                "or choose another key for your own."
            )
        elif MetricDefinition.objects.filter(workspace=metric.workspace, key=metric.key).exists():
            errors["key"] = f"This workspace already has a metric with key “{metric.key}”."
        elif workspace_catalog(metric.workspace).metric_get(metric.key) is not None:
            errors["key"] = f"“{metric.key}” is already in the catalog; choose another key."
    if not metric.name:
        errors["name"] = "Give the metric the name people use for it."
    elif len(metric.name) > 120:
        errors["name"] = "Keep the name to 120 characters."
    if metric.unit not in UNITS:
        errors["unit"] = f"Choose a unit: {', '.join(UNITS)}."
    if metric.good_direction not in GoodDirection.values:
        errors["good_direction"] = "Choose increase, decrease or target (neither way is better)."
    if metric.category not in CATEGORIES:
        errors["category"] = f"Choose a category: {', '.join(CATEGORIES)}."
    if metric.function not in FUNCTIONS:
        errors["function"] = f"Choose the owning function: {', '.join(FUNCTIONS)}."
    if len(metric.description) > 300:
        errors["description"] = "Keep the description to one sentence (300 characters)."
    if errors:
        raise ValidationError(errors)
    _catalog_check(metric.workspace, metric=metric)


def metric_definition_create(
    *, membership: Membership, key: str, name: str, **fields: Any
) -> MetricDefinition:
    """Add a metric to the workspace's catalog (admins); validated like a catalog file."""
    _catalog_admin(membership)
    unknown = set(fields) - set(METRIC_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Unknown field."})
    errors: dict[str, str] = {}
    for field in ("synonyms", "abbreviations"):
        fields[field] = _phrases(fields.get(field), field, errors)
    metric = MetricDefinition(workspace=membership.workspace, key=key, name=name, **fields)
    _metric_validate(metric, errors)
    try:
        with transaction.atomic():
            metric.save()
            audit_record(
                workspace=metric.workspace,
                actor=membership.user,
                action="create",
                instance=metric,
                changes=diff({}, snapshot(metric, METRIC_FIELDS)),
            )
    except IntegrityError:
        raise ValidationError(
            {"key": f"This workspace already has a metric with key “{key}”."}
        ) from None
    _catalog_forget(membership.workspace)
    return metric


def metric_definition_update(
    *,
    membership: Membership,
    metric: MetricDefinition,
    expected_version: int | None = None,
    **changes: Any,
) -> MetricDefinition:
    """Change a workspace metric. Its key stays: goals, KPIs and tensions refer to it."""
    _catalog_admin(membership)
    _check_version(metric, expected_version)
    if "key" in changes and changes["key"] != metric.key:
        raise ValidationError(
            {"key": "A metric's key cannot change; goals, KPIs and tensions refer to it."}
        )
    changes.pop("key", None)
    unknown = set(changes) - set(METRIC_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    errors: dict[str, str] = {}
    for field in ("synonyms", "abbreviations"):
        if field in changes:
            changes[field] = _phrases(changes[field], field, errors)
    before = snapshot(metric, METRIC_FIELDS)
    for name, value in changes.items():
        setattr(metric, name, value)
    try:
        _metric_validate(metric, errors)
    except ValidationError:
        metric.refresh_from_db()
        raise
    changed = diff(before, snapshot(metric, METRIC_FIELDS))
    if not changed:
        return metric
    with transaction.atomic():
        _bump_version(metric)
        metric.save(update_fields=[*changes.keys(), "updated_at"])
        audit_record(
            workspace=metric.workspace,
            actor=membership.user,
            action="update",
            instance=metric,
            changes=changed,
        )
    _catalog_forget(membership.workspace)
    return metric


def metric_definition_delete(*, membership: Membership, metric: MetricDefinition) -> int:
    """Remove a workspace metric and the workspace tensions that name it; returns how many
    tensions went with it. Goals and KPIs keep their metric key and name as text."""
    _catalog_admin(membership)
    _catalog_check(membership.workspace, removed=metric)
    tensions = list(
        WorkspaceTension.objects.filter(workspace=metric.workspace).filter(
            Q(metric_a=metric.key) | Q(metric_b=metric.key)
        )
    )
    with transaction.atomic():
        rows: list[tuple[str, Any, dict[str, list[Any]]]] = [
            ("delete", t, diff(snapshot(t, TENSION_FIELDS), {})) for t in tensions
        ]
        rows.append(("delete", metric, diff(snapshot(metric, METRIC_FIELDS), {})))
        audit_bulk(workspace=metric.workspace, actor=membership.user, rows=rows)
        WorkspaceTension.objects.filter(pk__in=[t.pk for t in tensions]).delete()
        metric.delete()
    _catalog_forget(membership.workspace)
    return len(tensions)


def tension_create(
    *,
    membership: Membership,
    metric_a: str,
    a_direction: str,
    metric_b: str,
    b_direction: str,
    explanation: str,
) -> WorkspaceTension:
    """Record that pushing metric a one way tends to push metric b the harmful way."""
    _catalog_admin(membership)
    workspace = membership.workspace
    tension = WorkspaceTension(
        workspace=workspace,
        metric_a=(metric_a or "").strip(),
        a_direction=a_direction,
        metric_b=(metric_b or "").strip(),
        b_direction=b_direction,
        explanation=" ".join((explanation or "").split()),
    )
    catalog = workspace_catalog(workspace)
    errors: dict[str, str] = {}
    for field in ("metric_a", "metric_b"):
        key = getattr(tension, field)
        if not key:
            errors[field] = "Choose a metric by its key."
        elif catalog.metric_get(key) is None:
            errors[field] = f"No metric with key “{key}” in the catalog or this workspace."
    if not errors.get("metric_b") and tension.metric_a and tension.metric_a == tension.metric_b:
        errors["metric_b"] = "A tension needs two different metrics."
    for field in ("a_direction", "b_direction"):
        if getattr(tension, field) not in PushDirection.values:
            errors[field] = "Choose increase or decrease."
    if not tension.explanation:
        errors["explanation"] = "Explain the trade-off in one plain sentence."
    elif len(tension.explanation) > 300:
        errors["explanation"] = "Keep the explanation to one sentence (300 characters)."
    if errors:
        raise ValidationError(errors)
    _catalog_check(workspace, tension=tension)
    try:
        with transaction.atomic():
            tension.save()
            audit_record(
                workspace=workspace,
                actor=membership.user,
                action="create",
                instance=tension,
                changes=diff({}, snapshot(tension, TENSION_FIELDS)),
            )
    except IntegrityError:
        raise ValidationError("This workspace already records that tension.") from None
    _catalog_forget(workspace)
    return tension


def tension_delete(*, membership: Membership, tension: WorkspaceTension) -> None:
    _catalog_admin(membership)
    with transaction.atomic():
        audit_record(
            workspace=tension.workspace,
            actor=membership.user,
            action="delete",
            instance=tension,
            changes=diff(snapshot(tension, TENSION_FIELDS), {}),
        )
        tension.delete()
    _catalog_forget(membership.workspace)


def goal_settings_update(
    *, membership: Membership, on_track: Any, at_risk: Any, expected_version: int | None = None
) -> GoalSettings:
    """Set the status bands on pace (progress ÷ expected): 0 < at_risk < on_track ≤ 1."""
    _catalog_admin(membership)
    settings = goal_settings_get(membership.workspace)
    if settings.pk:
        _check_version(settings, expected_version)
    errors: dict[str, str] = {}
    values = {
        "on_track": _numeric(on_track, "on_track", errors),
        "at_risk": _numeric(at_risk, "at_risk", errors),
    }
    for field, value in values.items():
        if field in errors:
            continue
        if value is None:
            errors[field] = "Enter a share of the expected progress, e.g. 0.9 (90%)."
        elif not 0 < value <= 1:
            errors[field] = (
                f"Use a share above 0% and at most 100% of the expected progress (got {value:.0%})."
            )
    if not errors and values["at_risk"] >= values["on_track"]:  # type: ignore[operator]
        errors["at_risk"] = (
            f"“At risk” ({values['at_risk']:.0%}) must be below “on track” "
            f"({values['on_track']:.0%}), or no goal could ever be at risk."
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(settings, SETTINGS_FIELDS) if settings.pk else {}
    settings.on_track, settings.at_risk = values["on_track"], values["at_risk"]  # type: ignore[assignment]
    changed = diff(before, snapshot(settings, SETTINGS_FIELDS))
    if not changed:
        return settings
    with transaction.atomic():
        if settings.pk:
            _bump_version(settings)
            settings.save(update_fields=[*SETTINGS_FIELDS, "updated_at"])
        else:
            settings.save()
        audit_record(
            workspace=settings.workspace,
            actor=membership.user,
            action="update" if before else "create",
            instance=settings,
            changes=changed,
        )
    _catalog_forget(membership.workspace)
    return settings


def _catalog_forget(workspace: Workspace) -> None:
    workspace_catalog_forget(workspace)
