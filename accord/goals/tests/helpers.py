"""Builders shared by the goal tests."""

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accord.goals.models import CheckIn, Goal, Kpi, Measurement
from accord.org.models import Person
from accord.partnerships.models import Partnership, PartnershipMember, Privacy

TODAY = date(2026, 3, 2)


def partnership_make(
    tenant: Any,
    name: str = "Launch Orbit",
    *,
    privacy: str = Privacy.WORKSPACE,
    lead: Person | None = None,
    members: tuple[Person, ...] = (),
) -> Partnership:
    partnership = Partnership.objects.create(
        workspace=tenant.workspace,
        name=name,
        slug=name.lower().replace(" ", "-"),
        privacy=privacy,
        lead=lead,
        status="active",
    )
    partnership.functions.set([tenant.sales, tenant.finance])
    for person in members:
        PartnershipMember.objects.create(
            workspace=tenant.workspace,
            partnership=partnership,
            person=person,
            function=person.function or tenant.sales,
        )
    return partnership


def person_for(tenant: Any, role: str, *, function: Any = None) -> Person:
    """The directory entry linked to the tenant's user of that role."""
    user = tenant.user(role)
    person, _ = Person.objects.get_or_create(
        workspace=tenant.workspace,
        email=user.email,
        defaults={"name": role.title(), "user": user, "function": function},
    )
    return person


def goal_make(tenant: Any, *, partnership: Any = None, function: Any = None, **fields: Any) -> Goal:
    values = {
        "title": "Raise conversion from 10% to 20% by June",
        "kind": Goal.Kind.GOAL,
        "direction": "increase",
        "baseline": 10.0,
        "target": 20.0,
        "unit": "%",
        "start_date": date(2026, 1, 1),
        "due_date": date(2026, 6, 30),
        "owner": tenant.alice,
    }
    values.update(fields)
    if partnership is None and function is None:
        function = tenant.sales
    return Goal.objects.create(
        workspace=tenant.workspace, partnership=partnership, function=function, **values
    )


def checkins_add(goal: Goal, values: list[float], *, start: date, every: int = 7) -> None:
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                workspace=goal.workspace,
                goal=goal,
                date=start + timedelta(days=every * index),
                value=value,
            )
            for index, value in enumerate(values)
        ]
    )


def kpi_make(tenant: Any, partnership: Partnership, **fields: Any) -> Kpi:
    values = {
        "metric_key": "net_promoter_score",
        "name": "Net Promoter Score",
        "unit": "score",
        "direction": "increase",
        "category": "customer satisfaction",
        "target": 40.0,
    }
    values.update(fields)
    return Kpi.objects.create(workspace=tenant.workspace, partnership=partnership, **values)


def measurements_add(kpi: Kpi, values: list[float], *, start: date) -> None:
    Measurement.objects.bulk_create(
        [
            Measurement(
                workspace=kpi.workspace, kpi=kpi, date=start + timedelta(days=7 * i), value=v
            )
            for i, v in enumerate(values)
        ]
    )


def count_queries(client: Client, url: str, **extra: Any) -> tuple[int, Any]:
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return len(queries), response
