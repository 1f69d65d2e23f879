"""Inside one workspace, each role can do exactly what it should, on every page and endpoint.

The walk is generic, like the tenancy walk (tests/test_tenancy_leaks.py): every URL pattern and
every OpenAPI operation is discovered at run time and filled with acme's own ids.

- A viewer changes nothing: every state-changing request (POST on pages; POST, PUT, PATCH and
  DELETE on the API) is refused, and acme's rows (counts, versions, update times, every
  field) are the same afterwards. To prove a refusal means something, the owner sends the
  same request inside a rolled-back transaction: the number of requests the owner could have
  made succeed is reported and must not be tiny.
- A member administers nothing: every admin-only page and operation answers 403 or 404. The
  admin-only set is derived from the code (views decorated with workspace_view("admin"),
  operations calling role_require(request, "admin")) plus an explicit list where the check
  lives inside the view.
- Private items stay invisible to outsiders, per feature: a private conflict, private
  feedback, a members-only partnership (with a goal and a decision in it) and person-level
  network figures. Every page and every read operation (lists, detail pages, search with
  ?q=, portfolio, exports, the outsider's own calendar feed) is read as each outsider role and
  none may show their texts or ids; insiders see them (so the markers are findable).
"""

import datetime
import html.parser
import inspect
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accord.api.api import api
from accord.api.testing import token_client
from accord.comms.feedback_actions import feedback_give
from accord.comms.meeting_actions import calendar_token_reset
from accord.goals.actions import goal_create
from accord.governance.conflict_actions import conflict_create
from accord.governance.decision_actions import decision_create
from accord.org.models import Person
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.partnerships.models import Privacy
from accord.workspaces.models import Membership
from conftest import _user
from tests.test_tenancy_leaks import (
    PARAM_MODELS,
    RANDOM_UUID,
    SLUG_PARAMS,
    AcmeData,
    Route,
    _body,
    _example_body,
    _resolves_to,
    acme_data,
    acme_state,
    discover_routes,
)

UNSAFE = ("post", "put", "patch", "delete")
MAX_URLS_PER_ROUTE = 3
# Requests that change only the caller's own things, which every role may do: signing out,
# their own notification marks and settings, their own tokens and calendar feed, their own
# profile and sign-in settings. They are left out of the viewer walk (their effect is the
# caller's own, not the workspace's), by URL name and by API path prefix.
PERSONAL_URL_NAMES = {
    "account_logout",
    "notification_read",
    "notification_read_all",
    "notification_preferences",
    "calendar_token_reset",
    "calendar_token_revoke",
    "token_list",
    "token_create",
    "token_revoke",
    "workspace_switch",
}
PERSONAL_URL_PREFIXES = ("/accounts/", "/survey/", "/notifications/", "/w/acme/settings/tokens/")
PERSONAL_API_PREFIXES = (
    "/api/v1/tokens",
    "/api/v1/notifications",
    "/api/v1/notification-preferences",
    "/api/v1/me",
)
# POST operations that compute an answer from the request and store nothing.
COMPUTING_API_PATHS = {"/api/v1/channel-advice"}
PERSONAL_URL_PARTS = ("/notifications/", "/acknowledge/", "/calendar/")
# Admin-only pages whose check is inside the view (not in the decorator), listed by hand with
# the methods that need admin (everyone may read the governance settings; saving needs admin).
ADMIN_ONLY_URL_NAMES_MANUAL = {
    "governance_settings": ("post",),
    "workspace_settings": ("post",),  # renaming the workspace
    "member_list": ("post",),  # inviting
    "member_remove": ("post",),  # removing someone else (leaving oneself is allowed)
}
REFUSALS = {403, 404, 405}
PRIVATE = "Quokka"  # in every text of every private item


# --- acme, with private items --------------------------------------------------------------


@dataclass
class PrivateWorld:
    data: AcmeData
    insider: Any  # a member linked to the insider person: party, lead, giver
    conflict: str  # markers: title and uuid of each private item
    conflict_id: str
    feedback: str
    feedback_id: str
    partnership: str
    partnership_slug: str
    goal: str
    goal_id: str
    decision: str
    network_people: tuple[str, ...]


