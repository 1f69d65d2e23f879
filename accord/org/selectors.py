"""Reads for the organization directory; every one is scoped to a workspace."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accord.org.importing import (
    Directory,
    ImportPlan,
    PersonRecord,
    SourceRow,
    plan_import,
    skills_text,
)
from accord.org.models import Function, ImportBatch, Person, PersonSkill, Skill
from accord.workspaces.models import Membership, Workspace

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
    "manager": "manager__name",
    "-manager": "-manager__name",
    "location": "location",
    "-location": "-location",
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
    return (
        Person.objects.filter(workspace=workspace)
        .select_related("function", "manager", "user")
        .prefetch_related(
            Prefetch("person_skills", queryset=PersonSkill.objects.select_related("skill")),
            Prefetch(
                "reports", queryset=Person.objects.select_related("function").order_by("name")
            ),
        )
    )


def function_headcount() -> Coalesce:
    """A function's number of people as a correlated count on the person index: a join
    with COUNT would group every person of the workspace for a list of ten functions."""
    people = (
        Person.objects.filter(function=OuterRef("pk"))
        .order_by()
        .values("function")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(people, output_field=IntegerField()), 0)


def function_list(*, workspace: Workspace, search: str = "") -> QuerySet[Function]:
    functions = (
        Function.objects.filter(workspace=workspace)
        .select_related("lead")
        .annotate(headcount=function_headcount())
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
        """People in this subtree, this person included (iterative: chains can be deep)."""
        total = 0
        stack = [self]
        while stack:
            node = stack.pop()
            total += 1
            stack.extend(node.reports)
        return total


def org_tree(*, workspace: Workspace, function: str | None = None) -> list[OrgNode]:
    """The manager tree built from one query. Roots are people without a manager in scope."""
    people = list(
        Person.objects.filter(workspace=workspace)
        .select_related("function")
        .only(
            "uuid",
            "name",
            "title",
            "seniority",
            "manager_id",
            "function__name",
            "function__uuid",
            "workspace_id",
        )
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


def person_managers(*, workspace: Workspace) -> QuerySet[Person]:
    """People who manage someone: the choices of the people list's manager filter."""
    return (
        Person.objects.filter(workspace=workspace, reports__isnull=False)
        .distinct()
        .only("uuid", "name")
        .order_by("name")
    )


def function_detail(*, workspace: Workspace) -> QuerySet[Function]:
    """The queryset a function page resolves from, with its lead and headcount."""
    return (
        Function.objects.filter(workspace=workspace)
        .select_related("lead")
        .annotate(headcount=function_headcount())
    )


def function_people(*, workspace: Workspace, function: Function) -> QuerySet[Person]:
    return (
        Person.objects.filter(workspace=workspace, function=function)
        .select_related("manager")
        .order_by("-seniority", "name")
    )


# --- org chart ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartLine:
    """One person in the flattened org chart, in document order.

    Rendering the tree from a flat list keeps the template a simple loop (no recursion)
    for thousands of people: `closes` says how many open subtrees end after this person.
    """

    person: Person
    depth: int
    size: int
    reports: int
    expanded: bool
    closes: range


def org_chart_lines(
    roots: list[OrgNode], *, expand_depth: int, focus: Any | None = None
) -> list[ChartLine]:
    """Flatten the tree; subtrees at `expand_depth` or deeper start collapsed."""
    if focus is not None:
        found = _find(roots, str(focus))
        roots = [found] if found is not None else []
    sizes: dict[int, int] = {}
    for root in roots:
        _measure(root, sizes)
    lines: list[ChartLine] = []
    # Iterative depth-first walk: a deep chain must not hit the recursion limit.
    stack: list[tuple[OrgNode, int, int]] = [(root, 0, 0) for root in reversed(roots)]
    while stack:
        node, depth, closes_after = stack.pop()
        children = node.reports
        children_sorted = sorted(children, key=lambda c: (-sizes[id(c)], c.person.name))
        if children_sorted:
            # The last child carries this node's closing plus its own ancestors' closings.
            for index, child in enumerate(reversed(children_sorted)):
                stack.append((child, depth + 1, closes_after + 1 if index == 0 else 0))
            closes = 0
        else:
            closes = closes_after
        lines.append(
            ChartLine(
                person=node.person,
                depth=depth,
                size=sizes[id(node)],
                reports=len(children),
                expanded=depth < expand_depth,
                closes=range(closes),
            )
        )
    return lines


def _measure(root: OrgNode, sizes: dict[int, int]) -> None:
    order: list[OrgNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.reports)
    for node in reversed(order):
        sizes[id(node)] = 1 + sum(sizes[id(child)] for child in node.reports)


