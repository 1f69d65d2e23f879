"""Reads for the playbook: the catalogue in plain language, a partnership's recommendations,
and the follow-up of accepted plays (did the signals behind them improve?).

Recommendations are visible with their partnership (partnership_visible_list); anything else
is a 404. Deciding about them is for the partnership's lead and workspace admins and owners.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from accord.governance.models import ActionItem
from accord.insights.models import HealthSnapshot, Recommendation
from accord.insights.pack_types import PackPlay, PackPlaySignal
from accord.metrics.health_index import COMPONENT_LABELS
from accord.metrics.playbook import PLAYS, PLAYS_BY_KEY, RULES, Play, Rule, higher_is_better
from accord.org.models import Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

Status = Recommendation.Status

COORDINATION_LABELS = {
    "frequent_communication": "Frequent communication",
    "timely_communication": "Timely communication",
    "accurate_communication": "Accurate communication",
    "problem_solving_communication": "Problem-solving communication",
    "shared_goals": "Shared goals",
    "shared_knowledge": "Shared knowledge",
    "mutual_respect": "Mutual respect",
}
# Kinds whose signal disappears when the problem does (a conflict resolved, a change decided).
GONE_MEANS_SOLVED = frozenset(
    {
        "conflict_age",
        "goal_conflicts",
        "smart_gaps",
        "missed_updates",
        "unconsulted_change",
        "anonymous_only",
    }
)
STATUS_ORDER = [Status.OPEN, Status.ACCEPTED, Status.SNOOZED, Status.DISMISSED, Status.CLEARED]


# --- permissions and lookups ----------------------------------------------------------------


def _person_ids(membership: Membership) -> set[int]:
    cached: set[int] | None = getattr(membership, "_playbook_people", None)
    if cached is None:
        cached = set(
            membership.user.people.filter(workspace=membership.workspace).values_list(
                "pk", flat=True
            )
        )
        membership._playbook_people = cached  # type: ignore[attr-defined]
    return cached


def recommendation_can_act(*, membership: Membership, partnership: Partnership) -> bool:
    """The partnership's lead (with the member role or above), workspace admins and owners."""
    if membership.can_admin:
        return True
    if not membership.can_edit:
        return False
    return partnership.lead_id is not None and partnership.lead_id in _person_ids(membership)


def recommendation_visible(*, membership: Membership) -> QuerySet[Recommendation]:
    visible = partnership_visible_list(membership=membership).values("pk")
    return Recommendation.objects.filter(
        workspace=membership.workspace, partnership__in=visible
    ).select_related("partnership", "decided_by")


