"""Writes for notifications: reading the inbox, preferences, unsubscribing, webhooks, and
retrying deliveries.

Inbox state and preferences are personal (each member changes only their own, no audit
entry); webhooks and delivery retries are workspace settings (admins only, audited).
"""

import secrets
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accord.notifications.models import (
    Delivery,
    Event,
    Notification,
    Preference,
    Subscription,
    WebhookEndpoint,
)
from accord.notifications.service import deliveries_enqueue, key_bounded
from accord.notifications.transports import webhook_url_problem
from accord.org.actions import StaleVersion
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

WEBHOOK_FIELDS = ["name", "kind", "url", "partnership", "events", "active"]
CHANNELS = ("in_app", "email", "digest")
NAME_MAX = 120
URL_MAX = 500

__all__ = ["StaleVersion"]


# --- subscriptions --------------------------------------------------------------------------


def subscription_ensure(*, workspace: Workspace, user_id: Any) -> Subscription:
    """The user's notification settings in the workspace, made with the defaults (weekly
    digest, a fresh unsubscribe token) the first time they are needed."""
    found = Subscription.objects.filter(workspace=workspace, user_id=user_id).first()
    if found is not None:
        return found
    Subscription.objects.bulk_create(
        [
            Subscription(
                workspace=workspace,
                user_id=user_id,
                unsubscribe_token=secrets.token_urlsafe(32),
            )
        ],
        ignore_conflicts=True,  # another request made it meanwhile: use theirs
    )
    return Subscription.objects.get(workspace=workspace, user_id=user_id)


def email_pause_set(*, subscription: Subscription, paused: bool) -> Subscription:
    """Stop (or resume) every email of this subscription: immediate ones and digests."""
    if subscription.email_paused != paused:
        subscription.email_paused = paused
        subscription.version += 1
        subscription.save(update_fields=["email_paused", "version", "updated_at"])
    return subscription


# --- the inbox ------------------------------------------------------------------------------


def notification_read(
    *, membership: Membership, notification: Notification, read: bool = True
) -> Notification:
    """Mark one of the member's own notifications read (or unread again)."""
    if notification.user_id != membership.user_id:
        raise PermissionDenied("You can only mark your own notifications.")
    value = timezone.now() if read else None
    if (notification.read_at is None) == read:
        Notification.objects.filter(pk=notification.pk).update(read_at=value)
        notification.read_at = value
    return notification


def notifications_read_all(*, membership: Membership, event: str | None = None) -> int:
    """Mark every unread notification of the member read (only one event's, if given);
    returns how many were marked."""
    rows = Notification.objects.filter(
        workspace=membership.workspace, user=membership.user, read_at__isnull=True
    )
    if event:
        rows = rows.filter(event=event)
    return rows.update(read_at=timezone.now())


# --- preferences ----------------------------------------------------------------------------


def preferences_save(
    *,
    membership: Membership,
    choices: Mapping[str, Mapping[str, bool]],
    digest: str,
    email_paused: bool,
) -> Subscription:
    """Save the member's choices per event (in the app, email now, in the digest), the digest
    frequency and whether all email is paused. Events left out keep their current choice."""
    errors: dict[str, str] = {}
    if digest not in Subscription.Digest.values:
        errors["digest"] = "Choose how often the digest comes: none, daily or weekly."
    unknown = sorted(set(choices) - set(Event.values))
    if unknown:
        errors["events"] = f"“{unknown[0]}” is not an event Accord sends."
    for event, channels in choices.items():
        extra = set(channels) - set(CHANNELS)
        if extra:
            errors["events"] = f"{event}: the channels are in_app, email and digest."
    if errors:
        raise ValidationError(errors)
    workspace = membership.workspace
    with transaction.atomic():
        if choices:
            Preference.objects.bulk_create(
                [
                    Preference(
                        workspace=workspace,
                        user=membership.user,
                        event=event,
                        in_app=bool(channels.get("in_app")),
                        email=bool(channels.get("email")),
                        digest=bool(channels.get("digest")),
                    )
                    for event, channels in choices.items()
                ],
                update_conflicts=True,
                unique_fields=["workspace", "user", "event"],
                update_fields=["in_app", "email", "digest", "updated_at"],
            )
        subscription = subscription_ensure(workspace=workspace, user_id=membership.user_id)
        subscription.digest = digest
        subscription.email_paused = email_paused
        subscription.version += 1
        subscription.save(update_fields=["digest", "email_paused", "version", "updated_at"])
    return subscription


