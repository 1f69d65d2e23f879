"""Surveys: versioned instruments, cycles sent to a partnership or functions, one-time
invitations, and anonymous responses.

Anonymity is structural. A Response holds the answers and the respondent's function and
seniority band only: no user, person, token or timestamp, and a random primary key so row
order says nothing about who answered when. Invitations know who was asked and whether they
answered (for reminders); UsedToken holds the hashes of spent tokens, again with a random key
and no time, so a second response is refused without linking the two tables.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.workspaces.models import TenantModel


class InstrumentKind(models.TextChoices):
    COORDINATION = "coordination", "Coordination between functions"
    PSYCH_SAFETY = "psych_safety", "Psychological safety"
    HEALTH_CHECK = "health_check", "Team health check"
    CUSTOM = "custom", "Custom"


class Instrument(TenantModel):
    """A survey a workspace can run. Built-in instruments are created on first use from the
    wording in accord/surveys/instruments.py; a copy can carry licensed wording."""

    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=14, choices=InstrumentKind.choices)
    description = models.TextField(blank=True)
    built_in = models.BooleanField(default=False)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="instrument_key_once")
        ]

    def __str__(self) -> str:
        return self.name


class InstrumentVersion(TenantModel):
    """The items as they were at one point. Editing an instrument writes a new version; a
    cycle keeps the version it opened with."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    scale_points = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(11)],
        help_text="Agree-scale length for Likert items (psychological safety: 7 or 5).",
    )
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="instrument_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} v{self.number}"


class ItemKind(models.TextChoices):
    LIKERT = "likert", "Agree scale"
    SCALE_0_10 = "scale_0_10", "0–10 scale"
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TEXT = "text", "Open text"
    COORDINATION = "coordination", "Rating of each other function (1–5)"
    HEALTH = "health", "Health vote (green / yellow / red, with a trend)"


class Item(TenantModel):
    # Named `version` like the concurrency counter it replaces (items are never edited in place).
    version = models.ForeignKey(  # type: ignore[assignment]
        InstrumentVersion, on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60, help_text="Stable within the instrument.")
    kind = models.CharField(max_length=14, choices=ItemKind.choices)
    text = models.TextField()
    help_text = models.TextField(blank=True)
    dimension = models.CharField(
        max_length=30, blank=True, help_text="e.g. communication / relationship."
    )
    reverse = models.BooleanField(default=False)
    options = models.JSONField(default=list, blank=True, help_text="Labels in display order.")
    scores = models.JSONField(
        default=list, blank=True, help_text="Score of each option by display position."
    )
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="item_key_once"),
            models.UniqueConstraint(fields=["version", "position"], name="item_position_once"),
        ]

    def __str__(self) -> str:
        return self.key


class Cycle(TenantModel):
    """One administration of an instrument version to a partnership's members or to chosen
    functions, open between two times. Thresholds are copied in and frozen when it opens."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    # Replaces TenantModel's concurrency counter: the API's ETag uses updated_at instead.
    # RESTRICT, not PROTECT: a version a cycle ran cannot be deleted on its own, but deleting
    # the whole workspace still cascades through.
    version = models.ForeignKey(  # type: ignore[assignment]
        InstrumentVersion, on_delete=models.RESTRICT, related_name="cycles"
    )
    title = models.CharField(max_length=200)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_cycles",
    )
    functions = models.ManyToManyField("org.Function", blank=True, related_name="+")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    rate_own_function = models.BooleanField(
        default=False, help_text="Coordination: respondents also rate their own function."
    )
    min_group = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(3)], help_text="k: smallest group shown."
    )
    min_comments = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(3)], help_text="Respondents before comments show."
    )
    frozen_at = models.DateTimeField(null=True, blank=True)
    recur_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_cycles"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_group__gte=3), name="cycle_min_group_at_least_3"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="cycle_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(TenantModel):
    """Who was asked. The raw token travels in the email link only; its SHA-256 is kept."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    function = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    responded = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="survey_invite_once")
        ]

    def __str__(self) -> str:
        return f"invitation {self.uuid}"


class UsedToken(models.Model):
    """A spent token's hash: refuses a second response. No time, no person, random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return "used token"


class SeniorityBand(models.TextChoices):
    CONTRIBUTOR = "contributor", "Individual contributors"
    MANAGER = "manager", "Managers"
    LEADER = "leader", "Directors and executives"


class Response(models.Model):
    """One anonymous response: the respondent's function and seniority band, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="responses")
    function = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    band = models.CharField(max_length=12, choices=SeniorityBand.choices, blank=True)

    def __str__(self) -> str:
        return "response"


class Answer(models.Model):
    """One answer of a response. `value` is the scored number (reverse items stored as
    answered; scoring reverses); `target` is the function rated (coordination); `trend` is the
    health vote's better/same/worse."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # RESTRICT: an answered item stays, unless its whole workspace goes.
    item = models.ForeignKey(Item, on_delete=models.RESTRICT, related_name="+")
    target = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The chosen option's position in display order (1-based)."
    )
    value = models.FloatField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    trend = models.CharField(max_length=6, blank=True)

    class Meta:
        indexes = [models.Index(fields=["item", "target"])]

    def __str__(self) -> str:
        return "answer"


class SurveySettings(TenantModel):
    """Workspace defaults copied into each new cycle."""

    min_group = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(3)])
    min_comments = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(3)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="survey_settings_once"),
            models.CheckConstraint(
                condition=models.Q(min_group__gte=3), name="survey_settings_k_at_least_3"
            ),
        ]

    def __str__(self) -> str:
        return f"survey settings {self.workspace_id}"


class ResultSnapshot(models.Model):
    """The released (already privacy-filtered) everyone-group figures of one closed cycle,
    computed once so that roll-ups and the daily health job need not re-run the anonymity
    release per cycle. ``fingerprint`` names everything the figures depend on (k, comment k,
    instrument version, status and closing time, response count, payload format); a read
    whose fingerprint differs recomputes. Holds only what the live release shows: a
    withheld figure is stored with no value and no n."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="result_snapshot")
    fingerprint = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "cycle"])]

    def __str__(self) -> str:
        return f"Results of cycle {self.cycle_id}"
