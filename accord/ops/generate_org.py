"""The organization part of `accord generate`: logins, functions and people in a reporting tree.

Every table is written with bulk inserts; the number of queries depends on the depth of the
tree and the batch size, not on the number of people.
"""

import random
import secrets
from dataclasses import dataclass
from math import ceil

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError

from accord.accounts.models import User
from accord.ops.generate_bulk import rows_insert
from accord.org.models import Function, Person, Seniority
from accord.web.demo_data import FIRST_NAMES, LAST_NAMES, OFFICES, REMOTE
from accord.workspaces.models import Membership, Role, Workspace

BATCH = 2000
SPAN_OF_CONTROL = 7


@dataclass(frozen=True)
class FunctionSpec:
    """A function of the generated company: its name, its weight in headcount and its titles."""

    name: str
    key: str  # the metric catalog's function key
    weight: int
    description: str
    ic_titles: tuple[str, ...]
    manager_title: str


# Roughly the shape of a mid-size company: more people in sales, operations and engineering.
FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        "Sales",
        "sales",
        16,
        "Wins and grows customer accounts.",
        ("Account Executive", "Sales Development Representative", "Solutions Consultant"),
        "Sales Manager",
    ),
    FunctionSpec(
        "Marketing",
        "marketing",
        9,
        "Builds demand and the brand.",
        ("Marketing Specialist", "Content Strategist", "Demand Generation Analyst"),
        "Marketing Manager",
    ),
    FunctionSpec(
        "Operations",
        "operations",
        18,
        "Makes, stores and ships the product.",
        ("Operations Analyst", "Planner", "Logistics Coordinator", "Plant Technician"),
        "Operations Manager",
    ),
    FunctionSpec(
        "Finance",
        "finance",
        6,
        "Plans, books and controls the money.",
        ("Financial Analyst", "Accountant", "Controller"),
        "Finance Manager",
    ),
    FunctionSpec(
        "HR",
        "people",
        5,
        "Hires, develops and looks after people.",
        ("HR Business Partner", "Recruiter", "People Operations Specialist"),
        "HR Manager",
    ),
    FunctionSpec(
        "Engineering",
        "engineering",
        17,
        "Builds and runs the software.",
        ("Software Engineer", "Site Reliability Engineer", "QA Engineer"),
        "Engineering Manager",
    ),
    FunctionSpec(
        "Product",
        "product",
        7,
        "Decides what to build and why.",
        ("Product Manager", "Product Designer", "Product Analyst"),
        "Group Product Manager",
    ),
    FunctionSpec(
        "Customer Support",
        "support",
        14,
        "Helps customers succeed after they buy.",
        ("Support Specialist", "Customer Success Manager", "Support Engineer"),
        "Support Manager",
    ),
    FunctionSpec(
        "Legal",
        "quality",
        3,
        "Keeps contracts, privacy and compliance in order.",
        ("Counsel", "Paralegal", "Compliance Analyst"),
        "Legal Manager",
    ),
    FunctionSpec(
        "Procurement",
        "procurement",
        5,
        "Buys materials and services at the right price.",
        ("Buyer", "Category Specialist", "Supplier Quality Analyst"),
        "Procurement Manager",
    ),
)

PERSON_COLUMNS = (
    "uuid",
    "workspace_id",
    "name",
    "email",
    "title",
    "seniority",
    "function_id",
    "manager_id",
    "location",
    "timezone",
    "user_id",
)
LOGIN_ROLES: tuple[Role, ...] = (Role.OWNER, Role.ADMIN, Role.MEMBER, Role.MEMBER, Role.VIEWER)


@dataclass(frozen=True)
class GeneratedLogin:
    email: str
    role: str
    person: str


@dataclass
class Organization:
    """What later stages need from the organization: rows in memory, in insert order."""

    functions: list[Function]
    specs: list[FunctionSpec]
    people: list[Person]
    by_function: dict[int, list[Person]]  # function pk → people, most senior first
    logins: list[GeneratedLogin]
    users: dict[str, User]  # role label ("owner", "admin", "member-1", …) → user


