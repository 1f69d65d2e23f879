"""Demo conflicts for the Brightwater workspace: one in every stage of the workflow, one
private, one escalated to its sponsor, one stale, and one opened from the demo's goal conflict
(Sales raising the wholesale discount while Finance lifts gross margin).

Written through the conflict actions with backdated timestamps, so the stage history, ages and
metrics look like a register that has been in use for a few months.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accord.goals.conflict_check import goal_conflicts
from accord.goals.models import Goal
from accord.governance import conflict_actions as actions
from accord.governance.models import Conflict
from accord.partnerships.models import Partnership, PartnershipMember
from accord.workspaces.models import Membership, Workspace

Stage = Conflict.Stage
PATH = [Stage.ACKNOWLEDGED, Stage.IN_DIALOGUE, Stage.OPTIONS, Stage.RESOLVED, Stage.CLOSED]


@dataclass(frozen=True)
class DemoConflict:
    partnership: str
    title: str
    type: str
    severity: str
    description: str
    stage: str  # the stage to walk it to
    raised_days_ago: int
    private: bool = False
    perspectives: tuple[tuple[str, str], ...] = ()
    options: tuple[str, ...] = ()
    agreement: str = ""
    escalation: str = ""
    follow_up: str = ""
    days_per_stage: int = 3
    extra: dict[str, Any] = field(default_factory=dict)


CONFLICTS = (
    DemoConflict(
        "faster-order-to-cash",
        "Who chases disputed invoices: Sales or Finance?",
        Conflict.Type.ROLES,
        Conflict.Severity.MEDIUM,
        "Disputed invoices bounce between account managers and collections; nobody owns the "
        "customer call.",
        Stage.RAISED,
        2,
    ),
    DemoConflict(
        "inventory-right-sizing",
        "Safety stock cuts vs on-shelf availability promises",
        Conflict.Type.PRIORITIES,
        Conflict.Severity.HIGH,
        "Operations wants to cut safety stock 20%; Sales has promised 98% availability to two "
        "grocery chains.",
        Stage.ACKNOWLEDGED,
        24,
        days_per_stage=3,
    ),
    DemoConflict(
        "storefront-conversion-sprint",
        "Engineering capacity: checkout fixes or the loyalty launch",
        Conflict.Type.RESOURCES,
        Conflict.Severity.MEDIUM,
        "Both need the same two engineers in the same sprint.",
        Stage.IN_DIALOGUE,
        9,
        perspectives=(
            ("Checkout errors cost us 3% of orders every day.", "Fix the leak first."),
            ("The loyalty launch date is public.", "Keep the date we announced."),
        ),
    ),
    DemoConflict(
        "new-hire-ramp-up",
        "Tension between the onboarding lead and a hiring manager",
        Conflict.Type.INTERPERSONAL,
        Conflict.Severity.LOW,
        "Feedback about the buddy programme landed badly in a team meeting.",
        Stage.IN_DIALOGUE,
        6,
        private=True,
        perspectives=(("It felt like public criticism.", "Raise concerns one to one first."),),
    ),
    DemoConflict(
        "support-deflection",
        "Help-centre articles: who approves the wording",
        Conflict.Type.PROCESS,
        Conflict.Severity.LOW,
        "Support writes articles fast; Marketing wants brand review, which adds a week.",
        Stage.CLOSED,
        70,
        perspectives=(
            ("Every week without an article is 300 tickets.", "Publish quickly."),
            ("Off-brand articles confuse customers.", "Keep one voice."),
        ),
        options=("Support publishes; Marketing reviews within 48 hours after publishing.",),
        agreement="Support publishes directly; Marketing reviews within two working days and "
        "edits in place.",
        follow_up="Held for a month: 14 articles published, all reviewed in time.",
        days_per_stage=8,
    ),
    DemoConflict(
        "faster-order-to-cash",
        "Payment terms for the top ten accounts",
        Conflict.Type.GOALS,
        Conflict.Severity.HIGH,
        "Finance wants 30-day terms; Sales says two key accounts will walk.",
        Stage.ESCALATED,
        30,
        perspectives=(
            ("Sixty-day terms fund our customers' growth, not ours.", "Cut DSO to 40 days."),
            ("Two accounts already said they will move.", "Keep the accounts."),
        ),
        options=("30-day terms with an early-payment discount for the two at-risk accounts.",),
        escalation="No option works for both sides on the two largest accounts; the sponsor "
        "needs to decide how much revenue risk is acceptable.",
        days_per_stage=5,
    ),
    DemoConflict(
        "inventory-right-sizing",
        "Reorder points changed without telling the warehouse",
        Conflict.Type.PROCESS,
        Conflict.Severity.MEDIUM,
        "Planning changed reorder points; the warehouse found out from empty bins.",
        Stage.RESOLVED,
        20,
        perspectives=(
            ("The new points came from the model; we assumed they were shared.", "Use the model."),
            ("We staff picks on the old points.", "Hear about changes a week ahead."),
        ),
        options=("Changes go out in the Monday update a week before they apply.",),
        agreement="Planning announces reorder-point changes in the Monday update a week ahead; "
        "the warehouse lead confirms.",
        days_per_stage=4,
    ),
)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _members(partnership: Partnership | None) -> list[PartnershipMember]:
    if partnership is None:
        return []
    return list(
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("person", "function")
        .order_by("function__name", "person__name")
    )


def _two_sides(members: list[PartnershipMember]) -> list[PartnershipMember]:
    """One member from each of two different functions."""
    chosen: list[PartnershipMember] = []
    for member in members:
        if all(member.function_id != other.function_id for other in chosen):
            chosen.append(member)
        if len(chosen) == 2:
            break
    return chosen


def _walk(
    conflict: Conflict,
    spec: DemoConflict,
    *,
    actor: Any,
    sides: list[PartnershipMember],
    facilitator: Any,
    escalate_to: Any,
    start: date,
) -> None:
    day = start
    targets: list[str] = []
    if spec.stage == Stage.ESCALATED:
        targets = [Stage.ACKNOWLEDGED, Stage.IN_DIALOGUE, Stage.OPTIONS, Stage.ESCALATED]
    elif spec.stage != Stage.RAISED:
        targets = [str(s) for s in PATH[: PATH.index(Stage(spec.stage)) + 1]]
    for to in targets:
        day = day + timedelta(days=spec.days_per_stage)
        if to == Stage.OPTIONS:
            for side, (text, interests) in zip(sides, spec.perspectives, strict=False):
                actions.conflict_perspective_add(
                    conflict=conflict,
                    actor=actor,
                    person=side.person,
                    function=side.function,
                    perspective=text,
                    interests=interests,
                )
        if to in (Stage.RESOLVED, Stage.ESCALATED):
            for text in spec.options:
                actions.conflict_option_add(conflict=conflict, actor=actor, description=text)
        actions.conflict_stage_move(
            conflict=conflict,
            actor=actor,
            to=to,
            facilitator=facilitator if to == Stage.IN_DIALOGUE else None,
            agreement=spec.agreement,
            escalation_reason=spec.escalation,
            escalated_to=escalate_to if to == Stage.ESCALATED else None,
            holds=True if to == Stage.CLOSED else None,
            note=spec.follow_up if to == Stage.CLOSED else "",
            follow_up_date=day + timedelta(days=21) if to == Stage.RESOLVED else None,
            now=_at(day),
        )
    if spec.stage == Stage.IN_DIALOGUE:
        for side, (text, interests) in zip(sides, spec.perspectives, strict=False):
            actions.conflict_perspective_add(
                conflict=conflict,
                actor=actor,
                person=side.person,
                function=side.function,
                perspective=text,
                interests=interests,
            )


def _from_goal_conflict(workspace: Workspace, membership: Membership, today: date) -> None:
    """Open the record for the discount-vs-margin goal conflict, as the one-click would."""
    overview = goal_conflicts(membership=membership, today=today)
    metrics = {"discount_rate", "gross_margin"}
    finding = next(
        (
            f
            for f in overview.conflicts
            if f.b is not None and {f.a.metric_key, f.b.metric_key} == metrics
        ),
        None,
    )
    goals: list[Goal]
    if finding is not None and finding.b is not None:
        goals, explanation, label = [finding.a, finding.b], finding.explanation, finding.label
    else:
        goals = list(
            Goal.objects.filter(workspace=workspace, metric_key__in=metrics).order_by("title")[:2]
        )
        explanation = "Raising the discount rate pulls gross margin down."
        label = "Metrics in tension"
    if len(goals) != 2:
        return
    goals = list(
        Goal.objects.filter(pk__in=[g.pk for g in goals]).select_related(
            "owner", "owner__function", "function", "partnership"
        )
    )
    owners = {g.owner.pk: g.owner for g in goals if g.owner is not None}
    functions = {}
    for goal in goals:
        function = goal.function or (goal.owner.function if goal.owner else None)
        if function is not None:
            functions[function.pk] = function
    partnership = next((g.partnership for g in goals if g.partnership), None)
    raised = _at(today - timedelta(days=5))
    conflict = actions.conflict_create(
        workspace=workspace,
        actor=membership.user,
        title=f"{label}: {goals[0].title} vs {goals[1].title}"[:300],
        type=Conflict.Type.GOALS,
        severity=Conflict.Severity.HIGH,
        party_people=list(owners.values()),
        party_functions=list(functions.values()),
        goals=goals,
        partnership=partnership,
        source="goal_conflict",
        source_explanation=explanation,
        now=raised,
    )
    actions.conflict_stage_move(
        conflict=conflict, actor=membership.user, to=Stage.ACKNOWLEDGED, now=raised + timedelta(1)
    )
    facilitator = partnership.lead if partnership and partnership.lead else None
    if facilitator is not None:
        actions.conflict_stage_move(
            conflict=conflict,
            actor=membership.user,
            to=Stage.IN_DIALOGUE,
            facilitator=facilitator,
            now=raised + timedelta(days=2),
        )
        views = {
            "discount_rate": (
                "Grocery chains compare us with two rivals; without 12% we lose the pitch.",
                "Win three new chains this half.",
            ),
            "gross_margin": (
                "Every point of discount comes straight off a margin we promised the board.",
                "Get wholesale margin back to 38%.",
            ),
        }
        for goal in goals:
            text, interests = views.get(goal.metric_key, ("", ""))
            person = goal.owner
            function = goal.function or (person.function if person else None)
            if text and (person is not None or function is not None):
                actions.conflict_perspective_add(
                    conflict=conflict,
                    actor=membership.user,
                    person=person,
                    function=function,
                    perspective=text,
                    interests=interests,
                )
        actions.conflict_stage_move(
            conflict=conflict, actor=membership.user, to=Stage.OPTIONS, now=raised + timedelta(3)
        )
        actions.conflict_option_add(
            conflict=conflict,
            actor=membership.user,
            description="Tiered discounts: up to 12% only on orders above the volume that keeps "
            "margin at 36% or more.",
        )


def demo_conflicts_build(workspace: Workspace, *, today: date) -> None:
    """Add the demo conflicts (deterministic; every stage, one private, one escalated, one
    stale, one from the discount-vs-margin goal conflict)."""
    membership = (
        Membership.objects.filter(workspace=workspace, role="owner").select_related("user").first()
    )
    if membership is None:
        return
    actor = membership.user
    partnerships = {
        p.slug: p
        for p in Partnership.objects.filter(workspace=workspace).select_related("lead", "sponsor")
    }
    for spec in CONFLICTS:
        partnership = partnerships.get(spec.partnership)
        sides = _two_sides(_members(partnership))
        if len(sides) < 2:
            continue
        start = today - timedelta(days=spec.raised_days_ago)
        lead = partnership.lead if partnership else None
        facilitator = lead if lead and lead.pk not in {s.person_id for s in sides} else None
        facilitator = facilitator or sides[0].person
        conflict = actions.conflict_create(
            workspace=workspace,
            actor=actor,
            title=spec.title,
            type=spec.type,
            severity=spec.severity,
            description=spec.description,
            party_people=[s.person for s in sides],
            party_functions=[s.function for s in sides],
            partnership=partnership,
            private=spec.private,
            now=_at(start, 9),
        )
        escalate_to = (partnership.sponsor or partnership.lead) if partnership else None
        _walk(
            conflict,
            spec,
            actor=actor,
            sides=sides,
            facilitator=facilitator,
            escalate_to=escalate_to or facilitator,
            start=start,
        )
    _from_goal_conflict(workspace, membership, today)
