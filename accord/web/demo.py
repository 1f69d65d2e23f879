"""The demo: its public facts (workspaces, logins, password) and the builder behind `accord demo`.

The builder writes two fictional organizations: "Brightwater Goods", a mid-size consumer goods
company (about 90 people in eight functions), and "Harbor Labs", a 12-person studio that gives
the workspace switcher somewhere to go. Names are drawn with a seeded generator, so every build
is identical, and every table is written with bulk inserts inside one transaction.
"""

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.comms.demo import demo_comms_build
from accord.governance.demo_actions import demo_actions_build
from accord.governance.demo_conflicts import demo_conflicts_build
from accord.governance.demo_decisions import demo_decisions_build
from accord.governance.demo_raci import demo_raci_build
from accord.insights.demo import demo_insights_build
from accord.network.demo_network import demo_network_build
from accord.org.actions import FUNCTION_FIELDS, PERSON_FIELDS
from accord.org.models import Function, Person, PersonSkill, Seniority, Skill
from accord.surveys.demo import demo_surveys_build
from accord.web.demo_data import (
    BRIGHTWATER,
    FIRST_NAMES,
    HARBOR,
    LAST_NAMES,
    LEADERSHIP_SKILLS,
    OFFICES,
    REMOTE,
    SHARED_SKILLS,
    Company,
    Post,
)
from accord.web.demo_partnerships import demo_partnerships_build
from accord.workspaces.audit import audit_bulk, diff, snapshot
from accord.workspaces.models import Membership, Role, Workspace

DEMO_WORKSPACE_SLUG = "brightwater"
DEMO_WORKSPACE_NAME = "Brightwater Goods"
DEMO_PASSWORD = "accord-demo"
DEMO_LOGINS = [
    ("Owner", "owner@brightwater.example"),
    ("Admin", "admin@brightwater.example"),
    ("Member", "member@brightwater.example"),
    ("Viewer", "viewer@brightwater.example"),
]
SECOND_WORKSPACE_SLUG = "harbor-labs"
SECOND_WORKSPACE_NAME = "Harbor Labs"
DEMO_SLUGS = (DEMO_WORKSPACE_SLUG, SECOND_WORKSPACE_SLUG)
DEMO_SEED = 1846

# Each login's role per demo workspace; a login that is not listed is not a member there.
DEMO_ROLES: dict[str, dict[str, str]] = {
    DEMO_WORKSPACE_SLUG: {email: Role(label.lower()) for label, email in DEMO_LOGINS},
    SECOND_WORKSPACE_SLUG: {
        "admin@brightwater.example": Role.OWNER,
        "owner@brightwater.example": Role.MEMBER,
    },
}

# Proficiency (1–5) ranges by seniority: the skills a job is about, the rest of the function's
# skills, leading people, and skills every function shares.
_CORE_RANGE = {1: (2, 4), 2: (4, 5), 3: (3, 5), 4: (3, 5), 5: (3, 5)}
_OTHER_RANGE = {1: (1, 3), 2: (2, 4), 3: (2, 4), 4: (2, 4), 5: (2, 4)}
_LEADERSHIP_RANGE = {3: (2, 4), 4: (3, 5), 5: (4, 5)}
_SHARED_RANGE = {1: (1, 3), 2: (2, 4), 3: (2, 4), 4: (3, 5), 5: (3, 5)}


@dataclass(frozen=True)
class DemoWorkspace:
    name: str
    slug: str
    functions: int
    people: int
    skills: int


@dataclass(frozen=True)
class DemoLogin:
    email: str
    person: str
    title: str
    roles: dict[str, str]  # workspace name → role


@dataclass(frozen=True)
class DemoSummary:
    workspaces: tuple[DemoWorkspace, ...]
    logins: tuple[DemoLogin, ...]


@dataclass(frozen=True)
class _Planned:
    """One person of the plan; `manager` indexes the plan list (managers come first)."""

    name: str
    email: str
    post: Post
    function: str
    depth: int
    manager: int | None
    location: str
    timezone: str
    skills: dict[str, int]  # skill name → proficiency 1–5


def demo_workspace_list() -> list[Workspace]:
    """The demo workspaces present in the database."""
    return list(Workspace.objects.filter(slug__in=DEMO_SLUGS).order_by("slug"))


