"""Notifications over the API, with the same rules as the pages: every member reads and
marks only their own inbox and preferences; webhooks and the delivery log are for admins."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, PatchSchema, UUIDPath, paginate
from accord.notifications import actions, selectors
from accord.notifications.delivery import event_label
from accord.notifications.models import Delivery, Event, Notification, Subscription
from accord.notifications.models import WebhookEndpoint as Endpoint
from accord.notifications.transports import delivery_key
from accord.partnerships.selectors import partnership_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    EventName = str
    DigestFrequency = str
    WebhookKind = str
    DeliveryStatus = str
    DeliveryTransport = str
else:
    EventName = Literal[tuple(Event.values)]
    DigestFrequency = Literal[tuple(Subscription.Digest.values)]
    WebhookKind = Literal[tuple(Endpoint.Kind.values)]
    DeliveryStatus = Literal[tuple(Delivery.Status.values)]
    DeliveryTransport = Literal[tuple(Delivery.Transport.values)]

router = Router(tags=["Notifications"])


# --- shapes ---------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: UUID
    event: EventName
    event_label: str
    subject: str
    body: str
    url: str = Field(description="Path of what it is about, in this site (may be empty).")
    read: bool
    read_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_event_label(obj: Any) -> str:
        return str(obj.get_event_display())

    @staticmethod
    def resolve_read(obj: Any) -> bool:
        return obj.read_at is not None


class NotificationFilterParams(Schema):
    unread: bool = Field(False, description="Only unread notifications.")
    event: EventName | None = Field(None, description="Only this event.")


class UnreadOut(Schema):
    unread: int


class ReadAllIn(Schema):
    event: EventName | None = Field(None, description="Only this event's; all when left out.")


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    event: EventName
    label: str
    in_app: bool
    email: bool = Field(description="Email straight away.")
    digest: bool = Field(description="In the daily or weekly digest (if not emailed).")


class PreferencesOut(Schema):
    digest: DigestFrequency = Field(description="none, daily or weekly (Mondays).")
    email_paused: bool = Field(description="No email at all from this workspace.")
    events: list[PreferenceOut]


class PreferenceIn(Schema):
    event: EventName
    in_app: bool
    email: bool
    digest: bool


class PreferencesIn(Schema):
    digest: DigestFrequency
    email_paused: bool = False
    events: list[PreferenceIn] = Field(
        default_factory=list, description="Events left out keep their current choice."
    )


class NotificationPartnershipRef(Schema):
    slug: str
    name: str


class WebhookOut(Schema):
    id: UUID
    name: str
    kind: WebhookKind
    url: str
    secret: str = Field(description="Signing secret of a generic webhook (empty otherwise).")
    partnership: NotificationPartnershipRef | None = Field(description="Null: the whole workspace.")
    events: list[EventName] = Field(description="Empty: every event.")
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class WebhookIn(Schema):
    name: str = Field(max_length=120)
    kind: WebhookKind
    url: str = Field(max_length=500, description="http(s) URL of the endpoint.")
    partnership: str | None = Field(None, description="Partnership slug; null for all.")
    events: list[EventName] = Field(default_factory=list, description="Empty for every event.")
    active: bool = True


class WebhookUpdate(PatchSchema):
    NULLABLE = frozenset({"partnership", "version"})

    name: str | None = Field(None, max_length=120)
    kind: WebhookKind | None = None
    url: str | None = Field(None, max_length=500)
    partnership: str | None = None
    events: list[EventName] | None = None
    active: bool | None = None
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class DeliveryOut(Schema):
    id: UUID
    key: str = Field(description="Stable across retries: X-Accord-Delivery / Message-ID.")
    transport: DeliveryTransport
    event: str = Field(description="The event, or empty for digests and tests.")
    event_label: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    sent_at: datetime | None
    webhook: UUID | None
    notification: UUID | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_key(obj: Any) -> str:
        return delivery_key(obj.idempotency_key)

    @staticmethod
    def resolve_event_label(obj: Any) -> str:
        if obj.transport == Delivery.Transport.DIGEST:
            return "Digest"
        return event_label(obj.event)

    @staticmethod
    def resolve_webhook(obj: Any) -> Any:
        return obj.endpoint.uuid if obj.endpoint is not None else None

    @staticmethod
    def resolve_notification(obj: Any) -> Any:
        return obj.notification.uuid if obj.notification is not None else None


class DeliveryFilterParams(Schema):
    status: DeliveryStatus | None = None
    transport: DeliveryTransport | None = None
    webhook: UUID | None = Field(None, description="Only this webhook's deliveries.")


# --- the inbox ------------------------------------------------------------------------------


@router.get("/notifications", response=Page[NotificationOut])
def list_notifications(
    request: HttpRequest, filters: Query[NotificationFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """List your own notifications in this workspace, unread first, newest first."""
    rows = selectors.notification_list(
        membership=membership_of(request),
        filters=selectors.InboxFilters(unread_only=filters.unread, event=filters.event),
    )
    return paginate(request, rows, page)


@router.get("/notifications/unread-count", response=UnreadOut)
def notification_unread_count(request: HttpRequest) -> dict[str, int]:
    """How many of your notifications are unread (the inbox bell)."""
    membership = membership_of(request)
    return {"unread": selectors.unread_count(workspace=membership.workspace, user=membership.user)}


@router.post("/notifications/read-all", response=MarkedOut)
def read_all_notifications(request: HttpRequest, payload: ReadAllIn) -> dict[str, int]:
    """Mark all your unread notifications read (or only one event's)."""
    marked = actions.notifications_read_all(membership=membership_of(request), event=payload.event)
    return {"marked": marked}


def _notification(membership: Membership, notification_id: str) -> Notification:
    return selectors.notification_get(membership=membership, uuid=notification_id)


@router.get("/notifications/{notification_id}", response=NotificationOut)
def get_notification(request: HttpRequest, notification_id: UUIDPath) -> Notification:
    """One of your notifications (anyone else's answers 404)."""
    return _notification(membership_of(request), notification_id)


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request: HttpRequest, notification_id: UUIDPath) -> Notification:
    """Mark one of your notifications read."""
    membership = membership_of(request)
    found = _notification(membership, notification_id)
    return actions.notification_read(membership=membership, notification=found)


