"""The portfolio page: rows, summaries, filters, sort, pagination, visibility and a constant
number of queries."""

import re

import pytest
from django.urls import reverse

from accord.governance.models import Conflict
from accord.insights.tests.test_portfolio_support import (
    open_work_add,
    partnership_add,
    portfolio_build,
    queries_of,
    snapshots_add,
)
from accord.org.models import Function, Person
from accord.partnerships.models import Lifecycle, Privacy


def _url(tenant, **query):
    url = reverse("portfolio", args=[tenant.workspace.slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _names(response):
    """Partnership names in row order."""
    return re.findall(
        r'<th scope="row" class="portfolio-name"><a href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


def test_a_row_shows_health_trend_and_open_work(acme, login):
    """Each row shows the latest score, its 30-day change in words, the goals at risk, open
    conflicts (private ones counted), pending decisions and the next review."""
    partnership = partnership_add(acme, "Quote to cash")
    # Weekly, the last today: the latest snapshot at least 30 days old is 35 days old (53).
    snapshots_add(partnership, [50, 52, 53, 54, 56, 58, 60, 62])
    open_work_add(partnership, conflicts=2, decisions=3)
    response = login(acme.viewer).get(_url(acme))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Quote to cash" in body
    assert "62, up 9 in 30 days" in body
    assert '<span class="badge danger">3</span>' in body  # 2 open + 1 private
    assert "Secret salary dispute" not in body
    assert '<span class="badge warn">1</span> <span class="muted small">of 2</span>' in body
    assert '<td class="num">3</td>' in body  # pending decisions
    assert '<svg class="sparkline up"' in body
    assert "Sales" in body
    assert reverse("portfolio_function", args=["acme", acme.sales.uuid]) in body


def test_a_partnership_without_snapshots_says_so(acme, login):
    partnership_add(acme, "New partnership")
    body = login(acme.viewer).get(_url(acme)).content.decode()
    assert "No score yet" in body
    assert "None scheduled" in body


def test_summary_cards_cover_every_partnership_not_just_the_page(acme, login):
    """55 partnerships: the page lists 50, the cards and the distribution count all 55."""
    for number in range(55):
        partnership = partnership_add(acme, f"P {number:02d}")
        # 20 fall (70 → 50), 35 rise (50 → 70).
        scores = [70, 70, 65, 60, 55, 50] if number < 20 else [50, 50, 55, 60, 65, 70]
        snapshots_add(partnership, scores)
    client = login(acme.viewer)
    first = client.get(_url(acme))
    body = first.content.decode()
    assert len(_names(first)) == 50
    assert "Showing 1–50 of 55" in body
    assert re.search(r"Declining</span>\s*<span[^>]*>20<", body)
    assert re.search(r"Improving</span>\s*<span[^>]*>35<", body)
    assert re.search(r"Below 60</span>\s*<span[^>]*>20<", body)
    second = client.get(_url(acme, page=2))
    assert _names(second) == [f"P {n}" for n in range(50, 55)]


def test_sort_by_health_change_and_goals(acme, login):
    low = partnership_add(acme, "Low")
    snapshots_add(low, [80, 80, 80, 80, 80, 30])
    high = partnership_add(acme, "High")
    snapshots_add(high, [50, 50, 50, 50, 50, 90])
    partnership_add(acme, "Unscored")
    risky = partnership_add(acme, "Risky")
    snapshots_add(risky, [60, 60, 60, 60, 60, 60])
    open_work_add(risky)
    client = login(acme.viewer)
    assert _names(client.get(_url(acme, sort="health"))) == ["Low", "Risky", "High", "Unscored"]
    assert _names(client.get(_url(acme, sort="-health"))) == ["High", "Risky", "Low", "Unscored"]
    assert _names(client.get(_url(acme, sort="change"))) == ["Low", "Risky", "High", "Unscored"]
    assert _names(client.get(_url(acme, sort="-change")))[0] == "High"
    assert _names(client.get(_url(acme, sort="goals")))[0] == "Risky"
    assert _names(client.get(_url(acme))) == ["High", "Low", "Risky", "Unscored"]


def test_filters_by_function_sponsor_and_status(acme, login):
    ops = Function.objects.create(workspace=acme.workspace, name="Operations")
    carol = Person.objects.create(workspace=acme.workspace, name="Carol", email="c@acme.test")
    partnership_add(acme, "Sales and finance")
    partnership_add(acme, "Ops only", functions=[ops, acme.finance], sponsor=carol)
    partnership_add(acme, "Paused one", status=Lifecycle.PAUSED)
    client = login(acme.viewer)
    assert _names(client.get(_url(acme, function=ops.uuid))) == ["Ops only"]
    assert _names(client.get(_url(acme, sponsor=carol.uuid))) == ["Ops only"]
    assert _names(client.get(_url(acme, status="paused"))) == ["Paused one"]
    assert len(_names(client.get(_url(acme, function=acme.finance.uuid)))) == 3


def test_a_bad_filter_is_named_and_ignored(acme, globex, login):
    """Another workspace's function id or an unknown status is reported next to its field; the
    rest of the page still shows everything."""
    partnership_add(acme, "Visible")
    response = login(acme.viewer).get(_url(acme, function=globex.sales.uuid, status="<script>"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Function: “" in body
    assert "is not one of the choices" in body
    assert "Status: “&lt;script&gt;”" in body
    assert "<script>”" not in body
    assert _names(response) == ["Visible"]


def test_members_only_partnerships_are_hidden_from_others(acme, login):
    secret = partnership_add(acme, "Secret merger", privacy=Privacy.MEMBERS, lead=acme.bob)
    snapshots_add(secret, [40, 42])
    partnership_add(acme, "Open one")
    assert _names(login(acme.member).get(_url(acme))) == ["Open one"]
    assert _names(login(acme.admin).get(_url(acme))) == ["Open one", "Secret merger"]


def test_other_workspaces_get_404(acme, globex, login):
    partnership_add(acme, "Acme only")
    response = login(globex.owner).get(_url(acme))
    assert response.status_code == 404
    body = login(globex.owner).get(_url(globex)).content.decode()
    assert "Acme only" not in body


def test_anonymous_visitors_are_sent_to_log_in(acme, client):
    response = client.get(_url(acme))
    assert response.status_code == 302


def test_the_page_runs_the_same_queries_for_1_and_30_partnerships(acme, login, globex):
    """Constant queries: one partnership with a history, open work and goals, then thirty."""
    portfolio_build(acme, 1)
    client = login(acme.member)
    one, _ = queries_of(client, _url(acme))
    portfolio_build(acme, 29, prefix="More")
    thirty, response = queries_of(client, _url(acme))
    assert len(_names(response)) == 30
    assert thirty == one
    sorted_one, _ = queries_of(client, _url(acme, sort="goals"))
    assert sorted_one <= one


def test_charts_have_a_table_alternative(acme, login):
    partnership = partnership_add(acme, "Charted")
    snapshots_add(partnership, [55, 65])
    body = login(acme.viewer).get(_url(acme)).content.decode()
    assert 'id="distribution-chart-data"' in body
    assert 'id="trend-chart-data"' in body
    assert "<summary>Table</summary>" in body
    assert "vendor/echarts-6.0.0.min.js" in body
    assert 'nonce="' in body


def test_the_navigation_has_insights_after_surveys(acme, login):
    body = login(acme.viewer).get(_url(acme)).content.decode()
    surveys = body.index("</use></svg>Surveys")
    insights = body.index("</use></svg>Insights")
    assert surveys < insights
    assert '<use href="#i-sparkle"></use></svg>Insights' in body
    assert re.search(r'<a href="/w/acme/insights/" aria-current="page">\s*<svg', body)
    kpis = login(acme.viewer).get(reverse("portfolio_kpis", args=["acme"])).content.decode()
    assert re.search(r'<a href="/w/acme/insights/" aria-current="page">', kpis)


@pytest.mark.parametrize("stage", [Conflict.Stage.RESOLVED, Conflict.Stage.CLOSED])
def test_resolved_and_closed_conflicts_are_not_open(acme, login, stage):
    partnership = partnership_add(acme, "Calm")
    Conflict.objects.create(
        workspace=acme.workspace, partnership=partnership, title="x", stage=stage
    )
    body = login(acme.viewer).get(_url(acme)).content.decode()
    assert '<span class="badge danger">' not in body
