"""Insights: health snapshots, playbook recommendations, reviews and their packs.

Everything here is derived from what the other areas record. Snapshots freeze a computed
health index per partnership per day, so pages read one row instead of recomputing and
history exists for trends; recommendations remember what a lead decided about a play; a
review freezes its pack when it is generated, so the report shows what the meeting saw.
"""

from django.conf import settings
from django.db import models

from accord.workspaces.models import TenantModel


class InsightSettings(TenantModel):
    """Per-workspace configuration of the health index (weights by component key, see
    accord/metrics/health_index.py DEFAULT_WEIGHTS) and of the decision-velocity target."""

    # {component key: weight ≥ 0}; keys missing here use the default weight.
    weights = models.JSONField(default=dict, blank=True)
    min_covered_share = models.FloatField(default=0.4)
    decision_target_days = models.PositiveSmallIntegerField(default=14)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="insight_settings_one_per_workspace")
        ]


class HealthSnapshot(TenantModel):
    """The health index of one partnership on one day.

    ``components`` is a list of {key, label, value (0–100 or null), weight, effective_weight,
    evidence, status ("ok" | "no data"), freshness_days, trend} in display order;
    ``signals`` the playbook signals (kind, key, value, evidence) read on that day, kept so a
    review can tell whether a signal improved after a play was accepted."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="health_snapshots"
    )
    date = models.DateField()
    score = models.FloatField(null=True, blank=True)
    covered_share = models.FloatField(default=0.0)
    components = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    signals = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["partnership", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "date"], name="health_snapshot_one_per_day"
            )
        ]
        indexes = [
            # Covers the portfolio's 12-week mean trend (workspace, date range, AVG(score)):
            # answered from the index alone, without reading the wide snapshot rows.
            models.Index(fields=["workspace", "date", "score"], name="health_snapshot_trend"),
        ]


class Recommendation(TenantModel):
    """A play the playbook recommends for a partnership, and what its lead decided.

    One row per (partnership, play). The snapshot task refreshes the reasons and evidence
    while the play keeps firing; a snoozed play comes back after ``snoozed_until``; a
    dismissed one stays dismissed (with its reason) until a lead reopens it; an accepted one
    owns the action items made from its steps (ActionItem.source_type = "recommendation")."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        SNOOZED = "snoozed", "Snoozed"
        DISMISSED = "dismissed", "Dismissed"
        CLEARED = "cleared", "No longer signalled"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="recommendations"
    )
    play_key = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reasons = models.JSONField(default=list)
    evidence = models.JSONField(default=list)
    rules = models.JSONField(default=list)
    strength = models.PositiveSmallIntegerField(default=1)
    # The signals that fired when the play was last recommended: {"kind:key": value}.
    baseline_signals = models.JSONField(default=dict)
    first_seen = models.DateField()
    last_seen = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    snoozed_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["partnership", "-strength", "play_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "play_key"], name="recommendation_one_per_play"
            )
        ]
        indexes = [models.Index(fields=["workspace", "status"])]


class Review(TenantModel):
    """A periodic evaluation of a partnership: its period, the pack generated for it, the
    meeting that held it, the feedback of each member, the adjustments agreed."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        PREPARED = "prepared", "Pack ready"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Rhythm(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="reviews"
    )
    cadence = models.ForeignKey(
        "comms.Cadence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        "comms.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    rhythm = models.CharField(max_length=10, choices=Rhythm.choices, default=Rhythm.MONTHLY)
    period_start = models.DateField()
    period_end = models.DateField()
    scheduled_for = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    pack = models.JSONField(default=dict, blank=True)
    pack_generated_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["partnership", "-scheduled_for"]
        indexes = [models.Index(fields=["workspace", "status", "scheduled_for"])]


class ReviewFeedback(TenantModel):
    """What one member said at a review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–5, optional
    went_well = models.TextField(blank=True)
    to_improve = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "person"], name="review_feedback_once")
        ]


class ReviewAdjustment(TenantModel):
    """A change agreed at a review: to a goal, a new action, a cadence change, or other."""

    class Kind(models.TextChoices):
        GOAL_CHANGE = "goal_change", "Goal change"
        NEW_ACTION = "new_action", "New action"
        CADENCE_CHANGE = "cadence_change", "Cadence change"
        OTHER = "other", "Other"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField()
    goal = models.ForeignKey(
        "goals.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.ForeignKey(
        "governance.ActionItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cadence = models.ForeignKey(
        "comms.Cadence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["review", "created_at"]
