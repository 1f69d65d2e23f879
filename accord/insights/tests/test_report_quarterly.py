"""The workspace's quarterly report: quarters, health at both ends and its change, movers,
goals at risk, conflicts, decisions, reviews, plays and KPIs — in constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.goals.models import CheckIn, Goal, Kpi, Measurement
from accord.governance.models import ActionItem, Conflict, Decision
from accord.insights.models import Recommendation, Review
from accord.insights.quarterly import (
    Quarter,
    quarter_of,
    quarter_parse,
    quarterly_report,
    quarterly_summary,
)
from accord.insights.report_render import quarterly_context, quarterly_html
from accord.insights.tests.report_helpers import partnership_make, review_make, snapshot_make
from accord.partnerships.models import Partnership

Q3 = Quarter(2026, 3)
TODAY = datetime.date(2026, 11, 15)


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _report(tenant, quarter=Q3, today=TODAY):
    return quarterly_report(
        workspace=tenant.workspace,
        partnerships=Partnership.objects.filter(workspace=tenant.workspace),
        quarter=quarter,
        today=today,
    )


@pytest.mark.parametrize(
    ("text", "key"), [("2026-Q4", "2026-Q4"), ("2026q1", "2026-Q1"), (" 2025 - Q2 ", "2025-Q2")]
)
def test_quarter_parse_accepts_the_usual_spellings(text, key):
    assert quarter_parse(text).key == key


@pytest.mark.parametrize("text", ["2026-Q5", "Q4", "2026-04", "", "1999-Q1"])
def test_quarter_parse_rejects_anything_else_naming_the_form(text):
    with pytest.raises(ValueError, match=r"2026-Q4|between 2000 and 2100"):
        quarter_parse(text)


def test_quarter_bounds_and_neighbours():
    assert (Q3.start, Q3.end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert Quarter(2026, 4).end == datetime.date(2026, 12, 31)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert quarter_of(datetime.date(2026, 2, 28)) == Quarter(2026, 1)


def test_a_workspace_without_partnerships_gets_an_empty_report(acme):
    report = _report(acme)
    assert report.partnerships == []
    assert quarterly_summary(report) == ["No partnership ran in Q3 2026."]
    html = quarterly_html(report)
    assert "No partnership ran in this quarter." in html
    assert "No active goal is at risk." in html


@pytest.fixture
def several(acme):
    """Three running partnerships: one recovering, one sliding, one without scores; plus a
    proposed one (left out)."""
    rising = partnership_make(acme, "Checkout Revamp")
    sliding = partnership_make(acme, "Pricing Council")
    unscored = partnership_make(acme, "Data Guild")
    partnership_make(acme, "Someday Maybe", status="proposed")
    snapshot_make(rising, datetime.date(2026, 6, 28), 50)
    snapshot_make(rising, datetime.date(2026, 9, 29), 71)
    snapshot_make(rising, datetime.date(2026, 10, 20), 90)  # after the quarter: ignored
    snapshot_make(sliding, datetime.date(2026, 7, 1), 66)
    snapshot_make(sliding, datetime.date(2026, 9, 30), 52)
    # Conflicts: one opened and resolved in Q3, one opened in Q2 and still open.
    resolved = Conflict.objects.create(
        workspace=acme.workspace, partnership=sliding, title="Discount depth"
    )
    Conflict.objects.filter(pk=resolved.pk).update(
        created_at=_moment(datetime.date(2026, 7, 10)),
        resolved_at=_moment(datetime.date(2026, 8, 1)),
        stage="resolved",
    )
    old = Conflict.objects.create(workspace=acme.workspace, partnership=sliding, title="Old")
    Conflict.objects.filter(pk=old.pk).update(created_at=_moment(datetime.date(2026, 5, 1)))
    Decision.objects.create(
        workspace=acme.workspace,
        partnership=rising,
        title="One approval path",
        status="decided",
        decided_at=_moment(datetime.date(2026, 8, 3)),
    )
    Decision.objects.create(
        workspace=acme.workspace,
        partnership=rising,
        title="Before the quarter",
        status="decided",
        decided_at=_moment(datetime.date(2026, 6, 3)),
    )
    review = review_make(acme, rising, period_end=datetime.date(2026, 8, 31))
    Review.objects.filter(pk=review.pk).update(completed_at=_moment(datetime.date(2026, 9, 2)))
    # A goal far behind its expected progress at the quarter's end.
    goal = Goal.objects.create(
        workspace=acme.workspace,
        partnership=sliding,
        title="Margin back to 40%",
        direction="increase",
        baseline=0,
        target=100,
        start_date=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 12, 31),
        owner=acme.alice,
    )
    CheckIn.objects.create(
        workspace=acme.workspace, goal=goal, date=datetime.date(2026, 9, 1), value=5
    )
    kpi = Kpi.objects.create(
        workspace=acme.workspace,
        partnership=rising,
        metric_key="conversion",
        name="Conversion",
        direction="increase",
        category="revenue growth",
        target=4,
    )
    for day, value in ((datetime.date(2026, 6, 1), 3.0), (datetime.date(2026, 9, 1), 4.2)):
        Measurement.objects.create(workspace=acme.workspace, kpi=kpi, date=day, value=value)
    recommendation = Recommendation.objects.create(
        workspace=acme.workspace,
        partnership=rising,
        play_key="raci_session",
        status=Recommendation.Status.ACCEPTED,
        baseline_signals={"health:raci": 40.0},
        first_seen=datetime.date(2026, 7, 1),
        last_seen=datetime.date(2026, 7, 1),
        decided_at=_moment(datetime.date(2026, 7, 2)),
    )
    Recommendation.objects.filter(pk=recommendation.pk).update(
        decided_at=_moment(datetime.date(2026, 7, 2))
    )
    snapshot = rising.health_snapshots.get(date=datetime.date(2026, 9, 29))
    snapshot.signals = [{"kind": "health", "key": "raci", "value": 75.0}]
    snapshot.save()
    for status in ("done", "open", "dropped"):
        ActionItem.objects.create(
            workspace=acme.workspace,
            partnership=rising,
            title=f"Step {status}",
            status=status,
            source_type="recommendation",
            source_uuid=recommendation.uuid,
        )
    return rising, sliding, unscored


def test_health_at_both_ends_and_the_movers(acme, several):
    report = _report(acme)
    by_name = {p.name: p for p in report.partnerships}
    assert list(by_name) == ["Checkout Revamp", "Data Guild", "Pricing Council"]
    assert (by_name["Checkout Revamp"].health_start, by_name["Checkout Revamp"].health_end) == (
        50,
        71,
    )
    assert by_name["Pricing Council"].change == -14
    assert by_name["Data Guild"].change is None
    assert [p.name for p in report.improvers] == ["Checkout Revamp"]
    assert [p.name for p in report.decliners] == ["Pricing Council"]


def test_counts_of_the_quarter(acme, several):
    report = _report(acme)
    totals = report.totals
    assert totals["conflicts_opened"] == 1
    assert totals["conflicts_resolved"] == 1
    assert totals["conflicts_open"] == 1  # the Q2 one, still open at the quarter's end
    assert totals["decisions"] == 1
    assert totals["reviews_held"] == 1
    assert totals["goals"] == 1
    assert totals["goals_at_risk"] == 1
    assert report.goals_at_risk[0].title == "Margin back to 40%"
    assert report.goals_at_risk[0].partnership == "Pricing Council"


def test_plays_and_kpis(acme, several):
    report = _report(acme)
    [play] = report.plays
    assert (play.title, play.actions_done, play.actions_total) == ("Run a RACI session", 1, 2)
    assert (play.improved, play.judged, play.verdict) == (1, 1, "improved")
    [revenue] = report.kpis
    assert revenue.label == "Revenue growth"
    assert (revenue.on_target_start, revenue.on_target_end, revenue.improved) == (0, 1, 1)


def test_summary_and_html(acme, several):
    report = _report(acme)
    summary = quarterly_summary(report)
    assert summary[0] == "3 partnerships; average health 62, up 4 over the quarter."
    assert "Most improved: Checkout Revamp (+21)." in summary
    assert "Largest decline: Pricing Council (-14)." in summary
    context = quarterly_context(report)
    assert "Checkout Revamp: 71 (+21 over the quarter)" in str(context["health_chart"])
    html = quarterly_html(report)
    for section in (
        "report-health",
        "report-movers",
        "report-goals",
        "report-plays",
        "report-kpis",
    ):
        assert f'id="{section}"' in html
    assert "Someday Maybe" not in html


def test_a_running_quarter_reads_up_to_today(acme, several):
    report = _report(acme, quarter=Quarter(2026, 4), today=TODAY)
    assert report.as_of == TODAY
    assert report.complete is False
    rising = next(p for p in report.partnerships if p.name == "Checkout Revamp")
    assert rising.health_end == 90


def test_queries_do_not_grow_with_partnerships(acme, several):
    """Same number of queries for 3 and for 13 partnerships."""

    def count():
        with CaptureQueriesContext(connection) as queries:
            _report(acme)
        return len(queries)

    few = count()
    for index in range(10):
        extra = partnership_make(acme, f"Extra {index}")
        snapshot_make(extra, datetime.date(2026, 9, 1), 40 + index)
        Goal.objects.create(workspace=acme.workspace, partnership=extra, title=f"Goal {index}")
    assert count() <= few


def test_hostile_names_are_escaped(acme):
    partnership_make(acme, "<script>alert(1)</script>", slug="evil")
    html = quarterly_html(_report(acme))
    assert "<script>alert(1)" not in html


def test_the_quarterly_pdf_renders(acme, several):
    from accord.insights.report_render import quarterly_pdf

    document = quarterly_pdf(_report(acme))
    assert document.startswith(b"%PDF")
    assert timezone.now()  # rendering used no request
