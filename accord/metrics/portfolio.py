"""Portfolio figures: health trends, the health distribution and KPIs before and after.

- Weekly sampling of a health history: the latest snapshot of each of the last ``weeks``
  seven-day windows ending today, so a daily history and a weekly one draw the same line.
- Change over a window: the latest score minus the latest score on or before
  ``today − days`` (none when either is missing; a partnership without an old enough
  snapshot has no change rather than a change of zero).
- KPI before/after (since the partnership started): the change from the first measurement on
  or after the start date to the latest, read in the KPI's good direction. For "increase" a
  rise is an improvement, for "decrease" a fall; for "maintain" and "range" a smaller distance
  to the target (or to the band, zero inside it). The percent change is that improvement
  relative to the magnitude of the first value, ``100 · gain / |before|`` (undefined when the
  first value is 0), so "+12 %" always reads "12 % better".
- The category summary uses the median percent change: a few KPIs with huge swings (a cost
  that doubled from a tiny base) would dominate a mean.

Plain data in, frozen results with reasons out; nothing here imports Django.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Verdict = Literal["improved", "worsened", "unchanged", "no_data"]

BELOW = 60.0  # a health score under this is "below 60" on the summary cards
MOVE_THRESHOLD = 1.0  # a change of less than a point either way counts as steady
TREND_DAYS = 30
SPARK_WEEKS = 12


@dataclass(frozen=True)
class HealthTrend:
    """A score and its change over ``days``, with the sentence read out for the sparkline."""

    score: float | None
    change: float | None
    days: int = TREND_DAYS

    @property
    def direction(self) -> Literal["up", "down", "steady", "unknown"]:
        if self.change is None:
            return "unknown"
        if self.change >= MOVE_THRESHOLD:
            return "up"
        if self.change <= -MOVE_THRESHOLD:
            return "down"
        return "steady"

    @property
    def sentence(self) -> str:
        """ "62, up 8 in 30 days" / "62, steady over 30 days" / "No score yet"."""
        if self.score is None:
            return "No score yet"
        head = f"{round(self.score)}"
        if self.change is None:
            return f"{head}, no score {self.days} days earlier to compare"
        if self.direction == "steady":
            return f"{head}, steady over {self.days} days"
        return f"{head}, {self.direction} {round(abs(self.change))} in {self.days} days"


def health_change(latest: float | None, earlier: float | None) -> float | None:
    """latest − earlier, or None when either score is missing."""
    if latest is None or earlier is None:
        return None
    return latest - earlier


def weekly_points(
    points: Iterable[tuple[date, float | None]], *, today: date, weeks: int = SPARK_WEEKS
) -> list[tuple[date, float | None]]:
    """The latest point of each of the last ``weeks`` seven-day windows ending ``today``,
    oldest first; windows without a point are left out (the line joins across them)."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    start = today - timedelta(days=7 * weeks - 1)
    latest: dict[int, tuple[date, float | None]] = {}
    for when, value in points:
        if when < start or when > today:
            continue
        window = (today - when).days // 7
        if window not in latest or when > latest[window][0]:
            latest[window] = (when, value)
    return [latest[window] for window in sorted(latest, reverse=True)]


@dataclass(frozen=True)
class Sparkline:
    """An inline SVG polyline of scores on a fixed 0–100 scale."""

    points: str  # the polyline's "x,y x,y" attribute
    last_x: float
    last_y: float
    width: int
    height: int
    count: int


