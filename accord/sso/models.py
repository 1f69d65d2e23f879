"""Per-workspace SSO configuration and sign-in policy (required MFA, required SSO)."""

from django.db import models

from accord.workspaces.models import Role, TenantModel


class JoinRole(models.TextChoices):
    """Roles a person may receive when single sign-on adds them to a workspace."""

    MEMBER = Role.MEMBER.value, "Member"
    VIEWER = Role.VIEWER.value, "Viewer"


class WorkspaceSso(TenantModel):
    """A workspace's OpenID Connect identity provider.

    The provider itself (issuer, client id, secret) is an allauth SocialApp with provider
    "openid_connect" and provider_id "ws-<slug>", so allauth's tested OIDC flow runs it.
    """

    app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.PROTECT, related_name="workspace_sso"
    )
    enabled = models.BooleanField(default=True)
    join_role = models.CharField(max_length=10, choices=JoinRole.choices, default=JoinRole.MEMBER)

    class Meta:
        verbose_name = "single sign-on configuration"
        constraints = [models.UniqueConstraint(fields=["workspace"], name="sso_one_per_workspace")]

    def __str__(self) -> str:
        return "Single sign-on"


class SsoDomain(TenantModel):
    """An e-mail domain whose people sign in through one workspace's identity provider.

    A domain belongs to at most one workspace, so an e-mail address finds its workspace and
    no second workspace can claim another organisation's people.
    """

    sso = models.ForeignKey(WorkspaceSso, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        verbose_name = "single sign-on domain"
        ordering = ["domain"]
        indexes = [models.Index(fields=["workspace", "domain"])]

    def __str__(self) -> str:
        return self.domain


class WorkspaceSignInPolicy(TenantModel):
    """How members must sign in to open this workspace's pages."""

    require_mfa = models.BooleanField(default=False)
    require_sso = models.BooleanField(default=False)
    # The identity provider already demands a second factor, so an SSO sign-in counts as MFA.
    sso_satisfies_mfa = models.BooleanField(default=False)

    class Meta:
        verbose_name = "sign-in policy"
        verbose_name_plural = "sign-in policies"
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="signin_policy_one_per_workspace")
        ]

    def __str__(self) -> str:
        return "Sign-in policy"