# --- webhooks -------------------------------------------------------------------------------


def _admin_require(membership: Membership) -> None:
    if not membership.can_admin:
        raise PermissionDenied("Only workspace admins and owners manage webhooks and deliveries.")


def webhook_url_masked(url: str) -> str:
    """Incoming-webhook URLs carry their secret in the path: show the scheme and host only."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…"


def _webhook_validate(endpoint: WebhookEndpoint) -> None:
    errors: dict[str, str] = {}
    endpoint.name = (endpoint.name or "").strip()
    endpoint.url = (endpoint.url or "").strip()
    if not endpoint.name:
        errors["name"] = "Name the webhook, e.g. “#partnership-quote-to-cash on Slack”."
    elif len(endpoint.name) > NAME_MAX:
        errors["name"] = f"Keep the name to {NAME_MAX} characters or fewer."
    if endpoint.kind not in WebhookEndpoint.Kind.values:
        errors["kind"] = "Choose Slack, Microsoft Teams or a generic webhook."
    if not endpoint.url:
        errors["url"] = "Paste the webhook URL, e.g. https://hooks.slack.com/services/…"
    elif len(endpoint.url) > URL_MAX:
        errors["url"] = f"The URL is longer than {URL_MAX} characters."
    else:
        problem = webhook_url_problem(
            endpoint.url, allow_private=settings.ACCORD_WEBHOOKS_ALLOW_PRIVATE
        )
        if problem is None:
            try:
                URLValidator(schemes=["http", "https"])(endpoint.url)
            except ValidationError:
                problem = "This is not a valid URL: check for spaces or a missing host."
        if problem:
            errors["url"] = problem
    events = endpoint.events
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        errors["events"] = "Give the events as a list of names, or none for every event."
    else:
        unknown = sorted(set(events) - set(Event.values))
        if unknown:
            errors["events"] = f"“{unknown[0]}” is not an event Accord sends."
        endpoint.events = sorted(set(events))
    partnership = endpoint.partnership
    if partnership is not None and partnership.workspace_id != endpoint.workspace_id:
        errors["partnership"] = "Choose a partnership of this workspace."
    if errors:
        raise ValidationError(errors)


def _webhook_snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    values = snapshot(endpoint, WEBHOOK_FIELDS)
    values["url"] = webhook_url_masked(endpoint.url)  # the audit log must not hold the secret
    return values


def _new_secret(kind: str) -> str:
    # Slack and Teams verify nothing; generic endpoints check the signature made with this.
    return secrets.token_hex(32) if kind == WebhookEndpoint.Kind.GENERIC else ""


def webhook_create(
    *,
    membership: Membership,
    name: str,
    kind: str,
    url: str,
    partnership: Partnership | None = None,
    events: Iterable[str] = (),
    active: bool = True,
) -> WebhookEndpoint:
    """Connect a Slack or Teams incoming webhook, or a generic endpoint (which gets a new
    signing secret), to the workspace or one partnership."""
    _admin_require(membership)
    endpoint = WebhookEndpoint(
        workspace=membership.workspace,
        name=name,
        kind=kind,
        url=url,
        partnership=partnership,
        events=list(events),
        active=active,
        created_by=membership.user,
    )
    _webhook_validate(endpoint)
    endpoint.secret = _new_secret(endpoint.kind)
    with transaction.atomic():
        endpoint.save()
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="create",
            instance=endpoint,
            changes=diff({}, _webhook_snapshot(endpoint)),
        )
    return endpoint


def webhook_update(
    *,
    membership: Membership,
    endpoint: WebhookEndpoint,
    expected_version: int | None = None,
    **changes: Any,
) -> WebhookEndpoint:
    """Change a webhook's name, kind, URL, partnership, events or whether it is on."""
    _admin_require(membership)
    if expected_version is not None and expected_version != endpoint.version:
        raise StaleVersion(endpoint.version)
    unknown = set(changes) - set(WEBHOOK_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    before = _webhook_snapshot(endpoint)
    old_kind = endpoint.kind
    for name, value in changes.items():
        setattr(endpoint, name, list(value) if name == "events" else value)
    _webhook_validate(endpoint)
    changed = diff(before, _webhook_snapshot(endpoint))
    if not changed:
        return endpoint
    if endpoint.kind != old_kind:
        endpoint.secret = _new_secret(endpoint.kind)
    with transaction.atomic():
        updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, version=endpoint.version).update(
            version=endpoint.version + 1
        )
        if not updated:
            raise StaleVersion(WebhookEndpoint.objects.get(pk=endpoint.pk).version)
        endpoint.version += 1
        endpoint.save(update_fields=[*WEBHOOK_FIELDS, "secret", "updated_at"])
        audit_record(
            workspace=endpoint.workspace,
            actor=membership.user,
            action="update",
            instance=endpoint,
            changes=changed,
        )
    return endpoint


