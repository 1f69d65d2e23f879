"""Writes for change proposals: the proposal itself, impact per function, concerns that each
need a written response before approval, and readiness ratings before and after."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.goals.models import Goal, Kpi
from accord.governance import decision_actions, notify
from accord.governance import decision_selectors as selectors
from accord.governance.models import (
    ChangeImpact,
    ChangeProposal,
    Concern,
    Decision,
    ReadinessRating,
)
from accord.org.models import Function
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership

PROPOSAL_TEXT = ["what_changes", "benefits", "risks", "rollout_plan", "success_measures"]
PROPOSAL_FIELDS = [*PROPOSAL_TEXT, "follow_up_date"]
PROPOSAL_MANY = ["measure_goals", "measure_kpis"]


def _manage_require(membership: Membership, decision: Decision) -> None:
    if not selectors.decision_can_manage(membership=membership, decision=decision):
        raise PermissionDenied(
            "Only the decider, the partnership's lead and sponsor, and admins can change it."
        )


def _proposal_validate(workspace_id: int, values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    errors: dict[str, str] = {}
    for name in PROPOSAL_TEXT:
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    if "what_changes" in clean and not clean["what_changes"]:
        errors["what_changes"] = "Describe what changes in how people work."
    for name in PROPOSAL_MANY:
        if clean.get(name) is not None:
            clean[name] = list(clean[name])
            if any(item.workspace_id != workspace_id for item in clean[name]):
                errors[name] = "Choose only from this workspace."
    if errors:
        raise ValidationError(errors)
    return clean


def change_proposal_create(
    *,
    membership: Membership,
    what_changes: str,
    benefits: str = "",
    risks: str = "",
    rollout_plan: str = "",
    success_measures: str = "",
    follow_up_date: datetime.date | None = None,
    measure_goals: Iterable[Goal] = (),
    measure_kpis: Iterable[Kpi] = (),
    **decision_fields: Any,
) -> Decision:
    """A draft decision of kind "change" with its proposal."""
    proposal_values = _proposal_validate(
        membership.workspace.pk,
        {
            "what_changes": what_changes,
            "benefits": benefits,
            "risks": risks,
            "rollout_plan": rollout_plan,
            "success_measures": success_measures,
            "measure_goals": measure_goals,
            "measure_kpis": measure_kpis,
        },
    )
    with transaction.atomic():
        decision = decision_actions.decision_create(
            membership=membership, kind=Decision.Kind.CHANGE, **decision_fields
        )
        proposal = ChangeProposal.objects.create(
            workspace=decision.workspace,
            decision=decision,
            follow_up_date=follow_up_date,
            **{name: proposal_values[name] for name in PROPOSAL_TEXT},
        )
        proposal.measure_goals.set(proposal_values["measure_goals"])
        proposal.measure_kpis.set(proposal_values["measure_kpis"])
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="create",
            instance=proposal,
            changes=diff({}, snapshot(proposal, PROPOSAL_FIELDS)),
        )
    return decision


def change_proposal_update(
    *, membership: Membership, proposal: ChangeProposal, **changes: Any
) -> ChangeProposal:
    decision = proposal.decision
    unknown = set(changes) - set(PROPOSAL_FIELDS) - set(PROPOSAL_MANY)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Unknown field."})
    _manage_require(membership, decision)
    decision_actions._refuse_locked(decision)
    values = _proposal_validate(decision.workspace_id, changes)
    before = snapshot(proposal, PROPOSAL_FIELDS)
    with transaction.atomic():
        for name in PROPOSAL_FIELDS:
            if name in values:
                setattr(proposal, name, values[name])
        proposal.version += 1
        proposal.save()
        for name in PROPOSAL_MANY:
            if values.get(name) is not None:
                getattr(proposal, name).set(values[name])
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=proposal,
            changes=diff(before, snapshot(proposal, PROPOSAL_FIELDS)),
        )
    return proposal


def change_proposal_copy(*, source: ChangeProposal, target: Decision) -> ChangeProposal:
    """Carry a proposal and its impacts over to the decision that supersedes it."""
    proposal = ChangeProposal.objects.create(
        workspace=target.workspace,
        decision=target,
        follow_up_date=None,
        **{name: getattr(source, name) for name in PROPOSAL_TEXT},
    )
    proposal.measure_goals.set(source.measure_goals.all())
    proposal.measure_kpis.set(source.measure_kpis.all())
    ChangeImpact.objects.bulk_create(
        [
            ChangeImpact(
                workspace=target.workspace,
                proposal=proposal,
                function=impact.function,
                roles=impact.roles,
                impact=impact.impact,
                level=impact.level,
            )
            for impact in source.impacts.all()
        ]
    )
    return proposal


def change_impact_set(
    *,
    membership: Membership,
    proposal: ChangeProposal,
    function: Function,
    impact: str,
    roles: str = "",
    level: str = ChangeImpact.Level.MEDIUM,
) -> ChangeImpact:
    """The impact on one function (its roles, what changes for them, how much); the function
    becomes one of the decision's affected functions."""
    decision = proposal.decision
    _manage_require(membership, decision)
    decision_actions._refuse_locked(decision)
    errors: dict[str, str] = {}
    if function.workspace_id != decision.workspace_id:
        errors["function"] = "Choose a function of this workspace."
    impact = (impact or "").strip()
    if not impact:
        errors["impact"] = "Describe the impact on this function."
    if level not in ChangeImpact.Level.values:
        errors["level"] = "Choose low, medium or high."
    if len(roles or "") > 300:
        errors["roles"] = "Keep the roles to 300 characters or fewer."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, created = ChangeImpact.objects.update_or_create(
            workspace=decision.workspace,
            proposal=proposal,
            function=function,
            defaults={"impact": impact, "roles": (roles or "").strip(), "level": level},
        )
        decision.affected_functions.add(function)
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="create" if created else "update",
            instance=row,
            changes={"impact": [None, f"{function.name}: {level}"]},
        )
    return row