def layer_sizes(headcount: int, span: int = SPAN_OF_CONTROL) -> list[int]:
    """Sizes of a function's reporting layers, top (one head) first, summing to headcount.

    Each layer has one manager for every `span` people below it; the individual contributors
    are as many as fit once their managers are counted.
    """
    if headcount <= 0:
        return []

    def layers_for(ics: int) -> list[int]:
        sizes = [ics]
        while sizes[-1] > 1:
            sizes.append(ceil(sizes[-1] / span))
        return sizes[::-1]

    low, high = 1, headcount
    while low < high:  # the largest IC count whose tree still fits
        middle = (low + high + 1) // 2
        if sum(layers_for(middle)) <= headcount:
            low = middle
        else:
            high = middle - 1
    sizes = layers_for(low)
    sizes[-1] += headcount - sum(sizes)
    return sizes


def _headcounts(total: int, specs: list[FunctionSpec]) -> list[int]:
    """Split `total` people over the functions by weight (at least two each)."""
    weights = [spec.weight for spec in specs]
    raw = [max(2, int(total * w / sum(weights))) for w in weights]
    raw[0] += total - sum(raw)
    return raw


def logins_create(
    *, slug: str, password: str, rng: random.Random
) -> tuple[dict[str, User], list[tuple[str, str, str]]]:
    """The workspace's logins (owner, admin, two members, viewer): created, or reset if an
    earlier run of the same slug left them. Returns users by label and (label, email, role)."""
    hashed = make_password(password)  # one slow Argon2 hash shared by all of them
    rows: list[tuple[str, str, str]] = []
    members = 0
    for role in LOGIN_ROLES:
        if role == Role.MEMBER:
            members += 1
            label = f"member-{members}"
        else:
            label = str(role)
        rows.append((label, f"{label}@{slug}.example", str(role)))
    emails = [email for _, email, _ in rows]
    elsewhere = sorted(
        Membership.objects.filter(user__email__in=emails).values_list("user__email", flat=True)
    )
    if elsewhere:
        # Never reset the password of a login that belongs to another workspace.
        raise ValidationError(
            {
                "workspace": f"The login {elsewhere[0]} already belongs to another workspace; "
                "choose another --workspace."
            }
        )
    existing = {user.email: user for user in User.objects.filter(email__in=emails)}
    users: dict[str, User] = {}
    for label, email, _ in rows:
        user = existing.get(email) or User(email=email)
        user.password = hashed
        user.is_active = True
        users[label] = user
    User.objects.bulk_create([user for user in users.values() if user.pk is None])
    User.objects.bulk_update(
        [user for user in users.values() if user.email in existing], ["password", "is_active"]
    )
    EmailAddress.objects.filter(user__in=users.values()).delete()
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in users.values()
        ]
    )
    return users, rows


def password_make() -> str:
    """A random password for the generated logins when none is given."""
    return secrets.token_urlsafe(12)


