"""Reads for the organization directory; every one is scoped to a workspace."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from accord.org.models import Function, Person, PersonSkill
from accord.workspaces.models import Workspace

PERSON_SORTS = {
    "name": "name",
    "-name": "-name",
    "email": "email",
    "-email": "-email",
    "function": "function__name",
    "-function": "-function__name",
    "seniority": "seniority",
    "-seniority": "-seniority",
    "title": "title",
    "-title": "-title",
}


def person_list(
    *,
    workspace: Workspace,
    search: str = "",
    function: str | None = None,
    seniority: int | None = None,
    manager: str | None = None,
    sort: str = "name",
) -> QuerySet[Person]:
    """People of the workspace with function and manager loaded (one query)."""
    people = Person.objects.filter(workspace=workspace).select_related("function", "manager")
    if search:
        people = people.filter(
            Q(name__icontains=search) | Q(email__icontains=search) | Q(title__icontains=search)
        )
    if function == "none":
        people = people.filter(function__isnull=True)
    elif function:
        people = people.filter(function__uuid=function)
    if seniority:
        people = people.filter(seniority=seniority)
    if manager:
        people = people.filter(manager__uuid=manager)
    return people.order_by(PERSON_SORTS.get(sort, "name"), "pk")


def person_detail(*, workspace: Workspace, uuid: Any) -> QuerySet[Person]:
    """The queryset the access helper resolves a person from, with what the page shows."""
    return Person.objects.filter(workspace=workspace).select_related(
        "function", "manager", "user"
    ).prefetch_related(
        Prefetch("person_skills", queryset=PersonSkill.objects.select_related("skill")),
        Prefetch("reports", queryset=Person.objects.select_related("function").order_by("name")),
    )


def function_list(*, workspace: Workspace, search: str = "") -> QuerySet[Function]:
    functions = (
        Function.objects.filter(workspace=workspace)
        .select_related("lead")
        .annotate(headcount=Count("people"))
    )
    if search:
        functions = functions.filter(name__icontains=search)
    return functions.order_by("name")


@dataclass
class OrgNode:
    person: Person
    reports: list["OrgNode"] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.reports)


def org_tree(*, workspace: Workspace, function: str | None = None) -> list[OrgNode]:
    """The manager tree built from one query. Roots are people without a manager in scope."""
    people = list(
        Person.objects.filter(workspace=workspace)
        .select_related("function")
        .only("uuid", "name", "title", "seniority", "manager_id", "function__name",
              "function__uuid", "workspace_id")
        .order_by("name")
    )
    if function:
        people = [p for p in people if p.function and str(p.function.uuid) == function]
    nodes = {p.pk: OrgNode(person=p) for p in people}
    roots: list[OrgNode] = []
    for person in people:
        parent = nodes.get(person.manager_id) if person.manager_id else None
        # A loop imported from outside would hide people; they appear as roots instead.
        if parent is not None and not _is_ancestor(nodes, person.pk, person.manager_id):
            parent.reports.append(nodes[person.pk])
        else:
            roots.append(nodes[person.pk])
    roots.sort(key=lambda node: (-node.size, node.person.name))
    return roots


def _is_ancestor(nodes: dict[int, OrgNode], person_id: int, manager_id: int | None) -> bool:
    seen: set[int] = set()
    node = manager_id
    while node is not None and node in nodes and node not in seen:
        if node == person_id:
            return True
        seen.add(node)
        node = nodes[node].person.manager_id
    return False
