"""Survey results over the API: the same numbers and the same suppression as the pages, the
same visibility, flat exports without a row under k, and constant query counts."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.partnerships.models import Privacy
from accord.surveys import instruments as builtin
from accord.surveys.tests.test_results_support import (
    coordination_answers,
    cycle_run,
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


def _cells(matrix):
    return [cell for row in matrix["rows"] for cell in row["cells"]]


def test_cycle_results_carry_values_only_for_shown_aggregates(acme, coordination):
    """Withheld cells and figures come back with shown false, a reason, and no numbers."""
    body = token_client(acme, "viewer").get(f"/api/v1/survey-results/cycles/{coordination.uuid}")
    assert body.status_code == 200
    data = body.json()
    assert (data["state"], data["responses"], data["k"]) == ("ready", 15, 5)
    assert data["headline"][0]["key"] == "overall"
    cells = _cells(data["matrix"])
    withheld = [c for c in cells if not c["shown"]]
    assert withheld
    for cell in cells:
        if cell["shown"]:
            assert cell["n"] >= 5
            assert cell["score"] is not None
        else:
            assert (cell["score"], cell["n"]) == (None, None)
            assert cell["reason"]
            assert cell["rule"]


def test_page_and_api_withhold_the_same_cells(acme, login, coordination):
    """Cell by cell, the heatmap on the page and the API agree on what is shown and its value."""
    api = token_client(acme, "viewer").get(f"/api/v1/survey-results/cycles/{coordination.uuid}")
    page = login(acme.viewer).get(f"/w/acme/surveys/results/cycles/{coordination.uuid}/")
    html = page.content.decode()
    rendered = re.findall(r'<td class="rc-cell ([^"]*)"><span class="rc-value"[^>]*>([^<]*)<', html)
    expected = []
    for cell in _cells(api.json()["matrix"]):
        if cell["shown"]:
            expected.append(f"{cell['score']:.2f}")
        elif cell["diagonal"]:
            expected.append("—")
        else:
            expected.append("withheld")
    assert [value for _classes, value in rendered] == expected


@pytest.mark.parametrize("band", ["manager", "contributor"])
def test_a_withheld_breakdown_has_no_numbers_over_the_api(acme, coordination, band):
    """Managers (2) and contributors (12, which would give away the 3 others) are withheld."""
    data = (
        token_client(acme, "viewer")
        .get(f"/api/v1/survey-results/cycles/{coordination.uuid}", {"band": band})
        .json()
    )
    assert data["group"]["shown"] is False
    assert data["group"]["reason"]
    assert (data["headline"], data["matrix"], data["items"]) == ([], None, [])


def test_an_unknown_band_is_422(acme, coordination):
    response = token_client(acme, "viewer").get(
        f"/api/v1/survey-results/cycles/{coordination.uuid}", {"band": "intern"}
    )
    assert response.status_code == 422


def test_other_workspaces_and_outsiders_get_404(acme, globex, world, coordination):
    """Globex cannot see acme's results; a member outside a members-only partnership neither."""
    outsider = token_client(globex, "owner")
    assert outsider.get(f"/api/v1/survey-results/cycles/{coordination.uuid}").status_code == 404
    assert (
        outsider.get(f"/api/v1/survey-results/cycles/{coordination.uuid}/export").status_code == 404
    )
    assert (
        outsider.get(f"/api/v1/survey-results/partnerships/{world.partnership.slug}").status_code
        == 404
    )
    assert outsider.get("/api/v1/survey-results").json()["rows"] == []
    private = world_build(acme, staffing=STAFFING, name="Secret deal", privacy=Privacy.MEMBERS)
    cycle = cycle_run(private, builtin.PSYCH_SAFETY_KEY, answer=psych_answers())
    member = token_client(acme, "member")
    assert member.get(f"/api/v1/survey-results/cycles/{cycle.uuid}").status_code == 404
    names = [
        row["partnership"]["name"]
        for row in member.get("/api/v1/survey-results").json()["rows"]
        if row["partnership"]
    ]
    assert "Secret deal" not in names


def test_exports_have_no_row_under_k(acme, coordination):
    """JSON and CSV exports: shown rows have n ≥ k, withheld rows neither value nor n."""
    client = token_client(acme, "viewer")
    rows = client.get(f"/api/v1/survey-results/cycles/{coordination.uuid}/export").json()
    assert rows
    for row in rows:
        if row["status"] == "shown":
            assert row["n"] >= 5
        else:
            assert (row["value"], row["n"]) == (None, None)
    response = client.get(
        f"/api/v1/survey-results/cycles/{coordination.uuid}/export", {"format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) == len(rows)
    assert all(int(r["n"]) >= 5 for r in table if r["status"] == "shown")


def test_partnership_results_and_rollup(acme, world, coordination):
    client = token_client(acme, "viewer")
    data = client.get(f"/api/v1/survey-results/partnerships/{world.partnership.slug}").json()
    assert data["instruments"][0]["kind"] == "coordination"
    assert data["instruments"][0]["headline"][0]["shown"] is True
    rollup = client.get("/api/v1/survey-results").json()
    assert rollup["rows"][0]["partnership"]["slug"] == world.partnership.slug
    export = client.get("/api/v1/survey-results/export", {"format": "csv"})
    assert export.status_code == 200
    assert b"Coordination score" in export.content


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_results_endpoints_run_a_constant_number_of_queries(acme, world):
    """More cycles and answers cost no extra queries."""
    client = token_client(acme, "viewer")
    first = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(4), weeks_ago=8)
    urls = [
        f"/api/v1/survey-results/cycles/{first.uuid}",
        f"/api/v1/survey-results/cycles/{first.uuid}/export",
        f"/api/v1/survey-results/partnerships/{world.partnership.slug}",
        "/api/v1/survey-results",
    ]
    few = [_count(client, url) for url in urls]
    last = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(6))
    cycle_run(world, builtin.COORDINATION_KEY, answer=coordination_answers(4))
    urls[0] = f"/api/v1/survey-results/cycles/{last.uuid}"
    urls[1] = f"/api/v1/survey-results/cycles/{last.uuid}/export"
    many = [_count(client, url) for url in urls]
    assert many == few
    # The roll-up reads every cycle as plain values, the page's cycles, their snapshots and
    # the ICC statistics (one query each), besides the token and the membership.
    assert few == [10, 10, 10, 6]