def change_impact_remove(*, membership: Membership, impact: ChangeImpact) -> None:
    decision = impact.proposal.decision
    _manage_require(membership, decision)
    decision_actions._refuse_locked(decision)
    with transaction.atomic():
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="delete",
            instance=impact,
            changes={"impact": [impact.function.name, None]},
        )
        impact.delete()


# --- concerns -------------------------------------------------------------------------------


def concern_raise(
    *, membership: Membership, proposal: ChangeProposal, body: str, anonymous: bool = False
) -> Concern:
    """Anyone affected raises a concern; anonymous ones keep no person, only the function."""
    decision = proposal.decision
    person = selectors.change_affected_person(membership=membership, decision=decision)
    if person is None:
        raise PermissionDenied(
            "Only people affected by the change (its functions, stakeholders) raise concerns."
        )
    if decision.status in selectors.LOCKED_STATUSES:
        raise ValidationError({"body": "The change is already decided; raise a new proposal."})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Describe your concern."})
    with transaction.atomic():
        concern = Concern.objects.create(
            workspace=decision.workspace,
            proposal=proposal,
            body=body,
            raised_by=None if anonymous else person,
            function=person.function,
            anonymous=anonymous,
        )
        audit_record(
            workspace=decision.workspace,
            actor=None if anonymous else membership.user,
            action="create",
            instance=concern,
            changes={"concern": [None, "anonymous" if anonymous else person.name]},
        )
        notify.concern_raised_notify(concern=concern, decision=decision, actor=membership.user)
    return concern


def concern_respond(
    *, membership: Membership, concern: Concern, response: str, status: str
) -> Concern:
    """A written response and what came of it: addressed, accepted as a risk, or a change in
    the plan."""
    decision = concern.proposal.decision
    _manage_require(membership, decision)
    decision_actions._refuse_locked(decision)
    errors: dict[str, str] = {}
    response = (response or "").strip()
    if not response:
        errors["response"] = "Write a response to the concern."
    if status not in Concern.Status.values or status == Concern.Status.OPEN:
        errors["status"] = "Choose addressed, accepted as a risk, or led to a change in the plan."
    if errors:
        raise ValidationError(errors)
    before = snapshot(concern, ["status", "response"])
    with transaction.atomic():
        concern.response = response
        concern.status = status
        concern.responded_by = membership.user
        concern.responded_at = timezone.now()
        concern.version += 1
        concern.save()
        audit_record(
            workspace=decision.workspace,
            actor=membership.user,
            action="update",
            instance=concern,
            changes=diff(before, snapshot(concern, ["status", "response"])),
        )
    return concern


# --- readiness ------------------------------------------------------------------------------


def readiness_submit(
    *,
    membership: Membership,
    proposal: ChangeProposal,
    function: Function,
    phase: str = ReadinessRating.Phase.BEFORE,
    note: str = "",
    **scores: int,
) -> ReadinessRating:
    """One rater's readiness for an affected function, once per phase (keyed hash, no name)."""
    decision = proposal.decision
    person = selectors.change_affected_person(membership=membership, decision=decision)
    if person is None:
        raise PermissionDenied("Only people affected by the change rate its readiness.")
    errors: dict[str, str] = {}
    if set(scores) != set(selectors.READINESS_DIMENSIONS):
        missing = sorted(set(selectors.READINESS_DIMENSIONS) - set(scores))
        errors[missing[0] if missing else "scores"] = "Rate every dimension from 1 to 5."
    for name, value in scores.items():
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = "Rate from 1 (not at all) to 5 (fully)."
    if phase not in ReadinessRating.Phase.values:
        errors["phase"] = "Choose before approval or at follow-up."
    affected = {f.pk for f in decision.affected_functions.all()}
    if function.workspace_id != decision.workspace_id or function.pk not in affected:
        errors["function"] = "Choose one of the functions the change affects."
    if phase == ReadinessRating.Phase.BEFORE and decision.status in selectors.LOCKED_STATUSES:
        errors["phase"] = "The change is approved: rate readiness at follow-up instead."
    if phase == ReadinessRating.Phase.FOLLOW_UP and decision.status != Decision.Status.DECIDED:
        errors["phase"] = "Follow-up ratings come after the change is approved."
    if errors:
        raise ValidationError(errors)
    rating = ReadinessRating(
        workspace=decision.workspace,
        proposal=proposal,
        function=function,
        phase=phase,
        note=(note or "").strip(),
        rater_hash=selectors.rater_hash(proposal, person),
        **scores,
    )
    try:
        with transaction.atomic():
            rating.save()
            audit_record(
                workspace=decision.workspace,
                actor=None,
                action="create",
                instance=rating,
                changes={"readiness": [None, f"{function.name} ({phase})"]},
            )
    except IntegrityError:
        raise ValidationError(
            {"phase": "You have already rated readiness for this phase."}
        ) from None
    return rating
