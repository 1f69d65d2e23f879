"""Goal and KPI progress: how far along, how far along it should be, and where it is heading.

Everything here is a pure function of numbers and dates (``today`` is always passed in), so a
goal's status on any screen can be recomputed and explained. The maths needs a least-squares
line and Student's t distribution for small samples; both are written out below with the
standard library (a regularised incomplete beta by continued fraction, Press et al.,
*Numerical Recipes*, 3rd ed., 2007, §6.4) rather than pulling in numpy and scipy for a
handful of sums over at most a few dozen check-ins.

See docs/progress.md for the same rules in users' words.
"""

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from statistics import fmean
from typing import Literal

Direction = Literal["increase", "decrease", "maintain", "range"]
StatusName = Literal["not_started", "on_track", "at_risk", "off_track", "done"]
Side = Literal["above", "below"]

DIRECTIONS: tuple[Direction, ...] = ("increase", "decrease", "maintain", "range")

# d2 for subgroups of size 2: the mean moving range of independent normal values is 1.128σ.
D2_MOVING_RANGE = 1.128


# --- Progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Share of the way from the baseline to the target (or whether the value is in its band).

    ``progress`` is clamped to [0, 1] for display; ``raw`` keeps the unclamped value (negative
    when the metric moved the wrong way, above 1 when it overshot the target).
    """

    direction: Direction
    progress: float
    raw: float
    current: float
    baseline: float | None
    target: float | None
    low: float | None = None
    high: float | None = None
    in_band: bool | None = None
    distance_outside: float = 0.0
    reasons: tuple[str, ...] = ()


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _band(
    *,
    direction: Direction,
    target: float | None,
    low: float | None,
    high: float | None,
    tolerance: float | None,
) -> tuple[float, float]:
    """The acceptable band of a maintain/range goal, validated."""
    if tolerance is not None and tolerance < 0:
        raise ValueError(f"tolerance must be zero or more, got {_fmt(tolerance)}.")
    if direction == "range":
        if low is None or high is None:
            raise ValueError("A 'range' goal needs both low and high.")
    elif low is None or high is None:
        if target is None:
            raise ValueError("A 'maintain' goal needs a target (with a tolerance) or low and high.")
        spread = tolerance or 0.0
        low = target - spread if low is None else low
        high = target + spread if high is None else high
    if low > high:
        raise ValueError(f"low ({_fmt(low)}) must not be above high ({_fmt(high)}).")
    return low, high


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}; got {direction!r}.")


# Increase: p = (current − baseline) / (target − baseline); decrease: the mirror
# p = (baseline − current) / (baseline − target) (the usual OKR "percent to goal", e.g.
# Doerr 2018, *Measure What Matters*). Maintain/range: inside [low, high] p = 1; outside,
# p = 1 − d(current) / d(baseline) when the baseline was outside the band (share of the gap
# closed), else 0 — d is the distance to the nearest band edge. Reported p is clamped to [0, 1].
def goal_progress(
    *,
    direction: Direction,
    baseline: float | None,
    target: float | None,
    current: float,
    low: float | None = None,
    high: float | None = None,
    tolerance: float | None = None,
) -> Progress:
    """Progress of ``current`` from ``baseline`` towards ``target`` in the goal's direction.

    Raises ValueError when the numbers cannot describe a goal: target equal to the baseline,
    a target on the wrong side of the baseline for the direction, or a missing band.
    """
    _check_direction(direction)
    if direction in ("increase", "decrease"):
        if baseline is None or target is None:
            raise ValueError(f"An '{direction}' goal needs both a baseline and a target.")
        if target == baseline:
            raise ValueError(
                f"target equals baseline ({_fmt(target)}): nothing to measure. "
                "Set a target different from the baseline."
            )
        if direction == "increase" and target < baseline:
            raise ValueError(
                f"An 'increase' goal needs a target above the baseline; target {_fmt(target)} "
                f"is below baseline {_fmt(baseline)}. Use 'decrease' instead?"
            )
        if direction == "decrease" and target > baseline:
            raise ValueError(
                f"A 'decrease' goal needs a target below the baseline; target {_fmt(target)} "
                f"is above baseline {_fmt(baseline)}. Use 'increase' instead?"
            )
        if direction == "increase":
            raw = (current - baseline) / (target - baseline)
        else:
            raw = (baseline - current) / (baseline - target)
        clamped = min(1.0, max(0.0, raw))
        reasons = [
            f"{_fmt(current)} is {clamped:.0%} of the way from baseline {_fmt(baseline)} "
            f"to target {_fmt(target)}."
        ]
        if raw < 0:
            reasons.append(f"It moved the wrong way ({raw:.0%}); shown as 0%.")
        elif raw > 1:
            reasons.append(f"It is past the target ({raw:.0%}); shown as 100%.")
        return Progress(
            direction=direction,
            progress=clamped,
            raw=raw,
            current=current,
            baseline=baseline,
            target=target,
            reasons=tuple(reasons),
        )

    low, high = _band(direction=direction, target=target, low=low, high=high, tolerance=tolerance)
    distance = _distance_outside(current, low, high)
    band_text = f"[{_fmt(low)}, {_fmt(high)}]"
    if distance == 0.0:
        return Progress(
            direction=direction,
            progress=1.0,
            raw=1.0,
            current=current,
            baseline=baseline,
            target=target,
            low=low,
            high=high,
            in_band=True,
            reasons=(f"{_fmt(current)} is inside the band {band_text}.",),
        )
    side = "below" if current < low else "above"
    reasons = [f"{_fmt(current)} is {_fmt(distance)} {side} the band {band_text}."]
    baseline_distance = _distance_outside(baseline, low, high) if baseline is not None else 0.0
    if baseline_distance > 0:
        raw = 1.0 - distance / baseline_distance
        reasons.append(
            f"The baseline was {_fmt(baseline_distance)} outside the band; {raw:.0%} of that "
            "gap is closed."
        )
    else:
        raw = 0.0
        reasons.append("The value should stay inside the band, so progress is 0% while outside.")
    return Progress(
        direction=direction,
        progress=min(1.0, max(0.0, raw)),
        raw=raw,
        current=current,
        baseline=baseline,
        target=target,
        low=low,
        high=high,
        in_band=False,
        distance_outside=distance,
        reasons=tuple(reasons),
    )


def _distance_outside(value: float, low: float, high: float) -> float:
    if value < low:
        return low - value
    if value > high:
        return value - high
    return 0.0


# --- Expected progress and status ----------------------------------------------------------


# Expected progress e = (today − start) / (due − start), clamped to [0, 1]: a straight-line
# ("burn-up") plan through the period, as in OKR grading (Doerr 2018).
def expected_progress(*, start: date, due: date, today: date) -> float:
    """Elapsed share of the goal's period: 0 on the start date, 1 on the due date and after.

    A period of zero length (start == due) expects nothing before the day and everything
    from it on. Raises ValueError when the due date is before the start.
    """
    if due < start:
        raise ValueError(f"due date {due} is before start date {start}.")
    period = (due - start).days
    if period == 0:
        return 1.0 if today >= due else 0.0
    elapsed = (today - start).days
    return min(1.0, max(0.0, elapsed / period))


@dataclass(frozen=True)
class StatusBands:
    """Thresholds on progress / expected: ``on_track`` and above is on track, ``at_risk`` and
    above is at risk, below is off track."""

    on_track: float = 0.95
    at_risk: float = 0.75

    def __post_init__(self) -> None:
        if not 0 < self.at_risk < self.on_track <= 1:
            raise ValueError(
                "Status bands need 0 < at_risk < on_track ≤ 1; got "
                f"at_risk={self.at_risk}, on_track={self.on_track}."
            )


DEFAULT_BANDS = StatusBands()


@dataclass(frozen=True)
class Status:
    status: StatusName
    progress: float
    expected: float
    ratio: float | None
    reasons: tuple[str, ...] = ()


# Status from the pace ratio r = progress / expected: on track when r ≥ on_track (0.95),
# at risk when at_risk (0.75) ≤ r < on_track, off track below — the traffic-light bands
# common to OKR tools; thresholds are configurable per workspace.
def goal_status(
    *,
    progress: float,
    expected: float,
    bands: StatusBands = DEFAULT_BANDS,
    direction: Direction = "increase",
    started: bool = True,
) -> Status:
    """Classify a goal from its (clamped) progress and its expected progress.

    In order: not started → "not_started"; an increase/decrease goal at 100% → "done"; a
    maintain/range goal inside its band → "on_track" until the period is over, then "done";
    nothing expected yet (expected 0) → "on_track"; otherwise the pace ratio against the bands.
    """
    _check_direction(direction)
    if not started:
        return Status("not_started", progress, expected, None, ("The goal has not started.",))
    if direction in ("increase", "decrease") and progress >= 1.0:
        return Status("done", progress, expected, None, ("The target is reached.",))
    if direction in ("maintain", "range") and progress >= 1.0:
        if expected >= 1.0:
            return Status("done", progress, expected, None, ("Inside the band at the due date.",))
        return Status("on_track", progress, expected, None, ("Inside the band.",))
    if expected <= 0.0:
        return Status(
            "on_track", progress, expected, None, ("No progress is expected yet (day one).",)
        )
    ratio = progress / expected
    pace = f"{progress:.0%} done where {expected:.0%} is expected (pace {ratio:.2f})"
    if ratio >= bands.on_track:
        return Status("on_track", progress, expected, ratio, (f"{pace}, ≥ {bands.on_track}.",))
    if ratio >= bands.at_risk:
        return Status(
            "at_risk",
            progress,
            expected,
            ratio,
            (f"{pace}, between {bands.at_risk} and {bands.on_track}.",),
        )
    return Status("off_track", progress, expected, ratio, (f"{pace}, below {bands.at_risk}.",))


# --- Student's t distribution (standard library) -------------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    # Modified Lentz evaluation of the incomplete-beta continued fraction (Numerical Recipes
    # §6.4, "betacf").
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = tiny if abs(d) < tiny else d
    d = 1.0 / d
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1.0 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1.0 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _regularized_beta(a: float, b: float, x: float, y: float) -> float:
    """I_x(a, b), the regularised incomplete beta function; ``y`` is 1 − x computed directly
    by the caller, so x close to 1 loses no precision."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, y) / b


