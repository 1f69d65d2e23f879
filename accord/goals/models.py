from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from accord.workspaces.models import TenantModel


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"
    MAINTAIN = "maintain", "Maintain"
    RANGE = "range", "Stay within a range"


class Category(models.TextChoices):
    EFFICIENCY = "efficiency", "Efficiency"
    CUSTOMER = "customer satisfaction", "Customer satisfaction"
    REVENUE = "revenue growth", "Revenue growth"
    QUALITY = "quality", "Quality"
    COST = "cost", "Cost"
    PEOPLE = "people", "People"
    SPEED = "speed", "Speed"


class GoodDirection(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    TARGET = "target", "Closest to a target"


class PushDirection(models.TextChoices):
    INCREASE = "increase", "goes up"
    DECREASE = "decrease", "goes down"


class MetricDefinition(TenantModel):
    """A workspace's own addition to the shipped metric catalog (accord/metrics/data).

    The key never changes once set: goals, KPIs and tensions refer to the metric by it.
    """

    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    synonyms = models.JSONField(default=list, blank=True)
    abbreviations = models.JSONField(default=list, blank=True)
    unit = models.CharField(max_length=20)
    good_direction = models.CharField(max_length=10, choices=GoodDirection.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
    function = models.CharField(max_length=30, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="metric_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class WorkspaceTension(TenantModel):
    """A workspace's own trade-off: pushing metric ``a`` towards ``a_direction`` tends to move
    metric ``b`` towards ``b_direction``, the harmful way for ``b``. Metrics by catalog key."""

    metric_a = models.CharField(max_length=60)
    a_direction = models.CharField(max_length=10, choices=PushDirection.choices)
    metric_b = models.CharField(max_length=60)
    b_direction = models.CharField(max_length=10, choices=PushDirection.choices)
    explanation = models.CharField(max_length=300)

    class Meta:
        ordering = ["metric_a", "metric_b", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "metric_a", "metric_b", "a_direction", "b_direction"],
                name="tension_unique_pattern",
            ),
            models.CheckConstraint(
                condition=~models.Q(metric_a=models.F("metric_b")), name="tension_two_metrics"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric_a} {self.a_direction} → {self.metric_b} {self.b_direction}"


class GoalSettings(TenantModel):
    """Per-workspace goal settings: the status bands on pace (progress ÷ expected progress)."""

    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="goal_settings"
    )
    on_track = models.FloatField(
        default=0.95, help_text="Pace at or above this is on track (0 < at_risk < on_track ≤ 1)."
    )
    at_risk = models.FloatField(
        default=0.75, help_text="Pace at or above this (and below on_track) is at risk."
    )

    class Meta:
        verbose_name = "goal settings"
        verbose_name_plural = "goal settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(at_risk__gt=0)
                & models.Q(at_risk__lt=models.F("on_track"))
                & models.Q(on_track__lte=1),
                name="goal_settings_bands_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"on track ≥ {self.on_track:g}, at risk ≥ {self.at_risk:g}"


class Goal(TenantModel):
    """An objective (with key results), a key result, or a single measurable goal.

    It belongs to a partnership (a shared goal) or to a function, never both.
    """

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", "Objective"
        KEY_RESULT = "key_result", "Key result"
        GOAL = "goal", "Measurable goal"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GOAL)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goals",
    )
    function = models.ForeignKey(
        "org.Function", on_delete=models.CASCADE, null=True, blank=True, related_name="goals"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="key_results",
        help_text="The objective this key result belongs to.",
    )
    supports = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="supported_by",
        help_text="Goals this goal contributes to (alignment links).",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    metric_key = models.CharField(max_length=60, blank=True)
    metric_name = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)
    target_low = models.FloatField(null=True, blank=True)
    target_high = models.FloatField(null=True, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_goals"
    )
    contributing_functions = models.ManyToManyField(
        "org.Function", blank=True, related_name="contributed_goals"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    cadence_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="How often a check-in is expected, in days.",
    )
    budget = models.CharField(max_length=120, blank=True)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )

    class Meta:
        ordering = ["due_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(partnership__isnull=False) & models.Q(function__isnull=False)),
                name="goal_belongs_to_one_home",
            ),
            models.CheckConstraint(
                condition=models.Q(partnership__isnull=False) | models.Q(function__isnull=False),
                name="goal_has_a_home",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            models.Index(fields=["workspace", "owner"]),
            models.Index(fields=["workspace", "metric_key"]),
            # The goal list's order: a page is read in index order, stopping after the page,
            # instead of sorting every goal of the workspace.
            models.Index(fields=["workspace", "due_date", "title", "id"], name="goal_list_order"),
        ]

    def __str__(self) -> str:
        return self.title


class CheckIn(TenantModel):
    """A dated value with the author's confidence and a note."""

    class Confidence(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    value = models.FloatField()
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    confidence_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["goal", "date", "created_at"]
        indexes = [models.Index(fields=["workspace", "goal", "date"])]

    def __str__(self) -> str:
        return f"{self.value} on {self.date}"


class Kpi(TenantModel):
    """A tracked metric of a partnership, chosen from the catalog, with a target band."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="kpis"
    )
    metric_key = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=20, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
    target = models.FloatField(null=True, blank=True)
    target_low = models.FloatField(null=True, blank=True)
    target_high = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "KPI"
        constraints = [
            models.UniqueConstraint(
                "partnership", Lower("metric_key"), name="kpi_unique_metric_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(TenantModel):
    """One value of a KPI on a date. Re-importing the same date replaces the value."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField()
    value = models.FloatField()
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, default="manual")

    class Meta:
        ordering = ["kpi", "date"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "date"], name="measurement_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.value} on {self.date}"