@router.post("/notifications/{notification_id}/unread", response=NotificationOut)
def unread_notification(request: HttpRequest, notification_id: UUIDPath) -> Notification:
    """Mark one of your notifications unread again."""
    membership = membership_of(request)
    found = _notification(membership, notification_id)
    return actions.notification_read(membership=membership, notification=found, read=False)


# --- preferences ----------------------------------------------------------------------------


def _preferences(membership: Membership) -> dict[str, Any]:
    subscription = selectors.subscription_get(membership=membership)
    return {
        "digest": subscription.digest if subscription else Subscription.Digest.WEEKLY,
        "email_paused": subscription.email_paused if subscription else False,
        "events": [
            row
            for group in selectors.preference_groups(membership=membership)
            for row in group.rows
        ],
    }


@router.get("/notification-preferences", response=PreferencesOut)
def get_notification_preferences(request: HttpRequest) -> dict[str, Any]:
    """Your choices per event (in the app, email now, digest), digest frequency and pause."""
    return _preferences(membership_of(request))


@router.put("/notification-preferences", response=PreferencesOut)
def set_notification_preferences(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    """Change your choices; events left out keep theirs."""
    membership = membership_of(request)
    actions.preferences_save(
        membership=membership,
        choices={
            row.event: {"in_app": row.in_app, "email": row.email, "digest": row.digest}
            for row in payload.events
        },
        digest=payload.digest,
        email_paused=payload.email_paused,
    )
    return _preferences(membership)


# --- webhooks (admins) ----------------------------------------------------------------------


def _partnership(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    resolved = dict(fields)
    slug = resolved.get("partnership")
    if slug is not None:
        try:
            resolved["partnership"] = partnership_get(membership=membership, slug=slug)
        except Http404:
            raise ValidationError(
                {"partnership": f"No partnership “{slug}” you can see."}
            ) from None
    return resolved


def _webhook(membership: Membership, webhook_id: str) -> Endpoint:
    return selectors.webhook_get(membership=membership, uuid=webhook_id)


@router.get("/webhooks", response=Page[WebhookOut])
def list_webhooks(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The workspace's Slack, Teams and generic webhooks. Needs admin."""
    membership = role_require(request, "admin")
    return paginate(request, selectors.webhook_list(membership=membership), page)


@router.post("/webhooks", response={201: WebhookOut})
def create_webhook(
    request: HttpRequest, payload: WebhookIn, response: HttpResponse
) -> Status[Endpoint]:
    """Connect a webhook. A generic one gets a signing secret (in the answer). Needs admin."""
    membership = role_require(request, "admin")
    fields = _partnership(membership, payload.model_dump())
    created = actions.webhook_create(membership=membership, **fields)
    etag_set(response, created.version)
    response["Location"] = reverse("api:get_webhook", args=[created.uuid])
    return Status(201, created)


@router.get("/webhooks/{webhook_id}", response=WebhookOut)
def get_webhook(request: HttpRequest, webhook_id: UUIDPath, response: HttpResponse) -> Endpoint:
    """One webhook. The ETag header carries its version. Needs admin."""
    endpoint = _webhook(role_require(request, "admin"), webhook_id)
    etag_set(response, endpoint.version)
    return endpoint


@router.patch("/webhooks/{webhook_id}", response=WebhookOut)
def update_webhook(
    request: HttpRequest, webhook_id: UUIDPath, payload: WebhookUpdate, response: HttpResponse
) -> Endpoint:
    """Change a webhook; only the fields sent change. Needs admin."""
    membership = role_require(request, "admin")
    endpoint = _webhook(membership, webhook_id)
    if_match_check(request, endpoint.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, endpoint.version)
    changes = _partnership(membership, changes)
    actions.webhook_update(
        membership=membership, endpoint=endpoint, expected_version=expected, **changes
    )
    etag_set(response, endpoint.version)
    return endpoint


@router.delete("/webhooks/{webhook_id}", response={204: None})
def delete_webhook(request: HttpRequest, webhook_id: UUIDPath) -> Status[None]:
    """Disconnect a webhook (its delivery log goes with it). Needs admin."""
    membership = role_require(request, "admin")
    endpoint = _webhook(membership, webhook_id)
    if_match_check(request, endpoint.version)
    actions.webhook_delete(membership=membership, endpoint=endpoint)
    return Status(204, None)


@router.post("/webhooks/{webhook_id}/test", response={202: DeliveryOut})
def test_webhook(request: HttpRequest, webhook_id: UUIDPath) -> Status[Delivery]:
    """Queue a test message to the webhook; follow it in the delivery log. Needs admin."""
    membership = role_require(request, "admin")
    delivery = actions.webhook_test_send(
        membership=membership, endpoint=_webhook(membership, webhook_id)
    )
    return Status(202, selectors.delivery_get(membership=membership, uuid=delivery.uuid))


@router.post("/webhooks/{webhook_id}/secret", response=WebhookOut)
def rotate_webhook_secret(request: HttpRequest, webhook_id: UUIDPath) -> Endpoint:
    """Replace a generic webhook's signing secret (the old one stops verifying). Needs admin."""
    membership = role_require(request, "admin")
    endpoint = _webhook(membership, webhook_id)
    actions.webhook_secret_rotate(membership=membership, endpoint=endpoint)
    return endpoint


# --- deliveries (admins) --------------------------------------------------------------------


@router.get("/deliveries", response=Page[DeliveryOut])
def list_deliveries(
    request: HttpRequest, filters: Query[DeliveryFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """The delivery log (emails, digests, webhook posts), newest first. Needs admin."""
    membership = role_require(request, "admin")
    rows = selectors.delivery_list(
        membership=membership,
        filters=selectors.DeliveryFilters(
            status=filters.status,
            transport=filters.transport,
            webhook=str(filters.webhook) if filters.webhook else None,
        ),
    )
    return paginate(request, rows, page)


@router.get("/deliveries/{delivery_id}", response=DeliveryOut)
def get_delivery(request: HttpRequest, delivery_id: UUIDPath) -> Delivery:
    """One delivery with its attempts and last error. Needs admin."""
    return selectors.delivery_get(membership=role_require(request, "admin"), uuid=delivery_id)


@router.post("/deliveries/{delivery_id}/retry", response=DeliveryOut)
def retry_delivery(request: HttpRequest, delivery_id: UUIDPath) -> Delivery:
    """Send a failed, skipped or waiting delivery now, with fresh attempts. Needs admin."""
    membership = role_require(request, "admin")
    delivery = selectors.delivery_get(membership=membership, uuid=delivery_id)
    actions.delivery_retry(membership=membership, delivery=delivery)
    return selectors.delivery_get(membership=membership, uuid=delivery_id)
