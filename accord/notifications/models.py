"""Notifications: what each person is told (the inbox), how it reaches them (deliveries over
email, digest, Slack, Teams and signed webhooks), and what they asked to be told.

A Notification is one event for one person. Deliveries are the attempts to carry it (or a
workspace broadcast) over a transport; each has an idempotency key so a retry or a worker
restart never sends the same thing twice.
"""

from django.conf import settings
from django.db import models

from accord.workspaces.models import TenantModel


class Event(models.TextChoices):
    """Everything Accord can tell someone about. The value is stable (preferences, webhooks
    and API clients refer to it)."""

    MENTION = "mention", "Someone mentioned me"
    ASK = "ask", "An ask is addressed to me"
    ASK_ANSWERED = "ask_answered", "My ask was answered"
    UPDATE_DUE = "update_due", "A status update is due"
    UPDATE_OVERDUE = "update_overdue", "A status update is overdue"
    UPDATE_POSTED = "update_posted", "A status update was posted"
    COMMENT = "comment", "Someone replied to me"
    ACTION_ASSIGNED = "action_assigned", "An action was assigned to me"
    ACTION_OVERDUE = "action_overdue", "My action is overdue"
    DECISION_INPUT = "decision_input", "A decision needs my input"
    DECISION_DECIDED = "decision_decided", "A decision I follow was made"
    DECISION_REVISIT = "decision_revisit", "A decision is due for revisit"
    RACI_CONSULT = "raci_consult", "I am consulted (RACI)"
    RACI_OVERDUE = "raci_overdue", "A deliverable I am accountable for is overdue"
    CONCERN = "concern", "A concern was raised on a change I lead"
    CONFLICT_ASSIGNED = "conflict_assigned", "A conflict involves me"
    CONFLICT_UPDATE = "conflict_update", "A conflict I am part of moved"
    MEETING = "meeting", "A meeting I attend"
    REVIEW_UPCOMING = "review_upcoming", "A review is coming up"
    FEEDBACK = "feedback", "I received feedback"
    KUDOS = "kudos", "I was recognised"
    IDEA = "idea", "An idea I follow moved"
    PROFILE_STALE = "profile_stale", "My function's profile needs a review"
    LEARNING = "learning", "Someone signed up for my learning opportunity"
    SURVEY_INVITATION = "survey_invitation", "A survey invites me"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    DIGEST = "digest", "Digest email"


class Notification(TenantModel):
    """One event for one person: a row in their inbox (if they have a login)."""

    recipient = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_uuid = models.UUIDField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "dedupe_key"], name="inbox_notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "user", "read_at"]),
            models.Index(fields=["workspace", "recipient", "event"]),
        ]

    def __str__(self) -> str:
        return self.subject


class WebhookEndpoint(TenantModel):
    """An incoming-webhook URL of Slack or Teams, or a generic endpoint that receives signed
    JSON. Scoped to one partnership or (partnership empty) the whole workspace."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack incoming webhook"
        TEAMS = "teams", "Microsoft Teams incoming webhook"
        GENERIC = "generic", "Generic webhook (signed JSON)"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100, blank=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
    )
    events = models.JSONField(default=list, blank=True, help_text="Empty means every event.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Delivery(TenantModel):
    """One attempt-tracked send over a transport. At-least-once with an idempotency key: the
    key is unique, a delivery is claimed before sending and marked sent after, and a claimed
    delivery whose worker died is retried once that worker is found dead (or its lease
    expires)."""

    class Transport(models.TextChoices):
        EMAIL = "email", "Email"
        DIGEST = "digest", "Digest email"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Teams"
        WEBHOOK = "webhook", "Webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    transport = models.CharField(max_length=10, choices=Transport.choices)
    event = models.CharField(max_length=30, choices=Event.choices, blank=True)
    target = models.CharField(max_length=500, help_text="Email address or URL.")
    payload = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The `accord worker` holding the lease, so a worker found dead releases it at once.
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.transport} → {self.target} ({self.status})"


class Preference(TenantModel):
    """A user's choice for one event: in the inbox, by email straight away, in the digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)
    digest = models.BooleanField(default=False)

    class Meta:
        ordering = ["event"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "event"], name="notification_pref_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.event}"


class Subscription(TenantModel):
    """Per user and workspace: digest frequency, the unsubscribe token for email links, and
    the calendar feed token (stored as a SHA-256 hash; the URL is shown when it is made)."""

    class Digest(models.TextChoices):
        NONE = "none", "No digest"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly (Mondays)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_subs"
    )
    digest = models.CharField(max_length=10, choices=Digest.choices, default=Digest.WEEKLY)
    email_paused = models.BooleanField(default=False)
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    calendar_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="notification_sub_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"
