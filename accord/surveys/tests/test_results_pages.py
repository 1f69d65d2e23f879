"""Results pages: a cycle's results with its heatmap and breakdowns, the partnership's page,
the workspace roll-up, CSV exports and the methods page — who may see them, what is
withheld, and how many queries they take."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.partnerships.models import Privacy
from accord.surveys import instruments as builtin
from accord.surveys.results_export import CYCLE_COLUMNS
from accord.surveys.tests.test_results_support import (
    coordination_answers,
    cycle_run,
    health_answers,
    psych_answers,
    world_build,
)

STAFFING = {"Sales": [1, 1, 1, 1, 1, 3, 3], "Finance": [1, 1, 2, 2, 2, 4], "Operations": [1, 2]}


@pytest.fixture
def world(acme):
    return world_build(acme, staffing=STAFFING)


@pytest.fixture
def coordination(world):
    return cycle_run(world, builtin.COORDINATION_KEY, answer=coordination_answers(4))


def _url(name, *args):
    return reverse(name, args=["acme", *args])


def test_cycle_results_show_the_heatmap_with_values_n_and_withheld_cells(acme, login, coordination):
    """Cells of at least k raters show their value and n; small ones say withheld."""
    client = login(acme.viewer)
    response = client.get(_url("survey_results_cycle", coordination.uuid))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="data rc-matrix"' in body
    assert "n = 7" in body
    assert "withheld" in body
    assert "fewer than 5" in body
    assert "Coordination score" in body
    assert "Cronbach" in body
    assert "listwise" in body


def test_a_sub_threshold_breakdown_shows_withheld_never_the_number(
    acme, login, world, coordination
):
    """Operations alone has two people: the page says withheld and shows no figure."""
    client = login(acme.member)
    ops = world.functions["Operations"]
    response = client.get(_url("survey_results_cycle", coordination.uuid), {"function": ops.uuid})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Withheld." in body
    assert "Fewer than 5 respondents." in body
    assert "rc-matrix" not in body
    assert "stat-value" not in body


def test_a_breakdown_over_htmx_returns_only_the_results(acme, login, world, coordination):
    """The filter form swaps #results-body in place."""
    client = login(acme.member)
    sales = world.functions["Sales"]
    response = client.get(
        _url("survey_results_cycle", coordination.uuid),
        {"function": sales.uuid},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results-body"')
    assert "<html" not in body
    assert "n = 7" in body


def test_open_cycle_says_when_results_appear(acme, login, world):
    """While open: the count, and no numbers."""
    cycle = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(), close=False)
    body = login(acme.viewer).get(_url("survey_results_cycle", cycle.uuid)).content.decode()
    assert "Results appear when the survey closes" in body
    assert "15 so far" in body
    assert "stat-value" not in body


def test_too_few_answers_show_nothing(acme, login, world):
    """Closed with three answers and k = 5: not enough, with the count."""
    cycle = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(), who=world.people[:3])
    body = login(acme.viewer).get(_url("survey_results_cycle", cycle.uuid)).content.decode()
    assert "Not enough answers for results." in body
    assert "(3 did)" in body


def test_another_workspace_gets_404(acme, globex, login, coordination, world):
    """Globex's owner cannot read acme's results, pages or exports."""
    client = login(globex.owner)
    for url in (
        f"/w/acme/surveys/results/cycles/{coordination.uuid}/",
        f"/w/globex/surveys/results/cycles/{coordination.uuid}/",
        f"/w/globex/surveys/results/cycles/{coordination.uuid}/export.csv",
        f"/w/globex/surveys/results/partnerships/{world.partnership.slug}/",
    ):
        assert client.get(url).status_code == 404, url


