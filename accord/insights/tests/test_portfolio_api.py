"""The portfolio over the API: rows with the page's fields, filters, sort, pagination, the
summary, the KPI roll-up and a function's partnerships — in constant queries."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.insights.tests.test_portfolio_support import (
    kpi_add,
    open_work_add,
    partnership_add,
    portfolio_build,
    snapshots_add,
    today,
)
from accord.partnerships.models import Privacy


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def test_rows_carry_health_change_history_and_open_work(acme):
    partnership = partnership_add(acme, "Quote to cash")
    snapshots_add(partnership, [50, 52, 53, 54, 56, 58, 60, 62])
    open_work_add(partnership)
    body = token_client(acme, "viewer").get("/api/v1/portfolio").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["name"] == "Quote to cash"
    assert (row["health"], row["change_30d"], row["trend"]) == (62, 9, "up")
    assert row["trend_text"] == "62, up 9 in 30 days"
    assert len(row["history"]) == 8
    assert (row["goals_at_risk"], row["goals_open"]) == (1, 2)
    assert (row["open_conflicts"], row["pending_decisions"]) == (2, 1)
    assert row["next_review"] == (today() + timedelta(days=10)).isoformat()
    assert {f["name"] for f in row["functions"]} == {"Sales", "Finance"}
    assert row["lead"]["name"] == "Alice Archer"
    assert "Secret salary dispute" not in str(body)


def test_filters_sort_and_pagination(acme):
    for number, score in enumerate([70, 30, 50]):
        partnership = partnership_add(acme, f"P{number}")
        snapshots_add(partnership, [score])
    partnership_add(acme, "Paused", status="paused")
    client = token_client(acme, "viewer")
    names = [r["name"] for r in client.get("/api/v1/portfolio?sort=health").json()["results"]]
    assert names == ["P1", "P2", "P0", "Paused"]
    page = client.get("/api/v1/portfolio?sort=-health&limit=2").json()
    assert page["count"] == 4
    assert [r["name"] for r in page["results"]] == ["P0", "P2"]
    assert "offset=2" in page["next"]
    assert client.get("/api/v1/portfolio?status=paused").json()["count"] == 1
    assert client.get(f"/api/v1/portfolio?function={acme.sales.uuid}").json()["count"] == 4


def test_bad_filters_answer_a_validation_problem(acme):
    response = token_client(acme, "viewer").get("/api/v1/portfolio?sort=evil&status=nope")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"sort", "status"} <= {f.split(".")[-1] for f in fields}


def test_members_only_partnerships_follow_their_visibility(acme):
    partnership_add(acme, "Secret", privacy=Privacy.MEMBERS, lead=acme.bob)
    assert token_client(acme, "member").get("/api/v1/portfolio").json()["count"] == 0
    assert token_client(acme, "admin").get("/api/v1/portfolio").json()["count"] == 1


def test_summary_covers_every_matching_partnership(acme):
    for number in range(5):
        partnership = partnership_add(acme, f"P{number}")
        snapshots_add(partnership, [80, 80, 80, 80, 80, 40 + number])
    body = token_client(acme, "viewer").get("/api/v1/portfolio/summary").json()
    assert (body["partnerships"], body["scored"], body["below"], body["declining"]) == (5, 5, 5, 5)
    assert body["mean"] == 42
    assert sum(b["count"] for b in body["distribution"]) == 5
    assert body["trend"][-1]["mean"] == 42


def test_list_runs_the_same_queries_for_1_and_30_partnerships(acme):
    portfolio_build(acme, 1)
    client = token_client(acme, "member")
    one, _ = _queries(client, "/api/v1/portfolio")
    portfolio_build(acme, 29, prefix="More")
    thirty, body = _queries(client, "/api/v1/portfolio")
    assert body["count"] == 30
    assert thirty == one
    summary_one, _ = _queries(client, "/api/v1/portfolio/summary")
    assert summary_one <= one


def test_kpi_rollup_and_changes(acme):
    partnership = partnership_add(acme, "Growth")
    kpi_add(
        partnership,
        name="Win rate",
        category="revenue growth",
        values=[(today() - timedelta(days=20), 50), (today(), 55)],
    )
    client = token_client(acme, "viewer")
    rollup = client.get("/api/v1/portfolio/kpis").json()
    revenue = next(c for c in rollup["categories"] if c["category"] == "revenue growth")
    assert (revenue["improved"], revenue["median_percent"]) == (1, 10.0)
    changes = client.get("/api/v1/portfolio/kpis/changes?category=revenue%20growth").json()
    assert changes["count"] == 1
    assert changes["results"][0]["verdict"] == "improved"
    assert client.get("/api/v1/portfolio/kpis?category=bogus").status_code == 422


def test_function_partnerships_health_and_ties(acme, globex):
    partnership = partnership_add(acme, "With sales")
    snapshots_add(partnership, [60])
    client = token_client(acme, "viewer")
    body = client.get(f"/api/v1/functions/{acme.sales.uuid}/partnerships-health").json()
    assert [r["name"] for r in body["results"]] == ["With sales"]
    ties = client.get(f"/api/v1/functions/{acme.sales.uuid}/ties").json()
    assert ties["function"]["name"] == "Sales"
    assert ties["cycles"] == 0
    foreign = client.get(f"/api/v1/functions/{globex.sales.uuid}/partnerships-health")
    assert foreign.status_code == 404
    assert client.get("/api/v1/functions/not-a-uuid/ties").status_code == 404


def test_function_list_runs_constant_queries(acme):
    portfolio_build(acme, 1)
    client = token_client(acme, "member")
    url = f"/api/v1/functions/{acme.sales.uuid}/partnerships-health"
    one, _ = _queries(client, url)
    portfolio_build(acme, 20, prefix="More")
    many, _ = _queries(client, url)
    assert many == one


def test_the_endpoints_are_documented(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/portfolio",
        "/api/v1/portfolio/summary",
        "/api/v1/portfolio/kpis",
        "/api/v1/portfolio/kpis/changes",
        "/api/v1/functions/{function_id}/partnerships-health",
        "/api/v1/functions/{function_id}/ties",
    ):
        assert path in paths