def sparkline(
    values: Sequence[float | None],
    *,
    width: int = 96,
    height: int = 24,
    pad: float = 2.0,
    min_span: float = 20.0,
) -> Sparkline | None:
    """Scores mapped to an SVG box (y grows downwards); None when fewer than two scores exist.

    The vertical scale is the series' own range widened to at least ``min_span`` points
    (within 0–100), so a real movement is visible without a 1-point wobble looking like a
    cliff. Missing scores are skipped, keeping each point at its own position."""
    known = [(i, min(max(v, 0.0), 100.0)) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return None
    low = min(v for _i, v in known)
    high = max(v for _i, v in known)
    if high - low < min_span:
        middle = (high + low) / 2
        low = min(max(middle - min_span / 2, 0.0), 100.0 - min_span)
        high = low + min_span
    span = max(len(values) - 1, 1)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    coords = []
    for index, value in known:
        x = pad + inner_w * index / span
        y = pad + inner_h * (1 - (value - low) / (high - low))
        coords.append((round(x, 1), round(y, 1)))
    return Sparkline(
        points=" ".join(f"{x},{y}" for x, y in coords),
        last_x=coords[-1][0],
        last_y=coords[-1][1],
        width=width,
        height=height,
        count=len(coords),
    )


@dataclass(frozen=True)
class Bin:
    label: str
    low: int
    high: int  # inclusive upper bound of the label
    count: int


def health_distribution(scores: Iterable[float | None], *, width: int = 10) -> list[Bin]:
    """Scores counted in bins of ``width`` points (0–9, 10–19, …, 90–100); missing scores
    are not counted here (the page says how many have none)."""
    if width < 1 or 100 % width:
        raise ValueError("width must divide 100")
    edges = list(range(0, 100, width))
    counts = [0] * len(edges)
    for score in scores:
        if score is None:
            continue
        index = min(int(max(score, 0.0) // width), len(edges) - 1)
        counts[index] += 1
    bins = []
    for index, low in enumerate(edges):
        high = 100 if index == len(edges) - 1 else low + width - 1
        bins.append(Bin(label=f"{low}–{high}", low=low, high=high, count=counts[index]))
    return bins


@dataclass(frozen=True)
class HealthSummary:
    partnerships: int
    scored: int
    mean: float | None
    below: int
    improving: int
    declining: int
    steady: int
    threshold: float = BELOW


def health_summary(trends: Sequence[HealthTrend], *, threshold: float = BELOW) -> HealthSummary:
    """Mean health over the partnerships that have a score, how many are under the
    threshold, and how many rose or fell by at least a point over the window."""
    scores = [t.score for t in trends if t.score is not None]
    directions = [t.direction for t in trends]
    return HealthSummary(
        partnerships=len(trends),
        scored=len(scores),
        mean=sum(scores) / len(scores) if scores else None,
        below=sum(1 for s in scores if s < threshold),
        improving=directions.count("up"),
        declining=directions.count("down"),
        steady=directions.count("steady"),
        threshold=threshold,
    )


# --- KPIs before and after ------------------------------------------------------------------


@dataclass(frozen=True)
class KpiChange:
    verdict: Verdict
    gain: float | None  # improvement in the good direction, in the KPI's unit
    percent: float | None  # gain relative to |before|, in percent
    reason: str


def _distance(
    value: float, *, target: float | None, low: float | None, high: float | None
) -> float:
    if low is not None and high is not None:
        if value < low:
            return low - value
        if value > high:
            return value - high
        return 0.0
    if target is not None:
        return abs(value - target)
    raise ValueError("a maintain or range KPI needs a target or a band")


def kpi_change(
    *,
    direction: str,
    before: float | None,
    after: float | None,
    target: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> KpiChange:
    """The change from ``before`` to ``after`` read in the KPI's good direction."""
    if before is None or after is None:
        return KpiChange("no_data", None, None, "Needs a measurement before and after.")
    if direction == "increase":
        gain = after - before
    elif direction == "decrease":
        gain = before - after
    elif direction in {"maintain", "range"}:
        try:
            gain = _distance(before, target=target, low=low, high=high) - _distance(
                after, target=target, low=low, high=high
            )
        except ValueError as error:
            return KpiChange("no_data", None, None, f"{error}.")
    else:
        raise ValueError(f"unknown direction {direction!r}")
    percent = 100.0 * gain / abs(before) if before else None
    if gain > 0:
        verdict: Verdict = "improved"
    elif gain < 0:
        verdict = "worsened"
    else:
        verdict = "unchanged"
    where = {
        "increase": "higher is better",
        "decrease": "lower is better",
        "maintain": "closer to the target is better",
        "range": "inside the band is better",
    }[direction]
    return KpiChange(verdict, gain, percent, f"{before:g} → {after:g} ({where}).")


@dataclass(frozen=True)
class CategoryChange:
    improved: int
    worsened: int
    unchanged: int
    no_data: int
    median_percent: float | None

    @property
    def compared(self) -> int:
        return self.improved + self.worsened + self.unchanged


def category_change(changes: Sequence[KpiChange]) -> CategoryChange:
    """How many KPIs of a category improved or worsened, and their median percent change."""
    percents = [c.percent for c in changes if c.percent is not None]
    return CategoryChange(
        improved=sum(1 for c in changes if c.verdict == "improved"),
        worsened=sum(1 for c in changes if c.verdict == "worsened"),
        unchanged=sum(1 for c in changes if c.verdict == "unchanged"),
        no_data=sum(1 for c in changes if c.verdict == "no_data"),
        median_percent=statistics.median(percents) if percents else None,
    )
