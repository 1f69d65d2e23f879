"""Accountability and decisions: RACI, action items, the decision log with stakeholder input,
change proposals and the conflict register.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.workspaces.models import TenantModel

USER = settings.AUTH_USER_MODEL


class GovernanceSettings(TenantModel):
    """Per-workspace thresholds for the governance rules."""

    raci_load_cap = models.PositiveSmallIntegerField(
        default=5, help_text="Most active deliverables one person should hold as A or R."
    )
    raci_max_consulted = models.PositiveSmallIntegerField(
        default=4, help_text="More C's than this on one row is flagged: each is a two-way loop."
    )
    conflict_stale_days = models.PositiveSmallIntegerField(
        default=14, help_text="A conflict this many days in one stage is flagged as stale."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="governance_settings_one")
        ]

    def __str__(self) -> str:
        return f"Governance settings of {self.workspace_id}"


# --- RACI -----------------------------------------------------------------------------------


class Deliverable(TenantModel):
    """A workstream or deliverable of a partnership: one row of the RACI matrix."""

    class Mode(models.TextChoices):
        RACI = "raci", "RACI"
        DACI = "daci", "DACI (decisions)"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="deliverables"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.RACI)
    goals = models.ManyToManyField("goals.Goal", blank=True, related_name="deliverables")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["partnership", "position", "name"]

    def __str__(self) -> str:
        return self.name


class RaciAssignment(TenantModel):
    """One cell of the matrix: a person's letter on a deliverable (R, A, C, I; DACI uses D)."""

    class Letter(models.TextChoices):
        RESPONSIBLE = "R", "Responsible"
        ACCOUNTABLE = "A", "Accountable / Approver"
        CONSULTED = "C", "Consulted / Contributor"
        INFORMED = "I", "Informed"
        DRIVER = "D", "Driver"

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="assignments"
    )
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    letter = models.CharField(max_length=1, choices=Letter.choices)

    class Meta:
        ordering = ["deliverable", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "person"], name="raci_one_cell")
        ]

    def __str__(self) -> str:
        return f"{self.letter} for {self.person_id} on {self.deliverable_id}"


# --- action items ---------------------------------------------------------------------------


class ActionItem(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="action_items",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, related_name="action_items"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    goal = models.ForeignKey(
        "goals.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "governance.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    conflict = models.ForeignKey(
        "governance.Conflict",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    # Meetings, reviews and recommendations arrive with later issues; they link by type + id.
    source_type = models.CharField(max_length=40, blank=True)
    source_uuid = models.UUIDField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "title"]
        indexes = [
            models.Index(fields=["workspace", "status", "due_date"]),
            models.Index(fields=["workspace", "owner"]),
            # The action list's order (due date, nulls last on PostgreSQL, then title): a page
            # of 50 stops after 50 rows instead of joining and sorting every action.
            models.Index(fields=["workspace", "due_date", "title", "id"], name="action_list_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ActionComment(TenantModel):
    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:40]


# --- decisions ------------------------------------------------------------------------------


class Decision(TenantModel):
    """A decision-log entry. Immutable once decided: later changes supersede it."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        CHANGE = "change", "Change proposal"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for input"
        DECIDED = "decided", "Decided"
        SUPERSEDED = "superseded", "Superseded"
        REVERSED = "reversed", "Reversed"

    class InputMode(models.TextChoices):
        CONSENT = "consent", "Consent (agree / abstain / disagree / block)"
        ADVICE = "advice", "Advice (free input)"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DECISION)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decisions",
    )
    title = models.CharField(max_length=300)
    context = models.TextField(blank=True)
    decision_text = models.TextField("the decision", blank=True)
    rationale = models.TextField(blank=True)
    decider = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, related_name="decisions_owned"
    )
    consulted = models.ManyToManyField("org.Person", blank=True, related_name="+")
    informed = models.ManyToManyField("org.Person", blank=True, related_name="+")
    affected_functions = models.ManyToManyField("org.Function", blank=True, related_name="+")
    goals = models.ManyToManyField("goals.Goal", blank=True, related_name="decisions")
    deliverables = models.ManyToManyField(Deliverable, blank=True, related_name="decisions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    decided_at = models.DateTimeField(null=True, blank=True)
    revisit_by = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    # Opening for input.
    input_mode = models.CharField(
        max_length=8, choices=InputMode.choices, default=InputMode.CONSENT
    )
    input_closes_at = models.DateTimeField(null=True, blank=True)
    hide_responses_until_close = models.BooleanField(default=False)
    allow_anonymous = models.BooleanField(default=False)
    outcome_statement = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            # The decision log in list order: a page of 50 stops after 50 rows.
            models.Index(fields=["workspace", "-created_at", "-id"], name="decision_list_order"),
        ]

    def __str__(self) -> str:
        return self.title


class DecisionOption(TenantModel):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    title = models.CharField(max_length=200)
    pros = models.TextField(blank=True)
    cons = models.TextField(blank=True)
    chosen = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["decision", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class DecisionStakeholder(TenantModel):
    """Someone asked for input on an open decision, for the function they speak for."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="stakeholders")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    function = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "person"], name="stakeholder_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.decision_id}"


class DecisionResponse(TenantModel):
    """A stakeholder's input. Anonymous responses keep no person: only a keyed hash that stops
    a second response, and the function (for coverage by function)."""

    class Position(models.TextChoices):
        AGREE = "agree", "Agree"
        ABSTAIN = "abstain", "Abstain"
        DISAGREE = "disagree", "Disagree"
        BLOCK = "block", "Block"
        ADVICE = "advice", "Advice"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="responses")
    position = models.CharField(max_length=8, choices=Position.choices)
    reason = models.TextField(blank=True)
    person = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    function = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymous = models.BooleanField(default=False)
    responder_hash = models.CharField(max_length=64)
    answer = models.TextField(blank=True, help_text="The decider's answer to this response.")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "responder_hash"], name="one_response_per_stakeholder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position} on {self.decision_id}"


