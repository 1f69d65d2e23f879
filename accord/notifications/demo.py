"""Demo notification settings for Brightwater: webhooks (Slack for the pricing partnership, a
generic endpoint for the ops team, a Teams one that is switched off), each demo login's
preferences, and their inboxes filled from what the rest of the demo holds for them (actions
they own, decisions asking their input, deliverables they are consulted on, conflicts they
are part of), with a believable delivery history. Nothing is sent while building: every
delivery is written as already sent or failed."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accord.governance import notify as governance_notify
from accord.governance.decision_actions import decisions_due_for_revisit
from accord.governance.models import ActionItem, Conflict, Decision, RaciAssignment
from accord.governance.raci_actions import raci_overdue_reminders
from accord.notifications import actions
from accord.notifications.models import Delivery, Event, Notification, Subscription
from accord.notifications.service import publish
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.workspaces.models import Membership, Workspace

LOGINS = (
    "owner@brightwater.example",
    "admin@brightwater.example",
    "member@brightwater.example",
    "viewer@brightwater.example",
)
# Each login's own choices: digest frequency, paused, and events changed from the defaults.
PREFERENCES: dict[str, tuple[str, bool, dict[str, dict[str, bool]]]] = {
    "owner@brightwater.example": (
        Subscription.Digest.DAILY,
        False,
        {Event.CONFLICT_UPDATE: {"in_app": True, "email": True, "digest": False}},
    ),
    "admin@brightwater.example": (
        Subscription.Digest.WEEKLY,
        False,
        {Event.MEETING: {"in_app": True, "email": False, "digest": False}},
    ),
    "member@brightwater.example": (
        Subscription.Digest.DAILY,
        False,
        {
            Event.KUDOS: {"in_app": True, "email": True, "digest": False},
            Event.UPDATE_POSTED: {"in_app": True, "email": False, "digest": False},
        },
    ),
    "viewer@brightwater.example": (Subscription.Digest.WEEKLY, True, {}),
}
UNREAD_PER_LOGIN = 4  # the newest stay unread; older ones were read over the past days


def _at(today: datetime.date, hours_ago: float) -> datetime.datetime:
    """A moment before "now" on the demo's day (the end of that day when it is not today)."""
    now = timezone.now()
    if timezone.localdate(now) == today:
        anchor = now
    else:
        anchor = timezone.make_aware(datetime.datetime.combine(today, datetime.time(18, 0)))
    return anchor - datetime.timedelta(hours=hours_ago)


def demo_notifications_build(workspace: Workspace, *, today: datetime.date) -> None:
    """Write the demo rows of this area."""
    admin = (
        Membership.objects.filter(workspace=workspace, role__in=["admin", "owner"])
        .select_related("workspace", "user")
        .order_by("-role", "pk")
        .first()
    )
    if admin is None:
        return
    logins = {
        m.user.email: m
        for m in Membership.objects.filter(workspace=workspace, user__email__in=LOGINS)
        .select_related("workspace", "user")
        .order_by("pk")
    }
    for email, membership in logins.items():
        digest, paused, choices = PREFERENCES[email]
        actions.preferences_save(
            membership=membership, choices=choices, digest=digest, email_paused=paused
        )
    people = list(
        Person.objects.filter(workspace=workspace, user__email__in=LOGINS).select_related(
            "workspace"
        )
    )
    _inboxes(workspace, people, today)
    _webhooks(workspace, admin, today)
    _history(workspace, [m.user_id for m in logins.values()], today)


def _webhooks(workspace: Workspace, admin: Membership, today: datetime.date) -> None:
    pricing = (
        Partnership.objects.filter(workspace=workspace)
        .filter(Q(slug__contains="margin") | Q(slug__contains="pricing"))
        .order_by("pk")
        .first()
    ) or Partnership.objects.filter(workspace=workspace).order_by("pk").first()
    slack = actions.webhook_create(
        membership=admin,
        name=f"Slack #{pricing.slug}" if pricing else "Slack #partnerships",
        kind="slack",
        url="https://hooks.example.invalid/services/T0BRIGHT/B0PRICING/demo-only",
        partnership=pricing,
        events=[Event.DECISION_INPUT, Event.DECISION_DECIDED, Event.CONFLICT_ASSIGNED],
    )
    ops = actions.webhook_create(
        membership=admin,
        name="Ops automation (signed JSON)",
        kind="generic",
        url="https://ops.example.invalid/accord/webhooks",
    )
    actions.webhook_create(
        membership=admin,
        name="Teams · Leadership channel",
        kind="teams",
        url="https://brightwater.webhook.example.invalid/webhookb2/demo-only",
        events=[Event.DECISION_DECIDED],
        active=False,
    )
    # What these webhooks carried over the past weeks: the decided decisions and open ones.
    decisions = list(
        Decision.objects.filter(
            workspace=workspace, status__in=[Decision.Status.DECIDED, Decision.Status.OPEN]
        )
        .select_related("partnership")
        .order_by("pk")[:8]
    )
    for index, decision in enumerate(decisions):
        event = (
            Event.DECISION_DECIDED
            if decision.status == Decision.Status.DECIDED
            else Event.DECISION_INPUT
        )
        verb = "Decided" if event == Event.DECISION_DECIDED else "Open for input"
        publish(
            workspace=workspace,
            event=event,
            key=f"{decision.uuid}:demo",
            subject=f"{verb}: {decision.title}",
            body=decision.outcome_statement or decision.context[:300],
            url=f"/w/{workspace.slug}/decisions/{decision.uuid}/",
            partnership=decision.partnership,
            data={"decision": str(decision.uuid)},
        )
        sent_at = _at(today, 24 * (len(decisions) - index) + 3)
        rows = Delivery.objects.filter(workspace=workspace, idempotency_key__contains=":demo")
        rows.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENT,
            attempts=1,
            sent_at=sent_at,
            next_attempt_at=None,
            created_at=sent_at - datetime.timedelta(seconds=20),
        )
    # The ops endpoint was down for a day: one post failed after every retry.
    failed = Delivery.objects.filter(workspace=workspace, endpoint=ops).order_by("-pk").first()
    if failed is not None:
        Delivery.objects.filter(pk=failed.pk).update(
            status=Delivery.Status.FAILED,
            attempts=6,
            sent_at=None,
            last_error=(
                "Gave up after 6 attempts. The endpoint answered HTTP 503: Service "
                "Unavailable (maintenance window)."
            ),
        )
    Delivery.objects.filter(workspace=workspace, endpoint=slack).update(target=slack.url)