def demo_delete() -> int:
    """Delete the demo workspaces and everything in them; other workspaces stay as they are."""
    with transaction.atomic():
        workspaces = Workspace.objects.filter(slug__in=DEMO_SLUGS)
        count = workspaces.count()
        workspaces.delete()
    return count


def demo_build(*, seed: int = DEMO_SEED, today: date | None = None) -> DemoSummary:
    """Write both demo workspaces and the demo logins. The slugs must be free."""
    rng = random.Random(seed)
    names = zip(
        rng.sample(FIRST_NAMES, len(FIRST_NAMES)),
        rng.sample(LAST_NAMES, len(LAST_NAMES)),
        strict=False,
    )
    companies = [
        (DEMO_WORKSPACE_NAME, DEMO_WORKSPACE_SLUG, BRIGHTWATER),
        (SECOND_WORKSPACE_NAME, SECOND_WORKSPACE_SLUG, HARBOR),
    ]
    plans = [_plan(company, rng, names) for _, _, company in companies]
    login_people = {p.email: p for plan in plans for p in plan if p.post.login}

    with transaction.atomic():
        users = _logins_upsert(login_people)
        workspaces = [
            _company_write(name=name, slug=slug, company=company, plan=plan, users=users)
            for (name, slug, company), plan in zip(companies, plans, strict=True)
        ]
        brightwater = Workspace.objects.get(slug=DEMO_WORKSPACE_SLUG)
        day = today or timezone.localdate()
        demo_partnerships_build(brightwater, today=day)
        # Governance builds on the partnerships: roles, then decisions, conflicts, actions.
        demo_raci_build(brightwater, today=day)
        demo_decisions_build(brightwater, today=day)
        demo_conflicts_build(brightwater, today=day)
        demo_actions_build(brightwater, today=day)
        demo_comms_build(brightwater, today=day)
        demo_surveys_build(brightwater, today=day)
        demo_insights_build(brightwater, today=day)
        demo_network_build(brightwater, today=day)
    logins = tuple(
        DemoLogin(
            email=email,
            person=login_people[email].name,
            title=login_people[email].post.title,
            roles={
                name: DEMO_ROLES[slug][email]
                for name, slug, _ in companies
                if email in DEMO_ROLES[slug]
            },
        )
        for _, email in DEMO_LOGINS
    )
    return DemoSummary(workspaces=tuple(workspaces), logins=logins)


# --- planning (no database) -----------------------------------------------------------------


