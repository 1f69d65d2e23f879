"""The portfolio's 12-week mean trend: read by workspace and date from the covering index, with
the same answers as before for admins, filters and members who see only some partnerships."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.insights import portfolio_selectors as selectors
from accord.insights.tests.test_portfolio_support import (
    partnership_add,
    portfolio_build,
    queries_of,
    snapshots_add,
    today,
)
from accord.partnerships.models import Lifecycle, Privacy


def _means(membership, **filters):
    overview = selectors.portfolio_overview(
        membership=membership, filters=selectors.PortfolioFilters(**filters), today=today()
    )
    return {point.end: round(point.mean, 3) for point in overview.trend}


def test_admin_trend_counts_this_workspace_only(acme, globex):
    """Another workspace's snapshots on the same days do not move this workspace's mean."""
    snapshots_add(partnership_add(acme, "One"), [40.0, 60.0])
    snapshots_add(partnership_add(acme, "Two"), [60.0, 80.0])
    snapshots_add(partnership_add(globex, "Elsewhere"), [0.0, 0.0])
    means = _means(acme.membership("admin"))
    assert means == {today() - timedelta(days=7): 50.0, today(): 70.0}


def test_trend_follows_the_filters(acme):
    """A status filter averages only the partnerships it keeps."""
    snapshots_add(partnership_add(acme, "Live"), [80.0])
    snapshots_add(partnership_add(acme, "Paused", status=Lifecycle.PAUSED), [20.0])
    admin = acme.membership("admin")
    assert _means(admin) == {today(): 50.0}
    assert _means(admin, status=Lifecycle.PAUSED) == {today(): 20.0}


def test_trend_leaves_out_partnerships_the_member_cannot_see(acme):
    """A members-only partnership's scores count in its members' and admins' trend only."""
    snapshots_add(partnership_add(acme, "Open"), [70.0])
    snapshots_add(partnership_add(acme, "Secret", privacy=Privacy.MEMBERS, lead=acme.bob), [10.0])
    assert _means(acme.membership("member")) == {today(): 70.0}
    assert _means(acme.membership("admin")) == {today(): 40.0}


def test_admin_trend_is_read_by_workspace_without_a_list_of_ids(acme):
    """The trend statement filters snapshots by workspace and date, not by an IN list of
    every partnership id (which grows with the workspace)."""
    for number in range(3):
        snapshots_add(partnership_add(acme, f"P{number}"), [50.0, 55.0])
    with CaptureQueriesContext(connection) as queries:
        _means(acme.membership("admin"))
    trend = [q["sql"] for q in queries if "AVG(" in q["sql"].upper()]
    assert len(trend) == 1
    assert "workspace_id" in trend[0]
    assert "partnership_id" not in trend[0]


def test_page_query_count_is_pinned_for_admins_and_members(acme, login):
    """The portfolio page runs the same, pinned number of queries for 2 and 25 partnerships,
    for an admin and for a member."""
    portfolio_build(acme, 2, prefix="Few")
    url = "/w/acme/insights/"
    few = {role: queries_of(login(acme.user(role)), url)[0] for role in ("admin", "member")}
    portfolio_build(acme, 23, prefix="More")
    many = {role: queries_of(login(acme.user(role)), url)[0] for role in ("admin", "member")}
    assert many == few
    assert few["admin"] <= 17
