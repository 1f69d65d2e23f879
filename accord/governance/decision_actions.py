"""Writes for the decision log: drafts, opening for input, responses, deciding, superseding,
reversing and revisit reminders. A decided decision is immutable: change means supersede."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.goals.models import Goal
from accord.governance import decision_selectors as selectors
from accord.governance import notify
from accord.governance.models import (
    Decision,
    DecisionOption,
    DecisionResponse,
    DecisionStakeholder,
    Deliverable,
)
from accord.org.actions import StaleVersion
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

TEXT_FIELDS = ["title", "context", "decision_text", "rationale"]
SINGLE_FIELDS = [*TEXT_FIELDS, "partnership", "decider", "revisit_by"]
MANY_FIELDS = ["consulted", "informed", "affected_functions", "goals", "deliverables"]
EDITABLE_FIELDS = [*SINGLE_FIELDS, *MANY_FIELDS]
AUDITED_FIELDS = [
    *SINGLE_FIELDS,
    "kind",
    "status",
    "decided_at",
    "superseded_by",
    "input_mode",
    "input_closes_at",
    "hide_responses_until_close",
    "allow_anonymous",
    "outcome_statement",
]
IMMUTABLE_CODE = "immutable"
# The reason for a reversal lives in the audit entry under this key (no column for it).
REVERSAL_KEY = "reversal reason"

__all__ = ["IMMUTABLE_CODE", "StaleVersion"]


def _when(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%b %Y %H:%M}"


def _actor_people(membership: Membership) -> list[Person]:
    ids = selectors.person_ids_of(membership)
    return list(Person.objects.filter(pk__in=ids).select_related("function").order_by("pk"))


def _many_text(values: Iterable[Any]) -> str:
    return ", ".join(sorted(str(value) for value in values))


def _refuse_locked(decision: Decision) -> None:
    if decision.status in selectors.LOCKED_STATUSES:
        when = f" on {_when(decision.decided_at)}" if decision.decided_at else ""
        raise ValidationError(
            {
                "status": ValidationError(
                    f"This decision was {decision.get_status_display().lower()}{when} and can "
                    "no longer be edited. Supersede it with a new decision instead.",
                    code=IMMUTABLE_CODE,
                )
            }
        )


def _version_bump(decision: Decision, expected: int | None = None) -> None:
    if expected is not None and expected != decision.version:
        raise StaleVersion(decision.version)
    updated = Decision.objects.filter(pk=decision.pk, version=decision.version).update(
        version=decision.version + 1
    )
    if not updated:
        raise StaleVersion(Decision.objects.get(pk=decision.pk).version)
    decision.version += 1


def _validate(workspace: Workspace, fields: dict[str, Any]) -> dict[str, Any]:
    """Check every field of a draft at once; returns the cleaned values."""
    errors: dict[str, str] = {}
    clean = dict(fields)
    for name in TEXT_FIELDS:
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    if "title" in clean:
        if not clean["title"]:
            errors["title"] = "Give the decision a title: what is being decided."
        elif len(clean["title"]) > 300:
            errors["title"] = "Keep the title to 300 characters or fewer."
    if "decider" in clean:
        decider = clean["decider"]
        if decider is None:
            errors["decider"] = "Name exactly one decider: the person who makes the call."
        elif decider.workspace_id != workspace.pk:
            errors["decider"] = "Choose someone from this workspace."
    partnership = clean.get("partnership")
    if partnership is not None and partnership.workspace_id != workspace.pk:
        errors["partnership"] = "Choose a partnership of this workspace."
    for name in MANY_FIELDS:
        if name in clean and clean[name] is not None:
            clean[name] = list(clean[name])
            if any(item.workspace_id != workspace.pk for item in clean[name]):
                errors[name] = "Choose only from this workspace."
    for name in ("goals", "deliverables"):
        if partnership is not None and clean.get(name):
            foreign = [
                item for item in clean[name] if item.partnership_id not in (None, partnership.pk)
            ]
            if foreign:
                errors[name] = f"{foreign[0]} belongs to another partnership."
    if errors:
        raise ValidationError(errors)
    return clean


def _many_set(decision: Decision, values: dict[str, Any]) -> None:
    for name in MANY_FIELDS:
        if values.get(name) is not None:
            getattr(decision, name).set(values[name])


def _many_snapshot(decision: Decision) -> dict[str, Any]:
    return {name: _many_text(getattr(decision, name).all()) for name in MANY_FIELDS}


# --- drafts ---------------------------------------------------------------------------------


def decision_create(
    *,
    membership: Membership,
    title: str,
    decider: Person | None,
    kind: str = Decision.Kind.DECISION,
    partnership: Partnership | None = None,
    context: str = "",
    decision_text: str = "",
    rationale: str = "",
    revisit_by: datetime.date | None = None,
    consulted: Iterable[Person] = (),
    informed: Iterable[Person] = (),
    affected_functions: Iterable[Function] = (),
    goals: Iterable[Goal] = (),
    deliverables: Iterable[Deliverable] = (),
    options: Iterable[dict[str, str]] = (),
) -> Decision:
    """Record a draft decision with exactly one decider."""
    workspace = membership.workspace
    if not selectors.decision_can_create(membership=membership, partnership=partnership):
        raise PermissionDenied("Only members of the partnership can record its decisions.")
    if kind not in Decision.Kind.values:
        raise ValidationError({"kind": "Choose decision or change."})
    values = _validate(
        workspace,
        {
            "title": title,
            "decider": decider,
            "partnership": partnership,
            "context": context,
            "decision_text": decision_text,
            "rationale": rationale,
            "consulted": consulted,
            "informed": informed,
            "affected_functions": affected_functions,
            "goals": goals,
            "deliverables": deliverables,
        },
    )
    decision = Decision(
        workspace=workspace,
        kind=kind,
        revisit_by=revisit_by,
        **{name: values[name] for name in SINGLE_FIELDS if name in values},
    )
    with transaction.atomic():
        decision.save()
        _many_set(decision, values)
        for option in options:
            decision_option_add(membership=membership, decision=decision, **option)
        changes = diff({}, {**snapshot(decision, AUDITED_FIELDS), **_many_snapshot(decision)})
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="create",
            instance=decision,
            changes=changes,
        )
    return decision


def decision_update(
    *,
    membership: Membership,
    decision: Decision,
    expected_version: int | None = None,
    **changes: Any,
) -> Decision:
    """Change a draft or open decision. Decided ones refuse: supersede them instead."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Unknown field."})
    if not selectors.decision_can_manage(membership=membership, decision=decision):
        raise PermissionDenied(
            "Only the decider, the partnership's lead and sponsor, and admins can edit it."
        )
    _refuse_locked(decision)
    values = _validate(decision.workspace, changes)
    before = {**snapshot(decision, AUDITED_FIELDS), **_many_snapshot(decision)}
    with transaction.atomic():
        _version_bump(decision, expected_version)
        for name in SINGLE_FIELDS:
            if name in values:
                setattr(decision, name, values[name])
        decision.save()
        _many_set(decision, values)
        after = {**snapshot(decision, AUDITED_FIELDS), **_many_snapshot(decision)}
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=decision,
            changes=diff(before, after),
        )
    return decision


