from django.urls import reverse

from accord.workspaces.models import AuditEntry, Membership, Role, Workspace


def test_admin_changes_a_role_and_it_is_audited(acme, login):
    """Role changes by an admin take effect and leave an audit entry with before → after."""
    client = login(acme.admin)
    target = acme.membership("viewer")
    response = client.post(reverse("member_role", args=["acme", target.uuid]), {"role": "member"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.MEMBER
    entry = AuditEntry.objects.get(object_uuid=target.uuid, action="update")
    assert entry.changes == {"role": ["Viewer", "Member"]}
    assert entry.actor == acme.admin


def test_admin_cannot_promote_to_owner_or_touch_owners(acme, login):
    """Admins cannot grant ownership nor change an owner's role."""
    client = login(acme.admin)
    client.post(
        reverse("member_role", args=["acme", acme.membership("member").uuid]), {"role": "owner"}
    )
    client.post(
        reverse("member_role", args=["acme", acme.membership("owner").uuid]), {"role": "viewer"}
    )
    assert acme.membership("member").role == Role.MEMBER
    assert acme.membership("owner").role == Role.OWNER


def test_member_cannot_change_roles(acme, login):
    """Role changes need admin: a member gets 403."""
    client = login(acme.member)
    response = client.post(
        reverse("member_role", args=["acme", acme.membership("viewer").uuid]), {"role": "admin"}
    )
    assert response.status_code == 403


def test_last_owner_cannot_leave_or_be_demoted(acme, login):
    """A workspace always keeps an owner."""
    client = login(acme.owner)
    own = acme.membership("owner")
    client.post(reverse("member_role", args=["acme", own.uuid]), {"role": "admin"})
    client.post(reverse("member_remove", args=["acme", own.uuid]))
    assert Membership.objects.filter(pk=own.pk, role=Role.OWNER).exists()


def test_member_can_leave(acme, login):
    """Anyone may leave a workspace themselves."""
    client = login(acme.member)
    own = acme.membership("member")
    assert client.post(reverse("member_remove", args=["acme", own.uuid])).status_code == 302
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_other_workspace_members_are_not_reachable(acme, globex, login):
    """Acting on another workspace's member answers 404 and changes nothing."""
    client = login(globex.owner)
    foreign = acme.membership("viewer")
    assert (
        client.post(
            reverse("member_role", args=["globex", foreign.uuid]), {"role": "admin"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("member_role", args=["acme", foreign.uuid]), {"role": "admin"}
        ).status_code
        == 404
    )
    assert acme.membership("viewer").role == Role.VIEWER


def test_members_page_lists_only_this_workspace(acme, globex, login):
    """The members page shows acme's people only."""
    response = login(acme.viewer).get(reverse("member_list", args=["acme"]))
    assert response.status_code == 200
    assert b"owner@acme.test" in response.content
    assert b"globex" not in response.content.lower()
    # Viewers see no invite form.
    assert b"Send invitation" not in response.content


def test_create_workspace_makes_the_creator_owner(db, acme, login):
    """A user can create another workspace and becomes its owner."""
    client = login(acme.member)
    response = client.post(reverse("workspace_create"), {"name": "Side Project", "slug": "side"})
    assert response.status_code == 302
    workspace = Workspace.objects.get(slug="side")
    assert Membership.objects.get(workspace=workspace, user=acme.member).role == Role.OWNER


def test_workspace_slug_must_be_free_and_valid(acme, login):
    """Taken, reserved or malformed addresses are refused with a message on the field."""
    client = login(acme.member)
    for slug, message in [("acme", b"taken"), ("api", b"reserved"), ("Bad Slug!", b"lowercase")]:
        response = client.post(reverse("workspace_create"), {"name": "X", "slug": slug})
        assert response.status_code == 422
        assert message in response.content, slug


def test_switching_workspace_remembers_the_last_one(acme, globex, login):
    """Home sends a user to the workspace they used last."""
    from accord.workspaces.actions import workspace_create

    workspace_create(name="Second", slug="second", owner=acme.member)
    client = login(acme.member)
    client.get(reverse("dashboard", args=["second"]))
    assert client.get("/").url == reverse("dashboard", args=["second"])
    client.get(reverse("dashboard", args=["acme"]))
    assert client.get("/").url == reverse("dashboard", args=["acme"])


def test_audit_log_is_for_admins(acme, login):
    """Admins see the audit log; members get 403."""
    assert login(acme.admin).get(reverse("audit_log", args=["acme"])).status_code == 200
    assert login(acme.member).get(reverse("audit_log", args=["acme"])).status_code == 403