def webhook_secret_rotate(*, membership: Membership, endpoint: WebhookEndpoint) -> str:
    """Replace a generic webhook's signing secret; returns the new one."""
    _admin_require(membership)
    if endpoint.kind != WebhookEndpoint.Kind.GENERIC:
        raise ValidationError({"secret": "Only generic webhooks are signed with a secret."})
    with transaction.atomic():
        endpoint.secret = _new_secret(endpoint.kind)
        endpoint.version += 1
        endpoint.save(update_fields=["secret", "version", "updated_at"])
        audit_record(
            workspace=endpoint.workspace,
            actor=membership.user,
            action="update",
            instance=endpoint,
            changes={"secret": ["(previous)", "(new secret)"]},
        )
    return endpoint.secret


def webhook_delete(*, membership: Membership, endpoint: WebhookEndpoint) -> None:
    """Disconnect a webhook; its delivery log goes with it."""
    _admin_require(membership)
    with transaction.atomic():
        audit_record(
            workspace=endpoint.workspace,
            actor=membership.user,
            action="delete",
            instance=endpoint,
            changes=diff(_webhook_snapshot(endpoint), {}),
        )
        endpoint.delete()


def webhook_test_send(*, membership: Membership, endpoint: WebhookEndpoint) -> Delivery:
    """Queue a test message to the webhook (the worker sends it within a minute)."""
    _admin_require(membership)
    if not endpoint.active:
        raise ValidationError({"active": "Turn the webhook on before sending a test."})
    transport = {
        WebhookEndpoint.Kind.SLACK: Delivery.Transport.SLACK,
        WebhookEndpoint.Kind.TEAMS: Delivery.Transport.TEAMS,
    }.get(WebhookEndpoint.Kind(endpoint.kind), Delivery.Transport.WEBHOOK)
    from django.urls import reverse

    with transaction.atomic():
        delivery = Delivery.objects.create(
            workspace=endpoint.workspace,
            endpoint=endpoint,
            transport=transport,
            event="",
            target=endpoint.url,
            payload={
                "event": "test",
                "subject": f"Test message from Accord: {endpoint.name}",
                "body": (
                    f"“{endpoint.name}” is connected to {endpoint.workspace.name}. "
                    f"Sent by {membership.user}."
                ),
                "url": reverse("notification_inbox", args=[endpoint.workspace.slug]),
                "partnership": endpoint.partnership.slug if endpoint.partnership else None,
                "data": {"test": True},
            },
            idempotency_key=key_bounded("test", endpoint.pk, uuid.uuid4()),
            next_attempt_at=timezone.now(),
        )
        deliveries_enqueue()
    return delivery


# --- deliveries -----------------------------------------------------------------------------


def delivery_retry(*, membership: Membership, delivery: Delivery) -> Delivery:
    """Send a failed, skipped or waiting delivery now, with a fresh set of attempts."""
    _admin_require(membership)
    if delivery.status in {Delivery.Status.SENT, Delivery.Status.SENDING}:
        label = delivery.get_status_display().lower()
        raise ValidationError({"status": f"This delivery is {label}; there is nothing to retry."})
    now = timezone.now()
    with transaction.atomic():
        claimed = Delivery.objects.filter(pk=delivery.pk, status=delivery.status).update(
            status=Delivery.Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            lease_until=None,
            updated_at=now,
        )
        if not claimed:
            raise ValidationError({"status": "The delivery changed meanwhile; reload and retry."})
        audit_record(
            workspace=delivery.workspace,
            actor=membership.user,
            action="update",
            instance=delivery,
            changes={"status": [delivery.get_status_display(), "Pending (retry)"]},
        )
        deliveries_enqueue()
    delivery.refresh_from_db()
    return delivery
