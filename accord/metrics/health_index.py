"""Partnership health index: a 0–100 composite of explained components.

Each component is a 0–100 value with its own evidence ("3 of 8 goals behind expected
progress"), data freshness and trend. The composite is the weighted arithmetic mean of the
components that have data (a simple additive weighting, as in the OECD/JRC *Handbook on
Constructing Composite Indicators*, 2008, ch. 6):

    score = Σ_{i with data} w_i · v_i / Σ_{i with data} w_i

Missing data is explicit: a component without data is marked "no data" and left out, and the
weights of the others are renormalised. It is never counted as 0 (which would punish a
partnership for not having run a survey yet) nor as 100 (which would reward it). When less
than ``MIN_COVERED_SHARE`` of the total weight has data, there is no score, only the reason.

The per-component normalisers below map raw signals to 0–100; each docstring states its rule.
Plain data in, frozen results with reasons out; nothing here imports Django.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "no data"]

# Components in display order, with the label shown next to each value.
COMPONENT_LABELS: dict[str, str] = {
    "goal_progress": "Goal progress vs expected",
    "forecast_confidence": "Forecast confidence",
    "checkin_freshness": "Check-in freshness vs cadence",
    "cadence_adherence": "Communication cadence adherence",
    "acknowledgement": "Update acknowledgement",
    "asks_answered": "Asks answered",
    "raci_completeness": "RACI completeness",
    "decision_velocity": "Decision velocity",
    "conflicts": "Open conflicts and time to resolution",
    "coordination": "Coordination score",
    "psych_safety": "Psychological safety",
    "health_votes": "Health-check votes",
    "participation_equity": "Participation equity",
}

# Default weights (they sum to 100, so each reads as a percentage). Workspaces may override
# any of them; the rationale for each default:
DEFAULT_WEIGHTS: dict[str, float] = {
    # Outcomes are why the partnership exists; the most direct evidence of success.
    "goal_progress": 15.0,
    # Whether the current pace will reach the targets; forward-looking, but a model estimate.
    "forecast_confidence": 8.0,
    # Stale check-ins make every goal number unreliable, but only indirectly hurt outcomes.
    "checkin_freshness": 6.0,
    # Keeping the agreed update rhythm is the backbone of cross-functional communication.
    "cadence_adherence": 6.0,
    # Updates nobody reads inform no one; smaller, as it overlaps with cadence adherence.
    "acknowledgement": 5.0,
    # Unanswered asks are the most visible sign of a partner not pulling its weight.
    "asks_answered": 6.0,
    # Clear roles (one A, at least one R) prevent dropped work and double work (METRICS §8).
    "raci_completeness": 6.0,
    # Proposals left open stall the work that depends on them.
    "decision_velocity": 6.0,
    # Open and slow-to-resolve conflicts drain trust and time.
    "conflicts": 8.0,
    # Relational coordination predicts quality and efficiency (Gittell et al. 2000).
    "coordination": 12.0,
    # Psychological safety underpins learning and speaking up (Edmondson 1999).
    "psych_safety": 10.0,
    # Members' own view of how it is going (Kniberg 2014); subjective, so a modest weight.
    "health_votes": 6.0,
    # Equal turn-taking tracks group performance (Woolley et al. 2010).
    "participation_equity": 6.0,
}

# Below this share of the total weight with data, a composite would rest on too little to be
# shown as "the" health of a partnership: the score is withheld and the reason given.
MIN_COVERED_SHARE = 0.4


@dataclass(frozen=True)
class ComponentInput:
    """One component's measured value (0–100, or None when there is no data)."""

    key: str
    value_0_100: float | None
    evidence: str
    freshness_days: int | None = None  # age of the newest data behind the value
    trend: float | None = None  # change in points since the previous snapshot


@dataclass(frozen=True)
class Component:
    """One component as shown: its weight and the weight it carries after renormalisation."""

    key: str
    label: str
    value: float | None
    weight: float
    effective_weight: float  # share of the score (0–1); 0 for "no data"
    evidence: str
    status: Status
    freshness_days: int | None
    trend: float | None


