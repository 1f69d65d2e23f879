"""Shared knowledge: "ask me about" topics, a resource library and learning opportunities.

Skills and proficiency live in accord.org (Skill, PersonSkill)."""

from django.db import models

from accord.workspaces.models import TenantModel


class ExpertiseTopic(TenantModel):
    """A topic someone is happy to be asked about."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(max_length=120)

    class Meta:
        ordering = ["topic"]
        constraints = [
            models.UniqueConstraint(fields=["person", "topic"], name="topic_once_per_person")
        ]

    def __str__(self) -> str:
        return self.topic


class Resource(TenantModel):
    class Kind(models.TextChoices):
        LINK = "link", "Link"
        NOTE = "note", "Note"
        TEMPLATE = "template", "Template"
        PLAYBOOK = "playbook", "Playbook"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LINK)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    added_by = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class LearningOpportunity(TenantModel):
    class Kind(models.TextChoices):
        SHADOWING = "shadowing", "Shadowing"
        ROTATION = "rotation", "Rotation"
        MENTORING = "mentoring", "Mentoring"
        TALK = "talk", "Talk or workshop"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FULL = "full", "Full"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    host = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    function = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning",
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "learning opportunities"

    def __str__(self) -> str:
        return self.title


class LearningSignup(TenantModel):
    opportunity = models.ForeignKey(
        LearningOpportunity, on_delete=models.CASCADE, related_name="signups"
    )
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "person"], name="signup_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.opportunity_id}"
