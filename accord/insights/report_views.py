"""Report pages and downloads: a review's pack as an HTML page, a PDF, CSV and XLSX, and the
workspace's quarterly report (page and PDF).

Anyone who can see the partnership may read its reports (viewers too). A review of another
partnership or workspace is a 404; so is a review whose pack was not generated yet (the page
says to prepare the review first): a report shows the pack the meeting saw, and a GET never
builds one.
"""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accord.insights import quarterly
from accord.insights import report_export as export
from accord.insights import report_render as render_report
from accord.insights.models import Review
from accord.insights.pack_types import ReviewPack
from accord.insights.report_selectors import (
    quarterly_report_for,
    report_pack_get,
    report_review_get,
)
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUARTERS_LISTED = 8


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _review_and_pack(
    request: HttpRequest, partnership: str, review: uuid.UUID
) -> tuple[Review, ReviewPack]:
    found = report_review_get(
        membership=_membership(request), partnership=partnership, review=review
    )
    return found, report_pack_get(review=found)


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@workspace_view("viewer")
def review_report(request: HttpRequest, partnership: str, review: uuid.UUID) -> HttpResponse:
    """The review pack as a readable page with download links."""
    found = report_review_get(
        membership=_membership(request), partnership=partnership, review=review
    )
    context = render_report.report_context(report_pack_get(review=found))
    args = [request.workspace.slug, found.partnership.slug, found.uuid]  # type: ignore[attr-defined]
    context |= {
        "partnership": found.partnership,
        "review": found,
        "downloads": [
            ("PDF", reverse("review_report_pdf", args=args)),
            ("XLSX", reverse("review_export_xlsx", args=args)),
            ("CSV", reverse("review_export_csv", args=args)),
        ],
    }
    return render(request, "insights/report_page.html", context)


def _review_download(
    request: HttpRequest, partnership: str, review: uuid.UUID, extension: str
) -> HttpResponse:
    """The review's frozen pack as a file: pdf, csv or xlsx."""
    _found, pack = _review_and_pack(request, partnership, review)
    render_file, content_type = {
        "pdf": (render_report.report_pdf, "application/pdf"),
        "csv": (export.report_csv, "text/csv; charset=utf-8"),
        "xlsx": (export.report_xlsx, XLSX_TYPE),
    }[extension]
    return _download(
        render_file(pack),
        content_type=content_type,
        filename=render_report.report_filename(pack, extension),
    )


@login_required
@workspace_view("viewer")
def review_report_pdf(request: HttpRequest, partnership: str, review: uuid.UUID) -> HttpResponse:
    return _review_download(request, partnership, review, "pdf")


@login_required
@workspace_view("viewer")
def review_export_csv(request: HttpRequest, partnership: str, review: uuid.UUID) -> HttpResponse:
    return _review_download(request, partnership, review, "csv")


@login_required
@workspace_view("viewer")
def review_export_xlsx(request: HttpRequest, partnership: str, review: uuid.UUID) -> HttpResponse:
    return _review_download(request, partnership, review, "xlsx")


# --- the quarterly report -------------------------------------------------------------------


def _quarter(request: HttpRequest) -> tuple[quarterly.Quarter, str]:
    """?quarter=2026-Q4, default the current quarter; a bad value falls back to the current
    quarter with the message naming the parameter and the expected form."""
    current = quarterly.quarter_of(timezone.localdate())
    raw = request.GET.get("quarter", "").strip()
    if not raw:
        return current, ""
    try:
        return quarterly.quarter_parse(raw), ""
    except ValueError as error:
        return current, f"{error} Showing {current.label} instead."


@login_required
@workspace_view("viewer")
def quarterly_report(request: HttpRequest) -> HttpResponse:
    """The quarterly report over the partnerships the member may see."""
    quarter, problem = _quarter(request)
    today = timezone.localdate()
    report = quarterly_report_for(membership=_membership(request), quarter=quarter, today=today)
    context: dict[str, Any] = render_report.quarterly_context(report)
    latest = quarterly.quarter_of(today)
    choices = [latest]
    while len(choices) < QUARTERS_LISTED:
        choices.append(choices[-1].previous())
    if quarter not in choices:
        choices.append(quarter)
    context |= {
        "problem": problem,
        "quarter_choices": choices,
        "previous_quarter": quarter.previous(),
        "next_quarter": quarter.next() if quarter != latest else None,
    }
    return render(
        request, "insights/report_quarterly_page.html", context, status=400 if problem else 200
    )


@login_required
@workspace_view("viewer")
def quarterly_report_pdf(request: HttpRequest) -> HttpResponse:
    quarter, problem = _quarter(request)
    if problem:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    report = quarterly_report_for(
        membership=_membership(request), quarter=quarter, today=timezone.localdate()
    )
    return _download(
        render_report.quarterly_pdf(report),
        content_type="application/pdf",
        filename=render_report.quarterly_filename(report, "pdf"),
    )
