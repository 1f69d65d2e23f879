"""The conflict register in numbers: open conflicts, time to resolution, escalation, recurrence
between the same functions, and time in stage.

Pure functions over plain facts (no Django). Every result carries `reasons`, so a number on a
screen can say why it is what it is.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations

OPEN_STAGES = frozenset({"raised", "acknowledged", "in_dialogue", "options", "escalated"})
DEFAULT_STALE_DAYS = 14
DEFAULT_RECURRENCE_WINDOW_DAYS = 180
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class ConflictFacts:
    """What the register metrics need to know about one conflict."""

    id: str
    stage: str
    raised_at: datetime
    stage_changed_at: datetime
    functions: tuple[str, ...] = ()
    resolved_at: datetime | None = None
    ever_escalated: bool = False


@dataclass(frozen=True)
class OpenCount:
    count: int
    by_stage: tuple[tuple[str, int], ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ResolutionTime:
    median_days: float | None
    resolved: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class EscalationShare:
    share: float | None
    escalated: int
    total: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PairRecurrence:
    functions: tuple[str, str]
    count: int
    conflict_ids: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class StageTime:
    id: str
    stage: str
    days_in_stage: float
    age_days: float
    stale: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RegisterSummary:
    open: OpenCount
    resolution: ResolutionTime
    escalation: EscalationShare
    recurrence: tuple[PairRecurrence, ...]
    stage_times: tuple[StageTime, ...] = field(default=())

    @property
    def stale_count(self) -> int:
        return sum(1 for row in self.stage_times if row.stale)


def _days(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds(), 0.0) / SECONDS_PER_DAY


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# Open: every conflict not yet resolved or closed. An escalated conflict is still open: it
# waits for the sponsor's decision.
def conflicts_open(conflicts: Iterable[ConflictFacts]) -> OpenCount:
    """How many conflicts are open, and in which stages."""
    by_stage: dict[str, int] = {}
    for conflict in conflicts:
        if conflict.stage in OPEN_STAGES:
            by_stage[conflict.stage] = by_stage.get(conflict.stage, 0) + 1
    count = sum(by_stage.values())
    stages = tuple(sorted(by_stage.items()))
    if not count:
        return OpenCount(0, (), ("No conflict is open: every one is resolved or closed.",))
    detail = ", ".join(f"{n} {stage.replace('_', ' ')}" for stage, n in stages)
    return OpenCount(count, stages, (f"{_plural(count, 'conflict')} open ({detail}).",))


# Median of (resolved_at − raised_at) in days over conflicts that reached resolution. The
# median, not the mean: one conflict that dragged on for months should not hide that most
# settle in days.
def resolution_time_median(conflicts: Iterable[ConflictFacts]) -> ResolutionTime:
    """Median days from raised to resolved, over the conflicts that were resolved."""
    durations = sorted(
        _days(c.raised_at, c.resolved_at) for c in conflicts if c.resolved_at is not None
    )
    if not durations:
        return ResolutionTime(None, 0, ("No conflict has been resolved yet.",))
    median = float(statistics.median(durations))
    return ResolutionTime(
        round(median, 1),
        len(durations),
        (
            f"Median of {_plural(len(durations), 'resolved conflict')}: "
            f"{median:.1f} days from raised to resolved "
            f"(fastest {durations[0]:.1f}, slowest {durations[-1]:.1f}).",
        ),
    )


# Share escalated = conflicts ever escalated / all conflicts in the register. A high share
# means the partnership hands its disagreements upward instead of settling them together.
def escalation_share(conflicts: Iterable[ConflictFacts]) -> EscalationShare:
    """The share of conflicts that were escalated at some point."""
    rows = list(conflicts)
    if not rows:
        return EscalationShare(None, 0, 0, ("No conflicts recorded.",))
    escalated = sum(1 for c in rows if c.ever_escalated or c.stage == "escalated")
    share = escalated / len(rows)
    return EscalationShare(
        round(share, 4),
        escalated,
        len(rows),
        (f"{escalated} of {_plural(len(rows), 'conflict')} ({share:.0%}) were escalated.",),
    )


# Recurrence: the same two functions in two or more conflicts raised within the window
# points at a structural cause (clashing goals, unclear roles) rather than a one-off.
def pair_recurrence(
    conflicts: Iterable[ConflictFacts],
    *,
    now: datetime,
    window_days: int = DEFAULT_RECURRENCE_WINDOW_DAYS,
    minimum: int = 2,
) -> tuple[PairRecurrence, ...]:
    """Pairs of functions that met in at least `minimum` conflicts raised in the window."""
    since = now - timedelta(days=window_days)
    pairs: dict[tuple[str, str], list[str]] = {}
    for conflict in conflicts:
        if conflict.raised_at < since:
            continue
        for pair in combinations(sorted(set(conflict.functions)), 2):
            pairs.setdefault((pair[0], pair[1]), []).append(conflict.id)
    found = [
        PairRecurrence(
            functions=pair,
            count=len(ids),
            conflict_ids=tuple(ids),
            reasons=(
                f"{pair[0]} and {pair[1]} were parties to {len(ids)} conflicts raised in the "
                f"last {window_days} days.",
            ),
        )
        for pair, ids in pairs.items()
        if len(ids) >= minimum
    ]
    return tuple(sorted(found, key=lambda row: (-row.count, row.functions)))


def stage_times(
    conflicts: Iterable[ConflictFacts],
    *,
    now: datetime,
    stale_days: int = DEFAULT_STALE_DAYS,
) -> tuple[StageTime, ...]:
    """Age and time in the current stage of each conflict; open ones longer than
    `stale_days` in their stage are stale (resolved and closed ones never are)."""
    rows = []
    for conflict in conflicts:
        in_stage = _days(conflict.stage_changed_at, now)
        age = _days(conflict.raised_at, now)
        stale = conflict.stage in OPEN_STAGES and in_stage > stale_days
        stage = conflict.stage.replace("_", " ")
        reason = (
            f"{in_stage:.0f} days {stage}, more than the {stale_days} days allowed in one stage."
            if stale
            else f"{in_stage:.0f} days {stage}; raised {age:.0f} days ago."
        )
        rows.append(
            StageTime(
                id=conflict.id,
                stage=conflict.stage,
                days_in_stage=round(in_stage, 2),
                age_days=round(age, 2),
                stale=stale,
                reasons=(reason,),
            )
        )
    return tuple(rows)


def register_summary(
    conflicts: Sequence[ConflictFacts],
    *,
    now: datetime,
    stale_days: int = DEFAULT_STALE_DAYS,
    window_days: int = DEFAULT_RECURRENCE_WINDOW_DAYS,
) -> RegisterSummary:
    """Every register metric at once, for the register page header and the API."""
    return RegisterSummary(
        open=conflicts_open(conflicts),
        resolution=resolution_time_median(conflicts),
        escalation=escalation_share(conflicts),
        recurrence=pair_recurrence(conflicts, now=now, window_days=window_days),
        stage_times=stage_times(conflicts, now=now, stale_days=stale_days),
    )
