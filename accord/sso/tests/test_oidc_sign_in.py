"""Single sign-on through a real OpenID Connect provider running on 127.0.0.1.

Every test drives the whole authorization-code flow: Accord's start page redirects to the
provider, the provider's sign-in form is submitted over real HTTP, and the provider's redirect
comes back to allauth's callback, which exchanges the code at the provider's token endpoint.
"""

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from accord.accounts.models import User
from accord.sso.testing import LocalProvider, relative
from accord.workspaces.models import AuditEntry, Membership

pytestmark = pytest.mark.django_db(transaction=False)


def sso_sign_in(client: Client, provider: LocalProvider, *, slug: str, sub: str) -> Any:
    """Run the flow for `sub`; return the response of allauth's callback."""
    start = client.post(f"/sso/{slug}/start/")
    assert start.status_code == 302, start.status_code
    authorize_url = start["Location"]
    assert authorize_url.startswith(provider.issuer + "/oauth2/authorize?")
    back = provider.authorize(authorize_url, sub=sub)
    assert back.startswith("http://testserver/accounts/oidc/"), back
    return client.get(relative(back))


def test_a_new_person_from_an_allowed_domain_gets_an_account_and_joins(acme, acme_sso, provider):
    """A first SSO sign-in creates the account and the membership with the configured role."""
    provider.user_set("u-1", email="Dana@acme.test", email_verified=True, name="Dana Diaz")
    client = Client()
    callback = sso_sign_in(client, provider, slug="acme", sub="u-1")
    assert callback.status_code == 302
    assert callback["Location"] == "/sso/acme/complete/"
    landed = client.get(callback["Location"])
    assert landed.status_code == 302
    assert landed["Location"] == "/w/acme/"
    user = User.objects.get(email="dana@acme.test")
    assert user.display_name == "Dana Diaz"
    assert user.has_usable_password() is False
    membership = Membership.objects.get(workspace=acme.workspace, user=user)
    assert membership.role == "member"
    assert SocialAccount.objects.filter(user=user, provider="ws-acme", uid="u-1").exists()
    entry = AuditEntry.objects.get(
        workspace=acme.workspace, object_type="workspaces.membership", object_uuid=membership.uuid
    )
    assert entry.changes["joined_by"] == [None, "single sign-on"]
    assert "s3cret" not in str(entry.changes)
    page = client.get("/w/acme/")
    assert page.status_code == 200
    assert b"Welcome to Acme" in page.content


def test_a_second_sign_in_does_not_add_a_second_membership(acme, acme_sso, provider):
    """Signing in again reuses the linked identity and changes nothing about membership."""
    provider.user_set("u-2", email="erin@acme.test", email_verified=True)
    first = Client()
    first.get(sso_sign_in(first, provider, slug="acme", sub="u-2")["Location"])
    second = Client()
    callback = sso_sign_in(second, provider, slug="acme", sub="u-2")
    assert second.get(callback["Location"])["Location"] == "/w/acme/"
    user = User.objects.get(email="erin@acme.test")
    assert Membership.objects.filter(user=user).count() == 1
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert (
        AuditEntry.objects.filter(
            workspace=acme.workspace, object_type="workspaces.membership", actor=user
        ).count()
        == 1
    )


def test_an_address_outside_the_allowed_domains_is_refused(acme, acme_sso, provider):
    """The provider may vouch for anyone; only the workspace's domains get in."""
    provider.user_set("u-3", email="mallory@elsewhere.test", email_verified=True)
    client = Client()
    callback = sso_sign_in(client, provider, slug="acme", sub="u-3")
    assert callback.status_code == 403
    assert b"not in an e-mail domain this workspace signs in with" in callback.content
    assert b"acme.test" in callback.content
    assert not User.objects.filter(email="mallory@elsewhere.test").exists()
    assert "_auth_user_id" not in client.session


def test_an_unverified_address_is_refused(acme, acme_sso, provider):
    """Without email_verified from the provider nobody is created or signed in."""
    provider.user_set("u-4", email="frank@acme.test", email_verified=False)
    client = Client()
    callback = sso_sign_in(client, provider, slug="acme", sub="u-4")
    assert callback.status_code == 403
    assert b"has not verified frank@acme.test" in callback.content
    assert not User.objects.filter(email="frank@acme.test").exists()


def test_an_existing_member_is_linked_by_verified_address(acme, acme_sso, provider):
    """acme's member with a password account signs in through SSO as the same user."""
    member = acme.user("member")
    provider.user_set("u-5", email=member.email, email_verified=True)
    client = Client()
    callback = sso_sign_in(client, provider, slug="acme", sub="u-5")
    assert client.get(callback["Location"])["Location"] == "/w/acme/"
    assert int(client.session["_auth_user_id"]) == member.pk
    assert SocialAccount.objects.get(provider="ws-acme", uid="u-5").user == member
    assert Membership.objects.filter(user=member).count() == 1
    member.refresh_from_db()
    assert member.has_usable_password() is True


