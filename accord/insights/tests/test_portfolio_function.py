"""A function's view: its partnerships with health, its coordination ties from released
survey results (never under k) and the kudos it gave and received."""

import pytest
from django.urls import reverse

from accord.comms.models import Kudos
from accord.insights.portfolio_selectors import function_ties
from accord.insights.tests.test_portfolio_support import (
    partnership_add,
    portfolio_build,
    queries_of,
    snapshots_add,
)
from accord.org.models import Function, Person
from accord.surveys import instruments as builtin
from accord.surveys.tests.test_results_support import (
    coordination_answers,
    cycle_run,
    world_build,
)

STAFFING = {"Sales": [1, 1, 1, 1, 1, 3, 3], "Finance": [1, 1, 2, 2, 2, 4], "Operations": [1, 2]}


def _url(tenant, function):
    return reverse("portfolio_function", args=[tenant.workspace.slug, function.uuid])


def test_lists_the_partnerships_the_function_is_part_of_lowest_health_first(acme, login):
    ops = Function.objects.create(workspace=acme.workspace, name="Operations")
    strong = partnership_add(acme, "Strong")
    snapshots_add(strong, [80, 85])
    weak = partnership_add(acme, "Weak")
    snapshots_add(weak, [50, 45])
    partnership_add(acme, "Elsewhere", functions=[ops, acme.finance])
    body = login(acme.viewer).get(_url(acme, acme.sales)).content.decode()
    assert body.index(">Weak<") < body.index(">Strong<")
    assert ">Elsewhere<" not in body
    assert "<h1>Sales</h1>" in body


def test_another_workspaces_function_is_404(acme, globex, login):
    assert (
        login(acme.viewer).get(_url(globex, globex.sales).replace("globex", "acme")).status_code
        == 404
    )
    assert login(globex.owner).get(_url(acme, acme.sales)).status_code == 404


@pytest.fixture
def surveyed(acme):
    world = world_build(acme, staffing=STAFFING)
    cycle_run(world, builtin.COORDINATION_KEY, answer=coordination_answers(4))
    return world


def test_ties_come_from_released_cells_only(acme, surveyed):
    """Operations has two raters: its ratings are withheld and do not appear; Sales' ratings
    of Finance and Operations (7 raters) and Finance's of Sales (6) do."""
    sales = surveyed.functions["Sales"]
    ties = function_ties(membership=acme.membership("viewer"), function=sales)
    by_name = {t.other.name: t for t in ties.ties}
    assert ties.cycles == 1
    assert by_name["Finance"].gives_n == 7
    assert by_name["Finance"].receives_n == 6
    assert 3 <= by_name["Finance"].gives <= 5
    assert by_name["Operations"].gives_n == 7
    assert by_name["Operations"].receives is None  # 2 raters < k
    assert ties.withheld >= 1


def test_function_page_shows_the_heatmap_and_its_table(acme, surveyed, login):
    sales = surveyed.functions["Sales"]
    body = login(acme.viewer).get(_url(acme, sales)).content.decode()
    assert 'id="heatmap-chart-data"' in body
    assert "Sales rates them" in body
    assert "withheld to protect anonymity" in body


def test_kudos_between_functions_are_a_second_lens(acme):
    carol = Person.objects.create(
        workspace=acme.workspace, name="Carol", email="carol@acme.test", function=acme.finance
    )
    for giver, receiver in [(acme.alice, carol), (acme.alice, acme.bob), (carol, acme.alice)]:
        Kudos.objects.create(
            workspace=acme.workspace, giver=giver, receiver=receiver, message="Thanks"
        )
    ties = function_ties(membership=acme.membership("viewer"), function=acme.sales)
    finance = next(t for t in ties.ties if t.other == acme.finance)
    assert (finance.kudos_given, finance.kudos_received) == (2, 1)
    assert finance.gives is None


def test_the_function_page_runs_constant_queries(acme, login):
    portfolio_build(acme, 1)
    client = login(acme.member)
    one, _ = queries_of(client, _url(acme, acme.sales))
    portfolio_build(acme, 20, prefix="More")
    many, _ = queries_of(client, _url(acme, acme.sales))
    assert many == one
