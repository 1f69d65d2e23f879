"""Conflicts between goals: which goals pull against each other, and why.

Checks (docs/conflicts.md gives the full rules):

- opposite_direction: two sides (different functions or partnerships) push the same metric
  opposite ways, or one pushes a number another has frozen or capped.
- tension: one side pushes metric A the way the catalog says harms metric B, while another side
  wants B up (or protected). Tensions come from the metric catalog (catalog.py).
- owner_overload: one person is accountable for more than ``owner_cap`` active goals.
- shared_budget: goals from different sides draw on the same named budget.
- timeline_inversion: a goal is due before a goal it depends on.
- Goals without an owner become warnings.

Goals are indexed by metric, direction, function and partnership, so the work grows with the
number of goals plus the number of conflicting pairs found, never with every pair of goals.
Precision is preferred over recall: a pair is flagged only when both the metric and the
direction of each goal are known.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from accord.metrics.catalog import FUNCTIONS, Catalog, Metric, MetricMention, catalog_load

KINDS = (
    "opposite_direction",
    "tension",
    "shared_budget",
    "timeline_inversion",
    "owner_overload",
    "no_owner",
)
INACTIVE_STATUSES = frozenset(
    {"done", "achieved", "completed", "closed", "cancelled", "canceled", "archived", "abandoned"}
)

# Internal directions: the two pushes plus three ways of holding a number.
INCREASE, DECREASE = "increase", "decrease"
HOLD, FLOOR, CEILING = "hold", "floor", "ceiling"


@dataclass(frozen=True)
class GoalFacts:
    id: str
    function: str | None
    text: str = ""
    metric: str | None = None  # a catalog key or a free metric phrase
    direction: str | None = None  # increase | decrease | maintain | range
    target: float | None = None
    due: date | None = None
    start: date | None = None
    owner: str | None = None
    depends_on: tuple[str, ...] = ()
    partnership: str | None = None
    budget: str | None = None
    status: str = "active"


@dataclass(frozen=True)
class ConflictFinding:
    a: str
    b: str | None
    kind: str
    explanation: str
    next_step: str


@dataclass(frozen=True)
class ConflictReport:
    conflicts: tuple[ConflictFinding, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class GoalReading:
    """What the checks understood about one goal, and from where."""

    goal: GoalFacts
    index: int
    metric: Metric | None
    direction: str | None  # increase | decrease | hold | floor | ceiling | None
    target: float | None
    reasons: tuple[str, ...] = ()
    # Wording computed once per goal, so explaining many pairs stays cheap.
    side: str = ""
    label: str = ""
    wants: str = ""
    upcoming: date | None = None  # the due date, when it is still ahead


# --- reading direction from text ------------------------------------------------------------

_UP = {
    "increase", "increases", "increased", "increasing", "raise", "raises", "raising", "grow",
    "grows", "growing", "boost", "boosting", "lift", "lifting", "expand", "expanding", "double",
    "doubling", "triple", "maximise", "maximize", "add", "adding", "gain", "extend", "extending",
    "lengthen", "widen", "deepen", "deepening", "more", "higher", "hire", "scale",
    "scaling", "up", "ramp", "invest", "longer", "larger", "bigger", "deeper", "wider", "stretch",
    "stretching", "ship", "shipping", "launch", "release",
}  # fmt: skip
_DOWN = {
    "reduce", "reduces", "reduced", "reducing", "reduction", "cut", "cuts", "cutting", "lower",
    "lowering", "decrease", "decreasing", "shrink", "shrinking", "trim", "trimming", "halve",
    "halving", "minimise", "minimize", "eliminate", "eliminating", "drop", "slash", "slashing",
    "shorten", "shortening", "compress", "fewer", "less", "contain", "curb", "down", "remove",
    "prevent", "avoid", "consolidate", "consolidating", "rationalise", "rationalize", "shorter",
    "smaller",
}  # fmt: skip
_IMPROVE = {
    "improve", "improves", "improving", "improved", "better", "optimise", "optimize",
    "optimising", "optimizing", "enhance", "strengthen", "accelerate", "speed", "faster",
    "quicker", "tighten", "fix", "restore", "hit", "reach", "achieve", "attain", "deliver",
    "exceed", "beat",
}  # fmt: skip
_WORSEN = {"loosen", "relax", "sacrifice", "worsen"}
_KEEP = {
    "keep", "keeping", "maintain", "maintaining", "sustain", "protect", "protecting",
    "preserve", "safeguard", "defend", "stay", "remain", "hold", "holding",
}  # fmt: skip
_HOLD = {"freeze", "frozen", "freezing", "flat", "steady", "unchanged", "pause", "paused"}
_FLOOR = re.compile(
    r"\b(at least|above|no lower than|not below|not fall below|minimum of|or more|or higher)\b"
    r"|>=|≥",
    re.IGNORECASE,
)
_CEILING = re.compile(
    r"\b(below|under|at most|no more than|not exceed|not to exceed|maximum of|or less|or lower|"
    r"within|cap|caps|capped|capping|limit|limited)\b|<=|≤",
    re.IGNORECASE,
)
_FROM_TO = re.compile(
    r"\bfrom\s+[$€£]?(-?\d[\d,]*(?:\.\d+)?)\s*[%a-z]*\s+to\s+[$€£]?(-?\d[\d,]*(?:\.\d+)?)",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"\b(?:to|at|above|below|under|over|least|most|than|of|within|exceed)\s+[$€£]?"
    r"(-?\d[\d,]*(?:\.\d+)?)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z]+")
# Secondary clauses name side conditions or means, not the goal's own metric.
_SECONDARY = re.compile(
    r"\b(?:while|whilst|without|but|whereas|so that|so as to|in order to|as long as|provided|"
    r"even if|through|via|by (?=[a-z]+ing\b)|to (?=(?:improve|increase|reduce|raise|lower|grow|"
    r"cut|protect|keep|hit|support|fund|free|win|fill|help|offset|cover|pay|make|meet|boost|"
    r"lift|avoid|prevent|stop|drive)\b))",
    re.IGNORECASE,
)


def _primary_clause(text: str) -> str:
    match = _SECONDARY.search(text)
    head = text[: match.start()] if match else text
    return head if head.strip() else text


def _number(raw: str) -> float | None:
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Cue:
    direction: (
        str | None
    )  # increase | decrease | improve | worsen | maintain | hold | floor | ceiling
    target: float | None


def direction_read(clause: str, mention: MetricMention | None) -> _Cue:
    """The direction a clause asks for, judged around the metric it names.

    Order: an explicit "from X to Y"; a freeze word (hold); the verb nearest before the metric
    (else the nearest after); a bare floor or ceiling phrase ("at least", "below").
    """
    target_match = _TARGET.search(clause[mention.end :] if mention else clause)
    target = _number(target_match.group(1)) if target_match else None
    from_to = _FROM_TO.search(clause)
    if from_to:
        start, end = _number(from_to.group(1)), _number(from_to.group(2))
        if start is not None and end is not None and start != end:
            return _Cue(INCREASE if end > start else DECREASE, end)
    words = [(m.group(0), m.start()) for m in _WORD.finditer(clause.lower())]
    if any(word in _HOLD for word, _ in words):
        return _Cue(HOLD, target)
    floor, ceiling = _FLOOR.search(clause), _CEILING.search(clause)
    anchor = mention.start if mention else len(clause)
    cues: list[tuple[int, str]] = []
    previous = ""
    for word, position in words:
        after_speed, previous = previous in {"speed", "speeding", "sped"}, word
        if word in _UP and not (word == "up" and after_speed):
            cues.append((position, INCREASE))
        elif word in _DOWN:
            cues.append((position, DECREASE))
        elif word in _IMPROVE:
            cues.append((position, "improve"))
        elif word in _WORSEN:
            cues.append((position, "worsen"))
        elif word in _KEEP:
            cues.append((position, "maintain"))
    before = [cue for cue in cues if cue[0] <= anchor]
    after = [cue for cue in cues if cue[0] > anchor]
    chosen = before[-1][1] if before else (after[0][1] if after else None)
    if chosen in {None, "maintain"}:
        # "Keep churn below 2%", "Cap discounts at 10%", "CSAT at least 90%".
        if ceiling and (not floor or ceiling.start() < floor.start()):
            return _Cue(CEILING, target)
        if floor:
            return _Cue(FLOOR, target)
    return _Cue(chosen, target)


_FLIP = {INCREASE: DECREASE, DECREASE: INCREASE, FLOOR: CEILING, CEILING: FLOOR, HOLD: HOLD}


def _resolve(cue: str | None, metric: Metric, *, inverse: bool) -> str | None:
    """Turn a cue into a direction on the metric itself."""
    good = metric.good_direction
    if cue == "improve":
        return good if good in (INCREASE, DECREASE) else None
    if cue == "worsen":
        return _FLIP[good] if good in (INCREASE, DECREASE) else None
    if cue in {"maintain", "range"}:
        # Keeping a number means guarding it against getting worse.
        return {INCREASE: FLOOR, DECREASE: CEILING}.get(good, HOLD)
    if cue is None:
        return None
    return _FLIP[cue] if inverse else cue


ExtractFn = Callable[..., Any]


def _smart_extractor() -> ExtractFn | None:
    try:
        from accord.metrics.smart import goal_extract
    except Exception:  # absent or broken, the SMART reader is optional here
        return None
    reader: ExtractFn = goal_extract
    return reader


def goal_read(
    goal: GoalFacts,
    index: int,
    *,
    catalog: Catalog,
    today: date | None,
    extract: ExtractFn | None,
) -> GoalReading:
    """Decide the goal's metric and direction from its fields, else from its text."""
    reasons: list[str] = []
    clause = _primary_clause(goal.text)
    mention: MetricMention | None = None
    metric: Metric | None = None
    inverse = False
    if goal.metric:
        metric = catalog.metric_get(goal.metric)
        if metric is None:
            found = catalog.metric_find(goal.metric)
            if found:
                mention_of_field = max(found, key=lambda m: len(m.phrase))
                metric, inverse = mention_of_field.metric, mention_of_field.inverse
            else:
                reasons.append(f"metric {goal.metric!r} is not in the catalog")
        if metric is not None:
            located = [m for m in catalog.metric_find(clause) if m.metric.key == metric.key]
            mention = located[0] if located else None
    else:
        found = catalog.metric_find(clause) or catalog.metric_find(goal.text)
        if found:
            mention = found[0]
            metric, inverse = mention.metric, mention.inverse
    if metric is None:
        if not reasons:
            reasons.append("no catalog metric is named in its text")
        return GoalReading(goal, index, None, None, goal.target, tuple(reasons))

    cue = direction_read(clause, mention)
    # A level stated for the opposite phrase ("retention to 95%") is not a level of the metric.
    target = goal.target if goal.target is not None else (None if inverse else cue.target)
    if goal.direction:
        # A stated direction refers to the metric as named (a phrase may name its opposite).
        flip = inverse and goal.metric is not None and catalog.metric_get(goal.metric) is None
        stated = goal.direction if goal.direction != "range" else "maintain"
        direction: str | None
        if stated == "maintain" and cue.direction in {FLOOR, CEILING, HOLD}:
            direction = cue.direction
        else:
            direction = _resolve(stated, metric, inverse=flip)
        return GoalReading(goal, index, metric, direction, target, tuple(reasons))

    chosen: str | None = cue.direction
    if extract is not None and today is not None and chosen in {None, "maintain"} and goal.text:
        # The verb lexicon is metric-aware (improve, inverse phrases, freezes) and cheap, so the
        # SMART reader is asked only where the lexicon found no verb of its own.
        try:
            extracted = extract(clause, today=today)
        except Exception:  # a text heuristic must never stop the analysis
            extracted = None
        smart_direction = getattr(extracted, "direction", None)
        if smart_direction in {INCREASE, DECREASE}:
            chosen = smart_direction
        elif smart_direction in {"maintain", "range"}:
            chosen = "maintain"
        smart_target = getattr(extracted, "target", None)
        if target is None and not inverse and isinstance(smart_target, int | float):
            target = float(smart_target)
    direction = _resolve(chosen, metric, inverse=inverse)
    if direction is None:
        reasons.append(f"it names {metric.name} but not which way it should move")
    return GoalReading(goal, index, metric, direction, target, tuple(reasons))


