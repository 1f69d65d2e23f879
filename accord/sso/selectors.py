"""Reads for enterprise sign-in: SSO configurations, sign-in policies, MFA status."""

from dataclasses import dataclass
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest

from accord.sso.models import SsoDomain, WorkspaceSignInPolicy, WorkspaceSso
from accord.workspaces.models import Membership, Workspace

PROVIDER_PREFIX = "ws-"


def provider_id_for(workspace: Workspace) -> str:
    """The allauth provider_id of a workspace's identity provider ("ws-<slug>")."""
    return f"{PROVIDER_PREFIX}{workspace.slug}"


def sso_get(*, workspace: Workspace) -> WorkspaceSso | None:
    """The workspace's SSO configuration (enabled or not), with its app and domains."""
    return (
        WorkspaceSso.objects.select_related("app", "workspace")
        .prefetch_related("domains")
        .filter(workspace=workspace)
        .first()
    )


def sso_get_by_slug(slug: str) -> WorkspaceSso | None:
    """An enabled SSO configuration by workspace address, for the public sign-in entry."""
    return (
        WorkspaceSso.objects.select_related("app", "workspace")
        .filter(workspace__slug=slug, enabled=True)
        .first()
    )


def sso_get_by_provider_id(provider_id: str) -> WorkspaceSso | None:
    """The SSO configuration behind an allauth provider_id, or None for other providers."""
    if not provider_id.startswith(PROVIDER_PREFIX):
        return None
    return (
        WorkspaceSso.objects.select_related("app", "workspace")
        .prefetch_related("domains")
        .filter(app__provider_id=provider_id)
        .first()
    )


def sso_find_by_email(email: str) -> WorkspaceSso | None:
    """The enabled SSO configuration that claims the address's domain, if any."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    found = (
        SsoDomain.objects.select_related("sso__workspace", "sso__app")
        .filter(domain=domain, sso__enabled=True)
        .first()
    )
    return found.sso if found else None


def sso_domains(sso: WorkspaceSso) -> list[str]:
    return sorted(domain.domain for domain in sso.domains.all())


# Set by the social-account adapter when the identity provider's answer passed the domain and
# membership rules; read once by the sso_complete page to add the person to the workspace.
VERIFIED_SESSION_KEY = "accord_sso_verified"
# Provider ids this session finished an SSO sign-in with (set by the sso_complete page).
SSO_SESSION_KEY = "accord_sso_providers"


def sso_authenticated(request: HttpRequest, *, provider_id: str) -> bool:
    """Whether this session signed in (or linked its account) through the identity provider."""
    if provider_id in request.session.get(SSO_SESSION_KEY, []):
        return True
    return any(
        record.get("method") == "socialaccount" and record.get("provider") == provider_id
        for record in get_authentication_records(request)
    )


def signin_policy_get(*, workspace: Workspace) -> WorkspaceSignInPolicy:
    """The workspace's policy; an unsaved default (nothing required) when none was set."""
    policy = WorkspaceSignInPolicy.objects.filter(workspace=workspace).first()
    return policy or WorkspaceSignInPolicy(workspace=workspace)


@dataclass(frozen=True)
class MemberPolicy:
    """What a workspace demands of one of its members at sign-in."""

    require_mfa: bool
    require_sso: bool
    sso_satisfies_mfa: bool
    role: str
    provider_id: str | None
    workspace_name: str


def member_policy_get(*, user: Any, workspace_slug: str) -> MemberPolicy | None:
    """The sign-in policy that applies to `user` in the workspace, in one query.

    None when the workspace requires nothing or the user is not a member there (a
    non-member then gets the page's ordinary 404, which says nothing about the policy).
    """
    membership = Membership.objects.filter(workspace=OuterRef("workspace"), user=user)
    row = (
        WorkspaceSignInPolicy.objects.filter(workspace__slug=workspace_slug)
        .filter(Exists(membership))
        .annotate(
            role=Subquery(membership.values("role")[:1]),
            provider_id=Subquery(
                WorkspaceSso.objects.filter(workspace=OuterRef("workspace"), enabled=True).values(
                    "app__provider_id"
                )[:1]
            ),
        )
        .values(
            "require_mfa",
            "require_sso",
            "sso_satisfies_mfa",
            "role",
            "provider_id",
            "workspace__name",
        )
        .first()
    )
    if row is None or not (row["require_mfa"] or row["require_sso"]):
        return None
    return MemberPolicy(
        require_mfa=row["require_mfa"],
        require_sso=row["require_sso"],
        sso_satisfies_mfa=row["sso_satisfies_mfa"],
        role=row["role"],
        provider_id=row["provider_id"],
        workspace_name=row["workspace__name"],
    )


def user_has_totp(user: Any) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


@dataclass(frozen=True)
class MfaCoverage:
    members: int
    with_totp: int


def mfa_coverage_get(*, workspace: Workspace) -> MfaCoverage:
    """How many of the workspace's members have an authenticator app, in one query."""
    totp = Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)
    rows = list(
        Membership.objects.filter(workspace=workspace)
        .annotate(has_totp=Exists(totp))
        .values_list("has_totp", flat=True)
    )
    return MfaCoverage(members=len(rows), with_totp=sum(1 for has in rows if has))
