"""Results selectors: what a cycle's results show, for whom, and what the anonymity rules
withhold — coordination matrix cells, breakdowns, changes across cycles and comments."""

import pytest
from django.http import Http404

from accord.partnerships.models import Privacy
from accord.surveys import instruments as builtin
from accord.surveys.instrument_actions import instrument_create
from accord.surveys.instruments import ItemSpec
from accord.surveys.models import Cycle, ItemKind
from accord.surveys.respond_actions import AnswerInput
from accord.surveys.results_selectors import (
    Group,
    cycle_results,
    cycle_results_all_groups,
    export_rows,
    partnership_results,
    results_cycle_get,
    workspace_rollup,
)
from accord.surveys.tests.test_results_support import (
    World,
    coordination_answers,
    cycle_run,
    health_answers,
    psych_answers,
    world_build,
)

STAFFING = {"Sales": [1, 1, 1, 1, 1, 3, 3], "Finance": [1, 1, 2, 2, 2, 4], "Operations": [1, 2]}


def _results(tenant, cycle, group=None, role="owner"):
    membership = tenant.membership(role)
    found = results_cycle_get(membership=membership, uuid=cycle.uuid)
    return cycle_results(membership=membership, cycle=found, group=group)


@pytest.fixture
def world(acme):
    return world_build(acme, staffing=STAFFING)


@pytest.fixture
def coordination(world):
    return cycle_run(world, builtin.COORDINATION_KEY, answer=coordination_answers(4))


def _cell(results, rater, rated):
    for row in results.matrix.rows:
        if row.rater.name == rater:
            for cell in row.cells:
                if cell.rated.name == rated:
                    return cell
    raise AssertionError(f"no cell {rater} → {rated}")


def test_coordination_matrix_shows_cells_of_k_raters_and_withholds_small_ones(acme, coordination):
    """Operations has two raters: its cells are withheld. Everyone's score minus Sales' and
    Finance's cells would then give Operations away, so one Finance cell goes too (the
    combination rule); the other cells show their value and n."""
    results = _results(acme, coordination)
    assert results.ready
    assert results.responses == 15
    overall = results.headline[0]
    assert (overall.key, overall.shown, overall.n) == ("overall", True, 15)
    assert 3 <= overall.value <= 5
    ops_to_sales = _cell(results, "Operations", "Sales")
    assert (ops_to_sales.shown, ops_to_sales.score, ops_to_sales.n) == (False, None, None)
    assert "Fewer than 5" in ops_to_sales.reason
    finance_to_ops = _cell(results, "Finance", "Operations")
    assert (finance_to_ops.shown, finance_to_ops.rule) == (False, "combination")
    shown = {
        (cell.rater.name, cell.rated.name): cell.n
        for row in results.matrix.rows
        for cell in row.cells
        if cell.shown
    }
    assert shown == {("Sales", "Finance"): 7, ("Sales", "Operations"): 7, ("Finance", "Sales"): 6}
    assert all(
        1 <= cell.level <= 8 for row in results.matrix.rows for cell in row.cells if cell.shown
    )


def test_reliability_is_reported_with_its_missing_data_policy(acme, coordination):
    """Alpha with its Feldt interval and the listwise policy stated; omega next to it."""
    results = _results(acme, coordination)
    labels = [r.label for r in results.reliability]
    assert labels == ["Cronbach's alpha", "McDonald's omega"]
    assert "listwise" in results.reliability[0].note


def test_a_sub_threshold_breakdown_is_withheld_without_numbers(acme, world, coordination):
    """Operations alone (2 people) and managers (2) are withheld: no value, only the reason."""
    ops = world.functions["Operations"]
    results = _results(acme, coordination, Group(function=str(ops.uuid)))
    assert results.group_shown is False
    assert "Fewer than 5" in results.group_reason
    assert results.headline == []
    assert results.matrix is None
    managers = _results(acme, coordination, Group(band="manager"))
    assert managers.group_shown is False


