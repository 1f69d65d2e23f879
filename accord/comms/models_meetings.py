"""Meetings: attendees, agenda, notes, captured outcomes and contribution tallies."""

from django.db import models

from accord.org.models import SENIORITY_SHORT
from accord.workspaces.models import TenantModel


class Meeting(TenantModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="meetings"
    )
    cadence = models.ForeignKey(
        "comms.Cadence", on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(max_length=300, blank=True, help_text="Room or video link.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    organizer = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note_taker = models.ForeignKey(
        "org.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Keeps the notes and the contribution tally.",
    )
    notes = models.TextField(blank=True)
    decisions = models.ManyToManyField("governance.Decision", blank=True, related_name="meetings")
    actions = models.ManyToManyField("governance.ActionItem", blank=True, related_name="meetings")
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE.")

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["workspace", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class MeetingAttendee(TenantModel):
    """An invited person, with their function and seniority as they were at the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    function = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seniority = models.PositiveSmallIntegerField()
    attended = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attend_once")]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.meeting_id}"

    @property
    def seniority_short(self) -> str:
        """The level they held at the meeting, e.g. 'Director'."""
        return SENIORITY_SHORT.get(self.seniority, "")


class AgendaItem(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Contribution(TenantModel):
    """How many times a person spoke or contributed on an agenda item (the note-taker's tally)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="contributions"
    )
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "person"], name="contribution_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.count}"
