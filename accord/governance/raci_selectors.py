"""Reads for the RACI matrix of a partnership: deliverables, cells, people and the rules' report.

The matrix loads in a constant number of queries (deliverables, their goals, cells, members,
functions, settings), whatever its size. Visibility follows the partnership's.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from accord.goals.models import Goal
from accord.governance.models import Deliverable, GovernanceSettings, RaciAssignment
from accord.metrics.raci import (
    LETTERS,
    CellFacts,
    DeliverableFacts,
    Finding,
    FunctionFacts,
    GoalFacts,
    PersonFacts,
    PersonLoad,
    RaciReport,
    raci_validate,
)
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.partnerships.selectors import partnership_can_contribute
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

EDIT_DENIED = (
    "Only the partnership's members, lead, sponsor and workspace admins can change its roles."
)
LETTER_NAMES = {
    "raci": {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"},
    "daci": {"D": "Driver", "A": "Approver", "C": "Contributor", "I": "Informed"},
}
# Row rules and the letters whose cells they highlight.
HIGHLIGHT = {
    "one-accountable": {"A"},
    "daci-one-approver": {"A"},
    "daci-one-driver": {"D"},
    "too-many-consulted": {"C"},
}


def raci_can_edit(*, membership: Membership, partnership: Partnership) -> bool:
    """Managers and members of the partnership (role member or above) edit its matrix."""
    return partnership_can_contribute(membership=membership, partnership=partnership)


def governance_settings_get(*, workspace: Workspace) -> GovernanceSettings:
    """The workspace's thresholds, or the defaults when none were saved."""
    found = GovernanceSettings.objects.filter(workspace=workspace).first()
    return found or GovernanceSettings(workspace=workspace)


def deliverable_list(*, partnership: Partnership) -> QuerySet[Deliverable]:
    """The partnership's deliverables in matrix order, with their goals (and owners)."""
    return (
        Deliverable.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.select_related("owner").order_by("title", "pk"),
            )
        )
        .order_by("position", "name", "pk")
    )


def deliverable_get(*, partnership: Partnership, uuid: Any) -> Deliverable:
    """One deliverable of the partnership, or 404."""
    found: Deliverable = object_get(
        deliverable_list(partnership=partnership), workspace=partnership.workspace, uuid=uuid
    )
    return found


def raci_assignment_list(*, partnership: Partnership) -> QuerySet[RaciAssignment]:
    return (
        RaciAssignment.objects.filter(
            workspace=partnership.workspace, deliverable__partnership=partnership
        )
        .select_related("person", "person__function", "deliverable")
        .order_by("deliverable__position", "deliverable__name", "person__name", "pk")
    )


def partnership_goal_choices(*, partnership: Partnership) -> QuerySet[Goal]:
    """Goals a deliverable of this partnership may deliver: the partnership's own."""
    return (
        Goal.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .select_related("owner")
        .order_by("title", "pk")
    )


# --- the matrix -----------------------------------------------------------------------------


@dataclass
class RaciColumn:
    """A person with a column: a member (with the function they represent) or an assignee."""

    person: Person
    function: Function | None
    member: bool
    load: PersonLoad | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class RaciCell:
    person: Person
    letter: str
    flagged: bool = False
    stray: bool = False  # a letter this row's mode does not use (kept, flagged by the rules)


@dataclass
class RaciRow:
    deliverable: Deliverable
    cells: list[RaciCell]
    findings: list[Finding]
    letters: list[tuple[str, str]]  # (letter, name) choices for this row's mode

    @property
    def severity(self) -> str | None:
        if any(f.severity == "error" for f in self.findings):
            return "error"
        return "warning" if self.findings else None


@dataclass
class FindingView:
    """A finding with the names (not ids) a page or export shows."""

    finding: Finding
    deliverable: Deliverable | None
    person: Person | None
    function: Function | None
    goal: Goal | None = None


@dataclass
class RaciMatrix:
    partnership: Partnership
    rows: list[RaciRow]
    columns: list[RaciColumn]
    all_columns: list[RaciColumn]
    report: RaciReport
    findings: list[FindingView]
    functions: list[Function]
    settings: GovernanceSettings
    filtered: bool = False


