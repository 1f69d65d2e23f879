"""Who may change which goal, check-in and KPI. Reads only; actions enforce these.

- Viewers change nothing.
- Partnership goals: its contributors (members, lead, sponsor) add goals and check in; the
  goal's owner, the partnership's managers (lead, sponsor) and workspace admins edit or
  delete them.
- Function goals: people of that function and its lead add goals and check in; the goal's
  owner, the function's lead and workspace admins edit or delete them.
- A check-in can also be corrected by its author.
- KPIs: the partnership's managers and admins define them; its contributors add measurements.
"""

from django.db.models import Q

from accord.goals.models import CheckIn, Goal
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_can_contribute, partnership_can_manage
from accord.workspaces.models import Membership


def person_ids_of(membership: Membership) -> set[int]:
    """The directory entries linked to the member's login (usually one)."""
    cached = getattr(membership, "_goal_person_ids", None)
    if cached is None:
        cached = set(
            Person.objects.filter(workspace=membership.workspace, user=membership.user)
            .order_by()
            .values_list("pk", flat=True)
        )
        membership._goal_person_ids = cached  # type: ignore[attr-defined]
    return cached


def _in_function(membership: Membership, function: Function) -> bool:
    people = person_ids_of(membership)
    if function.lead_id in people:
        return True
    return Person.objects.filter(pk__in=people, function=function).exists()


def goal_can_create(
    *, membership: Membership, partnership: Partnership | None, function: Function | None
) -> bool:
    if not membership.can_edit:
        return False
    if membership.can_admin:
        return True
    if partnership is not None:
        return partnership_can_contribute(membership=membership, partnership=partnership)
    if function is not None:
        return _in_function(membership, function)
    return False


def goal_can_edit(*, membership: Membership, goal: Goal) -> bool:
    if not membership.can_edit:
        return False
    if membership.can_admin or goal.owner_id in person_ids_of(membership):
        return True
    if goal.partnership_id is not None:
        return partnership_can_manage(membership=membership, partnership=goal.partnership)  # type: ignore[arg-type]
    if goal.function_id is not None:
        lead = goal.function.lead_id if goal.function is not None else None
        return lead is not None and lead in person_ids_of(membership)
    return False


def goal_can_checkin(*, membership: Membership, goal: Goal) -> bool:
    if goal_can_edit(membership=membership, goal=goal):
        return True
    if not membership.can_edit:
        return False
    if goal.partnership_id is not None:
        return partnership_can_contribute(membership=membership, partnership=goal.partnership)  # type: ignore[arg-type]
    return goal.function is not None and _in_function(membership, goal.function)


def checkin_can_edit(*, membership: Membership, checkin: CheckIn) -> bool:
    if not membership.can_edit:
        return False
    if checkin.author_id == membership.user_id:
        return True
    return goal_can_edit(membership=membership, goal=checkin.goal)


def kpi_can_manage(*, membership: Membership, partnership: Partnership) -> bool:
    return partnership_can_manage(membership=membership, partnership=partnership)


def measurement_can_add(*, membership: Membership, partnership: Partnership) -> bool:
    return partnership_can_contribute(membership=membership, partnership=partnership)


def function_choices_for_goals(membership: Membership) -> Q:
    """Functions the member may file goals under (all for admins)."""
    if membership.can_admin:
        return Q(workspace=membership.workspace)
    people = person_ids_of(membership)
    return Q(workspace=membership.workspace) & (Q(lead_id__in=people) | Q(people__in=people))
