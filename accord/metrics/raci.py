"""RACI and DACI validation: who is Responsible, Accountable, Consulted and Informed on each
deliverable of a partnership, and what in the matrix needs fixing.

Each rule has a stable id and a severity (docs/raci.md lists them):

- one-accountable (error): a RACI row needs exactly one A.
- responsible-present (error): a RACI row needs at least one R.
- daci-one-driver / daci-one-approver (error): a DACI row needs exactly one D and one A.
- letter-outside-mode (warning): an R on a DACI row or a D on a RACI row (kept, not used).
- too-many-consulted (warning): more C's on one row than the workspace cap.
- empty-row (warning): a deliverable nobody holds any letter on.
- member-without-role (warning): a partnership member with no letter on any deliverable.
- overloaded-person (warning): A/R (or D) on more active deliverables than the cap, or than
  median + 2·MAD of the members' loads.
- goal-owner-not-accountable (warning): a linked goal's owner is not the deliverable's A.
- function-without-responsible (warning): a function of the partnership nobody does work for.

Cancelled deliverables are ignored. An empty row reports only empty-row, not also the missing
A and R. The input is plain data; nothing here imports Django.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

ERROR, WARNING = "error", "warning"
RACI, DACI = "raci", "daci"
LETTERS: dict[str, tuple[str, ...]] = {RACI: ("R", "A", "C", "I"), DACI: ("D", "A", "C", "I")}
# Letters that put work or accountability on a person (they count toward their load).
LOAD_LETTERS = frozenset({"A", "R", "D"})
# Letters that mean "does the work" for the function coverage rule.
DOING_LETTERS = frozenset({"R", "D"})
MAD_FACTOR = 2.0

# id -> (severity, short title). The order is the order findings are listed in.
RULES: dict[str, tuple[str, str]] = {
    "one-accountable": (ERROR, "Exactly one A per deliverable"),
    "responsible-present": (ERROR, "At least one R per deliverable"),
    "daci-one-driver": (ERROR, "Exactly one Driver per DACI deliverable"),
    "daci-one-approver": (ERROR, "Exactly one Approver per DACI deliverable"),
    "letter-outside-mode": (WARNING, "Letter not used in this mode"),
    "too-many-consulted": (WARNING, "Too many C's on one row"),
    "empty-row": (WARNING, "Deliverable with nobody on it"),
    "member-without-role": (WARNING, "Member with no role anywhere"),
    "overloaded-person": (WARNING, "One person holds A/R on too many deliverables"),
    "goal-owner-not-accountable": (WARNING, "Goal owner is not the A"),
    "function-without-responsible": (WARNING, "Function with no R anywhere"),
}


@dataclass(frozen=True)
class DeliverableFacts:
    id: str
    name: str
    mode: str = RACI
    status: str = "active"  # active | done | cancelled
    goal_ids: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class PersonFacts:
    id: str
    name: str
    function: str | None = None  # the function id they represent (or belong to)
    member: bool = True  # a member of the partnership (not just someone assigned)


@dataclass(frozen=True)
class FunctionFacts:
    id: str
    name: str


@dataclass(frozen=True)
class GoalFacts:
    id: str
    title: str
    owner: str | None = None
    owner_name: str = ""  # for the explanation when the owner has no column


@dataclass(frozen=True)
class CellFacts:
    deliverable: str
    person: str
    letter: str


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    explanation: str
    deliverable: str | None = None
    person: str | None = None
    function: str | None = None
    goal: str | None = None

    @property
    def title(self) -> str:
        return RULES[self.rule][1]


@dataclass(frozen=True)
class PersonLoad:
    """A person's A/R count on active deliverables and, when flagged, why."""

    person: str
    count: int
    flagged: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class RaciReport:
    findings: tuple[Finding, ...]
    loads: tuple[PersonLoad, ...]
    load_median: float
    load_mad: float
    load_threshold: float | None  # median + 2·MAD, or None when it cannot discriminate
    load_cap: int
    counts: dict[str, int] = field(default_factory=dict)  # severity -> findings

    @property
    def errors(self) -> int:
        return self.counts.get(ERROR, 0)

    @property
    def warnings(self) -> int:
        return self.counts.get(WARNING, 0)


def _finding(rule: str, explanation: str, **ids: str | None) -> Finding:
    return Finding(rule=rule, severity=RULES[rule][0], explanation=explanation, **ids)


def _names(people: Iterable[PersonFacts]) -> str:
    names = [person.name for person in people]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def mad(values: Sequence[float]) -> float:
    """Median absolute deviation: median(|x − median(x)|), unscaled (Hampel 1974)."""
    if not values:
        return 0.0
    centre = median(values)
    return float(median(abs(value - centre) for value in values))


