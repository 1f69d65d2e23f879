"""Trend charts span the whole answer scale, so a small move does not look like a large one."""

import datetime

from accord.surveys.results_selectors import TrendPoint, TrendSeries
from accord.surveys.results_views import _scale_bounds, _trend_chart


def _series(scale, values=()):
    points = [
        TrendPoint(
            cycle=f"c{i}",
            title=f"Cycle {i}",
            date=datetime.date(2026, 1 + i, 1),
            value=value,
            n=8,
            shown=True,
        )
        for i, value in enumerate(values)
    ]
    return TrendSeries(key="k", label="Psychological safety", scale=scale, points=points)


def test_the_axis_bounds_come_from_the_shared_scale():
    """ "1–7" and "0 (red) – 2 (green)" give their bounds; mixed or unnumbered scales none."""
    assert _scale_bounds([_series("1–7")]) == (1, 7)
    assert _scale_bounds([_series("0 (red) – 2 (green)")]) == (0, 2)
    assert _scale_bounds([_series("1–5"), _series("1–7")]) is None
    assert _scale_bounds([_series("share of respondents choosing each option")]) is None


def test_a_flat_series_is_drawn_on_the_whole_scale():
    """4.87 → 4.99 on a 1–7 scale: the chart's axis runs 1 to 7, not 4.87 to 4.99."""
    chart = _trend_chart([_series("1–7", [4.87, 4.88, 4.99])])
    assert (chart["min"], chart["max"]) == (1, 7)
    assert [p[1] for p in chart["series"][0]["points"]] == [4.87, 4.88, 4.99]


def test_no_shown_point_means_no_chart():
    assert _trend_chart([_series("1–7")]) is None
