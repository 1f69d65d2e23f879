"""Builders shared by the partnership tests."""

import datetime
from typing import Any

from accord.goals.models import CheckIn, Goal, Kpi, Measurement
from accord.org.models import Function, Person
from accord.partnerships import actions
from accord.partnerships.models import Partnership, PartnershipMember


def partnership_make(tenant: Any, name: str = "Quote to cash", **fields: Any) -> Partnership:
    """A partnership of the tenant between Sales and Finance (unless told otherwise)."""
    fields.setdefault("functions", [tenant.sales, tenant.finance])
    return actions.partnership_create(
        workspace=tenant.workspace, actor=tenant.owner, name=name, **fields
    )


def person_for(tenant: Any, role: str, name: str | None = None, **fields: Any) -> Person:
    """A directory person linked to the tenant's user of that role."""
    user = tenant.user(role)
    return Person.objects.create(
        workspace=tenant.workspace,
        name=name or f"{role.title()} Person",
        email=user.email,
        user=user,
        **fields,
    )


def members_add(partnership: Partnership, count: int, *, prefix: str = "m") -> None:
    """`count` people, alternating between the partnership's first two functions."""
    functions: list[Function] = list(partnership.functions.order_by("name"))
    people = Person.objects.bulk_create(
        [
            Person(
                workspace=partnership.workspace,
                name=f"{prefix.title()} {index:03d}",
                email=f"{prefix}{index:03d}@{partnership.workspace.slug}.test",
                function=functions[index % 2],
            )
            for index in range(count)
        ]
    )
    PartnershipMember.objects.bulk_create(
        [
            PartnershipMember(
                workspace=partnership.workspace,
                partnership=partnership,
                person=person,
                function=functions[index % 2],
            )
            for index, person in enumerate(people)
        ]
    )


def goals_add(partnership: Partnership, count: int, *, owner: Person | None = None) -> None:
    """`count` goals, each with a check-in, and as many KPIs, each with two measurements."""
    workspace = partnership.workspace
    day = datetime.date(2026, 1, 1)
    start = Goal.objects.filter(partnership=partnership).count()
    goals = Goal.objects.bulk_create(
        [
            Goal(
                workspace=workspace,
                partnership=partnership,
                title=f"Goal {partnership.pk}-{index:03d}",
                owner=owner,
                due_date=day + datetime.timedelta(days=index),
                target=100,
            )
            for index in range(start, start + count)
        ]
    )
    CheckIn.objects.bulk_create(
        [CheckIn(workspace=workspace, goal=goal, date=day, value=10) for goal in goals]
    )
    kpis = Kpi.objects.bulk_create(
        [
            Kpi(
                workspace=workspace,
                partnership=partnership,
                metric_key=f"metric-{index}",
                name=f"KPI {index:03d}",
                direction="increase",
                category="efficiency",
                target=5,
            )
            for index in range(start, start + count)
        ]
    )
    Measurement.objects.bulk_create(
        [
            Measurement(
                workspace=workspace,
                kpi=kpi,
                date=day + datetime.timedelta(days=offset),
                value=offset,
            )
            for kpi in kpis
            for offset in (0, 1)
        ]
    )