def decision_delete(*, membership: Membership, decision: Decision) -> None:
    """Delete a draft. Anything opened for input or decided stays in the log."""
    if not selectors.decision_can_manage(membership=membership, decision=decision):
        raise PermissionDenied(
            "Only the decider, the partnership's lead and sponsor, and admins can delete it."
        )
    if decision.status != Decision.Status.DRAFT:
        raise ValidationError(
            {"status": "Only drafts can be deleted; the log keeps everything once it is open."}
        )
    with transaction.atomic():
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="delete",
            instance=decision,
            changes=diff(snapshot(decision, AUDITED_FIELDS), {}),
        )
        Decision.objects.filter(pk=decision.pk).update(superseded_by=None)
        Decision.objects.filter(superseded_by=decision).update(superseded_by=None)
        decision.delete()


def decision_option_add(
    *, membership: Membership, decision: Decision, title: str, pros: str = "", cons: str = ""
) -> DecisionOption:
    if not selectors.decision_can_manage(membership=membership, decision=decision):
        raise PermissionDenied("Only people who may edit the decision can add options.")
    _refuse_locked(decision)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Name the option."})
    if len(title) > 200:
        raise ValidationError({"title": "Keep the option's name to 200 characters or fewer."})
    position = DecisionOption.objects.filter(decision=decision).count()
    with transaction.atomic():
        option = DecisionOption.objects.create(
            workspace=decision.workspace,
            decision=decision,
            title=title,
            pros=(pros or "").strip(),
            cons=(cons or "").strip(),
            position=position,
        )
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=decision,
            changes={"option added": [None, title]},
        )
    return option


