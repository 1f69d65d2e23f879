"""Portfolio pages: every visible partnership with its health, a function's view, and the KPI
roll-up before and after each partnership started. Read-only; viewers may read."""

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accord.goals.models import Category
from accord.insights import portfolio_selectors as selectors
from accord.insights.portfolio_forms import PortfolioFilterForm
from accord.metrics.portfolio import BELOW
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership


def _today() -> date:
    return timezone.localdate()


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _query_without_page(params: QueryDict) -> str:
    query = params.copy()
    query.pop("page", None)
    text = query.urlencode()
    return f"{text}&" if text else ""


def _links(rows: list[selectors.PortfolioRow], slug: str) -> None:
    """Each row's links, reversing each function's once (a page repeats the same few)."""
    functions: dict[Any, str] = {}
    for row in rows:
        partnership = row.partnership.slug
        row.url = reverse("partnership_detail", args=[slug, partnership])
        row.health_url = reverse("health_detail", args=[slug, partnership])
        for function in row.functions:
            if function.uuid not in functions:
                functions[function.uuid] = reverse("portfolio_function", args=[slug, function.uuid])
            row.function_links.append((function.name, functions[function.uuid]))


def _distribution_chart(data: selectors.Portfolio) -> dict[str, Any]:
    return {
        "kind": "distribution",
        "labels": [b.label for b in data.distribution],
        "values": [b.count for b in data.distribution],
        "threshold": BELOW,
    }


def _trend_chart(points: list[selectors.TrendPoint]) -> dict[str, Any]:
    return {
        "kind": "trend",
        "points": [[p.end.isoformat(), round(p.mean, 1)] for p in points],
    }


@login_required
@workspace_view("viewer")
def portfolio(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    choices = selectors.portfolio_filter_choices(membership=membership)
    form = PortfolioFilterForm(
        request.GET or None, functions=choices["functions"], sponsors=choices["sponsors"]
    )
    filters = form.filters()
    data = selectors.portfolio(
        membership=membership, filters=filters, today=_today(), page=request.GET.get("page")
    )
    _links(data.rows, membership.workspace.slug)
    return render(
        request,
        "insights/portfolio_list.html",
        {
            "form": form,
            "portfolio": data,
            "page_obj": data.page,
            "filters": filters,
            "sort_label": selectors.SORTS.get(filters.sort, "Name"),
            "query_without_page": _query_without_page(request.GET),
            "distribution_chart": _distribution_chart(data),
            "trend_chart": _trend_chart(data.trend),
            "below": int(BELOW),
        },
    )


@login_required
@workspace_view("viewer")
def portfolio_function(request: HttpRequest, function: Any) -> HttpResponse:
    membership = _membership(request)
    found = selectors.portfolio_function_get(membership=membership, uuid=function)
    filters = selectors.PortfolioFilters(function=str(found.uuid), sort="health")
    data = selectors.portfolio(
        membership=membership, filters=filters, today=_today(), page=request.GET.get("page")
    )
    _links(data.rows, membership.workspace.slug)
    ties = selectors.function_ties(membership=membership, function=found)
    coordinated = [t for t in ties.ties if t.gives is not None or t.receives is not None]
    heatmap = {
        "kind": "heatmap",
        "columns": [t.other.name for t in coordinated],
        "rows": [f"{found.name} rates them", f"They rate {found.name}"],
        "cells": [
            [column, row, round(value, 2)]
            for column, tie in enumerate(coordinated)
            for row, value in enumerate((tie.gives, tie.receives))
            if value is not None
        ],
    }
    return render(
        request,
        "insights/portfolio_function.html",
        {
            "function": found,
            "function_key": str(found.uuid),
            "portfolio": data,
            "page_obj": data.page,
            "query_without_page": _query_without_page(request.GET),
            "ties": ties,
            "coordinated": coordinated,
            "heatmap_chart": heatmap,
            "distribution_chart": _distribution_chart(data),
            "below": int(BELOW),
        },
    )


@login_required
@workspace_view("viewer")
def portfolio_kpis(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    category = request.GET.get("category", "")
    error = ""
    if category and category not in Category.values:
        error = f"category: “{category[:60]}” is not a KPI category, so it is ignored."
        category = ""
    rollup = selectors.kpi_before_after(membership=membership, category=category or None)
    page = Paginator(rollup.rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    chart = {
        "kind": "kpis",
        "labels": [c.label for c in rollup.categories],
        "improved": [c.change.improved for c in rollup.categories],
        "worsened": [c.change.worsened for c in rollup.categories],
        "unchanged": [c.change.unchanged for c in rollup.categories],
    }
    return render(
        request,
        "insights/portfolio_kpis.html",
        {
            "rollup": rollup,
            "page_obj": page,
            "rows": list(page.object_list),
            "category": category,
            "categories": Category.choices,
            "error": error,
            "query_without_page": _query_without_page(request.GET),
            "kpi_chart": chart,
        },
    )
