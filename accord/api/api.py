"""The JSON API at /api/v1/: one NinjaAPI, each area adds its router."""

import contextlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Router
from ninja.openapi.docs import DocsBase
from ninja.operation import Operation

from accord.api.auth import WORKSPACE_HEADER, SessionAuth, TokenAuth
from accord.api.problems import (
    PROBLEM_TYPES,
    Problem,
    problem_response,
    problem_type_uri,
    problems_install,
)
from accord.api.schemas import ProblemOut
from accord.comms.api_feedback import router as feedback_router
from accord.comms.api_ideas import router as ideas_router
from accord.comms.api_knowledge import router as knowledge_router
from accord.comms.api_meetings import router as meetings_router
from accord.comms.api_plan import router as comm_plan_router
from accord.comms.api_profiles import router as profiles_router
from accord.comms.api_updates import router as updates_router
from accord.goals.api import router as goals_router
from accord.goals.conflict_api import router as goal_conflicts_router
from accord.governance.api_actions import router as actions_router
from accord.governance.api_conflicts import router as conflicts_router
from accord.governance.api_decisions import router as decisions_router
from accord.governance.api_raci import router as raci_router
from accord.insights.api_equity import router as equity_router
from accord.insights.api_health import router as health_router
from accord.insights.api_playbook import router as playbook_router
from accord.insights.api_portfolio import router as portfolio_router
from accord.insights.api_reports import router as reports_router
from accord.insights.api_reviews import router as reviews_router
from accord.network.api_imports import router as network_imports_router
from accord.network.api_insights import router as network_router
from accord.notifications.api import router as notifications_router
from accord.org.api import router as org_router
from accord.partnerships.api import router as partnerships_router
from accord.surveys.api import router as surveys_router
from accord.surveys.api_results import router as survey_results_router
from accord.workspaces.api import router as workspaces_router

DESCRIPTION = """\
Everything you can see and edit in Accord's pages, as JSON.

**Authentication.** Send a personal access token as `Authorization: Bearer acc_…` (create one
under Settings → API tokens, or with `accord token create`). A token acts as its member in one
workspace, with that member's current role. From the browser, the signed-in session works too;
requests that change data then need the `X-CSRFToken` header. Too many invalid tokens from one
address (or for one token prefix) answer 429 with `Retry-After` until the window ends.

**Workspace.** Tokens belong to one workspace. Session calls use the `X-Accord-Workspace: <slug>`
header, else the workspace last opened in the browser, else your only one. A workspace you are
not a member of answers 404.

**Roles.** Viewers and members read; admins and owners change the directory, members and
invitations. A role too low for a write answers 403.

**Ids.** Every id is a UUID. Payloads refer to other records by id (`function`, `manager`,
`lead`).

**Lists** take `limit` (default 50, at most 200) and `offset`, and answer
`{count, next, previous, results}`.

**Concurrency.** Each record has a `version`; single-record responses carry it as a strong
`ETag: "<version>"`. Send `If-Match: "<version>"` with PATCH or DELETE to apply the change only
to that version (412 otherwise, with the current ETag). If-Match is optional: without it the
write applies to the stored record. A malformed If-Match is a 400. PATCH bodies may instead
carry `"version": <n>`; a mismatch there is a 409 edit conflict.

**Errors** are problem details (RFC 9457, `application/problem+json`) with a stable `type`
URI; validation problems list `errors: [{field, message, code}]`.
"""

# Statuses documented on every operation, and those added for writes.
_COMMON_PROBLEMS = (400, 401, 403, 404, 422, 500)
_WRITE_PROBLEMS = (409, 412)


class AccordDocs(DocsBase):
    """A server-rendered reference built from the OpenAPI document.

    Swagger UI needs inline scripts and a CDN; this page needs neither, so it works under
    the strict Content-Security-Policy and offline.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        from accord.api.docs import docs_page

        return docs_page(request, api, openapi_url=self.get_openapi_url(api, kwargs))


class AccordAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _not_allowed_as_problem(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        _document_problems(schema)
        return schema


def _not_allowed_as_problem(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """ninja answers a wrong method with a bare 405; answer it as a problem instead."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = _nul_refused(request)
        if refused is not None:
            return refused
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            return problem_response(
                "method-not-allowed",
                f"{request.method} is not allowed here; use {allowed}.",
                headers={"Allow": allowed},
            )
        return response

    return wrapper