def load_threshold(loads: Sequence[int]) -> tuple[float, float, float | None]:
    """(median, MAD, median + 2·MAD) of the members' A/R loads.

    The robust outlier rule of Hampel (1974), recommended over mean ± k·SD by Leys et al.
    (2013, J. Exp. Soc. Psychol. 49:764) because one heavy load cannot inflate it. MAD is not
    scaled by 1.4826 and k = 2, as METRICS.md §8 specifies. With fewer than three people, or
    MAD = 0 (most loads equal), the threshold is None: it would flag anyone above the median.
    """
    if not loads:
        return 0.0, 0.0, None
    centre = float(median(loads))
    spread = mad([float(value) for value in loads])
    if len(loads) < 3 or spread == 0:
        return centre, spread, None
    return centre, spread, centre + MAD_FACTOR * spread


def raci_validate(
    *,
    deliverables: Sequence[DeliverableFacts],
    people: Sequence[PersonFacts],
    cells: Iterable[CellFacts],
    functions: Sequence[FunctionFacts] = (),
    goals: Sequence[GoalFacts] = (),
    load_cap: int = 5,
    max_consulted: int = 4,
) -> RaciReport:
    """Check a partnership's matrix against every rule; findings carry their explanation."""
    person_by_id = {person.id: person for person in people}
    goal_by_id = {goal.id: goal for goal in goals}
    counted = [d for d in deliverables if d.status != "cancelled"]
    counted_ids = {d.id for d in counted}
    active_ids = {d.id for d in counted if d.active}
    row: dict[str, list[CellFacts]] = defaultdict(list)
    for cell in cells:
        if cell.deliverable in counted_ids:
            row[cell.deliverable].append(cell)

    findings: list[Finding] = []
    for deliverable in counted:
        findings += _row_findings(deliverable, row[deliverable.id], person_by_id, max_consulted)
        findings += _goal_owner_findings(deliverable, row[deliverable.id], goal_by_id, person_by_id)

    holders = {cell.person for cells_ in row.values() for cell in cells_}
    if counted:
        for person in people:
            if person.member and person.id not in holders:
                findings.append(
                    _finding(
                        "member-without-role",
                        f"{person.name} is a member but holds no letter on any deliverable. "
                        "Give them a role, or ask whether they still need to be a member.",
                        person=person.id,
                    )
                )
        doing_functions = {
            person_by_id[cell.person].function
            for cells_ in row.values()
            for cell in cells_
            if cell.letter in DOING_LETTERS and cell.person in person_by_id
        }
        for function in functions:
            if function.id not in doing_functions:
                findings.append(
                    _finding(
                        "function-without-responsible",
                        f"Nobody from {function.name} is Responsible (R) for any deliverable: "
                        f"the partnership counts on {function.name} but gives it no work.",
                        function=function.id,
                    )
                )

    loads, centre, spread, threshold = _loads(people, row, active_ids, load_cap)
    for load in loads:
        if load.flagged:
            findings.append(
                _finding(
                    "overloaded-person",
                    f"{person_by_id[load.person].name} is A or R on {load.count} active "
                    f"deliverables: {' and '.join(load.reasons)}. Share the work or "
                    "accountability with someone else.",
                    person=load.person,
                )
            )

    order = {rule: index for index, rule in enumerate(RULES)}
    position = {d.id: index for index, d in enumerate(deliverables)}
    findings.sort(
        key=lambda f: (
            f.severity != ERROR,
            order[f.rule],
            position.get(f.deliverable or "", -1),
        )
    )
    counts: dict[str, int] = defaultdict(int)
    for finding in findings:
        counts[finding.severity] += 1
    return RaciReport(
        findings=tuple(findings),
        loads=tuple(loads),
        load_median=centre,
        load_mad=spread,
        load_threshold=threshold,
        load_cap=load_cap,
        counts=dict(counts),
    )