# F(t; ν) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, symmetric for t < 0 (Abramowitz & Stegun
# 1964, 26.7.1 with 26.5.27).
def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}.")
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    tail = 0.5 * _regularized_beta(df / 2.0, 0.5, df / (df + t * t), t * t / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@functools.lru_cache(maxsize=1024)
def t_quantile(p: float, df: float) -> float:
    """The t value with P(T ≤ t) = p, found by bisection on ``t_cdf`` (to ~1e-12). Cached:
    forecasts ask for the same few (p, df) pairs thousands of times."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must be strictly between 0 and 1, got {p}.")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    for _ in range(200):
        middle = (low + high) / 2.0
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


# --- Forecasts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """Where the trend of the recent check-ins puts the metric on the due date.

    ``value`` is None when there is not enough data for a trend; ``reasons`` then says why.
    ``low``/``high`` bound the prediction interval at ``level``; ``probability`` is the chance
    of meeting the target (or ending inside the band) on the due date; ``projected_date`` is
    the first day the trend line reaches the target (or enters the band), possibly already past,
    or None when the trend never gets there.
    """

    method: Literal["linear", "ewma"]
    due: date
    target: float | None
    n_points: int
    value: float | None = None
    low: float | None = None
    high: float | None = None
    level: float = 0.8
    probability: float | None = None
    projected_date: date | None = None
    slope_per_day: float | None = None
    residual_sd: float | None = None
    reasons: tuple[str, ...] = ()


def _recent(
    points: Sequence[tuple[date, float]], today: date | None, window: int | None
) -> tuple[list[tuple[date, float]], list[str]]:
    reasons: list[str] = []
    ordered = sorted(points, key=lambda point: point[0])
    if today is not None:
        kept = [point for point in ordered if point[0] <= today]
        if len(kept) < len(ordered):
            reasons.append(f"{len(ordered) - len(kept)} check-ins dated after {today} ignored.")
        ordered = kept
    if window is not None and len(ordered) > window:
        ordered = ordered[-window:]
    return ordered, reasons


# Ordinary least squares y = a + b·x over the last `window` check-ins (x in days). Prediction
# at x0: ŷ0 ± t_{(1+level)/2, n−2} · s · √(1 + 1/n + (x0 − x̄)²/Sxx), s² = SSE/(n − 2);
# P(target met) from the predictive t: for increase 1 − F((target − ŷ0)/se), decrease F(·),
# band F(hi) − F(lo) (Montgomery, Peck & Vining 2012, *Introduction to Linear Regression
# Analysis*, 5th ed., §2.5).
def forecast_linear(
    points: Sequence[tuple[date, float]],
    *,
    due: date,
    target: float | None,
    direction: Direction,
    today: date,
    window: int | None = 8,
    level: float = 0.8,
    low: float | None = None,
    high: float | None = None,
    tolerance: float | None = None,
) -> Forecast:
    """Fit a straight line to the recent check-ins and read it at the due date.

    Check-ins dated after ``today`` are ignored. Fewer than three check-ins, or all on one
    date, give a Forecast with ``value`` None and the reason. A perfect fit has a zero-width
    interval and a probability of exactly 0 or 1.
    """
    _check_direction(direction)
    if window is not None and window < 3:
        raise ValueError(f"window must be at least 3 check-ins (or None for all), got {window}.")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}.")
    if direction in ("increase", "decrease") and target is None:
        raise ValueError(f"An '{direction}' forecast needs a target.")
    band = (
        _band(direction=direction, target=target, low=low, high=high, tolerance=tolerance)
        if direction in ("maintain", "range")
        else None
    )
    recent, reasons = _recent(points, today, window)
    n = len(recent)
    empty = Forecast(method="linear", due=due, target=target, n_points=n, level=level)
    if n < 3:
        return _with_reasons(empty, reasons, f"A trend needs at least 3 check-ins; there are {n}.")

    origin = recent[0][0]
    xs = [float((day - origin).days) for day, _ in recent]
    ys = [value for _, value in recent]
    x_mean, y_mean = fmean(xs), fmean(ys)
    sxx = sum((x - x_mean) ** 2 for x in xs)
    if sxx == 0.0:
        return _with_reasons(empty, reasons, "All check-ins are on the same date: no trend.")
    slope = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = y_mean - slope * x_mean
    sse = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    residual_sd = math.sqrt(sse / (n - 2))
    scale = max(1.0, max(abs(y) for y in ys))
    if residual_sd <= 1e-12 * scale:
        residual_sd = 0.0

    x_due = float((due - origin).days)
    predicted = intercept + slope * x_due
    se_prediction = residual_sd * math.sqrt(1.0 + 1.0 / n + (x_due - x_mean) ** 2 / sxx)
    df = n - 2
    half_width = t_quantile((1.0 + level) / 2.0, df) * se_prediction if se_prediction else 0.0

    first, last = recent[0][0], recent[-1][0]
    reasons.append(
        f"Straight line through {n} check-ins from {first} to {last}: {slope * 7:+.3g} per week."
    )
    reasons.append(
        f"On {due} the line gives {_fmt(predicted)}; {level:.0%} prediction interval "
        f"{_fmt(predicted - half_width)} to {_fmt(predicted + half_width)}."
    )
    if se_prediction == 0.0:
        reasons.append("The check-ins lie exactly on the line, so there is no spread.")

    probability = _probability_met(
        direction=direction,
        target=target,
        band=band,
        predicted=predicted,
        spread=se_prediction,
        df=df,
    )
    if direction in ("increase", "decrease"):
        reasons.append(f"Chance of reaching {_fmt(target or 0.0)} by {due}: {probability:.0%}.")
    elif band is not None:
        reasons.append(
            f"Chance of being inside [{_fmt(band[0])}, {_fmt(band[1])}] on {due}: "
            f"{probability:.0%}."
        )

    projected = _projected_date(
        direction=direction,
        target=target,
        band=band,
        intercept=intercept,
        slope=slope,
        origin=origin,
        x_today=float((today - origin).days),
    )
    if projected is not None:
        reasons.append(f"At this pace the line gets there on {projected}.")
    else:
        reasons.append("At this pace the line does not get there.")

    return Forecast(
        method="linear",
        due=due,
        target=target,
        n_points=n,
        value=predicted,
        low=predicted - half_width,
        high=predicted + half_width,
        level=level,
        probability=probability,
        projected_date=projected,
        slope_per_day=slope,
        residual_sd=residual_sd,
        reasons=tuple(reasons),
    )


def _with_reasons(forecast: Forecast, reasons: list[str], last: str) -> Forecast:
    return Forecast(
        method=forecast.method,
        due=forecast.due,
        target=forecast.target,
        n_points=forecast.n_points,
        level=forecast.level,
        reasons=(*reasons, last),
    )


def _probability_met(
    *,
    direction: Direction,
    target: float | None,
    band: tuple[float, float] | None,
    predicted: float,
    spread: float,
    df: int,
) -> float:
    def below(threshold: float) -> float:
        # P(Y ≤ threshold) under the predictive distribution (a step when there is no spread).
        if spread == 0.0:
            close = math.isclose(predicted, threshold, rel_tol=1e-9, abs_tol=1e-9)
            return 1.0 if predicted <= threshold or close else 0.0
        return t_cdf((threshold - predicted) / spread, df)

    def above(threshold: float) -> float:
        if spread == 0.0:
            close = math.isclose(predicted, threshold, rel_tol=1e-9, abs_tol=1e-9)
            return 1.0 if predicted >= threshold or close else 0.0
        return 1.0 - t_cdf((threshold - predicted) / spread, df)

    if direction == "increase" and target is not None:
        return above(target)
    if direction == "decrease" and target is not None:
        return below(target)
    assert band is not None
    return max(0.0, below(band[1]) - (1.0 - above(band[0])))


def _projected_date(
    *,
    direction: Direction,
    target: float | None,
    band: tuple[float, float] | None,
    intercept: float,
    slope: float,
    origin: date,
    x_today: float,
) -> date | None:
    heading_up = direction == "increase" and slope > 0
    heading_down = direction == "decrease" and slope < 0
    if target is not None and (heading_up or heading_down):
        goal = target
    elif band is not None:
        now = intercept + slope * x_today
        if now < band[0] and slope > 0:
            goal = band[0]
        elif now > band[1] and slope < 0:
            goal = band[1]
        else:
            return None
    else:
        return None
    days = (goal - intercept) / slope
    # A tiny tolerance keeps an exact line from landing a day late through rounding error.
    return origin + timedelta(days=math.ceil(days - 1e-9))


@dataclass(frozen=True)
class EwmaForecast:
    """The smoothed level of the check-ins; a flat forecast for any later date."""

    lam: float
    n_points: int
    value: float | None
    levels: tuple[float, ...] = ()
    reasons: tuple[str, ...] = ()


# EWMA level z_t = λ·x_t + (1 − λ)·z_{t−1}, z_0 = x_1 (Roberts 1959, *Technometrics* 1(3);
# Hunter 1986, *J. Quality Technology* 18(4)). λ = 0.2 weighs the newest check-in at 20%.
def forecast_ewma(
    points: Sequence[tuple[date, float]], *, lam: float = 0.2, today: date | None = None
) -> EwmaForecast:
    """Exponentially weighted level of the check-ins in date order.

    Less jumpy than the last value and, unlike the straight line, it does not extrapolate a
    trend. Check-ins after ``today`` (when given) are ignored.
    """
    if not 0.0 < lam <= 1.0:
        raise ValueError(f"lam must be in (0, 1], got {lam}.")
    recent, reasons = _recent(points, today, None)
    if not recent:
        return EwmaForecast(lam=lam, n_points=0, value=None, reasons=(*reasons, "No check-ins."))
    level = recent[0][1]
    levels = [level]
    for _, value in recent[1:]:
        level = lam * value + (1.0 - lam) * level
        levels.append(level)
    reasons.append(
        f"Weighted level of {len(recent)} check-ins (newest weighs {lam:.0%}): {_fmt(level)}."
    )
    return EwmaForecast(
        lam=lam, n_points=len(recent), value=level, levels=tuple(levels), reasons=tuple(reasons)
    )


# --- Anomalies: Western Electric rules on an XmR chart --------------------------------------


@dataclass(frozen=True)
class XmrLimits:
    """Centre line and σ of an individuals (XmR) chart, from the phase-I values."""

    centre: float | None
    sigma: float | None
    baseline_points: int
    upper: float | None = None
    lower: float | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Anomaly:
    index: int
    rule: Literal[1, 2, 3, 4]
    side: Side
    explanation: str


# Centre = mean of the phase-I values; σ̂ = mean moving range / d2, d2 = 1.128 for n = 2;
# limits centre ± 3σ̂ (Wheeler & Chambers 1992, *Understanding Statistical Process Control*;
# Montgomery 2019, *Introduction to Statistical Quality Control*, 8th ed., §6.4).
def xmr_limits(values: Sequence[float], *, baseline_points: int | None = None) -> XmrLimits:
    """Limits from the first ``baseline_points`` values (all of them by default).

    Fewer than two values, or no variation at all, give ``sigma`` None and a reason.
    """
    count = len(values) if baseline_points is None else baseline_points
    if baseline_points is not None and not 2 <= baseline_points <= len(values):
        raise ValueError(
            f"baseline_points must be between 2 and the number of values ({len(values)}), "
            f"got {baseline_points}."
        )
    phase_one = list(values[:count])
    if len(phase_one) < 2:
        return XmrLimits(
            centre=fmean(phase_one) if phase_one else None,
            sigma=None,
            baseline_points=len(phase_one),
            reasons=("A control chart needs at least 2 values.",),
        )
    centre = fmean(phase_one)
    moving_ranges = [abs(b - a) for a, b in pairwise(phase_one)]
    sigma = fmean(moving_ranges) / D2_MOVING_RANGE
    if sigma == 0.0:
        return XmrLimits(
            centre=centre,
            sigma=None,
            baseline_points=count,
            reasons=("The baseline values never change, so no limits can be set.",),
        )
    return XmrLimits(
        centre=centre,
        sigma=sigma,
        baseline_points=count,
        upper=centre + 3 * sigma,
        lower=centre - 3 * sigma,
        reasons=(
            f"Centre {_fmt(centre)} and σ {_fmt(sigma)} (mean moving range / 1.128) from the "
            f"first {count} values.",
        ),
    )


_RULES: dict[int, tuple[int, int, float, str]] = {
    # rule: (window, points needed in the window, zone in σ, wording)
    2: (3, 2, 2.0, "2 of the last 3 values more than 2σ {side} the centre"),
    3: (5, 4, 1.0, "4 of the last 5 values more than 1σ {side} the centre"),
    4: (8, 8, 0.0, "8 values in a row {side} the centre"),
}


# Western Electric rules (Western Electric Co. 1956, *Statistical Quality Control Handbook*):
# 1) a point beyond 3σ; 2) 2 of 3 beyond 2σ, same side; 3) 4 of 5 beyond 1σ, same side;
# 4) 8 in a row on one side of the centre line.
def anomalies_western_electric(
    values: Sequence[float], *, baseline_points: int | None = None
) -> list[Anomaly]:
    """Points where a Western Electric rule trips, in index then rule order.

    Convention: rule 1 flags every point beyond 3σ. Rules 2–4 flag the point that completes
    the pattern (the first index at which the last 3, 5 or 8 values satisfy the rule) and stay
    quiet while the pattern keeps holding; a new flag needs the pattern to break and re-form.
    Partial windows at the very start count (2 of the first 2 beyond 2σ trips rule 2).
    Limits come from the first ``baseline_points`` values and apply to all.
    """
    limits = xmr_limits(values, baseline_points=baseline_points)
    if limits.centre is None or limits.sigma is None:
        return []
    centre, sigma = limits.centre, limits.sigma
    anomalies: list[Anomaly] = []
    for index, value in enumerate(values):
        if abs(value - centre) > 3 * sigma:
            side: Side = "above" if value > centre else "below"
            limit = centre + 3 * sigma if side == "above" else centre - 3 * sigma
            anomalies.append(
                Anomaly(
                    index=index,
                    rule=1,
                    side=side,
                    explanation=(
                        f"Value {_fmt(value)} is more than 3σ {side} the centre {_fmt(centre)} "
                        f"(limit {_fmt(limit)})."
                    ),
                )
            )

    for rule, (window, needed, zone, wording) in _RULES.items():
        for side in ("above", "below"):
            sign = 1.0 if side == "above" else -1.0
            beyond = [sign * (value - centre) > zone * sigma for value in values]
            holding = False
            for index in range(len(values)):
                recent = beyond[max(0, index - window + 1) : index + 1]
                if rule == 4:
                    # A run needs all eight; partial windows do not count.
                    holds = len(recent) == window and all(recent)
                else:
                    holds = sum(recent) >= needed
                if holds and not holding:
                    rule_number: Literal[2, 3, 4] = 2 if rule == 2 else 3 if rule == 3 else 4
                    anomalies.append(
                        Anomaly(
                            index=index,
                            rule=rule_number,
                            side=side,
                            explanation=wording.format(side=side).capitalize()
                            + f" (centre {_fmt(centre)}, σ {_fmt(sigma)}).",
                        )
                    )
                holding = holds
    anomalies.sort(key=lambda anomaly: (anomaly.index, anomaly.rule))
    return anomalies


# --- Check-in cadence ----------------------------------------------------------------------


@dataclass(frozen=True)
class Staleness:
    stale: bool
    next_due: date
    overdue_days: int
    days_since_checkin: int | None
    reasons: tuple[str, ...] = ()


# Next check-in due = (last check-in, or the goal's start) + cadence; stale once today is more
# than `grace_days` past that date. A product rule, not a published metric.
def checkin_stale(
    *,
    last_checkin: date | None,
    cadence_days: int = 7,
    today: date,
    grace_days: int = 2,
    start: date | None = None,
) -> Staleness:
    """Whether a goal's check-ins have fallen behind its cadence.

    With no check-in yet, the first is due ``cadence_days`` after ``start`` (required then).
    A check-in dated after today is a data error and raises ValueError.
    """
    if cadence_days < 1:
        raise ValueError(f"cadence_days must be at least 1, got {cadence_days}.")
    if grace_days < 0:
        raise ValueError(f"grace_days must be zero or more, got {grace_days}.")
    if last_checkin is None and start is None:
        raise ValueError("start is required when there is no check-in yet.")
    if last_checkin is not None and last_checkin > today:
        raise ValueError(f"last_checkin {last_checkin} is after today ({today}).")

    anchor = last_checkin if last_checkin is not None else start
    assert anchor is not None
    next_due = anchor + timedelta(days=cadence_days)
    late = (today - next_due).days
    stale = late > grace_days
    days_since = (today - last_checkin).days if last_checkin is not None else None
    if last_checkin is None:
        reason = f"No check-in yet; the first was due on {next_due}."
    else:
        reason = f"Last check-in {days_since} days ago; the next is due on {next_due}."
    if stale:
        reason += f" It is {late} days late (more than the {grace_days}-day grace)."
    return Staleness(
        stale=stale,
        next_due=next_due,
        overdue_days=max(0, late),
        days_since_checkin=days_since,
        reasons=(reason,),
    )
