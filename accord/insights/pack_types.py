"""The shape of a review pack: the contract between the pack builder (reviews) and the
renderers (HTML page, PDF, CSV/XLSX export, API).

A pack is frozen into ``Review.pack`` as JSON when it is generated, so the report always
shows what the review meeting saw. Dates are ISO strings; numbers are floats or None
("no data"); every list is in display order. ``version`` changes when the shape does.
"""

from typing import TypedDict

PACK_VERSION = 1


class PackPartnership(TypedDict):
    name: str
    slug: str
    purpose: str
    lead: str | None
    sponsor: str | None
    functions: list[str]
    status: str
    start_date: str | None


class PackPeriod(TypedDict):
    start: str
    end: str
    rhythm: str  # "monthly" | "quarterly"


class PackComponent(TypedDict):
    key: str
    label: str
    value: float | None  # 0–100, None = no data
    weight: float
    effective_weight: float
    evidence: str
    status: str  # "ok" | "no data"
    trend: float | None  # change since the previous snapshot, points


class PackHealthPoint(TypedDict):
    date: str
    score: float | None


class PackHealth(TypedDict):
    score: float | None
    covered_share: float
    as_of: str | None  # date of the snapshot used
    reasons: list[str]
    components: list[PackComponent]
    history: list[PackHealthPoint]  # oldest first, within and before the period
    change: float | None  # score now minus score at the period start


class PackSeriesPoint(TypedDict):
    date: str
    value: float


class PackKpi(TypedDict):
    name: str
    unit: str
    category: str
    direction: str
    target: float | None
    first: float | None  # first measurement ever (the "before")
    latest: float | None
    on_target: bool | None
    series: list[PackSeriesPoint]  # within the period


class PackGoal(TypedDict):
    title: str
    owner: str | None
    function: str | None
    status: str  # the goal's health status label (on track, at risk, behind, …)
    progress: float | None  # 0–1
    expected: float | None  # 0–1
    forecast_probability: float | None  # 0–1
    due_date: str | None


class PackSurveyFigure(TypedDict):
    label: str
    value: float | None
    scale: str  # e.g. "1–5"
    shown: bool
    reason: str  # why it is withheld, when not shown


class PackSurvey(TypedDict):
    instrument: str
    cycle: str
    closed_on: str
    respondents_shown: bool
    figures: list[PackSurveyFigure]


class PackDecision(TypedDict):
    title: str
    decided_at: str | None
    decider: str | None
    outcome: str


class PackConflict(TypedDict):
    title: str
    stage: str
    severity: str
    opened: str
    resolved: str | None
    days_open: int


class PackAction(TypedDict):
    title: str
    owner: str | None
    due_date: str | None
    status: str
    overdue: bool


class PackActions(TypedDict):
    open: int
    done: int
    overdue: int
    items: list[PackAction]  # open ones first, then those done in the period


class PackPlaySignal(TypedDict):
    label: str
    before: float | None
    now: float | None
    improved: bool | None  # None: cannot tell (no data on one side)


class PackPlay(TypedDict):
    play: str
    title: str
    accepted_at: str | None
    actions_done: int
    actions_total: int
    signals: list[PackPlaySignal]


class PackVoiceGroup(TypedDict):
    label: str
    voice_share: float | None  # 0–1, None when withheld (group under k)
    headcount_share: float
    flagged: bool


class PackEquity(TypedDict):
    gini_star: float | None
    evenness: float | None
    contributors: int  # members who contributed at least once
    members: int  # everyone counted: members and guests present at its meetings
    levels: list[PackVoiceGroup]
    functions: list[PackVoiceGroup]
    flags: list[str]  # plain-language flags


class PackAdjustment(TypedDict):
    kind: str
    description: str


class PackPreviousReview(TypedDict):
    title: str
    held_on: str | None
    adjustments: list[PackAdjustment]


class ReviewPack(TypedDict):
    version: int
    generated_at: str
    partnership: PackPartnership
    period: PackPeriod
    health: PackHealth
    kpis: list[PackKpi]
    goals: list[PackGoal]
    surveys: list[PackSurvey]
    decisions: list[PackDecision]
    conflicts: list[PackConflict]
    actions: PackActions
    plays: list[PackPlay]
    equity: PackEquity | None
    previous_review: PackPreviousReview | None
