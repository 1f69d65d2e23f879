"""Settings pages run a fixed number of queries however many rows they list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.accounts.models import User
from accord.api.actions import token_create
from accord.workspaces.actions import invitation_create
from accord.workspaces.audit import audit_bulk
from accord.workspaces.models import Membership, Role


def _grow(tenant, count: int, offset: int) -> None:
    """Add members (each with a token), pending invitations and audit entries."""
    admin = tenant.membership("admin")
    for index in range(offset, offset + count):
        user = User.objects.create_user(email=f"extra{index}@acme.test", password="x" * 12)
        membership = Membership.objects.create(
            workspace=tenant.workspace, user=user, role=Role.MEMBER
        )
        token_create(membership=membership, actor=user, name=f"script {index}")
        invitation_create(actor_membership=admin, email=f"invitee{index}@acme.test", role="viewer")
    audit_bulk(
        workspace=tenant.workspace,
        actor=tenant.admin,
        rows=[("update", tenant.alice, {"title": [str(i), str(i + 1)]}) for i in range(count)],
    )


def _count(client, url: str) -> int:
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["member_list", "audit_log", "token_list", "workspace_settings"])
def test_settings_pages_query_count_does_not_grow(acme, login, name):
    """Members, audit log, API tokens and general settings: same queries for 3 or 30 rows."""
    client = login(acme.admin)
    url = reverse(name, args=["acme"])
    _grow(acme, 3, 0)
    few = _count(client, url)
    _grow(acme, 27, 3)
    many = _count(client, url)
    assert many == few, f"{name}: {few} queries with few rows, {many} with many"
