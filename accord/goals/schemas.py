"""API shapes for goals, check-ins, KPIs and measurements. Ids are UUIDs; references by id."""

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from accord.api.schemas import PatchSchema, Ref


class GoalRef(Schema):
    id: UUID
    title: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ProgressOut(Schema):
    current: float | None = Field(description="The latest check-in's value.")
    last_checkin: dt.date | None
    checkins: int
    progress: float | None = Field(description="0–1 share of the way from baseline to target.")
    expected: float | None = Field(description="0–1 elapsed share of the period.")
    status: str = Field(
        description="on_track, at_risk, off_track, done, not_started, no_data or closed"
    )
    reasons: list[str]
    stale: bool = Field(description="True when the check-in cadence was missed.")
    stale_reason: str


class ForecastOut(Schema):
    method: str
    due: dt.date
    value: float | None = Field(description="Projected value on the due date.")
    low: float | None
    high: float | None
    level: float = Field(description="Coverage of the prediction interval, e.g. 0.8.")
    probability: float | None = Field(description="Chance of reaching the target, 0–1.")
    projected_date: dt.date | None
    n_points: int
    reasons: list[str]


class GoalProgressOut(ProgressOut):
    forecast: ForecastOut | None


class GoalOut(Schema):
    id: UUID
    kind: str = Field(description="objective, key_result or goal")
    title: str
    description: str
    partnership: Ref | None
    function: Ref | None
    parent: GoalRef | None
    supports: list[GoalRef]
    contributing_functions: list[Ref]
    metric_key: str
    metric_name: str
    unit: str
    direction: str
    baseline: float | None
    target: float | None
    target_low: float | None
    target_high: float | None
    start_date: dt.date | None
    due_date: dt.date | None
    owner: Ref | None
    status: str
    cadence_days: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    summary: ProgressOut | None = Field(None, description="Computed today.")

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_summary(obj: Any) -> Any:
        summary = getattr(obj, "summary", None)
        return None if summary is None else progress_dict(summary)


def progress_dict(summary: Any) -> dict[str, Any]:
    return {
        "current": summary.current,
        "last_checkin": summary.last_checkin,
        "checkins": summary.checkins,
        "progress": summary.progress,
        "expected": summary.expected,
        "status": summary.health,
        "reasons": list(summary.reasons),
        "stale": summary.stale,
        "stale_reason": summary.stale_reason,
    }


class GoalWrite(Schema):
    kind: str = Field("goal", description="objective, key_result or goal")
    description: str = ""
    partnership: UUID | None = Field(None, description="Id of the partnership (or function).")
    function: UUID | None = Field(None, description="Id of the function (or partnership).")
    parent: UUID | None = Field(None, description="For key results: id of the objective.")
    supports: list[UUID] = Field(default_factory=list, description="Ids of goals it supports.")
    contributing_functions: list[UUID] = Field(default_factory=list)
    metric_key: str = Field("", max_length=60)
    metric_name: str = Field("", max_length=120)
    unit: str = Field("", max_length=20)
    direction: str = Field("", description="increase, decrease, maintain or range")
    baseline: float | None = None
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    owner: UUID | None = Field(None, description="Id of the one accountable person.")
    status: str = "active"
    cadence_days: int = Field(7, ge=1, le=366)


class GoalCreate(GoalWrite):
    title: str = Field(max_length=300)


class GoalUpdate(PatchSchema):
    NULLABLE = frozenset(
        {
            "partnership",
            "function",
            "parent",
            "owner",
            "baseline",
            "target",
            "target_low",
            "target_high",
            "start_date",
            "due_date",
            "version",
        }
    )

    title: str | None = Field(None, max_length=300)
    kind: str | None = None
    description: str | None = None
    partnership: UUID | None = None
    function: UUID | None = None
    parent: UUID | None = None
    supports: list[UUID] | None = None
    contributing_functions: list[UUID] | None = None
    metric_key: str | None = Field(None, max_length=60)
    metric_name: str | None = Field(None, max_length=120)
    unit: str | None = Field(None, max_length=20)
    direction: str | None = None
    baseline: float | None = None
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    owner: UUID | None = None
    status: str | None = None
    cadence_days: int | None = Field(None, ge=1, le=366)
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class GoalFilters(Schema):
    owner: UUID | None = Field(None, description="Person id of the owner.")
    function: UUID | None = Field(None, description="Home or contributing function id.")
    partnership: UUID | None = None
    status: str | None = Field(None, description="Lifecycle: draft, active, achieved …")
    health: str | None = Field(None, description="Computed: on_track, at_risk, off_track …")
    at_risk: bool = Field(False, description="Only at-risk, off-track or stale goals.")
    kind: str | None = None
    mine: bool = Field(False, description="Only goals the caller owns.")
    q: str = Field("", description="Search in title and description.")


class CheckInOut(Schema):
    id: UUID
    goal: GoalRef
    date: dt.date
    value: float
    confidence: str = Field(description="on_track, at_risk, off_track or empty")
    confidence_score: int | None = Field(description="0–10 when given as a score.")
    note: str
    author: str | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return obj.author.email if obj.author_id and obj.author else None


class CheckInCreate(Schema):
    value: float | str = Field(description="A number; text such as “17.5” is accepted.")
    date: dt.date | None = Field(None, description="Defaults to today; not in the future.")
    confidence: str | int | None = Field(
        None, description="on_track, at_risk, off_track, or a score 0–10."
    )
    note: str = ""


