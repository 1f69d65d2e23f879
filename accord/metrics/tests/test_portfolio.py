"""Portfolio figures: trend sentences, weekly sampling, sparklines, the distribution and KPI
changes read in their good direction."""

from datetime import date, timedelta

import pytest

from accord.metrics.portfolio import (
    HealthTrend,
    category_change,
    health_change,
    health_distribution,
    health_summary,
    kpi_change,
    sparkline,
    weekly_points,
)

TODAY = date(2026, 6, 1)


def test_trend_sentences():
    assert HealthTrend(62.4, 8.2).sentence == "62, up 8 in 30 days"
    assert HealthTrend(40, -12).sentence == "40, down 12 in 30 days"
    assert HealthTrend(70, 0.4).sentence == "70, steady over 30 days"
    assert HealthTrend(70, None).sentence == "70, no score 30 days earlier to compare"
    assert HealthTrend(None, None).sentence == "No score yet"


def test_a_change_needs_both_scores():
    assert health_change(62, 54) == 8
    assert health_change(None, 54) is None
    assert health_change(62, None) is None


def test_weekly_points_keep_the_latest_of_each_week():
    """Daily snapshots over 20 days become the last day of each 7-day window ending today."""
    daily = [(TODAY - timedelta(days=d), float(100 - d)) for d in range(20)]
    points = weekly_points(daily, today=TODAY, weeks=12)
    assert [when for when, _ in points] == [
        TODAY - timedelta(days=14),
        TODAY - timedelta(days=7),
        TODAY,
    ]
    old = [(TODAY - timedelta(days=7 * 12), 10.0)]
    assert weekly_points(old, today=TODAY, weeks=12) == []
    with pytest.raises(ValueError, match="weeks"):
        weekly_points([], today=TODAY, weeks=0)


def test_sparkline_scales_to_the_series_with_a_minimum_span():
    line = sparkline([0, 100], width=100, height=20, pad=0)
    assert line is not None
    assert line.points == "0.0,20.0 100.0,0.0"
    narrow = sparkline([60, 70], width=100, height=20, pad=0)
    assert narrow is not None
    assert narrow.points == "0.0,15.0 100.0,5.0"  # 55–75: the 10-point rise fills half
    top = sparkline([99, 100], width=10, height=20, pad=0)
    assert top is not None
    assert top.last_y == 0.0  # the widened range stays within 0–100
    assert sparkline([50]) is None
    gappy = sparkline([10, None, 30], width=10, height=10, pad=0)
    assert gappy is not None
    assert gappy.count == 2
    assert gappy.last_x == 10.0


def test_distribution_bins_and_summary():
    bins = health_distribution([0, 9.9, 10, 59, 99, 100, None])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert bins[-1].label == "90–100"
    summary = health_summary([HealthTrend(50, 5), HealthTrend(70, -3), HealthTrend(None, None)])
    assert (summary.partnerships, summary.scored, summary.mean) == (3, 2, 60)
    assert (summary.below, summary.improving, summary.declining) == (1, 1, 1)


@pytest.mark.parametrize(
    ("direction", "before", "after", "verdict", "percent"),
    [
        ("increase", 50, 60, "improved", 20.0),
        ("increase", 50, 40, "worsened", -20.0),
        ("decrease", 10, 8, "improved", 20.0),
        ("decrease", 10, 12, "worsened", -20.0),
        ("increase", 0, 5, "improved", None),
        ("increase", 5, 5, "unchanged", 0.0),
    ],
)
def test_kpi_change_reads_the_good_direction(direction, before, after, verdict, percent):
    change = kpi_change(direction=direction, before=before, after=after)
    assert change.verdict == verdict
    assert change.percent == percent


def test_maintain_and_range_kpis_improve_by_getting_closer():
    toward = kpi_change(direction="maintain", before=80, after=95, target=100)
    assert (toward.verdict, toward.gain) == ("improved", 15)
    into = kpi_change(direction="range", before=30, after=45, low=40, high=60)
    assert (into.verdict, into.gain) == ("improved", 10)
    out = kpi_change(direction="range", before=50, after=65, low=40, high=60)
    assert out.verdict == "worsened"
    assert kpi_change(direction="maintain", before=1, after=2).verdict == "no_data"
    assert kpi_change(direction="increase", before=None, after=2).verdict == "no_data"


def test_category_change_uses_the_median():
    changes = [
        kpi_change(direction="increase", before=100, after=after) for after in (110, 130, 90, 500)
    ]
    summary = category_change(changes)
    assert (summary.improved, summary.worsened, summary.compared) == (3, 1, 4)
    assert summary.median_percent == 20.0
