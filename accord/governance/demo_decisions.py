"""The demo's decision log: one decision open for input with mixed responses and an anonymous
block, decided ones (one superseded by a later one, one reversed, one due for revisit), a
draft with options, and a change proposal with open and answered concerns and readiness."""

import datetime
from datetime import date
from typing import Any

from django.utils import timezone

from accord.governance.decision_selectors import rater_hash, responder_hash
from accord.governance.models import (
    ChangeImpact,
    ChangeProposal,
    Concern,
    Decision,
    DecisionOption,
    DecisionResponse,
    DecisionStakeholder,
    ReadinessRating,
)
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.workspaces.audit import audit_record
from accord.workspaces.models import Workspace

OPEN_TITLE = "Cap wholesale discounts at 12% without Finance sign-off"
CHANGE_TITLE = "Route tier-1 tickets through the help centre first"


def _at(today: date, days: int, hour: int = 10) -> datetime.datetime:
    day = today + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _decision(
    workspace: Workspace,
    partnership: Partnership,
    *,
    created: datetime.datetime,
    options: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    chosen: int | None = None,
    **fields: Any,
) -> Decision:
    decision = Decision.objects.create(
        workspace=workspace,
        partnership=partnership,
        decider=fields.pop("decider", partnership.lead),
        **fields,
    )
    decision.affected_functions.set(partnership.functions.all())
    DecisionOption.objects.bulk_create(
        [
            DecisionOption(
                workspace=workspace,
                decision=decision,
                title=title,
                pros=pros,
                cons=cons,
                chosen=index == chosen,
                position=index,
            )
            for index, (title, pros, cons) in enumerate(options)
        ]
    )
    Decision.objects.filter(pk=decision.pk).update(created_at=created)
    audit_record(
        workspace=workspace,
        actor=None,
        action="create",
        instance=decision,
        changes={"title": [None, decision.title], "status": [None, decision.get_status_display()]},
    )
    return decision


def _members(partnership: Partnership) -> dict[int, list[Person]]:
    """The partnership's people by function id, leads first."""
    grouped: dict[int, list[Person]] = {}
    for member in (
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("person")
        .order_by("role", "person__name")
    ):
        grouped.setdefault(member.function_id, []).append(member.person)
    return grouped


def _open_for_input(workspace: Workspace, partnership: Partnership, today: date) -> None:
    decision = _decision(
        workspace,
        partnership,
        created=_at(today, -4),
        title=OPEN_TITLE,
        context=(
            "Discounts above 12% made up 31% of wholesale orders last quarter and took gross "
            "margin from 38% to 33%. Reps approve them on their own today."
        ),
        decision_text="Discounts above 12% need Finance sign-off within one business day.",
        rationale="Protects margin while keeping reps able to close most deals alone.",
        status=Decision.Status.OPEN,
        input_mode=Decision.InputMode.CONSENT,
        input_closes_at=_at(today, 3, 17),
        allow_anonymous=True,
        revisit_by=today + datetime.timedelta(days=90),
        options=[
            ("Cap at 12% with Finance sign-off", "Margin protected", "Slower big deals"),
            ("Cap at 15%", "Fewer escalations", "Margin still leaks"),
            ("No cap, weekly review", "Reps keep speed", "Damage found late"),
        ],
    )
    grouped = _members(partnership)
    functions = list(partnership.functions.order_by("name"))
    stakeholders: list[tuple[Person, Function]] = []
    for function in functions:
        people = [p for p in grouped.get(function.pk, []) if p.pk != decision.decider_id]
        stakeholders += [(person, function) for person in people[:2]]
    DecisionStakeholder.objects.bulk_create(
        [
            DecisionStakeholder(workspace=workspace, decision=decision, person=p, function=f)
            for p, f in stakeholders
        ]
    )
    decision.consulted.set([p for p, _f in stakeholders[:2]])
    # Mixed input: agree, disagree with a reason, an anonymous block; the demo owner login
    # (Operations) has not responded yet, and one function stays silent.
    positions = [
        ("agree", "", False),
        ("disagree", "One business day is too slow at quarter end.", False),
        ("block", "Our top three accounts have contracts above 12%; this breaks them.", True),
    ]
    responders = [(p, f) for p, f in stakeholders if p.user_id is None][: len(positions)]
    DecisionResponse.objects.bulk_create(
        [
            DecisionResponse(
                workspace=workspace,
                decision=decision,
                position=position,
                reason=reason,
                person=None if anonymous else person,
                function=function,
                anonymous=anonymous,
                responder_hash=responder_hash(decision, person),
            )
            for (person, function), (position, reason, anonymous) in zip(
                responders, positions, strict=False
            )
        ]
    )