def _nul_fields(value: Any, where: str) -> list[str]:
    """Dotted names of the strings (keys included) holding a NUL character."""
    if isinstance(value, str):
        return [where] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            found += [name] if "\x00" in str(key) else _nul_fields(item, name)
        return found
    if isinstance(value, list):
        return [f for n, item in enumerate(value) for f in _nul_fields(item, f"{where}.{n}")]
    return []


def _nul_refused(request: HttpRequest) -> HttpResponse | None:
    """PostgreSQL cannot store NUL characters in text, and no field needs one: refuse them up
    front (404 in the path, like any malformed id; 422 naming the field elsewhere)."""
    if "\x00" in request.path:
        return problem_response("not-found", "There is no record at this path.")
    fields = [name for name, values in request.GET.lists() if any("\x00" in v for v in values)]
    fields += [name for name in request.GET if "\x00" in name]
    if request.content_type == "application/json" and b"\\u0000" in request.body:
        with contextlib.suppress(ValueError):  # malformed JSON: the parser answers it
            fields += _nul_fields(json.loads(request.body), "")
    if not fields:
        return None
    return problem_response(
        "validation",
        "Text may not contain NUL (U+0000) characters.",
        errors=[
            {"field": name, "message": "Remove the NUL character.", "code": "null_character"}
            for name in fields
        ],
    )


def _document_problems(schema: dict[str, Any]) -> None:
    """Add the problem responses, the workspace header and If-Match to every operation."""
    definition = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(definition.pop("$defs", {}))
    components["Problem"] = definition
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    kinds_by_status: dict[int, list[str]] = {}
    for kind, (status, _title) in PROBLEM_TYPES.items():
        kinds_by_status.setdefault(status, []).append(problem_type_uri(kind))
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            statuses = list(_COMMON_PROBLEMS)
            if method == "post":
                # Actions on a record (accept, move a stage, reply) refuse a stale `version`,
                # and some creations refuse a duplicate (a second survey answer).
                statuses.append(409)
            if method in {"patch", "put", "delete"}:
                statuses += _WRITE_PROBLEMS
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "If-Match",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": 'Optional. The ETag you read, e.g. "3": 412 if it changed.',
                    }
                )
            if {"TokenAuth": []} in operation.get("security", []):
                statuses.append(429)  # too many invalid tokens from the caller's address
            if operation.get("security"):
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": WORKSPACE_HEADER,
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "Workspace slug for session calls (tokens know theirs).",
                    }
                )
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(
                    status,
                    {
                        "description": " or ".join(kinds_by_status.get(status, ["problem"])),
                        "content": {"application/problem+json": {"schema": problem_ref}},
                    },
                )
            description = (operation.get("description") or "").strip()
            if description:
                first, _, rest = description.partition("\n")
                operation["summary"] = first.strip()
                operation["description"] = rest.strip()


api = AccordAPI(
    title="Accord API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=AccordDocs(),
)
problems_install(api)

api.add_router("", workspaces_router)
api.add_router("", org_router)
api.add_router("", partnerships_router)
api.add_router("", goals_router)
api.add_router("", goal_conflicts_router)
api.add_router("", raci_router)
api.add_router("", actions_router)
api.add_router("", decisions_router)
api.add_router("", conflicts_router)
api.add_router("", comm_plan_router)
api.add_router("", profiles_router)
api.add_router("", updates_router)
api.add_router("", meetings_router)
api.add_router("", feedback_router)
api.add_router("", ideas_router)
api.add_router("", knowledge_router)
api.add_router("", notifications_router)
api.add_router("", surveys_router)
api.add_router("", survey_results_router)
api.add_router("", health_router)
api.add_router("", equity_router)
api.add_router("", playbook_router)
api.add_router("", reviews_router)
api.add_router("", portfolio_router)
api.add_router("", reports_router)
api.add_router("", network_imports_router)
api.add_router("", network_router)

# Last, so it only catches what nothing else matched: unknown API paths answer problem+json.
fallback = Router(auth=None)


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Problem("not-found", "There is no API operation at this path.")


api.add_router("", fallback)
