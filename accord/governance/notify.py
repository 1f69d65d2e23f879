"""Who governance tells what: actions assigned and overdue, decisions needing input or
decided, revisits, RACI consults and overdue deliverables, concerns, conflicts.

Everything goes through the one door, `accord.notifications.service.notify` (inbox, email,
digest) and, for news a partnership's channel should see, `publish` (Slack, Teams, webhooks).
Call these inside the action's transaction. Each occurrence has a stable key, so recording
the same event twice tells nobody twice (retries, re-saves and daily jobs are safe).
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accord.governance.models import (
    ActionItem,
    Concern,
    Conflict,
    ConflictStageChange,
    Decision,
    Deliverable,
)
from accord.notifications.models import Event
from accord.notifications.service import notify, publish
from accord.org.models import Person
from accord.workspaces.models import Workspace

ACTIVE_STATUSES = {ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS}


def _others(recipients: Iterable[Person], actor: Any) -> list[Person]:
    """The recipients but the actor's own people: nobody is told about what they did."""
    user_id = getattr(actor, "pk", None)
    return [p for p in recipients if user_id is None or p.user_id != user_id]


def _day(value: datetime.date | str) -> str:
    # Callers may hand over the ISO text they were given; the model saves either.
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%b %Y}"


# --- actions --------------------------------------------------------------------------------


def _action_url(action: ActionItem) -> str:
    return reverse("action_detail", args=[action.workspace.slug, action.uuid])


def action_assigned_notify(*, action: ActionItem, actor: Any) -> int:
    """Tell the owner an action is theirs (once per owner and version of the action)."""
    if action.owner is None or action.status not in ACTIVE_STATUSES:
        return 0
    due = f" Due {_day(action.due_date)}." if action.due_date else ""
    where = f" ({action.partnership.name})" if action.partnership is not None else ""
    return len(
        notify(
            workspace=action.workspace,
            event=Event.ACTION_ASSIGNED,
            recipients=_others([action.owner], actor),
            subject=f"Action for you: {action.title}",
            body=f"You own this action{where}.{due}",
            key=f"{action.uuid}:assigned:v{action.version}",
            url=_action_url(action),
            about=action,
        )
    )


def actions_overdue_notify(*, workspace: Workspace, today: datetime.date) -> int:
    """Remind the owner of every open action past its due date, once per due date (a new
    due date that passes reminds again). Returns how many reminders are new."""
    overdue = (
        ActionItem.objects.filter(
            workspace=workspace,
            status__in=ACTIVE_STATUSES,
            due_date__lt=today,
            owner__isnull=False,
        )
        .select_related("owner", "partnership", "workspace")
        .order_by("due_date", "pk")
    )
    told = 0
    for action in overdue:
        assert action.due_date is not None
        assert action.owner is not None
        days = (today - action.due_date).days
        told += len(
            notify(
                workspace=workspace,
                event=Event.ACTION_OVERDUE,
                recipients=[action.owner],
                subject=f"Overdue: {action.title}",
                body=(
                    f"It was due on {_day(action.due_date)} ({days} day{'s' if days != 1 else ''}"
                    " ago). Finish it, move the due date, or drop it with a note."
                ),
                key=f"{action.uuid}:overdue:{action.due_date.isoformat()}",
                url=_action_url(action),
                about=action,
            )
        )
    return told


# --- decisions ------------------------------------------------------------------------------


def _decision_url(decision: Decision) -> str:
    return reverse("decision_detail", args=[decision.workspace.slug, decision.uuid])