def decision_option_remove(*, membership: Membership, option: DecisionOption) -> None:
    decision = option.decision
    if not selectors.decision_can_manage(membership=membership, decision=decision):
        raise PermissionDenied("Only people who may edit the decision can remove options.")
    _refuse_locked(decision)
    with transaction.atomic():
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=decision,
            changes={"option removed": [option.title, None]},
        )
        option.delete()


# --- opening for input ----------------------------------------------------------------------


def decision_open(
    *,
    membership: Membership,
    decision: Decision,
    closes_at: datetime.datetime | None,
    input_mode: str = Decision.InputMode.CONSENT,
    stakeholders: Iterable[Person] | None = None,
    hide_responses_until_close: bool = False,
    allow_anonymous: bool = False,
    now: datetime.datetime | None = None,
) -> Decision:
    """Ask stakeholders for input until `closes_at`. Without a list, the default stakeholders
    are asked: the consulted people and one member for every affected function."""
    if not selectors.decision_can_manage(membership=membership, decision=decision):
        raise PermissionDenied(
            "Only the decider, the partnership's lead and sponsor, and admins can open it."
        )
    _refuse_locked(decision)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if decision.status != Decision.Status.DRAFT:
        errors["status"] = "It is already open for input."
    if closes_at is None:
        errors["closes_at"] = "Choose when input closes."
    elif closes_at <= now:
        errors["closes_at"] = f"Input must close in the future (now is {_when(now)})."
    if input_mode not in Decision.InputMode.values:
        errors["input_mode"] = "Choose consent or advice."
    if stakeholders is None:
        chosen = selectors.decision_default_stakeholders(decision=decision)
    else:
        people = list(stakeholders)
        if any(person.workspace_id != decision.workspace_id for person in people):
            errors["stakeholders"] = "Choose stakeholders from this workspace."
        affected = {f.pk for f in decision.affected_functions.all()}
        chosen = []
        for person in {p.pk: p for p in people}.values():
            function = person.function if person.function_id in affected else None
            if function is None and person.function_id is not None:
                function = person.function
            chosen.append((person, function))
    if not errors and not chosen:
        errors["stakeholders"] = (
            "Choose at least one stakeholder: nobody is consulted and no partnership member "
            "represents an affected function."
        )
    if errors:
        raise ValidationError(errors)
    assert closes_at is not None
    before = snapshot(decision, AUDITED_FIELDS)
    with transaction.atomic():
        _version_bump(decision)
        decision.status = Decision.Status.OPEN
        decision.input_mode = input_mode
        decision.input_closes_at = closes_at
        decision.hide_responses_until_close = hide_responses_until_close
        decision.allow_anonymous = allow_anonymous
        decision.save()
        DecisionStakeholder.objects.filter(decision=decision).delete()
        DecisionStakeholder.objects.bulk_create(
            [
                DecisionStakeholder(
                    workspace=decision.workspace, decision=decision, person=person, function=fn
                )
                for person, fn in chosen
            ]
        )
        changes = diff(before, snapshot(decision, AUDITED_FIELDS))
        changes["stakeholders"] = [None, _many_text(person for person, _fn in chosen)]
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=decision,
            changes=changes,
        )
        notify.decision_input_notify(
            decision=decision,
            recipients=[person for person, _fn in chosen],
            closes_at=closes_at,
        )
    return decision


