"""allauth's social-account hooks for per-workspace OpenID Connect sign-in."""

import logging
import time
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.http import HttpRequest
from django.shortcuts import render

from accord.sso.actions import SsoIdentity, sso_login_problem
from accord.sso.models import WorkspaceSso
from accord.sso.selectors import PROVIDER_PREFIX, VERIFIED_SESSION_KEY, sso_get_by_provider_id

logger = logging.getLogger(__name__)


def _workspace_sso(sociallogin: SocialLogin) -> WorkspaceSso | None:
    app = getattr(sociallogin.provider, "app", None)
    provider_id = getattr(app, "provider_id", "") or ""
    return sso_get_by_provider_id(provider_id)


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def list_apps(self, request: HttpRequest, provider: Any = None, client_id: Any = None) -> Any:
        """Workspace identity providers are reachable by their own id only, and only enabled.

        A generic listing (the sign-in page's provider buttons) leaves them out, so one
        workspace's provider is never offered to everyone.
        """
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        workspace_apps = [app for app in apps if app.provider_id.startswith(PROVIDER_PREFIX)]
        if not workspace_apps:
            return apps
        if provider is None or not str(provider).startswith(PROVIDER_PREFIX):
            return [app for app in apps if app not in workspace_apps]
        enabled = set(
            WorkspaceSso.objects.filter(
                app__in=[app.pk for app in workspace_apps], enabled=True
            ).values_list("app_id", flat=True)
        )
        return [app for app in apps if app not in workspace_apps or app.pk in enabled]

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # A workspace's identity provider vouches for its people even when public sign-up
        # is closed; the domain rule in pre_social_login decides who gets in.
        if _workspace_sso(sociallogin) is not None:
            return True
        return bool(super().is_open_for_signup(request, sociallogin))

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> Any:
        """Addresses are stored in lower case (as everywhere in Accord); the name claim
        becomes the display name."""
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").strip().lower()
        name = (data.get("name") or "").strip()
        if name and hasattr(user, "display_name"):
            user.display_name = name[:150]
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse addresses outside the workspace's domains, unverified addresses, and
        automatic linking of accounts that are not members of the workspace."""
        sso = _workspace_sso(sociallogin)
        if sso is None:
            return
        addresses = list(sociallogin.email_addresses)
        primary = next((a for a in addresses if a.primary), addresses[0] if addresses else None)
        identity = SsoIdentity(
            email=(primary.email if primary else "").strip().lower(),
            email_verified=bool(primary and primary.verified),
        )
        linked = sociallogin.is_existing and sociallogin.account.pk is not None
        existing_user = None
        if sociallogin.user is not None and sociallogin.user.pk is not None and not linked:
            existing_user = sociallogin.user
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        # Linking from a signed-in session: the person proved they own the account, so the
        # provider only has to vouch for the same address.
        problem = sso_login_problem(
            sso=sso, identity=identity, existing_user=None if connecting else existing_user
        )
        signed_in = str(getattr(request.user, "email", "")).lower()
        if problem is None and connecting and identity.email != signed_in:
            problem = (
                f"You are signed in to Accord as {signed_in}, but your identity provider "
                f"signed you in as {identity.email}. Sign out and try again."
            )
        if problem is not None:
            # Only the outcome is logged: never claims, tokens or the address itself.
            logger.info("sso sign-in refused workspace=%s", sso.workspace.slug)
            raise ImmediateHttpResponse(
                render(
                    request,
                    "sso/refused.html",
                    {"problem": problem, "sso_slug": sso.workspace.slug},
                    status=403,
                )
            )
        request.session[VERIFIED_SESSION_KEY] = {
            "provider_id": sso.app.provider_id,
            "email": identity.email,
            "at": time.time(),
        }
