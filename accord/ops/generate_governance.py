"""RACI deliverables and cells, decisions with options and stakeholder input, conflicts (some
private) and action items for `accord generate`. Parents through bulk_create (their keys are
needed), leaves and many-to-many links through `rows_insert`."""

import hashlib
import hmac
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from accord.governance.models import (
    ActionItem,
    Conflict,
    ConflictPerspective,
    Decision,
    DecisionOption,
    DecisionResponse,
    DecisionStakeholder,
    Deliverable,
    RaciAssignment,
)
from accord.ops.generate_bulk import rows_insert
from accord.ops.generate_org import BATCH, Organization
from accord.ops.generate_partnerships import Portfolio, home_of
from accord.partnerships.models import Lifecycle, PartnershipMember
from accord.workspaces.models import Workspace

DELIVERABLES = (
    "Shared process map",
    "Single intake form",
    "Weekly exception report",
    "Escalation playbook",
    "Dashboard of shared KPIs",
    "Pilot in one region",
    "Training for front-line teams",
    "Handover checklist",
    "Data definitions agreed",
    "Rollout plan",
)
DECISIONS = (
    ("Adopt one intake form for all requests", "Requests arrive by email, chat and tickets."),
    ("Move the weekly sync to Tuesdays", "Monday is full of reporting for every function."),
    ("Pilot in the northern region first", "It has the most volume and the best data."),
    ("Cap manual exceptions at ten a week", "Exceptions take half the team's time."),
    ("Use finance's definition of the margin", "Two definitions give two answers."),
    ("Fund a shared analyst for two quarters", "Nobody has time to build the reports."),
    ("Retire the legacy spreadsheet tracker", "It is out of date within a day."),
    ("Escalate blocked items after five days", "Blocked work waits for weeks."),
)
CONFLICTS = (
    ("Who owns the customer call on disputed items?", Conflict.Type.ROLES),
    ("Volume targets against quality targets", Conflict.Type.GOALS),
    ("Same analysts booked by two projects", Conflict.Type.RESOURCES),
    ("Which launch comes first this quarter", Conflict.Type.PRIORITIES),
    ("Sign-off steps add a week to every change", Conflict.Type.PROCESS),
    ("Tension in the weekly sync", Conflict.Type.INTERPERSONAL),
)
ACTIONS = (
    "Draft the new hand-off checklist",
    "Share last quarter's numbers with the team",
    "Book the pilot review",
    "Clean up the open exception list",
    "Write the FAQ for front-line teams",
    "Agree the data definitions with finance",
    "Confirm the budget with the sponsor",
    "Collect feedback from the pilot region",
)
DECISION_STATUS = (
    [Decision.Status.DECIDED] * 5
    + [Decision.Status.OPEN] * 2
    + [Decision.Status.DRAFT, Decision.Status.SUPERSEDED, Decision.Status.REVERSED]
)
CONFLICT_STAGES = (
    [Conflict.Stage.RAISED, Conflict.Stage.ACKNOWLEDGED, Conflict.Stage.IN_DIALOGUE]
    + [Conflict.Stage.OPTIONS, Conflict.Stage.ESCALATED]
    + [Conflict.Stage.RESOLVED] * 2
    + [Conflict.Stage.CLOSED] * 3
)
POSITIONS = (
    [DecisionResponse.Position.AGREE] * 6
    + [DecisionResponse.Position.ABSTAIN] * 2
    + [DecisionResponse.Position.DISAGREE] * 2
    + [DecisionResponse.Position.BLOCK]
)
REASONS = {
    "agree": "Works for my team.",
    "abstain": "No strong view; happy to follow.",
    "disagree": "It moves work onto my team without the people to do it.",
    "block": "This breaks a compliance rule we must keep.",
}


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _since(start: date | None, today: date, weeks: int, rng: random.Random) -> date:
    """A day between the partnership's start (or `weeks` ago) and today."""
    first = max(start or today, today - timedelta(weeks=weeks))
    return first + timedelta(days=rng.randint(0, max((today - first).days, 0)))