def test_members_only_partnership_results_are_404_outside_it(acme, login):
    """A workspace member who is not in a members-only partnership gets 404 everywhere."""
    private = world_build(acme, staffing=STAFFING, name="Secret deal", privacy=Privacy.MEMBERS)
    cycle = cycle_run(private, builtin.PSYCH_SAFETY_KEY, answer=psych_answers())
    client = login(acme.member)
    assert client.get(_url("survey_results_cycle", cycle.uuid)).status_code == 404
    assert client.get(_url("survey_results_cycle_export", cycle.uuid)).status_code == 404
    assert (
        client.get(_url("survey_results_partnership", private.partnership.slug)).status_code == 404
    )
    assert "Secret deal" not in client.get(_url("survey_results")).content.decode()
    assert login(acme.admin).get(_url("survey_results_cycle", cycle.uuid)).status_code == 200


def _csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_has_no_row_under_k_and_no_individual_answers(acme, login, coordination):
    """Every breakdown's aggregates: shown rows have n ≥ k; withheld rows have no value."""
    response = login(acme.viewer).get(_url("survey_results_cycle_export", coordination.uuid))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert {row["group"] for row in rows} >= {"all"}
    assert any(row["status"] == "withheld" for row in rows)
    for row in rows:
        if row["status"] == "shown":
            assert int(row["n"]) >= 5
        else:
            assert row["value"] == ""
            assert row["n"] == ""
    assert tuple(rows[0]) == CYCLE_COLUMNS  # aggregates only: no response or answer columns


def test_csv_cells_cannot_run_as_formulas(acme, login, world):
    """A title starting with = is written with a leading apostrophe."""
    cycle = cycle_run(
        world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(), title="=HYPERLINK(1)"
    )
    rows = _csv_rows(login(acme.viewer).get(_url("survey_results_cycle_export", cycle.uuid)))
    assert rows[0]["cycle_title"] == "'=HYPERLINK(1)"


def test_partnership_page_and_rollup(acme, login, world, coordination):
    """The partnership's latest results and the roll-up, sorted by name, never ranked."""
    cycle_run(world, builtin.HEALTH_CHECK_KEY, answer=health_answers(1))
    client = login(acme.viewer)
    body = client.get(_url("survey_results_partnership", world.partnership.slug)).content.decode()
    assert "Coordination between functions" in body
    assert "Team health check" in body
    rollup = client.get(_url("survey_results")).content.decode()
    assert "Quote to cash" in rollup
    assert "not a ranking" in rollup
    export = _csv_rows(client.get(_url("survey_results_export")))
    assert {row["instrument"] for row in export} == {
        "Coordination between functions",
        "Team health check",
    }


def test_methods_page_cites_every_source(acme, login):
    body = login(acme.viewer).get(_url("survey_results_methods")).content.decode()
    for source in (
        "Gittell",
        "Edmondson",
        "Kniberg",
        "Cronbach",
        "Feldt",
        "McDonald",
        "James, L. R., Demaree",
        "LeBreton",
        "Shrout",
        "Welch",
        "Cox, L. H.",
    ):
        assert source in body, source


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_results_pages_run_a_constant_number_of_queries(acme, login, world):
    """More cycles and more answers cost no extra queries on any results page."""
    client = login(acme.viewer)
    first = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(4), weeks_ago=16)
    urls = [
        _url("survey_results_cycle", first.uuid),
        _url("survey_results_partnership", world.partnership.slug),
        _url("survey_results"),
        _url("survey_results_cycle_export", first.uuid),
    ]
    few = [_count(client, url) for url in urls]
    cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(5), weeks_ago=8)
    last = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(6))
    cycle_run(world, builtin.COORDINATION_KEY, answer=coordination_answers(4))
    urls[0] = _url("survey_results_cycle", last.uuid)
    urls[3] = _url("survey_results_cycle_export", last.uuid)
    many = [_count(client, url) for url in urls]
    assert many == few
    # The roll-up reads every cycle as plain values, then the page's cycles, their snapshots
    # and the ICC statistics.
    assert few == [14, 14, 10, 12]
