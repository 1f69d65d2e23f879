"""Demo RACI matrices for the Brightwater workspace.

Three partnerships get a matrix. Faster order-to-cash and Inventory right-sizing are sound
(one A per row, the goal owner as A, every function doing work; the latter has a DACI decision
row). Wholesale margin recovery breaks rules on purpose, so the findings have something to
show: two A's on one row, a member with no role, and a function with no R anywhere.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from accord.goals.models import Goal
from accord.governance.models import Deliverable, RaciAssignment
from accord.governance.raci_actions import raci_overdue_reminders
from accord.partnerships.models import Partnership, PartnershipMember
from accord.workspaces.models import Workspace


@dataclass(frozen=True)
class DemoRow:
    name: str
    due_in: int | None  # days from today; negative is overdue
    description: str = ""
    mode: str = Deliverable.Mode.RACI
    status: str = Deliverable.Status.ACTIVE


MATRICES: dict[str, tuple[DemoRow, ...]] = {
    "faster-order-to-cash": (
        DemoRow("Invoice within 24 hours of shipment", 30, "Automate invoice release."),
        DemoRow("Credit check before quote", 45),
        DemoRow("Dispute triage playbook", -6, "Who looks at a dispute first, and by when."),
        DemoRow("Collections cadence by segment", 60),
        DemoRow("Weekly DSO review pack", None, status=Deliverable.Status.DONE),
    ),
    "wholesale-margin-recovery": (
        DemoRow("Discount approval matrix", 21, "Who may approve which discount depth."),
        DemoRow("Price floor per SKU family", 35),
        DemoRow("Deal desk for orders above 50k", 50),
        DemoRow("Margin dashboard for account managers", 70),
    ),
    "inventory-right-sizing": (
        DemoRow("Slow-mover clearance plan", 28),
        DemoRow("Safety-stock model refresh", 56),
        DemoRow("Supplier lead-time update", 14),
        DemoRow(
            "Choose the reorder-point policy",
            10,
            "Decision between fixed reorder points and a demand-driven model.",
            mode=Deliverable.Mode.DACI,
        ),
    ),
}
BROKEN = "wholesale-margin-recovery"


def demo_raci_build(workspace: Workspace, *, today: date) -> None:
    """Add the demo deliverables and letters (bulk writes, deterministic), then record the
    reminders their overdue rows call for."""
    partnerships = {
        p.slug: p for p in Partnership.objects.filter(workspace=workspace, slug__in=MATRICES)
    }
    for slug, rows in MATRICES.items():
        partnership = partnerships.get(slug)
        if partnership is not None:
            _matrix_build(partnership, rows, today=today, broken=slug == BROKEN)
    raci_overdue_reminders(workspace=workspace, today=today)


def _matrix_build(
    partnership: Partnership, rows: tuple[DemoRow, ...], *, today: date, broken: bool
) -> None:
    workspace = partnership.workspace
    members = list(
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("person", "function")
        .order_by("function__name", "person__name")
    )
    if len(members) < 2:
        return
    goals = list(Goal.objects.filter(partnership=partnership).order_by("title", "pk"))
    deliverables = Deliverable.objects.bulk_create(
        [
            Deliverable(
                workspace=workspace,
                partnership=partnership,
                name=row.name,
                description=row.description,
                due_date=today + timedelta(days=row.due_in) if row.due_in is not None else None,
                status=row.status,
                mode=row.mode,
                position=index + 1,
            )
            for index, row in enumerate(rows)
        ]
    )
    Through = Deliverable.goals.through
    Through.objects.bulk_create(
        [
            Through(deliverable_id=d.pk, goal_id=goals[index].pk)
            for index, d in enumerate(deliverables)
            if index < len(goals)
        ]
    )
    by_function: dict[int, list[PartnershipMember]] = {}
    for member in members:
        by_function.setdefault(member.function_id, []).append(member)
    functions = list(by_function)
    member_ids = {m.person_id for m in members}
    letters: dict[tuple[int, int], str] = {}

    def free(index: int, candidates: list[PartnershipMember]) -> PartnershipMember | None:
        deliverable = deliverables[index]
        return next((m for m in candidates if (deliverable.pk, m.person_id) not in letters), None)

    for index, deliverable in enumerate(deliverables):
        goal = goals[index] if index < len(goals) else None
        # The goal owner is the A when they are a member: the rules ask for it.
        if goal is not None and goal.owner_id in member_ids:
            accountable = goal.owner_id
        else:
            accountable = members[index % len(members)].person_id
        letters[(deliverable.pk, accountable)] = "A"
        doer = "D" if deliverable.mode == Deliverable.Mode.DACI else "R"
        for step in range(2 if doer == "R" else 1):
            function = functions[(index + step) % len(functions)]
            chosen = free(index, by_function[function]) or free(index, members)
            if chosen is not None:
                letters[(deliverable.pk, chosen.person_id)] = doer
        consulted = free(index, members[index % len(members) :] + members)
        if consulted is not None:
            letters[(deliverable.pk, consulted.person_id)] = "C"
    # Everyone gets a role somewhere, and every function does work somewhere.
    for member in members:
        if not any(person == member.person_id for _, person in letters):
            letters[(deliverables[0].pk, member.person_id)] = "I"
    for people in by_function.values():
        if not any(
            letter == "R" and any(m.person_id == person for m in people)
            for (_, person), letter in letters.items()
        ):
            key = (deliverables[0].pk, people[0].person_id)
            if letters.get(key) != "A":
                letters[key] = "R"

    if broken:
        _break(deliverables, members, by_function, partnership, letters)
    RaciAssignment.objects.bulk_create(
        [
            RaciAssignment(workspace=workspace, deliverable_id=d, person_id=p, letter=letter)
            for (d, p), letter in letters.items()
        ]
    )


def _break(
    deliverables: list[Deliverable],
    members: list[PartnershipMember],
    by_function: dict[int, list[PartnershipMember]],
    partnership: Partnership,
    letters: dict[tuple[int, int], str],
) -> None:
    """Two A's on the first row, a member with no role, a function with no R."""
    first = deliverables[0].pk
    accountable = next(p for (d, p), letter in letters.items() if d == first and letter == "A")
    lead_function = next(
        (m.function_id for m in members if m.person_id == partnership.lead_id),
        members[0].function_id,
    )
    # The function with no R: one that is not the lead's.
    idle_function = next((f for f in by_function if f != lead_function), None)
    idle = {m.person_id for m in by_function.get(idle_function or 0, [])}
    for key, letter in list(letters.items()):
        if letter == "R" and key[1] in idle:
            letters[key] = "C"
    # A member without any role: the last member outside the lead and the idle function.
    spare = [
        m.person_id
        for m in members
        if m.person_id not in idle and m.person_id != partnership.lead_id
    ]
    roleless = spare[-1] if len(spare) > 1 else None
    if roleless is not None:
        for key in [k for k in letters if k[1] == roleless]:
            del letters[key]
    # A second A on the first row.
    second = next(
        (
            m.person_id
            for m in members
            if m.person_id not in {accountable, roleless} and m.person_id not in idle
        ),
        None,
    ) or next(m.person_id for m in members if m.person_id not in {accountable, roleless})
    letters[(first, second)] = "A"
    # Keep an R on every row (from the functions that still do work).
    for deliverable in deliverables:
        row = {p: letter for (d, p), letter in letters.items() if d == deliverable.pk}
        if "R" not in row.values():
            doer = next(
                (
                    m.person_id
                    for m in members
                    if m.person_id not in idle
                    and m.person_id != roleless
                    and m.person_id not in row
                ),
                None,
            )
            if doer is not None:
                letters[(deliverable.pk, doer)] = "R"
