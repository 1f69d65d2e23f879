"""Structured async status updates, their asks, comments and acknowledgements."""

from django.db import models

from accord.workspaces.models import TenantModel


class Rag(models.TextChoices):
    GREEN = "green", "Green — on track"
    AMBER = "amber", "Amber — at risk"
    RED = "red", "Red — off track"


class StatusUpdate(TenantModel):
    # RESTRICT, not PROTECT (for both authors): a person who wrote updates or comments cannot
    # be deleted on their own, but deleting the whole workspace still cascades through.
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="status_updates"
    )
    author = models.ForeignKey("org.Person", on_delete=models.RESTRICT, related_name="+")
    cadence = models.ForeignKey(
        "comms.Cadence", on_delete=models.SET_NULL, null=True, blank=True, related_name="updates"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    rag = models.CharField(max_length=5, choices=Rag.choices)
    progress = models.TextField()
    next_steps = models.TextField(blank=True)
    blockers = models.TextField(blank=True)
    goals = models.ManyToManyField("goals.Goal", blank=True, related_name="status_updates")
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "partnership", "posted_at"]),
            # The workspace's feed in list order: a page of 50 stops after 50 rows.
            models.Index(fields=["workspace", "-posted_at", "-id"], name="update_list_order"),
        ]

    def __str__(self) -> str:
        return f"Update {self.period_start}–{self.period_end}"


class Ask(TenantModel):
    """A request in an update, addressed to a person or a function, open until answered."""

    update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="asks")
    text = models.CharField(max_length=500)
    to_person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_function = models.ForeignKey(
        "org.Function", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_person__isnull=False) | models.Q(to_function__isnull=False),
                name="ask_has_addressee",
            )
        ]

    def __str__(self) -> str:
        return self.text


class UpdateComment(TenantModel):
    update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("org.Person", on_delete=models.RESTRICT, related_name="+")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Acknowledgement(TenantModel):
    update = models.ForeignKey(
        StatusUpdate, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["update", "person"], name="acknowledge_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} read {self.update_id}"