@dataclass(frozen=True)
class HealthIndex:
    score: float | None
    components: tuple[Component, ...]
    covered_weight: float  # share (0–1) of the total weight whose components have data
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """A normaliser's result: a 0–100 value (None when there is no data) and why."""

    value: float | None
    evidence: str

    def as_input(
        self, key: str, *, freshness_days: int | None = None, trend: float | None = None
    ) -> ComponentInput:
        return ComponentInput(key, self.value, self.evidence, freshness_days, trend)


def _check_weights(weights: Mapping[str, float]) -> None:
    for key, weight in weights.items():
        if key not in COMPONENT_LABELS:
            known = ", ".join(COMPONENT_LABELS)
            raise ValueError(f"unknown health component {key!r} in weights (known: {known})")
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"weight of {key!r} must be a finite number ≥ 0, not {weight}")
    if not any(weight > 0 for weight in weights.values()):
        raise ValueError("weights must not all be zero")


def _check_inputs(inputs: Sequence[ComponentInput], weights: Mapping[str, float]) -> None:
    seen: set[str] = set()
    for item in inputs:
        if item.key not in COMPONENT_LABELS:
            raise ValueError(f"unknown health component {item.key!r}")
        if item.key not in weights:
            raise ValueError(f"health component {item.key!r} has no weight")
        if item.key in seen:
            raise ValueError(f"health component {item.key!r} is given twice")
        seen.add(item.key)
        value = item.value_0_100
        if value is not None and not (math.isfinite(value) and 0.0 <= value <= 100.0):
            raise ValueError(f"value of {item.key!r} must be between 0 and 100, not {value}")
        if item.freshness_days is not None and item.freshness_days < 0:
            raise ValueError(f"freshness of {item.key!r} must be ≥ 0 days")


# Weighted arithmetic mean over the components with data, weights renormalised to sum to 1
# (OECD/JRC Handbook on Constructing Composite Indicators, 2008, additive aggregation).
def health_index(
    inputs: Sequence[ComponentInput],
    *,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    min_covered_share: float = MIN_COVERED_SHARE,
) -> HealthIndex:
    """Combine component values into a 0–100 score.

    Every weighted component appears in the result; one without an input, or with value
    None, is "no data" and carries no weight. Raises ValueError for unknown or duplicate
    keys, negative or all-zero weights, and values outside 0–100.
    """
    _check_weights(weights)
    _check_inputs(inputs, weights)
    if not 0.0 <= min_covered_share <= 1.0:
        raise ValueError("min_covered_share must be between 0 and 1")
    by_key = {item.key: item for item in inputs}
    order = [key for key in COMPONENT_LABELS if key in weights]
    total_weight = math.fsum(weights[key] for key in order)
    with_data = [key for key in order if by_key.get(key) and by_key[key].value_0_100 is not None]
    covered = math.fsum(weights[key] for key in with_data)
    covered_share = covered / total_weight

    components: list[Component] = []
    for key in order:
        item = by_key.get(key)
        has_data = item is not None and item.value_0_100 is not None
        components.append(
            Component(
                key=key,
                label=COMPONENT_LABELS[key],
                value=item.value_0_100 if item is not None else None,
                weight=weights[key],
                effective_weight=weights[key] / covered if has_data and covered > 0 else 0.0,
                evidence=item.evidence if item is not None else "No data recorded.",
                status="ok" if has_data else "no data",
                freshness_days=item.freshness_days if item is not None else None,
                trend=item.trend if item is not None else None,
            )
        )

    reasons: list[str] = []
    missing = [COMPONENT_LABELS[key] for key in order if key not in with_data]
    if missing:
        reasons.append(
            f"No data for {', '.join(missing)}: left out, and the other weights renormalised."
        )
    if covered <= 0 or covered_share < min_covered_share:
        reasons.append(
            f"Only {covered_share:.0%} of the weight has data (at least "
            f"{min_covered_share:.0%} is needed), so there is no score."
        )
        return HealthIndex(None, tuple(components), covered_share, tuple(reasons))

    weighted = math.fsum(weights[key] * float(by_key[key].value_0_100 or 0.0) for key in with_data)
    score = min(100.0, max(0.0, weighted / covered))
    reasons.append(
        f"Score {score:.0f} from {len(with_data)} of {len(order)} components "
        f"({covered_share:.0%} of the weight)."
    )
    return HealthIndex(score, tuple(components), covered_share, tuple(reasons))


