"""Collaboration-network metadata: imports, identities, interactions and snapshots.

Only metadata is stored: when, from which identity, to which identity, over which kind of
channel. Message bodies, subjects and file names never reach these tables (the importers do
not read them into anything that is saved). Interactions point at identities, not people, so
an identity the admin maps to a person later counts from then on without a re-import; an
unmapped or ignored identity never counts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accord.workspaces.models import TenantModel, Workspace


class NetworkSettings(TenantModel):
    retention_days = models.PositiveIntegerField(default=365)  # 0 = keep everything
    window_days = models.PositiveSmallIntegerField(default=28)
    min_weight = models.PositiveSmallIntegerField(default=1)
    # Local working hours; an interaction outside [start, end) in the sender's time zone is
    # "after hours".
    workday_start = models.PositiveSmallIntegerField(default=8)
    workday_end = models.PositiveSmallIntegerField(default=19)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="network_settings_one_per_workspace")
        ]


class Source(models.TextChoices):
    CSV = "csv", "CSV (timestamp, sender, recipients, channel)"
    SLACK = "slack", "Slack export (zip)"
    MBOX = "mbox", "Email (mbox)"
    EML = "eml", "Email (.eml files, zipped)"
    ICS = "ics", "Calendar (.ics)"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    MEETING = "meeting", "Meeting"
    OTHER = "other", "Other"


class NetworkImport(TenantModel):
    """One uploaded file and what importing it did. Its interactions count only once it is
    done; a cancelled or failed import deletes what it had written."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    source = models.CharField(max_length=8, choices=Source.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    stored_path = models.CharField(max_length=500, blank=True)  # upload, removed when finished
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    progress = models.FloatField(default=0.0)  # 0–1
    progress_label = models.CharField(max_length=120, blank=True)
    rows_read = models.BigIntegerField(default=0)
    events_added = models.BigIntegerField(default=0)
    pairs_added = models.BigIntegerField(default=0)
    duplicates = models.BigIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The same file (by content) is imported once; a failed or cancelled attempt
            # may be repeated.
            models.UniqueConstraint(
                fields=["workspace", "sha256"],
                condition=Q(status__in=["queued", "running", "done"]),
                name="network_import_once_per_file",
            )
        ]


class Identity(TenantModel):
    """An address as the source names someone: an e-mail address or a Slack user. Mapped to a
    person by e-mail (or by the admin); unmatched ones are listed to map or ignore."""

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail address"
        SLACK = "slack", "Slack user"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=320)  # lower-case e-mail, or the Slack user id
    display = models.CharField(max_length=200, blank=True)  # Slack handle/name, for mapping
    email = models.CharField(max_length=320, blank=True)  # a Slack user's e-mail, if exported
    person = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ignored = models.BooleanField(default=False)
    events = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "value"], name="network_identity_unique"
            )
        ]


class Interaction(models.Model):
    """One sender → recipient pair of one event (a message to three people is three rows).
    No uuid and no timestamps of its own: there are millions of these."""

    id = models.BigAutoField(primary_key=True)
    # Indexes cost every insert, and there are millions of inserts: the workspace is covered
    # by the two composite indexes below; sender and recipient are only ever read through a
    # window scan, and deleting an identity (rare) may scan.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    batch = models.ForeignKey(NetworkImport, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField()
    sender = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="+", db_index=False)
    recipient = models.ForeignKey(
        Identity, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.OTHER)
    # Hash of (time, sender, recipient, channel, the source's event id if any): the same
    # event imported again from another file is not counted twice.
    key = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="network_interaction_once")
        ]
        indexes = [models.Index(fields=["workspace", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class NetworkSnapshot(TenantModel):
    """The metrics of one window. ``results`` holds function-level figures (what members
    see, with groups under the minimum size withheld); ``people_results`` person-level ones
    (brokers, overload) for workspace admins only."""

    window_start = models.DateField()
    window_end = models.DateField()
    min_weight = models.PositiveSmallIntegerField(default=1)
    computed_at = models.DateTimeField()
    people = models.PositiveIntegerField(default=0)
    interactions = models.BigIntegerField(default=0)
    ties = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=dict)
    people_results = models.JSONField(default=dict)

    class Meta:
        ordering = ["-window_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "window_start", "window_end", "min_weight"],
                name="network_snapshot_once_per_window",
            )
        ]
