"""Request ids, the access log, and read-your-writes pinning for read replicas."""

import hashlib
import hmac
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from accord.ops import routers
from accord.ops.logging import request_id_var

access_logger = logging.getLogger("accord.access")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand us: bounded and free of anything that could forge a log line.
_REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._:@+=-]{1,128}")
# URL parts that are credentials (unsubscribe, invitation, survey and calendar links,
# password reset and email confirmation keys): never written to the log.
_SECRET_URL_PARTS = frozenset({"token", "feed_token", "key", "uidb36"})
# Pages of anonymous channels: their log lines name no user, whatever the method.
_ANONYMOUS_URL_NAMES = frozenset(
    {"survey_respond", "survey_public_respond", "survey_public_thanks"}
)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def request_id_accept(value: str | None) -> str | None:
    """The proxy's request id when it is well formed, else None (a new one is made)."""
    if value and _REQUEST_ID_SHAPE.fullmatch(value):
        return value
    return None


def user_pseudonym(user_id: Any) -> str:
    """A stable, keyed stand-in for a user id: it links one user's requests in the logs
    without naming them to whoever reads the logs without the secret key."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"user:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def loggable_path(request: HttpRequest) -> str:
    """The request path without its query string and with secret URL parts masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in _SECRET_URL_PARTS and value:
                path = path.replace(str(value), "[redacted]")
    return path


def _user_id(request: HttpRequest) -> Any:
    """The acting user's id if the request already knew it (never a new query)."""
    lazy_user: Any = request.__dict__.get("user")
    user: Any = getattr(lazy_user, "_wrapped", empty)
    if user is not empty and user is not None and user.is_authenticated:
        return user.pk
    membership = getattr(request, "membership", None)
    return getattr(membership, "user_id", None)


def _workspace_slug(request: HttpRequest) -> str | None:
    workspace = getattr(request, "workspace", None)
    if workspace is not None:
        return str(workspace.slug)
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("ws") if match is not None else None
    return str(slug) if slug else None


def request_id_forget(**kwargs: Any) -> None:
    """After the response is sent, records of this thread belong to no request."""
    request_id_var.set(None)


request_finished.connect(request_id_forget, dispatch_uid="accord.ops.request_id_forget")


class RequestIdMiddleware:
    """Give each request an id (the proxy's X-Request-ID when well formed, else a new one),
    stamp it on every log record made while serving it and on the response, and write one
    access log line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_accept(request.META.get("HTTP_X_REQUEST_ID")) or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the response is closed (request_finished), not just until this returns:
        # Django logs 4xx/5xx answers (logger django.request) after the middleware chain.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        self._log_access(request, response, (time.perf_counter() - started) * 1000)
        return response

    def _log_access(self, request: HttpRequest, response: HttpResponse, duration: float) -> None:
        match = getattr(request, "resolver_match", None)
        url_name = match.url_name if match is not None else None
        user = None
        # Writes name no user: anonymous input (survey answers, anonymous decision input and
        # concerns) must not be tied to a person by the time it was sent. The audit log says
        # who changed what for everything that is attributed.
        if request.method in _SAFE_METHODS and url_name not in _ANONYMOUS_URL_NAMES:
            user_id = _user_id(request)
            user = user_pseudonym(user_id) if user_id is not None else None
        fields = {
            "method": request.method,
            "path": loggable_path(request),
            "status": response.status_code,
            "duration_ms": round(duration, 1),
            "user": user,
            "workspace": _workspace_slug(request),
        }
        # Load balancer probes would drown the log: healthy ones only show at DEBUG.
        level = (
            logging.DEBUG if url_name == "healthz" and response.status_code == 200 else logging.INFO
        )
        access_logger.log(
            level,
            "%s %s %s %.1fms user=%s workspace=%s",
            fields["method"],
            fields["path"],
            fields["status"],
            fields["duration_ms"],
            fields["user"] or "-",
            fields["workspace"] or "-",
            extra=fields,
        )


class ReplicaPinMiddleware:
    """Read-your-writes with read replicas: reads of this request go to a replica unless the
    browser wrote within ACCORD_REPLICA_STICKY_SECONDS (a signed, short-lived cookie says
    so) or this request already wrote; a request that writes sets that cookie.

    The state lives in the request's context and the client's cookie, never in the process,
    so any app server honours it. Installed by accord/settings_ops.py only when replicas are
    configured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sticky_seconds = settings.ACCORD_REPLICA_STICKY_SECONDS
        pinned = (
            request.get_signed_cookie(
                routers.PIN_COOKIE, default=None, salt=routers.PIN_SALT, max_age=sticky_seconds
            )
            is not None
        )
        state = routers.RoutingState(pinned=pinned)
        token = routers.routing_state.set(state)
        try:
            response = self.get_response(request)
        finally:
            routers.routing_state.reset(token)
        if state.wrote:
            response.set_signed_cookie(
                routers.PIN_COOKIE,
                "1",
                salt=routers.PIN_SALT,
                max_age=sticky_seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