def organization_create(
    *,
    workspace: Workspace,
    people: int,
    function_count: int,
    password: str,
    rng: random.Random,
) -> Organization:
    """Functions, `people` people (one chief executive, then each function's tree) and the
    logins, each login tied to a person at a fitting level."""
    slug = workspace.slug
    specs = list(FUNCTIONS[: max(2, min(function_count, len(FUNCTIONS)))])
    functions = Function.objects.bulk_create(
        [Function(workspace=workspace, name=s.name, description=s.description) for s in specs]
    )
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    offices = [*OFFICES.values(), *OFFICES.values(), *REMOTE]

    # depth → people at that depth; a manager sits one layer above its reports.
    layers: list[list[Person]] = [[]]
    counter = 0

    def person_make(
        function: Function | None, title: str, seniority: int, manager: Person | None
    ) -> Person:
        nonlocal counter
        first, last = names[counter % len(names)]
        office = offices[rng.randrange(len(offices))]
        person = Person(
            workspace=workspace,
            name=f"{first} {last}",
            email=f"p{counter:05d}@{slug}.example",
            title=title,
            seniority=seniority,
            function=function,
            manager=manager,
            location=office.location,
            timezone=office.timezone,
        )
        counter += 1
        return person

    chief = person_make(None, "Chief Executive Officer", Seniority.EXECUTIVE, None)
    layers[0].append(chief)
    by_function: dict[int, list[Person]] = {}
    heads = _headcounts(people - 1, specs)
    trees: list[tuple[Function, FunctionSpec, list[list[Person]]]] = []
    for function, spec, headcount in zip(functions, specs, heads, strict=True):
        sizes = layer_sizes(headcount)
        tree: list[list[Person]] = []
        for depth, size in enumerate(sizes):
            above = tree[depth - 1] if depth else [chief]
            last_layer = depth == len(sizes) - 1
            layer: list[Person] = []
            for index in range(size):
                manager = above[index * len(above) // size]
                if depth == 0:
                    title, level = f"VP of {spec.name}", Seniority.EXECUTIVE
                elif last_layer:
                    senior = rng.random() < 0.3
                    title = rng.choice(spec.ic_titles)
                    title, level = (
                        (f"Senior {title}", Seniority.SENIOR_IC)
                        if senior
                        else (title, Seniority.IC)
                    )
                elif depth == 1 and len(sizes) > 3:
                    title, level = f"Director of {spec.name}", Seniority.DIRECTOR
                else:
                    title, level = spec.manager_title, Seniority.MANAGER
                layer.append(person_make(function, title, level, manager))
            tree.append(layer)
        trees.append((function, spec, tree))
        by_function[id(function)] = [p for layer in tree for p in layer]
    depth_max = max(len(tree) for _, _, tree in trees)
    for depth in range(depth_max):
        layers.append([p for _, _, tree in trees if depth < len(tree) for p in tree[depth]])

    users, rows = logins_create(slug=slug, password=password, rng=rng)
    # Owner = the chief executive; admin = a function head; members = managers; viewer = an IC.
    picks = {
        "owner": chief,
        "admin": trees[0][2][0][0],
        "member-1": trees[0][2][min(1, len(trees[0][2]) - 1)][0],
        "member-2": trees[1][2][min(1, len(trees[1][2]) - 1)][0],
        "viewer": trees[2][2][-1][0],
    }
    for label, person in picks.items():
        person.user = users[label]

    # Managers first, so each report's manager has a key: one plain insert per layer of the
    # tree, then one query reads the new keys back by e-mail (unique in the workspace).
    for layer in layers:
        for person in layer:
            person.manager_id = person.manager.pk if person.manager else None
        rows_insert(
            Person,
            PERSON_COLUMNS,
            (
                (
                    p.uuid,
                    workspace.pk,
                    p.name,
                    p.email,
                    p.title,
                    p.seniority,
                    p.function_id,
                    p.manager_id,
                    p.location,
                    p.timezone,
                    p.user_id,
                )
                for p in layer
            ),
        )
        keys = dict(
            Person.objects.filter(
                workspace=workspace, email__in=[p.email for p in layer]
            ).values_list("email", "pk")
            if len(layer) < 500
            else Person.objects.filter(workspace=workspace).values_list("email", "pk")
        )
        for person in layer:
            person.pk = keys[person.email]
            person._state.adding = False
    for function, _, tree in trees:
        function.lead = tree[0][0]
    Function.objects.bulk_update(functions, ["lead"])
    Membership.objects.bulk_create(
        [Membership(workspace=workspace, user=users[label], role=role) for label, _, role in rows]
    )
    return Organization(
        functions=functions,
        specs=specs,
        people=[p for layer in layers for p in layer],
        by_function={f.pk: by_function[id(f)] for f in functions},
        logins=[GeneratedLogin(email, role, picks[label].name) for label, email, role in rows],
        users=users,
    )
