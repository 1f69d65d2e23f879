"""Function profiles: "how to work with us" pages partners read."""

from django.db import models

from accord.workspaces.models import TenantModel


class FunctionProfile(TenantModel):
    class Planning(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        SPRINTS = "sprints", "Two-week sprints"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"
        AD_HOC = "ad_hoc", "As needed"

    function = models.OneToOneField(
        "org.Function", on_delete=models.CASCADE, related_name="profile"
    )
    mission = models.TextField(blank=True)
    role_in_business = models.TextField(blank=True)
    owned_kpis = models.JSONField(default=list, blank=True, help_text="Metric catalog keys.")
    planning_cycle = models.CharField(max_length=10, choices=Planning.choices, blank=True)
    working_methods = models.TextField(blank=True)
    busy_periods = models.CharField(max_length=300, blank=True)
    # [{"label": "Quarter-end crunch", "months": [3, 6, 9, 12], "day_from": 15, "day_to": 31}]
    # (no months = every month): what the side-by-side comparison checks for overlaps.
    busy_windows = models.JSONField(default=list, blank=True)
    approval_steps = models.TextField(blank=True)
    preferred_channels = models.JSONField(default=list, blank=True, help_text="ChannelKind values.")
    response_time_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    how_to_ask = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["function__name"]

    def __str__(self) -> str:
        return f"Profile of {self.function_id}"


class FunctionPriority(TenantModel):
    profile = models.ForeignKey(
        FunctionProfile, on_delete=models.CASCADE, related_name="priorities"
    )
    rank = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    detail = models.CharField(max_length=400, blank=True)
    metric_key = models.CharField(
        max_length=60, blank=True, help_text="The catalog metric this priority moves, if any."
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.title
