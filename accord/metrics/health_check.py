"""Team health check: vote distribution, disagreement and trend for one indicator.

Spotify's squad health check (Kniberg 2014): each member votes green / yellow / red on an
indicator (easy to release, fun, learning, …) and says whether it is getting better, staying
the same or getting worse. Votes are ordinal, scored 2 / 1 / 0 (../shared/METRICS.md §3).
Shown per indicator: the distribution, the mean, a disagreement index (Shannon entropy of the
three vote categories divided by ln 3: 0 when everyone agrees, 1 when evenly split), and a
comparison with the same team's previous session. Teams are never ranked against each other:
nothing here takes more than one team.

Plain data in, frozen results with reasons out; nothing here imports Django.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from accord.metrics.survey_change import Verdict, mean_change

Vote = Literal["green", "yellow", "red"]
Trend = Literal["better", "same", "worse"]

VOTES: tuple[Vote, ...] = ("green", "yellow", "red")
TRENDS: tuple[Trend, ...] = ("better", "same", "worse")
VOTE_SCORES: dict[str, int] = {"green": 2, "yellow": 1, "red": 0}


@dataclass(frozen=True)
class Indicator:
    """One indicator in one session. ``mean`` is on the 0 (red) – 2 (green) scale."""

    counts: dict[str, int]  # green / yellow / red
    mean: float | None
    disagreement: float | None
    trend_counts: dict[str, int]  # better / same / worse
    n: int
    reasons: tuple[str, ...] = ()

    @property
    def shares(self) -> dict[str, float]:
        return {vote: (count / self.n if self.n else 0.0) for vote, count in self.counts.items()}


@dataclass(frozen=True)
class Comparison:
    """Against the previous session of the same team: the change in mean vote and a verdict
    from the t interval (survey_change.mean_change)."""

    delta_mean: float | None
    verdict: Verdict
    low: float | None = None
    high: float | None = None
    reasons: tuple[str, ...] = ()


# Normalised Shannon entropy (Shannon 1948; Pielou 1966): H = −Σ p ln p over the three
# categories, divided by ln 3, so 0 = all votes alike and 1 = votes evenly split.
def vote_disagreement(counts: Sequence[int]) -> float | None:
    total = sum(counts)
    if total == 0:
        return None
    entropy = -sum((c / total) * math.log(c / total) for c in counts if c)
    return entropy / math.log(len(counts)) + 0.0


# Kniberg 2014 squad health check: votes green/yellow/red scored 2/1/0; mean of the scores,
# distribution and normalised-entropy disagreement; trend answers counted separately.
def health_indicator(votes: Sequence[str], trends: Sequence[str | None] = ()) -> Indicator:
    unknown = sorted({v for v in votes if v not in VOTE_SCORES})
    if unknown:
        raise ValueError(f"votes must be green, yellow or red, not {', '.join(unknown)}")
    unknown = sorted({t for t in trends if t is not None and t not in TRENDS})
    if unknown:
        raise ValueError(f"trends must be better, same or worse, not {', '.join(unknown)}")
    counts: dict[str, int] = {vote: sum(1 for v in votes if v == vote) for vote in VOTES}
    trend_counts: dict[str, int] = {trend: sum(1 for t in trends if t == trend) for trend in TRENDS}
    n = len(votes)
    mean = sum(VOTE_SCORES[v] for v in votes) / n if n else None
    disagreement = vote_disagreement(list(counts.values()))
    reasons: list[str] = []
    if n:
        reasons.append(
            f"{n} votes: {counts['green']} green, {counts['yellow']} yellow, "
            f"{counts['red']} red (scored 2/1/0, mean {mean:.2f})."
        )
        assert disagreement is not None
        reasons.append(
            f"Disagreement {disagreement:.2f} (normalised entropy: 0 all agree, 1 evenly split)."
        )
    else:
        reasons.append("No votes.")
    return Indicator(counts, mean, disagreement, trend_counts, n, tuple(reasons))


def _scores(indicator: Indicator) -> list[float]:
    return [float(VOTE_SCORES[vote]) for vote in VOTES for _ in range(indicator.counts[vote])]


# Change in the mean vote against the same team's previous session, with Welch's t interval
# (see survey_change.mean_change): "no detectable change" when the interval covers 0.
def health_compare(current: Indicator, previous: Indicator | None) -> Comparison:
    if previous is None or previous.mean is None or current.mean is None:
        return Comparison(None, "not enough data", reasons=("No previous session to compare.",))
    change = mean_change(_scores(previous), _scores(current))
    return Comparison(
        delta_mean=current.mean - previous.mean,
        verdict=change.verdict,
        low=change.low,
        high=change.high,
        reasons=change.reasons,
    )