def _decided_and_superseded(workspace: Workspace, partnership: Partnership, today: date) -> None:
    first = _decision(
        workspace,
        partnership,
        created=_at(today, -75),
        title="Invoice on delivery confirmation",
        context="Invoices went out at month end; DSO was 52 days.",
        decision_text="Invoice when the carrier confirms delivery.",
        rationale="Removes the month-end batch without disputes about undelivered goods.",
        status=Decision.Status.SUPERSEDED,
        decided_at=_at(today, -70),
        outcome_statement="Invoice on delivery confirmation, starting next month.",
    )
    second = _decision(
        workspace,
        partnership,
        created=_at(today, -25),
        title="Invoice on shipment, including drop-ship orders",
        context=(
            "Delivery confirmations arrive 4 days after shipment on average, and drop-ship "
            "orders never send one. Supersedes the delivery-confirmation rule."
        ),
        decision_text="Invoice when the order ships, for every channel.",
        rationale="Cuts 4 days of DSO; disputes stayed under 1% in the pilot.",
        status=Decision.Status.DECIDED,
        decided_at=_at(today, -20),
        outcome_statement=(
            "Invoice on shipment for all orders. Customer Success's concern about disputes is "
            "answered by the 1% pilot result; we revisit in a quarter."
        ),
        revisit_by=today + datetime.timedelta(days=70),
        options=[
            ("Invoice on shipment", "4 days faster", "Some disputes"),
            ("Keep delivery confirmation", "No disputes", "Drop-ship never invoiced on time"),
        ],
        chosen=0,
    )
    Decision.objects.filter(pk=first.pk).update(superseded_by=second)
    informed = Person.objects.filter(workspace=workspace, function__name="Finance")[:3]
    second.informed.set(informed)


def _decided_due_for_revisit(workspace: Workspace, partnership: Partnership, today: date) -> None:
    _decision(
        workspace,
        partnership,
        created=_at(today, -100),
        title="Weekly S&OP review replaces the monthly one",
        context="Stock-outs doubled while the monthly review waited for data.",
        decision_text="A 45-minute weekly S&OP review with Sales, Operations and Finance.",
        rationale="Shorter loops catch demand shifts before they become stock-outs.",
        status=Decision.Status.DECIDED,
        decided_at=_at(today, -95),
        outcome_statement="Weekly review from next Monday; revisit after one quarter.",
        revisit_by=today - datetime.timedelta(days=2),
        options=[
            ("Weekly 45-minute review", "Faster loops", "More meetings"),
            ("Keep monthly, add alerts", "Fewer meetings", "Alerts get ignored"),
        ],
        chosen=0,
    )


def _reversed(workspace: Workspace, partnership: Partnership, today: date) -> None:
    decision = _decision(
        workspace,
        partnership,
        created=_at(today, -50),
        title="New hires shadow support for their whole first week",
        context="New engineers did not know the product from the customer's side.",
        status=Decision.Status.REVERSED,
        decided_at=_at(today, -45),
        outcome_statement="Every new hire spends week one shadowing support.",
    )
    audit_record(
        workspace=workspace,
        actor=None,
        action="update",
        instance=decision,
        changes={
            "status": ["Decided", "Reversed"],
            "reversal reason": [None, "A full week delayed onboarding; two days do the job."],
        },
    )


def _draft(workspace: Workspace, partnership: Partnership, today: date) -> None:
    _decision(
        workspace,
        partnership,
        created=_at(today, -1),
        title="Choose the A/B testing tool for the storefront",
        context="Experiments are run by hand today; each takes a sprint to set up.",
        status=Decision.Status.DRAFT,
        options=[
            ("Hosted experimentation service", "Ready in a week", "Yearly licence"),
            ("Build on our feature flags", "No licence", "Two sprints of work"),
        ],
    )


