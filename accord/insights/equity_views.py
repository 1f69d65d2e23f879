"""The voice page of a partnership: whose voice is heard (group figures for everyone who can
see the partnership; individual counts for the person themself and the partnership's leads
only)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accord.insights.contributions import SOURCE_LABELS, SOURCES
from accord.insights.equity import DEFAULT_DAYS, WINDOW_DAYS
from accord.insights.equity_selectors import (
    EquityInputError,
    equity_chart,
    equity_days_parse,
    equity_page,
)
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import workspace_view


@login_required
@workspace_view("viewer")
def equity_detail(request: HttpRequest, partnership: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = partnership_get(membership=membership, slug=partnership)
    error = ""
    status = 200
    try:
        days = equity_days_parse(request.GET.get("days"))
    except EquityInputError as bad:
        error, days, status = bad.message, DEFAULT_DAYS, 400
    page = equity_page(
        membership=membership, partnership=found, days=days, today=timezone.localdate()
    )
    return render(
        request,
        "insights/equity_detail.html",
        {
            "partnership": found,
            "page": page,
            "result": page.result,
            "chart": equity_chart(page),
            "windows": WINDOW_DAYS,
            "source_labels": [(key, SOURCE_LABELS[key]) for key in SOURCES],
            "days_error": error,
        },
        status=status,
    )