def governance_create(
    *,
    workspace: Workspace,
    organization: Organization,
    portfolio: Portfolio,
    weeks: int,
    today: date,
    rng: random.Random,
) -> dict[str, int]:
    """Deliverables with a RACI matrix, decisions, conflicts and action items for every
    partnership that has started; returns row counts."""
    counts: dict[str, int] = {}
    started = [p for p in portfolio.partnerships if p.status != Lifecycle.PROPOSED]
    ws = workspace.pk

    # --- RACI -------------------------------------------------------------------------------
    deliverables: list[Deliverable] = []
    for partnership in started:
        for position, name in enumerate(rng.sample(DELIVERABLES, rng.randint(3, 6))):
            deliverables.append(
                Deliverable(
                    workspace=workspace,
                    partnership=partnership,
                    name=name,
                    due_date=today + timedelta(days=rng.randint(-30, 90)),
                    status=rng.choice(
                        (Deliverable.Status.ACTIVE,) * 3
                        + (Deliverable.Status.DONE, Deliverable.Status.CANCELLED)
                    ),
                    position=position,
                )
            )
    Deliverable.objects.bulk_create(deliverables, batch_size=BATCH)
    cells: list[tuple[Any, ...]] = []
    for deliverable in deliverables:
        members = portfolio.members[deliverable.partnership_id]
        accountable = members[0] if rng.random() < 0.6 else members[rng.randrange(len(members))]
        for member in members:
            if member is accountable:
                letter = "A"
            else:
                draw = rng.random()
                if draw < 0.15:
                    continue  # not every member has a letter on every row
                letter = "R" if draw < 0.45 else "C" if draw < 0.65 else "I"
            cells.append((ws, deliverable.pk, member.person_id, letter))
    counts["deliverables"] = len(deliverables)
    counts["RACI cells"] = rows_insert(
        RaciAssignment, ("workspace_id", "deliverable_id", "person_id", "letter"), cells
    )

    # --- decisions --------------------------------------------------------------------------
    decisions: list[Decision] = []
    for partnership in started:
        members = portfolio.members[partnership.pk]
        for title, context in rng.sample(DECISIONS, rng.randint(1, 5)):
            status = rng.choice(DECISION_STATUS)
            decided = status in {
                Decision.Status.DECIDED,
                Decision.Status.SUPERSEDED,
                Decision.Status.REVERSED,
            }
            day = _since(partnership.start_date, today, weeks, rng)
            decisions.append(
                Decision(
                    workspace=workspace,
                    partnership=partnership,
                    title=title,
                    context=context,
                    decision_text=title + "." if decided else "",
                    rationale="Agreed after input from every function." if decided else "",
                    decider=members[0].person,
                    status=status,
                    decided_at=_moment(day) if decided else None,
                    revisit_by=day + timedelta(weeks=12) if decided else None,
                    input_closes_at=_moment(today + timedelta(days=rng.randint(2, 10)))
                    if status == Decision.Status.OPEN
                    else None,
                    allow_anonymous=rng.random() < 0.3,
                )
            )
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    options: list[tuple[Any, ...]] = []
    stakeholders: list[tuple[Any, ...]] = []
    responses: list[tuple[Any, ...]] = []
    affected: list[tuple[int, int]] = []
    consulted: list[tuple[int, int]] = []
    decision_goals: list[tuple[int, int]] = []
    secret = settings.SECRET_KEY.encode()
    for decision in decisions:
        home = home_of(decision)
        members = portfolio.members[home]
        decided = decision.decided_at is not None
        chosen = rng.randrange(3)
        for position, label in enumerate(("Do it now", "Pilot first", "Wait a quarter")):
            options.append(
                (
                    ws,
                    decision.pk,
                    label,
                    "Faster result.",
                    "More risk.",
                    decided and position == chosen,
                    position,
                )
            )
        affected += [(decision.pk, pk) for pk in portfolio.functions[home]]
        goals = portfolio.goals.get(home, [])
        if goals and rng.random() < 0.5:
            decision_goals.append((decision.pk, goals[rng.randrange(len(goals))].pk))
        if decision.status == Decision.Status.DRAFT:
            continue
        asked = [m for m in members[1:] if rng.random() < 0.7]
        for member in asked:
            stakeholders.append((ws, decision.pk, member.person_id, member.function_id))
            consulted.append((decision.pk, member.person_id))
            if rng.random() < (0.85 if decided else 0.5):
                stance = str(POSITIONS[rng.randrange(len(POSITIONS))])
                anonymous = decision.allow_anonymous and rng.random() < 0.3
                message = f"{decision.uuid}:{member.person_id}".encode()
                responses.append(
                    (
                        ws,
                        decision.pk,
                        stance,
                        REASONS[stance] if stance != "agree" or rng.random() < 0.3 else "",
                        None if anonymous else member.person_id,
                        member.function_id,
                        anonymous,
                        hmac.new(secret, message, hashlib.sha256).hexdigest(),
                    )
                )
    counts["decisions"] = len(decisions)
    counts["decision options"] = rows_insert(
        DecisionOption,
        ("workspace_id", "decision_id", "title", "pros", "cons", "chosen", "position"),
        options,
    )
    counts["decision stakeholders"] = rows_insert(
        DecisionStakeholder,
        ("workspace_id", "decision_id", "person_id", "function_id"),
        stakeholders,
    )
    counts["decision inputs"] = rows_insert(
        DecisionResponse,
        (
            "workspace_id",
            "decision_id",
            "position",
            "reason",
            "person_id",
            "function_id",
            "anonymous",
            "responder_hash",
        ),
        responses,
    )
    rows_insert(Decision.affected_functions.through, ("decision_id", "function_id"), affected)
    rows_insert(Decision.consulted.through, ("decision_id", "person_id"), consulted)
    rows_insert(Decision.goals.through, ("decision_id", "goal_id"), decision_goals)

    # --- conflicts --------------------------------------------------------------------------
    conflicts: list[Conflict] = []
    parties: list[list[PartnershipMember]] = []
    for partnership in started:
        members = portfolio.members[partnership.pk]
        for title, kind in rng.sample(CONFLICTS, rng.choices((0, 1, 2, 3), (3, 4, 2, 1))[0]):
            stage = rng.choice(CONFLICT_STAGES)
            raised = _since(partnership.start_date, today, weeks, rng)
            ended = stage in {Conflict.Stage.RESOLVED, Conflict.Stage.CLOSED}
            pair = rng.sample(members, 2)
            parties.append(pair)
            conflicts.append(
                Conflict(
                    workspace=workspace,
                    partnership=partnership,
                    title=title,
                    description=f"Raised in {partnership.name}.",
                    type=kind,
                    severity=rng.choice(Conflict.Severity.values),
                    private=kind == Conflict.Type.INTERPERSONAL or rng.random() < 0.15,
                    stage=stage,
                    facilitator=members[0].person if members[0] not in pair else None,
                    agreement="Both sides agreed a weekly check on the shared list."
                    if ended
                    else "",
                    escalated_to=partnership.sponsor if stage == Conflict.Stage.ESCALATED else None,
                    escalation_reason="No agreement after two sessions."
                    if stage == Conflict.Stage.ESCALATED
                    else "",
                    resolved_at=_moment(min(today, raised + timedelta(days=14))) if ended else None,
                    closed_at=_moment(today) if stage == Conflict.Stage.CLOSED else None,
                    follow_up_date=raised + timedelta(days=30) if ended else None,
                )
            )
    Conflict.objects.bulk_create(conflicts, batch_size=BATCH)
    perspectives: list[tuple[Any, ...]] = []
    party_people: list[tuple[int, int]] = []
    party_functions: set[tuple[int, int]] = set()
    for conflict, pair in zip(conflicts, parties, strict=True):
        for member in pair:
            party_people.append((conflict.pk, member.person_id))
            party_functions.add((conflict.pk, member.function_id))
            perspectives.append(
                (
                    ws,
                    conflict.pk,
                    member.person_id,
                    member.function_id,
                    "We carry the cost of the current way of working.",
                    "A clear owner and a predictable week.",
                )
            )
    counts["conflicts"] = len(conflicts)
    counts["conflict perspectives"] = rows_insert(
        ConflictPerspective,
        ("workspace_id", "conflict_id", "person_id", "function_id", "perspective", "interests"),
        perspectives,
    )
    rows_insert(Conflict.party_people.through, ("conflict_id", "person_id"), party_people)
    rows_insert(
        Conflict.party_functions.through, ("conflict_id", "function_id"), sorted(party_functions)
    )

    # --- action items -----------------------------------------------------------------------
    by_partnership: dict[int, list[Decision]] = {}
    for decision in decisions:
        by_partnership.setdefault(decision.partnership_id or 0, []).append(decision)
    actions: list[tuple[Any, ...]] = []
    for partnership in started:
        members = portfolio.members[partnership.pk]
        goals = portfolio.goals.get(partnership.pk, [])
        linked = by_partnership.get(partnership.pk, [])
        for title in rng.sample(ACTIONS, rng.randint(2, 7)):
            action_status = rng.choice(
                (ActionItem.Status.OPEN,) * 3
                + (ActionItem.Status.IN_PROGRESS,) * 2
                + (ActionItem.Status.DONE,) * 4
                + (ActionItem.Status.DROPPED,)
            )
            due = today + timedelta(days=rng.randint(-21, 35))
            goal = goals[rng.randrange(len(goals))].pk if goals and rng.random() < 0.4 else None
            decision_key = (
                linked[rng.randrange(len(linked))].pk if linked and rng.random() < 0.3 else None
            )
            actions.append(
                (
                    ws,
                    partnership.pk,
                    title,
                    members[rng.randrange(len(members))].person_id,
                    due,
                    str(action_status),
                    goal,
                    decision_key,
                    _moment(min(due, today)) if action_status == ActionItem.Status.DONE else None,
                )
            )
    counts["action items"] = rows_insert(
        ActionItem,
        (
            "workspace_id",
            "partnership_id",
            "title",
            "owner_id",
            "due_date",
            "status",
            "goal_id",
            "decision_id",
            "completed_at",
        ),
        actions,
    )
    return counts
