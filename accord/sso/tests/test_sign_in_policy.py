"""Workspace sign-in policy (required MFA, required SSO) and the SSO settings page."""

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError
from django.test import Client

from accord.api.testing import bearer_client
from accord.sso import actions
from accord.sso.models import SsoDomain, WorkspaceSignInPolicy, WorkspaceSso
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def totp_enable(user: Any) -> None:
    TOTP.activate(user, generate_totp_secret())


def require_mfa(tenant: Any) -> None:
    totp_enable(tenant.owner)
    actions.signin_policy_update(
        actor_membership=tenant.membership("owner"),
        require_mfa=True,
        require_sso=False,
        sso_satisfies_mfa=False,
    )


def test_members_without_an_authenticator_are_sent_to_set_one_up(acme, login):
    """With MFA required, any /w/<ws>/ page redirects to TOTP setup with a message."""
    require_mfa(acme)
    client = login(acme.user("member"))
    response = client.get("/w/acme/goals/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    setup = client.get(response["Location"], follow=True)
    assert setup.status_code == 200
    assert b"requires two-factor authentication" in setup.content


def test_members_with_an_authenticator_open_pages_as_before(acme, login):
    """A member with TOTP is not redirected."""
    require_mfa(acme)
    totp_enable(acme.user("member"))
    assert login(acme.user("member")).get("/w/acme/").status_code == 200


def test_the_setup_and_sign_out_pages_stay_reachable(acme, login):
    """Account pages are outside /w/ and never redirect, so there is no loop."""
    require_mfa(acme)
    client = login(acme.user("viewer"))
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/healthz").status_code in {200, 503}


def test_other_workspaces_are_not_affected(acme, globex, login):
    """acme's policy does not touch globex, nor tell a non-member anything about acme."""
    require_mfa(acme)
    client = login(globex.user("member"))
    assert client.get("/w/globex/").status_code == 200
    assert client.get("/w/acme/").status_code == 404


def test_personal_access_tokens_keep_working(acme):
    """The API is not interactive sign-in: tokens are not sent to MFA setup."""
    from accord.api.actions import token_create

    require_mfa(acme)
    _token, raw = token_create(
        membership=acme.membership("member"), actor=acme.user("member"), name="ci"
    )
    response = bearer_client(raw).get("/api/v1/functions")
    assert response.status_code == 200


def test_only_owners_change_the_policy(acme, login):
    """Admins see the policy but their POST changes nothing."""
    client = login(acme.user("admin"))
    page = client.get("/w/acme/settings/sign-in/")
    assert page.status_code == 200
    assert b"Only owners can change the policy" in page.content
    client.post("/w/acme/settings/sign-in/", {"form": "policy", "require_mfa": "on"})
    assert not WorkspaceSignInPolicy.objects.filter(workspace=acme.workspace).exists()
    with pytest.raises(ValidationError):
        actions.signin_policy_update(
            actor_membership=acme.membership("admin"),
            require_mfa=True,
            require_sso=False,
            sso_satisfies_mfa=False,
        )


def test_an_owner_without_mfa_cannot_require_it(acme, login):
    """Requiring MFA first needs it on the owner's own account, so the owner keeps access."""
    client = login(acme.owner)
    response = client.post("/w/acme/settings/sign-in/", {"form": "policy", "require_mfa": "on"})
    assert response.status_code == 422
    assert b"Turn on two-factor authentication for your own account first" in response.content
    totp_enable(acme.owner)
    response = client.post("/w/acme/settings/sign-in/", {"form": "policy", "require_mfa": "on"})
    assert response.status_code == 302
    policy = WorkspaceSignInPolicy.objects.get(workspace=acme.workspace)
    assert policy.require_mfa is True
    entry = AuditEntry.objects.get(object_uuid=policy.uuid)
    assert entry.changes["require_mfa"] == [None, True]


def test_members_and_viewers_cannot_open_sign_in_settings(acme, login):
    """The page is for admins and owners."""
    assert login(acme.user("member")).get("/w/acme/settings/sign-in/").status_code == 403
    assert login(acme.user("viewer")).get("/w/acme/settings/sign-in/").status_code == 403


def test_an_admin_sets_up_sso_and_the_secret_is_never_shown(acme, login, settings):
    """The settings page stores the provider; the secret only appears as its last characters."""
    settings.ACCORD_SSO_ALLOW_LOCAL_ISSUERS = False
    client = login(acme.user("admin"))
    data = {
        "form": "sso",
        "issuer": "https://login.acme.example/realms/acme/",
        "client_id": "accord",
        "client_secret": "very-secret-value-9876",
        "domains": "acme.test\n@Acme-Labs.test",
        "join_role": "viewer",
        "enabled": "on",
    }
    assert client.post("/w/acme/settings/sign-in/", data).status_code == 302
    sso = WorkspaceSso.objects.get(workspace=acme.workspace)
    assert sso.app.provider == "openid_connect"
    assert sso.app.provider_id == "ws-acme"
    assert sso.app.settings["server_url"] == "https://login.acme.example/realms/acme"
    assert sso.join_role == "viewer"
    assert sorted(SsoDomain.objects.values_list("domain", flat=True)) == [
        "acme-labs.test",
        "acme.test",
    ]
    page = client.get("/w/acme/settings/sign-in/")
    assert b"very-secret-value-9876" not in page.content
    assert "ends in …9876" in page.content.decode()
    assert b"/accounts/oidc/ws-acme/login/callback/" in page.content
    # Saving again without a secret keeps the stored one.
    assert (
        client.post("/w/acme/settings/sign-in/", {**data, "client_secret": ""}).status_code == 302
    )
    assert SocialApp.objects.get(provider_id="ws-acme").secret == "very-secret-value-9876"
    audit = AuditEntry.objects.filter(object_type="sso.workspacesso")
    assert audit.count() == 2
    assert all("very-secret" not in str(entry.changes) for entry in audit)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("issuer", "http://login.acme.example", "The issuer must use https://."),
        ("issuer", "https://10.0.0.5/realms/acme", "private or local address"),
        ("issuer", "https://localhost:8443", "private or local address"),
        ("domains", "gmail.com", "gmail.com is a public mail service"),
        ("domains", "not a domain!", "is not an e-mail domain"),
    ],
)
def test_unsafe_or_wrong_settings_are_refused_with_a_reason(
    acme, login, settings, field, value, message
):
    """Issuers must be public https URLs; domains must be real and the organisation's own."""
    settings.ACCORD_SSO_ALLOW_LOCAL_ISSUERS = False
    data = {
        "form": "sso",
        "issuer": "https://login.acme.example",
        "client_id": "accord",
        "client_secret": "secret",
        "domains": "acme.test",
        "join_role": "member",
        field: value,
    }
    response = login(acme.user("admin")).post("/w/acme/settings/sign-in/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not WorkspaceSso.objects.exists()


def test_a_domain_belongs_to_one_workspace(acme, globex, acme_sso):
    """globex cannot claim a domain that already signs in to acme."""
    with pytest.raises(ValidationError) as raised:
        actions.sso_configure(
            actor_membership=globex.membership("owner"),
            issuer="https://login.globex.example",
            client_id="g",
            client_secret="g-secret",
            domains="globex.test, acme.test",
            join_role="member",
            enabled=True,
        )
    assert "acme.test already signs in to another workspace" in str(raised.value)


def test_require_sso_sends_password_sessions_through_sso_but_not_owners(acme, acme_sso, login):
    """Members signed in with a password go to SSO; owners keep a way in."""
    actions.signin_policy_update(
        actor_membership=acme.membership("owner"),
        require_mfa=False,
        require_sso=True,
        sso_satisfies_mfa=False,
    )
    response = login(acme.user("member")).get("/w/acme/")
    assert response.status_code == 302
    assert response["Location"] == "/sso/acme/start/"
    assert login(acme.owner).get("/w/acme/").status_code == 200


def test_removing_sso_removes_the_provider_and_the_rule(acme, acme_sso, login):
    """After removal, nothing refers to the provider and no one is sent to SSO."""
    actions.signin_policy_update(
        actor_membership=acme.membership("owner"),
        require_mfa=False,
        require_sso=True,
        sso_satisfies_mfa=False,
    )
    client = login(acme.owner)
    removed = client.post("/w/acme/settings/sign-in/sso/remove/")
    assert removed["Location"] == "/w/acme/settings/sign-in/"
    assert not SocialApp.objects.filter(provider_id="ws-acme").exists()
    assert WorkspaceSignInPolicy.objects.get(workspace=acme.workspace).require_sso is False
    assert login(acme.user("member")).get("/w/acme/").status_code == 200


def test_mfa_coverage_counts_members_with_an_authenticator(acme, login):
    """The settings page says how many members already use an authenticator app."""
    totp_enable(acme.user("member"))
    assert Authenticator.objects.count() == 1
    page = login(acme.owner).get("/w/acme/settings/sign-in/")
    assert "1 of 4 members uses an authenticator app" in page.content.decode()


def test_a_client_without_session_is_not_redirected(acme):
    """Anonymous visitors get the normal sign-in redirect, not MFA setup."""
    require_mfa(acme)
    response = Client().get("/w/acme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
