"""Side-by-side comparison of function profiles: where two or more functions work differently.

Differences in priorities, communication styles and working methods are the usual roadblocks
between functions; naming them early lets a partnership plan around them. Each check below
compares every pair of the functions given and reports what it finds, with an explanation
and a suggestion:

- planning: different planning cycles; "high" when the slowest cycle is at least four times
  the fastest (a two-week sprint team and a quarterly planner), else "medium".
- channels: two functions with no preferred channel in common ("high"); also a function none
  of whose preferred channels the partnership's plan uses ("medium"), when the plan's channel
  kinds are given.
- response: expected response times more than 2× apart ("medium"; "high" from 6×).
- busy: busy windows that overlap in the calendar (a month in common and intersecting days
  of the month) — both functions are stretched at the same time ("medium", one per pair).
- approvals: one function needs sign-off steps the other does not, or many more of them
  ("info": plan lead time).
- priorities: metrics two functions push (KPIs they own, metrics of their priorities) that
  the catalog lists as in tension, e.g. average discount vs gross margin ("high"); and, for
  a pair without such a tension, no metric in common at all ("medium").

Pure: plain data in, a comparison with its reasons out; nothing here imports Django.
"""

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

HIGH, MEDIUM, INFO = "high", "medium", "info"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, INFO: 2}
# Approximate length of each planning cycle in days (for comparing, not scheduling).
PLANNING_DAYS = {"weekly": 7, "sprints": 14, "monthly": 30, "quarterly": 91, "annual": 365}
PLANNING_FAR_APART = 4.0
RESPONSE_GAP = 2.0
RESPONSE_GAP_HIGH = 6.0
MONTHS = tuple(calendar.month_abbr[m] for m in range(1, 13))


@dataclass(frozen=True)
class BusyWindow:
    """Days `day_from`–`day_to` of the given months (all months when empty) are busy."""

    label: str
    months: tuple[int, ...] = ()
    day_from: int = 1
    day_to: int = 31

    def __post_init__(self) -> None:
        if any(m < 1 or m > 12 for m in self.months):
            raise ValueError("months are 1–12")
        if not 1 <= self.day_from <= self.day_to <= 31:
            raise ValueError("days are 1–31, from before to")

    @property
    def month_set(self) -> frozenset[int]:
        return frozenset(self.months) if self.months else frozenset(range(1, 13))

    def overlap(self, other: "BusyWindow") -> tuple[frozenset[int], int, int] | None:
        """(months, first day, last day) both are busy, or None."""
        months = self.month_set & other.month_set
        first, last = max(self.day_from, other.day_from), min(self.day_to, other.day_to)
        if not months or first > last:
            return None
        return months, first, last

    def describe(self) -> str:
        return f"{self.label} ({when(self.month_set, self.day_from, self.day_to)})"


def months_text(months: frozenset[int]) -> str:
    if len(months) == 12:
        return "every month"
    return ", ".join(MONTHS[m - 1] for m in sorted(months))


def when(months: frozenset[int], day_from: int, day_to: int) -> str:
    days = "" if (day_from, day_to) == (1, 31) else f", days {day_from}–{day_to}"
    return f"{months_text(months)}{days}"


@dataclass(frozen=True)
class PriorityFacts:
    title: str
    metric_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfileFacts:
    id: str
    name: str
    planning_cycle: str = ""  # one of PLANNING_DAYS, "ad_hoc", or "" when unknown
    preferred_channels: tuple[str, ...] = ()
    response_time_hours: int | None = None
    busy_windows: tuple[BusyWindow, ...] = ()
    approval_steps: tuple[str, ...] = ()
    priorities: tuple[PriorityFacts, ...] = ()  # ranked, first is most important
    owned_kpis: tuple[str, ...] = ()

    @property
    def metrics(self) -> frozenset[str]:
        """Metrics the function pushes: the KPIs it owns and those its priorities name."""
        keys = set(self.owned_kpis)
        for priority in self.priorities:
            keys.update(priority.metric_keys)
        return frozenset(keys)