def decision_input_notify(
    *, decision: Decision, recipients: Iterable[Person], closes_at: datetime.datetime
) -> int:
    """Ask each stakeholder for their input (once per opening of the decision)."""
    local = timezone.localtime(closes_at)
    closes = f"{local.day} {local:%b %Y %H:%M}"
    url = _decision_url(decision)
    subject = f"Your input is asked on: {decision.title}"
    told = notify(
        workspace=decision.workspace,
        event=Event.DECISION_INPUT,
        recipients=recipients,
        subject=subject,
        body=f"Input closes {closes}. Agree, abstain, disagree or block, with your reasons.",
        key=f"{decision.uuid}:input:v{decision.version}",
        url=url,
        about=decision,
    )
    publish(
        workspace=decision.workspace,
        event=Event.DECISION_INPUT,
        key=f"{decision.uuid}:input:v{decision.version}",
        subject=f"Open for input: {decision.title}",
        body=f"Stakeholders are asked for their input until {closes}.",
        url=url,
        partnership=decision.partnership,
        data={"decision": str(decision.uuid), "closes_at": closes_at.isoformat()},
    )
    return len(told)


def decision_decided_notify(
    *, decision: Decision, recipients: Iterable[Person], outcome: str, actor: Any
) -> int:
    """Tell the informed people (and the I's of linked deliverables) the outcome."""
    url = _decision_url(decision)
    told = notify(
        workspace=decision.workspace,
        event=Event.DECISION_DECIDED,
        recipients=_others(recipients, actor),
        subject=f"Decided: {decision.title}",
        body=outcome,
        key=f"{decision.uuid}:decided",
        url=url,
        about=decision,
    )
    publish(
        workspace=decision.workspace,
        event=Event.DECISION_DECIDED,
        key=f"{decision.uuid}:decided",
        subject=f"Decided: {decision.title}",
        body=outcome,
        url=url,
        partnership=decision.partnership,
        data={"decision": str(decision.uuid)},
    )
    return len(told)


def decision_revisit_notify(*, decision: Decision) -> int:
    """Remind the decider that the revisit-by date has come (once per revisit date)."""
    if decision.decider is None or decision.revisit_by is None:
        return 0
    return len(
        notify(
            workspace=decision.workspace,
            event=Event.DECISION_REVISIT,
            recipients=[decision.decider],
            subject=f"Time to revisit: {decision.title}",
            body=f"Revisit by {_day(decision.revisit_by)}: does the decision still hold?",
            key=f"{decision.uuid}:revisit:{decision.revisit_by.isoformat()}",
            url=_decision_url(decision),
            about=decision,
        )
    )


def concern_raised_notify(*, concern: Concern, decision: Decision, actor: Any) -> int:
    """Tell the change's decider a concern was raised (the notification names nobody: the
    raiser may be anonymous)."""
    if decision.decider is None:
        return 0
    return len(
        notify(
            workspace=decision.workspace,
            event=Event.CONCERN,
            recipients=_others([decision.decider], actor),
            subject=f"New concern on: {decision.title}",
            body=concern.body,
            key=f"{concern.uuid}:raised",
            url=_decision_url(decision) + "#change",
            about=concern,
        )
    )


# --- RACI -----------------------------------------------------------------------------------


def _raci_url(deliverable: Deliverable) -> str:
    return reverse("raci_matrix", args=[deliverable.workspace.slug, deliverable.partnership.slug])


def raci_consult_notify(*, deliverable: Deliverable, people: Iterable[Person], actor: Any) -> int:
    """Tell people newly marked C (consulted) on a deliverable that their input is expected
    (once per person and deliverable)."""
    partnership = deliverable.partnership
    return len(
        notify(
            workspace=deliverable.workspace,
            event=Event.RACI_CONSULT,
            recipients=_others(people, actor),
            subject=f"You are consulted on: {deliverable.name} ({partnership.name})",
            body=(
                "You are marked C on this deliverable: the people doing the work will ask "
                "for your input before it is done or decided."
            ),
            key=f"{deliverable.uuid}:consulted",
            url=_raci_url(deliverable),
            about=deliverable,
        )
    )


def raci_overdue_notify(
    *, deliverable: Deliverable, accountable: Iterable[Person], today: datetime.date
) -> int:
    """Remind the A of an overdue deliverable, once per due date."""
    assert deliverable.due_date is not None
    days = (today - deliverable.due_date).days
    return len(
        notify(
            workspace=deliverable.workspace,
            event=Event.RACI_OVERDUE,
            recipients=accountable,
            subject=f"Overdue: {deliverable.name} ({deliverable.partnership.name})",
            body=(
                f"“{deliverable.name}” was due on {_day(deliverable.due_date)} "
                f"({days} day{'s' if days != 1 else ''} ago) and is still active. You are "
                "accountable (A) for it: finish it, move the due date, or mark it done."
            ),
            key=f"{deliverable.uuid}:overdue:{deliverable.due_date.isoformat()}",
            url=_raci_url(deliverable),
            about=deliverable,
        )
    )


