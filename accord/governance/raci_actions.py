"""Writes for RACI: deliverables, the cells of the matrix, imports and overdue reminders.

Saving a matrix that breaks a rule (two A's on a row) is allowed: the rule shows the problem
and nothing the user typed is lost. Every cell change is audited on its deliverable as
"role of <person>": [before, after].
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accord.goals.models import Goal
from accord.governance import notify
from accord.governance.models import Deliverable, RaciAssignment
from accord.metrics.raci import LETTERS
from accord.org.actions import StaleVersion
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_bulk, audit_record, diff, snapshot
from accord.workspaces.models import Workspace

EDITABLE_FIELDS = ["name", "description", "due_date", "status", "mode"]
UNCHECKED = "?"  # raci_cell_set: do not compare with the letter the user saw
MODE_LETTERS_TEXT = {"raci": "R, A, C or I", "daci": "D, A, C or I"}


def _goals_text(goals: Iterable[Goal]) -> str:
    return ", ".join(sorted(goal.title for goal in goals))


def _deliverable_validate(deliverable: Deliverable) -> None:
    errors: dict[str, str] = {}
    deliverable.name = deliverable.name.strip()
    deliverable.description = deliverable.description.strip()
    if not deliverable.name:
        errors["name"] = "Give the deliverable a name."
    elif len(deliverable.name) > 200:
        errors["name"] = "Keep the name to 200 characters or fewer."
    else:
        clash = Deliverable.objects.filter(
            partnership_id=deliverable.partnership_id, name__iexact=deliverable.name
        )
        if deliverable.pk:
            clash = clash.exclude(pk=deliverable.pk)
        if clash.exists():
            errors["name"] = (
                f"This partnership already has a deliverable called “{deliverable.name}”."
            )
    if deliverable.status not in Deliverable.Status.values:
        errors["status"] = "Choose a status: active, done or cancelled."
    if deliverable.mode not in Deliverable.Mode.values:
        errors["mode"] = "Choose RACI (work) or DACI (decisions)."
    if errors:
        raise ValidationError(errors)


def _goals_check(partnership: Partnership, goals: Iterable[Goal]) -> list[Goal]:
    chosen = list(goals)
    for goal in chosen:
        if goal.workspace_id != partnership.workspace_id or goal.partnership_id != partnership.pk:
            raise ValidationError({"goals": f"“{goal.title}” is not a goal of {partnership.name}."})
    return chosen


def deliverable_create(
    *,
    partnership: Partnership,
    actor: Any,
    name: str,
    description: str = "",
    due_date: datetime.date | None = None,
    status: str = Deliverable.Status.ACTIVE,
    mode: str = Deliverable.Mode.RACI,
    goals: Iterable[Goal] = (),
) -> Deliverable:
    """Add a row to the partnership's matrix (at the bottom)."""
    deliverable = Deliverable(
        workspace=partnership.workspace,
        partnership=partnership,
        name=name,
        description=description,
        due_date=due_date,
        status=status,
        mode=mode,
    )
    errors: dict[str, list[str]] = {}
    chosen: list[Goal] = []
    try:
        _deliverable_validate(deliverable)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        chosen = _goals_check(partnership, goals)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        last = Deliverable.objects.filter(partnership=partnership).aggregate(top=Max("position"))
        deliverable.position = (last["top"] or 0) + 1
        deliverable.save()
        deliverable.goals.set(chosen)
        changes = diff({}, snapshot(deliverable, EDITABLE_FIELDS))
        if chosen:
            changes["goals"] = [None, _goals_text(chosen)]
        audit_record(
            workspace=partnership.workspace,
            actor=actor,
            action="create",
            instance=deliverable,
            changes=changes,
        )
    return deliverable