def decision_respond(
    *,
    membership: Membership,
    decision: Decision,
    position: str,
    reason: str = "",
    anonymous: bool = False,
    now: datetime.datetime | None = None,
) -> DecisionResponse:
    """A stakeholder's one response. Anonymous responses keep no person, only a keyed hash
    (so they still count once) and the function the stakeholder speaks for."""
    stakeholder = selectors.decision_stakeholder_of(membership=membership, decision=decision)
    if stakeholder is None:
        raise PermissionDenied("Only the stakeholders asked for input can respond.")
    now = now or timezone.now()
    reason = (reason or "").strip()
    if decision.status != Decision.Status.OPEN:
        raise ValidationError({"position": "This decision is not open for input."})
    if selectors.decision_input_closed(decision=decision, now=now):
        raise ValidationError({"position": "Input has closed; responses are no longer taken."})
    allowed = (
        selectors.CONSENT_POSITIONS
        if decision.input_mode == Decision.InputMode.CONSENT
        else [DecisionResponse.Position.ADVICE]
    )
    if position not in allowed:
        raise ValidationError(
            {"position": "Choose " + ", ".join(str(p) for p in allowed) + " for this decision."}
        )
    if position == DecisionResponse.Position.BLOCK and not reason:
        raise ValidationError(
            {"reason": "A block needs a reason: say what would make the proposal safe to try."}
        )
    if position == DecisionResponse.Position.ADVICE and not reason:
        raise ValidationError({"reason": "Write your advice."})
    if anonymous and not decision.allow_anonymous:
        raise ValidationError({"anonymous": "This decision does not take anonymous input."})
    person = stakeholder.person
    response = DecisionResponse(
        workspace=decision.workspace,
        decision=decision,
        position=position,
        reason=reason,
        person=None if anonymous else person,
        function=stakeholder.function,
        anonymous=anonymous,
        responder_hash=selectors.responder_hash(decision, person),
    )
    try:
        with transaction.atomic():
            response.save()
            audit_record(
                workspace=decision.workspace,
                actor=None if anonymous else membership.user,
                action="update",
                instance=decision,
                changes={
                    "response": [
                        None,
                        # Never the position: responses may be hidden until close.
                        "anonymous response" if anonymous else f"{person.name} responded",
                    ]
                },
            )
    except IntegrityError:
        raise ValidationError(
            {"position": "You have already responded to this decision."}
        ) from None
    return response


def decision_response_answer(
    *, membership: Membership, response: DecisionResponse, answer: str
) -> DecisionResponse:
    """The decider's written answer to a response (every block and disagreement needs one)."""
    decision = response.decision
    if not selectors.decision_is_decider(membership=membership, decision=decision):
        raise PermissionDenied("Only the decider answers responses.")
    _refuse_locked(decision)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write an answer to this response."})
    with transaction.atomic():
        response.answer = answer
        response.answered_at = timezone.now()
        response.version += 1
        response.save(update_fields=["answer", "answered_at", "version", "updated_at"])
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=decision,
            changes={"answer": [None, answer]},
        )
    return response


# --- deciding and afterwards ----------------------------------------------------------------


def decision_decide(
    *,
    membership: Membership,
    decision: Decision,
    outcome_statement: str,
    chosen_option: DecisionOption | None = None,
    decision_text: str | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Decision:
    """Record the outcome. Only the decider; refused before input closes, while a block or
    disagreement has no written answer, or (for changes) while a concern is open."""
    if not selectors.decision_is_decider(membership=membership, decision=decision):
        raise PermissionDenied("Only the decider can record the decision.")
    _refuse_locked(decision)
    now = now or timezone.now()
    outcome_statement = (outcome_statement or "").strip()
    if decision.status == Decision.Status.OPEN and not selectors.decision_input_closed(
        decision=decision, now=now
    ):
        assert decision.input_closes_at is not None
        raise ValidationError(
            {
                "input_closes_at": (
                    f"Input is open until {_when(decision.input_closes_at)}; decide after it "
                    "closes so every stakeholder has had their say."
                )
            }
        )
    unanswered = DecisionResponse.objects.filter(
        decision=decision, position__in=selectors.NEEDS_ANSWER, answer=""
    ).count()
    if unanswered:
        raise ValidationError(
            {
                "responses": (
                    f"{unanswered} block{'s' if unanswered != 1 else ''} or disagreement"
                    f"{'s' if unanswered != 1 else ''} "
                    f"{'have' if unanswered != 1 else 'has'} no written answer yet. Answer "
                    "each one before deciding."
                )
            }
        )
    open_concerns = selectors.decision_open_concern_count(decision=decision)
    if open_concerns:
        raise ValidationError(
            {
                "concerns": (
                    f"{open_concerns} concern{'s' if open_concerns != 1 else ''} "
                    f"{'are' if open_concerns != 1 else 'is'} still open. Respond to each "
                    "(addressed, accepted as a risk, or changed the plan) before approving."
                )
            }
        )
    if not outcome_statement:
        raise ValidationError(
            {"outcome_statement": "Write the outcome: what was decided, and why."}
        )
    if chosen_option is not None and chosen_option.decision_id != decision.pk:
        raise ValidationError({"chosen_option": "Choose one of this decision's options."})
    before = snapshot(decision, AUDITED_FIELDS)
    with transaction.atomic():
        _version_bump(decision, expected_version)
        decision.status = Decision.Status.DECIDED
        decision.decided_at = now
        decision.outcome_statement = outcome_statement
        if decision_text is not None and decision_text.strip():
            decision.decision_text = decision_text.strip()
        decision.save()
        if chosen_option is not None:
            DecisionOption.objects.filter(decision=decision).update(chosen=False)
            DecisionOption.objects.filter(pk=chosen_option.pk).update(chosen=True)
        changes = diff(before, snapshot(decision, AUDITED_FIELDS))
        if chosen_option is not None:
            changes["chosen option"] = [None, chosen_option.title]
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=decision,
            changes=changes,
        )
        for older in Decision.objects.filter(
            superseded_by=decision, status=Decision.Status.DECIDED
        ):
            older.status = Decision.Status.SUPERSEDED
            older.version += 1
            older.save(update_fields=["status", "version", "updated_at"])
            audit_record(
                workspace=decision.workspace,
                actor=membership.user,
                action="update",
                instance=older,
                changes={
                    "status": ["Decided", "Superseded"],
                    "superseded_by": [None, str(decision)],
                },
            )
        # The informed people, and the I's of the deliverables it is linked to.
        informed = [
            *decision.informed.all(),
            *selectors.raci_people(decision=decision, letter="I"),
        ]
        notify.decision_decided_notify(
            decision=decision,
            recipients=informed,
            outcome=outcome_statement,
            actor=membership.user,
        )
    return decision


