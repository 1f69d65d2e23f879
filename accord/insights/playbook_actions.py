"""Writes for the playbook: refresh the recommendations from the day's signals, and what a
lead decides about a play (accept it as action items, snooze it, dismiss it, reopen it).

Lifecycle of a Recommendation (one row per partnership and play):

- a play that fires and has no row yet → open;
- open and still firing → its reasons, evidence, rules, strength and baseline are refreshed;
- open and no longer firing → cleared; cleared and firing again → open;
- snoozed → stays snoozed until ``snoozed_until``, then opens again if it still fires
  (cleared otherwise);
- dismissed stays dismissed, accepted stays accepted (its baseline is the one accepted on),
  until a lead reopens it.

Only the partnership's lead, workspace admins and owners decide (PermissionDenied for anyone
else); every decision is audited and guarded by the row's version (StaleVersion).
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accord.governance.action_actions import action_create
from accord.governance.models import ActionItem
from accord.insights.models import HealthSnapshot, Recommendation
from accord.insights.playbook_selectors import recommendation_can_act
from accord.insights.playbook_signals import signal_dict, signal_id, signals_collect
from accord.metrics.playbook import PLAYS_BY_KEY, RULES, Signal, recommend
from accord.org.actions import StaleVersion
from accord.org.models import Person
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember
from accord.workspaces.audit import audit_bulk, audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

Status = Recommendation.Status
AUDITED_FIELDS = ["status", "decision_reason", "snoozed_until"]
REFRESHED_FIELDS = [
    "status",
    "reasons",
    "evidence",
    "rules",
    "strength",
    "baseline_signals",
    "first_seen",
    "last_seen",
    "snoozed_until",
    "version",
    "updated_at",
]
REASON_MAX = 2000
SNOOZE_MAX_DAYS = 366
REFRESHED_STATUSES = (Lifecycle.FORMING, Lifecycle.ACTIVE)

__all__ = [
    "StaleVersion",
    "recommendation_accept",
    "recommendation_dismiss",
    "recommendation_reopen",
    "recommendation_snooze",
    "recommendations_refresh",
]


# --- refresh --------------------------------------------------------------------------------


def _baseline(
    play_key: str, rule_ids: Sequence[str], signals: Sequence[Signal]
) -> dict[str, float]:
    """The signals behind a recommendation: {"kind:key": value}."""
    rules = [rule for rule in RULES if rule.play == play_key and rule.id in rule_ids]
    return {
        signal_id(signal.kind, signal.key): signal.value
        for signal in signals
        if any(rule.matches(signal) for rule in rules)
    }


def recommendations_refresh(
    *,
    workspace: Workspace,
    today: datetime.date,
    partnerships: Sequence[Partnership] | None = None,
) -> int:
    """Collect the signals of the given partnerships (forming and active ones when None),
    keep them in the day's health snapshot, and bring the recommendations up to date (see the
    module's lifecycle). Returns the number of recommendation rows created or changed."""
    if partnerships is None:
        rows = list(Partnership.objects.filter(workspace=workspace, status__in=REFRESHED_STATUSES))
    else:
        rows = [p for p in partnerships if p.workspace_id == workspace.pk]
    if not rows:
        return 0
    collected = signals_collect(workspace=workspace, partnerships=rows, today=today)
    ids = [p.pk for p in rows]
    with transaction.atomic():
        snapshots = list(
            HealthSnapshot.objects.select_for_update().filter(
                workspace=workspace, partnership_id__in=ids, date=today
            )
        )
        for health in snapshots:
            health.signals = [signal_dict(s) for s in collected.get(health.partnership_id, [])]
        HealthSnapshot.objects.bulk_update(snapshots, ["signals"], batch_size=500)

        existing = {
            (rec.partnership_id, rec.play_key): rec
            for rec in Recommendation.objects.select_for_update().filter(
                workspace=workspace, partnership_id__in=ids
            )
        }
        created: list[Recommendation] = []
        changed: list[Recommendation] = []
        audits: list[tuple[str, Any, dict[str, list[Any]]]] = []
        for partnership in rows:
            signals = collected.get(partnership.pk, [])
            fired = {found.play.key: found for found in recommend(signals)}
            for play_key, found in fired.items():
                baseline = _baseline(play_key, found.rules, signals)
                fields: dict[str, Any] = {
                    "reasons": list(found.reasons),
                    "evidence": list(found.evidence),
                    "rules": list(found.rules),
                    "strength": min(found.strength, 32767),
                    "baseline_signals": baseline,
                    "last_seen": today,
                }
                rec = existing.get((partnership.pk, play_key))
                if rec is None:
                    rec = Recommendation(
                        workspace=workspace,
                        partnership=partnership,
                        play_key=play_key,
                        status=Status.OPEN,
                        first_seen=today,
                        **fields,
                    )
                    created.append(rec)
                    continue
                before = snapshot(rec, AUDITED_FIELDS)
                if rec.status == Status.OPEN:
                    _assign(rec, fields)
                elif rec.status == Status.CLEARED:
                    _assign(rec, {**fields, "status": Status.OPEN, "first_seen": today})
                elif rec.status == Status.SNOOZED:
                    if rec.snoozed_until is None or rec.snoozed_until <= today:
                        _assign(rec, {**fields, "status": Status.OPEN, "snoozed_until": None})
                    else:
                        _assign(rec, fields)  # evidence stays current while it sleeps
                else:  # accepted or dismissed: the decision stands; only note it still fires
                    if rec.last_seen == today:
                        continue
                    rec.last_seen = today
                _changed(rec, before, changed, audits)
            for (partnership_id, play_key), rec in existing.items():
                if partnership_id != partnership.pk or play_key in fired:
                    continue
                before = snapshot(rec, AUDITED_FIELDS)
                if rec.status == Status.OPEN or (
                    rec.status == Status.SNOOZED
                    and (rec.snoozed_until is None or rec.snoozed_until <= today)
                ):
                    rec.status = Status.CLEARED
                    rec.snoozed_until = None
                    _changed(rec, before, changed, audits)
        Recommendation.objects.bulk_create(created, batch_size=500)
        Recommendation.objects.bulk_update(changed, REFRESHED_FIELDS, batch_size=500)
        audits += [("create", rec, diff({}, snapshot(rec, AUDITED_FIELDS))) for rec in created]
        audit_bulk(workspace=workspace, actor=None, rows=audits)
    return len(created) + len(changed)


