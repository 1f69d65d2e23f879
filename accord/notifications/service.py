"""The one door every area uses to tell people things.

`notify` writes one inbox row per recipient (deduplicated by key, so recording the same event
twice is harmless) and one email delivery for those who want email straight away; `publish`
writes one delivery per matching Slack/Teams/generic webhook of the workspace or partnership.
Both run inside the caller's transaction; sending is enqueued after commit and done by
`accord worker`.
"""

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from accord.notifications.models import Delivery, Event, Notification, Preference, Subscription
from accord.notifications.models import WebhookEndpoint as Endpoint
from accord.org.models import Person

# Events sent by email straight away unless the user says otherwise; the rest go to the
# digest. Things addressed to you personally, or overdue, interrupt; news waits.
EMAIL_BY_DEFAULT = frozenset(
    {
        Event.MENTION,
        Event.ASK,
        Event.ACTION_ASSIGNED,
        Event.ACTION_OVERDUE,
        Event.DECISION_INPUT,
        Event.RACI_CONSULT,
        Event.RACI_OVERDUE,
        Event.CONFLICT_ASSIGNED,
        Event.UPDATE_OVERDUE,
        Event.FEEDBACK,
        Event.SURVEY_INVITATION,
        Event.REVIEW_UPCOMING,
    }
)


def event_defaults(event: str) -> dict[str, bool]:
    """What a user gets for `event` before they change anything."""
    immediate = event in EMAIL_BY_DEFAULT
    return {"in_app": True, "email": immediate, "digest": not immediate}


def _key(*parts: Any) -> str:
    """A dedupe key of bounded length: readable when short, hashed when long."""
    text = ":".join(str(p) for p in parts)
    if len(text) <= 200:
        return text
    return text[:120] + ":" + hashlib.sha256(text.encode()).hexdigest()


def _deliveries_enqueue() -> None:
    from accord.notifications.tasks import deliveries_send

    transaction.on_commit(lambda: deliveries_send.enqueue())


def notify(
    *,
    workspace: Any,
    event: str,
    recipients: Iterable[Person],
    subject: str,
    key: str,
    body: str = "",
    url: str = "",
    about: models.Model | None = None,
    exclude: Iterable[Person] = (),
) -> list[Notification]:
    """Tell each recipient once about this occurrence (`key` names it: the same event and key
    never notify a person twice). People in `exclude` (usually the actor) are skipped.
    Returns the notifications that are new."""
    skip = {p.pk for p in exclude}
    people = {p.pk: p for p in recipients if p.pk not in skip}
    if not people:
        return []
    keys = {pk: _key(event, key, pk) for pk in people}
    seen = set(
        Notification.objects.filter(workspace=workspace, dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    fresh = [pk for pk in people if keys[pk] not in seen]
    if not fresh:
        return []
    user_ids = {people[pk].user_id for pk in fresh if people[pk].user_id}
    prefs = {
        p.user_id: p
        for p in Preference.objects.filter(workspace=workspace, user_id__in=user_ids, event=event)
    }
    paused = set(
        Subscription.objects.filter(
            workspace=workspace, user_id__in=user_ids, email_paused=True
        ).values_list("user_id", flat=True)
    )
    object_type = about._meta.label_lower if about is not None else ""
    object_uuid = getattr(about, "uuid", None)
    rows = []
    emails: list[tuple[Notification, str]] = []
    for pk in fresh:
        person = people[pk]
        pref = prefs.get(person.user_id)
        wants = (
            {"in_app": pref.in_app, "email": pref.email, "digest": pref.digest}
            if pref
            else event_defaults(event)
        )
        row = Notification(
            workspace=workspace,
            recipient=person,
            user_id=person.user_id,
            event=event,
            subject=subject[:300],
            body=body,
            url=url,
            object_type=object_type,
            object_uuid=object_uuid,
            dedupe_key=keys[pk],
            in_app=wants["in_app"] and person.user_id is not None,
        )
        rows.append(row)
        if wants["email"] and person.email and person.user_id not in paused:
            emails.append((row, person.email))
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True)
    # ignore_conflicts leaves pks unset on some backends: read the new rows back by key.
    by_key = {
        n.dedupe_key: n
        for n in Notification.objects.filter(
            workspace=workspace, dedupe_key__in=[r.dedupe_key for r in created]
        )
    }
    deliveries = [
        Delivery(
            workspace=workspace,
            notification=by_key[row.dedupe_key],
            transport=Delivery.Transport.EMAIL,
            event=event,
            target=address,
            idempotency_key=_key("email", workspace.pk, row.dedupe_key),
        )
        for row, address in emails
        if row.dedupe_key in by_key
    ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        _deliveries_enqueue()
    return list(by_key.values())


def publish(
    *,
    workspace: Any,
    event: str,
    key: str,
    subject: str,
    body: str = "",
    url: str = "",
    partnership: Any = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Send a workspace event to the webhooks that want it (the partnership's and the
    workspace-wide ones). Returns how many deliveries were queued."""
    endpoints = Endpoint.objects.filter(workspace=workspace, active=True).filter(
        models.Q(partnership__isnull=True)
        | models.Q(partnership=partnership if partnership is not None else -1)
    )
    transport = {
        Endpoint.Kind.SLACK: Delivery.Transport.SLACK,
        Endpoint.Kind.TEAMS: Delivery.Transport.TEAMS,
        Endpoint.Kind.GENERIC: Delivery.Transport.WEBHOOK,
    }
    payload = {
        "event": event,
        "subject": subject,
        "body": body,
        "url": url,
        "partnership": getattr(partnership, "slug", None),
        "data": data or {},
    }
    rows = [
        Delivery(
            workspace=workspace,
            endpoint=endpoint,
            transport=transport[Endpoint.Kind(endpoint.kind)],
            event=event,
            target=endpoint.url,
            payload=payload,
            idempotency_key=_key("hook", endpoint.pk, event, key),
        )
        for endpoint in endpoints
        if not endpoint.events or event in endpoint.events
    ]
    if not rows:
        return 0
    before = Delivery.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows]).count()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    _deliveries_enqueue()
    return len(rows) - before
