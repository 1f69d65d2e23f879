"""Daily and weekly digest emails: everything unread that was not already emailed.

The daily job queues, for every member whose digest is due (daily: every day; weekly: on
Mondays), one digest delivery listing their unread notifications that are not emailed and
whose event they want in the digest, and marks those notifications digested. A digest is
keyed by its period (the day, or the ISO week), so running the job twice in a period queues
nothing more, and nothing is ever in two digests.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accord.notifications.models import Delivery, Notification, Preference, Subscription
from accord.notifications.service import deliveries_enqueue, event_defaults
from accord.workspaces.models import Membership, Workspace

Digest = Subscription.Digest
# An email on its way (or sent) already told them; a failed or skipped one did not.
EMAIL_TOLD = [Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.SENT]


def digest_period(frequency: str, today: datetime.date) -> str:
    """The period a digest covers: the day, or the ISO week ("2027-W01")."""
    if frequency == Digest.WEEKLY:
        year, week, _day = today.isocalendar()
        return f"{year}-W{week:02d}"
    return today.isoformat()


def digest_frequencies_due(today: datetime.date) -> list[str]:
    """Daily digests go every day; weekly ones on Mondays."""
    return [Digest.DAILY, Digest.WEEKLY] if today.weekday() == 0 else [Digest.DAILY]


def digests_queue(*, today: datetime.date, now: datetime.datetime | None = None) -> int:
    """Queue the digests due today in every workspace; returns how many were queued."""
    now = now or timezone.now()
    return sum(
        workspace_digests_queue(workspace=workspace, today=today, now=now)
        for workspace in Workspace.objects.order_by("pk")
    )


def _candidates(workspace: Workspace, now: datetime.datetime) -> list[Any]:
    emailed = Delivery.objects.filter(
        notification=OuterRef("pk"),
        transport=Delivery.Transport.EMAIL,
        status__in=EMAIL_TOLD,
    )
    member = Membership.objects.filter(workspace=workspace, user=OuterRef("user"))
    return list(
        Notification.objects.filter(
            workspace=workspace,
            user__isnull=False,
            read_at__isnull=True,
            digested_at__isnull=True,
            created_at__lte=now,
        )
        .filter(Exists(member))
        .exclude(Exists(emailed))
        .order_by("created_at", "pk")
        .values("pk", "uuid", "user_id", "user__email", "event")
    )


def _subscriptions(workspace: Workspace, user_ids: set[Any]) -> dict[Any, Subscription]:
    """Every user's subscription, made with the defaults where there is none yet."""
    from accord.notifications.actions import subscription_ensure

    found = {
        s.user_id: s for s in Subscription.objects.filter(workspace=workspace, user_id__in=user_ids)
    }
    for user_id in user_ids - set(found):
        found[user_id] = subscription_ensure(workspace=workspace, user_id=user_id)
    return found


def workspace_digests_queue(
    *, workspace: Workspace, today: datetime.date, now: datetime.datetime
) -> int:
    frequencies = digest_frequencies_due(today)
    candidates = _candidates(workspace, now)
    if not candidates:
        return 0
    by_user: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in candidates:
        by_user[row["user_id"]].append(row)
    with transaction.atomic():
        subscriptions = _subscriptions(workspace, set(by_user))
        wanted = {
            (p.user_id, p.event): p.digest
            for p in Preference.objects.filter(workspace=workspace, user_id__in=set(by_user))
        }
        planned: list[tuple[Delivery, list[int], int]] = []
        for user_id, rows in by_user.items():
            subscription = subscriptions[user_id]
            if subscription.email_paused or subscription.digest not in frequencies:
                continue
            items = [
                row
                for row in rows
                if wanted.get((user_id, row["event"]), event_defaults(row["event"])["digest"])
            ]
            if not items:
                continue
            period = digest_period(subscription.digest, today)
            delivery = Delivery(
                workspace=workspace,
                transport=Delivery.Transport.DIGEST,
                event="",
                target=items[0]["user__email"],
                payload={
                    "subscription": str(subscription.uuid),
                    "frequency": subscription.digest,
                    "period": period,
                    "notifications": [str(row["uuid"]) for row in items],
                },
                idempotency_key=f"digest:{subscription.uuid}:{period}",
                next_attempt_at=now,
            )
            planned.append((delivery, [row["pk"] for row in items], subscription.pk))
        if not planned:
            return 0
        # A digest already queued for this period stays as it was: what came in since
        # waits for the next period instead of being marked digested without being sent.
        taken = set(
            Delivery.objects.filter(
                idempotency_key__in=[d.idempotency_key for d, _ids, _sub in planned]
            ).values_list("idempotency_key", flat=True)
        )
        fresh = [row for row in planned if row[0].idempotency_key not in taken]
        if not fresh:
            return 0
        Delivery.objects.bulk_create([d for d, _ids, _sub in fresh])
        Notification.objects.filter(pk__in=[pk for _d, ids, _sub in fresh for pk in ids]).update(
            digested_at=now
        )
        Subscription.objects.filter(pk__in=[sub for _d, _ids, sub in fresh]).update(
            last_digest_at=now
        )
        deliveries_enqueue()
    return len(fresh)
