"""Shared fixtures: two workspaces ("acme" and "globex") with a user of every role in each.

Every feature test can then also assert that the other workspace sees nothing.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accord.accounts.models import User
from accord.org.models import Function, Person, Seniority
from accord.workspaces.models import Membership, Role, Workspace

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Tenant:
    workspace: Workspace
    owner: User
    admin: User
    member: User
    viewer: User
    sales: Function
    finance: Function
    alice: Person
    bob: Person

    def user(self, role: str) -> User:
        return getattr(self, role)

    def membership(self, role: str) -> Membership:
        return Membership.objects.get(workspace=self.workspace, user=self.user(role))


def _user(email: str) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, display_name=email.split("@")[0].title()
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def build_tenant(slug: str, name: str) -> Tenant:
    workspace = Workspace.objects.create(name=name, slug=slug)
    users = {}
    for role in Role.values:
        users[role] = _user(f"{role}@{slug}.test")
        Membership.objects.create(workspace=workspace, user=users[role], role=role)
    sales = Function.objects.create(workspace=workspace, name="Sales")
    finance = Function.objects.create(workspace=workspace, name="Finance")
    alice = Person.objects.create(
        workspace=workspace,
        name="Alice Archer",
        email=f"alice@{slug}.test",
        title="VP Sales",
        seniority=Seniority.DIRECTOR,
        function=sales,
    )
    bob = Person.objects.create(
        workspace=workspace,
        name="Bob Baker",
        email=f"bob@{slug}.test",
        title="Analyst",
        seniority=Seniority.IC,
        function=finance,
        manager=alice,
    )
    return Tenant(workspace=workspace, sales=sales, finance=finance, alice=alice, bob=bob, **users)


@pytest.fixture
def acme(db: Any) -> Tenant:
    return build_tenant("acme", "Acme Corp")


@pytest.fixture
def globex(db: Any) -> Tenant:
    return build_tenant("globex", "Globex Inc")


@pytest.fixture
def login(client: Client):
    """login(user) signs the test client in as that user and returns the client."""

    def sign_in(user: User) -> Client:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; fixtures hash many passwords, so tests use a fast hasher.

    The test that checks Argon2 is the production hasher restores the real setting.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests render templates without running collectstatic, so skip the hashed manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Tests that make their own PostgreSQL databases (a primary and a replica) whatever the
# suite's database is: `make pytest-postgres` runs them, beside the rest of the suite there.
POSTGRES_SERVER_TESTS = ("accord/ops/tests/test_routers.py",)
# Tests of the deployment files and processes: the database under them does not change what
# they check, so `make pytest-sqlite` runs them once.
ONE_DATABASE_TESTS = ("tests/deploy/", "tests/security/test_audit.py")


# The longest tests (minutes each: URL walks, fuzzing, real servers) start first, so with
# `--dist worksteal` the other worker takes the many short tests instead of one worker
# finishing the run alone.
LONG_TESTS = (
    "tests/test_tenancy_leaks.py",
    "tests/security/",
    "tests/reliability/",
    "tests/deploy/",
    "accord/ops/tests/test_routers.py",
)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Everything under tests/browser drives Chromium: `-m browser` selects it."""
    long = [item for item in items if any(part in item.path.as_posix() for part in LONG_TESTS)]
    if long and len(long) < len(items):
        # worksteal hands each of the (usually two) workers one half of the list at first:
        # every other long test opens the first half, the others open the second.
        # A file whose tests share a module-scoped server (deploy, reliability) stays on one
        # worker, or both workers would start that server; the tenancy walks (no shared
        # set-up, the longest tests) are dealt one by one.
        chosen = set(long)
        short = [item for item in items if item not in chosen]
        units: dict[str, list[Any]] = {}
        for item in long:
            path = item.path.as_posix()
            key = item.nodeid if path.endswith("tests/test_tenancy_leaks.py") else path
            units.setdefault(key, []).append(item)
        first, second = [], []
        for index, unit in enumerate(units.values()):
            (first if index % 2 == 0 else second).extend(unit)
        middle = max(len(items) // 2 - len(first), 0)
        items[:] = first + short[:middle] + second + short[middle:]
    for item in items:
        path = item.path.as_posix()
        if "tests/browser" in path:
            item.add_marker(pytest.mark.browser)
        if any(part in path for part in POSTGRES_SERVER_TESTS):
            item.add_marker(pytest.mark.postgres_server)
        if any(part in path for part in ONE_DATABASE_TESTS):
            item.add_marker(pytest.mark.one_database)