# --- presentation -----------------------------------------------------------------------------


def _side(goal: GoalFacts) -> str:
    if goal.function:
        key = goal.function.strip().lower()
        return FUNCTIONS.get(key, goal.function.strip())
    if goal.partnership:
        return f"Partnership {goal.partnership}"
    return "An unassigned"


def _label(goal: GoalFacts) -> str:
    return f"{_side(goal)} goal {goal.id}"


def _metric_words(metric: Metric) -> str:
    return _lower_first(metric.name)


def _lower_first(sentence: str) -> str:
    if len(sentence) > 1 and sentence[1].isupper():
        return sentence
    return sentence[:1].lower() + sentence[1:]


def _target_text(value: float | None, metric: Metric) -> str:
    if value is None:
        return ""
    shown = f"{value:g}"
    return f"{shown}%" if metric.unit == "%" else f"{shown} {metric.unit}"


def _wants(reading: GoalReading, metric: Metric) -> str:
    name = _metric_words(metric)
    level = _target_text(reading.target, metric)
    match reading.direction:
        case "increase":
            return f"{name} up" + (f" (to {level})" if level else "")
        case "decrease":
            return f"{name} down" + (f" (to {level})" if level else "")
        case "hold":
            return f"{name} held flat"
        case "floor":
            return f"{name} kept at or above {level}" if level else f"{name} protected"
        case _:
            return f"{name} kept at or below {level}" if level else f"{name} capped"