def test_another_workspaces_account_is_not_taken_over(acme, globex, acme_sso, provider):
    """acme's provider cannot sign in to an existing account that is not an acme member."""
    outsider = User.objects.create_user("owner@acme-labs.test", password="x-Strong-pass-9")
    Membership.objects.create(workspace=globex.workspace, user=outsider, role="owner")
    provider.user_set("u-6", email="owner@acme-labs.test", email_verified=True)
    client = Client()
    callback = sso_sign_in(client, provider, slug="acme", sub="u-6")
    assert callback.status_code == 403
    assert b"already exists. Sign in with your password" in callback.content
    assert not SocialAccount.objects.filter(uid="u-6").exists()
    assert not Membership.objects.filter(workspace=acme.workspace, user=outsider).exists()


def test_a_signed_in_person_links_their_account_and_joins(acme, globex, acme_sso, provider):
    """Starting SSO while signed in links the identity when the provider names the same address."""
    person = User.objects.create_user("gina@acme-labs.test", password="x-Strong-pass-9")
    Membership.objects.create(workspace=globex.workspace, user=person, role="member")
    provider.user_set("u-7", email="gina@acme-labs.test", email_verified=True)
    client = Client()
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    callback = sso_sign_in(client, provider, slug="acme", sub="u-7")
    assert callback.status_code == 302, callback.content[:300]
    assert callback["Location"] == "/sso/acme/complete/"
    assert client.get(callback["Location"])["Location"] == "/w/acme/"
    assert SocialAccount.objects.get(uid="u-7").user == person
    assert Membership.objects.get(workspace=acme.workspace, user=person).role == "member"


def test_the_finish_page_needs_a_fresh_sso_sign_in(acme, globex, acme_sso):
    """Opening /sso/<ws>/complete/ without the provider's word adds nobody."""
    client = Client()
    client.force_login(globex.owner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/sso/acme/complete/").status_code == 404
    assert not Membership.objects.filter(workspace=acme.workspace, user=globex.owner).exists()


def test_a_work_address_finds_its_workspace(acme, acme_sso):
    """The SSO entry page sends an address to its domain's workspace, and explains a miss."""
    client = Client()
    found = client.post("/sso/", {"email": "someone@acme-labs.test"})
    assert found.status_code == 302
    assert found["Location"] == "/sso/acme/start/"
    missed = client.post("/sso/", {"email": "someone@nowhere.test"})
    assert missed.status_code == 422
    assert b"No workspace signs in nowhere.test addresses" in missed.content


def test_the_sign_in_page_offers_sso_but_lists_no_workspace_provider(acme, acme_sso):
    """The password sign-in page links to the SSO entry and never names a workspace's provider."""
    page = Client().get("/accounts/login/")
    assert page.status_code == 200
    assert b'href="/sso/"' in page.content
    assert b"Acme" not in page.content
    assert b"ws-acme" not in page.content


def test_turned_off_sso_is_not_offered(acme, acme_sso, provider):
    """With SSO off, the start page is 404 and allauth's own endpoint refuses the provider."""
    acme_sso.enabled = False
    acme_sso.save(update_fields=["enabled"])
    client = Client()
    assert client.get("/sso/acme/start/").status_code == 404
    assert client.post("/accounts/oidc/ws-acme/login/").status_code == 404


def test_an_unreachable_provider_gets_a_clear_message(acme, acme_sso):
    """When discovery fails the start page says so instead of failing with a server error."""
    acme_sso.app.settings = {**acme_sso.app.settings, "server_url": "http://127.0.0.1:9"}
    acme_sso.app.save(update_fields=["settings"])
    response = Client().post("/sso/acme/start/")
    assert response.status_code == 502
    assert b"could not reach your identity provider" in response.content


def test_an_sso_sign_in_counts_as_mfa_when_the_provider_enforces_it(acme, acme_sso, provider):
    """With "the identity provider enforces MFA", SSO sessions pass and password ones do not."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accord.sso.actions import signin_policy_update

    TOTP.activate(acme.owner, generate_totp_secret())
    signin_policy_update(
        actor_membership=acme.membership("owner"),
        require_mfa=True,
        require_sso=False,
        sso_satisfies_mfa=True,
    )
    member = acme.user("member")
    password_session = Client()
    password_session.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    assert password_session.get("/w/acme/")["Location"] == "/accounts/2fa/totp/activate/"
    provider.user_set("u-8", email=member.email, email_verified=True)
    sso_session = Client()
    callback = sso_sign_in(sso_session, provider, slug="acme", sub="u-8")
    assert sso_session.get(callback["Location"])["Location"] == "/w/acme/"
    assert sso_session.get("/w/acme/").status_code == 200


def test_a_sign_in_started_at_allauths_endpoint_still_joins(acme, acme_sso, provider):
    """Without Accord's start page (no "next"), the sign-in still finishes with the join."""
    provider.user_set("u-9", email="hal@acme.test", email_verified=True)
    client = Client()
    start = client.post("/accounts/oidc/ws-acme/login/")
    assert start.status_code == 302
    back = provider.authorize(start["Location"], sub="u-9")
    callback = client.get(relative(back))
    assert callback["Location"] == "/sso/acme/complete/"
    assert client.get(callback["Location"])["Location"] == "/w/acme/"
    assert Membership.objects.filter(workspace=acme.workspace, user__email="hal@acme.test").exists()
