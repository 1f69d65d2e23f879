"""The workspace over the API: settings, members, invitations, history and audit."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.accounts.models import User
from accord.api.testing import token_client
from accord.workspaces.actions import invitation_create
from accord.workspaces.models import AuditEntry, Invitation, Membership, Role, Workspace

JSON = "application/json"


# --- workspace ------------------------------------------------------------------------------


def test_get_workspace_with_role_and_etag(acme):
    response = token_client(acme, "viewer").get("/api/v1/workspace")
    assert response.status_code == 200
    assert response.json() == {
        "id": str(acme.workspace.uuid),
        "name": "Acme Corp",
        "slug": "acme",
        "role": "viewer",
        "version": 1,
        "created_at": response.json()["created_at"],
    }
    assert response["ETag"] == '"1"'


def test_admin_renames_the_workspace(acme):
    client = token_client(acme, "admin")
    response = client.patch("/api/v1/workspace", {"name": "Acme Inc"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Inc"
    assert response["ETag"] == '"2"'
    assert Workspace.objects.get(pk=acme.workspace.pk).name == "Acme Inc"


def test_rename_guarded_by_if_match_and_version(acme):
    client = token_client(acme, "admin")
    client.patch("/api/v1/workspace", {"name": "Acme Inc"}, content_type=JSON)
    stale_header = client.patch(
        "/api/v1/workspace", {"name": "X"}, content_type=JSON, headers={"If-Match": '"1"'}
    )
    assert stale_header.status_code == 412
    stale_body = client.patch("/api/v1/workspace", {"name": "X", "version": 1}, content_type=JSON)
    assert stale_body.status_code == 409
    assert Workspace.objects.get(pk=acme.workspace.pk).name == "Acme Inc"


def test_members_cannot_rename_the_workspace(acme):
    response = token_client(acme, "member").patch(
        "/api/v1/workspace", {"name": "Mine"}, content_type=JSON
    )
    assert response.status_code == 403


def test_a_blank_workspace_name_is_a_field_error(acme):
    response = token_client(acme, "owner").patch(
        "/api/v1/workspace", {"name": " "}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


# --- members --------------------------------------------------------------------------------


def test_list_members_with_search_and_role_filter(acme):
    client = token_client(acme, "viewer")
    body = client.get("/api/v1/members").json()
    assert [m["email"] for m in body["results"]] == [
        "admin@acme.test",
        "member@acme.test",
        "owner@acme.test",
        "viewer@acme.test",
    ]
    assert [m["role"] for m in client.get("/api/v1/members?role=admin").json()["results"]] == [
        "admin"
    ]
    assert [m["email"] for m in client.get("/api/v1/members?q=OWN").json()["results"]] == [
        "owner@acme.test"
    ]
    assert client.get("/api/v1/members?role=boss").status_code == 422


def test_get_member_has_an_etag(acme):
    member = acme.membership("member")
    response = token_client(acme, "viewer").get(f"/api/v1/members/{member.uuid}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["email"] == "member@acme.test"


def test_admin_changes_a_role(acme):
    member = acme.membership("member")
    response = token_client(acme, "admin").patch(
        f"/api/v1/members/{member.uuid}", {"role": "viewer"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["role"] == "viewer"
    assert response["ETag"] == '"2"'
    member.refresh_from_db()
    assert member.role == Role.VIEWER


def test_admins_cannot_grant_ownership(acme):
    member = acme.membership("member")
    response = token_client(acme, "admin").patch(
        f"/api/v1/members/{member.uuid}", {"role": "owner"}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "role"


def test_role_changes_need_admin(acme):
    member = acme.membership("viewer")
    response = token_client(acme, "member").patch(
        f"/api/v1/members/{member.uuid}", {"role": "admin"}, content_type=JSON
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.role == Role.VIEWER


def test_role_change_with_a_stale_etag_is_412(acme):
    member = acme.membership("member")
    client = token_client(acme, "owner")
    client.patch(f"/api/v1/members/{member.uuid}", {"role": "viewer"}, content_type=JSON)
    response = client.patch(
        f"/api/v1/members/{member.uuid}",
        {"role": "admin"},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 412


def test_admin_removes_a_member(acme):
    member = acme.membership("viewer")
    response = token_client(acme, "admin").delete(f"/api/v1/members/{member.uuid}")
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_anyone_may_leave_but_not_remove_others(acme):
    viewer = acme.membership("viewer")
    client = token_client(acme, "viewer")
    assert client.delete(f"/api/v1/members/{acme.membership('member').uuid}").status_code == 403
    assert client.delete(f"/api/v1/members/{viewer.uuid}").status_code == 204
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_the_last_owner_cannot_leave(acme):
    owner = acme.membership("owner")
    response = token_client(acme, "owner").delete(f"/api/v1/members/{owner.uuid}")
    assert response.status_code == 422
    assert "at least one owner" in response.json()["detail"]


def test_another_workspaces_member_is_404(acme, globex):
    foreign = globex.membership("member")
    client = token_client(acme, "owner")
    assert client.get(f"/api/v1/members/{foreign.uuid}").status_code == 404
    assert client.delete(f"/api/v1/members/{foreign.uuid}").status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


# --- invitations ----------------------------------------------------------------------------


def test_admin_invites_by_email(acme):
    client = token_client(acme, "admin")
    response = client.post(
        "/api/v1/invitations", {"email": "New@Example.test", "role": "member"}, content_type=JSON
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "new@example.test"
    assert body["status"] == "pending"
    assert body["invited_by"] == {"email": "admin@acme.test", "name": "Admin"}
    assert "token" not in body
    assert [i["email"] for i in client.get("/api/v1/invitations").json()["results"]] == [
        "new@example.test"
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"email": "member@acme.test"}, "email"),
        ({"email": "new@example.test", "role": "boss"}, "role"),
        ({"email": "new@example.test", "role": "owner"}, "role"),
        ({"role": "member"}, "email"),
    ],
)
def test_invalid_invitations_are_field_errors(acme, payload, field):
    response = token_client(acme, "admin").post("/api/v1/invitations", payload, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Invitation.objects.exists()


def test_members_cannot_invite(acme):
    response = token_client(acme, "member").post(
        "/api/v1/invitations", {"email": "new@example.test"}, content_type=JSON
    )
    assert response.status_code == 403


def test_admin_revokes_an_invitation(acme):
    invitation, _token = invitation_create(
        actor_membership=acme.membership("admin"), email="new@example.test", role="member"
    )
    client = token_client(acme, "admin")
    assert client.delete(f"/api/v1/invitations/{invitation.uuid}").status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert client.delete(f"/api/v1/invitations/{invitation.uuid}").status_code == 404


def test_cannot_revoke_another_workspaces_invitation(acme, globex):
    invitation, _token = invitation_create(
        actor_membership=globex.membership("admin"), email="new@example.test", role="member"
    )
    response = token_client(acme, "owner").delete(f"/api/v1/invitations/{invitation.uuid}")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


# --- history and audit ----------------------------------------------------------------------


def test_history_endpoint_for_each_kind(acme):
    client = token_client(acme, "owner")
    client.patch(f"/api/v1/people/{acme.bob.uuid}", {"title": "A"}, content_type=JSON)
    client.patch("/api/v1/workspace", {"name": "Acme Inc"}, content_type=JSON)
    member = acme.membership("member")
    client.patch(f"/api/v1/members/{member.uuid}", {"role": "viewer"}, content_type=JSON)
    person = client.get(f"/api/v1/history/person/{acme.bob.uuid}").json()
    assert person["results"][0]["changes"] == {"title": ["Analyst", "A"]}
    workspace = client.get(f"/api/v1/history/workspace/{acme.workspace.uuid}").json()
    assert workspace["results"][0]["changes"] == {"name": ["Acme Corp", "Acme Inc"]}
    membership = client.get(f"/api/v1/history/membership/{member.uuid}").json()
    assert membership["results"][0]["changes"] == {"role": ["Member", "Viewer"]}
    function = client.get(f"/api/v1/history/function/{acme.sales.uuid}").json()
    assert function["count"] == 0


def test_history_is_scoped_to_the_workspace(acme, globex):
    """Another workspace's record has no history here, even when it has entries there."""
    token_client(globex, "owner").patch(
        f"/api/v1/people/{globex.bob.uuid}", {"title": "Secret"}, content_type=JSON
    )
    client = token_client(acme, "owner")
    assert client.get(f"/api/v1/history/person/{globex.bob.uuid}").status_code == 404
    assert client.get(f"/api/v1/history/workspace/{globex.workspace.uuid}").status_code == 404
    assert client.get(f"/api/v1/history/person/{uuid.uuid4()}").status_code == 404
    assert client.get(f"/api/v1/history/goal/{acme.bob.uuid}").status_code == 422


