"""Writes for the conflict register: record a conflict, move it through the resolution
workflow, record each party's perspective and the mutual-gain options.

Every write is audited; stage changes keep who moved it and when (ConflictStageChange) and
notify the parties and the facilitator (accord.governance.notify).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accord.goals.models import Goal
from accord.governance import notify
from accord.governance.models import (
    ActionItem,
    Conflict,
    ConflictOption,
    ConflictPerspective,
    ConflictStageChange,
    Decision,
)
from accord.org.actions import StaleVersion
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Workspace

Stage = Conflict.Stage

# The allowed moves. Escalation is open from acknowledgement until options are agreed; a
# resolved conflict whose agreement does not hold goes back to dialogue; closing is final.
CONFLICT_MOVES: dict[str, tuple[str, ...]] = {
    Stage.RAISED: (Stage.ACKNOWLEDGED,),
    Stage.ACKNOWLEDGED: (Stage.IN_DIALOGUE, Stage.ESCALATED),
    Stage.IN_DIALOGUE: (Stage.OPTIONS, Stage.ESCALATED),
    Stage.OPTIONS: (Stage.RESOLVED, Stage.ESCALATED, Stage.IN_DIALOGUE),
    Stage.RESOLVED: (Stage.CLOSED, Stage.IN_DIALOGUE),
    Stage.ESCALATED: (Stage.RESOLVED, Stage.IN_DIALOGUE),
    Stage.CLOSED: (),
}
EDITABLE_FIELDS = [
    "title",
    "description",
    "type",
    "severity",
    "private",
    "partnership",
    "facilitator",
    "follow_up_date",
]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "stage"]
FOLLOW_UP_DAYS = 30
# Stages in which perspectives and options can still be recorded.
PERSPECTIVE_STAGES = {Stage.RAISED, Stage.ACKNOWLEDGED, Stage.IN_DIALOGUE, Stage.OPTIONS}
OPTION_STAGES = {Stage.IN_DIALOGUE, Stage.OPTIONS, Stage.ESCALATED}

__all__ = ["CONFLICT_MOVES", "ActionItemDraft", "StaleVersion"]


@dataclass(frozen=True)
class ActionItemDraft:
    """An action item to create with the agreement."""

    title: str
    owner: Person | None = None
    due_date: datetime.date | None = None


def _label(stage: str) -> str:
    return str(Stage(stage).label).lower()


def _check_version(conflict: Conflict, expected: int | None) -> None:
    if expected is not None and expected != conflict.version:
        raise StaleVersion(conflict.version)


def _version_bump(conflict: Conflict) -> None:
    updated = Conflict.objects.filter(pk=conflict.pk, version=conflict.version).update(
        version=conflict.version + 1
    )
    if not updated:
        raise StaleVersion(Conflict.objects.get(pk=conflict.pk).version)
    conflict.version += 1


def _names(rows: Iterable[Any], attribute: str = "name") -> str:
    return ", ".join(sorted(str(getattr(row, attribute)) for row in rows))


def _same_workspace(
    workspace: Workspace, rows: Iterable[Any], field: str, noun: str
) -> dict[str, str]:
    for row in rows:
        if row is not None and row.workspace_id != workspace.pk:
            return {field: f"Choose {noun} from this workspace."}
    return {}


def _conflict_validate(conflict: Conflict) -> dict[str, str]:
    errors: dict[str, str] = {}
    conflict.title = conflict.title.strip()
    conflict.description = conflict.description.strip()
    if not conflict.title:
        errors["title"] = "Give the conflict a short title people will recognise."
    elif len(conflict.title) > 300:
        errors["title"] = "Keep the title to 300 characters or fewer."
    if conflict.type not in Conflict.Type.values:
        errors["type"] = (
            "Choose a type: goals, resources, priorities, process, roles or interpersonal."
        )
    if conflict.severity not in Conflict.Severity.values:
        errors["severity"] = "Choose a severity: low, medium, high or critical."
    workspace = conflict.workspace
    errors.update(
        _same_workspace(workspace, [conflict.partnership], "partnership", "a partnership")
    )
    errors.update(_same_workspace(workspace, [conflict.facilitator], "facilitator", "someone"))
    return errors


def _parties_validate(
    workspace: Workspace, people: list[Person], functions: list[Function]
) -> dict[str, str]:
    errors = _same_workspace(workspace, people, "party_people", "people")
    errors.update(_same_workspace(workspace, functions, "party_functions", "functions"))
    if not errors and len(people) + len(functions) < 2:
        errors["party_people"] = (
            "Name at least two parties (people or functions): a conflict has more than one side."
        )
    return errors


def _links_validate(
    workspace: Workspace, goals: list[Goal], decisions: list[Decision]
) -> dict[str, str]:
    errors = _same_workspace(workspace, goals, "goals", "goals")
    errors.update(_same_workspace(workspace, decisions, "decisions", "decisions"))
    return errors


def _recipients(conflict: Conflict, *extra: Person | None) -> list[Person]:
    people = list(conflict.party_people.all())
    for person in (conflict.facilitator, *extra):
        if person is not None:
            people.append(person)
    return people


# --- conflicts --------------------------------------------------------------------------------


def conflict_create(
    *,
    workspace: Workspace,
    actor: Any,
    title: str,
    type: str = Conflict.Type.GOALS,
    severity: str = Conflict.Severity.MEDIUM,
    description: str = "",
    party_people: Iterable[Person] = (),
    party_functions: Iterable[Function] = (),
    goals: Iterable[Goal] = (),
    decisions: Iterable[Decision] = (),
    partnership: Partnership | None = None,
    private: bool = False,
    facilitator: Person | None = None,
    source: str = "",
    source_explanation: str = "",
    now: datetime.datetime | None = None,
) -> Conflict:
    """Raise a conflict between two or more parties; it starts in the raised stage."""
    now = now or timezone.now()
    conflict = Conflict(
        workspace=workspace,
        title=title,
        type=type,
        severity=severity,
        description=description,
        partnership=partnership,
        private=private,
        facilitator=facilitator,
        raised_by=actor if getattr(actor, "pk", None) else None,
        source=source[:20],
        source_explanation=source_explanation.strip(),
        stage=Stage.RAISED,
    )
    people, functions = list(party_people), list(party_functions)
    goal_rows, decision_rows = list(goals), list(decisions)
    errors = _conflict_validate(conflict)
    errors.update(_parties_validate(workspace, people, functions))
    errors.update(_links_validate(workspace, goal_rows, decision_rows))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        conflict.save()
        Conflict.objects.filter(pk=conflict.pk).update(stage_changed_at=now, created_at=now)
        conflict.stage_changed_at = conflict.created_at = now
        conflict.party_people.set(people)
        conflict.party_functions.set(functions)
        conflict.goals.set(goal_rows)
        conflict.decisions.set(decision_rows)
        change = ConflictStageChange.objects.create(
            workspace=workspace,
            conflict=conflict,
            from_stage="",
            to_stage=Stage.RAISED,
            changed_by=conflict.raised_by,
            note="Conflict raised.",
        )
        ConflictStageChange.objects.filter(pk=change.pk).update(created_at=now)
        changes = diff({}, snapshot(conflict, AUDITED_FIELDS))
        changes["parties"] = [None, _names([*people, *functions])]
        if goal_rows:
            changes["goals"] = [None, _names(goal_rows, "title")]
        audit_record(
            workspace=workspace, actor=actor, action="create", instance=conflict, changes=changes
        )
        notify.conflict_raised_notify(
            conflict=conflict, recipients=_recipients(conflict), actor=actor
        )
    return conflict


def conflict_update(
    *,
    conflict: Conflict,
    actor: Any,
    expected_version: int | None = None,
    party_people: Iterable[Person] | None = None,
    party_functions: Iterable[Function] | None = None,
    goals: Iterable[Goal] | None = None,
    decisions: Iterable[Decision] | None = None,
    **changes: Any,
) -> Conflict:
    """Change what the conflict is about, who is party to it, or its links, in one edit."""
    _check_version(conflict, expected_version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    if conflict.stage == Stage.CLOSED:
        raise ValidationError({"stage": "A closed conflict is final; raise a new one instead."})
    workspace = conflict.workspace
    before = snapshot(conflict, AUDITED_FIELDS)
    for name, value in changes.items():
        setattr(conflict, name, value)
    people = list(party_people) if party_people is not None else list(conflict.party_people.all())
    functions = (
        list(party_functions)
        if party_functions is not None
        else list(conflict.party_functions.all())
    )
    errors = _conflict_validate(conflict)
    errors.update(_parties_validate(workspace, people, functions))
    goal_rows = list(goals) if goals is not None else None
    decision_rows = list(decisions) if decisions is not None else None
    errors.update(_links_validate(workspace, goal_rows or [], decision_rows or []))
    if errors:
        raise ValidationError(errors)
    changed = diff(before, snapshot(conflict, AUDITED_FIELDS))
    m2m: list[tuple[str, Any, list[Any], str]] = []
    for field, rows, attribute in (
        ("party_people", people if party_people is not None else None, "name"),
        ("party_functions", functions if party_functions is not None else None, "name"),
        ("goals", goal_rows, "title"),
        ("decisions", decision_rows, "title"),
    ):
        if rows is None:
            continue
        manager = getattr(conflict, field)
        current = list(manager.all())
        if {row.pk for row in current} != {row.pk for row in rows}:
            changed[field] = [_names(current, attribute), _names(rows, attribute)]
            m2m.append((field, manager, rows, attribute))
    if not changed:
        return conflict
    with transaction.atomic():
        _version_bump(conflict)
        conflict.save(update_fields=[*changes.keys(), "updated_at"])
        for _field, manager, rows, _attribute in m2m:
            manager.set(rows)
        audit_record(
            workspace=workspace, actor=actor, action="update", instance=conflict, changes=changed
        )
        if "party_people" in changed or "facilitator" in changed:
            notify.conflict_parties_notify(
                conflict=conflict, recipients=_recipients(conflict), actor=actor
            )
    return conflict


def conflict_delete(*, conflict: Conflict, actor: Any) -> None:
    """Delete a conflict with its perspectives, options and history (admins only: the caller
    checks the role). Action items created from it stay, unlinked."""
    with transaction.atomic():
        audit_record(
            workspace=conflict.workspace,
            actor=actor,
            action="delete",
            instance=conflict,
            changes=diff(snapshot(conflict, AUDITED_FIELDS), {}),
        )
        conflict.delete()


# --- the workflow -----------------------------------------------------------------------------


def _move_refusal(current: str, to: str) -> str:
    allowed = CONFLICT_MOVES[current]
    if not allowed:
        return "A closed conflict is final; raise a new one if the disagreement is back."
    options = ", ".join(_label(stage) for stage in allowed)
    return (
        f"A conflict that is {_label(current)} cannot move to {_label(to)}; "
        f"it can move to {options}."
    )


def _parties_missing(conflict: Conflict) -> list[str]:
    """Parties without a recorded perspective. A function counts as heard when a perspective
    names it or one of its people."""
    perspectives = list(
        ConflictPerspective.objects.filter(conflict=conflict).select_related("person")
    )
    heard_people = {p.person_id for p in perspectives if p.person_id}
    heard_functions = {p.function_id for p in perspectives if p.function_id} | {
        p.person.function_id for p in perspectives if p.person and p.person.function_id
    }
    missing = [p.name for p in conflict.party_people.all() if p.pk not in heard_people]
    missing += [f.name for f in conflict.party_functions.all() if f.pk not in heard_functions]
    if not perspectives and not missing:
        missing = ["anyone"]
    return missing


def conflict_stage_move(
    *,
    conflict: Conflict,
    actor: Any,
    to: str,
    note: str = "",
    facilitator: Person | None = None,
    agreement: str = "",
    chosen_option: ConflictOption | None = None,
    follow_up_date: datetime.date | None = None,
    action_items: Sequence[ActionItemDraft] = (),
    escalation_reason: str = "",
    escalated_to: Person | None = None,
    holds: bool | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> ConflictStageChange:
    """Move the conflict to the next stage, checking what that stage needs:

    - in dialogue: a facilitator (given here or already assigned);
    - options: a perspective from each party;
    - resolved: the agreement text, and from options at least one option listed;
    - escalated: a reason, and someone to escalate to (the partnership's sponsor by default);
    - closed: a follow-up note saying the agreement holds (if it does not, move it back to
      in dialogue instead).
    """
    _check_version(conflict, expected_version)
    now = now or timezone.now()
    current = conflict.stage
    if to not in Stage.values:
        raise ValidationError({"to": f"“{to}” is not a stage of the conflict workflow."})
    if to not in CONFLICT_MOVES[current]:
        raise ValidationError({"to": _move_refusal(current, to)})
    note = note.strip()
    agreement = agreement.strip()
    escalation_reason = escalation_reason.strip()
    workspace = conflict.workspace
    before = snapshot(conflict, [*AUDITED_FIELDS, "agreement", "escalation_reason", "escalated_to"])
    fields = ["stage", "stage_changed_at", "updated_at"]
    errors: dict[str, str] = {}
    drafts = list(action_items)

    if facilitator is not None and facilitator.workspace_id != workspace.pk:
        errors["facilitator"] = "Choose a facilitator from this workspace."
    elif facilitator is not None and facilitator.pk != conflict.facilitator_id:
        conflict.facilitator = facilitator
        fields.append("facilitator")

    if to == Stage.IN_DIALOGUE:
        if conflict.facilitator is None and "facilitator" not in errors:
            errors["facilitator"] = (
                "Assign a facilitator before the dialogue starts: someone neutral who runs it."
            )
        if current in {Stage.RESOLVED, Stage.ESCALATED} and not note:
            errors["note"] = (
                "Say why the conflict goes back to dialogue (e.g. the agreement does not hold)."
            )
    elif to == Stage.OPTIONS:
        missing = _parties_missing(conflict)
        if missing:
            errors["to"] = (
                "Record each party's perspective and interests before listing options; "
                f"still missing: {', '.join(missing)}."
            )
    elif to == Stage.RESOLVED:
        if not agreement:
            errors["agreement"] = "Write down the agreement: what each party will do."
        if current == Stage.OPTIONS and not conflict.options.exists():
            errors["to"] = "List at least one mutual-gain option before resolving."
        if chosen_option is not None and chosen_option.conflict_id != conflict.pk:
            errors["chosen_option"] = "Choose one of this conflict's options."
        for number, draft in enumerate(drafts, start=1):
            if not draft.title.strip():
                errors["action_items"] = f"Action item {number} needs a title."
            elif draft.owner is not None and draft.owner.workspace_id != workspace.pk:
                errors["action_items"] = f"Action item {number}: choose an owner from here."
        conflict.agreement = agreement
        conflict.resolved_at = now
        conflict.follow_up_date = follow_up_date or (
            timezone.localtime(now).date() + datetime.timedelta(days=FOLLOW_UP_DAYS)
        )
        fields += ["agreement", "resolved_at", "follow_up_date"]
    elif to == Stage.ESCALATED:
        if not escalation_reason:
            errors["escalation_reason"] = (
                "Say why the parties could not settle it, so the sponsor knows what to decide."
            )
        target = escalated_to or (conflict.partnership.sponsor if conflict.partnership else None)
        if target is None:
            errors["escalated_to"] = (
                "Choose who to escalate to: the conflict has no partnership sponsor."
            )
        elif target.workspace_id != workspace.pk:
            errors["escalated_to"] = "Choose someone from this workspace."
        conflict.escalation_reason = escalation_reason
        conflict.escalated_to = target
        fields += ["escalation_reason", "escalated_to"]
    elif to == Stage.CLOSED:
        if holds is False:
            errors["holds"] = (
                "The agreement does not hold: move the conflict back to in dialogue instead "
                "of closing it."
            )
        elif not note:
            errors["note"] = "Write the follow-up check: does the agreement hold, and how?"
        conflict.closed_at = now
        fields.append("closed_at")
    if errors:
        raise ValidationError(errors)

    conflict.stage = to
    conflict.stage_changed_at = now
    changes = diff(
        before,
        snapshot(conflict, [*AUDITED_FIELDS, "agreement", "escalation_reason", "escalated_to"]),
    )
    if note:
        changes["note"] = [None, note]
    with transaction.atomic():
        _version_bump(conflict)
        conflict.save(update_fields=fields)
        change = ConflictStageChange.objects.create(
            workspace=workspace,
            conflict=conflict,
            from_stage=current,
            to_stage=to,
            changed_by=actor if getattr(actor, "pk", None) else None,
            note=note or agreement or escalation_reason,
        )
        ConflictStageChange.objects.filter(pk=change.pk).update(created_at=now)
        change.created_at = now
        if chosen_option is not None:
            ConflictOption.objects.filter(conflict=conflict).update(chosen=False)
            ConflictOption.objects.filter(pk=chosen_option.pk).update(chosen=True)
            changes["chosen_option"] = [None, chosen_option.description[:80]]
        if drafts:
            created = ActionItem.objects.bulk_create(
                [
                    ActionItem(
                        workspace=workspace,
                        partnership=conflict.partnership,
                        title=draft.title.strip(),
                        owner=draft.owner,
                        due_date=draft.due_date,
                        conflict=conflict,
                    )
                    for draft in drafts
                ]
            )
            changes["action_items"] = [None, "; ".join(d.title.strip() for d in drafts)]
            for item in created:
                notify.action_assigned_notify(action=item, actor=actor)
        audit_record(
            workspace=workspace, actor=actor, action="update", instance=conflict, changes=changes
        )
        notify.conflict_moved_notify(
            conflict=conflict,
            change=change,
            recipients=_recipients(conflict),
            actor=actor,
            escalated_to=conflict.escalated_to if to == Stage.ESCALATED else None,
        )
    return change


# --- perspectives and options -----------------------------------------------------------------


def conflict_perspective_add(
    *,
    conflict: Conflict,
    actor: Any,
    perspective: str,
    interests: str = "",
    person: Person | None = None,
    function: Function | None = None,
) -> ConflictPerspective:
    """Record one party's side: what they see, and what they need (their interests)."""
    workspace = conflict.workspace
    errors: dict[str, str] = {}
    if conflict.stage not in PERSPECTIVE_STAGES:
        errors["perspective"] = (
            "Perspectives are recorded before resolution; this conflict is "
            f"{_label(conflict.stage)}."
        )
    if not perspective.strip():
        errors["perspective"] = "Write the party's perspective: how they see the conflict."
    if person is None and function is None:
        errors["person"] = "Say whose perspective this is: a person, a function, or both."
    errors.update(_same_workspace(workspace, [person], "person", "someone"))
    errors.update(_same_workspace(workspace, [function], "function", "a function"))
    if not errors:
        existing = ConflictPerspective.objects.filter(conflict=conflict)
        taken = (
            existing.filter(person=person).exists()
            if person is not None
            else existing.filter(person__isnull=True, function=function).exists()
        )
        if taken:
            whose = person.name if person is not None else function.name  # type: ignore[union-attr]
            errors["person"] = f"{whose}'s perspective is already recorded; each party speaks once."
    if errors:
        raise ValidationError(errors)
    row = ConflictPerspective(
        workspace=workspace,
        conflict=conflict,
        person=person,
        function=function,
        perspective=perspective.strip(),
        interests=interests.strip(),
        author=actor if getattr(actor, "pk", None) else None,
    )
    whose = " / ".join(str(x) for x in (person, function) if x is not None)
    with transaction.atomic():
        row.save()
        audit_record(
            workspace=workspace,
            actor=actor,
            action="update",
            instance=conflict,
            changes={"perspectives": [None, f"added {whose}"]},
        )
    return row


def conflict_perspective_remove(*, perspective: ConflictPerspective, actor: Any) -> None:
    conflict = perspective.conflict
    whose = " / ".join(str(x) for x in (perspective.person, perspective.function) if x is not None)
    with transaction.atomic():
        audit_record(
            workspace=conflict.workspace,
            actor=actor,
            action="update",
            instance=conflict,
            changes={"perspectives": [f"removed {whose}", None]},
        )
        perspective.delete()


def conflict_option_add(*, conflict: Conflict, actor: Any, description: str) -> ConflictOption:
    """List a mutual-gain option: one that serves both parties' interests."""
    description = description.strip()
    if conflict.stage not in OPTION_STAGES:
        raise ValidationError(
            {
                "description": "Options are listed during dialogue; this conflict is "
                f"{_label(conflict.stage)}."
            }
        )
    if not description:
        raise ValidationError({"description": "Describe the option."})
    option = ConflictOption(
        workspace=conflict.workspace,
        conflict=conflict,
        description=description,
        proposed_by=actor if getattr(actor, "pk", None) else None,
    )
    with transaction.atomic():
        option.save()
        audit_record(
            workspace=conflict.workspace,
            actor=actor,
            action="update",
            instance=conflict,
            changes={"options": [None, f"added “{description[:80]}”"]},
        )
    return option


def conflict_option_remove(*, option: ConflictOption, actor: Any) -> None:
    conflict = option.conflict
    with transaction.atomic():
        audit_record(
            workspace=conflict.workspace,
            actor=actor,
            action="update",
            instance=conflict,
            changes={"options": [f"removed “{option.description[:80]}”", None]},
        )
        option.delete()