# --- normalisers: raw signals → 0–100 ---------------------------------------------------------


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value}")


# METRICS.md §7: pace ratio r = progress / expected; a goal is on track when r ≥ 0.95.
def goal_progress_component(ratios: Sequence[float], *, on_track: float = 0.95) -> Reading:
    """100 × the share of goals on track, a goal being on track when its pace ratio
    (progress / expected progress, see ``progress.goal_status``) is ≥ ``on_track`` (0.95).
    No goals with an expected progress: no data."""
    for ratio in ratios:
        _finite("pace ratio", ratio)
    if not ratios:
        return Reading(None, "No active goals with an expected progress.")
    behind = sum(1 for ratio in ratios if ratio < on_track)
    value = 100.0 * (len(ratios) - behind) / len(ratios)
    return Reading(value, f"{behind} of {len(ratios)} goals behind expected progress.")


def share_component(numerator: int, denominator: int, *, counted: str = "met") -> Reading:
    """100 × numerator / denominator, e.g. asks answered of asks due, updates acknowledged
    of updates sent, updates on time of updates due. Nothing to count (denominator 0): no
    data. ``counted`` completes the evidence: "5 of 8 asks answered"."""
    if denominator < 0 or numerator < 0:
        raise ValueError("counts must be ≥ 0")
    if numerator > denominator:
        raise ValueError(f"numerator {numerator} exceeds denominator {denominator}")
    if denominator == 0:
        return Reading(None, f"Nothing to count yet ({counted}).")
    return Reading(100.0 * numerator / denominator, f"{numerator} of {denominator} {counted}.")