def _meeting_date(*goals: GoalFacts, today: date | None) -> str:
    dues = sorted(g.due for g in goals if g.due and (today is None or g.due >= today))
    if dues:
        return f"before {dues[0].isoformat()}, the first due date"
    return "before the next check-in of either goal"


def _next_step(a: GoalReading, b: GoalReading) -> str:
    if a.upcoming is None or b.upcoming is None:
        first = a.upcoming or b.upcoming
    else:
        first = min(a.upcoming, b.upcoming)
    return _next_step_text(a.side, b.side, first)


@lru_cache(maxsize=4096)
def _next_step_text(side_a: str, side_b: str, first_due: date | None) -> str:
    when = (
        f"before {first_due.isoformat()}, the first due date"
        if first_due
        else "before the next check-in of either goal"
    )
    return (
        f"Open a conflict record for {side_a} and {side_b}, or schedule an alignment "
        f"conversation {when}, to agree which goal gives way or how the two targets are "
        "traded off."
    )


# --- pairing without pair loops ----------------------------------------------------------------


def _group_key(goal: GoalFacts) -> str:
    return (goal.function or "").strip().lower()


def _cross_pairs(
    left: Sequence[GoalReading], right: Sequence[GoalReading]
) -> Iterator[tuple[GoalReading, GoalReading]]:
    """Pairs (l, r) from different functions, or one function in different partnerships.

    Goals are grouped first, so same-function pairs are never visited one by one.
    """
    if not left or not right:
        return
    right_groups: dict[str, dict[str | None, list[GoalReading]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for reading in right:
        right_groups[_group_key(reading.goal)][reading.goal.partnership].append(reading)
    for l_reading in left:
        l_function = _group_key(l_reading.goal)
        l_partnership = l_reading.goal.partnership
        for function, by_partnership in right_groups.items():
            for partnership, readings in by_partnership.items():
                if function == l_function and (
                    l_partnership is None or partnership is None or partnership == l_partnership
                ):
                    continue
                for r_reading in readings:
                    if r_reading.goal.id != l_reading.goal.id:
                        yield l_reading, r_reading


def _incompatible(push: GoalReading, guard: GoalReading) -> bool:
    """Whether a push and a floor/ceiling/hold on the same number cannot both succeed."""
    if guard.direction == HOLD or push.target is None or guard.target is None:
        return True
    if push.direction == INCREASE:
        return push.target > guard.target
    return push.target < guard.target


def _opposites(by_direction: dict[str, list[GoalReading]]) -> Iterator[ConflictFinding]:
    def finding(a: GoalReading, b: GoalReading) -> ConflictFinding:
        return ConflictFinding(
            a=a.goal.id,
            b=b.goal.id,
            kind="opposite_direction",
            explanation=(
                f"{a.label} wants {a.wants} while {b.label} wants {b.wants}: both cannot "
                "succeed on the same number."
            ),
            next_step=_next_step(a, b),
        )

    ups, downs = by_direction.get(INCREASE, []), by_direction.get(DECREASE, [])
    for a, b in _cross_pairs(ups, downs):
        yield finding(a, b)
    for push, guards in ((ups, (CEILING, HOLD)), (downs, (FLOOR, HOLD))):
        for direction in guards:
            for a, b in _cross_pairs(push, by_direction.get(direction, [])):
                if _incompatible(a, b):
                    yield finding(a, b)
    floors, ceilings = by_direction.get(FLOOR, []), by_direction.get(CEILING, [])
    for a, b in _cross_pairs(floors, ceilings):
        if a.target is not None and b.target is not None and a.target > b.target:
            yield finding(a, b)


_RESISTS = {INCREASE: (DECREASE, CEILING, HOLD), DECREASE: (INCREASE, FLOOR, HOLD)}


def _tensions(
    index: dict[str, dict[str, list[GoalReading]]], catalog: Catalog
) -> Iterator[ConflictFinding]:
    for tension in catalog.tensions:
        by_a, by_b = index.get(tension.a), index.get(tension.b)
        if not by_a or not by_b:
            continue
        pushers = list(by_a.get(tension.a_direction, []))
        if tension.a_direction == DECREASE:
            # A freeze is the cost-control form of a cut: it withholds growth the same way.
            pushers += by_a.get(HOLD, [])
        resisters = [r for d in _RESISTS[tension.b_direction] for r in by_b.get(d, [])]
        reason = _lower_first(tension.explanation)
        for a, b in _cross_pairs(pushers, resisters):
            yield ConflictFinding(
                a=a.goal.id,
                b=b.goal.id,
                kind="tension",
                explanation=f"{a.label} wants {a.wants} while {b.label} wants {b.wants}: {reason}",
                next_step=_next_step(a, b),
            )


def _owner_overload(active: Sequence[GoalFacts], owner_cap: int) -> Iterator[ConflictFinding]:
    by_owner: dict[str, list[GoalFacts]] = defaultdict(list)
    names: dict[str, str] = {}
    for goal in active:
        if goal.owner and goal.owner.strip():
            key = goal.owner.strip().casefold()
            by_owner[key].append(goal)
            names.setdefault(key, goal.owner.strip())
    for key, goals in by_owner.items():
        if len(goals) <= owner_cap:
            continue
        listed = ", ".join(g.id for g in goals[:10])
        if len(goals) > 10:
            listed += f" and {len(goals) - 10} more"
        yield ConflictFinding(
            a=goals[0].id,
            b=None,
            kind="owner_overload",
            explanation=(
                f"{names[key]} is the accountable owner of {len(goals)} active goals ({listed}), "
                f"more than the cap of {owner_cap}: some of them will get too little attention."
            ),
            next_step=(
                f"Ask whoever assigns {names[key]}'s work to hand some of these goals to another "
                "owner, close or merge some, or raise the cap as a recorded decision."
            ),
        )


def _shared_budgets(active: Sequence[GoalFacts], today: date | None) -> Iterator[ConflictFinding]:
    by_budget: dict[str, list[GoalFacts]] = defaultdict(list)
    for goal in active:
        if goal.budget and goal.budget.strip():
            by_budget[goal.budget.strip().casefold()].append(goal)
    for goals in by_budget.values():
        first = goals[0]
        other = next(
            (
                g
                for g in goals[1:]
                if _group_key(g) != _group_key(first)
                or (g.partnership and first.partnership and g.partnership != first.partnership)
            ),
            None,
        )
        if other is None:
            continue
        budget = first.budget.strip() if first.budget else ""
        listed = ", ".join(_label(g) for g in goals[:8])
        if len(goals) > 8:
            listed += f" and {len(goals) - 8} more"
        yield ConflictFinding(
            a=first.id,
            b=other.id,
            kind="shared_budget",
            explanation=(
                f"{len(goals)} goals draw on the same budget {budget!r} ({listed}): money spent "
                "on one is not available to the others."
            ),
            next_step=(
                f"Agree how the {budget!r} budget is split between {_side(first)} and "
                f"{_side(other)} {_meeting_date(first, other, today=today)}, and record it as a "
                "decision."
            ),
        )


def _timeline(active: Sequence[GoalFacts], warnings: list[str]) -> Iterator[ConflictFinding]:
    by_id = {goal.id: goal for goal in active}
    for goal in active:
        for dependency_id in goal.depends_on:
            dependency = by_id.get(dependency_id)
            if dependency is None:
                warnings.append(
                    f"Goal {goal.id} depends on {dependency_id}, which is not an active goal in "
                    "this set; its timeline was not checked against it."
                )
                continue
            if goal.due and dependency.due and goal.due < dependency.due:
                yield ConflictFinding(
                    a=goal.id,
                    b=dependency.id,
                    kind="timeline_inversion",
                    explanation=(
                        f"{_label(goal)} is due {goal.due.isoformat()} but depends on "
                        f"{_label(dependency)}, due later on {dependency.due.isoformat()}: it "
                        "cannot finish before the work it waits for."
                    ),
                    next_step=(
                        f"Move {goal.id}'s due date after {dependency.due.isoformat()}, bring "
                        f"{dependency.id} forward, or remove the dependency if it is not real."
                    ),
                )


def conflicts_find(
    goals: Sequence[GoalFacts],
    *,
    catalog: Catalog | None = None,
    today: date | None = None,
    owner_cap: int = 5,
    extract: ExtractFn | bool | None = True,
) -> ConflictReport:
    """Find conflicts among goals and explain each one.

    ``extract`` is the text reader for directions: True (default) uses
    ``accord.metrics.smart.goal_extract`` when it is installed, False uses only this module's
    verb lexicon, and a callable is used as given.
    """
    catalog = catalog or catalog_load()
    reader: ExtractFn | None
    if extract is True:
        reader = _smart_extractor()
    elif extract is False or extract is None:
        reader = None
    else:
        reader = extract
    warnings: list[str] = []
    active: list[GoalFacts] = []
    seen: set[str] = set()
    for goal in goals:
        if goal.id in seen:
            warnings.append(f"Goal id {goal.id} appears more than once; only the first is used.")
            continue
        seen.add(goal.id)
        if goal.status.strip().lower() not in INACTIVE_STATUSES:
            active.append(goal)

    index: dict[str, dict[str, list[GoalReading]]] = defaultdict(lambda: defaultdict(list))
    for position, goal in enumerate(active):
        reading = goal_read(goal, position, catalog=catalog, today=today, extract=reader)
        metric, direction = reading.metric, reading.direction
        if metric is not None and direction is not None:
            reading = replace(
                reading,
                side=_side(goal),
                label=_label(goal),
                wants=_wants(reading, metric),
                upcoming=goal.due if goal.due and (today is None or goal.due >= today) else None,
            )
            index[metric.key][direction].append(reading)
        elif reading.reasons:
            warnings.append(
                f"Goal {goal.id}: {'; '.join(reading.reasons)}, so it was checked only for "
                "owner, budget and dates."
            )
        if not (goal.owner and goal.owner.strip()):
            warnings.append(f"{_label(goal)} has no owner: name exactly one accountable person.")

    findings: list[ConflictFinding] = []
    for by_direction in index.values():
        findings.extend(_opposites(by_direction))
    findings.extend(_tensions(index, catalog))
    findings.extend(_shared_budgets(active, today))
    findings.extend(_timeline(active, warnings))
    findings.extend(_owner_overload(active, owner_cap))
    return ConflictReport(
        conflicts=tuple(_deduplicated(findings, active)), warnings=tuple(warnings)
    )


def _deduplicated(
    findings: Iterable[ConflictFinding], active: Sequence[GoalFacts]
) -> list[ConflictFinding]:
    order = {goal.id: position for position, goal in enumerate(active)}
    rank = {kind: position for position, kind in enumerate(KINDS)}
    kept: dict[tuple[int, int, int], ConflictFinding] = {}
    for finding in findings:
        first = order[finding.a]
        second = order[finding.b] if finding.b is not None else -1
        key = (rank[finding.kind], *sorted((first, second)))
        kept.setdefault((key[0], key[1], key[2]), finding)
    return [kept[key] for key in sorted(kept)]


def conflicts_json(report: ConflictReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (the CLI's --json answer)."""
    return {
        "conflicts": [
            {
                "a": finding.a,
                "b": finding.b,
                "kind": finding.kind,
                "explanation": finding.explanation,
                "next_step": finding.next_step,
            }
            for finding in report.conflicts
        ],
        "warnings": list(report.warnings),
    }


# --- reading goals from JSON (the CLI and imports) -----------------------------------------------

DIRECTIONS = ("increase", "decrease", "maintain", "range")
_TEXT_FIELDS = ("text", "metric", "owner", "partnership", "budget", "status")


class GoalInputError(ValueError):
    """Goals given as JSON break rules; ``problems`` names each item and field."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


def _date_field(item: dict[str, Any], name: str, where: str, problems: list[str]) -> date | None:
    value = item.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(f"{where}: '{name}' is not a date in YYYY-MM-DD form: {value!r}.")
    return None


def goals_from_json(items: Any) -> list[GoalFacts]:
    """GoalFacts from a JSON list of goal objects; raises GoalInputError listing every problem.

    Items are numbered from 1 in messages ("item 3"), so they match what a person counts.
    """
    if not isinstance(items, list):
        found = type(items).__name__
        kind = {"dict": "an object", "str": "a string"}.get(found, found)
        raise GoalInputError([f"The file must hold a JSON list of goals, found {kind}."])
    problems: list[str] = []
    goals: list[GoalFacts] = []
    for number, item in enumerate(items, start=1):
        where = f"item {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: each goal must be a JSON object.")
            continue
        goal_id = item.get("id")
        if isinstance(goal_id, int) and not isinstance(goal_id, bool):
            goal_id = str(goal_id)
        if not isinstance(goal_id, str) or not goal_id.strip():
            problems.append(f"{where}: 'id' is required (a non-empty string).")
            continue
        where = f"item {number} (id {goal_id})"
        before = len(problems)
        function = item.get("function")
        if not isinstance(function, str) or not function.strip():
            problems.append(f"{where}: 'function' is required (a non-empty string).")
        for name in _TEXT_FIELDS:
            if item.get(name) is not None and not isinstance(item[name], str):
                problems.append(f"{where}: '{name}' must be a string.")
        direction = item.get("direction")
        if direction is not None and direction not in DIRECTIONS:
            problems.append(f"{where}: 'direction' must be one of {', '.join(DIRECTIONS)}.")
        target = item.get("target")
        if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)):
            problems.append(f"{where}: 'target' must be a number.")
        depends_on = item.get("depends_on", [])
        if not isinstance(depends_on, list) or not all(
            isinstance(d, str | int) and not isinstance(d, bool) for d in depends_on
        ):
            problems.append(f"{where}: 'depends_on' must be a list of goal ids.")
            depends_on = []
        due = _date_field(item, "due", where, problems)
        start = _date_field(item, "start", where, problems)
        if len(problems) > before:
            continue
        goals.append(
            GoalFacts(
                id=goal_id.strip(),
                function=str(function).strip(),
                text=item.get("text") or "",
                metric=item.get("metric"),
                direction=direction,
                target=float(target) if target is not None else None,
                due=due,
                start=start,
                owner=item.get("owner"),
                depends_on=tuple(str(d) for d in depends_on),
                partnership=item.get("partnership"),
                budget=item.get("budget"),
                status=item.get("status") or "active",
            )
        )
    if problems:
        raise GoalInputError(problems)
    return goals
