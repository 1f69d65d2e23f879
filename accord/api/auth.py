"""Who is calling, and in which workspace: bearer tokens for clients, the session for browsers.

Either way the request ends up with `request.membership` and `request.workspace`, and the
membership's current role decides what the caller may do.
"""

from typing import Any

from django.http import HttpRequest
from ninja.security.base import AuthBase
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from accord.api.actions import token_authenticate
from accord.api.problems import Problem
from accord.workspaces.access import membership_get
from accord.workspaces.models import Membership
from accord.workspaces.selectors import LAST_WORKSPACE_KEY, membership_list_for_user

WORKSPACE_HEADER = "X-Accord-Workspace"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _attach(request: HttpRequest, membership: Membership, token: Any = None) -> Membership:
    request.membership = membership  # type: ignore[attr-defined]
    request.workspace = membership.workspace  # type: ignore[attr-defined]
    request.api_token = token  # type: ignore[attr-defined]
    return membership


class TokenAuth(HttpBearer):
    """`Authorization: Bearer acc_…`: a personal access token of one member in one workspace."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership:
        found = token_authenticate(token.strip())
        if found is None:
            # A bad token is an error even when a session exists: never fall back silently.
            raise Problem(
                "not-authenticated",
                "This token is not valid: it is unknown, revoked, or its member left.",
                headers={"WWW-Authenticate": 'Bearer realm="accord", error="invalid_token"'},
            )
        named = request.headers.get(WORKSPACE_HEADER)
        if named and named != found.workspace.slug:
            raise Problem("not-found", "No such workspace.")
        return _attach(request, found.membership, token=found)


class SessionAuth(AuthBase):
    """The browser's signed-in session; unsafe methods must carry the CSRF token.

    The workspace is the `X-Accord-Workspace` header, else the one last opened in the
    browser, else the user's only workspace.
    """

    openapi_type = "apiKey"
    openapi_in = "cookie"
    csrf = True  # Tells ninja's docs helpers that this scheme needs the CSRF token.

    def __init__(self) -> None:
        from django.conf import settings

        self.openapi_name = settings.SESSION_COOKIE_NAME
        super().__init__()

    def __call__(self, request: HttpRequest) -> Membership | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        unsafe = request.method not in SAFE_METHODS
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if unsafe and not exempt and check_csrf(request) is not None:
            raise Problem(
                "csrf-failed",
                "Session requests that change data need the X-CSRFToken header "
                "(or use a bearer token).",
            )
        return _attach(request, self._membership(request, user))

    def _membership(self, request: HttpRequest, user: Any) -> Membership:
        named = request.headers.get(WORKSPACE_HEADER)
        if named:
            return membership_get(user=user, workspace_slug=named)
        memberships = list(membership_list_for_user(user).select_related("user"))
        last = request.session.get(LAST_WORKSPACE_KEY)
        chosen = next((m for m in memberships if m.workspace.slug == last), None)
        if chosen is not None:
            return chosen
        if len(memberships) == 1:
            return memberships[0]
        if not memberships:
            raise Problem("not-found", "You are not a member of any workspace.")
        raise Problem(
            "workspace-required",
            f"You are a member of several workspaces; send the {WORKSPACE_HEADER} header "
            "with the slug of one.",
            workspaces=[m.workspace.slug for m in memberships],
        )


def role_require(request: HttpRequest, minimum: str) -> Membership:
    """The caller's membership if its role is at least `minimum`; 403 otherwise."""
    from accord.workspaces.access import role_require as require

    membership = membership_of(request)
    require(membership, minimum)
    return membership


def membership_of(request: HttpRequest) -> Membership:
    """The membership the authentication step resolved for this request."""
    return request.membership  # type: ignore[attr-defined,no-any-return]