def test_audit_log_is_for_admins(acme):
    token_client(acme, "admin").patch(
        f"/api/v1/people/{acme.bob.uuid}", {"title": "A"}, content_type=JSON
    )
    assert token_client(acme, "member").get("/api/v1/audit").status_code == 403
    client = token_client(acme, "admin")
    body = client.get("/api/v1/audit?object_type=person").json()
    assert body["count"] == 1
    assert body["results"][0]["object_label"] == "Bob Baker"
    tokens = client.get("/api/v1/audit?object_type=apitoken&action=create").json()
    assert tokens["count"] == 3  # the three tokens made for this test


def test_audit_log_shows_only_this_workspace(acme, globex):
    token_client(globex, "owner").patch(
        f"/api/v1/people/{globex.bob.uuid}", {"title": "Secret"}, content_type=JSON
    )
    body = token_client(acme, "owner").get("/api/v1/audit?limit=200").json()
    assert all(entry["object_label"] != "Bob Baker" for entry in body["results"])
    assert "globex" not in str(body).lower()


# --- query counts ---------------------------------------------------------------------------


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(tenant, count):
    for n in range(count):
        user = User.objects.create_user(email=f"u{n}@{tenant.workspace.slug}.test")
        Membership.objects.create(workspace=tenant.workspace, user=user, role=Role.MEMBER)
        invitation_create(
            actor_membership=tenant.membership("owner"), email=f"i{n}@example.test", role="viewer"
        )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            workspace=tenant.workspace,
            actor=tenant.owner,
            actor_label="Owner",
            action="update",
            object_type="org.person",
            object_uuid=tenant.bob.uuid,
            object_label="Bob",
            changes={"title": [str(n), str(n + 1)]},
        )
        for n in range(count)
    )


@pytest.mark.parametrize(
    "url",
    ["/api/v1/members", "/api/v1/invitations", "/api/v1/audit", "/api/v1/history/person/{bob}"],
)
def test_lists_run_the_same_number_of_queries_for_3_or_40_rows(acme, globex, url):
    _grow(acme, 3)
    few = _queries(token_client(acme, "owner"), url.format(bob=acme.bob.uuid) + "?limit=200")
    _grow(globex, 40)
    many = _queries(token_client(globex, "owner"), url.format(bob=globex.bob.uuid) + "?limit=200")
    assert few == many
