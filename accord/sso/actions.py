"""Writes for enterprise sign-in: configure SSO, set the sign-in policy, join members."""

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accord.sso.models import JoinRole, SsoDomain, WorkspaceSignInPolicy, WorkspaceSso
from accord.sso.selectors import provider_id_for, sso_domains, user_has_totp
from accord.workspaces.audit import audit_record, diff
from accord.workspaces.models import Membership, Role

DOMAIN_RULE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
WELL_KNOWN = "/.well-known/openid-configuration"
# Domains that belong to mail providers, not to an organisation: claiming one would route
# every person with such an address to one workspace.
PUBLIC_MAIL_DOMAINS = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "aol.com",
}


def issuer_normalize(url: str, *, allow_local: bool) -> str:
    """The issuer URL without a trailing slash or discovery suffix; ValidationError if unfit.

    HTTPS and a public host are required unless the operator allows local issuers
    (ACCORD_SSO_ALLOW_LOCAL_ISSUERS, for development and tests): Accord fetches this URL
    from the server, so a private address would let an admin probe the internal network.
    """
    url = url.strip()
    if url.endswith(WELL_KNOWN):
        url = url[: -len(WELL_KNOWN)]
    url = url.rstrip("/")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValidationError({"issuer": "This is not a valid URL."}) from None
    if parts.scheme not in {"https", "http"} or not host:
        raise ValidationError(
            {"issuer": "Enter the issuer's https:// URL, e.g. https://login.example.com."}
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValidationError(
            {"issuer": "Leave user names, passwords, ? queries and # fragments out of the URL."}
        )
    if allow_local:
        return url
    if parts.scheme != "https":
        raise ValidationError({"issuer": "The issuer must use https://."})
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if (address is not None and not address.is_global) or host == "localhost":
        raise ValidationError(
            {
                "issuer": "This URL points at a private or local address; use the identity "
                "provider's public address."
            }
        )
    return url


def domains_parse(text: str) -> list[str]:
    """E-mail domains from text separated by commas, spaces or lines; ValidationError if bad."""
    domains: list[str] = []
    for raw in re.split(r"[\s,;]+", text.strip().lower()):
        domain = raw.lstrip("@").rstrip(".")
        if not domain:
            continue
        if not DOMAIN_RULE.match(domain):
            raise ValidationError(
                {"domains": f"“{raw}” is not an e-mail domain; write it like example.com."}
            )
        if domain in PUBLIC_MAIL_DOMAINS:
            raise ValidationError(
                {
                    "domains": f"{domain} is a public mail service; list your organisation's own "
                    "domains."
                }
            )
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise ValidationError(
            {"domains": "List at least one e-mail domain whose people sign in this way."}
        )
    return domains


def _admin_require(membership: Membership) -> None:
    if not membership.can_admin:
        raise ValidationError("Only admins and owners can configure single sign-on.")


def sso_configure(
    *,
    actor_membership: Membership,
    issuer: str,
    client_id: str,
    client_secret: str,
    domains: str,
    join_role: str,
    enabled: bool,
) -> WorkspaceSso:
    """Create or update the workspace's OpenID Connect provider.

    An empty `client_secret` keeps the stored one. The audit entry says the secret changed,
    never what it is.
    """
    _admin_require(actor_membership)
    workspace = actor_membership.workspace
    issuer = issuer_normalize(issuer, allow_local=settings.ACCORD_SSO_ALLOW_LOCAL_ISSUERS)
    client_id = client_id.strip()
    client_secret = client_secret.strip()
    if not client_id:
        raise ValidationError({"client_id": "Enter the client ID your identity provider gave."})
    if len(client_id) > 191 or len(client_secret) > 191:
        raise ValidationError({"client_id": "Client IDs and secrets are at most 191 characters."})
    if join_role not in JoinRole.values:
        raise ValidationError({"join_role": "New people can join as member or viewer."})
    domain_list = domains_parse(domains)
    taken = sorted(
        SsoDomain.objects.filter(domain__in=domain_list)
        .exclude(workspace=workspace)
        .values_list("domain", flat=True)
    )
    if taken:
        raise ValidationError(
            {"domains": f"{', '.join(taken)} already signs in to another workspace."}
        )
    existing = (
        WorkspaceSso.objects.select_related("app")
        .prefetch_related("domains")
        .filter(workspace=workspace)
        .first()
    )
    if existing is None and not client_secret:
        raise ValidationError({"client_secret": "Enter the client secret."})
    before: dict[str, Any] = {}
    if existing is not None:
        before = {
            "issuer": existing.app.settings.get("server_url", ""),
            "client_id": existing.app.client_id,
            "domains": ", ".join(sso_domains(existing)),
            "join_role": existing.join_role,
            "enabled": existing.enabled,
        }
    try:
        with transaction.atomic():
            app = existing.app if existing is not None else SocialApp(provider="openid_connect")
            app.provider_id = provider_id_for(workspace)
            app.name = f"{workspace.name} SSO"[:40]
            app.client_id = client_id
            if client_secret:
                app.secret = client_secret
            app.settings = {**app.settings, "server_url": issuer, "email_authentication": True}
            app.save()
            if existing is None:
                sso = WorkspaceSso.objects.create(
                    workspace=workspace, app=app, join_role=join_role, enabled=enabled
                )
            else:
                sso = existing
                sso.join_role = join_role
                sso.enabled = enabled
                sso.version += 1
                sso.save(update_fields=["join_role", "enabled", "version", "updated_at"])
            SsoDomain.objects.filter(sso=sso).exclude(domain__in=domain_list).delete()
            known = set(SsoDomain.objects.filter(sso=sso).values_list("domain", flat=True))
            SsoDomain.objects.bulk_create(
                [
                    SsoDomain(workspace=workspace, sso=sso, domain=domain)
                    for domain in domain_list
                    if domain not in known
                ]
            )
            after = {
                "issuer": issuer,
                "client_id": client_id,
                "domains": ", ".join(sorted(domain_list)),
                "join_role": join_role,
                "enabled": enabled,
            }
            changes = diff(before, after)
            if client_secret and (existing is None or client_secret != existing.app.secret):
                changes["client_secret"] = ["(hidden)", "(changed)"]
            audit_record(
                workspace=workspace,
                actor=actor_membership.user,
                action="create" if existing is None else "update",
                instance=sso,
                changes=changes,
            )
    except IntegrityError:
        raise ValidationError(
            {"domains": "One of these domains was just claimed by another workspace."}
        ) from None
    return sso


def sso_remove(*, actor_membership: Membership) -> None:
    """Delete the workspace's identity provider; people keep their accounts and memberships."""
    _admin_require(actor_membership)
    workspace = actor_membership.workspace
    sso = WorkspaceSso.objects.select_related("app").filter(workspace=workspace).first()
    if sso is None:
        return
    with transaction.atomic():
        audit_record(
            workspace=workspace,
            actor=actor_membership.user,
            action="delete",
            instance=sso,
            changes={"issuer": [sso.app.settings.get("server_url", ""), None]},
        )
        WorkspaceSignInPolicy.objects.filter(workspace=workspace).update(
            require_sso=False, sso_satisfies_mfa=False
        )
        app = sso.app
        sso.delete()
        # Linked identities go with the app: they could never sign in again without it.
        SocialAccount.objects.filter(provider=app.provider_id).delete()
        app.delete()


def signin_policy_update(
    *,
    actor_membership: Membership,
    require_mfa: bool,
    require_sso: bool,
    sso_satisfies_mfa: bool,
) -> WorkspaceSignInPolicy:
    """Owners decide how members must sign in; the change is audited."""
    if actor_membership.role != Role.OWNER:
        raise ValidationError("Only owners can change how members sign in.")
    workspace = actor_membership.workspace
    has_sso = WorkspaceSso.objects.filter(workspace=workspace, enabled=True).exists()
    if (require_sso or sso_satisfies_mfa) and not has_sso:
        raise ValidationError(
            {"require_sso": "Set up and enable single sign-on before requiring it."}
        )
    if require_mfa and not user_has_totp(actor_membership.user):
        raise ValidationError(
            {
                "require_mfa": "Turn on two-factor authentication for your own account first, "
                "so you keep access to this workspace."
            }
        )
    policy = WorkspaceSignInPolicy.objects.filter(workspace=workspace).first()
    created = policy is None
    if policy is None:
        policy = WorkspaceSignInPolicy(workspace=workspace)
    fields = ("require_mfa", "require_sso", "sso_satisfies_mfa")
    before = {name: getattr(policy, name) for name in fields} if not created else {}
    after = {
        "require_mfa": require_mfa,
        "require_sso": require_sso,
        "sso_satisfies_mfa": sso_satisfies_mfa,
    }
    with transaction.atomic():
        for name, value in after.items():
            setattr(policy, name, value)
        if created:
            policy.save()
        else:
            policy.version += 1
            policy.save(update_fields=[*fields, "version", "updated_at"])
        audit_record(
            workspace=workspace,
            actor=actor_membership.user,
            action="create" if created else "update",
            instance=policy,
            changes=diff(before, after),
        )
    return policy


@dataclass(frozen=True)
class SsoIdentity:
    """What the identity provider said about the person signing in."""

    email: str
    email_verified: bool


def sso_login_problem(
    *, sso: WorkspaceSso, identity: SsoIdentity, existing_user: Any | None
) -> str | None:
    """Why this sign-in must be refused (a sentence for the person), or None to let it in."""
    if not sso.enabled:
        return "Single sign-on is turned off for this workspace. Sign in with your password."
    if not identity.email:
        return (
            "Your identity provider did not share an e-mail address, so Accord cannot sign "
            "you in. Ask your IT team to release the e-mail claim to Accord."
        )
    if not identity.email_verified:
        return (
            f"Your identity provider has not verified {identity.email}. Ask your IT team to "
            "verify the address, then try again."
        )
    domain = identity.email.rpartition("@")[2].lower()
    allowed = sso_domains(sso)
    if domain not in allowed:
        return (
            f"{identity.email} is not in an e-mail domain this workspace signs in with "
            f"({', '.join(allowed)}). Use your work address, or ask a workspace admin to add "
            "the domain."
        )
    if (
        existing_user is not None
        and not Membership.objects.filter(workspace=sso.workspace, user=existing_user).exists()
    ):
        # Linking a password account to a workspace's identity provider is only automatic for
        # that workspace's own members: another workspace's admin must not take it over.
        return (
            f"An Accord account for {identity.email} already exists. Sign in with your "
            "password, then choose “Sign in with single sign-on” again to link it."
        )
    return None


def sso_member_join(*, sso: WorkspaceSso, user: Any) -> tuple[Membership, bool]:
    """Make the signed-in person a member of the SSO workspace (just-in-time), once.

    Returns the membership and whether it was created now. The join is audited with the
    person as actor; tokens and claims are never recorded.
    """
    workspace = sso.workspace
    existing = Membership.objects.filter(workspace=workspace, user=user).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                workspace=workspace, user=user, role=sso.join_role
            )
            audit_record(
                workspace=workspace,
                actor=user,
                action="create",
                instance=membership,
                changes=diff(
                    {},
                    {"user": user.email, "role": sso.join_role, "joined_by": "single sign-on"},
                ),
            )
    except IntegrityError:
        # A second tab finished the same sign-in first.
        return Membership.objects.get(workspace=workspace, user=user), False
    return membership, True