def likert_component(mean: float | None, *, low: float, high: float) -> Reading:
    """Linear rescale of a mean rating: 100 × (mean − low) / (high − low), so the lowest
    scale point is 0 and the highest 100 (coordination 1–5, psychological safety 1–7). No
    mean (nobody answered, or suppressed under the anonymity threshold): no data."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        raise ValueError(f"scale must run from a lower to a higher point, not {low}–{high}")
    if mean is None:
        return Reading(None, "No ratings (or too few to show).")
    _finite("mean rating", mean)
    if not low <= mean <= high:
        raise ValueError(f"mean rating {mean} is outside the {low:g}–{high:g} scale")
    value = 100.0 * (mean - low) / (high - low)
    return Reading(value, f"Mean rating {mean:.2f} on a {low:g}–{high:g} scale.")


def health_votes_component(mean_0_2: float | None) -> Reading:
    """50 × the mean health-check vote (green 2, yellow 1, red 0; METRICS §3), so all green
    is 100 and all red 0. No votes: no data."""
    if mean_0_2 is None:
        return Reading(None, "No health-check votes.")
    _finite("mean vote", mean_0_2)
    if not 0.0 <= mean_0_2 <= 2.0:
        raise ValueError(f"mean vote {mean_0_2} is outside 0 (red) – 2 (green)")
    return Reading(50.0 * mean_0_2, f"Mean health-check vote {mean_0_2:.2f} of 2.")


def equity_component(gini_star: float | None) -> Reading:
    """100 × (1 − G*), G* the small-group normalised Gini of contributions (METRICS §9): 100
    when everyone contributes equally, 0 when one person does all the talking. No G* (no
    contributions, or a group of one): no data."""
    if gini_star is None:
        return Reading(None, "No contributions to compare.")
    _finite("G*", gini_star)
    if not -1e-9 <= gini_star <= 1.0 + 1e-9:
        raise ValueError(f"G* must be between 0 and 1, not {gini_star}")
    g = min(1.0, max(0.0, gini_star))
    return Reading(
        100.0 * (1.0 - g), f"Contribution inequality G* {g:.2f} (0 = all heard equally)."
    )


CONFLICT_PENALTY = 15.0  # points per open conflict …
CONFLICT_PENALTY_CAP = 60.0  # … up to this many points
RESOLUTION_OK_DAYS = 14.0  # a median resolution within two weeks costs nothing …
RESOLUTION_SLOW_DAYS = 60.0  # … and costs RESOLUTION_PENALTY from two months on
RESOLUTION_PENALTY = 40.0


def conflicts_component(open_count: int, median_days_to_resolve: float | None) -> Reading:
    """100 − min(60, 15 × open conflicts) − a resolution-time penalty that rises linearly from
    0 at a median of 14 days to 40 at 60 days or more. No conflict resolved yet (median None)
    costs no resolution penalty: zero open conflicts is itself data, and scores 100."""
    if open_count < 0:
        raise ValueError("open conflicts must be ≥ 0")
    penalty = min(CONFLICT_PENALTY_CAP, CONFLICT_PENALTY * open_count)
    evidence = f"{_plural(open_count, 'open conflict')}"
    if median_days_to_resolve is not None:
        _finite("median days to resolve", median_days_to_resolve)
        if median_days_to_resolve < 0:
            raise ValueError("median days to resolve must be ≥ 0")
        span = RESOLUTION_SLOW_DAYS - RESOLUTION_OK_DAYS
        slowness = min(1.0, max(0.0, (median_days_to_resolve - RESOLUTION_OK_DAYS) / span))
        penalty += RESOLUTION_PENALTY * slowness
        evidence += f"; resolved in a median of {median_days_to_resolve:g} days"
    return Reading(100.0 - penalty, evidence + ".")


def freshness_component(days_since: int | None, cadence_days: int) -> Reading:
    """100 while the last check-in is no older than the cadence; then falling linearly to 0
    at three cadences (two missed cycles). Never checked in: no data."""
    if cadence_days <= 0:
        raise ValueError("cadence must be at least one day")
    if days_since is None:
        return Reading(None, "No check-ins yet.")
    if days_since < 0:
        raise ValueError("days since the last check-in must be ≥ 0")
    late = (days_since - cadence_days) / (2 * cadence_days)
    value = 100.0 * (1.0 - min(1.0, max(0.0, late)))
    return Reading(
        value, f"Last check-in {days_since} days ago against a {cadence_days}-day cadence."
    )


def forecast_component(probabilities: Sequence[float]) -> Reading:
    """100 × the mean forecast probability of reaching the target over the goals that have a
    forecast (``progress.forecast_linear``). No forecasts: no data."""
    for p in probabilities:
        _finite("probability", p)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"probability must be between 0 and 1, not {p}")
    if not probabilities:
        return Reading(None, "No goal has enough check-ins for a forecast.")
    mean = math.fsum(probabilities) / len(probabilities)
    return Reading(
        100.0 * mean,
        f"Mean chance of reaching the target {mean:.0%} over "
        f"{_plural(len(probabilities), 'goal')}.",
    )


def decision_velocity_component(open_ages_days: Sequence[float], *, target_days: float) -> Reading:
    """100 × the share of open proposals younger than ``target_days``. No open proposals
    scores 100: nothing is waiting for a decision."""
    if target_days <= 0:
        raise ValueError("target days must be > 0")
    for age in open_ages_days:
        _finite("proposal age", age)
        if age < 0:
            raise ValueError("proposal age must be ≥ 0")
    if not open_ages_days:
        return Reading(100.0, "No proposals waiting for a decision.")
    overdue = sum(1 for age in open_ages_days if age >= target_days)
    value = 100.0 * (len(open_ages_days) - overdue) / len(open_ages_days)
    return Reading(
        value,
        f"{overdue} of {_plural(len(open_ages_days), 'open proposal')} older than "
        f"{target_days:g} days.",
    )


def checkin_freshness_component(goals: Sequence[tuple[int | None, int]]) -> Reading:
    """The mean of ``freshness_component`` over goals, each given as (days since its last
    check-in — or since its start when it never had one —, its cadence in days): 100 while
    every goal is within its cadence. Goals without a day count (not started, no start
    date and no check-in) are left out; none left: no data."""
    values: list[float] = []
    late = 0
    for days_since, cadence_days in goals:
        reading = freshness_component(days_since, cadence_days)
        if reading.value is None or days_since is None:
            continue
        values.append(reading.value)
        if days_since > cadence_days:
            late += 1
    if not values:
        return Reading(None, "No started goals to check in on.")
    mean = math.fsum(values) / len(values)
    return Reading(
        mean,
        f"{late} of {_plural(len(values), 'goal')} overdue for a check-in against their cadence.",
    )
