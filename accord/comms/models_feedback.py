"""Constructive feedback, kudos (recognition) and ideas across functions."""

from django.db import models
from django.db.models.functions import Lower

from accord.workspaces.models import TenantModel


class Value(TenantModel):
    """A value the organization recognises people for (kudos are tagged with one)."""

    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="value_unique_name_ci")
        ]

    def __str__(self) -> str:
        return self.name


class Feedback(TenantModel):
    """Situation–behaviour–impact feedback with a request. Private to giver and receiver unless
    the giver shares it."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private (giver and receiver)"
        # A person's or function's feedback is then shared with the workspace; a
        # partnership's with everyone who can see the partnership.
        SHARED = "shared", "Shared openly"

    giver = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    to_person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_function = models.ForeignKey(
        "org.Function", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    situation = models.TextField()
    behaviour = models.TextField()
    impact = models.TextField()
    request = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    acted_on_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "visibility"])]

    def __str__(self) -> str:
        return f"Feedback {self.uuid}"


class Kudos(TenantModel):
    giver = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    receiver = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kudos",
    )
    value = models.ForeignKey(
        Value, on_delete=models.SET_NULL, null=True, blank=True, related_name="kudos"
    )
    message = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "kudos"
        indexes = [models.Index(fields=["workspace", "created_at"])]

    def __str__(self) -> str:
        return self.message[:60]


class Idea(TenantModel):
    class Stage(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        DISCUSSING = "discussing", "Under discussion"
        EXPERIMENT = "experiment", "Experiment running"
        ADOPTED = "adopted", "Adopted"
        PARKED = "parked", "Parked"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="ideas"
    )
    author = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    problem = models.TextField()
    proposal = models.TextField()
    expected_impact = models.TextField(blank=True)
    functions = models.ManyToManyField("org.Function", blank=True, related_name="+")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PROPOSED)
    anonymous_voting = models.BooleanField(default=False)
    experiment = models.TextField(
        blank=True, help_text="What is being tried, and how it is judged."
    )
    goal = models.ForeignKey(
        "goals.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "stage"])]

    def __str__(self) -> str:
        return self.title


class IdeaVote(TenantModel):
    """One vote per person; on anonymous ideas the voter is never shown (only the count)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["idea", "person"], name="idea_vote_once")]

    def __str__(self) -> str:
        return f"vote {self.idea_id}"


class IdeaComment(TenantModel):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