@dataclass(frozen=True)
class TensionFacts:
    """Pushing metric `a` tends to harm metric `b` (from the metric catalog)."""

    a: str
    b: str
    explanation: str


@dataclass(frozen=True)
class Difference:
    kind: str  # planning | channels | response | busy | approvals | priorities
    severity: str  # high | medium | info
    title: str
    explanation: str
    suggestion: str
    functions: tuple[str, ...]  # ids of the functions involved


@dataclass(frozen=True)
class ProfileComparison:
    profiles: tuple[ProfileFacts, ...]
    differences: tuple[Difference, ...]
    shared_channels: tuple[str, ...]  # preferred by every compared function
    shared_metrics: tuple[str, ...]  # pushed by every compared function
    differing: frozenset[str] = field(default_factory=frozenset)  # kinds that differ
    reasons: tuple[str, ...] = ()

    def differs(self, kind: str) -> bool:
        return kind in self.differing


def _names(labels: Mapping[str, str], keys: Iterable[str]) -> str:
    return ", ".join(labels.get(k, k) for k in keys) or "none"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _possessive(name: str) -> str:
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def _hours(value: int) -> str:
    if value >= 48 and value % 24 == 0:
        return f"{value // 24} days"
    return f"{value} h"


def _planning(profiles: Sequence[ProfileFacts], labels: Mapping[str, str]) -> list[Difference]:
    known = [p for p in profiles if p.planning_cycle in PLANNING_DAYS]
    cycles = {p.planning_cycle for p in known}
    if len(cycles) < 2:
        return []
    fastest = min(known, key=lambda p: PLANNING_DAYS[p.planning_cycle])
    slowest = max(known, key=lambda p: PLANNING_DAYS[p.planning_cycle])
    ratio = PLANNING_DAYS[slowest.planning_cycle] / PLANNING_DAYS[fastest.planning_cycle]
    described = "; ".join(
        f"{p.name} {labels.get(p.planning_cycle, p.planning_cycle).lower()}" for p in known
    )
    return [
        Difference(
            kind="planning",
            severity=HIGH if ratio >= PLANNING_FAR_APART else MEDIUM,
            title="Different planning cycles",
            explanation=(
                f"{described}. {slowest.name} commits to work about {ratio:.0f}× less often "
                f"than {fastest.name}, so a request that misses its planning window waits."
            ),
            suggestion=(
                f"Bring requests for {slowest.name} to its planning window; ask "
                f"{fastest.name} which of its cycles a shared deliverable lands in."
            ),
            functions=tuple(p.id for p in known),
        )
    ]


def _channels(
    profiles: Sequence[ProfileFacts],
    labels: Mapping[str, str],
    plan_channel_kinds: frozenset[str] | None,
) -> list[Difference]:
    found: list[Difference] = []
    stated = [p for p in profiles if p.preferred_channels]
    for one, two in combinations(stated, 2):
        if set(one.preferred_channels) & set(two.preferred_channels):
            continue
        found.append(
            Difference(
                kind="channels",
                severity=HIGH,
                title=f"No shared preferred channel: {one.name} and {two.name}",
                explanation=(
                    f"{one.name} prefers {_names(labels, one.preferred_channels)}; "
                    f"{two.name} prefers {_names(labels, two.preferred_channels)}. Messages "
                    "sent the way one side likes can go unnoticed by the other."
                ),
                suggestion=(
                    "Agree in the communication plan which channel carries what between "
                    "them, and say it in the contact table."
                ),
                functions=(one.id, two.id),
            )
        )
    if plan_channel_kinds is not None and plan_channel_kinds:
        for profile in stated:
            if set(profile.preferred_channels) & plan_channel_kinds:
                continue
            found.append(
                Difference(
                    kind="channels",
                    severity=MEDIUM,
                    title=f"The plan uses none of {_possessive(profile.name)} preferred channels",
                    explanation=(
                        f"{profile.name} prefers "
                        f"{_names(labels, profile.preferred_channels)}, and the "
                        "partnership's plan has no channel of those kinds."
                    ),
                    suggestion=f"Add a channel {profile.name} reads, or agree how to reach it.",
                    functions=(profile.id,),
                )
            )
    return found