def _ascii(text: str) -> str:
    """'Ciarán O'Brien' → 'ciaranobrien': the part of an email address a name becomes."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _plan(company: Company, rng: random.Random, names: Iterator[tuple[str, str]]) -> list[_Planned]:
    """Walk the reporting tree depth-first, giving each post a person, an office and skills."""
    functions = {spec.name: spec for spec in company.functions}
    plan: list[_Planned] = []

    def visit(post: Post, function: str, depth: int, manager: int | None) -> None:
        function = post.function or function
        first, last = next(names)
        office = rng.choice(REMOTE) if post.office == "remote" else OFFICES[post.office]
        pool = functions[function].skills if function else ()
        plan.append(
            _Planned(
                name=f"{first} {last}",
                email=post.login or f"{_ascii(first)}.{_ascii(last)}@{company.email_domain}",
                post=post,
                function=function,
                depth=depth,
                manager=manager,
                location=office.location,
                timezone=office.timezone,
                skills=_skills_pick(post, pool, rng),
            )
        )
        index = len(plan) - 1
        for report in post.reports:
            visit(report, function, depth + 1, index)

    visit(company.top, "", 0, None)
    return plan


def _skills_pick(post: Post, pool: tuple[str, ...], rng: random.Random) -> dict[str, int]:
    level = post.seniority
    skills = {name: rng.randint(*_CORE_RANGE[level]) for name in post.skills}
    others = [name for name in pool if name not in skills]
    for name in rng.sample(others, min(len(others), max(0, rng.randint(3, 4) - len(skills)))):
        skills[name] = rng.randint(*_OTHER_RANGE[level])
    if level >= Seniority.MANAGER:
        skills["People leadership"] = rng.randint(*_LEADERSHIP_RANGE[level])
    if level >= Seniority.DIRECTOR:
        skills["Strategic planning"] = rng.randint(*_LEADERSHIP_RANGE[level])
    if rng.random() < 0.6:
        shared = rng.choice([name for name in SHARED_SKILLS if name not in skills])
        skills[shared] = rng.randint(*_SHARED_RANGE[level])
    return skills


# --- writing --------------------------------------------------------------------------------


def _logins_upsert(people: dict[str, _Planned]) -> dict[str, User]:
    """Create the demo logins, or reset them to the demo password, with verified emails."""
    # The password is public, so one hash serves all four logins (Argon2 is slow on purpose).
    password = make_password(DEMO_PASSWORD)
    emails = [email for _, email in DEMO_LOGINS]
    existing = {user.email: user for user in User.objects.filter(email__in=emails)}
    users: dict[str, User] = {}
    for email in emails:
        first, _, last = people[email].name.partition(" ")
        user = existing.get(email) or User(email=email)
        user.display_name = people[email].name
        user.first_name, user.last_name = first, last
        user.password = password
        user.is_active = True
        users[email] = user
    User.objects.bulk_create([user for user in users.values() if user.pk is None])
    User.objects.bulk_update(
        [user for email, user in users.items() if email in existing],
        ["display_name", "first_name", "last_name", "password", "is_active"],
    )
    EmailAddress.objects.filter(user__in=users.values()).delete()
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=email, verified=True, primary=True)
            for email, user in users.items()
        ]
    )
    return users


def _company_write(
    *, name: str, slug: str, company: Company, plan: list[_Planned], users: dict[str, User]
) -> DemoWorkspace:
    workspace = Workspace.objects.create(name=name, slug=slug)
    functions = Function.objects.bulk_create(
        [
            Function(workspace=workspace, name=spec.name, description=spec.description)
            for spec in company.functions
        ]
    )
    by_name = {function.name: function for function in functions}

    # The plan lists every manager before their reports, so each row can point at its manager.
    persons: list[Person] = []
    for planned in plan:
        persons.append(
            Person(
                workspace=workspace,
                name=planned.name,
                email=planned.email,
                title=planned.post.title,
                seniority=planned.post.seniority,
                function=by_name[planned.function] if planned.function else None,
                manager=persons[planned.manager] if planned.manager is not None else None,
                location=planned.location,
                timezone=planned.timezone,
                user=users.get(planned.email),
            )
        )
    # One INSERT per layer of the tree: a manager's key must exist before its reports are saved.
    for depth in range(max(planned.depth for planned in plan) + 1):
        Person.objects.bulk_create(
            [
                person
                for person, planned in zip(persons, plan, strict=True)
                if planned.depth == depth
            ]
        )

    for planned, person in zip(plan, persons, strict=True):
        if planned.post.leads_function:
            by_name[planned.function].lead = person
    Function.objects.bulk_update(functions, ["lead"])

    catalog = sorted(
        {skill for spec in company.functions for skill in spec.skills}
        | {skill for planned in plan for skill in planned.skills}
        | set(LEADERSHIP_SKILLS)
        | set(SHARED_SKILLS)
    )
    skills = {
        skill.name: skill
        for skill in Skill.objects.bulk_create(
            [Skill(workspace=workspace, name=skill) for skill in catalog]
        )
    }
    PersonSkill.objects.bulk_create(
        [
            PersonSkill(workspace=workspace, person=person, skill=skills[skill], proficiency=level)
            for planned, person in zip(plan, persons, strict=True)
            for skill, level in planned.skills.items()
        ],
        batch_size=500,
    )

    Membership.objects.bulk_create(
        [
            Membership(workspace=workspace, user=users[email], role=role)
            for email, role in DEMO_ROLES[slug].items()
        ]
    )

    # Oldest first: the functions come last, so they top the dashboard's recent activity.
    audit_bulk(
        workspace=workspace,
        actor=None,
        rows=[
            ("create", workspace, diff({}, {"name": name, "slug": slug})),
            *[("create", p, diff({}, snapshot(p, PERSON_FIELDS))) for p in persons],
            *[("create", f, diff({}, snapshot(f, FUNCTION_FIELDS))) for f in functions],
        ],
    )
    return DemoWorkspace(
        name=name, slug=slug, functions=len(functions), people=len(persons), skills=len(skills)
    )