@pytest.fixture
def private_world(acme_world: AcmeData, acme: Any) -> PrivateWorld:
    """acme (one of everything, from the tenancy walk) plus private items of an insider who
    is neither the viewer, the member, the admin nor the owner."""
    workspace = acme.workspace
    insider = _user("insider@acme.test")
    membership = Membership.objects.create(workspace=workspace, user=insider, role="member")
    person = Person.objects.create(
        workspace=workspace, name="Quokka Insider", function=acme.sales, user=insider
    )
    partnership = partnership_create(
        workspace=workspace,
        actor=acme.owner,
        name="Quokka members-only partnership",
        functions=[acme.sales, acme.finance],
        lead=person,
        privacy=Privacy.MEMBERS,
    )
    partnership_member_add(
        partnership=partnership, actor=acme.owner, person=person, function=acme.sales
    )
    goal = goal_create(
        membership=acme.membership("owner"),
        title="Quokka secret goal: double the burrows",
        partnership=partnership,
        owner=person,
        metric_key="order_lead_time",
        unit="days",
        baseline=12,
        target=4,
        direction="decrease",
        start_date=datetime.date(2026, 9, 1),
        due_date=datetime.date(2027, 3, 31),
    )
    decision_create(
        membership=acme.membership("owner"),
        title="Quokka secret decision",
        decider=person,
        partnership=partnership,
        context="Quokka secret context.",
    )
    conflict = conflict_create(
        workspace=workspace,
        actor=acme.owner,
        title="Quokka private conflict",
        description="Quokka private description.",
        party_people=[person, acme.alice],
        private=True,
    )
    feedback = feedback_give(
        membership=membership,
        situation="Quokka private situation",
        behaviour="Quokka private behaviour",
        impact="Quokka private impact",
        to_person=acme.alice,
    )
    people = tuple(
        Person.objects.filter(workspace=workspace, name__startswith="Acme Rocketry Seller")
        .order_by("name")
        .values_list("name", flat=True)
    )
    assert people, "the network seed names its people “Acme Rocketry Seller …”"
    return PrivateWorld(
        data=acme_data(acme),
        insider=insider,
        conflict="Quokka private conflict",
        conflict_id=str(conflict.uuid),
        feedback="Quokka private situation",
        feedback_id=str(feedback.uuid),
        partnership="Quokka members-only partnership",
        partnership_slug=partnership.slug,
        goal="Quokka secret goal",
        goal_id=str(goal.uuid),
        decision="Quokka secret decision",
        network_people=people,
    )


# --- filling URLs with acme's own ids --------------------------------------------------------


