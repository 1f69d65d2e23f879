"""Participation equity: how evenly a group shared the conversation.

Woolley et al. 2010 (*Science* 330:686) found that a group's collective performance tracks
how equally its members take turns, not their average or best individual ability. So a
meeting's tally of contributions per person is summarised here with three numbers and a
comparison per group (see ../shared/METRICS.md §9 and docs/meetings.md):

- Gini ``G = Σ_i (2i − n − 1) x_(i) / (n Σx)`` over the counts sorted ascending: 0 when
  everyone spoke equally, ``(n − 1)/n`` when one person did all the talking.
- The small-group normalised Gini ``G* = G · n / (n − 1)``, which reaches 1 for a single
  speaker whatever the group size (plain G cannot exceed 0.75 in a group of four).
- Pielou's evenness ``J = H / ln n`` with Shannon's ``H = −Σ p ln p`` (Pielou 1966): 1 when
  turns are shared equally, 0 when one person spoke.
- Voice share of each seniority level and each function next to its share of the seats. A
  group heard far less than its share (below half of it) is flagged.

Everyone present counts, silent people as 0: leaving them out would make a meeting where
two directors talked and four engineers listened look perfectly even.

Plain data in, a frozen result with its reasons out; nothing here imports Django.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Level = Literal["no_data", "even", "uneven", "dominated"]
Dimension = Literal["seniority", "function"]

# G* below EVEN_BELOW reads as shared; from DOMINATED_FROM on, a few voices carried it.
EVEN_BELOW = 0.25
DOMINATED_FROM = 0.5
# A group whose voice share is below this fraction of its seat share is "heard far less".
UNDER_HEARD_RATIO = 0.5
# Above this fraction of its seat share a group is described as heard more than its share.
OVER_HEARD_RATIO = 1.5
# Fewer contributions than this are too few to compare groups (one remark swings it).
MIN_CONTRIBUTIONS = 5


@dataclass(frozen=True)
class Participant:
    """One person present, with how often they contributed and the groups they belong to.

    ``seniority`` and ``function`` are group labels as they should read in a sentence
    ("Directors", "Sales"); ``seniority_rank`` orders the levels (larger is more senior)."""

    id: str
    name: str
    contributions: int
    seniority: str = ""
    seniority_rank: int = 0
    function: str = ""


@dataclass(frozen=True)
class PersonVoice:
    id: str
    name: str
    contributions: int
    share: float  # of all contributions; 0 when nobody spoke


@dataclass(frozen=True)
class GroupVoice:
    """A seniority level or function: its seats and its voice."""

    dimension: Dimension
    group: str
    headcount: int
    headcount_share: float
    contributions: int
    voice_share: float
    ratio: float | None  # voice share / seat share; None when nobody spoke
    under_heard: bool
    judged: bool  # enough contributions to compare groups (else no verdict either way)
    sentence: str

    @property
    def over_heard(self) -> bool:
        return self.judged and self.ratio is not None and self.ratio > OVER_HEARD_RATIO


@dataclass(frozen=True)
class ParticipationResult:
    people: int
    total: int
    voices: tuple[PersonVoice, ...]  # most contributions first
    gini: float | None
    gini_normalised: float | None
    evenness: float | None
    level: Level
    by_seniority: tuple[GroupVoice, ...]
    by_function: tuple[GroupVoice, ...]
    reasons: tuple[str, ...]
    evidence: tuple[str, ...]

    @property
    def flagged(self) -> tuple[GroupVoice, ...]:
        """Groups heard far less than their share of the seats."""
        return tuple(g for g in (*self.by_seniority, *self.by_function) if g.under_heard)

    @property
    def silent(self) -> tuple[PersonVoice, ...]:
        return tuple(v for v in self.voices if v.contributions == 0)


# --- the three numbers ---------------------------------------------------------------------


def _checked(values: Iterable[int]) -> list[int]:
    counts = list(values)
    if any(value < 0 for value in counts):
        raise ValueError("Contribution counts cannot be negative.")
    return counts


def gini(values: Iterable[int]) -> float | None:
    """Gini coefficient of the counts (silent people as 0); None without any contribution.

    G = Σ_i (2i − n − 1) x_(i) / (n Σx), x sorted ascending, i from 1 (exact integer sums).
    [10, 10, 10, 10] → 0; [40, 0, 0, 0] → 0.75; [20, 10, 5, 5] → 0.3125."""
    counts = sorted(_checked(values))
    n, total = len(counts), sum(counts)
    if n == 0 or total == 0:
        return None
    weighted = sum((2 * i - n - 1) * x for i, x in enumerate(counts, start=1))
    return weighted / (n * total)


def gini_normalised(values: Iterable[int]) -> float | None:
    """Small-group Gini G* = G · n/(n − 1): 1 when one person did all the talking, whatever
    the group size. None without contributions or with fewer than two people."""
    counts = _checked(values)
    plain = gini(counts)
    if plain is None or len(counts) < 2:
        return None
    return plain * len(counts) / (len(counts) - 1)


def pielou_evenness(values: Iterable[int]) -> float | None:
    """Pielou's J = H / ln n with H = −Σ p ln p (Pielou 1966); silent people count in n.

    1 when everyone contributed equally, 0 when one person did. [20, 10, 5, 5] → 0.875.
    None without contributions or with fewer than two people."""
    counts = _checked(values)
    n, total = len(counts), sum(counts)
    if n < 2 or total == 0:
        return None
    entropy = -sum((x / total) * math.log(x / total) for x in counts if x > 0)
    return entropy / math.log(n)


# --- groups ----------------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def _group_sentence(
    group: str, seats: float, voice: float, ratio: float | None, *, judge: bool
) -> str:
    base = f"{group} held {_pct(seats)} of the seats and {_pct(voice)} of the voice"
    if ratio is None or not judge:
        return base + "."
    if ratio < UNDER_HEARD_RATIO:
        return base + ": heard far less than their share."
    if ratio > OVER_HEARD_RATIO:
        return base + ": heard more than their share."
    return base + ", roughly in line."


def _groups(
    dimension: Dimension,
    participants: Sequence[Participant],
    total: int,
    *,
    judge: bool,
) -> tuple[GroupVoice, ...]:
    seats: dict[str, int] = {}
    spoken: dict[str, int] = {}
    rank: dict[str, int] = {}
    for person in participants:
        label = person.seniority if dimension == "seniority" else person.function
        label = label or ("Unknown level" if dimension == "seniority" else "No function")
        seats[label] = seats.get(label, 0) + 1
        spoken[label] = spoken.get(label, 0) + person.contributions
        rank[label] = max(rank.get(label, person.seniority_rank), person.seniority_rank)
    n = len(participants)
    rows = []
    for label, headcount in seats.items():
        seat_share = headcount / n
        voice_share = spoken[label] / total if total else 0.0
        ratio = voice_share / seat_share if total else None
        rows.append(
            GroupVoice(
                dimension=dimension,
                group=label,
                headcount=headcount,
                headcount_share=seat_share,
                contributions=spoken[label],
                voice_share=voice_share,
                ratio=ratio,
                under_heard=judge and ratio is not None and ratio < UNDER_HEARD_RATIO,
                judged=judge,
                sentence=_group_sentence(label, seat_share, voice_share, ratio, judge=judge),
            )
        )
    if dimension == "seniority":
        rows.sort(key=lambda g: (-rank[g.group], g.group))
    else:
        rows.sort(key=lambda g: (-g.headcount, g.group))
    return tuple(rows)


# --- the summary ---------------------------------------------------------------------------


def _level(g_star: float | None) -> Level:
    if g_star is None:
        return "no_data"
    if g_star < EVEN_BELOW:
        return "even"
    if g_star < DOMINATED_FROM:
        return "uneven"
    return "dominated"


def participation_summarise(
    participants: Sequence[Participant],
    *,
    min_contributions: int = MIN_CONTRIBUTIONS,
) -> ParticipationResult:
    """Gini, G*, evenness and voice share per seniority level and function, with reasons.

    `participants` are everyone present, silent ones with 0 contributions."""
    counts = _checked(p.contributions for p in participants)
    n, total = len(counts), sum(counts)
    g = gini(counts)
    g_star = gini_normalised(counts)
    evenness = pielou_evenness(counts)
    level = _level(g_star)
    voices = tuple(
        sorted(
            (
                PersonVoice(
                    id=p.id,
                    name=p.name,
                    contributions=p.contributions,
                    share=p.contributions / total if total else 0.0,
                )
                for p in participants
            ),
            key=lambda v: (-v.contributions, v.name),
        )
    )
    judge = total >= min_contributions and n >= 2
    by_seniority = _groups("seniority", participants, total, judge=judge) if n else ()
    by_function = _groups("function", participants, total, judge=judge) if n else ()

    reasons: list[str] = []
    evidence = [f"{v.name}: {v.contributions}" for v in voices]
    if n == 0:
        reasons.append("Nobody is marked as present, so there is nothing to measure yet.")
    elif total == 0:
        reasons.append(
            f"No contributions tallied yet for the {n} people present; tap + next to a name "
            "each time that person speaks."
        )
    elif n == 1:
        reasons.append("Only one person was present, so there is no sharing to measure.")
    else:
        assert g_star is not None
        assert evenness is not None
        top = voices[0]
        silent = [v for v in voices if v.contributions == 0]
        if level == "even":
            reasons.append(
                f"Turns were shared evenly: G* is {g_star:.2f} (0 is perfectly equal, 1 is one "
                f"voice) and evenness is {evenness:.2f} (1 is perfectly even)."
            )
        elif level == "uneven":
            reasons.append(
                f"Turns were shared unevenly: G* is {g_star:.2f} and evenness {evenness:.2f}; "
                f"{top.name} made {_pct(top.share)} of the {total} contributions."
            )
        else:
            reasons.append(
                f"A few voices dominated: G* is {g_star:.2f} and evenness {evenness:.2f}; "
                f"{top.name} made {_pct(top.share)} of the {total} contributions."
            )
        if silent:
            names = ", ".join(v.name for v in silent[:4]) + (
                " and others" if len(silent) > 4 else ""
            )
            reasons.append(
                f"{len(silent)} of {n} present did not contribute ({names}); they count as 0."
            )
        if not judge:
            reasons.append(
                f"Only {total} contribution{'s' if total != 1 else ''} tallied: too few to "
                f"compare groups (at least {min_contributions} needed)."
            )
        else:
            # Seniority first: it is the usual reason voices go unheard.
            for row in (*by_seniority, *by_function):
                if row.under_heard:
                    reasons.append(row.sentence)
            for row in by_seniority:
                if row.over_heard:
                    reasons.append(row.sentence)
        reasons.append(
            "Groups perform better when turns are shared (Woolley et al. 2010): invite the "
            "quieter voices first on the next agenda item."
            if level != "even"
            else "Keep it up: evenly shared turns go with better group performance "
            "(Woolley et al. 2010)."
        )
    return ParticipationResult(
        people=n,
        total=total,
        voices=voices,
        gini=g,
        gini_normalised=g_star,
        evenness=evenness,
        level=level,
        by_seniority=by_seniority,
        by_function=by_function,
        reasons=tuple(reasons),
        evidence=tuple(evidence),
    )