def _find(roots: list[OrgNode], uuid: str) -> OrgNode | None:
    stack = list(roots)
    while stack:
        node = stack.pop()
        if str(node.person.uuid) == uuid:
            return node
        stack.extend(node.reports)
    return None


def person_chain(*, workspace: Workspace, person: Person) -> list[Person]:
    """The person's managers from the top down (one query; stops at a loop)."""
    links = {
        pk: (manager_id, uuid, name)
        for pk, manager_id, uuid, name in Person.objects.filter(workspace=workspace).values_list(
            "pk", "manager_id", "uuid", "name"
        )
    }
    chain: list[Person] = []
    seen = {person.pk}
    node = links.get(person.pk, (None,))[0]
    while node is not None and node not in seen and node in links:
        seen.add(node)
        manager_id, uuid, name = links[node]
        chain.append(Person(pk=node, uuid=uuid, name=name))
        node = manager_id
    return list(reversed(chain))


# --- import and export ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportContext:
    """The directory snapshot an import is planned against, plus the ids to write with."""

    directory: Directory
    person_ids: dict[str, int]
    function_ids: dict[str, int]
    skill_ids: dict[str, int]
    member_user_ids: dict[str, int]


def person_import_context(*, workspace: Workspace) -> ImportContext:
    """Everything an import needs in a fixed number of queries, however many people."""
    functions = list(Function.objects.filter(workspace=workspace).values_list("pk", "name"))
    function_names = dict(functions)
    skills = list(Skill.objects.filter(workspace=workspace).values_list("pk", "name"))
    skill_names = dict(skills)
    people = list(
        Person.objects.filter(workspace=workspace).values_list(
            "pk",
            "email",
            "name",
            "title",
            "seniority",
            "function_id",
            "manager_id",
            "location",
            "timezone",
        )
    )
    emails = {pk: email.lower() for pk, email, *_rest in people}
    person_skills: dict[int, dict[str, int]] = {}
    for person_id, skill_id, level in PersonSkill.objects.filter(workspace=workspace).values_list(
        "person_id", "skill_id", "proficiency"
    ):
        person_skills.setdefault(person_id, {})[skill_names[skill_id]] = level
    records: dict[str, PersonRecord] = {}
    for pk, _email, name, title, seniority, function_id, manager_id, location, zone in people:
        records[emails[pk]] = PersonRecord(
            email=emails[pk],
            name=name,
            title=title,
            seniority=seniority,
            function=function_names.get(function_id) if function_id else None,
            manager_email=emails.get(manager_id) if manager_id else None,
            location=location,
            timezone=zone,
            skills=person_skills.get(pk, {}),
        )
    members = Membership.objects.filter(workspace=workspace).values_list("user__email", "user_id")
    return ImportContext(
        directory=Directory(
            people=records, functions=function_names.values(), skills=skill_names.values()
        ),
        person_ids={email: pk for pk, email in emails.items()},
        function_ids={name.lower(): pk for pk, name in functions},
        skill_ids={name.lower(): pk for pk, name in skills},
        member_user_ids={email.lower(): user_id for email, user_id in members},
    )


def person_export_rows(
    *, workspace: Workspace, people: QuerySet[Person] | None = None
) -> list[dict[str, str]]:
    """The people as the importer's columns (two queries), in the given order."""
    from accord.org.importing import seniority_label

    source = people if people is not None else Person.objects.filter(workspace=workspace)
    rows = list(
        source.order_by(*(source.query.order_by or ["name", "pk"])).values_list(
            "pk",
            "name",
            "email",
            "title",
            "seniority",
            "function__name",
            "manager__email",
            "location",
            "timezone",
        )
    )
    skills: dict[int, dict[str, int]] = {}
    for person_id, name, level in PersonSkill.objects.filter(
        workspace=workspace, person__in=source.values("pk")
    ).values_list("person_id", "skill__name", "proficiency"):
        skills.setdefault(person_id, {})[name] = level
    return [
        {
            "name": name,
            "email": email,
            "title": title,
            "seniority": seniority_label(seniority),
            "function": function or "",
            "manager_email": manager or "",
            "location": location,
            "timezone": timezone,
            "skills": skills_text(skills.get(pk, {})),
        }
        for pk, name, email, title, seniority, function, manager, location, timezone in rows
    ]


def person_import_plan(*, batch: ImportBatch) -> tuple[ImportPlan, ImportContext]:
    """What applying the upload would do now (recomputed: the directory may have changed)."""
    context = person_import_context(workspace=batch.workspace)
    plan = plan_import(
        [SourceRow.from_json(raw) for raw in batch.rows],
        context.directory,
        columns=batch.columns,
        create_missing_functions=batch.create_missing_functions,
    )
    return plan, context
