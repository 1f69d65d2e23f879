"""Survey results over the API: aggregates only, with the same suppression as the pages.

Every number goes through the same release decision as the pages (accord/metrics/anonymity):
a withheld aggregate comes back with `shown: false`, its reason, and neither value nor n.
No operation returns an individual response or answer; comments appear only above their
threshold, shuffled and without dates, exactly as on the page.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from ninja import Field, Query, Router, Schema

from accord.api.auth import membership_of
from accord.api.schemas import UUIDPath
from accord.partnerships.selectors import partnership_get
from accord.surveys import results_export as export
from accord.surveys import results_selectors as selectors

if TYPE_CHECKING:
    Band = str
else:
    Band = Literal[selectors.BAND_VALUES]

router = Router(tags=["Survey results"])

WITHHELD_HELP = "False when the anonymity rules withhold it: then value and n are null."


# --- shapes ---------------------------------------------------------------------------------


class ResultsFunctionOut(Schema):
    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ChangeOut(Schema):
    shown: bool = Field(description="False when the change is withheld (see reason).")
    previous: str = Field(description="Title of the cycle it compares with.")
    previous_closed: date | None = Field(description="When that cycle closed.")
    diff: float | None = Field(description="This cycle minus the previous one.")
    low: float | None = Field(description="Lower end of Welch's 95% interval.")
    high: float | None
    verdict: str = Field(description="improved, declined, no detectable change, or empty.")
    reason: str

    @staticmethod
    def resolve_previous(obj: Any) -> str:
        return str(obj.previous_title)


class FigureOut(Schema):
    key: str
    label: str
    value: float | None
    n: int | None = Field(description="Respondents it rests on.")
    shown: bool = Field(description=WITHHELD_HELP)
    reason: str
    scale: str
    change: ChangeOut | None
    note: str


class ResultsCellOut(Schema):
    rater: ResultsFunctionOut = Field(description="The function whose people gave the ratings.")
    rated: ResultsFunctionOut
    score: float | None
    n: int | None
    shown: bool = Field(description=WITHHELD_HELP)
    reason: str
    rule: str = Field(description="min_group, complement, sibling or combination when withheld.")
    diagonal: bool

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return "" if obj.shown else str(obj.reason)

    @staticmethod
    def resolve_rule(obj: Any) -> str:
        return "" if obj.shown else str(obj.rule)


class MatrixRowOut(Schema):
    rater: ResultsFunctionOut
    cells: list[ResultsCellOut]


class ResultsMatrixOut(Schema):
    """Rows rate columns (rater → rated); the diagonal is a function about itself."""

    columns: list[ResultsFunctionOut]
    rows: list[MatrixRowOut]


class ResultsOptionOut(Schema):
    label: str
    count: int
    share: float


class ResultsItemOut(Schema):
    key: str
    text: str
    kind: str
    shown: bool = Field(description=WITHHELD_HELP)
    n: int | None
    reason: str
    options: list[ResultsOptionOut]
    mean: float | None
    scale: str
    reverse: bool
    disagreement: float | None = Field(description="Health check: normalised vote entropy.")
    trends: list[ResultsOptionOut] = Field(description="Health check: better / same / worse.")
    change: ChangeOut | None


class CommentsOut(Schema):
    key: str
    text: str
    shown: bool
    comments: list[str] = Field(description="Shuffled, without dates; empty when withheld.")
    n: int | None = Field(description="Writers; null when withheld.")
    reason: str

    @staticmethod
    def resolve_n(obj: Any) -> int | None:
        return int(obj.n) if obj.shown else None


class ReliabilityOut(Schema):
    label: str
    value: float | None
    shown: bool
    low: float | None
    high: float | None
    n: int | None
    note: str


class TrendPointOut(Schema):
    cycle: UUID
    title: str
    date: date
    value: float | None
    n: int | None
    shown: bool


class TrendSeriesOut(Schema):
    key: str
    label: str
    scale: str
    points: list[TrendPointOut]


class ResultsPartnershipOut(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class CycleRefOut(Schema):
    id: UUID
    title: str
    instrument: str
    kind: str
    partnership: ResultsPartnershipOut | None
    status: str
    opens_at: datetime
    closes_at: datetime
    min_group: int
    min_comments: int

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_instrument(obj: Any) -> str:
        return str(obj.version.instrument.name)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.version.instrument.kind)


class GroupOut(Schema):
    key: str = Field(description="all, function=<id>, band=<band> or both joined by &.")
    label: str
    function: UUID | None
    band: str | None
    shown: bool = Field(description="False: the whole breakdown is withheld (see reason).")
    reason: str


class BandOut(Schema):
    value: str
    label: str


class CycleResultsOut(Schema):
    cycle: CycleRefOut
    state: str = Field(description="draft, open (results wait for the close), too_few, ready.")
    responses: int
    k: int = Field(description="Smallest group shown, frozen when the cycle opened.")
    min_comments: int
    group: GroupOut
    functions: list[ResultsFunctionOut] = Field(description="Breakdown choices.")
    bands: list[BandOut]
    headline: list[FigureOut]
    matrix: ResultsMatrixOut | None = Field(description="Coordination only.")
    dimensions: list[FigureOut]
    reliability: list[ReliabilityOut]
    agreement: str
    items: list[ResultsItemOut]
    comments: list[CommentsOut]
    trends: list[TrendSeriesOut]
    previous: CycleRefOut | None


class SummaryOut(Schema):
    instrument: str
    kind: str
    latest: CycleRefOut | None
    headline: list[FigureOut]
    trends: list[TrendSeriesOut]
    note: str

    @staticmethod
    def resolve_note(obj: Any) -> str:
        return str(obj.state_note)


class PartnershipResultsOut(Schema):
    partnership: ResultsPartnershipOut
    instruments: list[SummaryOut]


class RollupRowOut(Schema):
    partnership: ResultsPartnershipOut | None = Field(description="Null: workspace-wide surveys.")
    instruments: list[SummaryOut]


class ResultsRollupOut(Schema):
    """Sorted by partnership name: the numbers are for each team against its own past, not a
    ranking."""

    rows: list[RollupRowOut]
    icc1: float | None = Field(description="Psychological safety across partnerships.")
    icc2: float | None
    icc_partnerships: int
    icc_note: str

    @staticmethod
    def resolve_icc_partnerships(obj: Any) -> int:
        return int(obj.icc_teams)


class ExportRowOut(Schema):
    cycle: str
    cycle_title: str
    instrument: str
    group: str
    group_label: str
    measure: str
    target: str
    statistic: str
    value: float | None
    n: int | None
    status: str
    reason: str


class BreakdownParams(Schema):
    function: UUID | None = Field(None, description="A function's id: only its respondents.")
    band: Band | None = Field(None, description="contributor, manager or leader.")


class ExportParams(Schema):
    format: Literal["json", "csv"] = "json"


def _cycle_results_out(results: selectors.CycleResults) -> dict[str, Any]:
    return {
        "cycle": results.cycle,
        "state": results.state,
        "responses": results.responses,
        "k": results.k,
        "min_comments": results.min_comments,
        "group": {
            "key": results.group.key,
            "label": results.group_label,
            "function": results.group.function,
            "band": results.group.band,
            "shown": results.group_shown if results.ready else False,
            "reason": results.group_reason,
        },
        "functions": results.functions,
        "bands": [{"value": value, "label": label} for value, label in results.bands],
        "headline": results.headline,
        "matrix": results.matrix,
        "dimensions": results.dimensions,
        "reliability": results.reliability,
        "agreement": results.agreement,
        "items": results.items,
        "comments": results.comments,
        "trends": results.trends,
        "previous": results.previous,
    }


def _csv(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --- operations -----------------------------------------------------------------------------

# The exports answer JSON rows, or with `format=csv` the same rows as a CSV file.
CSV_TOO = {
    "responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
}


@router.get("/survey-results", response=ResultsRollupOut)
def get_survey_results_rollup(request: HttpRequest) -> selectors.Rollup:
    """Each visible partnership's latest headline numbers (sorted by name, never ranked) and
    ICC(1)/ICC(2) of psychological safety across partnerships."""
    return selectors.workspace_rollup(membership=membership_of(request))


@router.get("/survey-results/export", response=list[ExportRowOut], openapi_extra=CSV_TOO)
def export_survey_results_rollup(request: HttpRequest, params: Query[ExportParams]) -> Any:
    """The roll-up as flat rows (`format=csv` for a spreadsheet)."""
    rollup = selectors.workspace_rollup(membership=membership_of(request))
    if params.format == "csv":
        return _csv(export.rollup_csv(rollup), f"survey-results-{timezone.localdate()}")
    return [
        {
            "cycle": row["cycle"],
            "cycle_title": row["cycle_title"],
            "instrument": row["instrument"],
            "group": "all",
            "group_label": row["partnership"] or "Workspace-wide surveys",
            "measure": row["measure"],
            "target": "",
            "statistic": "mean",
            "value": row["value"],
            "n": row["n"],
            "status": row["status"],
            "reason": row["reason"],
        }
        for row in export.rollup_json(rollup)
    ]


@router.get("/survey-results/partnerships/{slug}", response=PartnershipResultsOut)
def get_partnership_survey_results(request: HttpRequest, slug: str) -> selectors.PartnershipResults:
    """Every instrument the partnership ran: its latest released results and their trend."""
    membership = membership_of(request)
    partnership = partnership_get(membership=membership, slug=slug)
    return selectors.partnership_results(membership=membership, partnership=partnership)


@router.get("/survey-results/cycles/{cycle}", response=CycleResultsOut)
def get_cycle_survey_results(
    request: HttpRequest, cycle: UUIDPath, breakdown: Query[BreakdownParams]
) -> dict[str, Any]:
    """A cycle's results for everyone, or for one function and/or seniority band — exactly
    what the results page shows, withheld aggregates included (without their numbers)."""
    membership = membership_of(request)
    found = selectors.results_cycle_get(membership=membership, uuid=cycle)
    group = selectors.Group(
        function=str(breakdown.function) if breakdown.function else None, band=breakdown.band
    )
    return _cycle_results_out(
        selectors.cycle_results(membership=membership, cycle=found, group=group)
    )


@router.get(
    "/survey-results/cycles/{cycle}/export", response=list[ExportRowOut], openapi_extra=CSV_TOO
)
def export_cycle_survey_results(
    request: HttpRequest, cycle: UUIDPath, params: Query[ExportParams]
) -> Any:
    """Every breakdown's aggregates as flat rows (`format=csv` for a spreadsheet): withheld
    rows carry their reason and no value or n. Never an individual response."""
    membership = membership_of(request)
    found = selectors.results_cycle_get(membership=membership, uuid=cycle)
    rows = selectors.export_rows(
        selectors.cycle_results_all_groups(membership=membership, cycle=found)
    )
    if params.format == "csv":
        name = f"{slugify(found.title)[:60] or 'survey'}-results"
        return _csv(export.cycle_results_csv(rows), name)
    return export.cycle_results_json(rows)
