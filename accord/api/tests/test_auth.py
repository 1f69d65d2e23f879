"""Who may call the API, as whom, and in which workspace."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accord.api.actions import token_create, token_revoke
from accord.api.models import ApiToken
from accord.api.testing import bearer_client, token_for
from accord.workspaces.models import Membership, Role, Workspace
from accord.workspaces.selectors import LAST_WORKSPACE_KEY

PROBLEM = "application/problem+json"


def test_a_bearer_token_acts_as_its_member_in_its_workspace(acme):
    """A token answers with its workspace and its member's role."""
    response = bearer_client(token_for(acme, "member")).get("/api/v1/workspace")
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"
    assert response.json()["role"] == "member"


def test_no_credentials_is_401_problem(db):
    """Without a token or a session the API answers 401 problem+json with a challenge."""
    response = Client().get("/api/v1/people")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "https://accord.dev/problems/not-authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(acme):
    """A token that was never issued is refused."""
    response = bearer_client("acc_not-a-real-token").get("/api/v1/people")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_revoked_token_is_401(acme):
    """Revoking a token stops it working at once."""
    membership = acme.membership("admin")
    token, raw = token_create(membership=membership, actor=membership.user, name="CI")
    client = bearer_client(raw)
    assert client.get("/api/v1/people").status_code == 200
    token_revoke(token=token, actor_membership=membership, actor=membership.user)
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_bad_token_is_refused_even_with_a_valid_session(acme, login):
    """An explicit but invalid token never falls back to the browser session."""
    client = login(acme.owner)
    response = client.get("/api/v1/people", headers={"Authorization": "Bearer acc_wrong"})
    assert response.status_code == 401


def test_token_of_a_member_who_left_stops_working(acme):
    """Removing the member removes their tokens."""
    raw = token_for(acme, "member")
    acme.membership("member").delete()
    assert bearer_client(raw).get("/api/v1/people").status_code == 401


def test_token_of_a_deactivated_user_stops_working(acme):
    raw = token_for(acme, "member")
    acme.member.is_active = False
    acme.member.save(update_fields=["is_active"])
    assert bearer_client(raw).get("/api/v1/people").status_code == 401


def test_globex_token_cannot_see_acme(acme, globex):
    """A token is scoped to its workspace: acme's records are 404, lists hold only globex."""
    client = bearer_client(token_for(globex, "owner"))
    assert client.get(f"/api/v1/people/{acme.alice.uuid}").status_code == 404
    assert client.get(f"/api/v1/functions/{acme.sales.uuid}").status_code == 404
    emails = [p["email"] for p in client.get("/api/v1/people").json()["results"]]
    assert emails == ["alice@globex.test", "bob@globex.test"]


def test_token_cannot_switch_workspace_with_the_header(acme, globex):
    """X-Accord-Workspace naming another workspace than the token's is 404."""
    client = bearer_client(token_for(globex, "owner"))
    response = client.get("/api/v1/people", headers={"X-Accord-Workspace": "acme"})
    assert response.status_code == 404
    same = client.get("/api/v1/people", headers={"X-Accord-Workspace": "globex"})
    assert same.status_code == 200