def decision_supersede(*, membership: Membership, decision: Decision) -> Decision:
    """Start a new draft that will replace a decided decision once it is itself decided."""
    if not selectors.decision_can_manage(membership=membership, decision=decision):
        raise PermissionDenied(
            "Only the decider, the partnership's lead and sponsor, and admins can supersede it."
        )
    if decision.status != Decision.Status.DECIDED:
        raise ValidationError({"status": "Only a decided decision can be superseded."})
    if decision.superseded_by_id is not None:
        raise ValidationError(
            {"status": f"“{decision.superseded_by}” is already set to supersede it."}
        )
    with transaction.atomic():
        successor = Decision.objects.create(
            workspace=decision.workspace,
            kind=decision.kind,
            partnership=decision.partnership,
            title=decision.title,
            context=(
                f"Supersedes the decision of {_when(decision.decided_at)}: "
                f"{decision.outcome_statement}\n\n{decision.context}"
                if decision.decided_at
                else decision.context
            ).strip(),
            decision_text=decision.decision_text,
            rationale=decision.rationale,
            decider=decision.decider,
            revisit_by=None,
        )
        for name in MANY_FIELDS:
            getattr(successor, name).set(getattr(decision, name).all())
        if hasattr(decision, "change_proposal"):
            from accord.governance.change_actions import change_proposal_copy

            change_proposal_copy(source=decision.change_proposal, target=successor)
        Decision.objects.filter(pk=decision.pk).update(
            superseded_by=successor, version=decision.version + 1
        )
        decision.superseded_by = successor
        decision.version += 1
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="create",
            instance=successor,
            changes={"supersedes": [None, str(decision)]},
        )
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=decision,
            changes={"superseded_by": [None, f"{successor} (draft)"]},
        )
    return successor


def decision_reverse(*, membership: Membership, decision: Decision, reason: str) -> Decision:
    """Mark a decided decision reversed, with the reason (kept in its history)."""
    if not (
        membership.can_admin
        or selectors.decision_is_decider(membership=membership, decision=decision)
    ):
        raise PermissionDenied("Only the decider and admins can reverse a decision.")
    if decision.status != Decision.Status.DECIDED:
        raise ValidationError({"status": "Only a decided decision can be reversed."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the decision is reversed."})
    with transaction.atomic():
        _version_bump(decision)
        decision.status = Decision.Status.REVERSED
        decision.save(update_fields=["status", "updated_at"])
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=decision,
            changes={"status": ["Decided", "Reversed"], REVERSAL_KEY: [None, reason]},
        )
    return decision


def decisions_due_for_revisit(*, workspace: Workspace, today: datetime.date) -> list[Decision]:
    """Remind deciders of decisions whose revisit-by date has come (once per date)."""
    due = list(selectors.decisions_revisit_list(workspace=workspace, today=today))
    for decision in due:
        notify.decision_revisit_notify(decision=decision)
    return due
