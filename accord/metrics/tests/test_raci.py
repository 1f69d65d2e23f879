"""RACI and DACI rules: each rule fires on the matrix it describes and stays quiet otherwise."""

from accord.metrics.raci import (
    CellFacts,
    DeliverableFacts,
    FunctionFacts,
    GoalFacts,
    PersonFacts,
    load_threshold,
    mad,
    raci_validate,
)

SALES, FINANCE = FunctionFacts("f-sales", "Sales"), FunctionFacts("f-fin", "Finance")
ANA = PersonFacts("ana", "Ana", function="f-sales")
BEN = PersonFacts("ben", "Ben", function="f-fin")
CAL = PersonFacts("cal", "Cal", function="f-sales")
PEOPLE = [ANA, BEN, CAL]


def cells(*spec: str) -> list[CellFacts]:
    """ "d1 ana A" -> a cell."""
    return [CellFacts(*text.split()) for text in spec]


def rules(report) -> list[tuple[str, str | None]]:
    return [(f.rule, f.deliverable or f.person or f.function) for f in report.findings]


def check(deliverables, cell_spec, **kwargs):
    kwargs.setdefault("people", PEOPLE)
    kwargs.setdefault("functions", [SALES, FINANCE])
    return raci_validate(deliverables=deliverables, cells=cells(*cell_spec), **kwargs)


def test_a_complete_matrix_has_no_findings():
    """One A and an R per row, everyone holds a role, both functions do work: nothing to fix."""
    report = check(
        [DeliverableFacts("d1", "Pricing"), DeliverableFacts("d2", "Billing")],
        ["d1 ana A", "d1 ben R", "d2 ben A", "d2 cal R"],
    )
    assert report.findings == ()
    assert report.errors == 0


def test_two_accountable_is_an_error_naming_both():
    """Two A's on a row is the one-accountable error, and the explanation names both people."""
    report = check(
        [DeliverableFacts("d1", "Pricing")], ["d1 ana A", "d1 ben A", "d1 cal R", "d1 ben R"]
    )
    (finding,) = [f for f in report.findings if f.rule == "one-accountable"]
    assert finding.severity == "error"
    assert finding.deliverable == "d1"
    assert "2 people accountable (Ana and Ben)" in finding.explanation


def test_no_accountable_and_no_responsible_are_errors():
    """A row with only C and I misses its A and its R."""
    report = check([DeliverableFacts("d1", "Pricing")], ["d1 ana C", "d1 ben I", "d1 cal I"])
    assert ("one-accountable", "d1") in rules(report)
    assert ("responsible-present", "d1") in rules(report)
    assert report.errors == 2


def test_an_empty_row_is_one_warning_not_three():
    """A deliverable nobody is on reports empty-row only."""
    report = check(
        [DeliverableFacts("d1", "Pricing"), DeliverableFacts("d2", "Empty")],
        ["d1 ana A", "d1 ben R", "d1 cal R"],
    )
    assert rules(report) == [("empty-row", "d2")]
    assert report.findings[0].severity == "warning"


def test_cancelled_rows_are_ignored():
    report = check(
        [DeliverableFacts("d1", "Pricing"), DeliverableFacts("d2", "Old", status="cancelled")],
        ["d1 ana A", "d1 ben R", "d1 cal R"],
    )
    assert report.findings == ()


def test_daci_needs_one_driver_and_one_approver_and_no_r():
    """DACI rows check D and A, never R; an R there is flagged as outside the mode."""
    decision = DeliverableFacts("d1", "Choose a CRM", mode="daci")
    ok = check([decision], ["d1 ana D", "d1 ben A", "d1 cal C"], functions=[SALES])
    assert ok.findings == ()
    bad = check([decision], ["d1 ana D", "d1 cal D", "d1 ben R"], functions=[SALES])
    assert [r for r, _ in rules(bad)] == [
        "daci-one-driver",
        "daci-one-approver",
        "letter-outside-mode",
    ]


def test_too_many_consulted_uses_the_cap():
    people = [PersonFacts(f"p{i}", f"P{i}", function="f-sales") for i in range(6)]
    spec = ["d1 p0 A", "d1 p1 R"] + [f"d1 p{i} C" for i in range(2, 6)]
    report = check([DeliverableFacts("d1", "Pricing")], spec, people=people, functions=[])
    assert report.findings == ()
    report = check(
        [DeliverableFacts("d1", "Pricing")], spec, people=people, functions=[], max_consulted=3
    )
    assert rules(report) == [("too-many-consulted", "d1")]
    assert "4 people consulted" in report.findings[0].explanation


