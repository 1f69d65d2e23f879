"""Cadence compliance: did a partnership keep the rhythm it agreed (a weekly update, a monthly
review, a quarterly business review)?

A cadence is a first due date and a step (every `interval` days, weeks or months). Due date
k is `starts_on + k·step` (months keep the day of the month, clamped to the month's end). The
period of due date k opens the day after due date k-1 and closes `grace_days` after due date
k: an event (an update posted, a review held) on any day of that window meets it. Each event
meets at most one due date; events are matched greedily, earliest event to earliest open due
date, which gives the most due dates met because windows are ordered by opening and closing.

A due date whose window closed without an event is missed. The compliance ratio is
met / (met + missed) over the due dates in the reporting window; due dates still open (or late
but within grace) are not judged yet unless already met. The missed streak counts the most
recent judged due dates that were missed, back to the last one met: a streak above zero is the
"inadequate communication" flag, cleared by the next event. The next due date is the earliest
one neither met nor missed.

Pure: dates in, a report with its reasons out; nothing here imports Django.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

DAY, WEEK, MONTH = "day", "week", "month"
UNITS = (DAY, WEEK, MONTH)
MET, MISSED, LATE, OPEN = "met", "missed", "late", "open"
# Enough for a daily cadence over ten years; a longer history is not a rhythm anyone reads.
MAX_PERIODS = 4000


@dataclass(frozen=True)
class CadenceRule:
    interval: int
    unit: str
    starts_on: date
    grace_days: int = 0

    def __post_init__(self) -> None:
        if self.interval < 1:
            raise ValueError("interval must be at least 1")
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}")
        if self.grace_days < 0:
            raise ValueError("grace_days cannot be negative")

    @property
    def approx_days(self) -> int:
        """The step in days (a month counts 30): for comparing rhythms, never for dates."""
        per = {DAY: 1, WEEK: 7, MONTH: 30}[self.unit]
        return per * self.interval


@dataclass(frozen=True)
class Period:
    """One due date and the window in which an event meets it."""

    due: date
    opens: date
    closes: date
    status: str  # met | missed | late (past due, within grace) | open (not yet due)
    met_on: date | None = None


@dataclass(frozen=True)
class CadenceReport:
    periods: tuple[Period, ...]  # the due dates in the reporting window, oldest first
    met: int
    missed: int
    compliance: float | None  # met / (met + missed); None before anything was judged
    missed_streak: int
    last_missed: date | None
    last_met: date | None
    next_due: date
    reasons: tuple[str, ...]

    @property
    def overdue(self) -> bool:
        """The most recent judged due date was missed: inadequate communication."""
        return self.missed_streak > 0

    @property
    def judged(self) -> int:
        return self.met + self.missed

    @property
    def late(self) -> bool:
        """The next due date has passed and its grace days are running."""
        return any(p.status == LATE for p in self.periods)


def _months_add(day: date, months: int, anchor_day: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def due_date(rule: CadenceRule, k: int) -> date:
    """Due date number k (0 is `starts_on`; negative k counts back)."""
    if rule.unit == DAY:
        return rule.starts_on + timedelta(days=rule.interval * k)
    if rule.unit == WEEK:
        return rule.starts_on + timedelta(weeks=rule.interval * k)
    return _months_add(rule.starts_on, rule.interval * k, rule.starts_on.day)


def cadence_check(
    rule: CadenceRule,
    events: Iterable[date],
    *,
    today: date,
    since: date | None = None,
) -> CadenceReport:
    """Which due dates from `starts_on` up to today were met by `events`, and what is next.

    `since` limits the figures (met, missed, compliance, periods) to due dates on or after
    it; matching and the missed streak always use the whole history.
    """
    dated = sorted(e for e in events if e <= today)
    periods: list[Period] = []
    cursor = 0
    k = 0
    while k < MAX_PERIODS:
        due = due_date(rule, k)
        opens = due_date(rule, k - 1) + timedelta(days=1)
        if opens > today:
            break
        closes = due + timedelta(days=rule.grace_days)
        while cursor < len(dated) and dated[cursor] < opens:
            cursor += 1  # too early for this due date, and every later one
        met_on = None
        if cursor < len(dated) and dated[cursor] <= closes:
            met_on = dated[cursor]
            cursor += 1
        if met_on is not None:
            status = MET
        elif closes < today:
            status = MISSED
        elif due < today:
            status = LATE
        else:
            status = OPEN
        periods.append(Period(due=due, opens=opens, closes=closes, status=status, met_on=met_on))
        k += 1

    pending = [p for p in periods if p.status in (LATE, OPEN)]
    next_due = pending[0].due if pending else due_date(rule, k)
    streak = 0
    for period in reversed(periods):
        if period.status in (LATE, OPEN):
            continue
        if period.status == MET:
            break
        streak += 1
    missed_all = [p.due for p in periods if p.status == MISSED]
    met_all = [p.met_on for p in periods if p.met_on is not None]
    shown = tuple(p for p in periods if since is None or p.due >= since)
    met = sum(1 for p in shown if p.status == MET)
    missed = sum(1 for p in shown if p.status == MISSED)
    compliance = met / (met + missed) if met + missed else None

    reasons: list[str] = []
    if met + missed:
        window = f" since {since.isoformat()}" if since is not None else ""
        reasons.append(f"{met} of {met + missed} due dates met{window}.")
    else:
        reasons.append("No due date has been judged yet.")
    if streak:
        recent = [p.due.isoformat() for p in periods if p.status == MISSED][-streak:]
        plural = "s" if streak > 1 else ""
        reasons.append(
            f"Missed the last {streak} due date{plural} ({', '.join(recent[-3:])}): "
            "nothing was posted or held in the window, grace days included."
        )
    if pending and pending[0].status == LATE:
        reasons.append(
            f"Due on {pending[0].due.isoformat()}; still within the grace days until "
            f"{pending[0].closes.isoformat()}."
        )
    reasons.append(f"Next due on {next_due.isoformat()}.")
    return CadenceReport(
        periods=shown,
        met=met,
        missed=missed,
        compliance=compliance,
        missed_streak=streak,
        last_missed=missed_all[-1] if missed_all else None,
        last_met=met_all[-1] if met_all else None,
        next_due=next_due,
        reasons=tuple(reasons),
    )