def raci_matrix(
    *,
    partnership: Partnership,
    person: str | None = None,
    function: str | None = None,
) -> RaciMatrix:
    """Rows, columns, cells and the rules' report; filters narrow what is shown, never what
    the rules see (findings always cover the whole matrix)."""
    workspace = partnership.workspace
    settings = governance_settings_get(workspace=workspace)
    deliverables = list(deliverable_list(partnership=partnership))
    assignments = list(raci_assignment_list(partnership=partnership))
    members = list(
        PartnershipMember.objects.filter(workspace=workspace, partnership=partnership)
        .select_related("person", "function")
        .order_by("function__name", "person__name", "pk")
    )
    functions = list(partnership.functions.order_by("name"))

    columns: dict[int, RaciColumn] = {}
    for member in members:
        columns[member.person_id] = RaciColumn(
            person=member.person, function=member.function, member=True
        )
    for assignment in assignments:
        if assignment.person_id not in columns:
            columns[assignment.person_id] = RaciColumn(
                person=assignment.person, function=assignment.person.function, member=False
            )
    letter_of: dict[tuple[int, int], str] = {
        (a.deliverable_id, a.person_id): a.letter for a in assignments
    }
    goals = {goal.pk: goal for d in deliverables for goal in d.goals.all()}
    report = raci_validate(
        deliverables=[
            DeliverableFacts(
                id=str(d.pk),
                name=d.name,
                mode=d.mode,
                status=d.status,
                goal_ids=tuple(str(g.pk) for g in d.goals.all()),
            )
            for d in deliverables
        ],
        people=[
            PersonFacts(
                id=str(pk),
                name=column.person.name,
                function=str(column.function.pk) if column.function else None,
                member=column.member,
            )
            for pk, column in columns.items()
        ],
        cells=[
            CellFacts(deliverable=str(d_id), person=str(p_id), letter=letter)
            for (d_id, p_id), letter in letter_of.items()
        ],
        functions=[FunctionFacts(id=str(f.pk), name=f.name) for f in functions],
        goals=[
            GoalFacts(
                id=str(g.pk),
                title=g.title,
                owner=str(g.owner_id) if g.owner_id else None,
                owner_name=g.owner.name if g.owner else "",
            )
            for g in goals.values()
        ],
        load_cap=settings.raci_load_cap,
        max_consulted=settings.raci_max_consulted,
    )

    by_deliverable: dict[str, list[Finding]] = defaultdict(list)
    by_person: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        if finding.deliverable:
            by_deliverable[finding.deliverable].append(finding)
        elif finding.person:
            by_person[finding.person].append(finding)
    loads = {load.person: load for load in report.loads}
    for pk, column in columns.items():
        column.load = loads.get(str(pk))
        column.findings = by_person.get(str(pk), [])
    all_columns = sorted(
        columns.values(),
        key=lambda c: (not c.member, c.function.name if c.function else "~", c.person.name),
    )

    shown_columns = all_columns
    if function:
        shown_columns = [
            c for c in shown_columns if c.function and str(c.function.uuid) == function
        ]
    if person:
        shown_columns = [c for c in shown_columns if str(c.person.uuid) == person]
    rows = []
    for deliverable in deliverables:
        findings = by_deliverable.get(str(deliverable.pk), [])
        highlighted: set[str] = set()
        flagged_people: set[str] = set()
        for finding in findings:
            highlighted |= HIGHLIGHT.get(finding.rule, set())
            if finding.rule == "letter-outside-mode":
                highlighted.add("R" if deliverable.mode == "daci" else "D")
            if finding.rule == "goal-owner-not-accountable" and finding.person:
                flagged_people.add(finding.person)
        cells = []
        for column in shown_columns:
            letter = letter_of.get((deliverable.pk, column.person.pk), "")
            cells.append(
                RaciCell(
                    person=column.person,
                    letter=letter,
                    flagged=bool(letter)
                    and (letter in highlighted or str(column.person.pk) in flagged_people),
                    stray=bool(letter) and letter not in LETTERS[deliverable.mode],
                )
            )
        if person and not any(cell.letter for cell in cells):
            continue
        rows.append(
            RaciRow(
                deliverable=deliverable,
                cells=cells,
                findings=findings,
                letters=[(x, LETTER_NAMES[deliverable.mode][x]) for x in LETTERS[deliverable.mode]],
            )
        )

    deliverable_by_id = {str(d.pk): d for d in deliverables}
    person_by_id: dict[str, Person] = {str(pk): c.person for pk, c in columns.items()}
    person_by_id.update({str(g.owner_id): g.owner for g in goals.values() if g.owner})
    function_by_id = {str(f.pk): f for f in functions}
    findings_view = [
        FindingView(
            finding=f,
            deliverable=deliverable_by_id.get(f.deliverable or ""),
            person=person_by_id.get(f.person or ""),
            function=function_by_id.get(f.function or ""),
            goal=goals.get(int(f.goal)) if f.goal else None,
        )
        for f in report.findings
    ]
    return RaciMatrix(
        partnership=partnership,
        rows=rows,
        columns=shown_columns,
        all_columns=all_columns,
        report=report,
        findings=findings_view,
        functions=functions,
        settings=settings,
        filtered=bool(person or function),
    )
