"""KPIs before and after each partnership started, rolled up by category."""

from datetime import timedelta

from django.urls import reverse

from accord.insights.portfolio_selectors import kpi_before_after
from accord.insights.tests.test_portfolio_support import kpi_add, partnership_add, queries_of, today
from accord.partnerships.models import Privacy


def _category(rollup, key):
    return next(c for c in rollup.categories if c.category == key)


def test_before_is_the_first_measurement_since_the_start(acme):
    """Measured 50 before the start, 60 on the first day after it, 72 now: +20 % since the
    start, not +44 % since the first measurement ever."""
    start = today() - timedelta(days=100)
    partnership = partnership_add(acme, "Growth", start=start)
    kpi_add(
        partnership,
        name="Win rate",
        category="revenue growth",
        values=[(start - timedelta(days=10), 50), (start + timedelta(days=1), 60), (today(), 72)],
    )
    rollup = kpi_before_after(membership=acme.membership("viewer"))
    row = rollup.rows[0]
    assert (row.before, row.after, row.since_start) == (60, 72, True)
    assert row.change.verdict == "improved"
    assert round(row.change.percent, 1) == 20.0


def test_without_a_start_date_the_first_measurement_ever_counts(acme):
    partnership = partnership_add(acme, "Undated")
    partnership.start_date = None
    partnership.save(update_fields=["start_date"])
    kpi_add(
        partnership,
        name="Cost per order",
        category="cost",
        direction="decrease",
        values=[(today() - timedelta(days=30), 10), (today(), 8)],
    )
    row = kpi_before_after(membership=acme.membership("viewer")).rows[0]
    assert (row.before, row.since_start, row.change.verdict) == (10, False, "improved")
    assert round(row.change.percent) == 20


def test_categories_count_improved_and_worsened_with_the_median(acme):
    partnership = partnership_add(acme, "Mixed")
    past = today() - timedelta(days=50)
    for name, before, after in [("A", 100, 110), ("B", 100, 130), ("C", 100, 90)]:
        kpi_add(
            partnership, name=name, category="efficiency", values=[(past, before), (today(), after)]
        )
    kpi_add(partnership, name="Lonely", category="efficiency", values=[(today(), 3)])
    kpi_add(
        partnership,
        name="NPS band",
        category="customer satisfaction",
        direction="range",
        target_low=40,
        target_high=60,
        values=[(past, 30), (today(), 45)],
    )
    rollup = kpi_before_after(membership=acme.membership("viewer"))
    efficiency = _category(rollup, "efficiency")
    assert (efficiency.kpis, efficiency.change.improved, efficiency.change.worsened) == (4, 2, 1)
    assert efficiency.change.no_data == 1
    assert efficiency.change.median_percent == 10.0
    customer = _category(rollup, "customer satisfaction")
    assert customer.change.improved == 1
    assert (rollup.improved, rollup.worsened) == (3, 1)


def test_kpis_of_hidden_partnerships_are_left_out(acme):
    secret = partnership_add(acme, "Secret", privacy=Privacy.MEMBERS, lead=acme.bob)
    kpi_add(secret, name="Hidden", category="cost", values=[(today(), 1)])
    assert kpi_before_after(membership=acme.membership("member")).rows == []
    assert len(kpi_before_after(membership=acme.membership("admin")).rows) == 1


def test_the_page_shows_categories_kpis_and_a_chart_with_its_table(acme, login):
    partnership = partnership_add(acme, "Growth")
    kpi_add(
        partnership,
        name="Win rate",
        category="revenue growth",
        values=[(today() - timedelta(days=20), 50), (today(), 55)],
    )
    client = login(acme.viewer)
    url = reverse("portfolio_kpis", args=["acme"])
    body = client.get(url).content.decode()
    assert "Win rate" in body
    assert "Revenue growth" in body
    assert 'id="kpi-chart-data"' in body
    assert "+10.0 %" in body
    filtered = client.get(url + "?category=cost").content.decode()
    assert "Win rate" not in filtered
    bad = client.get(url + "?category=nonsense")
    assert bad.status_code == 200
    assert "category: “nonsense” is not a KPI category" in bad.content.decode()


def test_the_kpi_page_runs_constant_queries(acme, login):
    client = login(acme.member)
    url = reverse("portfolio_kpis", args=["acme"])
    first = partnership_add(acme, "First")
    kpi_add(
        first, name="K", category="cost", values=[(today() - timedelta(days=9), 2), (today(), 1)]
    )
    one, _ = queries_of(client, url)
    for number in range(15):
        partnership = partnership_add(acme, f"More {number}")
        kpi_add(partnership, name="K", category="speed", values=[(today(), number)])
    many, _ = queries_of(client, url)
    assert many == one