def deliverable_update(
    *,
    deliverable: Deliverable,
    actor: Any,
    expected_version: int | None = None,
    goals: Iterable[Goal] | None = None,
    **changes: Any,
) -> Deliverable:
    """Change a deliverable's fields or goals. Changing the mode keeps every letter: letters
    the new mode does not use are flagged by the rules, never dropped."""
    if expected_version is not None and expected_version != deliverable.version:
        raise StaleVersion(deliverable.version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    before = snapshot(deliverable, EDITABLE_FIELDS)
    for name, value in changes.items():
        setattr(deliverable, name, value)
    errors: dict[str, list[str]] = {}
    try:
        _deliverable_validate(deliverable)
    except ValidationError as error:
        errors.update(error.message_dict)
    new_goals: list[Goal] | None = None
    if goals is not None:
        try:
            new_goals = _goals_check(deliverable.partnership, goals)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    changed = diff(before, snapshot(deliverable, EDITABLE_FIELDS))
    if new_goals is not None:
        current = list(deliverable.goals.all())
        if {g.pk for g in current} != {g.pk for g in new_goals}:
            changed["goals"] = [_goals_text(current) or None, _goals_text(new_goals) or None]
        else:
            new_goals = None
    if not changed:
        return deliverable
    with transaction.atomic():
        updated = Deliverable.objects.filter(pk=deliverable.pk, version=deliverable.version).update(
            version=deliverable.version + 1
        )
        if not updated:
            raise StaleVersion(Deliverable.objects.get(pk=deliverable.pk).version)
        deliverable.version += 1
        deliverable.save(update_fields=[*changes.keys(), "updated_at"])
        if new_goals is not None:
            deliverable.goals.set(new_goals)
        audit_record(
            workspace=deliverable.workspace,
            actor=actor,
            action="update",
            instance=deliverable,
            changes=changed,
        )
    return deliverable


def deliverable_delete(*, deliverable: Deliverable, actor: Any) -> None:
    """Delete a deliverable with its row of letters; the audit keeps what it held."""
    with transaction.atomic():
        letters = [
            f"{a.person.name}: {a.letter}"
            for a in deliverable.assignments.select_related("person").order_by("person__name")
        ]
        changes = diff(snapshot(deliverable, EDITABLE_FIELDS), {})
        if letters:
            changes["roles"] = ["; ".join(letters), None]
        audit_record(
            workspace=deliverable.workspace,
            actor=actor,
            action="delete",
            instance=deliverable,
            changes=changes,
        )
        deliverable.delete()


# --- cells ----------------------------------------------------------------------------------


def _letter_check(deliverable: Deliverable, letter: str | None) -> str | None:
    if letter is None or letter == "":
        return None
    value = letter.strip().upper()
    if value not in LETTERS[deliverable.mode]:
        mode = deliverable.get_mode_display()
        raise ValidationError(
            {
                "letter": f"“{letter}” is not a role on a {mode} row; use "
                f"{MODE_LETTERS_TEXT[deliverable.mode]}, or leave it empty for no role."
            }
        )
    return value


def raci_cell_set(
    *,
    deliverable: Deliverable,
    actor: Any,
    person: Person,
    letter: str | None,
    expected_letter: str | None = UNCHECKED,
) -> RaciAssignment | None:
    """Give `person` a letter on the deliverable (None clears the cell).

    Any letter of the row's mode is accepted, even a second A: the rules flag it and the data
    is kept. With `expected_letter`, a cell someone else changed meanwhile is refused.
    """
    if person.workspace_id != deliverable.workspace_id:
        raise ValidationError({"person": "Choose someone from this workspace."})
    value = _letter_check(deliverable, letter)
    with transaction.atomic():
        current = (
            RaciAssignment.objects.select_for_update()
            .filter(deliverable=deliverable, person=person)
            .first()
        )
        before = current.letter if current else None
        if expected_letter != UNCHECKED and (expected_letter or None) != before:
            raise ValidationError(
                {
                    "letter": f"Someone else changed {person.name}'s role on “{deliverable.name}” "
                    f"to {before or 'no role'} meanwhile; check the matrix and set it again."
                }
            )
        if before == value:
            return current
        if value is None:
            assert current is not None
            current.delete()
            result = None
        elif current is None:
            result = RaciAssignment.objects.create(
                workspace=deliverable.workspace,
                deliverable=deliverable,
                person=person,
                letter=value,
            )
        else:
            current.letter = value
            current.version += 1
            current.save(update_fields=["letter", "version", "updated_at"])
            result = current
        audit_record(
            workspace=deliverable.workspace,
            actor=actor,
            action="update",
            instance=deliverable,
            changes={f"role of {person.name}": [before, value]},
        )
        if value == "C":
            notify.raci_consult_notify(deliverable=deliverable, people=[person], actor=actor)
    return result


@dataclass(frozen=True)
class CellChange:
    """One planned cell write of an import: the deliverable by name (created when new)."""

    deliverable_name: str
    person: Person
    letter: str | None


def raci_cells_import(
    *, partnership: Partnership, actor: Any, changes: Sequence[CellChange]
) -> int:
    """Apply checked import rows in one transaction; returns the number of cells written.

    New deliverable names become RACI rows. Each write is audited like a cell edit.
    """
    workspace = partnership.workspace
    with transaction.atomic():
        deliverables = {
            d.name.lower(): d
            for d in Deliverable.objects.select_for_update().filter(partnership=partnership)
        }
        for change in changes:
            key = change.deliverable_name.strip().lower()
            if key not in deliverables:
                deliverables[key] = deliverable_create(
                    partnership=partnership, actor=actor, name=change.deliverable_name
                )
        current = {
            (a.deliverable_id, a.person_id): a
            for a in RaciAssignment.objects.filter(deliverable__partnership=partnership)
        }
        audits: list[tuple[str, Any, dict[str, list[Any]]]] = []
        created: list[RaciAssignment] = []
        updated: list[RaciAssignment] = []
        removed: list[int] = []
        consulted: dict[int, tuple[Deliverable, list[Person]]] = {}
        for change in changes:
            deliverable = deliverables[change.deliverable_name.strip().lower()]
            value = _letter_check(deliverable, change.letter)
            cell = current.get((deliverable.pk, change.person.pk))
            before = cell.letter if cell else None
            if before == value:
                continue
            if value is None and cell is not None:
                removed.append(cell.pk)
            elif cell is None and value is not None:
                cell = RaciAssignment(
                    workspace=workspace,
                    deliverable=deliverable,
                    person=change.person,
                    letter=value,
                )
                created.append(cell)
                current[(deliverable.pk, change.person.pk)] = cell
            elif cell is not None and value is not None:
                cell.letter = value
                cell.version += 1
                updated.append(cell)
            audits.append(
                ("update", deliverable, {f"role of {change.person.name}": [before, value]})
            )
            if value == "C":
                consulted.setdefault(deliverable.pk, (deliverable, []))[1].append(change.person)
        RaciAssignment.objects.bulk_create(created)
        RaciAssignment.objects.bulk_update(updated, ["letter", "version"])
        RaciAssignment.objects.filter(pk__in=removed).delete()
        audit_bulk(workspace=workspace, actor=actor, rows=audits)
        for deliverable, people in consulted.values():
            notify.raci_consult_notify(deliverable=deliverable, people=people, actor=actor)
    return len(audits)


# --- reminders ------------------------------------------------------------------------------


def raci_overdue_reminders(*, workspace: Workspace, today: datetime.date) -> int:
    """Record an "overdue" reminder for the A of every active deliverable past its due date.

    Keyed per deliverable, due date and person: running it daily reminds once per due date,
    and moving the due date (then missing it again) reminds again. Returns how many are new.
    """
    overdue = (
        Deliverable.objects.filter(
            workspace=workspace, status=Deliverable.Status.ACTIVE, due_date__lt=today
        )
        .select_related("partnership")
        .prefetch_related("assignments__person")
        .order_by("due_date", "pk")
    )
    recorded = 0
    for deliverable in overdue:
        accountable = [a.person for a in deliverable.assignments.all() if a.letter == "A"]
        if not accountable:
            continue
        recorded += notify.raci_overdue_notify(
            deliverable=deliverable, accountable=accountable, today=today
        )
    return recorded
