from django.conf import settings
from django.db import models

from accord.workspaces.models import TenantModel


class Lifecycle(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    FORMING = "forming", "Forming"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


# Which lifecycle moves are allowed (closing is possible from anywhere; reopening is not).
LIFECYCLE_MOVES: dict[str, set[str]] = {
    Lifecycle.PROPOSED: {Lifecycle.FORMING, Lifecycle.CLOSED},
    Lifecycle.FORMING: {Lifecycle.ACTIVE, Lifecycle.PAUSED, Lifecycle.CLOSED},
    Lifecycle.ACTIVE: {Lifecycle.PAUSED, Lifecycle.CLOSED},
    Lifecycle.PAUSED: {Lifecycle.ACTIVE, Lifecycle.CLOSED},
    Lifecycle.CLOSED: set(),
}


class Privacy(models.TextChoices):
    WORKSPACE = "workspace", "Everyone in the workspace"
    MEMBERS = "members", "Partnership members only"


class Partnership(TenantModel):
    """A cross-functional initiative: a charter, two or more functions, people and goals."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=60)
    purpose = models.TextField(blank=True)
    # Charter sections, each edited on its own.
    problem = models.TextField(blank=True)
    scope_in = models.TextField("in scope", blank=True)
    scope_out = models.TextField("out of scope", blank=True)
    success_criteria = models.TextField(blank=True)
    working_agreements = models.TextField(blank=True)
    functions = models.ManyToManyField("org.Function", related_name="partnerships")
    sponsor = models.ForeignKey(
        "org.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="executive sponsor",
    )
    lead = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Lifecycle.choices, default=Lifecycle.PROPOSED)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.WORKSPACE)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="partnership_unique_slug"),
        ]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            # Lists by name (pages and API, 50 at a time) read in index order and stop.
            models.Index(fields=["workspace", "name", "id"], name="partnership_list_order"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnershipMember(TenantModel):
    """A person in a partnership, representing one function."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        CORE = "core", "Core member"
        CONTRIBUTOR = "contributor", "Contributor"
        ADVISOR = "advisor", "Advisor"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    # RESTRICT, not PROTECT: a function with members cannot be deleted on its own, but
    # deleting the whole workspace still cascades through.
    function = models.ForeignKey("org.Function", on_delete=models.RESTRICT, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.CORE)

    class Meta:
        ordering = ["function__name", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "person"], name="partnership_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.partnership_id}"


class StatusChange(TenantModel):
    """One lifecycle move: who moved the partnership, when, from what to what, and why."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=Lifecycle.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Lifecycle.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"