def test_sibling_rule_withholds_contributors_when_the_other_bands_are_small(acme, coordination):
    """Contributors (12) would give away managers and leaders (3 together) by subtraction."""
    results = _results(acme, coordination, Group(band="contributor"))
    assert results.group_shown is False
    assert "neighbours" in results.group_reason


def test_a_shown_breakdown_has_its_own_numbers(acme, world, coordination):
    """Sales alone (7 raters) shows its headline and its row of the matrix; Finance (6) is
    withheld so that Operations (2) cannot be subtracted out of everyone."""
    sales = world.functions["Sales"]
    results = _results(acme, coordination, Group(function=str(sales.uuid)))
    assert results.group_shown is True
    assert results.headline[0].n == 7
    assert [row.rater.name for row in results.matrix.rows] == ["Sales"]
    finance = _results(acme, coordination, Group(function=str(world.functions["Finance"].uuid)))
    assert finance.group_shown is False


def test_results_wait_for_the_close(acme, world):
    """While a cycle is open only the count shows: every answer would otherwise move the
    numbers and give itself away."""
    cycle = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(), close=False)
    results = _results(acme, cycle)
    assert results.state == "open"
    assert results.responses == 15
    assert results.headline == []


def test_a_cycle_closed_under_k_shows_nothing(acme, world):
    """Three answers with k = 5: withheld, with the count."""
    cycle = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(), who=world.people[:3])
    results = _results(acme, cycle)
    assert (results.state, results.responses, results.headline) == ("too_few", 3, [])


def test_members_only_partnership_results_are_404_for_others(acme):
    """A member outside a members-only partnership cannot open its results."""
    private = world_build(acme, staffing=STAFFING, name="Secret deal", privacy=Privacy.MEMBERS)
    cycle = cycle_run(private, builtin.PSYCH_SAFETY_KEY, answer=psych_answers())
    with pytest.raises(Http404):
        results_cycle_get(membership=acme.membership("member"), uuid=cycle.uuid)
    assert results_cycle_get(membership=acme.membership("admin"), uuid=cycle.uuid) == cycle


def test_change_between_cycles_with_interval_and_verdict(acme, world):
    """The same fifteen people twice, safer the second time: the change shows with its
    interval and says "improved"."""
    cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(3), weeks_ago=8)
    later = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(6))
    results = _results(acme, later)
    scale = results.headline[0]
    assert scale.change is not None
    assert scale.change.shown is True
    assert scale.change.verdict == "improved"
    assert scale.change.low > 0
    assert [p.shown for p in results.trends[0].points] == [True, True]


def test_one_joiner_between_cycles_withholds_the_change(acme, world):
    """Fourteen then fifteen respondents: the change would mostly be the joiner's."""
    cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(3), weeks_ago=8,
              who=world.people[:14])  # fmt: skip
    later = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(6))
    change = _results(acme, later).headline[0].change
    assert change is not None
    assert change.shown is False
    assert "fewer than 5" in change.reason


def test_health_check_distribution_disagreement_and_trend(acme, world):
    """Each indicator shows its vote distribution, disagreement and the trend answers."""
    cycle = cycle_run(world, builtin.HEALTH_CHECK_KEY, answer=health_answers(1, "better"))
    results = _results(acme, cycle)
    first = results.items[0]
    assert first.shown is True
    assert [o.count for o in first.options] == [15, 0, 0]
    assert first.disagreement == 0
    assert [t.count for t in first.trends] == [15, 0, 0]


def test_export_never_has_a_row_under_k(acme, coordination):
    """Every exported aggregate has n ≥ k; withheld ones carry no value and no n."""
    membership = acme.membership("owner")
    views = cycle_results_all_groups(membership=membership, cycle=results_cycle_get(
        membership=membership, uuid=coordination.uuid))  # fmt: skip
    rows = export_rows(views)
    assert rows
    for row in rows:
        if row.status == "shown":
            assert row.n is not None
            assert row.n >= 5
        else:
            assert (row.value, row.n) == (None, None)
            assert row.reason


