import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accord.accounts.models import User
from accord.workspaces.models import Invitation, Membership, Role

pytestmark = pytest.mark.django_db(transaction=True)


def _invite(client, tenant, email="newcomer@example.com", role="member"):
    return client.post(
        reverse("member_list", args=[tenant.workspace.slug]), {"email": email, "role": role}
    )


def _link_from_outbox() -> str:
    body = mail.outbox[-1].body
    return re.search(r"https?://\S+/invite/\S+/", body).group(0)


def test_invitation_enqueued_in_request_is_sent_by_the_worker(acme, login):
    """Inviting from the members page queues a task; `accord worker` sends the email."""
    client = login(acme.admin)
    response = _invite(client, acme)
    assert response.status_code == 302
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mail.outbox == []

    call_command("worker", batch=True, verbosity=0)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.com"]
    assert "Acme Corp" in mail.outbox[0].subject
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_worker_never_sends_the_same_invitation_twice(acme, login):
    """A duplicated job finds the invitation already sent and skips it."""
    from accord.workspaces.tasks import invitation_send

    _invite(login(acme.admin), acme)
    invitation = Invitation.objects.get()
    call_command("worker", batch=True, verbosity=0)
    invitation_send.enqueue(invitation_id=invitation.pk, token="ignored")
    call_command("worker", batch=True, verbosity=0)
    assert len(mail.outbox) == 1


def test_new_person_accepts_and_gets_an_account(acme, login, client):
    """The link lets a person without an account create one and join with the invited role."""
    _invite(login(acme.admin), acme, role="viewer")
    call_command("worker", batch=True, verbosity=0)
    client.logout()
    link = _link_from_outbox()
    page = client.get(link)
    assert page.status_code == 200
    assert b"Create account and join" in page.content

    weak = client.post(link, {"display_name": "Nia", "password": "123"})
    assert weak.status_code == 422
    assert b"Nia" in weak.content  # the user's input is kept

    done = client.post(link, {"display_name": "Nia Newcomer", "password": "a-long-passphrase-9"})
    assert done.status_code == 302
    user = User.objects.get(email="newcomer@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.workspace == acme.workspace
    assert membership.role == Role.VIEWER
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
    # The link works once.
    client.logout()
    assert client.get(link).status_code == 404


def test_existing_user_accepts_after_signing_in(acme, globex, login):
    """Someone already on Accord (in another workspace) joins by accepting while signed in."""
    _invite(login(acme.admin), acme, email=globex.member.email, role="member")
    call_command("worker", batch=True, verbosity=0)
    link = _link_from_outbox()
    client = login(globex.member)
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user=globex.member).count() == 2


def test_wrong_account_cannot_accept(acme, globex, login):
    """An invitation for one address cannot be accepted by a different signed-in user."""
    _invite(login(acme.admin), acme, email="someone@example.com")
    call_command("worker", batch=True, verbosity=0)
    link = _link_from_outbox()
    client = login(globex.viewer)
    client.post(link)
    assert not Membership.objects.filter(user=globex.viewer, workspace=acme.workspace).exists()


def test_revoked_and_expired_links_are_refused(acme, login, client):
    """Revoked or expired invitations answer 404 with an explanation."""
    from datetime import timedelta

    from django.utils import timezone

    _invite(login(acme.admin), acme)
    call_command("worker", batch=True, verbosity=0)
    link = _link_from_outbox()
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.logout()
    assert client.get(link).status_code == 404
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(days=1), status=Invitation.Status.REVOKED
    )
    response = client.get(link)
    assert response.status_code == 404
    assert b"can't be used" in response.content


def test_admin_cannot_invite_an_owner_and_members_cannot_invite(acme, login):
    """Invitations never grant more than the inviter has; members and viewers cannot invite."""
    response = _invite(login(acme.admin), acme, role="owner")
    assert response.status_code == 422
    assert b"above your own" in response.content
    _invite(login(acme.member), acme, email="x@example.com")
    assert not Invitation.objects.filter(email="x@example.com").exists()


def test_inviting_an_existing_member_is_explained(acme, login):
    """Inviting someone already in the workspace names the problem on the email field."""
    response = _invite(login(acme.owner), acme, email=acme.viewer.email)
    assert response.status_code == 422
    assert b"already a member" in response.content


def test_accepted_invitation_cannot_be_revoked(acme, login):
    """Revoking only applies to pending invitations; an accepted one stays accepted."""
    from accord.workspaces.actions import invitation_create

    invitation, _ = invitation_create(
        actor_membership=acme.membership("admin"), email="late@example.com", role="member"
    )
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.ACCEPTED)
    client = login(acme.admin)
    client.post(reverse("invitation_revoke", args=["acme", invitation.uuid]))
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.ACCEPTED