def _candidates(data: AcmeData, name: str, converter: str, first: list[str]) -> list[str]:
    """Values for one path parameter: acme's own ids and slugs (`first` ones always tried)."""
    if converter == "slug" and name in {"ws", "workspace"}:
        return [data.slug]
    if name in SLUG_PARAMS:
        slugs = data.slugs_by_model.get(SLUG_PARAMS[name], [])
        return _unique([*[v for v in first if v in slugs], *slugs[:2]]) or ["x"]
    if converter in {"uuid", "uuidstr"} or name.endswith("_id") or name in PARAM_MODELS:
        label = PARAM_MODELS.get(name.removesuffix("_id"))
        ids = data.ids_by_model.get(label or "", [])
        if ids:
            return _unique([*[v for v in first if v in ids], *ids[:2]])
        return data.sample_ids(name) or [RANDOM_UUID]
    if converter == "slug":
        return ["csv", "xlsx"]
    if converter == "int":
        return ["1"]
    return ["x"]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def route_urls(route: Route, data: AcmeData, first: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    params = route.params()
    if not params:
        url = route.fill({})
        return [url] if url else []
    options = [_candidates(data, name, converter, list(first)) for name, converter in params]
    urls = []
    for combination in itertools.product(*options):
        url = route.fill(dict(zip([name for name, _c in params], combination, strict=True)))
        if url and _resolves_to(url, route):
            urls.append(url)
        if len(urls) >= MAX_URLS_PER_ROUTE:
            break
    return urls


def acme_routes() -> list[Route]:
    """Routes inside acme's workspace, plus the API's and calendar's public ones."""
    return [r for r in discover_routes() if not r.template.startswith("api/v1/")]


def api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = Client().get("/api/v1/openapi.json").json()
    return [
        (path, method, {**operation, "_components": schema["components"]["schemas"]})
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def operation_urls(
    path: str, operation: dict[str, Any], data: AcmeData, first: list[str]
) -> list[str]:
    params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
    options = []
    for param in params:
        schema = param.get("schema", {})
        if schema.get("enum"):
            options.append([str(value) for value in schema["enum"]])
        else:
            converter = "uuid" if schema.get("format") == "uuid" else "str"
            options.append(_candidates(data, param["name"], converter, first))
    urls = []
    for combination in itertools.product(*options):
        url = path
        for param, value in zip(params, combination, strict=True):
            url = url.replace("{" + param["name"] + "}", value)
        urls.append(url)
        if len(urls) >= MAX_URLS_PER_ROUTE:
            break
    return urls


def operation_body(operation: dict[str, Any], data: AcmeData) -> str | None:
    body_schema = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    if not body_schema:
        return None
    components = operation["_components"]
    resolved = components[body_schema["$ref"].rsplit("/", 1)[-1]]
    return json.dumps(_example_body(resolved, data, components))


# --- page forms: a plausible body for a POST -------------------------------------------------


class _FormReader(html.parser.HTMLParser):
    """The fields of the first POST form of a page, with their current values; empty text
    fields get a short text and empty selects their first real option, so that the owner's
    submission of the same body can succeed."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.fields: dict[str, list[str]] = {}
        self.in_form = self.done = False
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if self.done:
            return
        if tag == "form" and found.get("method", "").lower() == "post":
            # The form that posts to the page itself (not the header's sign-out form).
            self.in_form = found.get("action", "") in {"", self.url}
        if not self.in_form or (not found.get("name") and tag != "option"):
            return
        name = found.get("name", "")
        if tag == "input":
            kind = found.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in found:
                    self.fields.setdefault(name, []).append(found.get("value", "on"))
                return
            value = found.get("value", "")
            if not value:
                value = {
                    "email": "probe@acme.test",
                    "number": "3",
                    "date": "2027-01-15",
                    "datetime-local": "2027-01-15T10:00",
                    "url": "https://example.test/",
                    "hidden": "",
                }.get(kind, "Probe text")
            self.fields.setdefault(name, []).append(value)
        elif tag == "textarea":
            self.textarea = name
            self.fields.setdefault(name, [])
        elif tag == "select":
            self.select, self.select_first, self.select_chosen = name, None, False
        elif tag == "option" and self.select:
            value = found.get("value", "")
            if value and self.select_first is None:
                self.select_first = value
            if "selected" in found and value:
                self.fields.setdefault(self.select, []).append(value)
                self.select_chosen = True

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea].append(data.strip() or "Probe text")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            if not self.fields[self.textarea]:
                self.fields[self.textarea] = ["Probe text"]
            self.textarea = None
        elif tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None:
                self.fields.setdefault(self.select, []).append(self.select_first)
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def page_form(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return {}
    reader = _FormReader(url)
    reader.feed(_body(response))
    reader.fields.pop("csrfmiddlewaretoken", None)
    return reader.fields


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a request whose writes are undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _refused(response: Any) -> bool:
    """403/404/405, or a redirect back with an error message (the pages that refuse by
    saying so, like "Only admins and owners can invite people.")."""
    from django.contrib.messages import ERROR, get_messages

    if response.status_code in REFUSALS:
        return True
    if 300 <= response.status_code < 400:
        return any(m.level == ERROR for m in get_messages(response.wsgi_request))
    return False


def _audit_count(workspace: Any) -> int:
    from accord.workspaces.models import AuditEntry

    return AuditEntry.objects.filter(workspace=workspace).count()


def _succeeded(response: Any) -> bool:
    return 200 <= response.status_code < 400


def _signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def without_own_membership(data: AcmeData, acme: Any, role: str) -> AcmeData:
    """acme's ids without the caller's own membership: removing it is leaving the workspace,
    which every role may do (and which would end the caller's token mid-walk)."""
    own = str(acme.membership(role).uuid)
    ids = {label: [i for i in found if i != own] for label, found in data.ids_by_model.items()}
    return AcmeData(
        slug=data.slug, ids_by_model=ids, markers=data.markers, slugs_by_model=data.slugs_by_model
    )


def _is_personal_page(route: Route, url: str) -> bool:
    return (
        route.name in PERSONAL_URL_NAMES
        or url.startswith(PERSONAL_URL_PREFIXES)
        or any(part in url for part in PERSONAL_URL_PARTS)
    )


def state_digest(workspace: Any) -> tuple[Any, ...]:
    """Counts, latest update times and summed versions of every tenant model of the
    workspace, plus its audit entries: one aggregate query per model."""
    from django.apps import apps
    from django.db.models import Count, Max, Sum

    from accord.workspaces.models import AuditEntry

    digest: list[Any] = [AuditEntry.objects.filter(workspace=workspace).count()]
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "workspace" not in names:
            continue
        aggregates: dict[str, Any] = {"rows": Count("pk")}
        if "updated_at" in names:
            aggregates["updated"] = Max("updated_at")
        if "version" in names:
            aggregates["versions"] = Sum("version")
        rows = model._default_manager.filter(workspace=workspace).aggregate(**aggregates)
        digest.append((model._meta.label_lower, tuple(sorted(rows.items()))))
    return tuple(digest)


# --- the viewer writes nothing ---------------------------------------------------------------


def test_viewer_cannot_change_anything_through_pages(acme_world, acme, capsys):
    """A viewer's POST to any page changes nothing (no audit entry after each request; no
    row, count, update time or version changed at the end), and where the owner's same form
    (sent in a rolled-back transaction) writes, the viewer is refused (403, 404, 405, or a
    redirect with an error message), never served. Pages that only read answer a POST like
    a GET, harmlessly."""
    before = acme_state(acme)
    viewer, owner = _signed_in(acme.viewer), _signed_in(acme.owner)
    failures, posted, writes = [], 0, 0
    digest, audits = state_digest(acme.workspace), _audit_count(acme.workspace)
    data = without_own_membership(acme_world, acme, "viewer")
    for route in acme_routes():
        if not route.template.startswith("w/<slug:ws>/"):
            continue
        for url in route_urls(route, data):
            if _is_personal_page(route, url):
                continue
            form = page_form(owner, url)
            response = viewer.post(url, form)
            viewer.force_login(acme.viewer, backend="django.contrib.auth.backends.ModelBackend")
            posted += 1
            where = f"viewer POST {url} -> {response.status_code}"
            if response.status_code >= 500:
                failures.append(f"{where}: server error")
            if _audit_count(acme.workspace) != audits:
                failures.append(f"{where}: acme changed")
                audits = _audit_count(acme.workspace)
            # Every write action records an audit entry: the owner's form wrote if one appeared.
            with rolled_back():
                owner.post(url, form)
                wrote = _audit_count(acme.workspace) != audits
            owner.force_login(acme.owner, backend="django.contrib.auth.backends.ModelBackend")
            writes += wrote
            if wrote and not _refused(response):
                failures.append(f"{where}: the owner's same form writes; a viewer must be refused")
    with capsys.disabled():
        print(f"\nviewer page POSTs: {posted}; of them the owner's same form wrote: {writes}")
    assert not failures, "\n".join(failures)
    # Writes that leave no audit entry still show here: counts, update times, versions, rows.
    assert state_digest(acme.workspace) == digest
    assert acme_state(acme) == before
    assert posted >= 100
    assert writes >= 20


def _without_tokens(state: dict[str, Any]) -> dict[str, Any]:
    """acme's state but its tokens, whose last use the walk itself updates."""
    return {label: rows for label, rows in state.items() if label != "api.apitoken"}


def test_viewer_cannot_change_anything_through_the_api(acme_world, acme, capsys):
    """Every POST, PUT, PATCH and DELETE a viewer's token sends is refused and acme's rows
    stay as they were; the owner's token sending the same request (rolled back) succeeds
    often enough to make the refusals count."""
    data = without_own_membership(acme_world, acme, "viewer")
    viewer = token_client(acme, "viewer", raise_request_exception=False)
    owner = token_client(acme, "owner", raise_request_exception=False)
    before = _without_tokens(acme_state(acme))
    failures, refused, proven, statuses = [], 0, 0, {}
    for path, method, operation in api_operations():
        if method not in UNSAFE or path.startswith(PERSONAL_API_PREFIXES):
            continue
        if path in COMPUTING_API_PATHS:
            continue
        body = operation_body(operation, data) or "{}"
        for url in operation_urls(path, operation, data, []):
            response = getattr(viewer, method)(url, body, content_type="application/json")
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500 or _succeeded(response):
                failures.append(f"viewer {method.upper()} {url} -> {response.status_code}")
                continue
            refused += 1
            with rolled_back():
                reply = getattr(owner, method)(url, body, content_type="application/json")
                proven += _succeeded(reply)
    with capsys.disabled():
        print(f"\nviewer API writes refused: {refused} {statuses}; owner succeeded: {proven}")
    assert not failures, "\n".join(failures)
    assert _without_tokens(acme_state(acme)) == before
    assert refused >= 50
    assert proven >= 10


# --- the member administers nothing ----------------------------------------------------------


def _view_minimum(callback: Any) -> str:
    """The minimum role of a view decorated with workspace_view(...), else "" (the
    decorators' wrappers are walked through __wrapped__)."""
    while callback is not None:
        try:
            minimum = inspect.getclosurevars(callback).nonlocals.get("minimum")
        except TypeError:
            minimum = None
        if isinstance(minimum, str):
            return minimum
        callback = getattr(callback, "__wrapped__", None)
    return ""


def admin_only_routes() -> list[Route]:
    """Derived: pages whose decorator asks for admin or owner, plus the manual list."""
    return [
        route
        for route in acme_routes()
        if _view_minimum(route.callback) in {"admin", "owner"}
        or route.name in ADMIN_ONLY_URL_NAMES_MANUAL
    ]


def admin_only_operations() -> set[tuple[str, str]]:
    """Derived: (method, path) of operations whose function asks role_require(…, "admin")."""
    found = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                source = inspect.getsource(operation.view_func)
                if '"admin")' in source or '"owner")' in source:
                    full = "/api/v1" + (prefix + path).replace("//", "/")
                    for method in operation.methods:
                        found.add((method.lower(), full.rstrip("/") or "/"))
    return found


def test_member_cannot_administer_through_pages(acme_world, acme, capsys):
    """Every admin-only page answers a member 403 or 404, for reading and for posting, while
    the admin may open it."""
    member, admin = _signed_in(acme.member), _signed_in(acme.admin)
    routes = admin_only_routes()
    failures, checked, opened = [], 0, 0
    data = without_own_membership(acme_world, acme, "member")
    for route in routes:
        methods = ADMIN_ONLY_URL_NAMES_MANUAL.get(route.name, ("get", "post"))
        for url in route_urls(route, data):
            for method in methods:
                response = getattr(member, method)(url)
                member.force_login(acme.member, backend="django.contrib.auth.backends.ModelBackend")
                checked += 1
                if not _refused(response):
                    failures.append(f"member {method.upper()} {url} -> {response.status_code}")
            opened += admin.get(url).status_code == 200
    with capsys.disabled():
        print(f"\nadmin-only pages: {len(routes)} routes, {checked} member requests refused")
        for route in sorted(routes, key=lambda r: r.template):
            print(f"  /{route.template} ({route.name})")
    assert not failures, "\n".join(failures)
    assert len(routes) >= 20
    assert opened >= 10


def test_member_cannot_administer_through_the_api(acme_world, acme, capsys):
    """Every admin-only operation answers a member's token 403 or 404, while the admin's
    token (rolled back) gets through on some of them with the same request."""
    member = token_client(acme, "member", raise_request_exception=False)
    admin = token_client(acme, "admin", raise_request_exception=False)
    admin_only = admin_only_operations()
    data = without_own_membership(acme_world, acme, "member")
    failures, checked, proven = [], 0, 0
    seen = set()
    for path, method, operation in api_operations():
        if (method, path.rstrip("/")) not in {(m, p.replace("//", "/")) for m, p in admin_only}:
            continue
        seen.add((method, path))
        body = operation_body(operation, data)
        for url in operation_urls(path, operation, data, []):
            if body is None:
                response = getattr(member, method)(url)
            else:
                response = getattr(member, method)(url, body, content_type="application/json")
            checked += 1
            with rolled_back():
                if body is None:
                    reply = getattr(admin, method)(url)
                else:
                    reply = getattr(admin, method)(url, body, content_type="application/json")
                proven += _succeeded(reply)
            # A body the schema rejects is rejected for everyone before any role check:
            # that 422 says nothing about roles, so it passes only if the admin gets it too.
            unproven = response.status_code == 422 and reply.status_code == 422
            if response.status_code not in {403, 404} and not unproven:
                failures.append(f"member {method.upper()} {url} -> {response.status_code}")
    with capsys.disabled():
        print(f"\nadmin-only operations: {len(seen)}; member requests refused: {checked}")
        for method, path in sorted(seen, key=lambda x: (x[1], x[0])):
            print(f"  {method.upper():6} {path}")
    assert not failures, "\n".join(failures)
    assert len(seen) >= 20
    assert proven >= 5


# --- private items -----------------------------------------------------------------------------


def _private_markers(world: PrivateWorld, role: str) -> dict[str, list[str]]:
    """What the role must never see, by feature (admins and the owner see private conflicts,
    members-only partnerships and person-level network figures, but not private feedback)."""
    markers = {"feedback": [world.feedback, world.feedback_id]}
    if role in {"viewer", "member"}:
        markers["conflict"] = [world.conflict, world.conflict_id]
        markers["partnership"] = [
            world.partnership,
            world.partnership_slug,
            world.goal,
            world.goal_id,
            world.decision,
        ]
    return markers


NETWORK_URLS = ("/w/acme/network/", "/api/v1/network")
# The audit log is the admins' record of who changed what: it lists that a feedback was
# given (labelled only "Feedback <id>", never its text), so an admin may see that id there.
AUDIT_URLS = ("/w/acme/settings/audit/", "/api/v1/audit")


def _markers_for(world: PrivateWorld, role: str, url: str) -> dict[str, list[str]]:
    markers = _private_markers(world, role)
    if role in {"viewer", "member"} and url.startswith(NETWORK_URLS):
        # Person-level network figures are for admins; names elsewhere are the directory.
        markers["network"] = list(world.network_people)
    if role == "admin" and url.startswith(AUDIT_URLS):
        markers["feedback"] = [world.feedback]
    return markers


def _reads(world: PrivateWorld, feed: str) -> Iterator[tuple[str, str]]:
    """Every page and read operation, filled with acme's ids (the private ones first), plus
    searches for the private texts and the caller's own calendar feed."""
    first = [world.conflict_id, world.feedback_id, world.partnership_slug, world.goal_id]
    for route in acme_routes():
        if route.template.startswith(("accounts/", "calendar/", "survey/")):
            continue
        for url in route_urls(route, world.data, first):
            yield "session", url
            if not route.params() or route.params() == [("ws", "slug")]:
                yield "session", f"{url}?{urlencode({'q': PRIVATE})}"
    for path, method, operation in api_operations():
        if method != "get":
            continue
        for url in operation_urls(path, operation, world.data, first):
            yield "token", url
            if "{" not in path:
                yield "token", f"{url}?{urlencode({'q': PRIVATE, 'search': PRIVATE})}"
    yield "anonymous", feed


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_private_items_are_invisible_to_outsiders(role, private_world, acme, capsys):
    """No page, read operation, search, export or calendar feed shows an outsider a private
    conflict, private feedback, a members-only partnership (its goal, its decision) or
    person-level network figures."""
    world = private_world
    membership = acme.membership(role)
    feed = "/calendar/" + calendar_token_reset(membership=membership) + ".ics"
    clients = {
        "session": _signed_in(acme.user(role)),
        "token": token_client(acme, role, raise_request_exception=False),
        "anonymous": Client(raise_request_exception=False),
    }
    failures, reads = [], 0
    for who, url in _reads(world, feed):
        response = clients[who].get(url)
        if who == "session":
            clients[who].force_login(
                acme.user(role), backend="django.contrib.auth.backends.ModelBackend"
            )
        reads += 1
        if response.status_code >= 500:
            failures.append(f"{role} GET {url} -> {response.status_code}")
            continue
        body = _body(response).lower()
        for feature, texts in _markers_for(world, role, url).items():
            for text in texts:
                if text.lower() in body:
                    failures.append(f"{role} GET {url}: shows the private {feature} ({text})")
    with capsys.disabled():
        print(f"\n{role}: {reads} reads checked for the private items' texts and ids")
    assert not failures, "\n".join(failures[:40])
    assert reads >= 300


def test_insiders_see_the_private_items(private_world, acme):
    """The markers are findable: the insider (party, lead, giver) sees every private item,
    and an admin sees the private conflict, the partnership and person-level network lists."""
    world = private_world
    insider = _signed_in(world.insider)
    admin = _signed_in(acme.admin)
    pages = {
        "conflicts": reverse("conflict_register", kwargs={"ws": "acme"}),
        "feedback": reverse("feedback_list", kwargs={"ws": "acme"}) + "?box=given",
        "partnerships": reverse("partnership_list", kwargs={"ws": "acme"}),
        "network": reverse("network_home", kwargs={"ws": "acme"}),
    }
    seen = {name: _body(insider.get(url)) for name, url in pages.items()}
    assert world.conflict in seen["conflicts"]
    assert world.feedback in seen["feedback"]
    assert world.partnership in seen["partnerships"]
    admin_seen = {name: _body(admin.get(url)) for name, url in pages.items()}
    assert world.conflict in admin_seen["conflicts"]
    assert world.partnership in admin_seen["partnerships"]
    assert world.feedback not in admin_seen["feedback"]
    assert any(name in admin_seen["network"] for name in world.network_people)