# --- conflicts ------------------------------------------------------------------------------


def _conflict_url(conflict: Conflict) -> str:
    return reverse("conflict_detail", args=[conflict.workspace.slug, conflict.uuid])


def conflict_assigned_notify(
    *, conflict: Conflict, recipients: Iterable[Person], actor: Any, why: str
) -> list[Any]:
    """Tell people a conflict involves them (as a party, facilitator or the person it was
    escalated to), once per person and conflict. Returns the new notifications."""
    return notify(
        workspace=conflict.workspace,
        event=Event.CONFLICT_ASSIGNED,
        recipients=_others(recipients, actor),
        subject=f"A conflict involves you: {conflict.title}",
        body=why,
        key=f"{conflict.uuid}:involved",
        url=_conflict_url(conflict),
        about=conflict,
    )


def conflict_raised_notify(*, conflict: Conflict, recipients: Iterable[Person], actor: Any) -> int:
    told = conflict_assigned_notify(
        conflict=conflict,
        recipients=recipients,
        actor=actor,
        why="You are named as a party or facilitator of this conflict.",
    )
    if not conflict.private:
        publish(
            workspace=conflict.workspace,
            event=Event.CONFLICT_ASSIGNED,
            key=f"{conflict.uuid}:raised",
            subject=f"Conflict raised: {conflict.title}",
            body=conflict.description,
            url=_conflict_url(conflict),
            partnership=conflict.partnership,
            data={"conflict": str(conflict.uuid), "severity": conflict.severity},
        )
    return len(told)


def conflict_parties_notify(*, conflict: Conflict, recipients: Iterable[Person], actor: Any) -> int:
    """After an edit: people newly named as party or facilitator learn it involves them."""
    return len(
        conflict_assigned_notify(
            conflict=conflict,
            recipients=recipients,
            actor=actor,
            why="You are now named as a party or facilitator of this conflict.",
        )
    )


def conflict_moved_notify(
    *,
    conflict: Conflict,
    change: ConflictStageChange,
    recipients: Iterable[Person],
    actor: Any,
    escalated_to: Person | None = None,
) -> int:
    """Tell the parties and facilitator the conflict moved. Someone it now involves for the
    first time (a new facilitator, the person it was escalated to) is told that instead."""
    stage = str(Conflict.Stage(change.to_stage).label).lower()
    people = list(recipients)
    newcomers = [p for p in (conflict.facilitator, escalated_to) if p is not None]
    why = (
        f"The conflict was escalated to you. {change.note}".strip()
        if escalated_to is not None
        else "You are now part of resolving this conflict."
    )
    involved = conflict_assigned_notify(
        conflict=conflict, recipients=newcomers, actor=actor, why=why
    )
    told_now = {n.recipient_id for n in involved}
    updated = notify(
        workspace=conflict.workspace,
        event=Event.CONFLICT_UPDATE,
        recipients=_others([p for p in people if p.pk not in told_now], actor),
        subject=f"Conflict {stage}: {conflict.title}",
        body=change.note,
        key=f"{conflict.uuid}:stage:{change.uuid}",
        url=_conflict_url(conflict),
        about=conflict,
    )
    if not conflict.private:
        publish(
            workspace=conflict.workspace,
            event=Event.CONFLICT_UPDATE,
            key=f"{conflict.uuid}:stage:{change.uuid}",
            subject=f"Conflict {stage}: {conflict.title}",
            body=change.note,
            url=_conflict_url(conflict),
            partnership=conflict.partnership,
            data={"conflict": str(conflict.uuid), "stage": change.to_stage},
        )
    return len(involved) + len(updated)
