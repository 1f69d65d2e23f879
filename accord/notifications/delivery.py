"""Claiming and sending deliveries over their transports (run by `accord worker`).

A delivery is claimed with one conditional UPDATE — pending and due, or sending with an
expired lease, becomes sending with a new lease — and the row count says whether this worker
won it. Any number of workers, on SQLite or PostgreSQL, never send the same row at the same
time, and a sent delivery is never claimed again. The claim records which worker holds it:
when that worker dies (kill -9, a lost machine), task recovery (accord/ops/task_recovery.py)
releases its deliveries for the retried task, otherwise they wait for the lease to expire.
A worker that dies after the mail server accepted a message but before recording it sends
that message again (at-least-once): receivers deduplicate on the delivery key, which every
attempt carries unchanged (the X-Accord-Delivery header and the email's Message-ID).

Failures wait 1 min, 5 min, 30 min, 2 h, then 6 h; the sixth failed attempt marks the
delivery failed. An unreachable mail server is Accord's problem, not the recipient's: those
emails stay pending (retried at most every 6 h) until the server is back, so nothing is lost.
"""

import contextlib
import datetime
import time
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import F, Q
from django.utils import timezone

from accord.notifications.models import Delivery, Event, Notification, Subscription
from accord.notifications.transports import (
    EmailItem,
    MailUnreachable,
    TransportError,
    WebhookMessage,
    delivery_key,
    digest_email,
    generic_payload,
    mail_error,
    notification_email,
    site_link,
    slack_payload,
    teams_payload,
    webhook_post,
)
from accord.workspaces.models import Membership

BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Longer than any one send can take (webhook and SMTP timeouts are 10 s).
LEASE = datetime.timedelta(minutes=5)
BATCH_SIZE = 100
MAX_BATCHES = 50

Status = Delivery.Status
Transport = Delivery.Transport


@dataclass(frozen=True)
class Outcome:
    status: str
    error: str = ""
    next_attempt_at: datetime.datetime | None = None


def _due(now: datetime.datetime) -> Q:
    pending = Q(status=Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=Status.SENDING, lease_until__lt=now)
    return pending | abandoned


def deliveries_due_exist(*, now: datetime.datetime) -> bool:
    """Whether any delivery is due (one indexed query: the sweep runs only when needed)."""
    return Delivery.objects.filter(_due(now)).exists()