def test_partnership_page_and_rollup_summaries(acme, world, coordination):
    """The partnership's latest coordination score, and the roll-up row for it."""
    membership = acme.membership("owner")
    summary = partnership_results(membership=membership, partnership=world.partnership)
    assert [s.kind for s in summary.instruments] == ["coordination"]
    assert summary.instruments[0].headline[0].shown is True
    rollup = workspace_rollup(membership=membership)
    assert [row.partnership for row in rollup.rows] == [world.partnership]
    assert rollup.icc1 is None


def test_draft_cycles_have_no_results(acme, world, coordination):
    """A draft shows its state only."""
    draft = Cycle.objects.create(
        workspace=acme.workspace,
        version=coordination.version,
        title="Next",
        partnership=world.partnership,
        opens_at=coordination.opens_at,
        closes_at=coordination.closes_at,
    )
    assert _results(acme, draft).state == "draft"


def _custom(acme):
    return instrument_create(
        membership=acme.membership("owner"),
        name="Launch pulse",
        items=[
            ItemSpec(key="ready", kind=ItemKind.LIKERT, text="We are ready."),
            ItemSpec(key="score", kind=ItemKind.SCALE_0_10, text="On time?"),
            ItemSpec(key="risk", kind=ItemKind.SINGLE, text="Risk", options=("Scope", "People")),
            ItemSpec(key="help", kind=ItemKind.MULTIPLE, text="Help?", options=("Time", "Tools")),
            ItemSpec(key="note", kind=ItemKind.TEXT, text="Anything else?"),
        ],
    )


def _custom_answers(writers):
    def answer(person, targets, rng):
        rows = [
            AnswerInput(item="ready", position=4),
            AnswerInput(item="score", value=7),
            AnswerInput(item="risk", position=1 + person.pk % 2),
            AnswerInput(item="help", choices=(1, 2)),
        ]
        if person.name in writers:
            rows.append(AnswerInput(item="note", text=f"Comment from {person.name}"))
        return rows

    return answer


def test_custom_questions_show_distributions_and_comments_above_the_threshold(acme, world):
    """Agree scale, 0–10, single and multiple choice show their distributions; twelve
    comments (threshold 10) show, shuffled, for everyone together only."""
    writers = {p.name for p in world.people[:12]}
    cycle = cycle_run(world, _custom(acme), answer=_custom_answers(writers), min_comments=10)
    results = _results(acme, cycle)
    by_key = {item.key: item for item in results.items}
    assert [o.count for o in by_key["ready"].options] == [0, 0, 0, 15, 0]
    assert by_key["score"].mean == 7
    assert sum(o.count for o in by_key["risk"].options) == 15
    assert [o.count for o in by_key["help"].options] == [15, 15]
    comments = results.comments[0]
    assert comments.shown is True
    assert sorted(comments.comments) == sorted(f"Comment from {name}" for name in writers)
    assert list(comments.comments) != sorted(comments.comments)
    sales = _results(acme, cycle, Group(function=str(world.functions["Sales"].uuid)))
    assert sales.group_shown is True
    assert sorted(sales.comments[0].comments) == sorted(comments.comments)  # never broken down


def test_comments_under_their_threshold_are_withheld(acme, world):
    """Nine comments with a threshold of 10: none shown."""
    writers = {p.name for p in world.people[:9]}
    cycle = cycle_run(world, _custom(acme), answer=_custom_answers(writers), min_comments=10)
    comments = _results(acme, cycle).comments[0]
    assert (comments.shown, comments.comments) == (False, ())
    assert "10" in comments.reason


def test_workspace_wide_cycles_have_results_and_a_rollup_row(acme, world):
    """A survey of chosen functions without a partnership: visible to everyone in the
    workspace, listed apart in the roll-up."""
    everyone = World(tenant=acme, partnership=None, functions=world.functions, people=world.people)
    cycle = cycle_run(everyone, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(5))
    results = _results(acme, cycle, role="viewer")
    assert results.ready
    assert results.headline[0].shown is True
    rollup = workspace_rollup(membership=acme.membership("viewer"))
    assert [row.partnership for row in rollup.rows] == [None]
