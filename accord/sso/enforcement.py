"""Workspaces that require MFA or SSO send members who lack it to set it up or sign in.

Only interactive workspace pages (views behind workspace_view) are checked: the account pages
where people set up MFA, sign-out, static files, /healthz and the API (personal access tokens)
stay reachable, so the redirect can never loop.
"""

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse

from accord.sso import selectors
from accord.workspaces.models import Role


def signin_policy_redirect(request: HttpRequest, *, workspace_slug: str) -> str | None:
    """Where a member must go first (SSO sign-in or MFA set-up), or None to carry on.

    Called by the one door (accord.workspaces.access.workspace_view) only for workspaces whose
    policy asks for something, so other workspaces pay no query for it."""
    user = request.user
    slug = workspace_slug
    policy = selectors.member_policy_get(user=user, workspace_slug=slug)
    if policy is None:
        return None
    via_sso = policy.provider_id is not None and selectors.sso_authenticated(
        request, provider_id=policy.provider_id
    )
    if policy.require_sso and policy.provider_id and not via_sso and policy.role != Role.OWNER:
        messages.warning(
            request,
            f"{policy.workspace_name} asks its members to sign in with single sign-on.",
        )
        return reverse("sso_start", args=[slug])
    mfa_missing = policy.require_mfa and not (via_sso and policy.sso_satisfies_mfa)
    if mfa_missing and not selectors.user_has_totp(user):
        messages.warning(
            request,
            f"{policy.workspace_name} requires two-factor authentication. Set up an "
            "authenticator app to continue.",
        )
        return reverse("mfa_activate_totp")
    return None