def _inboxes(workspace: Workspace, people: list[Person], today: datetime.date) -> None:
    """What the rest of the demo holds for each login, told the way the app tells it."""
    mine = [p.pk for p in people]
    for action in ActionItem.objects.filter(
        workspace=workspace,
        owner_id__in=mine,
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
    ).select_related("owner", "partnership", "workspace"):
        governance_notify.action_assigned_notify(action=action, actor=None)
    governance_notify.actions_overdue_notify(workspace=workspace, today=today)
    raci_overdue_reminders(workspace=workspace, today=today)
    decisions_due_for_revisit(workspace=workspace, today=today)
    for decision in Decision.objects.filter(
        workspace=workspace, status=Decision.Status.OPEN, stakeholders__person_id__in=mine
    ).distinct():
        asked = [p for p in people if decision.stakeholders.filter(person=p).exists()]
        governance_notify.decision_input_notify(
            decision=decision,
            recipients=asked,
            closes_at=decision.input_closes_at or _at(today + datetime.timedelta(days=3), 0),
        )
    for cell in RaciAssignment.objects.filter(
        workspace=workspace, person_id__in=mine, letter="C"
    ).select_related("deliverable__partnership", "deliverable__workspace", "person"):
        governance_notify.raci_consult_notify(
            deliverable=cell.deliverable, people=[cell.person], actor=None
        )
    for conflict in (
        Conflict.objects.filter(workspace=workspace)
        .filter(Q(party_people__in=mine) | Q(facilitator_id__in=mine))
        .distinct()
    ):
        involved = [
            p
            for p in people
            if conflict.facilitator_id == p.pk or conflict.party_people.filter(pk=p.pk).exists()
        ]
        governance_notify.conflict_assigned_notify(
            conflict=conflict,
            recipients=involved,
            actor=None,
            why="You are named as a party or facilitator of this conflict.",
        )
        latest = conflict.stage_changes.exclude(from_stage="").order_by("-created_at").first()
        if latest is not None:
            governance_notify.conflict_moved_notify(
                conflict=conflict, change=latest, recipients=involved, actor=None
            )


def _history(workspace: Workspace, user_ids: list[Any], today: datetime.date) -> None:
    """Spread the logins' notifications over the past days; the newest stay unread, and
    their emails went out when they arrived (nothing is left for the worker to send)."""
    notes = list(
        Notification.objects.filter(workspace=workspace, user_id__in=user_ids).order_by(
            "user_id", "-created_at", "-pk"
        )
    )
    position: dict[Any, int] = {}
    for note in notes:
        index = position[note.user_id] = position.get(note.user_id, -1) + 1
        note.created_at = _at(today, 5 * index + 1)
        if index >= UNREAD_PER_LOGIN:
            note.read_at = note.created_at + datetime.timedelta(hours=2)
    Notification.objects.bulk_update(notes, ["created_at", "read_at"])
    when = {note.pk: note.created_at for note in notes}
    emails = list(
        Delivery.objects.filter(
            workspace=workspace, notification_id__in=when, status=Delivery.Status.PENDING
        )
    )
    for delivery in emails:
        assert delivery.notification_id is not None
        delivery.created_at = when[delivery.notification_id]
        delivery.sent_at = delivery.created_at + datetime.timedelta(minutes=1)
        delivery.status, delivery.attempts, delivery.next_attempt_at = Delivery.Status.SENT, 1, None
    Delivery.objects.bulk_update(
        emails, ["created_at", "sent_at", "status", "attempts", "next_attempt_at"]
    )
    # Everyone else's emails (people the demo notified along the way) count as sent too.
    Delivery.objects.filter(workspace=workspace, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENT, attempts=1, sent_at=_at(today, 2), next_attempt_at=None
    )
