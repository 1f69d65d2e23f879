"""Reports over the API: a review's frozen pack as PDF, HTML, CSV or XLSX, and the
workspace's quarterly report as JSON, HTML or PDF. Same permissions as the pages: whoever
sees the partnership reads its reports; the quarterly report covers the partnerships the
caller may see."""

import dataclasses
import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from accord.api.auth import membership_of
from accord.api.problems import Problem
from accord.api.schemas import UUIDPath
from accord.insights import quarterly
from accord.insights import report_export as export
from accord.insights import report_render as render_report
from accord.insights.pack_types import ReviewPack
from accord.insights.report_render import pack_complete
from accord.insights.report_selectors import quarterly_report_for
from accord.insights.report_views import XLSX_TYPE
from accord.insights.review_selectors import review_get

if TYPE_CHECKING:
    ReportFormat = str
    QuarterlyFormat = str
else:
    ReportFormat = Literal["pdf", "html", "csv", "xlsx"]
    QuarterlyFormat = Literal["json", "html", "pdf"]

router = Router(tags=["Reports"])

FILE_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_TYPE,
}


class ReportParams(Schema):
    format: ReportFormat = "pdf"


class QuarterlyParams(Schema):
    quarter: str | None = None
    format: QuarterlyFormat = "json"


def _file(content: bytes | str, *, kind: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FILE_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _pack(request: HttpRequest, review_id: Any) -> ReviewPack:
    review = review_get(membership=membership_of(request), uuid=review_id)
    if not review.pack:
        raise Problem(
            "not-found",
            f"“{review.title}” has no pack yet: POST /reviews/{review.uuid}/pack generates "
            "it, then the report can be read.",
        )
    return pack_complete(review.pack)


@router.get(
    "/reviews/{review_id}/report",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The report file",
                "content": {kind: {} for kind in FILE_TYPES.values()},
            }
        }
    },
)
def get_review_report(
    request: HttpRequest, review_id: UUIDPath, params: Query[ReportParams]
) -> HttpResponse:
    """The review's frozen pack as a report: `format=pdf` (default), `html`, `csv` (one long
    table: section, row, item, field, value) or `xlsx` (a sheet per section). A review
    without a generated pack answers 404 saying so."""
    pack = _pack(request, review_id)
    kind = params.format
    filename = render_report.report_filename(pack, kind)
    if kind == "pdf":
        return _file(render_report.report_pdf(pack), kind=kind, filename=filename)
    if kind == "html":
        return _file(render_report.report_html(pack), kind=kind, filename=filename)
    if kind == "csv":
        return _file(export.report_csv(pack), kind=kind, filename=filename)
    return _file(export.report_xlsx(pack), kind=kind, filename=filename)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def quarterly_json(report: quarterly.QuarterlyReport) -> dict[str, Any]:
    """The quarterly report as plain JSON: the figures the page and PDF show."""
    return {
        "workspace": report.workspace,
        "quarter": report.quarter.key,
        "start": report.quarter.start.isoformat(),
        "end": report.quarter.end.isoformat(),
        "as_of": report.as_of.isoformat(),
        "complete": report.complete,
        "generated_on": report.generated_on.isoformat(),
        "health_start": report.health_start,
        "health_end": report.health_end,
        "totals": report.totals,
        "summary": quarterly.quarterly_summary(report),
        "partnerships": [
            _plain(dataclasses.asdict(row)) | {"change": row.change} for row in report.partnerships
        ],
        "improvers": [row.slug for row in report.improvers],
        "decliners": [row.slug for row in report.decliners],
        "goals_at_risk": [_plain(dataclasses.asdict(goal)) for goal in report.goals_at_risk],
        "plays": [
            _plain(dataclasses.asdict(play)) | {"verdict": play.verdict} for play in report.plays
        ],
        "kpis": [_plain(dataclasses.asdict(category)) for category in report.kpis],
    }


@router.get(
    "/reports/quarterly",
    response={200: dict[str, Any]},
    openapi_extra={
        "responses": {
            200: {
                "description": "The quarterly report",
                "content": {
                    "application/json": {},
                    "text/html": {},
                    "application/pdf": {},
                },
            }
        }
    },
)
def get_quarterly_report(request: HttpRequest, params: Query[QuarterlyParams]) -> Any:
    """The workspace's quarterly report for leadership over the partnerships the caller may
    see: `quarter=2026-Q4` (default: the current quarter), `format=json` (default), `html` or
    `pdf`."""
    today = timezone.localdate()
    try:
        quarter = (
            quarterly.quarter_parse(params.quarter)
            if params.quarter
            else quarterly.quarter_of(today)
        )
    except ValueError as error:
        raise Problem(
            "validation",
            str(error),
            errors=[{"field": "quarter", "message": str(error), "code": "invalid"}],
        ) from error
    report = quarterly_report_for(membership=membership_of(request), quarter=quarter, today=today)
    if params.format == "json":
        return quarterly_json(report)
    filename = render_report.quarterly_filename(report, params.format)
    if params.format == "pdf":
        return _file(render_report.quarterly_pdf(report), kind="pdf", filename=filename)
    return _file(render_report.quarterly_html(report), kind="html", filename=filename)
