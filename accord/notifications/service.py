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
from django.utils import timezone

from accord.notifications.models import Delivery, Event, Notification, Preference, Subscription
from accord.notifications.models import WebhookEndpoint as Endpoint
from accord.org.models import Person
from accord.partnerships.models import Privacy
from accord.workspaces.models import Membership

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


def key_bounded(*parts: Any) -> str:
    """A dedupe key of bounded length: readable when short, hashed when long."""
    text = ":".join(str(p) for p in parts)
    if len(text) <= 200:
        return text
    return text[:120] + ":" + hashlib.sha256(text.encode()).hexdigest()


def _send_queued() -> None:
    from accord.notifications.tasks import deliveries_send

    deliveries_send.enqueue()


def deliveries_enqueue() -> None:
    """Have the worker send after commit: one job per transaction, however many deliveries
    it wrote (a rolled-back transaction drops its callback, and with it this marker)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _send_queued for _sids, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_send_queued)


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
    direct_link: bool = False,
) -> list[Notification]:
    """Tell each recipient once about this occurrence (`key` names it: the same event and key
    never notify a person twice). People in `exclude` (usually the actor) are skipped.
    Returns the notifications that are new.

    Email goes to recipients with a login in this workspace (to the address they sign in
    with): every link in it needs sign-in, and preferences and unsubscribing are per account.
    With `direct_link` (the url works without signing in, e.g. a survey's one-time link),
    people without a login are emailed at their directory address too, with that url.
    """
    skip = {p.pk for p in exclude}
    people = {p.pk: p for p in recipients if p.pk not in skip}
    if not people:
        return []
    user_ids: set[Any] = {p.user_id for p in people.values() if p.user_id}
    prefs: dict[Any, Preference] = {}
    addresses: dict[Any, str] = {}
    if user_ids:  # people without a login get a record only: nobody can sign in to read it
        prefs = {
            p.user_id: p
            for p in Preference.objects.filter(
                workspace=workspace, user_id__in=user_ids, event=event
            )
        }
        # Members who have not paused email, with the address they sign in with.
        paused = Subscription.objects.filter(
            workspace=workspace, user=models.OuterRef("user"), email_paused=True
        )
        addresses = dict(
            Membership.objects.filter(workspace=workspace, user_id__in=user_ids)
            .exclude(models.Exists(paused))
            .values_list("user_id", "user__email")
        )
    object_type = about._meta.label_lower if about is not None else ""
    object_uuid = getattr(about, "uuid", None)
    rows = []
    emailed: dict[Any, str] = {}  # notification uuid -> address
    for person in people.values():
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
            dedupe_key=key_bounded(event, key, person.pk),
            in_app=wants["in_app"] and person.user_id is not None,
        )
        rows.append(row)
        address = addresses.get(person.user_id)
        if wants["email"] and address:
            emailed[row.uuid] = address
        elif direct_link and person.user_id is None and person.email and url:
            emailed[row.uuid] = person.email
    # The unique (workspace, dedupe_key) drops occurrences already recorded, even by a
    # concurrent transaction. The rows that went in are the ones carrying the uuids made here
    # (ignore_conflicts leaves primary keys unset, so they are read back).
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    fresh = list(Notification.objects.filter(uuid__in=[row.uuid for row in rows]).order_by("pk"))
    now = timezone.now()
    deliveries = [
        Delivery(
            workspace=workspace,
            notification=note,
            transport=Delivery.Transport.EMAIL,
            event=event,
            target=emailed[note.uuid],
            payload={"direct": True} if note.user_id is None else {},
            idempotency_key=key_bounded("email", workspace.pk, note.dedupe_key),
            next_attempt_at=now,
        )
        for note in fresh
        if note.uuid in emailed
    ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        deliveries_enqueue()
    return fresh


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
    workspace-wide ones). Returns how many deliveries were queued.

    News of a members-only partnership goes to that partnership's own webhooks only: a
    workspace-wide channel reaches people who may not see the partnership."""
    if partnership is None:
        scope = models.Q(partnership__isnull=True)
    elif partnership.privacy != Privacy.WORKSPACE:
        scope = models.Q(partnership=partnership)
    else:
        scope = models.Q(partnership__isnull=True) | models.Q(partnership=partnership)
    endpoints = Endpoint.objects.filter(workspace=workspace, active=True).filter(scope)
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
            idempotency_key=key_bounded("hook", endpoint.pk, event, key),
            next_attempt_at=timezone.now(),
        )
        for endpoint in endpoints
        if not endpoint.events or event in endpoint.events
    ]
    if not rows:
        return 0
    before = Delivery.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows]).count()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    deliveries_enqueue()
    return len(rows) - before