def _response(profiles: Sequence[ProfileFacts]) -> list[Difference]:
    hours = {p.id: p.response_time_hours for p in profiles if p.response_time_hours}
    known = [p for p in profiles if p.id in hours]
    if len(known) < 2:
        return []
    fastest = min(known, key=lambda p: hours[p.id] or 0)
    slowest = max(known, key=lambda p: hours[p.id] or 0)
    quick, slow = hours[fastest.id] or 1, hours[slowest.id] or 1
    ratio = slow / quick
    if ratio <= RESPONSE_GAP:
        return []
    return [
        Difference(
            kind="response",
            severity=HIGH if ratio >= RESPONSE_GAP_HIGH else MEDIUM,
            title="Response times far apart",
            explanation=(
                f"{fastest.name} expects to answer within {_hours(quick)}; "
                f"{slowest.name} within {_hours(slow)} ({ratio:.0f}× longer). Waiting on "
                f"{slowest.name} can feel like silence to {fastest.name}."
            ),
            suggestion=(
                f"Ask {slowest.name} early, mark what is urgent, and agree a response time "
                "for the partnership."
            ),
            functions=(fastest.id, slowest.id),
        )
    ]


def _busy(profiles: Sequence[ProfileFacts]) -> list[Difference]:
    """One difference per pair of functions, listing every overlap between their windows."""
    found: list[Difference] = []
    for one, two in combinations(profiles, 2):
        overlaps: list[str] = []
        for window_one in one.busy_windows:
            for window_two in two.busy_windows:
                shared = window_one.overlap(window_two)
                if shared is None:
                    continue
                months, first, last = shared
                overlaps.append(
                    f"{_possessive(one.name)} “{window_one.label}” and "
                    f"{_possessive(two.name)} “{window_two.label}” overlap "
                    f"({when(months, first, last)})"
                )
        if not overlaps:
            continue
        found.append(
            Difference(
                kind="busy",
                severity=MEDIUM,
                title=f"Busy at the same time: {one.name} and {two.name}",
                explanation="; ".join(overlaps) + ".",
                suggestion=(
                    "Keep shared deadlines and reviews out of those windows, or agree in "
                    "advance who covers what."
                ),
                functions=(one.id, two.id),
            )
        )
    return found


def _approvals(profiles: Sequence[ProfileFacts]) -> list[Difference]:
    counts = {p.id: len(p.approval_steps) for p in profiles}
    most = max(profiles, key=lambda p: counts[p.id])
    least = min(profiles, key=lambda p: counts[p.id])
    if counts[most.id] == 0:
        return []
    if counts[least.id] and counts[most.id] - counts[least.id] < 2:
        return []  # both need sign-off, about as much
    steps = counts[most.id]
    fewer = f"{counts[least.id]}" if counts[least.id] else "none"
    return [
        Difference(
            kind="approvals",
            severity=INFO,
            title=f"{most.name} needs sign-off steps",
            explanation=(
                f"{most.name} lists {steps} approval step{'s' if steps != 1 else ''} "
                f"({'; '.join(most.approval_steps[:3])}); {least.name} {fewer}."
            ),
            suggestion=f"Plan lead time for anything {most.name} has to approve.",
            functions=(most.id, least.id),
        )
    ]