def recommendation_get(*, membership: Membership, uuid: Any) -> Recommendation:
    """One visible recommendation, or 404."""
    found: Recommendation = object_get(
        recommendation_visible(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


def recommendation_list(
    *, membership: Membership, partnership: Partnership, status: str | None = None
) -> QuerySet[Recommendation]:
    rows = recommendation_visible(membership=membership).filter(partnership=partnership)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-strength", "play_key", "pk")


def recommendation_owner_choices(*, partnership: Partnership) -> QuerySet[Person]:
    """Who may own a play's action items: the partnership's members, lead and sponsor."""
    members = PartnershipMember.objects.filter(partnership=partnership).values("person_id")
    return (
        Person.objects.filter(workspace=partnership.workspace)
        .filter(Q(pk__in=members) | Q(pk=partnership.lead_id) | Q(pk=partnership.sponsor_id))
        .only("uuid", "name")
        .order_by("name", "pk")
    )


# --- the catalogue --------------------------------------------------------------------------


def _threshold(value: float) -> str:
    return f"{value:g}"


def signal_label(kind: str, key: str) -> str:
    """A signal's name when no stored label is at hand."""
    if kind == "health":
        return COMPONENT_LABELS.get(key, key.replace("_", " ").capitalize())
    if kind == "coordination":
        return COORDINATION_LABELS.get(key, key.replace("_", " ").capitalize())
    if kind == "voice_share":
        group, _, name = key.partition(":")
        return f"Voice share of {group} {name}".strip()
    if kind == "anonymous_only":
        return f"Anonymous-only input ({key})"
    return {
        "conflict_age": "A conflict (days open)",
        "goal_conflicts": "Goal pairs pulling against each other",
        "smart_gaps": "A goal (SMART criteria missed)",
        "missed_updates": "A cadence (missed in a row)",
        "unconsulted_change": "A change (share of affected functions consulted)",
    }.get(kind, f"{kind} {key}")


def rule_condition(rule: Rule) -> str:
    """When the rule fires, in plain language."""
    limit = _threshold(rule.threshold)
    if rule.kind == "health":
        label = COMPONENT_LABELS.get(rule.key or "", rule.key or "any component")
        return f"The health component “{label}” scores below {limit} of 100."
    if rule.kind == "coordination":
        label = COORDINATION_LABELS.get(rule.key or "", rule.key or "any dimension")
        return f"The coordination survey rates “{label}” below {limit} of 5."
    if rule.kind == "voice_share":
        group = "seniority level" if (rule.key or "").startswith("seniority") else "function"
        return (
            f"A {group} is heard at less than {limit}× its share of the members "
            "(voice share ÷ headcount share)."
        )
    if rule.kind == "anonymous_only":
        return "A group uses anonymous input as its only channel."
    if rule.kind == "conflict_age":
        return f"A conflict has been open {limit} days or more."
    if rule.kind == "goal_conflicts":
        return f"At least {limit} pair of goals pulls against each other."
    if rule.kind == "smart_gaps":
        return f"An active goal misses at least {limit} SMART criterion."
    if rule.kind == "missed_updates":
        return f"A cadence's due dates were missed {limit} or more times in a row."
    if rule.kind == "unconsulted_change":
        return (
            f"An open change proposal has heard from fewer than {rule.threshold:.0%} of the "
            "functions it affects."
        )
    comparison = "below" if rule.below else "at least"
    return f"{rule.kind} {rule.key or ''} {comparison} {limit}"


@dataclass(frozen=True)
class RuleDoc:
    id: str
    condition: str
    reason: str


@dataclass(frozen=True)
class PlayDoc:
    play: Play
    rules: list[RuleDoc]

    @property
    def key(self) -> str:
        return self.play.key


def plays_catalog() -> list[PlayDoc]:
    """Every play with the rules that recommend it, in the catalogue's order."""
    by_play: dict[str, list[RuleDoc]] = defaultdict(list)
    for rule in RULES:
        by_play[rule.play].append(RuleDoc(rule.id, rule_condition(rule), rule.reason))
    return [PlayDoc(play=play, rules=by_play.get(play.key, [])) for play in PLAYS]


# --- follow-up of accepted plays ------------------------------------------------------------


@dataclass(frozen=True)
class FollowupSignal:
    kind: str
    key: str
    label: str
    before: float | None
    now: float | None
    improved: bool | None  # None: cannot tell
    higher_is_better: bool
    note: str = ""


@dataclass
class PlayFollowup:
    recommendation: Recommendation
    play: Play
    accepted_at: datetime.datetime | None
    actions_done: int
    actions_total: int
    actions: list[ActionItem] = field(default_factory=list)
    signals: list[FollowupSignal] = field(default_factory=list)
    now_date: datetime.date | None = None

    @property
    def improved(self) -> int:
        return sum(1 for s in self.signals if s.improved)

    @property
    def judged(self) -> int:
        return sum(1 for s in self.signals if s.improved is not None)


def _signals_by_id(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{row.get('kind')}:{row.get('key')}": row for row in rows if isinstance(row, dict)}


def _snapshot_rows(snapshot: HealthSnapshot) -> dict[str, dict[str, Any]]:
    """The signals read on a snapshot's day. A snapshot the playbook has not read (taken on
    demand before a refresh, or generated history) still has its health components, which
    are the "health" signals by definition."""
    rows = {
        f"health:{component.get('key')}": {
            "kind": "health",
            "key": component.get("key"),
            "value": component.get("value"),
            "label": component.get("label"),
        }
        for component in snapshot.components or []
        if isinstance(component, dict) and component.get("value") is not None
    }
    rows.update(_signals_by_id(snapshot.signals or []))
    return rows


def _followup_signal(
    play_key: str,
    signal: str,
    before: float | None,
    now_rows: dict[str, dict[str, Any]] | None,
    then_rows: dict[str, dict[str, Any]],
    now_read: bool = True,
) -> FollowupSignal:
    """``now_read``: the playbook read every signal on the latest snapshot's day, so a signal
    missing there is gone (not merely unread)."""
    kind, _, key = signal.partition(":")
    higher = higher_is_better(play_key, kind, key)
    current = now_rows.get(signal) if now_rows is not None else None
    label = str(
        (current or {}).get("label")
        or (then_rows.get(signal) or {}).get("label")
        or signal_label(kind, key)
    )
    if current is None:
        if now_rows is not None and now_read and kind in GONE_MEANS_SOLVED:
            return FollowupSignal(kind, key, label, before, None, True, higher, "No longer present")
        return FollowupSignal(kind, key, label, before, None, None, higher, "No data now")
    now = _number(current.get("value"))
    if before is None or now is None:
        return FollowupSignal(kind, key, label, before, now, None, higher)
    improved = now > before if higher else now < before
    return FollowupSignal(kind, key, label, before, now, improved, higher)


def followups_for(
    *, partnership: Partnership, recommendations: Sequence[Recommendation], as_of: datetime.date
) -> list[PlayFollowup]:
    """The follow-up of the given accepted recommendations of one partnership (three
    queries, whatever their number)."""
    rows = [rec for rec in recommendations if rec.status == Status.ACCEPTED]
    if not rows:
        return []
    actions: dict[str, list[ActionItem]] = defaultdict(list)
    for item in (
        ActionItem.objects.filter(
            workspace=partnership.workspace,
            source_type="recommendation",
            source_uuid__in=[rec.uuid for rec in rows],
        )
        .select_related("owner")
        .order_by("due_date", "pk")
    ):
        actions[str(item.source_uuid)].append(item)
    latest = (
        HealthSnapshot.objects.filter(partnership=partnership, date__lte=as_of)
        .order_by("-date")
        .only("date", "signals", "components")
        .first()
    )
    accepted_days = {rec.decided_at.date() for rec in rows if rec.decided_at is not None} | {
        rec.last_seen for rec in rows
    }
    then: dict[datetime.date, dict[str, dict[str, Any]]] = {
        snap.date: _snapshot_rows(snap)
        for snap in HealthSnapshot.objects.filter(
            partnership=partnership, date__in=accepted_days
        ).only("date", "signals", "components")
    }
    now_rows = _snapshot_rows(latest) if latest else None
    found = []
    for rec in rows:
        play = PLAYS_BY_KEY.get(rec.play_key)
        if play is None:
            continue
        items = actions.get(str(rec.uuid), [])
        counted = [item for item in items if item.status != ActionItem.Status.DROPPED]
        day = rec.decided_at.date() if rec.decided_at else rec.last_seen
        then_rows = then.get(day) or then.get(rec.last_seen) or {}
        found.append(
            PlayFollowup(
                recommendation=rec,
                play=play,
                accepted_at=rec.decided_at,
                actions_done=sum(1 for i in counted if i.status == ActionItem.Status.DONE),
                actions_total=len(counted),
                actions=items,
                signals=[
                    _followup_signal(
                        rec.play_key,
                        signal,
                        _number(value),
                        now_rows,
                        then_rows,
                        now_read=bool(latest and latest.signals),
                    )
                    for signal, value in sorted((rec.baseline_signals or {}).items())
                ],
                now_date=latest.date if latest else None,
            )
        )
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, dict):
        value = value.get("value")
    return float(value) if isinstance(value, int | float) else None


def play_followups(*, partnership: Partnership, as_of: datetime.date) -> list[PlayFollowup]:
    """Every play accepted for the partnership by ``as_of``: when, its action items done of
    total, and each signal behind it then (at acceptance) and now (the latest snapshot up to
    ``as_of``), improved or not. For a rule that fires *below* a line higher is better; for
    one that fires *at or above* it lower is better."""
    accepted = Recommendation.objects.filter(
        workspace=partnership.workspace, partnership=partnership, status=Status.ACCEPTED
    ).order_by("decided_at", "pk")
    rows = [rec for rec in accepted if rec.decided_at is None or rec.decided_at.date() <= as_of]
    return followups_for(partnership=partnership, recommendations=rows, as_of=as_of)


def play_followups_pack(*, partnership: Partnership, as_of: datetime.date) -> list[PackPlay]:
    """The accepted plays in the review pack's shape (accord.insights.pack_types.PackPlay)."""
    return [
        PackPlay(
            play=followup.play.key,
            title=followup.play.title,
            accepted_at=followup.accepted_at.date().isoformat() if followup.accepted_at else None,
            actions_done=followup.actions_done,
            actions_total=followup.actions_total,
            signals=[
                PackPlaySignal(
                    label=signal.label,
                    before=signal.before,
                    now=signal.now,
                    improved=signal.improved,
                )
                for signal in followup.signals
            ],
        )
        for followup in play_followups(partnership=partnership, as_of=as_of)
    ]


# --- pages ----------------------------------------------------------------------------------


@dataclass
class PartnershipPlaybook:
    partnership: Partnership
    can_act: bool
    open: list[Recommendation]
    accepted: list[PlayFollowup]
    snoozed: list[Recommendation]
    dismissed: list[Recommendation]
    cleared: list[Recommendation]

    @property
    def empty(self) -> bool:
        return not (self.open or self.accepted or self.snoozed or self.dismissed or self.cleared)


def partnership_playbook(
    *, membership: Membership, partnership: Partnership, today: datetime.date
) -> PartnershipPlaybook:
    """The partnership's recommendations by status, with the plays attached and the
    follow-up of accepted ones (a constant number of queries)."""
    rows = list(recommendation_list(membership=membership, partnership=partnership))
    by_status: dict[str, list[Recommendation]] = defaultdict(list)
    for rec in rows:
        rec.play = PLAYS_BY_KEY.get(rec.play_key)  # type: ignore[attr-defined]
        if rec.play is None:  # type: ignore[attr-defined]
            continue
        by_status[rec.status].append(rec)
    return PartnershipPlaybook(
        partnership=partnership,
        can_act=recommendation_can_act(membership=membership, partnership=partnership),
        open=by_status[Status.OPEN],
        accepted=followups_for(
            partnership=partnership, recommendations=by_status[Status.ACCEPTED], as_of=today
        ),
        snoozed=by_status[Status.SNOOZED],
        dismissed=by_status[Status.DISMISSED],
        cleared=by_status[Status.CLEARED],
    )


@dataclass
class CatalogEntry:
    doc: PlayDoc
    open: list[Recommendation]


def playbook_catalog(*, membership: Membership) -> list[CatalogEntry]:
    """Every play documented, with its open recommendations across the partnerships the
    member can see (one query)."""
    open_rows: dict[str, list[Recommendation]] = defaultdict(list)
    for rec in (
        recommendation_visible(membership=membership)
        .filter(status=Status.OPEN)
        .order_by("partnership__name", "pk")
    ):
        open_rows[rec.play_key].append(rec)
    return [CatalogEntry(doc=doc, open=open_rows.get(doc.key, [])) for doc in plays_catalog()]
