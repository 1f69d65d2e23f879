"""Reads for the conflict register.

A conflict is visible to whoever may see its partnership (or to everyone in the workspace when
it belongs to none). A private conflict is visible only to its parties (people linked to the
user), its facilitator, the person it was escalated to, the partnership's lead and workspace
admins; everyone else gets a 404 as if it did not exist.
"""

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accord.goals.models import Goal
from accord.goals.selectors import goal_visible
from accord.governance.models import (
    ActionItem,
    Conflict,
    ConflictOption,
    ConflictPerspective,
    ConflictStageChange,
    Decision,
    GovernanceSettings,
)
from accord.metrics.conflict_register import (
    DEFAULT_STALE_DAYS,
    ConflictFacts,
    RegisterSummary,
    register_summary,
)
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import (
    partnership_can_contribute,
    partnership_can_manage,
    partnership_visible_list,
)
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace


def _person_ids(membership: Membership) -> list[int]:
    return list(
        membership.user.people.filter(workspace=membership.workspace).values_list("pk", flat=True)
    )


def conflict_stale_days(*, workspace: Workspace) -> int:
    """Days in one stage after which a conflict is flagged (GovernanceSettings, default 14)."""
    days = (
        GovernanceSettings.objects.filter(workspace=workspace)
        .values_list("conflict_stale_days", flat=True)
        .first()
    )
    return int(days) if days is not None else DEFAULT_STALE_DAYS


def conflict_visible_list(*, membership: Membership) -> QuerySet[Conflict]:
    """Conflicts the member may see in their workspace."""
    conflicts = Conflict.objects.filter(workspace=membership.workspace)
    if membership.can_admin:
        return conflicts
    person_ids = _person_ids(membership)
    partnerships = partnership_visible_list(membership=membership).values("pk")
    open_rule = Q(private=False) & (Q(partnership__isnull=True) | Q(partnership__in=partnerships))
    private_rule = Q(private=True) & (
        Q(party_people__in=person_ids)
        | Q(facilitator_id__in=person_ids)
        | Q(escalated_to_id__in=person_ids)
        | Q(partnership__lead_id__in=person_ids)
    )
    # A subquery, not .distinct(): the party join may repeat rows.
    visible = conflicts.filter(open_rule | private_rule).values("pk")
    return Conflict.objects.filter(workspace=membership.workspace, pk__in=visible)


def _escalated_ever() -> Exists:
    return Exists(
        ConflictStageChange.objects.filter(
            conflict=OuterRef("pk"), to_stage=Conflict.Stage.ESCALATED
        )
    )


def conflict_list(
    *,
    membership: Membership,
    stage: str | None = None,
    type: str | None = None,
    partnership: str | None = None,
    search: str = "",
    open_only: bool = False,
) -> QuerySet[Conflict]:
    """Visible conflicts with their parties and partnership (a constant number of queries)."""
    conflicts = (
        conflict_visible_list(membership=membership)
        .select_related("partnership", "facilitator")
        .prefetch_related(
            Prefetch("party_people", queryset=Person.objects.only("uuid", "name").order_by("name")),
            Prefetch("party_functions", queryset=Function.objects.only("uuid", "name")),
        )
        .annotate(ever_escalated=_escalated_ever())
    )
    if stage:
        conflicts = conflicts.filter(stage=stage)
    if open_only:
        conflicts = conflicts.exclude(stage__in=[Conflict.Stage.RESOLVED, Conflict.Stage.CLOSED])
    if type:
        conflicts = conflicts.filter(type=type)
    if partnership:
        conflicts = conflicts.filter(partnership__slug=partnership)
    if search:
        conflicts = conflicts.filter(Q(title__icontains=search) | Q(description__icontains=search))
    return conflicts.order_by("-created_at", "-pk")


def conflict_detail(*, membership: Membership) -> QuerySet[Conflict]:
    """The queryset a conflict's page and API record resolve from."""
    return (
        conflict_visible_list(membership=membership)
        .select_related(
            "partnership",
            "partnership__lead",
            "partnership__sponsor",
            "facilitator",
            "escalated_to",
            "raised_by",
        )
        .prefetch_related(
            Prefetch("party_people", queryset=Person.objects.select_related("function")),
            Prefetch("party_functions", queryset=Function.objects.order_by("name")),
            Prefetch("goals", queryset=Goal.objects.select_related("owner", "function")),
            Prefetch("decisions", queryset=Decision.objects.only("uuid", "title", "status")),
        )
        .annotate(ever_escalated=_escalated_ever())
    )