def test_the_token_members_current_role_applies(acme):
    """A role change takes effect on the next request made with an existing token."""
    client = bearer_client(token_for(acme, "admin"))
    created = client.post("/api/v1/functions", {"name": "Legal"}, content_type="application/json")
    assert created.status_code == 201
    Membership.objects.filter(pk=acme.membership("admin").pk).update(role=Role.VIEWER)
    response = client.post("/api/v1/functions", {"name": "Ops"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["type"] == "https://accord.dev/problems/permission-denied"


def test_last_used_is_recorded_at_most_once_a_minute(acme):
    """The first use stamps last_used_at; uses within the minute do not write again."""
    raw = token_for(acme, "viewer")
    client = bearer_client(raw)
    client.get("/api/v1/workspace")
    token = ApiToken.objects.get(membership=acme.membership("viewer"))
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/workspace")
    token.refresh_from_db()
    assert token.last_used_at == first
    stale = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    client.get("/api/v1/workspace")
    token.refresh_from_db()
    assert token.last_used_at > stale


def test_session_reads_the_workspace_from_the_header(acme, globex, login):
    """A signed-in browser names its workspace with X-Accord-Workspace."""
    Membership.objects.create(workspace=globex.workspace, user=acme.viewer, role=Role.MEMBER)
    client = login(acme.viewer)
    response = client.get("/api/v1/workspace", headers={"X-Accord-Workspace": "globex"})
    assert response.json()["slug"] == "globex"
    assert response.json()["role"] == "member"


def test_session_falls_back_to_the_last_workspace_opened(acme, globex, login):
    Membership.objects.create(workspace=globex.workspace, user=acme.viewer, role=Role.MEMBER)
    client = login(acme.viewer)
    session = client.session
    session[LAST_WORKSPACE_KEY] = "globex"
    session.save()
    assert client.get("/api/v1/workspace").json()["slug"] == "globex"


def test_session_uses_the_only_workspace(acme, login):
    assert login(acme.viewer).get("/api/v1/workspace").json()["slug"] == "acme"


def test_session_with_several_workspaces_and_no_choice_is_told_to_choose(acme, globex, login):
    """Several workspaces, no header and no last workspace: a 400 naming the header."""
    Membership.objects.create(workspace=globex.workspace, user=acme.viewer, role=Role.MEMBER)
    response = login(acme.viewer).get("/api/v1/workspace")
    assert response.status_code == 400
    assert response.json()["type"] == "https://accord.dev/problems/workspace-required"
    assert "X-Accord-Workspace" in response.json()["detail"]


def test_session_header_for_a_workspace_you_are_not_in_is_404(acme, globex, login):
    response = login(acme.owner).get("/api/v1/people", headers={"X-Accord-Workspace": "globex"})
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_session_without_any_workspace_is_404(db, login):
    from accord.accounts.models import User

    loner = User.objects.create_user(email="loner@example.test", password="x")
    assert login(loner).get("/api/v1/workspace").status_code == 404


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_session_writes_need_the_csrf_token(acme, method):
    """Unsafe methods over the session are refused without the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme.owner, backend="django.contrib.auth.backends.ModelBackend")
    url = "/api/v1/functions" if method == "post" else f"/api/v1/functions/{acme.sales.uuid}"
    response = getattr(client, method)(url, {"name": "Legal"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["type"] == "https://accord.dev/problems/csrf-failed"
    assert Workspace.objects.get(pk=acme.workspace.pk)  # nothing was deleted


def test_session_writes_with_the_csrf_token_succeed(acme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme.owner, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/w/acme/settings/tokens/")  # sets the CSRF cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/functions",
        {"name": "Legal"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


def test_session_reads_need_no_csrf_token(acme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme.viewer, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/people").status_code == 200


def test_bearer_writes_need_no_csrf_token(acme):
    """A token is not ambient authority, so CSRF does not apply to it."""
    client = bearer_client(token_for(acme, "admin"), enforce_csrf_checks=True)
    response = client.post("/api/v1/functions", {"name": "Legal"}, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("member", 403), ("admin", 201), ("owner", 201)]
)
def test_directory_writes_need_admin(acme, role, status):
    client = bearer_client(token_for(acme, role))
    response = client.post("/api/v1/functions", {"name": "Legal"}, content_type="application/json")
    assert response.status_code == status


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_every_role_reads_the_directory(acme, role):
    client = bearer_client(token_for(acme, role))
    assert client.get("/api/v1/people").status_code == 200
    assert client.get("/api/v1/functions").status_code == 200
    assert client.get(f"/api/v1/people/{acme.alice.uuid}").status_code == 200
