"""A partnership's communication plan: channels in use, cadences, who to contact for what."""

from django.db import models

from accord.workspaces.models import TenantModel


class ChannelKind(models.TextChoices):
    CHAT = "chat", "Chat channel"
    EMAIL_LIST = "email_list", "Email list"
    MEETING = "meeting", "Standing meeting"
    SHARED_DOC = "shared_doc", "Shared document"
    DASHBOARD = "dashboard", "Dashboard"
    OTHER = "other", "Other"


class CommChannel(TenantModel):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="comm_channels"
    )
    kind = models.CharField(max_length=12, choices=ChannelKind.choices)
    name = models.CharField(max_length=120)
    url = models.URLField(max_length=500, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Cadence(TenantModel):
    """A rhythm the partnership keeps: a weekly async update, a monthly review, a QBR…

    `kind` says what satisfies it: update cadences are met by status updates, the others by
    meetings held (linked through Meeting.cadence)."""

    class Kind(models.TextChoices):
        WEEKLY_UPDATE = "weekly_update", "Weekly async update"
        MONTHLY_REVIEW = "monthly_review", "Monthly review"
        QBR = "qbr", "Quarterly business review"
        CUSTOM_UPDATE = "custom_update", "Custom update cadence"
        CUSTOM_MEETING = "custom_meeting", "Custom meeting cadence"

    class Unit(models.TextChoices):
        DAY = "day", "days"
        WEEK = "week", "weeks"
        MONTH = "month", "months"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="cadences"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=120)
    interval = models.PositiveSmallIntegerField(default=1)
    unit = models.CharField(max_length=5, choices=Unit.choices, default=Unit.WEEK)
    starts_on = models.DateField()
    next_due = models.DateField()
    grace_days = models.PositiveSmallIntegerField(default=2)
    owner = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.ForeignKey(
        CommChannel, on_delete=models.SET_NULL, null=True, blank=True, related_name="cadences"
    )
    meeting_time = models.TimeField(null=True, blank=True)
    meeting_minutes = models.PositiveSmallIntegerField(default=60)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["next_due", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_update(self) -> bool:
        return self.kind in (self.Kind.WEEKLY_UPDATE, self.Kind.CUSTOM_UPDATE)


class ContactEntry(TenantModel):
    """ "Who to contact for what": per function, a topic and the person (or alias) to ask."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="contacts"
    )
    function = models.ForeignKey("org.Function", on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=200)
    person = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact = models.CharField(max_length=200, blank=True, help_text="Alias, queue or channel.")
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["function__name", "topic"]

    def __str__(self) -> str:
        return self.topic