def conflict_get(*, membership: Membership, uuid: Any, queryset: Any = None) -> Conflict:
    """One visible conflict, or 404."""
    source = queryset if queryset is not None else conflict_detail(membership=membership)
    found: Conflict = object_get(source, workspace=membership.workspace, uuid=uuid)
    return found


def conflict_can_work(*, membership: Membership, conflict: Conflict) -> bool:
    """Who may move a conflict along and record perspectives and options: admins, the
    partnership's managers, the facilitator, the person it was escalated to, whoever raised
    it, its parties (people, and people of its party functions) and, for conflicts that are not
    private, the partnership's members."""
    if not membership.can_edit:
        return False
    if membership.can_admin or conflict.raised_by_id == membership.user_id:
        return True
    people = list(
        Person.objects.filter(workspace=membership.workspace, user=membership.user).only(
            "pk", "function_id"
        )
    )
    person_ids = {p.pk for p in people}
    if {conflict.facilitator_id, conflict.escalated_to_id} & person_ids:
        return True
    partnership = conflict.partnership
    if partnership is not None and partnership_can_manage(
        membership=membership, partnership=partnership
    ):
        return True
    if conflict.party_people.filter(pk__in=person_ids).exists():
        return True
    function_ids = {p.function_id for p in people if p.function_id}
    if conflict.party_functions.filter(pk__in=function_ids).exists():
        return True
    return (
        not conflict.private
        and partnership is not None
        and partnership_can_contribute(membership=membership, partnership=partnership)
    )


def conflict_perspective_list(*, conflict: Conflict) -> QuerySet[ConflictPerspective]:
    return (
        ConflictPerspective.objects.filter(workspace=conflict.workspace, conflict=conflict)
        .select_related("person", "function", "author")
        .order_by("created_at", "pk")
    )


def conflict_option_list(*, conflict: Conflict) -> QuerySet[ConflictOption]:
    return (
        ConflictOption.objects.filter(workspace=conflict.workspace, conflict=conflict)
        .select_related("proposed_by")
        .order_by("created_at", "pk")
    )


def conflict_stage_change_list(*, conflict: Conflict) -> QuerySet[ConflictStageChange]:
    return (
        ConflictStageChange.objects.filter(workspace=conflict.workspace, conflict=conflict)
        .select_related("changed_by")
        .order_by("created_at", "pk")
    )


def conflict_action_item_list(*, conflict: Conflict) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(workspace=conflict.workspace, conflict=conflict)
        .select_related("owner")
        .order_by("due_date", "title", "pk")
    )


def conflict_open_for_goals(
    *, membership: Membership, goal_a: Goal, goal_b: Goal
) -> Conflict | None:
    """A visible conflict record, not closed, linking both goals (to avoid a duplicate)."""
    return (
        conflict_visible_list(membership=membership)
        .exclude(stage=Conflict.Stage.CLOSED)
        .filter(goals=goal_a)
        .filter(goals=goal_b)
        .order_by("-created_at")
        .first()
    )


# --- choices for forms ------------------------------------------------------------------------


def conflict_goal_choices(*, membership: Membership) -> QuerySet[Goal]:
    return goal_visible(membership=membership).only("uuid", "title").order_by("title")


def conflict_decision_choices(*, membership: Membership) -> QuerySet[Decision]:
    partnerships = partnership_visible_list(membership=membership).values("pk")
    return (
        Decision.objects.filter(workspace=membership.workspace)
        .filter(Q(partnership__isnull=True) | Q(partnership__in=partnerships))
        .only("uuid", "title")
        .order_by("title")
    )


def conflict_partnership_choices(*, membership: Membership) -> QuerySet[Partnership]:
    return partnership_visible_list(membership=membership).only("uuid", "name", "slug")


# --- metrics ----------------------------------------------------------------------------------


def conflict_facts(conflicts: list[Conflict]) -> list[ConflictFacts]:
    """Plain facts for the pure metrics; expects conflict_list's prefetches."""
    return [
        ConflictFacts(
            id=str(conflict.uuid),
            stage=conflict.stage,
            raised_at=conflict.created_at,
            stage_changed_at=conflict.stage_changed_at,
            functions=tuple(sorted(f.name for f in conflict.party_functions.all())),
            resolved_at=conflict.resolved_at,
            ever_escalated=bool(getattr(conflict, "ever_escalated", False)),
        )
        for conflict in conflicts
    ]


def conflict_metrics(
    *, membership: Membership, now: datetime, conflicts: list[Conflict] | None = None
) -> RegisterSummary:
    """The register metrics over every conflict the member can see."""
    rows = conflicts if conflicts is not None else list(conflict_list(membership=membership))
    return register_summary(
        conflict_facts(rows),
        now=now,
        stale_days=conflict_stale_days(workspace=membership.workspace),
    )