def test_member_without_role_but_not_someone_only_assigned():
    """Members with no letter are flagged; with no deliverables at all, nobody is."""
    outsider = PersonFacts("zed", "Zed", function="f-fin", member=False)
    report = check(
        [DeliverableFacts("d1", "Pricing")],
        ["d1 ana R", "d1 ben A", "d1 zed R"],
        people=[*PEOPLE, outsider],
    )
    assert rules(report) == [("member-without-role", "cal")]
    assert check([], []).findings == ()


def test_function_with_no_r_anywhere():
    report = check([DeliverableFacts("d1", "Pricing")], ["d1 ana A", "d1 cal R", "d1 ben I"])
    assert rules(report) == [("function-without-responsible", "f-fin")]
    assert "Nobody from Finance" in report.findings[0].explanation


def test_goal_owner_should_be_the_accountable():
    goal = GoalFacts("g1", "Cut DSO", owner="ben")
    deliverable = DeliverableFacts("d1", "Pricing", goal_ids=("g1",))
    report = check([deliverable], ["d1 ana A", "d1 ben R", "d1 cal R"], goals=[goal])
    assert rules(report) == [("goal-owner-not-accountable", "d1")]
    assert "owned by Ben, but Ana is the A" in report.findings[0].explanation
    report = check([deliverable], ["d1 ben A", "d1 ana R", "d1 cal R"], goals=[goal], functions=[])
    assert report.findings == ()


def test_mad_and_threshold_reference_values():
    """median(1,1,2,2,4,6,9) = 2; |x-2| = 1,1,0,0,2,4,7 -> MAD 1; threshold 2 + 2·1 = 4."""
    assert mad([1, 1, 2, 2, 4, 6, 9]) == 1
    assert load_threshold([1, 1, 2, 2, 4, 6, 9]) == (2.0, 1.0, 4.0)
    assert load_threshold([3, 3, 3, 9])[2] is None  # MAD 0 cannot discriminate
    assert load_threshold([1, 9])[2] is None  # too few people


def test_overload_above_the_cap_and_above_the_robust_threshold():
    """Loads 1,1,2,2,4,6,9 (cap 8): 6 and 9 exceed median + 2·MAD = 4; only 9 exceeds the cap."""
    loads = [1, 1, 2, 2, 4, 6, 9]
    people = [PersonFacts(f"p{i}", f"P{i}") for i in range(len(loads))]
    deliverables = [DeliverableFacts(f"d{j}", f"D{j}") for j in range(9)]
    spec = [f"d{j} p{i} R" for i, load in enumerate(loads) for j in range(load)]
    report = raci_validate(deliverables=deliverables, people=people, cells=cells(*spec), load_cap=8)
    flagged = {load.person: load.reasons for load in report.loads if load.flagged}
    assert set(flagged) == {"p5", "p6"}
    assert flagged["p6"] == ("above the cap of 8", "above the team's median + 2·MAD (4)")
    assert flagged["p5"] == ("above the team's median + 2·MAD (4)",)
    overloaded = [f for f in report.findings if f.rule == "overloaded-person"]
    assert [f.person for f in overloaded] == ["p5", "p6"]


def test_only_active_deliverables_count_toward_load():
    people = [PersonFacts("ana", "Ana")]
    deliverables = [DeliverableFacts(f"d{j}", f"D{j}", status="done") for j in range(7)]
    spec = [f"d{j} ana A" for j in range(7)] + [f"d{j} ana R" for j in range(0)]
    report = raci_validate(deliverables=deliverables, people=people, cells=cells(*spec))
    assert report.loads[0].count == 0
    assert not any(f.rule == "overloaded-person" for f in report.findings)


def test_errors_are_listed_before_warnings():
    report = check(
        [DeliverableFacts("d1", "Empty"), DeliverableFacts("d2", "Two A")],
        ["d2 ana A", "d2 ben A", "d2 ben R"],
    )
    assert report.findings[0].severity == "error"
    assert report.warnings >= 1