class CheckInUpdate(PatchSchema):
    value: float | str | None = None
    date: dt.date | None = None
    confidence: str | int | None = None
    note: str | None = None
    version: int | None = None


class KpiOut(Schema):
    id: UUID
    partnership: Ref
    metric_key: str
    name: str
    unit: str
    direction: str
    category: str
    target: float | None
    target_low: float | None
    target_high: float | None
    latest_value: float | None = None
    latest_date: dt.date | None = None
    on_target: bool | None = None
    measurement_count: int = 0
    version: int

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_on_target(obj: Any) -> bool | None:
        from accord.goals.selectors import kpi_on_target

        return kpi_on_target(obj, getattr(obj, "latest_value", None))


class KpiCreate(Schema):
    partnership: UUID
    metric_key: str = Field(max_length=60, description="A catalog key, e.g. net_promoter_score.")
    name: str = Field("", max_length=120, description="Defaults to the catalog name.")
    unit: str = Field("", max_length=20)
    direction: str = Field("", description="Defaults to the catalog's good direction.")
    category: str = Field("", description="Defaults to the catalog category.")
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None


class KpiUpdate(PatchSchema):
    NULLABLE = frozenset({"target", "target_low", "target_high", "version"})

    name: str | None = Field(None, max_length=120)
    unit: str | None = Field(None, max_length=20)
    direction: str | None = None
    category: str | None = None
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    version: int | None = None


class KpiFilters(Schema):
    partnership: UUID | None = None


class MeasurementOut(Schema):
    id: UUID
    date: dt.date
    value: float
    note: str
    source: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class MeasurementIn(Schema):
    date: dt.date
    value: float
    note: str = Field("", max_length=300)


class MeasurementBulk(Schema):
    measurements: list[MeasurementIn] = Field(
        min_length=1, max_length=5000, description="Upserted by date: same date, new value."
    )


class UpsertResult(Schema):
    created: int
    updated: int
    unchanged: int


class RollupOut(Schema):
    category: str
    label: str
    kpis: int
    measured: int
    on_target: int
    partnerships: int
    share: float | None


class SmartIn(Schema):
    text: str = Field(min_length=1, max_length=2000)
    today: dt.date | None = Field(None, description="Assess as of this date (default: today).")


class AlignmentGoalOut(Schema):
    id: UUID
    title: str
    kind: str
    status: str = Field(description="Computed status (on_track, at_risk …)")
    progress: float | None
    functions: list[str]
    key_results: list["AlignmentGoalOut"]
    supporters: list["AlignmentGoalOut"]


class AlignmentGroupOut(Schema):
    partnership: Ref
    goals: list[AlignmentGoalOut]


class AlignmentOut(Schema):
    partnerships: list[AlignmentGroupOut]
    unaligned: list[AlignmentGoalOut]


# --- the metric catalog and goal settings ---------------------------------------------------


class MetricOut(Schema):
    key: str
    name: str
    synonyms: list[str]
    abbreviations: list[str]
    unit: str
    good_direction: str = Field(description="increase, decrease or target")
    category: str
    function: str = Field(description="The owning function's key, e.g. finance.")
    description: str
    source: str = Field(description="shipped, or workspace for the workspace's own metrics")
    tensions: int = Field(description="Tensions that name this metric, on either side.")


class MetricFilters(Schema):
    q: str = Field("", max_length=100, description="Words in the name, synonyms or key.")
    category: str = ""
    function: str = ""
    source: str = Field("", description="shipped or workspace; both when empty.")


class MetricCreate(Schema):
    key: str = Field(max_length=60, description="snake_case, unique across the catalog.")
    name: str = Field(max_length=120)
    synonyms: list[str] = []
    abbreviations: list[str] = []
    unit: str = Field(description="%, currency, days, hours, count, score or ratio")
    good_direction: str = Field(description="increase, decrease or target")
    category: str
    function: str
    description: str = Field("", max_length=300)


class MetricUpdate(PatchSchema):
    name: str | None = Field(None, max_length=120)
    synonyms: list[str] | None = None
    abbreviations: list[str] | None = None
    unit: str | None = None
    good_direction: str | None = None
    category: str | None = None
    function: str | None = None
    description: str | None = Field(None, max_length=300)
    version: int | None = None


class TensionOut(Schema):
    id: UUID
    a: str
    a_direction: str
    b: str
    b_direction: str
    explanation: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_a(obj: Any) -> str:
        return str(obj.metric_a)

    @staticmethod
    def resolve_b(obj: Any) -> str:
        return str(obj.metric_b)


class TensionCreate(Schema):
    a: str = Field(max_length=60, description="Key of the metric pushed.")
    a_direction: str = Field(description="increase or decrease")
    b: str = Field(max_length=60, description="Key of the metric that moves the harmful way.")
    b_direction: str = Field(description="increase or decrease")
    explanation: str = Field(max_length=300)


class GoalSettingsOut(Schema):
    on_track: float = Field(description="Pace (progress ÷ expected) at or above: on track.")
    at_risk: float = Field(description="Pace at or above (below on_track): at risk.")
    version: int


class GoalSettingsIn(Schema):
    on_track: float = Field(description="0 < at_risk < on_track ≤ 1; default 0.95.")
    at_risk: float = Field(description="Default 0.75.")
    version: int | None = None
