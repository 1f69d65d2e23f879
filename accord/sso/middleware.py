"""Workspaces that require MFA or SSO send members who lack it to set it up or sign in.

Only interactive pages under /w/<slug>/ are checked: the account pages where people set up
MFA, sign-out, static files, /healthz and the API (personal access tokens) stay reachable,
so the redirect can never loop.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accord.sso import selectors
from accord.workspaces.models import Role

WORKSPACE_PREFIX = "/w/"


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect_to = self._redirect_for(request)
        if redirect_to is not None:
            return HttpResponseRedirect(redirect_to)
        return self.get_response(request)

    def _redirect_for(self, request: HttpRequest) -> str | None:
        if not request.path.startswith(WORKSPACE_PREFIX):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        slug = request.path[len(WORKSPACE_PREFIX) :].split("/", 1)[0]
        if not slug:
            return None
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