def deliveries_claim(
    *, now: datetime.datetime, limit: int = BATCH_SIZE, worker_id: str = ""
) -> tuple[list[int], datetime.datetime]:
    """Claim up to `limit` due deliveries for this worker; returns their ids and the lease."""
    candidates = list(
        Delivery.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    lease = now + LEASE
    claimed = []
    for pk in candidates:
        # The same condition again, atomically: another worker may have won this row since.
        won = Delivery.objects.filter(_due(now), pk=pk).update(
            status=Status.SENDING,
            lease_until=lease,
            claimed_by=worker_id[:64],
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        if won:
            claimed.append(pk)
    return claimed, lease


def deliveries_due_send(
    *, now: datetime.datetime | None = None, limit: int = BATCH_SIZE, worker_id: str = ""
) -> int:
    """Send every due delivery; returns how many were sent. `worker_id` names the
    `accord worker` process doing it, so its claims can be released if it dies."""
    now = now or timezone.now()
    sent = 0
    for _batch in range(MAX_BATCHES):
        claimed, lease = deliveries_claim(now=now, limit=limit, worker_id=worker_id)
        if not claimed:
            break
        rows = Delivery.objects.filter(pk__in=claimed).select_related(
            "workspace", "endpoint", "notification"
        )
        with _Mailer() as mailer:
            for delivery in rows.order_by("pk"):
                outcome = _attempt(delivery, mailer=mailer, now=now)
                _record(delivery, lease=lease, outcome=outcome, now=now)
                sent += outcome.status == Status.SENT
        if len(claimed) < limit:
            break
    return sent


def deliveries_release(*, worker_ids: list[str], now: datetime.datetime) -> int:
    """Make the deliveries held by these (dead) workers due again; returns how many.

    The claim already counted the attempt, so a delivery whose workers keep dying still
    gives up after MAX_ATTEMPTS.
    """
    if not worker_ids:
        return 0
    return Delivery.objects.filter(status=Status.SENDING, claimed_by__in=worker_ids).update(
        status=Status.PENDING, lease_until=None, next_attempt_at=None, claimed_by="", updated_at=now
    )


def _record(
    delivery: Delivery, *, lease: datetime.datetime, outcome: Outcome, now: datetime.datetime
) -> None:
    """Store the outcome, unless the lease was lost meanwhile (then the new holder decides)."""
    Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING, lease_until=lease).update(
        status=outcome.status,
        last_error=outcome.error[:2000],
        next_attempt_at=outcome.next_attempt_at,
        sent_at=now if outcome.status == Status.SENT else None,
        lease_until=None,
        claimed_by="",
        target=delivery.target,
        updated_at=now,
    )


def _attempt(delivery: Delivery, *, mailer: "_Mailer", now: datetime.datetime) -> Outcome:
    try:
        if delivery.transport == Transport.EMAIL:
            skipped = _email_send(delivery, mailer)
        elif delivery.transport == Transport.DIGEST:
            skipped = _digest_send(delivery, mailer)
        else:
            skipped = _webhook_send(delivery)
    except TransportError as error:
        return _retry_or_fail(delivery, error, now)
    except Exception as error:  # a bug must not stop the other deliveries of the batch
        return _retry_or_fail(delivery, TransportError(f"Unexpected error: {error!r}"), now)
    if skipped:
        return Outcome(Status.SKIPPED, skipped)
    return Outcome(Status.SENT)


def _retry_or_fail(delivery: Delivery, error: TransportError, now: datetime.datetime) -> Outcome:
    """Back off after a failed attempt; after the last one the delivery has failed."""
    attempts = max(delivery.attempts, 1)  # already counts this attempt (the claim did)
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    if isinstance(error, MailUnreachable):
        return Outcome(Status.PENDING, str(error), now + wait)
    if attempts >= MAX_ATTEMPTS:
        return Outcome(Status.FAILED, f"Gave up after {attempts} attempts. {error}")
    return Outcome(Status.PENDING, str(error), now + wait)


class _Mailer:
    """One connection to the mail server for a batch, opened on first use. When the server is
    unreachable, the rest of the batch is not tried again (each would wait for a timeout)."""

    def __init__(self) -> None:
        self.backend: Any = None
        self.down: TransportError | None = None

    def __enter__(self) -> "_Mailer":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close()

    def _close(self) -> None:
        if self.backend is not None:
            # Closing a broken connection may fail too.
            with contextlib.suppress(Exception):
                self.backend.close()
            self.backend = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.down is not None:
            raise self.down
        try:
            if self.backend is None:
                self.backend = mailers.default
                self.backend.open()
            self.backend.send_messages([message])
        except Exception as error:
            problem = mail_error(error)
            if isinstance(problem, MailUnreachable):
                self.down = problem
                self._close()
            raise problem from None


def _subscription_for(delivery: Delivery, user_id: Any) -> Subscription:
    from accord.notifications.actions import subscription_ensure

    return subscription_ensure(workspace=delivery.workspace, user_id=user_id)


def _is_member(delivery: Delivery, user_id: Any) -> bool:
    return Membership.objects.filter(workspace=delivery.workspace, user_id=user_id).exists()


def _item(notification: Notification) -> EmailItem:
    return EmailItem(
        event_label=str(notification.get_event_display()),
        subject=notification.subject,
        body=notification.body,
        link=site_link(notification_path(notification)),
        created_at=notification.created_at,
    )


def notification_path(notification: Notification) -> str:
    """Opening this marks the notification read and leads to what it is about."""
    from django.urls import reverse

    return reverse("notification_open", args=[notification.workspace.slug, notification.uuid])


def _email_send(delivery: Delivery, mailer: _Mailer) -> str:
    """Send one notification by email; returns why it was skipped, or "" when sent."""
    notification = delivery.notification
    if notification is None:
        return "The notification is gone."
    if notification.user_id is None:
        if not (delivery.payload or {}).get("direct"):
            return "The recipient has no login to read it with."
        # A one-time link that works without signing in (a survey invitation).
        notification.workspace = delivery.workspace
        mailer.send(
            notification_email(
                key=delivery_key(delivery.idempotency_key),
                to=delivery.target,
                workspace=delivery.workspace,
                item=replace(_item(notification), link=site_link(notification.url)),
                event=notification.event,
                unsubscribe_token="",
            )
        )
        return ""
    if notification.read_at is not None:
        return "Read in the app before the email went out."
    if not _is_member(delivery, notification.user_id):
        return "The recipient is no longer a member of this workspace."
    subscription = _subscription_for(delivery, notification.user_id)
    if subscription.email_paused:
        return "The recipient paused email."
    notification.workspace = delivery.workspace
    message = notification_email(
        key=delivery_key(delivery.idempotency_key),
        to=delivery.target,
        workspace=delivery.workspace,
        item=_item(notification),
        event=notification.event,
        unsubscribe_token=subscription.unsubscribe_token,
    )
    mailer.send(message)
    return ""


def _digest_send(delivery: Delivery, mailer: _Mailer) -> str:
    """Send a digest of what is still unread; returns why it was skipped, or ""."""
    payload = delivery.payload or {}
    subscription_id: Any = payload.get("subscription")
    subscription = (
        Subscription.objects.filter(workspace=delivery.workspace, uuid=subscription_id)
        .select_related("user")
        .first()
        if subscription_id
        else None
    )
    if subscription is None:
        return "The recipient's notification settings are gone."
    if subscription.email_paused:
        return "The recipient paused email."
    if not _is_member(delivery, subscription.user_id):
        return "The recipient is no longer a member of this workspace."
    unread = list(
        Notification.objects.filter(
            workspace=delivery.workspace,
            user_id=subscription.user_id,
            uuid__in=payload.get("notifications", []),
            read_at__isnull=True,
        ).order_by("-created_at", "-id")
    )
    if not unread:
        return "Everything in it was read before it went out."
    for notification in unread:
        notification.workspace = delivery.workspace
    message = digest_email(
        key=delivery_key(delivery.idempotency_key),
        to=delivery.target,
        workspace=delivery.workspace,
        items=[_item(n) for n in unread],
        frequency_label="Weekly" if payload.get("frequency") == "weekly" else "Daily",
        unsubscribe_token=subscription.unsubscribe_token,
    )
    mailer.send(message)
    return ""


def event_label(event: str) -> str:
    return str(Event(event).label) if event in Event.values else "Test message"


def _webhook_send(delivery: Delivery) -> str:
    """Post to Slack, Teams or a generic endpoint; returns why it was skipped, or ""."""
    endpoint = delivery.endpoint
    if endpoint is None:
        return "The webhook was deleted."
    if not endpoint.active:
        return "The webhook is turned off."
    payload = delivery.payload or {}
    message = WebhookMessage(
        key=delivery_key(delivery.idempotency_key),
        event=delivery.event,
        event_label=event_label(delivery.event),
        subject=str(payload.get("subject", "")),
        body=str(payload.get("body", "")),
        link=site_link(str(payload.get("url") or "/")),
        workspace_slug=delivery.workspace.slug,
        workspace_name=delivery.workspace.name,
        partnership=payload.get("partnership"),
        data=payload.get("data") or {},
        created_at=delivery.created_at.isoformat(),
    )
    shape = {
        Transport.SLACK: slack_payload,
        Transport.TEAMS: teams_payload,
    }.get(Transport(delivery.transport), generic_payload)
    delivery.target = endpoint.url  # an admin may have corrected the URL since it was queued
    webhook_post(
        url=endpoint.url,
        payload=shape(message),
        message=message,
        secret=endpoint.secret,
        timestamp=int(time.time()),
        allow_private=settings.ACCORD_WEBHOOKS_ALLOW_PRIVATE,
    )
    return ""