def _change(workspace: Workspace, partnership: Partnership, today: date) -> None:
    decision = _decision(
        workspace,
        partnership,
        created=_at(today, -6),
        kind=Decision.Kind.CHANGE,
        title=CHANGE_TITLE,
        context="42% of tickets ask questions the help centre already answers.",
        decision_text="Tier-1 tickets show matching help articles before they reach an agent.",
        status=Decision.Status.DRAFT,
    )
    proposal = ChangeProposal.objects.create(
        workspace=workspace,
        decision=decision,
        what_changes=(
            "Customers see suggested articles before submitting a tier-1 ticket; agents link "
            "an article in every answer they give."
        ),
        benefits="Fewer repetitive tickets; agents spend time on hard cases.",
        risks="Customers feel deflected; articles go stale.",
        rollout_plan="Pilot with 10% of traffic for two weeks, then all tier-1 categories.",
        success_measures="Deflection rate from 8% to 20%; CSAT stays at or above 4.4.",
        follow_up_date=today + datetime.timedelta(days=45),
    )
    functions = {f.name: f for f in partnership.functions.all()}
    impacts = [
        (
            "Customer Success",
            "Tier-1 agents",
            "Link articles in answers; fewer simple tickets.",
            "high",
        ),
        ("Engineering", "Web team", "Build the suggestion widget.", "medium"),
        ("Product", "Help centre owner", "Keep the top 50 articles current.", "medium"),
    ]
    ChangeImpact.objects.bulk_create(
        [
            ChangeImpact(
                workspace=workspace,
                proposal=proposal,
                function=functions[name],
                roles=roles,
                impact=impact,
                level=level,
            )
            for name, roles, impact, level in impacts
            if name in functions
        ]
    )
    grouped = _members(partnership)
    people = [p for group in grouped.values() for p in group]
    cs = functions.get("Customer Success")
    concerns = [
        ("Customers with urgent problems will give up before reaching us.", True, "open", ""),
        (
            "Articles for the billing portal are a year old.",
            False,
            "plan_changed",
            "Billing articles are rewritten before the pilot starts.",
        ),
        (
            "Deflection could hide real product bugs.",
            False,
            "accepted_risk",
            "Accepted: we review deflected topics weekly with Product.",
        ),
    ]
    for index, (body, anonymous, status, response) in enumerate(concerns):
        raiser = people[index % len(people)] if people else None
        Concern.objects.create(
            workspace=workspace,
            proposal=proposal,
            body=body,
            raised_by=None if anonymous or raiser is None else raiser,
            function=cs if anonymous else (raiser.function if raiser else None),
            anonymous=anonymous,
            status=status,
            response=response,
            responded_at=timezone.now() if response else None,
        )
    scores = {
        "Customer Success": [(4, 2, 3, 3, 2), (4, 3, 3, 2, 2), (5, 2, 4, 3, 3)],
        "Engineering": [(4, 4, 4, 4, 3), (3, 4, 3, 4, 3)],
        "Product": [(5, 4, 3, 3, 3), (4, 4, 2, 3, 3)],
    }
    ratings = []
    for name, rows in scores.items():
        if name not in functions:
            continue
        raters = grouped.get(functions[name].pk, [])
        for index, (a, d, k, ab, r) in enumerate(rows):
            # Demo raters beyond the members are keyed by a stand-in person id.
            rater = raters[index] if index < len(raters) else None
            key = rater_hash(proposal, rater) if rater else f"demo-{name}-{index}"
            ratings.append(
                ReadinessRating(
                    workspace=workspace,
                    proposal=proposal,
                    function=functions[name],
                    phase=ReadinessRating.Phase.BEFORE,
                    awareness=a,
                    desire=d,
                    knowledge=k,
                    ability=ab,
                    reinforcement=r,
                    rater_hash=key,
                )
            )
    ReadinessRating.objects.bulk_create(ratings)


def demo_decisions_build(workspace: Workspace, *, today: date) -> None:
    """Add the decision log to the demo workspace (the partnerships must exist)."""
    partnerships = {p.slug: p for p in Partnership.objects.filter(workspace=workspace)}
    builders = [
        ("wholesale-margin-recovery", _open_for_input),
        ("faster-order-to-cash", _decided_and_superseded),
        ("inventory-right-sizing", _decided_due_for_revisit),
        ("new-hire-ramp-up", _reversed),
        ("storefront-conversion-sprint", _draft),
        ("support-deflection", _change),
    ]
    for slug, build in builders:
        if slug in partnerships:
            build(workspace, partnerships[slug], today)
