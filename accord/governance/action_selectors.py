"""Reads for action items. A member sees the actions of partnerships they can see and every
workspace-wide action (one without a partnership); anything else answers 404.

Who may change an action: its owner (the person linked to the signed-in user), the managers
of its partnership (lead, sponsor) and workspace admins. Members of a partnership add actions
to it; any member (role member or above) adds workspace-wide ones. Viewers only read.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.goals.models import Goal
from accord.goals.permissions import person_ids_of
from accord.goals.selectors import goal_visible
from accord.governance.models import ActionComment, ActionItem, Conflict, Decision
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_can_contribute, partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

OPEN_STATUSES = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)
# Filter values of "linked to": the kind of record an action follows up on.
LINK_KINDS = {
    "goal": "A goal",
    "decision": "A decision",
    "conflict": "A conflict",
    "other": "A meeting, review or recommendation",
    "none": "Nothing",
}


# --- visibility and permissions -------------------------------------------------------------


def action_visible(*, membership: Membership) -> QuerySet[ActionItem]:
    """Actions of visible partnerships, and every workspace-wide action."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return ActionItem.objects.filter(workspace=membership.workspace).filter(
        Q(partnership__isnull=True) | Q(partnership__in=visible)
    )


def action_can_create(*, membership: Membership, partnership: Partnership | None) -> bool:
    """Members of the partnership (and its managers, and admins); anyone with the member role
    for a workspace-wide action."""
    if not membership.can_edit:
        return False
    if membership.can_admin or partnership is None:
        return True
    return partnership_can_contribute(membership=membership, partnership=partnership)


def action_can_edit(*, membership: Membership, action: ActionItem) -> bool:
    """The owner, the partnership's managers (lead, sponsor) and admins.

    Same rule as partnership_can_manage, but from the cached person ids, so a list can ask
    for every row without a query per row.
    """
    if not membership.can_edit:
        return False
    people = person_ids_of(membership)
    if membership.can_admin or action.owner_id in people:
        return True
    partnership = action.partnership
    return partnership is not None and (
        partnership.lead_id in people or partnership.sponsor_id in people
    )


def action_can_comment(*, membership: Membership, action: ActionItem) -> bool:
    """Anyone who can see the action and has the member role may comment on it."""
    return membership.can_edit


