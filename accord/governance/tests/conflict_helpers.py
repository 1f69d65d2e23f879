"""Builders shared by the conflict tests."""

from datetime import date
from typing import Any

from accord.goals.models import Goal
from accord.governance import conflict_actions as actions
from accord.governance.models import Conflict
from accord.org.models import Person
from accord.partnerships.actions import partnership_create


def goal_clash(tenant: Any) -> tuple[Goal, Goal]:
    """Sales raises the discount rate while Finance raises gross margin: metrics in tension."""
    common = {
        "workspace": tenant.workspace,
        "unit": "%",
        "direction": "increase",
        "start_date": date(2026, 10, 1),
        "due_date": date(2030, 6, 30),
    }
    discount = Goal.objects.create(
        title="Raise the average discount from 8% to 12%",
        function=tenant.sales,
        metric_key="discount_rate",
        baseline=8,
        target=12,
        owner=tenant.alice,
        **common,
    )
    margin = Goal.objects.create(
        title="Lift gross margin from 34% to 38%",
        function=tenant.finance,
        metric_key="gross_margin",
        baseline=34,
        target=38,
        owner=tenant.bob,
        **common,
    )
    return discount, margin


def conflict_make(tenant: Any, **fields: Any) -> Conflict:
    values: dict[str, Any] = {
        "title": "Discounting vs margin",
        "party_people": [tenant.alice, tenant.bob],
        "party_functions": [tenant.sales, tenant.finance],
        **fields,
    }
    return actions.conflict_create(workspace=tenant.workspace, actor=tenant.owner, **values)


def person_for(tenant: Any, role: str, name: str | None = None) -> Person:
    """A person linked to the tenant's user of that role."""
    user = tenant.user(role)
    return Person.objects.create(
        workspace=tenant.workspace,
        name=name or f"{role.title()} Person",
        email=f"{role}-person@{tenant.workspace.slug}.test",
        function=tenant.sales,
        user=user,
    )


def partnership_make(tenant: Any, **fields: Any) -> Any:
    return partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name=fields.pop("name", "Quote to cash"),
        functions=[tenant.sales, tenant.finance],
        **fields,
    )


def walk_to_options(conflict: Conflict, tenant: Any) -> Conflict:
    actions.conflict_stage_move(conflict=conflict, actor=tenant.owner, to="acknowledged")
    actions.conflict_stage_move(
        conflict=conflict, actor=tenant.owner, to="in_dialogue", facilitator=tenant.bob
    )
    actions.conflict_perspective_add(
        conflict=conflict,
        actor=tenant.owner,
        person=tenant.alice,
        function=tenant.sales,
        perspective="Discounts win deals.",
        interests="Hit the bookings target.",
    )
    actions.conflict_perspective_add(
        conflict=conflict,
        actor=tenant.owner,
        person=tenant.bob,
        function=tenant.finance,
        perspective="Discounts eat margin.",
    )
    actions.conflict_stage_move(conflict=conflict, actor=tenant.owner, to="options")
    return conflict