def _row_findings(
    deliverable: DeliverableFacts,
    cells: list[CellFacts],
    person_by_id: dict[str, PersonFacts],
    max_consulted: int,
) -> list[Finding]:
    name, ids = deliverable.name, {"deliverable": deliverable.id}
    if not cells:
        return [
            _finding(
                "empty-row",
                f"Nobody has a role on “{name}”. Give it an A and at least one R.",
                **ids,
            )
        ]
    by_letter: dict[str, list[PersonFacts]] = defaultdict(list)
    for cell in cells:
        person = person_by_id.get(cell.person, PersonFacts(id=cell.person, name="someone"))
        by_letter[cell.letter].append(person)
    found: list[Finding] = []
    accountable = by_letter["A"]
    if deliverable.mode == DACI:
        drivers = by_letter["D"]
        if len(drivers) != 1:
            found.append(
                _finding(
                    "daci-one-driver",
                    f"“{name}” has {_count_text(drivers, 'Drivers', 'Driver')}; a decision "
                    "needs exactly one Driver (D) who moves it forward.",
                    **ids,
                )
            )
        if len(accountable) != 1:
            found.append(
                _finding(
                    "daci-one-approver",
                    f"“{name}” has {_count_text(accountable, 'Approvers', 'Approver')}; a "
                    "decision needs exactly one Approver (A) who makes the call.",
                    **ids,
                )
            )
        stray = by_letter["R"]
        if stray:
            found.append(
                _finding(
                    "letter-outside-mode",
                    f"“{name}” is a DACI row but {_names(stray)} "
                    f"{'holds' if len(stray) == 1 else 'hold'} R, which DACI does not use; "
                    "make them the Driver (D) or a Contributor (C).",
                    **ids,
                )
            )
    else:
        if len(accountable) != 1:
            found.append(
                _finding(
                    "one-accountable",
                    f"“{name}” has {_count_text(accountable, 'people accountable', 'A')}; "
                    "exactly one person should be Accountable (A), so the buck stops with "
                    "someone.",
                    **ids,
                )
            )
        if not by_letter["R"]:
            found.append(
                _finding(
                    "responsible-present",
                    f"Nobody is Responsible (R) for “{name}”: someone has to do the work.",
                    **ids,
                )
            )
        stray = by_letter["D"]
        if stray:
            found.append(
                _finding(
                    "letter-outside-mode",
                    f"“{name}” is a RACI row but {_names(stray)} "
                    f"{'holds' if len(stray) == 1 else 'hold'} D (Driver), which only DACI "
                    "rows use; make them Responsible (R) or switch the row to DACI.",
                    **ids,
                )
            )
    consulted = by_letter["C"]
    if len(consulted) > max_consulted:
        found.append(
            _finding(
                "too-many-consulted",
                f"“{name}” has {len(consulted)} people consulted (C), more than "
                f"{max_consulted}: every C is a two-way conversation. Make some of them "
                "Informed (I).",
                **ids,
            )
        )
    return found


def _count_text(people: list[PersonFacts], plural: str, singular: str) -> str:
    if not people:
        return f"no {singular}"
    if len(people) == 1:
        return f"one {singular}"
    return f"{len(people)} {plural} ({_names(people)})"


def _goal_owner_findings(
    deliverable: DeliverableFacts,
    cells: list[CellFacts],
    goal_by_id: dict[str, GoalFacts],
    person_by_id: dict[str, PersonFacts],
) -> list[Finding]:
    accountable = {cell.person for cell in cells if cell.letter == "A"}
    if not accountable:
        return []
    found = []
    for goal_id in deliverable.goal_ids:
        goal = goal_by_id.get(goal_id)
        if goal is None or goal.owner is None or goal.owner in accountable:
            continue
        owner = person_by_id.get(goal.owner)
        owner_name = owner.name if owner else (goal.owner_name or "someone outside the matrix")
        a_names = _names(person_by_id[p] for p in sorted(accountable) if p in person_by_id)
        found.append(
            _finding(
                "goal-owner-not-accountable",
                f"“{deliverable.name}” delivers the goal “{goal.title}”, owned by {owner_name}, "
                f"but {a_names or 'someone else'} is the A. Make the goal owner accountable, "
                "or agree who answers for the goal.",
                deliverable=deliverable.id,
                goal=goal.id,
                person=goal.owner,
            )
        )
    return found


def _loads(
    people: Sequence[PersonFacts],
    row: dict[str, list[CellFacts]],
    active_ids: set[str],
    cap: int,
) -> tuple[list[PersonLoad], float, float, float | None]:
    count: dict[str, int] = defaultdict(int)
    for deliverable, cells in row.items():
        if deliverable not in active_ids:
            continue
        for cell in cells:
            if cell.letter in LOAD_LETTERS:
                count[cell.person] += 1
    members = [person.id for person in people if person.member]
    centre, spread, threshold = load_threshold([count[person] for person in members])
    loads = []
    for person in people:
        value = count[person.id]
        reasons = []
        if value > cap:
            reasons.append(f"above the cap of {cap}")
        if threshold is not None and value > threshold:
            reasons.append(f"above the team's median + 2·MAD ({threshold:g})")
        loads.append(
            PersonLoad(person=person.id, count=value, flagged=bool(reasons), reasons=tuple(reasons))
        )
    return loads, centre, spread, threshold
