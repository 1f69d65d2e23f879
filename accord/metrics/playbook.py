"""Playbook: what a partnership can do about a weak signal.

A curated catalogue of plays (``PLAYS``), each a short set of concrete action items, and
explicit rules (``RULES``) that map weak signals — health components, coordination
dimensions, voice-equity flags, stale conflicts, goals with SMART gaps, missed update cadences
— to plays, with the threshold and the reason. ``recommend`` applies every rule to every
signal; a play is recommended once, with the reasons and evidence of all its rules merged.

The plays draw on well-known practice for cross-functional work: relational coordination
(Gittell 2009, *High Performance Healthcare*: shared goals, shared knowledge, timely
communication), psychological safety (Edmondson 1999, 2018 *The Fearless Organization*),
SMART goals (Doran 1981), RACI role charts, and equal turn-taking (Woolley et al. 2010).
Plain data in, frozen results out; nothing here imports Django.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args


@dataclass(frozen=True)
class Play:
    key: str
    title: str
    summary: str
    steps: tuple[str, ...]  # each becomes an action item when a lead accepts the play
    why: str  # the practice or source it draws on


PLAYS: tuple[Play, ...] = (
    Play(
        key="align_goals",
        title="Align on shared goals",
        summary="A working session where every function states what it needs from the "
        "partnership and the group agrees on a few goals all of them own.",
        steps=(
            "Schedule a 90-minute shared-goals workshop with every function",
            "Ask each function to bring its top three goals and what it needs from the others",
            "Map where the goals support or pull against each other",
            "Agree on at most three shared goals with one accountable owner each",
            "Publish the shared goals in the partnership and link the existing goals to them",
        ),
        why="Shared goals are one of the relationship dimensions of relational coordination "
        "(Gittell); functions optimising their own targets drift apart.",
    ),
    Play(
        key="fix_smart_gaps",
        title="Fix the goal's SMART gaps",
        summary="Rewrite the flagged goals so each names a measure, a target, a deadline and "
        "one owner.",
        steps=(
            "Review the SMART findings for each flagged goal with its owner",
            "Add a measurable target with a unit and a baseline",
            "Set a deadline or a review cadence",
            "Confirm one accountable owner and record it in the RACI",
        ),
        why="Doran (1981): goals that are specific, measurable, assignable, realistic and "
        "time-bound can be tracked and acted on.",
    ),
    Play(
        key="update_cadence",
        title="Set an update cadence and channel",
        summary="Agree how often each side shares progress, where, and who confirms having "
        "read it.",
        steps=(
            "Agree the update rhythm (for example weekly) for the partnership",
            "Choose one channel for updates and retire the others",
            "Name who posts each update and who acknowledges it",
            "Add the cadence to the communication plan and review it after a month",
        ),
        why="Frequent and timely communication are relational-coordination dimensions; a "
        "fixed rhythm and channel make missing updates visible.",
    ),
    Play(
        key="raci_session",
        title="Run a RACI session",
        summary="Walk through the open deliverables and decisions and settle who is "
        "responsible, accountable, consulted and informed.",
        steps=(
            "List the active deliverables and pending decisions",
            "Assign exactly one accountable person to each row",
            "Assign at least one responsible person to each row",
            "Trim consulted roles to those whose input is needed",
            "Share the updated RACI with everyone in the partnership",
        ),
        why="Clear decision roles stop work and asks from falling between functions "
        "(RACI / DACI practice).",
    ),
    Play(
        key="facilitated_dialogue",
        title="Open a facilitated dialogue",
        summary="Bring the sides of a long-open conflict together with a neutral facilitator "
        "to agree a way forward.",
        steps=(
            "Ask a neutral facilitator from outside the two functions to run the session",
            "Have each side write down its interests and constraints beforehand",
            "Hold the dialogue and record the options discussed",
            "Agree a decision, an owner and a date to check the outcome",
        ),
        why="Conflicts left open harden into positions; structured, interest-based dialogue "
        "(Fisher & Ury, Getting to Yes) helps resolve them.",
    ),
    Play(
        key="involve_stakeholders",
        title="Involve stakeholders before a change",
        summary="Consult the people a change affects before it is decided, and show how "
        "their concerns were handled.",
        steps=(
            "List the groups the planned change affects",
            "Collect concerns from each affected group before the decision",
            "Answer every concern in writing",
            "Announce the decision with what changed because of the input",
        ),
        why="People accept changes they helped shape; unconsulted groups resist or disengage.",
    ),
    Play(
        key="junior_voices",
        title="Make space for junior voices",
        summary="Change how meetings run so that less senior members speak up and are heard.",
        steps=(
            "Use a round-robin so everyone speaks once before open discussion",
            "Collect anonymous input before each key decision",
            "Rotate the meeting facilitator among members of every level",
            "Invite the most junior person to give their view first",
        ),
        why="Equal turn-taking predicts group performance (Woolley et al. 2010); psychological "
        "safety lets people speak up (Edmondson 1999).",
    ),
    Play(
        key="knowledge_sharing",
        title="Hold knowledge-sharing sessions between functions",
        summary="Short sessions where each function explains its work, constraints and "
        "vocabulary to the others.",
        steps=(
            "Schedule a monthly 45-minute knowledge-sharing session",
            "Have each function present its work, constraints and jargon in turn",
            "Pair people across functions to shadow each other for a day",
            "Collect open questions and answer them at the next session",
        ),
        why="Shared knowledge of each other's work is a relational-coordination dimension "
        "(Gittell); it lets functions anticipate each other's needs.",
    ),
    Play(
        key="celebrate_wins",
        title="Celebrate wins across functions",
        summary="Make shared successes visible and credit every function that contributed.",
        steps=(
            "Open each partnership meeting with a recent win and who made it possible",
            "Send a short note crediting every function when a goal is reached",
            "Hold a brief celebration at each milestone",
        ),
        why="Recognising each other's contribution builds mutual respect, a "
        "relational-coordination dimension, and keeps morale up when progress is slow.",
    ),
    Play(
        key="revisit_kpis",
        title="Revisit the KPIs",
        summary="Check whether the targets are still right and reachable, and adjust them "
        "or the plan openly.",
        steps=(
            "Review each KPI's progress and forecast with its owner",
            "Decide per KPI: keep, adjust the target, or change the plan",
            "Record the reason for every change",
            "Set the date of the next KPI review",
        ),
        why="Targets that everyone knows will be missed stop steering the work; an open "
        "review keeps them credible (METRICS §7 forecasts).",
    ),
)

PLAYS_BY_KEY: dict[str, Play] = {play.key: play for play in PLAYS}

SignalKind = Literal[
    "health",  # key: a health component (health_index.COMPONENT_LABELS), value 0–100
    "coordination",  # key: a coordination dimension, value: mean 1–5
    "voice_share",  # key: "seniority:<level>" or "function:<name>", value: voice / headcount
    "anonymous_only",  # key: a group, value: 1 when anonymous input is its only channel
    "conflict_age",  # key: a conflict, value: days open
    "goal_conflicts",  # key: a partnership, value: goal conflicts detected
    "smart_gaps",  # key: a goal, value: number of SMART criteria not met
    "missed_updates",  # key: a channel or cadence, value: consecutive updates missed
    "unconsulted_change",  # key: a change, value: share (0–1) of affected groups consulted
]
SIGNAL_KINDS: frozenset[str] = frozenset(get_args(SignalKind))


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    key: str
    value: float
    evidence: str = ""
    label: str = ""  # what was measured, in words ("Shared goals", "‘Align pricing’ age")

    def __post_init__(self) -> None:
        if self.kind not in SIGNAL_KINDS:
            raise ValueError(f"unknown signal kind {self.kind!r}")
        if not math.isfinite(self.value):
            raise ValueError(f"signal {self.kind}/{self.key} needs a finite value")


@dataclass(frozen=True)
class Rule:
    """Fires on a signal of ``kind`` whose key is ``key`` (or starts with ``key`` when it
    ends in ":") and whose value is below (``below=True``) or at least the threshold."""

    id: str
    kind: SignalKind
    key: str | None  # None: any key
    threshold: float
    below: bool
    play: str
    reason: str

    def matches(self, signal: Signal) -> bool:
        if signal.kind != self.kind:
            return False
        if self.key is not None:
            if self.key.endswith(":"):
                if not signal.key.startswith(self.key):
                    return False
            elif signal.key != self.key:
                return False
        if self.below:
            return signal.value < self.threshold
        return signal.value >= self.threshold


COORDINATION_THRESHOLD = 3.5  # of 5; below the lower end of published site scores (3.86)
HEALTH_THRESHOLD = 60.0  # of 100
SHARE_THRESHOLD = 70.0  # of 100, for components that are plain shares (asks, updates)
VOICE_SHARE_THRESHOLD = 0.5  # heard at less than half the group's headcount share
STALE_CONFLICT_DAYS = 30.0
MISSED_UPDATES = 2.0
CONSULTED_SHARE = 0.5

RULES: tuple[Rule, ...] = (
    Rule(
        "coordination.shared_goals",
        "coordination",
        "shared_goals",
        COORDINATION_THRESHOLD,
        True,
        "align_goals",
        "Shared goals are rated below 3.5 of 5: the functions are not pulling the same way.",
    ),
    Rule(
        "coordination.shared_knowledge",
        "coordination",
        "shared_knowledge",
        COORDINATION_THRESHOLD,
        True,
        "knowledge_sharing",
        "Shared knowledge is rated below 3.5 of 5: functions know little of each other's work.",
    ),
    Rule(
        "coordination.timely_communication",
        "coordination",
        "timely_communication",
        COORDINATION_THRESHOLD,
        True,
        "update_cadence",
        "Timely communication is rated below 3.5 of 5: information arrives too late.",
    ),
    Rule(
        "coordination.mutual_respect",
        "coordination",
        "mutual_respect",
        COORDINATION_THRESHOLD,
        True,
        "celebrate_wins",
        "Mutual respect is rated below 3.5 of 5: contributions go unrecognised.",
    ),
    Rule(
        "health.goal_progress",
        "health",
        "goal_progress",
        HEALTH_THRESHOLD,
        True,
        "revisit_kpis",
        "Goal progress scores below 60: many goals are behind their expected progress.",
    ),
    Rule(
        "health.forecast_confidence",
        "health",
        "forecast_confidence",
        HEALTH_THRESHOLD,
        True,
        "revisit_kpis",
        "Forecast confidence scores below 60: the targets are unlikely to be reached.",
    ),
    Rule(
        "health.checkin_freshness",
        "health",
        "checkin_freshness",
        HEALTH_THRESHOLD,
        True,
        "update_cadence",
        "Check-in freshness scores below 60: goal numbers are out of date.",
    ),
    Rule(
        "health.cadence_adherence",
        "health",
        "cadence_adherence",
        SHARE_THRESHOLD,
        True,
        "update_cadence",
        "Fewer than 70 % of the agreed updates were sent on time.",
    ),
    Rule(
        "health.acknowledgement",
        "health",
        "acknowledgement",
        SHARE_THRESHOLD,
        True,
        "update_cadence",
        "Fewer than 70 % of updates are acknowledged: updates may go to the wrong place.",
    ),
    Rule(
        "health.asks_answered",
        "health",
        "asks_answered",
        SHARE_THRESHOLD,
        True,
        "raci_session",
        "Fewer than 70 % of asks are answered: nobody is clearly responsible for them.",
    ),
    Rule(
        "health.raci_completeness",
        "health",
        "raci_completeness",
        SHARE_THRESHOLD,
        True,
        "raci_session",
        "RACI completeness scores below 70: rows lack an accountable or responsible person.",
    ),
    Rule(
        "health.decision_velocity",
        "health",
        "decision_velocity",
        HEALTH_THRESHOLD,
        True,
        "raci_session",
        "Decision velocity scores below 60: proposals wait because who decides is unclear.",
    ),
    Rule(
        "health.conflicts",
        "health",
        "conflicts",
        HEALTH_THRESHOLD,
        True,
        "facilitated_dialogue",
        "The conflicts component scores below 60: conflicts stay open or resolve slowly.",
    ),
    Rule(
        "health.coordination",
        "health",
        "coordination",
        HEALTH_THRESHOLD,
        True,
        "align_goals",
        "The coordination score is below 60 of 100.",
    ),
    Rule(
        "health.psych_safety",
        "health",
        "psych_safety",
        HEALTH_THRESHOLD,
        True,
        "junior_voices",
        "Psychological safety scores below 60: people may not feel safe speaking up.",
    ),
    Rule(
        "health.health_votes",
        "health",
        "health_votes",
        50.0,
        True,
        "celebrate_wins",
        "Health-check votes average below yellow: morale is low.",
    ),
    Rule(
        "health.participation_equity",
        "health",
        "participation_equity",
        HEALTH_THRESHOLD,
        True,
        "junior_voices",
        "Participation equity scores below 60: a few people do most of the talking.",
    ),
    Rule(
        "equity.seniority",
        "voice_share",
        "seniority:",
        VOICE_SHARE_THRESHOLD,
        True,
        "junior_voices",
        "A seniority level is heard at less than half its share of the members.",
    ),
    Rule(
        "equity.function",
        "voice_share",
        "function:",
        VOICE_SHARE_THRESHOLD,
        True,
        "involve_stakeholders",
        "A function is heard at less than half its share of the members.",
    ),
    Rule(
        "equity.anonymous_only",
        "anonymous_only",
        None,
        1.0,
        False,
        "junior_voices",
        "A group speaks only through anonymous input: people may not feel safe speaking openly.",
    ),
    Rule(
        "conflict.stale",
        "conflict_age",
        None,
        STALE_CONFLICT_DAYS,
        False,
        "facilitated_dialogue",
        "A conflict has been open for 30 days or more.",
    ),
    Rule(
        "conflict.goals",
        "goal_conflicts",
        None,
        1.0,
        False,
        "align_goals",
        "Goals of different functions pull against each other.",
    ),
    Rule(
        "goal.smart_gaps",
        "smart_gaps",
        None,
        1.0,
        False,
        "fix_smart_gaps",
        "A goal misses at least one SMART criterion.",
    ),
    Rule(
        "cadence.missed",
        "missed_updates",
        None,
        MISSED_UPDATES,
        False,
        "update_cadence",
        "Two or more updates in a row were missed.",
    ),
    Rule(
        "change.unconsulted",
        "unconsulted_change",
        None,
        CONSULTED_SHARE,
        True,
        "involve_stakeholders",
        "A change is planned with fewer than half of the affected groups consulted.",
    ),
)


def higher_is_better(play_key: str, kind: str, key: str, *, rules: Sequence[Rule] = RULES) -> bool:
    """Which way a signal behind a play should move: a rule that fires when the value is
    *below* a line means higher is better, one that fires at or above it lower is better.
    The first rule of the play for that signal decides; unknown signals read higher-better."""
    for rule in rules:
        if rule.play != play_key or rule.kind != kind:
            continue
        if (
            rule.key is None
            or rule.key == key
            or (rule.key.endswith(":") and key.startswith(rule.key))
        ):
            return rule.below
    return True


@dataclass(frozen=True)
class Recommendation:
    play: Play
    reasons: tuple[str, ...]  # one per rule that fired, in rule order
    evidence: tuple[str, ...]  # one per signal that fired, in signal order
    rules: tuple[str, ...]  # ids of the rules that fired
    strength: int  # number of (rule, signal) matches behind the recommendation


def _evidence(signal: Signal) -> str:
    return signal.evidence or f"{signal.kind} {signal.key}: {signal.value:g}"


def recommend(signals: Sequence[Signal], *, rules: Sequence[Rule] = RULES) -> list[Recommendation]:
    """Apply every rule to every signal; one recommendation per play with all its reasons
    and evidence merged (each listed once). Ordered by strength (most matches first), then
    by the play's place in ``PLAYS``, so the same signals always give the same list."""
    hits: dict[str, list[tuple[Rule, Signal]]] = {}
    for rule in rules:
        if rule.play not in PLAYS_BY_KEY:
            raise ValueError(f"rule {rule.id!r} names an unknown play {rule.play!r}")
        for signal in signals:
            if rule.matches(signal):
                hits.setdefault(rule.play, []).append((rule, signal))

    signal_order = {id(signal): index for index, signal in enumerate(signals)}
    recommendations: list[Recommendation] = []
    for play in PLAYS:
        matched = hits.get(play.key)
        if not matched:
            continue
        rule_ids = tuple(dict.fromkeys(rule.id for rule, _ in matched))
        reasons = tuple(dict.fromkeys(rule.reason for rule, _ in matched))
        fired = sorted({id(s): s for _, s in matched}.values(), key=lambda s: signal_order[id(s)])
        evidence = tuple(dict.fromkeys(_evidence(signal) for signal in fired))
        recommendations.append(Recommendation(play, reasons, evidence, rule_ids, len(matched)))
    recommendations.sort(key=lambda r: -r.strength)  # stable: ties keep the PLAYS order
    return recommendations
