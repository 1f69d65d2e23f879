"""Pages for enterprise sign-in: the SSO entry, its hand-over to allauth, and the settings."""

import logging
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.sso import actions, selectors
from accord.sso.forms import SignInPolicyForm, SsoConfigForm, SsoFindForm
from accord.sso.models import WorkspaceSso
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Role

logger = logging.getLogger(__name__)

VERIFIED_MAX_AGE = 600


def sso_find(request: HttpRequest) -> HttpResponse:
    """Find the workspace that signs in a work e-mail address through SSO."""
    form = SsoFindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sso = selectors.sso_find_by_email(form.cleaned_data["email"])
        if sso is not None:
            return redirect("sso_start", sso.workspace.slug)
        domain = form.cleaned_data["email"].rpartition("@")[2]
        form.add_error(
            "email",
            f"No workspace signs in {domain} addresses with single sign-on. Sign in with your "
            "password, or ask your workspace admin for the sign-in link.",
        )
    return render(request, "sso/find.html", {"form": form}, status=422 if form.errors else 200)


def sso_start(request: HttpRequest, ws: str) -> HttpResponse:
    """Show the SSO button for a workspace; a POST hands over to the identity provider."""
    sso = selectors.sso_get_by_slug(ws)
    if sso is None:
        raise Http404("This workspace does not sign in with single sign-on.")
    if request.method != "POST":
        return _with_provider_form_action(
            render(request, "sso/start.html", {"sso_slug": ws}), sso=sso
        )
    provider_id = sso.app.provider_id
    process = AuthProcess.CONNECT if request.user.is_authenticated else AuthProcess.LOGIN
    try:
        provider = get_social_adapter(request).get_provider(request, provider_id)
        handover: HttpResponse = provider.redirect(
            request, process, next_url=reverse("sso_complete", args=[ws])
        )
        return handover
    except (requests.RequestException, ValueError, KeyError, SocialApp.DoesNotExist):
        logger.warning("sso discovery failed workspace=%s", ws)
        response = render(
            request,
            "sso/start.html",
            {
                "sso_slug": ws,
                "problem": "Accord could not reach your identity provider. Try again in a "
                "minute; if it keeps failing, tell your workspace admin.",
            },
            status=502,
        )
        return _with_provider_form_action(response, sso=sso)


def _with_provider_form_action(response: HttpResponse, *, sso: WorkspaceSso) -> HttpResponse:
    """Let this page's form lead to the identity provider.

    Browsers apply CSP form-action to the redirect that follows a form post, so the
    provider's origin must be allowed on the page that holds the "Continue" button.
    """
    issuer = urlsplit(str(sso.app.settings.get("server_url", "")))
    if issuer.scheme and issuer.netloc:
        policy: dict[str, Any] = dict(settings.SECURE_CSP)
        policy["form-action"] = [
            *list(policy.get("form-action", [])),
            f"{issuer.scheme}://{issuer.netloc}",
        ]
        response._csp_config = policy  # type: ignore[attr-defined]
    return response


@login_required
def sso_complete(request: HttpRequest, ws: str) -> HttpResponse:
    """After the identity provider said yes: join the workspace (once) and open it."""
    sso = selectors.sso_get_by_slug(ws)
    verified = request.session.get(selectors.VERIFIED_SESSION_KEY) or {}
    fresh = time.time() - float(verified.get("at", 0)) < VERIFIED_MAX_AGE
    email = str(getattr(request.user, "email", "")).lower()
    if (
        sso is None
        or verified.get("provider_id") != sso.app.provider_id
        or verified.get("email") != email
        or not fresh
    ):
        raise Http404("No single sign-on to finish here.")
    del request.session[selectors.VERIFIED_SESSION_KEY]
    signed_in_with = request.session.get(selectors.SSO_SESSION_KEY, [])
    if sso.app.provider_id not in signed_in_with:
        request.session[selectors.SSO_SESSION_KEY] = [*signed_in_with, sso.app.provider_id]
    membership, joined = actions.sso_member_join(sso=sso, user=request.user)
    if joined:
        messages.success(
            request,
            f"Welcome to {sso.workspace.name}. You joined as "
            f"{membership.get_role_display().lower()}.",
        )
    return redirect("dashboard", ws)


@login_required
@workspace_view("admin")
def signin_settings(request: HttpRequest) -> HttpResponse:
    """Single sign-on (admins) and the sign-in policy (owners) of the workspace."""
    membership = request.membership  # type: ignore[attr-defined]
    workspace = membership.workspace
    sso = selectors.sso_get(workspace=workspace)
    policy = selectors.signin_policy_get(workspace=workspace)
    is_owner = membership.role == Role.OWNER
    which = request.POST.get("form") if request.method == "POST" else None
    sso_initial = {"join_role": "member", "enabled": True}
    if sso is not None:
        sso_initial = {
            "issuer": sso.app.settings.get("server_url", ""),
            "client_id": sso.app.client_id,
            "domains": ", ".join(selectors.sso_domains(sso)),
            "join_role": sso.join_role,
            "enabled": sso.enabled,
        }
    sso_form = SsoConfigForm(request.POST if which == "sso" else None, initial=sso_initial)
    policy_form = SignInPolicyForm(
        request.POST if which == "policy" else None,
        initial={
            "require_mfa": policy.require_mfa,
            "require_sso": policy.require_sso,
            "sso_satisfies_mfa": policy.sso_satisfies_mfa,
        },
    )
    if which == "sso" and sso_form.is_valid():
        try:
            actions.sso_configure(actor_membership=membership, **sso_form.cleaned_data)
        except ValidationError as error:
            form_add_errors(sso_form, error)
        else:
            messages.success(request, "Single sign-on saved.")
            return redirect("signin_settings", workspace.slug)
    if which == "policy":
        if not is_owner:
            messages.error(request, "Only owners can change how members sign in.")
            return redirect("signin_settings", workspace.slug)
        if policy_form.is_valid():
            try:
                actions.signin_policy_update(
                    actor_membership=membership, **policy_form.cleaned_data
                )
            except ValidationError as error:
                form_add_errors(policy_form, error)
            else:
                messages.success(request, "Sign-in policy saved.")
                return redirect("signin_settings", workspace.slug)
    secret = sso.app.secret if sso is not None else ""
    callback_path = reverse(
        "openid_connect_callback", kwargs={"provider_id": selectors.provider_id_for(workspace)}
    )
    failed = bool(sso_form.errors or policy_form.errors)
    return render(
        request,
        "sso/settings.html",
        {
            "tab": "sign-in",
            "sso": sso,
            "sso_form": sso_form,
            "policy_form": policy_form,
            "is_owner": is_owner,
            "secret_hint": f"ends in …{secret[-4:]}" if len(secret) >= 12 else "set",
            "callback_url": settings.SITE_URL + callback_path,
            "start_url": settings.SITE_URL + reverse("sso_start", args=[workspace.slug]),
            "coverage": selectors.mfa_coverage_get(workspace=workspace),
            "policy": policy,
        },
        status=422 if failed else 200,
    )


@login_required
@require_POST
@workspace_view("admin")
def sso_remove(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    actions.sso_remove(actor_membership=membership)
    messages.success(request, "Single sign-on removed. Members keep their accounts.")
    return redirect("signin_settings", membership.workspace.slug)