def _assign(rec: Recommendation, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(rec, name, value)


def _changed(
    rec: Recommendation,
    before: dict[str, Any],
    changed: list[Recommendation],
    audits: list[tuple[str, Any, dict[str, list[Any]]]],
) -> None:
    rec.updated_at = timezone.now()
    changed.append(rec)
    changes = diff(before, snapshot(rec, AUDITED_FIELDS))
    if changes:
        # A new status invalidates a decision form loaded before it; fresh evidence does not.
        rec.version += 1
        audits.append(("update", rec, changes))


# --- a lead's decisions ---------------------------------------------------------------------


def _act_require(membership: Membership, recommendation: Recommendation) -> None:
    if not recommendation_can_act(membership=membership, partnership=recommendation.partnership):
        raise PermissionDenied(
            "Only the partnership's lead and workspace admins and owners can decide about "
            "its recommendations."
        )


def _version_claim(recommendation: Recommendation, expected: int | None) -> None:
    """Claim the next version, or fail if someone decided in between."""
    if expected is not None and expected != recommendation.version:
        raise StaleVersion(recommendation.version)
    updated = Recommendation.objects.filter(
        pk=recommendation.pk, version=recommendation.version
    ).update(version=recommendation.version + 1, updated_at=timezone.now())
    if not updated:
        raise StaleVersion(Recommendation.objects.get(pk=recommendation.pk).version)
    recommendation.version += 1


def _decide(
    *,
    membership: Membership,
    recommendation: Recommendation,
    expected_version: int | None,
    status: str,
    reason: str = "",
    snoozed_until: datetime.date | None = None,
) -> dict[str, list[Any]]:
    before = snapshot(recommendation, AUDITED_FIELDS)
    _version_claim(recommendation, expected_version)
    recommendation.status = status
    recommendation.decision_reason = reason
    recommendation.snoozed_until = snoozed_until
    recommendation.decided_by = membership.user
    recommendation.decided_at = timezone.now()
    recommendation.save(
        update_fields=[
            "status",
            "decision_reason",
            "snoozed_until",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    changes = diff(before, snapshot(recommendation, AUDITED_FIELDS))
    audit_record(
        workspace=recommendation.workspace,
        actor=membership.user,
        action="update",
        instance=recommendation,
        changes=changes,
    )
    return changes


def _reason_clean(reason: str | None, *, required: bool, verb: str) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise ValidationError(
            {"reason": f"Say why you {verb} this play, so the next review can weigh it."}
        )
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason to {REASON_MAX} characters or fewer."})
    return text


def _status_require(recommendation: Recommendation, allowed: Sequence[str], verb: str) -> None:
    if recommendation.status not in allowed:
        label = Status(recommendation.status).label.lower()
        raise ValidationError({"status": f"This play is {label}; it cannot be {verb} now."})


def recommendation_accept(
    *,
    membership: Membership,
    recommendation: Recommendation,
    owner: Person | None,
    due_date: datetime.date | None = None,
    steps: list[str] | None = None,
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> list[ActionItem]:
    """Accept an open (or snoozed) play: one action item per chosen step (every step when
    ``steps`` is None), owned by one member of the partnership, linked back to the play."""
    _act_require(membership, recommendation)
    _status_require(recommendation, (Status.OPEN, Status.SNOOZED), "accepted")
    play = PLAYS_BY_KEY.get(recommendation.play_key)
    if play is None:
        raise ValidationError({"play": "This play is no longer in the playbook."})
    today = today or timezone.localdate()
    partnership = recommendation.partnership
    errors: dict[str, str] = {}
    chosen = list(play.steps) if steps is None else [s.strip() for s in steps]
    unknown = [step for step in chosen if step not in play.steps]
    if not chosen:
        errors["steps"] = "Choose at least one step to turn into an action item."
    elif unknown:
        errors["steps"] = f"“{unknown[0][:80]}” is not a step of “{play.title}”."
    if owner is None:
        errors["owner"] = "Choose the one person who owns the play's action items."
    elif not _in_partnership(owner, partnership):
        errors["owner"] = f"Choose a member of {partnership.name} to own the action items."
    if due_date is not None and due_date < today:
        errors["due_date"] = "Choose a due date today or later."
    if errors:
        raise ValidationError(errors)
    chosen = [step for step in play.steps if step in chosen]  # the play's order, each once
    with transaction.atomic():
        _decide(
            membership=membership,
            recommendation=recommendation,
            expected_version=expected_version,
            status=Status.ACCEPTED,
        )
        return [
            action_create(
                membership=membership,
                title=step,
                owner=owner,
                description=f"From the playbook: {play.title}. {play.summary}",
                due_date=due_date,
                partnership=partnership,
                source_type="recommendation",
                source_uuid=recommendation.uuid,
            )
            for step in chosen
        ]


def _in_partnership(person: Person, partnership: Partnership) -> bool:
    if person.workspace_id != partnership.workspace_id:
        return False
    if person.pk in (partnership.lead_id, partnership.sponsor_id):
        return True
    return PartnershipMember.objects.filter(partnership=partnership, person=person).exists()


def recommendation_snooze(
    *,
    membership: Membership,
    recommendation: Recommendation,
    until: datetime.date | None,
    reason: str = "",
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> Recommendation:
    """Put an open play aside until a date; it comes back then if it still fires."""
    _act_require(membership, recommendation)
    _status_require(recommendation, (Status.OPEN, Status.SNOOZED), "snoozed")
    today = today or timezone.localdate()
    if until is None:
        raise ValidationError({"until": "Choose the date the play should come back."})
    if until <= today:
        raise ValidationError({"until": "Choose a date after today."})
    if until > today + datetime.timedelta(days=SNOOZE_MAX_DAYS):
        raise ValidationError({"until": "Snooze for at most a year; dismiss the play instead."})
    text = _reason_clean(reason, required=False, verb="snooze")
    with transaction.atomic():
        _decide(
            membership=membership,
            recommendation=recommendation,
            expected_version=expected_version,
            status=Status.SNOOZED,
            reason=text,
            snoozed_until=until,
        )
    return recommendation


def recommendation_dismiss(
    *,
    membership: Membership,
    recommendation: Recommendation,
    reason: str,
    expected_version: int | None = None,
) -> Recommendation:
    """Decide not to run a play, with the reason (required); it stays dismissed."""
    _act_require(membership, recommendation)
    _status_require(recommendation, (Status.OPEN, Status.SNOOZED, Status.CLEARED), "dismissed")
    text = _reason_clean(reason, required=True, verb="dismiss")
    with transaction.atomic():
        _decide(
            membership=membership,
            recommendation=recommendation,
            expected_version=expected_version,
            status=Status.DISMISSED,
            reason=text,
        )
    return recommendation


def recommendation_reopen(
    *,
    membership: Membership,
    recommendation: Recommendation,
    expected_version: int | None = None,
) -> Recommendation:
    """Bring a snoozed or dismissed play back to the open list (the next refresh clears it
    if it no longer fires)."""
    _act_require(membership, recommendation)
    _status_require(recommendation, (Status.SNOOZED, Status.DISMISSED), "reopened")
    with transaction.atomic():
        _decide(
            membership=membership,
            recommendation=recommendation,
            expected_version=expected_version,
            status=Status.OPEN,
        )
    return recommendation
