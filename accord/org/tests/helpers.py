"""Builders shared by the org tests."""

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accord.org.models import Function, Person, PersonSkill, Seniority, Skill
from accord.workspaces.models import Workspace


def people_add(
    workspace: Workspace,
    count: int,
    *,
    function: Function | None = None,
    manager: Person | None = None,
    prefix: str = "person",
    skills: bool = True,
) -> list[Person]:
    """Add `count` people (with a manager, a function and two skills each)."""
    people = Person.objects.bulk_create(
        [
            Person(
                workspace=workspace,
                name=f"{prefix.title()} {index:03d}",
                email=f"{prefix}{index:03d}@{workspace.slug}.test",
                title="Engineer",
                seniority=Seniority.IC,
                function=function,
                manager=manager,
            )
            for index in range(count)
        ]
    )
    if skills:
        catalog = [
            Skill.objects.get_or_create(workspace=workspace, name=name)[0]
            for name in ("Python", "SQL")
        ]
        PersonSkill.objects.bulk_create(
            [
                PersonSkill(workspace=workspace, person=person, skill=skill, proficiency=3)
                for person in people
                for skill in catalog
            ]
        )
    return people


def count_queries(client: Client, url: str, **extra: Any) -> tuple[int, Any]:
    """Queries of one GET, after a first GET has settled the session."""
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return len(queries), response
