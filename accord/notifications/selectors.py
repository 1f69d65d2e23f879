"""Reads for notifications. A member only ever sees their own notifications and settings;
webhooks and the delivery log are for workspace admins."""

import uuid as uuid_module
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from accord.notifications.models import (
    Delivery,
    Event,
    Notification,
    Preference,
    Subscription,
    WebhookEndpoint,
)
from accord.notifications.service import EMAIL_BY_DEFAULT, event_defaults
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

# How the preferences page groups the events (every event appears exactly once).
EVENT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Addressed to me",
        (Event.MENTION, Event.ASK, Event.ASK_ANSWERED, Event.COMMENT, Event.FEEDBACK, Event.KUDOS),
    ),
    (
        "Actions and roles",
        (
            Event.ACTION_ASSIGNED,
            Event.ACTION_OVERDUE,
            Event.RACI_CONSULT,
            Event.RACI_OVERDUE,
        ),
    ),
    (
        "Decisions and change",
        (Event.DECISION_INPUT, Event.DECISION_DECIDED, Event.DECISION_REVISIT, Event.CONCERN),
    ),
    ("Conflicts", (Event.CONFLICT_ASSIGNED, Event.CONFLICT_UPDATE)),
    (
        "Updates, meetings and reviews",
        (
            Event.UPDATE_DUE,
            Event.UPDATE_OVERDUE,
            Event.UPDATE_POSTED,
            Event.MEETING,
            Event.REVIEW_UPCOMING,
            Event.SURVEY_INVITATION,
        ),
    ),
    (
        "Ideas and knowledge",
        (Event.IDEA, Event.PROFILE_STALE, Event.LEARNING),
    ),
)


@dataclass(frozen=True)
class InboxFilters:
    unread_only: bool = True
    event: str | None = None

    def any(self) -> bool:
        return bool(self.event) or not self.unread_only


def notification_list(*, membership: Membership, filters: InboxFilters) -> QuerySet[Notification]:
    """The member's own inbox, unread first, then newest first."""
    rows = Notification.objects.filter(
        workspace=membership.workspace, user=membership.user, in_app=True
    )
    if filters.unread_only:
        rows = rows.filter(read_at__isnull=True)
    if filters.event:
        rows = rows.filter(event=filters.event)
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return rows.order_by(unread_first, "-created_at", "-id").only(
        "uuid",
        "event",
        "subject",
        "body",
        "url",
        "read_at",
        "created_at",
        "workspace_id",
        "user_id",
    )


def notification_get(*, membership: Membership, uuid: Any) -> Notification:
    """One of the member's own notifications; anyone else's (or another workspace's) is 404."""
    mine = Notification.objects.filter(user=membership.user, in_app=True)
    return object_get(mine, workspace=membership.workspace, uuid=uuid)


def unread_count(*, workspace: Workspace, user: Any) -> int:
    """One indexed COUNT (workspace, user, read_at)."""
    return Notification.objects.filter(
        workspace=workspace, user=user, read_at__isnull=True, in_app=True
    ).count()


def inbox_counts(*, membership: Membership) -> dict[str, Any]:
    """Unread and total, and unread per event (for the filter), in one query."""
    rows = (
        Notification.objects.filter(
            workspace=membership.workspace, user=membership.user, in_app=True
        )
        .values("event")
        .annotate(total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
        .order_by()
    )
    by_event = {row["event"]: row for row in rows}
    return {
        "unread": sum(row["unread"] for row in by_event.values()),
        "total": sum(row["total"] for row in by_event.values()),
        "events": [
            (value, label, by_event[value]["unread"], by_event[value]["total"])
            for value, label in Event.choices
            if value in by_event
        ],
    }


# --- preferences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceRow:
    event: str
    label: str
    in_app: bool
    email: bool
    digest: bool
    email_by_default: bool


@dataclass(frozen=True)
class PreferenceGroup:
    title: str
    rows: list[PreferenceRow]


def preference_groups(*, membership: Membership) -> list[PreferenceGroup]:
    """The member's choice for every event (their saved one, else the default), grouped."""
    saved = {
        p.event: p
        for p in Preference.objects.filter(workspace=membership.workspace, user=membership.user)
    }
    labels = dict(Event.choices)
    groups = []
    for title, events in EVENT_GROUPS:
        rows = []
        for event in events:
            pref = saved.get(event)
            wants = (
                {"in_app": pref.in_app, "email": pref.email, "digest": pref.digest}
                if pref
                else event_defaults(event)
            )
            rows.append(
                PreferenceRow(
                    event=str(event),
                    label=str(labels[event]),
                    email_by_default=event in EMAIL_BY_DEFAULT,
                    **wants,
                )
            )
        groups.append(PreferenceGroup(title=title, rows=rows))
    return groups


def subscription_get(*, membership: Membership) -> Subscription | None:
    return Subscription.objects.filter(workspace=membership.workspace, user=membership.user).first()


def subscription_by_token(*, token: str) -> Subscription | None:
    """The subscription an email's unsubscribe link names (the token is its only key)."""
    if not token or len(token) > 64:
        return None
    return (
        Subscription.objects.filter(unsubscribe_token=token)
        .select_related("workspace", "user")
        .first()
    )


# --- webhooks and deliveries (admins) -------------------------------------------------------


def _admin_require(membership: Membership) -> None:
    if not membership.can_admin:
        raise PermissionDenied("Only workspace admins and owners see webhooks and deliveries.")


def webhook_list(*, membership: Membership) -> QuerySet[WebhookEndpoint]:
    """Every webhook of the workspace with its delivery counts (one query)."""
    _admin_require(membership)
    return (
        WebhookEndpoint.objects.filter(workspace=membership.workspace)
        .select_related("partnership")
        .annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            pending_count=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]),
            ),
        )
        .order_by("name", "pk")
    )


def webhook_get(*, membership: Membership, uuid: Any) -> WebhookEndpoint:
    _admin_require(membership)
    return object_get(
        WebhookEndpoint.objects.select_related("partnership"),
        workspace=membership.workspace,
        uuid=uuid,
    )


@dataclass(frozen=True)
class DeliveryFilters:
    status: str | None = None
    transport: str | None = None
    webhook: str | None = None

    def any(self) -> bool:
        return bool(self.status or self.transport or self.webhook)


def delivery_list(*, membership: Membership, filters: DeliveryFilters) -> QuerySet[Delivery]:
    """The workspace's delivery log, newest first (admins)."""
    _admin_require(membership)
    rows = Delivery.objects.filter(workspace=membership.workspace).select_related(
        "endpoint", "notification"
    )
    if filters.status in Delivery.Status.values:
        rows = rows.filter(status=filters.status)
    if filters.transport in Delivery.Transport.values:
        rows = rows.filter(transport=filters.transport)
    if filters.webhook:
        try:
            rows = rows.filter(endpoint__uuid=uuid_module.UUID(filters.webhook))
        except ValueError:
            rows = rows.none()
    return rows.order_by("-created_at", "-id")


def delivery_get(*, membership: Membership, uuid: Any) -> Delivery:
    _admin_require(membership)
    return object_get(
        Delivery.objects.select_related("endpoint", "notification"),
        workspace=membership.workspace,
        uuid=uuid,
    )


def delivery_counts(*, membership: Membership) -> dict[str, int]:
    """How many deliveries are in each status (one query)."""
    _admin_require(membership)
    rows = (
        Delivery.objects.filter(workspace=membership.workspace)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(Delivery.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
