"""Errors as problem details (RFC 9457): one JSON shape with a stable `type` URI per kind."""

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.core import signals
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from accord.org.actions import StaleVersion

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")

PROBLEM_BASE = "https://accord.dev/problems/"
CONTENT_TYPE = "application/problem+json"

# type slug -> (status, title); the slugs are part of the API contract: never rename one.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "malformed-request": (400, "The request is malformed"),
    "workspace-required": (400, "Choose a workspace"),
    "not-authenticated": (401, "Authentication required"),
    "permission-denied": (403, "Not allowed"),
    "csrf-failed": (403, "CSRF check failed"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "edit-conflict": (409, "Edit conflict"),
    "already-answered": (409, "Already answered"),
    "survey-not-open": (409, "The survey does not take answers now"),
    "precondition-failed": (412, "Precondition failed"),
    "validation": (422, "Some fields are invalid"),
    "rate-limited": (429, "Too many requests"),
    "server-error": (500, "Internal server error"),
}


def problem_type_uri(kind: str) -> str:
    return PROBLEM_BASE + kind


class Problem(Exception):
    """Raise to answer with a problem document; `extra` members are added to the body."""

    def __init__(
        self, kind: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.status, self.title = PROBLEM_TYPES[kind]
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


class PreconditionFailed(Problem):
    """If-Match named a version other than the stored one."""

    def __init__(self, current: int) -> None:
        super().__init__(
            "precondition-failed",
            f"If-Match does not match the stored version ({current}); fetch the record again.",
            headers={"ETag": f'"{current}"'},
            current_version=current,
        )


def problem_response(
    kind: str,
    detail: str,
    *,
    status: int | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    import json

    default_status, title = PROBLEM_TYPES[kind]
    status = status or default_status
    body = {
        "type": problem_type_uri(kind),
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    response = HttpResponse(json.dumps(body, default=str), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str | None:
    """ninja's error location ("body", "payload", "skills", 0, "name") -> "skills.0.name"."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    return ".".join(parts) or None


def validation_errors_from_ninja(exc: NinjaValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors:
        message = str(error.get("msg", "Invalid value."))
        # Pydantic prefixes custom messages with "Value error, "; people do not need it.
        message = message.removeprefix("Value error, ")
        errors.append(
            {
                "field": _field_name(error.get("loc", ())),
                "message": message,
                "code": error.get("type", "invalid"),
            }
        )
    return errors


def validation_errors_from_django(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if field == "__all__" else field, "message": message, "code": "invalid"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message, "code": "invalid"} for message in exc.messages]


def _on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(exc.kind, exc.detail, headers=exc.headers, **exc.extra)


def _on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = validation_errors_from_ninja(exc)
    return problem_response("validation", _summary(errors), errors=errors)


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = validation_errors_from_django(exc)
    return problem_response("validation", _summary(errors), errors=errors)


def _summary(errors: list[dict[str, Any]]) -> str:
    first = errors[0] if errors else {"field": None, "message": "Invalid input."}
    prefix = f"{first['field']}: " if first["field"] else ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{prefix}{first['message']}{more}"


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) if exc.args else ""
    # Messages from the access helper ("No such person.") are safe; echo nothing else.
    if not message.startswith("No such"):
        message = "Nothing is here, or it is outside your workspace."
    return problem_response("not-found", message)


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(
        "permission-denied", str(exc) or "Your role in this workspace does not allow this."
    )


def _on_stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    return problem_response(
        "edit-conflict",
        f"Someone changed this record since you loaded it (now version {exc.current}); "
        "fetch it again and reapply your change.",
        headers={"ETag": f'"{exc.current}"'},
        current_version=exc.current,
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return problem_response(
            "not-authenticated",
            "Send `Authorization: Bearer <token>` or sign in (browser session).",
            headers={"WWW-Authenticate": 'Bearer realm="accord"'},
        )
    if isinstance(exc, Throttled):
        return problem_response("rate-limited", "Slow down and retry later.")
    kinds = {
        400: "malformed-request",
        401: "not-authenticated",
        403: "permission-denied",
        404: "not-found",
        409: "edit-conflict",
        412: "precondition-failed",
        422: "validation",
        429: "rate-limited",
    }
    kind = kinds.get(exc.status_code, "malformed-request")
    return problem_response(kind, str(exc), status=exc.status_code)


def _on_unhandled(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Log with the traceback and signal like Django does for any uncaught error, so error
    # reporting still sees it; the client gets no internals.
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    signals.got_request_exception.send(sender=None, request=request)
    return problem_response("server-error", "Something went wrong on our side. It has been logged.")


def problems_install(api: "NinjaAPI") -> None:
    """Replace ninja's default error bodies with problem details."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Problem, _on_problem),
        (NinjaValidationError, _on_ninja_validation),
        (DjangoValidationError, _on_django_validation),
        (Http404, _on_not_found),
        (PermissionDenied, _on_permission_denied),
        (StaleVersion, _on_stale),
        (HttpError, _on_http_error),
        (Exception, _on_unhandled),
    ]
    for exc_class, handler in handlers:
        # ninja types handlers as taking the exception or its class; ours take instances.
        api.add_exception_handler(exc_class, cast(Any, handler))
