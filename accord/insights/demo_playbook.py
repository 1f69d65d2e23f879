"""The demo's playbook: today's recommendations for every demo partnership, a play the
recovering partnership accepted about ten weeks ago (its action items mostly done, its
signals better now than then), one play dismissed elsewhere with a reason, the rest open.

Runs after the health demo (accord/insights/demo_health.py), whose weekly history gives the
accepted play its "before": the signals are read from the snapshot of the week it was
accepted, and stored in that snapshot, so the follow-up compares like with like.
"""

import datetime
from typing import Any

from django.utils import timezone

from accord.governance.models import ActionItem
from accord.insights.models import HealthSnapshot, Recommendation
from accord.insights.playbook_actions import recommendations_refresh
from accord.insights.playbook_signals import signal_dict, signal_id
from accord.metrics.health_index import COMPONENT_LABELS
from accord.metrics.playbook import PLAYS_BY_KEY, RULES, Signal, recommend
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_bulk, diff, snapshot
from accord.workspaces.models import Membership, Role, Workspace

RECOVERING_SLUG = "faster-order-to-cash"
ACCEPTED_WEEKS_AGO = 10
DISMISS_REASON = (
    "Covered by the cross-functional planning offsite next month; revisit after it if the "
    "signal is still there."
)
Status = Recommendation.Status


def _health_signals(components: list[dict[str, Any]]) -> list[Signal]:
    found = []
    for row in components:
        value, key = row.get("value"), row.get("key")
        if value is None or not key or row.get("status") == "no data":
            continue
        label = row.get("label") or COMPONENT_LABELS.get(key, key)
        found.append(
            Signal(
                "health",
                key,
                round(float(value), 1),
                evidence=f"{label}: {float(value):.0f} of 100",
                label=label,
            )
        )
    return found


def _improved_play(then: list[Signal], now: dict[str, float]) -> tuple[str, list[Signal]] | None:
    """The strongest play that fired on the old signals and whose signals are higher now."""
    for found in recommend(then):
        rules = [r for r in RULES if r.play == found.play.key and r.id in found.rules]
        fired = [s for s in then if any(rule.matches(s) for rule in rules)]
        if fired and all(now.get(s.key, s.value) > s.value for s in fired):
            return found.play.key, fired
    return None


def _decider(workspace: Workspace, partnership: Partnership) -> Any:
    lead = partnership.lead
    if lead is not None and lead.user_id is not None:
        return lead.user
    owner = (
        Membership.objects.filter(workspace=workspace, role=Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return owner.user if owner else None


def _accepted_play(
    workspace: Workspace, partnership: Partnership, today: datetime.date
) -> Recommendation | None:
    day = today - datetime.timedelta(weeks=ACCEPTED_WEEKS_AGO)
    old = (
        HealthSnapshot.objects.filter(partnership=partnership, date__lte=day)
        .order_by("-date")
        .first()
    )
    current = HealthSnapshot.objects.filter(partnership=partnership, date=today).first()
    if old is None or current is None:
        return None
    then = _health_signals(old.components)
    now = {s.key: s.value for s in _health_signals(current.components)}
    chosen = _improved_play(then, now)
    if chosen is None:
        return None
    play_key, fired = chosen
    # The old week's signals, as the refresh would have stored them that day.
    old.signals = [signal_dict(s) for s in then]
    old.save(update_fields=["signals"])
    found = next(r for r in recommend(then) if r.play.key == play_key)
    decided_at = timezone.make_aware(datetime.datetime.combine(old.date, datetime.time(10, 30)))
    decider = _decider(workspace, partnership)
    fields = {
        "status": Status.ACCEPTED,
        "reasons": list(found.reasons),
        "evidence": list(found.evidence),
        "rules": list(found.rules),
        "strength": found.strength,
        "baseline_signals": {signal_id(s.kind, s.key): s.value for s in fired},
        "first_seen": old.date - datetime.timedelta(days=7),
        "last_seen": old.date,
        "decided_by": decider,
        "decided_at": decided_at,
        "decision_reason": "",
        "snoozed_until": None,
    }
    rec, _ = Recommendation.objects.update_or_create(
        workspace=workspace, partnership=partnership, play_key=play_key, defaults=fields
    )
    play = PLAYS_BY_KEY[play_key]
    owner = partnership.lead
    items = []
    for index, step in enumerate(play.steps):
        due = old.date + datetime.timedelta(weeks=2 + 2 * index)
        done = index < len(play.steps) - 1  # the last step is still under way
        items.append(
            ActionItem(
                workspace=workspace,
                partnership=partnership,
                title=step,
                description=f"From the playbook: {play.title}. {play.summary}",
                owner=owner,
                due_date=due,
                status=ActionItem.Status.DONE if done else ActionItem.Status.IN_PROGRESS,
                completed_at=(
                    timezone.make_aware(datetime.datetime.combine(due, datetime.time(16)))
                    if done
                    else None
                ),
                source_type="recommendation",
                source_uuid=rec.uuid,
            )
        )
    ActionItem.objects.filter(
        workspace=workspace, source_type="recommendation", source_uuid=rec.uuid
    ).delete()
    ActionItem.objects.bulk_create(items)
    return rec


def _dismiss_one(
    workspace: Workspace, today: datetime.date, skip: int | None
) -> Recommendation | None:
    candidates = (
        Recommendation.objects.filter(workspace=workspace, status=Status.OPEN)
        .select_related("partnership", "partnership__lead")
        .order_by("partnership__name", "-strength", "play_key")
    )
    if skip is not None:
        candidates = candidates.exclude(partnership_id=skip)
    rec = candidates.first()
    if rec is None:
        return None
    rec.status = Status.DISMISSED
    rec.decision_reason = DISMISS_REASON
    rec.decided_by = _decider(workspace, rec.partnership)
    rec.decided_at = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=3), datetime.time(9))
    )
    rec.version += 1
    rec.save(
        update_fields=[
            "status",
            "decision_reason",
            "decided_by",
            "decided_at",
            "version",
            "updated_at",
        ]
    )
    return rec


def demo_playbook_build(workspace: Workspace, *, today: datetime.date) -> dict[str, Any]:
    """Refresh the recommendations, then record the accepted and the dismissed play."""
    refreshed = recommendations_refresh(workspace=workspace, today=today)
    recovering = (
        Partnership.objects.filter(workspace=workspace, slug=RECOVERING_SLUG)
        .select_related("lead", "lead__user")
        .first()
    )
    accepted = _accepted_play(workspace, recovering, today) if recovering is not None else None
    dismissed = _dismiss_one(workspace, today, recovering.pk if recovering else None)
    decided = [rec for rec in (accepted, dismissed) if rec is not None]
    audit_bulk(
        workspace=workspace,
        actor=None,
        rows=[
            ("update", rec, diff({}, snapshot(rec, ["status", "decision_reason"])))
            for rec in decided
        ],
    )
    return {
        "recommendations": refreshed,
        "accepted": accepted.play_key if accepted else None,
        "dismissed": dismissed.play_key if dismissed else None,
    }