# --- change proposals -----------------------------------------------------------------------


class ChangeProposal(TenantModel):
    """The change-specific part of a decision of kind 'change'."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="change_proposal"
    )
    what_changes = models.TextField()
    benefits = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    rollout_plan = models.TextField(blank=True)
    success_measures = models.TextField(blank=True)
    measure_goals = models.ManyToManyField("goals.Goal", blank=True, related_name="+")
    measure_kpis = models.ManyToManyField("goals.Kpi", blank=True, related_name="+")
    follow_up_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Change: {self.decision_id}"


class ChangeImpact(TenantModel):
    class Level(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    proposal = models.ForeignKey(ChangeProposal, on_delete=models.CASCADE, related_name="impacts")
    function = models.ForeignKey("org.Function", on_delete=models.CASCADE, related_name="+")
    roles = models.CharField(max_length=300, blank=True)
    impact = models.TextField()
    level = models.CharField(max_length=6, choices=Level.choices, default=Level.MEDIUM)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "function"], name="impact_per_function")
        ]

    def __str__(self) -> str:
        return f"{self.level} impact on {self.function_id}"


class Concern(TenantModel):
    """A concern about a change. Every one needs a written response before approval."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ADDRESSED = "addressed", "Addressed"
        ACCEPTED_RISK = "accepted_risk", "Accepted as a risk"
        PLAN_CHANGED = "plan_changed", "Led to a change in the plan"

    proposal = models.ForeignKey(ChangeProposal, on_delete=models.CASCADE, related_name="concerns")
    body = models.TextField()
    raised_by = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    function = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:40]


class ReadinessRating(TenantModel):
    """ADKAR-style readiness of one affected group, before approval or at follow-up."""

    class Phase(models.TextChoices):
        BEFORE = "before", "Before approval"
        FOLLOW_UP = "follow_up", "At follow-up"

    proposal = models.ForeignKey(ChangeProposal, on_delete=models.CASCADE, related_name="readiness")
    function = models.ForeignKey("org.Function", on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.BEFORE)
    awareness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    desire = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    knowledge = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    ability = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reinforcement = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rater_hash = models.CharField(max_length=64)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "phase", "rater_hash"], name="one_rating_per_rater_phase"
            )
        ]

    def __str__(self) -> str:
        return f"Readiness of {self.function_id} ({self.phase})"


# --- conflicts ------------------------------------------------------------------------------


class Conflict(TenantModel):
    class Type(models.TextChoices):
        GOALS = "goals", "Goals"
        RESOURCES = "resources", "Resources"
        PRIORITIES = "priorities", "Priorities"
        PROCESS = "process", "Process"
        ROLES = "roles", "Roles"
        INTERPERSONAL = "interpersonal", "Interpersonal"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class Stage(models.TextChoices):
        RAISED = "raised", "Raised"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        IN_DIALOGUE = "in_dialogue", "In dialogue"
        OPTIONS = "options", "Options"
        RESOLVED = "resolved", "Resolved"
        ESCALATED = "escalated", "Escalated"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=14, choices=Type.choices, default=Type.GOALS)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    private = models.BooleanField(
        default=False,
        help_text="Visible only to the parties, the facilitator, the partnership lead and admins.",
    )
    stage = models.CharField(max_length=14, choices=Stage.choices, default=Stage.RAISED)
    stage_changed_at = models.DateTimeField(auto_now_add=True)
    party_people = models.ManyToManyField("org.Person", blank=True, related_name="+")
    party_functions = models.ManyToManyField("org.Function", blank=True, related_name="+")
    facilitator = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    goals = models.ManyToManyField("goals.Goal", blank=True, related_name="conflict_records")
    decisions = models.ManyToManyField(Decision, blank=True, related_name="conflicts")
    raised_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.CharField(max_length=20, blank=True, help_text="e.g. goal_conflict")
    source_explanation = models.TextField(blank=True)
    agreement = models.TextField(blank=True)
    escalation_reason = models.TextField(blank=True)
    escalated_to = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up_date = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "stage"]),
            # The conflict list, newest first, 50 at a time: read in index order and stop.
            models.Index(fields=["workspace", "-created_at", "-id"], name="conflict_list_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ConflictPerspective(TenantModel):
    """One party's side, recorded separately: what they see and what they need."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="perspectives")
    person = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    function = models.ForeignKey(
        "org.Function", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    perspective = models.TextField()
    interests = models.TextField(blank=True)
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.perspective[:40]


class ConflictOption(TenantModel):
    """A mutual-gain option considered on the way to an agreement."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="options")
    description = models.TextField()
    proposed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    chosen = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.description[:40]


class ConflictStageChange(TenantModel):
    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=14, choices=Conflict.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=14, choices=Conflict.Stage.choices)
    changed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} → {self.to_stage}"
