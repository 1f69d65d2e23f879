"""Survey results pages: a cycle's results (with breakdowns), a partnership's results, the
workspace roll-up, CSV exports of aggregates and the methods page. Every number comes from
results_selectors, which releases it through the anonymity rules."""

import re
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify

from accord.partnerships.selectors import partnership_get
from accord.surveys import results_export as export
from accord.surveys import results_selectors as selectors
from accord.surveys.models import InstrumentKind
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def results_group(params: QueryDict) -> selectors.Group:
    """The breakdown from ?function=<uuid>&band=<band>; anything else means everyone."""
    function = params.get("function", "").strip()
    try:
        function = str(uuid.UUID(function)) if function else ""
    except ValueError:
        function = ""
    band = params.get("band", "").strip()
    return selectors.Group(
        function=function or None, band=band if band in selectors.BAND_VALUES else None
    )


# --- chart data (drawn by surveys/results.js; tables carry the same numbers) ---------------


def _scale_bounds(trends: list[selectors.TrendSeries]) -> tuple[int, int] | None:
    """The answer scale the series share ("1–5", "0 (red) – 2 (green)"), so the axis spans
    the whole scale and a small move does not look like a large one; None if they differ."""
    bounds = set()
    for series in trends:
        found = re.match(r"^(\d+)\D+?(\d+)", series.scale)
        if found is None:
            return None
        bounds.add((int(found[1]), int(found[2])))
    return bounds.pop() if len(bounds) == 1 else None


def _trend_chart(trends: list[selectors.TrendSeries]) -> dict[str, Any] | None:
    if not any(point.shown for series in trends for point in series.points):
        return None
    bounds = _scale_bounds(trends)
    return {
        "kind": "trend",
        "min": bounds[0] if bounds else None,
        "max": bounds[1] if bounds else None,
        "series": [
            {
                "name": series.label,
                "points": [
                    [
                        point.date.isoformat(),
                        round(point.value, 3) if point.shown and point.value is not None else None,
                    ]
                    for point in series.points
                ],
            }
            for series in trends
        ],
    }


def _dimension_chart(figures: list[selectors.Figure]) -> dict[str, Any] | None:
    shown = [f for f in figures if f.shown and f.value is not None]
    if not shown:
        return None
    return {
        "kind": "bars",
        "min": 1,
        "max": 5,
        "labels": [f.label for f in shown],
        "values": [round(f.value or 0, 3) for f in shown],
    }


def _distribution_chart(results: selectors.CycleResults) -> dict[str, Any] | None:
    """Stacked shares per question, for instruments whose questions share one set of answers
    (psychological safety, health check)."""
    if results.kind not in (InstrumentKind.PSYCH_SAFETY, InstrumentKind.HEALTH_CHECK):
        return None
    shown = [item for item in results.items if item.shown and item.options]
    if not shown:
        return None
    labels = [option.label for option in shown[0].options]
    if any([o.label for o in item.options] != labels for item in shown):
        return None
    return {
        "kind": "stacked",
        "health": results.kind == InstrumentKind.HEALTH_CHECK,
        "items": [item.text for item in shown],
        "options": labels,
        "shares": [
            [round(item.options[i].share * 100, 1) for item in shown] for i in range(len(labels))
        ],
    }


# --- pages ----------------------------------------------------------------------------------


def _rollup_tables(rollup: selectors.Rollup) -> list[dict[str, Any]]:
    """One table per instrument: a row per partnership (alphabetical), a column per headline
    number, each cell the figure (or None when that partnership has no such number)."""
    tables: dict[str, dict[str, Any]] = {}
    for row in rollup.rows:
        for summary in row.instruments:
            table = tables.setdefault(
                summary.instrument, {"instrument": summary.instrument, "columns": [], "rows": []}
            )
            for figure in summary.headline:
                if figure.label not in table["columns"]:
                    table["columns"].append(figure.label)
            table["rows"].append({"partnership": row.partnership, "summary": summary})
    for table in tables.values():
        for entry in table["rows"]:
            by_label = {figure.label: figure for figure in entry["summary"].headline}
            entry["cells"] = [by_label.get(label) for label in table["columns"]]
        # Many numbers (a health check's indicators) read better as rows.
        table["transposed"] = len(table["columns"]) > 4
        table["measures"] = [
            {"label": label, "cells": [entry["cells"][index] for entry in table["rows"]]}
            for index, label in enumerate(table["columns"])
        ]
    return list(tables.values())


@login_required
@workspace_view("viewer")
def results_rollup(request: HttpRequest) -> HttpResponse:
    """Each partnership's latest headline numbers, alphabetical: never a league table;
    ``selectors.ROLLUP_PAGE_SIZE`` partnerships a page."""
    raw = request.GET.get("page", "1")
    page = int(raw) if raw.isdigit() else 1
    rollup = selectors.workspace_rollup(membership=_membership(request), page=page)
    paginator = Paginator(range(rollup.total), selectors.ROLLUP_PAGE_SIZE)
    return render(
        request,
        "surveys/results_rollup.html",
        {
            "rollup": rollup,
            "tables": _rollup_tables(rollup),
            "page_obj": paginator.get_page(rollup.page),
            "query_without_page": "",
        },
    )


@login_required
@workspace_view("viewer")
def results_rollup_export(request: HttpRequest) -> HttpResponse:
    rollup = selectors.workspace_rollup(membership=_membership(request), page=None)
    response = HttpResponse(export.rollup_csv(rollup), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="survey-results-{stamp}.csv"'
    return response


@login_required
@workspace_view("viewer")
def results_partnership(request: HttpRequest, partnership: str) -> HttpResponse:
    membership = _membership(request)
    found = partnership_get(membership=membership, slug=partnership)
    results = selectors.partnership_results(membership=membership, partnership=found)
    entries = [
        {"summary": summary, "chart": _trend_chart(summary.trends), "chart_id": f"trend-{index}"}
        for index, summary in enumerate(results.instruments)
    ]
    return render(
        request,
        "surveys/results_partnership.html",
        {"partnership": found, "results": results, "entries": entries},
    )


@login_required
@workspace_view("viewer")
def results_cycle(request: HttpRequest, cycle: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.results_cycle_get(membership=membership, uuid=cycle)
    group = results_group(request.GET)
    results = selectors.cycle_results(membership=membership, cycle=found, group=group)
    context = {
        "cycle": found,
        "results": results,
        "dimension_chart": _dimension_chart(results.dimensions),
        "trend_chart": _trend_chart(results.trends),
        "distribution_chart": _distribution_chart(results),
        "query": request.GET.urlencode(),
    }
    template = "surveys/results_cycle.html"
    if _is_htmx(request):
        template += "#body"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("viewer")
def results_cycle_export(request: HttpRequest, cycle: uuid.UUID) -> HttpResponse:
    """Every breakdown's aggregates as CSV, withheld ones marked, never a response."""
    membership = _membership(request)
    found = selectors.results_cycle_get(membership=membership, uuid=cycle)
    views = selectors.cycle_results_all_groups(membership=membership, cycle=found)
    response = HttpResponse(
        export.cycle_results_csv(selectors.export_rows(views)),
        content_type="text/csv; charset=utf-8",
    )
    name = slugify(found.title)[:60] or "survey"
    response["Content-Disposition"] = f'attachment; filename="{name}-results.csv"'
    return response


@login_required
@workspace_view("viewer")
def results_methods(request: HttpRequest) -> HttpResponse:
    """Where every number on the results pages comes from."""
    return render(request, "surveys/results_methods.html", {})
