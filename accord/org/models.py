from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from accord.workspaces.models import TenantModel


class Seniority(models.IntegerChoices):
    """Ordered: a larger value is more senior. Voice-equity metrics compare these levels."""

    IC = 1, "Individual contributor"
    SENIOR_IC = 2, "Senior individual contributor"
    MANAGER = 3, "Manager"
    DIRECTOR = 4, "Director"
    EXECUTIVE = 5, "Executive"


SENIORITY_SHORT = {1: "IC", 2: "Senior IC", 3: "Manager", 4: "Director", 5: "Executive"}


class Function(TenantModel):
    """A functional area of the business (Sales, Finance, …)."""

    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="function_unique_name_ci")
        ]

    def __str__(self) -> str:
        return self.name


class Skill(TenantModel):
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="skill_unique_name_ci")
        ]

    def __str__(self) -> str:
        return self.name


class Person(TenantModel):
    """Someone in the organization. May or may not have a login (user)."""

    name = models.CharField(max_length=150)
    email = models.EmailField()
    title = models.CharField(max_length=120, blank=True)
    seniority = models.PositiveSmallIntegerField(choices=Seniority.choices, default=Seniority.IC)
    function = models.ForeignKey(
        Function, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    location = models.CharField(max_length=120, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    skills = models.ManyToManyField(Skill, through="PersonSkill", related_name="people")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="person_unique_email"),
        ]
        indexes = [
            models.Index(fields=["workspace", "name"]),
            models.Index(fields=["workspace", "function"]),
            models.Index(fields=["workspace", "seniority"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def seniority_short(self) -> str:
        """A compact label for tables: 'Senior IC' rather than the full level name."""
        return SENIORITY_SHORT.get(self.seniority, "")

    @property
    def initials(self) -> str:
        """'Alice Archer' → 'AA', for avatars."""
        from accord.accounts.models import initials_of

        return initials_of(self.name)


class PersonSkill(TenantModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="person_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="person_skills")
    proficiency = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 = learning, 3 = working, 5 = expert",
    )

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="person_skill_unique"),
            models.CheckConstraint(
                condition=models.Q(proficiency__gte=1, proficiency__lte=5),
                name="person_skill_proficiency_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.skill_id} ({self.proficiency})"


class ImportBatch(TenantModel):
    """An uploaded people file between preview and apply, kept server-side and owned by the
    uploader, so the rows that are applied are exactly the rows that were checked."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Ready to review"
        QUEUED = "queued", "Waiting for a worker"
        APPLYING = "applying", "Importing"
        APPLIED = "applied", "Imported"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    columns = models.JSONField(default=list)
    ignored_columns = models.JSONField(default=list)
    # [[row number, {column: text}, [problems]], …]; emptied once applied.
    rows = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    create_missing_functions = models.BooleanField(default=False)
    valid_only = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    result = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "created_by"]),
            models.Index(fields=["workspace", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"Import of {self.filename}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.APPLIED, self.Status.FAILED}
