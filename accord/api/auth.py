"""Who is calling, and in which workspace: bearer tokens for clients, the session for browsers.

Either way the request ends up with `request.membership` and `request.workspace`, and the
membership's current role decides what the caller may do.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security.base import AuthBase
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from accord.api.actions import HINT_LENGTH, token_authenticate
from accord.api.problems import Problem
from accord.workspaces.access import membership_get
from accord.workspaces.models import Membership
from accord.workspaces.selectors import LAST_WORKSPACE_KEY, membership_list_for_user

WORKSPACE_HEADER = "X-Accord-Workspace"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Failed bearer tokens allowed per window, from one client address and for one token prefix;
# past that every bearer attempt from there answers 429 until the window ends. Settings of the
# same names override them.
ACCORD_TOKEN_FAILURES_PER_IP = 20
ACCORD_TOKEN_FAILURES_PER_PREFIX = 10
ACCORD_TOKEN_FAILURE_WINDOW = 300  # seconds


def _attach(request: HttpRequest, membership: Membership, token: Any = None) -> Membership:
    request.membership = membership  # type: ignore[attr-defined]
    request.workspace = membership.workspace  # type: ignore[attr-defined]
    request.api_token = token  # type: ignore[attr-defined]
    return membership


@dataclass(frozen=True)
class TokenFailures:
    """Counts of failed bearer tokens in the current fixed window, kept in the shared cache
    (the database cache: every server process sees the same counts).

    Tokens are 256-bit random secrets looked up by their SHA-256 digest, so guessing one is
    hopeless anyway; the limit keeps scanners from hammering the database and the logs.
    """

    keys: tuple[tuple[str, int], ...]  # (cache key, limit)
    window_ends: float

    @classmethod
    def of(cls, request: HttpRequest, raw: str) -> "TokenFailures":
        window = int(getattr(settings, "ACCORD_TOKEN_FAILURE_WINDOW", ACCORD_TOKEN_FAILURE_WINDOW))
        start = int(time.time() // window) * window
        per_ip = getattr(settings, "ACCORD_TOKEN_FAILURES_PER_IP", ACCORD_TOKEN_FAILURES_PER_IP)
        per_prefix = getattr(
            settings, "ACCORD_TOKEN_FAILURES_PER_PREFIX", ACCORD_TOKEN_FAILURES_PER_PREFIX
        )
        prefix = hashlib.sha256(raw[:HINT_LENGTH].encode()).hexdigest()[:32]
        address = hashlib.sha256(_client_ip(request).encode()).hexdigest()[:32]
        return cls(
            keys=(
                (f"accord:token-failures:ip:{address}:{start}", int(per_ip)),
                (f"accord:token-failures:prefix:{prefix}:{start}", int(per_prefix)),
            ),
            window_ends=start + window,
        )

    def retry_after(self) -> int | None:
        """Seconds until the window ends when a limit is reached; None while under it."""
        counts = cache.get_many([key for key, _limit in self.keys])
        if any(counts.get(key, 0) >= limit for key, limit in self.keys):
            return max(1, math.ceil(self.window_ends - time.time()))
        return None

    def record(self) -> None:
        timeout = max(1, math.ceil(self.window_ends - time.time())) + 1
        for key, _limit in self.keys:
            if not cache.add(key, 1, timeout=timeout):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, timeout=timeout)


def _client_ip(request: HttpRequest) -> str:
    """The client address as allauth's login rate limits see it (trusted proxies honoured)."""
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:
        return "unknown"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer acc_…`: a personal access token of one member in one workspace.

    Invalid tokens are counted per client address and per token prefix; past the limit they
    answer 429 with Retry-After instead of 401. A valid token is never held back and costs no
    extra query: the counters are read only once the token is known to be wrong.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Membership:
        raw = token.strip()
        found = token_authenticate(raw)
        if found is None:
            failures = TokenFailures.of(request, raw)
            retry_after = failures.retry_after()
            if retry_after is not None:
                raise Problem(
                    "rate-limited",
                    f"Too many invalid tokens were sent from this address or with this token "
                    f"prefix; try again in {retry_after} seconds.",
                    headers={"Retry-After": str(retry_after)},
                    retry_after=retry_after,
                )
            failures.record()
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