def _priorities(
    profiles: Sequence[ProfileFacts],
    tensions: Sequence[TensionFacts],
    metric_names: Mapping[str, str],
) -> list[Difference]:
    found: list[Difference] = []
    seen: set[tuple[str, str, str, str]] = set()
    for one, two in combinations(profiles, 2):
        for first, second in ((one, two), (two, one)):
            for tension in tensions:
                if tension.a not in first.metrics or tension.b not in second.metrics:
                    continue
                if tension.a in second.metrics and tension.b in first.metrics:
                    continue  # both push both: a tension inside each, not between them
                key = (first.id, second.id, tension.a, tension.b)
                if key in seen:
                    continue
                seen.add(key)
                a_name = metric_names.get(tension.a, tension.a)
                b_name = metric_names.get(tension.b, tension.b)
                found.append(
                    Difference(
                        kind="priorities",
                        severity=HIGH,
                        title=f"Priorities pull apart: {a_name} vs {b_name}",
                        explanation=(
                            f"{first.name} pushes {a_name}; {second.name} answers for "
                            f"{b_name}. {tension.explanation}"
                        ),
                        suggestion=(
                            "Agree a shared goal or a guardrail (a limit on one metric while "
                            "the other is pushed) before it becomes a conflict."
                        ),
                        functions=(first.id, second.id),
                    )
                )
        pulled = bool({d.functions for d in found} & {(one.id, two.id), (two.id, one.id)})
        if (
            not pulled
            and one.priorities
            and two.priorities
            and one.metrics
            and two.metrics
            and not one.metrics & two.metrics
        ):
            found.append(
                Difference(
                    kind="priorities",
                    severity=MEDIUM,
                    title=f"No priority in common: {one.name} and {two.name}",
                    explanation=(
                        f"{one.name} puts “{one.priorities[0].title}” first; {two.name} "
                        f"puts “{two.priorities[0].title}” first, and no metric appears on "
                        "both sides."
                    ),
                    suggestion=(
                        "Name the partnership goal each side gains from, so work for it is "
                        "not always second priority for one of them."
                    ),
                    functions=(one.id, two.id),
                )
            )
    return found


def profiles_compare(
    profiles: Sequence[ProfileFacts],
    *,
    tensions: Sequence[TensionFacts] = (),
    channel_labels: Mapping[str, str] | None = None,
    planning_labels: Mapping[str, str] | None = None,
    metric_names: Mapping[str, str] | None = None,
    plan_channel_kinds: Iterable[str] | None = None,
) -> ProfileComparison:
    """Where the given functions differ, most serious first. Needs two or more profiles."""
    if len(profiles) < 2:
        raise ValueError("compare at least two profiles")
    channel_labels = channel_labels or {}
    metric_names = metric_names or {}
    plan_kinds = frozenset(plan_channel_kinds) if plan_channel_kinds is not None else None
    differences = [
        *_priorities(profiles, tensions, metric_names),
        *_planning(profiles, planning_labels or {}),
        *_channels(profiles, channel_labels, plan_kinds),
        *_response(profiles),
        *_busy(profiles),
        *_approvals(profiles),
    ]
    differences.sort(key=lambda d: SEVERITY_ORDER[d.severity])
    stated = [set(p.preferred_channels) for p in profiles if p.preferred_channels]
    shared_channels = set.intersection(*stated) if len(stated) == len(profiles) else set()
    pushed = [p.metrics for p in profiles]
    shared_metrics = frozenset.intersection(*pushed) if all(pushed) else frozenset()
    reasons: list[str] = []
    if shared_channels:
        reasons.append(f"Every function prefers {_names(channel_labels, sorted(shared_channels))}.")
    if shared_metrics:
        named = [metric_names.get(k, k) for k in sorted(shared_metrics)]
        reasons.append(f"Common ground: every function pushes {_and(named)}.")
    if not differences:
        reasons.append("No difference found in priorities, rhythms or channels.")
    return ProfileComparison(
        profiles=tuple(profiles),
        differences=tuple(differences),
        shared_channels=tuple(sorted(shared_channels)),
        shared_metrics=tuple(sorted(shared_metrics)),
        differing=frozenset(d.kind for d in differences),
        reasons=tuple(reasons),
    )