def _comment_count() -> Coalesce:
    rows = (
        ActionComment.objects.filter(action=OuterRef("pk"))
        .order_by()
        .values("action")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_links(actions: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return actions.select_related("owner", "partnership", "goal", "decision", "conflict").annotate(
        comment_count=_comment_count()
    )


def action_detail(*, membership: Membership) -> QuerySet[ActionItem]:
    """The queryset an action page or endpoint resolves one action from."""
    return _with_links(action_visible(membership=membership)).select_related("workspace")


def action_get(*, membership: Membership, uuid: Any) -> ActionItem:
    found: ActionItem = object_get(
        action_detail(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


# --- lists ----------------------------------------------------------------------------------


@dataclass
class ActionFilters:
    partnership: str | None = None  # slug, or "none" for workspace-wide actions
    owner: str | None = None  # person uuid
    status: str | None = None  # a status, or "active" for open + in progress
    overdue: bool = False
    linked: str | None = None  # one of LINK_KINDS
    search: str = ""
    mine: bool = False  # only actions owned by the member's own people

    def any(self) -> bool:
        return any(
            (
                self.partnership,
                self.owner,
                self.status,
                self.overdue,
                self.linked,
                self.search,
                self.mine,
            )
        )


def _ordered(actions: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """Soonest due first (undated last), then by title."""
    return actions.order_by(F("due_date").asc(nulls_last=True), "title", "pk")


def overdue_q(today: datetime.date) -> Q:
    return Q(due_date__lt=today, status__in=OPEN_STATUSES)


def action_list(
    *,
    membership: Membership,
    filters: ActionFilters | None = None,
    today: datetime.date | None = None,
) -> QuerySet[ActionItem]:
    """Visible actions with their owner, partnership, links and comment count (constant
    queries), filtered."""
    filters = filters or ActionFilters()
    today = today or timezone.localdate()
    actions = _with_links(action_visible(membership=membership))
    if filters.partnership == "none":
        actions = actions.filter(partnership__isnull=True)
    elif filters.partnership:
        actions = actions.filter(partnership__slug=filters.partnership)
    if filters.owner:
        actions = actions.filter(owner__uuid=filters.owner)
    if filters.mine:
        actions = actions.filter(owner_id__in=person_ids_of(membership))
    if filters.status == "active":
        actions = actions.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        actions = actions.filter(status=filters.status)
    if filters.overdue:
        actions = actions.filter(overdue_q(today))
    if filters.linked == "goal":
        actions = actions.filter(goal__isnull=False)
    elif filters.linked == "decision":
        actions = actions.filter(decision__isnull=False)
    elif filters.linked == "conflict":
        actions = actions.filter(conflict__isnull=False)
    elif filters.linked == "other":
        actions = actions.exclude(source_type="")
    elif filters.linked == "none":
        actions = actions.filter(
            goal__isnull=True, decision__isnull=True, conflict__isnull=True, source_type=""
        )
    if filters.search:
        actions = actions.filter(
            Q(title__icontains=filters.search) | Q(description__icontains=filters.search)
        )
    return _ordered(actions)


def my_action_list(*, membership: Membership, include_closed: bool = False) -> QuerySet[ActionItem]:
    """Actions owned by the people linked to the member's login, across partnerships."""
    actions = _with_links(action_visible(membership=membership)).filter(
        owner_id__in=person_ids_of(membership)
    )
    if not include_closed:
        actions = actions.filter(status__in=OPEN_STATUSES)
    return _ordered(actions)


def actions_for(
    *,
    membership: Membership,
    goal: Goal | None = None,
    decision: Decision | None = None,
    conflict: Conflict | None = None,
) -> list[ActionItem]:
    """The visible actions linked to a goal, decision or conflict, as rows ready for the
    `governance/action_list_partial.html` partial (constant queries)."""
    actions = _with_links(action_visible(membership=membership))
    if goal is not None:
        actions = actions.filter(goal=goal)
    if decision is not None:
        actions = actions.filter(decision=decision)
    if conflict is not None:
        actions = actions.filter(conflict=conflict)
    if goal is None and decision is None and conflict is None:
        return []
    return action_rows(membership=membership, actions=_ordered(actions))


def action_rows(
    *,
    membership: Membership,
    actions: Iterable[ActionItem],
    today: datetime.date | None = None,
) -> list[ActionItem]:
    """The actions as rows for `governance/action_list_partial.html`: each gets `overdue` and
    `can_edit` (no query per row)."""
    today = today or timezone.localdate()
    rows = list(actions)
    for action in rows:
        action.overdue = action_is_overdue(action, today)  # type: ignore[attr-defined]
        action.can_edit = action_can_edit(  # type: ignore[attr-defined]
            membership=membership, action=action
        )
    return rows


def partnership_open_actions(*, partnership: Partnership, limit: int = 6) -> list[ActionItem]:
    """The partnership's open actions, soonest due first (for its home page)."""
    return list(
        _ordered(
            ActionItem.objects.filter(
                workspace=partnership.workspace,
                partnership=partnership,
                status__in=OPEN_STATUSES,
            ).select_related("owner")
        )[:limit]
    )


def action_comment_list(*, action: ActionItem) -> QuerySet[ActionComment]:
    return (
        ActionComment.objects.filter(workspace=action.workspace, action=action)
        .select_related("author")
        .order_by("created_at", "pk")
    )


# --- choices for forms and filters ----------------------------------------------------------


def action_owner_choices(*, workspace: Workspace) -> QuerySet[Person]:
    return (
        Person.objects.filter(workspace=workspace)
        .only("pk", "uuid", "name", "email", "workspace_id")
        .order_by("name")
    )


def action_goal_choices(*, membership: Membership) -> QuerySet[Goal]:
    return goal_visible(membership=membership).only("pk", "uuid", "title", "partnership_id")


def action_decision_choices(*, membership: Membership) -> QuerySet[Decision]:
    visible = partnership_visible_list(membership=membership).values("pk")
    return (
        Decision.objects.filter(workspace=membership.workspace)
        .filter(Q(partnership__isnull=True) | Q(partnership__in=visible))
        .only("pk", "uuid", "title", "partnership_id")
        .order_by("title", "pk")
    )


def action_conflict_choices(*, membership: Membership) -> QuerySet[Conflict]:
    """Conflicts of visible partnerships; private ones only for their parties, facilitator,
    partnership lead and admins."""
    visible = partnership_visible_list(membership=membership).values("pk")
    conflicts = Conflict.objects.filter(workspace=membership.workspace).filter(
        Q(partnership__isnull=True) | Q(partnership__in=visible)
    )
    if not membership.can_admin:
        people = person_ids_of(membership)
        conflicts = conflicts.filter(
            Q(private=False)
            | Q(party_people__in=people)
            | Q(facilitator_id__in=people)
            | Q(partnership__lead_id__in=people)
        ).distinct()
    return conflicts.only("pk", "uuid", "title", "partnership_id").order_by("title", "pk")


def action_owner_filter_choices(*, membership: Membership) -> QuerySet[Person]:
    """People who own a visible action: the choices of the list's owner filter."""
    owners = action_visible(membership=membership).values("owner_id")
    return (
        Person.objects.filter(workspace=membership.workspace, pk__in=owners)
        .only("uuid", "name")
        .order_by("name")
    )


def action_partnership_filter_choices(*, membership: Membership) -> QuerySet[Partnership]:
    return (
        partnership_visible_list(membership=membership)
        .only("uuid", "name", "slug")
        .order_by("name")
    )


def action_is_overdue(action: ActionItem, today: datetime.date) -> bool:
    """Due before today and still open or in progress."""
    return (
        action.due_date is not None and action.due_date < today and action.status in OPEN_STATUSES
    )


def action_partnership_create_choices(
    *, membership: Membership, include: int | None = None
) -> QuerySet[Partnership]:
    """Partnerships the member may add actions to: all visible ones for admins, else those
    they lead, sponsor or are a member of (plus `include`, an action's current one)."""
    partnerships = partnership_visible_list(membership=membership)
    if not membership.can_admin:
        people = person_ids_of(membership)
        partnerships = partnerships.filter(
            Q(lead_id__in=people) | Q(sponsor_id__in=people) | Q(members__person_id__in=people)
        )
    return Partnership.objects.filter(
        Q(pk__in=partnerships.values("pk")) | Q(pk=include, workspace=membership.workspace)
    ).order_by("name")
