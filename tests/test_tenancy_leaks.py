"""No URL of the project shows or changes acme's data for anyone outside acme.

The walk is generic: it discovers every URL pattern (pages, API, accounts) and every operation
of the OpenAPI document at run time, so pages added later are covered without editing this
file. Path parameters are filled with acme's real slugs and UUIDs (and random UUIDs); each URL
is requested by every globex role (viewer, member, admin, owner) and anonymously.

Expected: never a 5xx, never acme's name, emails or ids in a body (ids the URL itself carries
may be echoed), never a 2xx for a URL inside acme's workspace, acme's rows unchanged, and an
acme id in the path answers exactly as an id that exists nowhere: 404, or the same refusal a
random id gets when the caller's role is refused before any lookup (a 403 that says nothing
about the id).

Cost: the owner walks every URL with a session, a token and anonymously. The other roles walk
with one client each (a session for pages, a token for the API) and only the URLs whose
workspace resolves to globex: under /w/acme/ the answer is decided by the missing membership
before any role is looked at, which the owner's walk already proves. One test per role and
kind lets xdist spread them.
"""

import datetime
import importlib
import itertools
import json
import pkgutil
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accord.api.actions import token_create
from accord.api.testing import bearer_client
from accord.goals.actions import (
    checkin_create,
    goal_create,
    kpi_create,
    metric_definition_create,
    tension_create,
)
from accord.governance.action_actions import action_create
from accord.governance.conflict_actions import (
    conflict_create,
    conflict_option_add,
    conflict_perspective_add,
    conflict_stage_move,
)
from accord.governance.decision_actions import decision_create
from accord.governance.raci_actions import deliverable_create, raci_cell_set
from accord.org.actions import person_skills_set, person_update
from accord.org.models import Function, Person
from accord.partnerships.actions import (
    partnership_create,
    partnership_member_add,
    partnership_status_change,
)
from accord.workspaces.actions import invitation_create
from accord.workspaces.models import AuditEntry

RANDOM_UUID = "5e0c7a0e-9d4b-4c1e-8f0a-000000000000"
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
# Path parameter names -> the model whose ids they take (else every kind of id is tried).
PARAM_MODELS = {
    "person": "org.person",
    "function": "org.function",
    "member": "workspaces.membership",
    "invitation": "workspaces.invitation",
    "token": "api.apitoken",
    "batch": "org.importbatch",
    "partnership_member": "partnerships.partnershipmember",
    "goal": "goals.goal",
    "kpi": "goals.kpi",
    "checkin": "goals.checkin",
    "tension": "goals.workspacetension",
    "tension_id": "goals.workspacetension",
    "conflict": "governance.conflict",
    "conflict_perspective": "governance.conflictperspective",
    "conflict_option": "governance.conflictoption",
    "deliverable": "governance.deliverable",
    "action_item": "governance.actionitem",
    "action": "governance.actionitem",
    "decision": "governance.decision",
}


@dataclass(frozen=True)
class AcmeWorld:
    """What the base seed made, for the areas' own seeds (`accord/<app>/tests/leak_seed_*.py`,
    each with `seed(world)` and optionally `PARAM_MODELS`) to build on."""

    acme: Any
    owner: Any  # acme's owner membership
    function: Any  # "Acme Rocketry"
    person: Any  # "Wile Coyote", a member of the partnership
    partnership: Any
    goal: Any
    decision: Any


def _area_seeds() -> list[Any]:
    import accord

    found = []
    for app in pkgutil.iter_modules(accord.__path__):
        if not app.ispkg:  # accord/__main__.py would start the command line
            continue
        try:
            tests = importlib.import_module(f"accord.{app.name}.tests")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(tests.__path__):
            if module.name.startswith("leak_seed_"):
                found.append(importlib.import_module(f"{tests.__name__}.{module.name}"))
    return found


AREA_SEEDS = _area_seeds()
for _seed in AREA_SEEDS:
    PARAM_MODELS.update(getattr(_seed, "PARAM_MODELS", {}))

# Path parameters that take the slug of a workspace row (the API names them "slug").
SLUG_PARAMS = {
    "partnership": "partnerships.partnership",
    "slug": "partnerships.partnership",
    "key": "goals.metricdefinition",  # a workspace metric's key
}
UNSAFE_PAGE_METHODS = ("post",)
MINIMUM_PATTERNS = 55
MINIMUM_REQUESTS = 800
ROLES = ("viewer", "member", "admin", "owner")
# Refusals a role check may give before any lookup; an acme id must get the same as a random id.
ROLE_REFUSALS = {400, 401, 403, 405, 409, 412, 422, 428}


@dataclass(frozen=True)
class Route:
    """A URL pattern flattened to its segments: (kind, text) with kind "route" or "regex"."""

    segments: tuple[tuple[str, str], ...]
    name: str
    callback: Any

    @property
    def template(self) -> str:
        return "".join(text for _kind, text in self.segments)

    def params(self) -> list[tuple[str, str]]:
        found = []
        for kind, text in self.segments:
            if kind == "route":
                found += [(m["name"], m["converter"] or "str") for m in CONVERTER.finditer(text)]
            else:
                found += [(m["name"], "regex") for m in NAMED_GROUP.finditer(text)]
        return found

    def fill(self, values: dict[str, str]) -> str | None:
        parts = []
        for kind, text in self.segments:
            if kind == "route":
                parts.append(CONVERTER.sub(lambda m: values[m["name"]], text))
            else:
                filled = _fill_regex(text, values)
                if filled is None:
                    return None
                parts.append(filled)
        return "/" + "".join(parts)


def _fill_regex(regex: str, values: dict[str, str]) -> str | None:
    """Replace named groups with values; None if other regex syntax remains."""
    text = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    out = []
    position = 0
    while position < len(text):
        match = NAMED_GROUP.match(text, position)
        if match:
            depth, cursor = 1, match.end()
            while depth and cursor < len(text):
                if text[cursor] == "\\":
                    cursor += 1
                elif text[cursor] == "(":
                    depth += 1
                elif text[cursor] == ")":
                    depth -= 1
                cursor += 1
            out.append(values[match["name"]])
            position = cursor
            continue
        char = text[position]
        if char == "\\" and position + 1 < len(text) and text[position + 1] in "./-":
            out.append(text[position + 1])
            position += 2
            continue
        if char in "()[]{}*+?|^$\\":
            return None
        out.append(char)
        position += 1
    return "".join(out)


def discover_routes() -> list[Route]:
    """Every URL pattern of the project, one per distinct path template."""
    routes: dict[str, Route] = {}

    def walk(patterns: list[Any], prefix: tuple[tuple[str, str], ...]) -> None:
        for pattern in patterns:
            kind = "regex" if type(pattern.pattern).__name__ == "RegexPattern" else "route"
            segments = (*prefix, (kind, str(pattern.pattern)))
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, segments)
            elif isinstance(pattern, URLPattern):
                route = Route(segments=segments, name=pattern.name or "", callback=pattern.callback)
                routes.setdefault(route.template, route)

    walk(get_resolver().url_patterns, ())
    return list(routes.values())


# --- acme's data: what must never leak ------------------------------------------------------


@dataclass
class AcmeData:
    slug: str
    ids_by_model: dict[str, list[str]]
    markers: list[str]
    slugs_by_model: dict[str, list[str]]

    @property
    def all_ids(self) -> list[str]:
        return [i for ids in self.ids_by_model.values() for i in ids]

    def sample_ids(self, param: str) -> list[str]:
        label = PARAM_MODELS.get(param.removesuffix("_id"))
        if label and self.ids_by_model.get(label):
            return self.ids_by_model[label][:2]
        return [ids[0] for ids in self.ids_by_model.values() if ids]


def _tenant_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if {"workspace", "uuid"} <= names:
            found.append(model)
    return found


def acme_data(acme: Any) -> AcmeData:
    ids: dict[str, list[str]] = {"workspaces.workspace": [str(acme.workspace.uuid)]}
    slugs: dict[str, list[str]] = {}
    for model in _tenant_models():
        rows = model._default_manager.filter(workspace=acme.workspace)
        ids[model._meta.label_lower] = [str(u) for u in rows.values_list("uuid", flat=True)]
        if any(f.name == "slug" for f in model._meta.get_fields()):
            slugs[model._meta.label_lower] = list(rows.values_list("slug", flat=True))
        elif model._meta.label_lower == "goals.metricdefinition":
            slugs[model._meta.label_lower] = list(rows.values_list("key", flat=True))
    markers = ["Acme Corp", "@acme.test", "Wile Coyote", "Acme Rocketry", "Anvil handling"]
    return AcmeData(slug="acme", ids_by_model=ids, markers=markers, slugs_by_model=slugs)


def acme_state(acme: Any) -> dict[str, Any]:
    """Everything acme has, to prove the walk changed nothing there."""
    state: dict[str, Any] = {
        "audit": AuditEntry.objects.filter(workspace=acme.workspace).count(),
        "workspace": (
            acme.workspace.__class__.objects.filter(pk=acme.workspace.pk)
            .values("name", "slug", "version")
            .get()
        ),
    }
    for model in _tenant_models():
        state[model._meta.label_lower] = sorted(
            map(repr, model._default_manager.filter(workspace=acme.workspace).values())
        )
    return state


@pytest.fixture
def acme_world(acme: Any, globex: Any) -> AcmeData:
    """Acme with one of everything: a marked person and function, skills, an invitation,
    a token and audit entries."""
    rocketry = Function.objects.create(workspace=acme.workspace, name="Acme Rocketry")
    wile = Person.objects.create(
        workspace=acme.workspace,
        name="Wile Coyote",
        email="wile@acme.test",
        title="Rocket engineer",
        function=rocketry,
        manager=acme.alice,
    )
    person_skills_set(person=wile, actor=acme.owner, skills={"Anvil handling": 5})
    person_update(person=acme.bob, actor=acme.owner, title="Anvil analyst")
    owner = acme.membership("owner")
    invitation_create(actor_membership=owner, email="roadrunner@acme.test", role="member")
    token_create(membership=owner, actor=acme.owner, name="Acme Rocketry CI")
    launch = partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Acme Rocketry launch",
        functions=[rocketry, acme.sales],
        lead=wile,
    )
    partnership_member_add(partnership=launch, actor=acme.owner, person=wile, function=rocketry)
    partnership_status_change(partnership=launch, actor=acme.owner, to="forming")
    goal = goal_create(
        membership=owner,
        title="Acme Rocketry: cut launch delays from 12 to 4 days",
        partnership=launch,
        owner=wile,
        metric_key="order_lead_time",
        unit="days",
        baseline=12,
        target=4,
        direction="decrease",
        start_date=datetime.date(2026, 9, 1),
        due_date=datetime.date(2027, 3, 31),
    )
    checkin_create(
        membership=owner,
        goal=goal,
        value=9,
        date=datetime.date(2026, 10, 1),
        note="Acme Rocketry check-in",
        today=datetime.date(2026, 10, 2),
    )
    kpi_create(membership=owner, partnership=launch, metric_key="otif", target=95)
    metric_definition_create(
        membership=owner,
        key="acme_rocketry_thrust",
        name="Acme Rocketry thrust",
        unit="score",
        good_direction="increase",
        category="quality",
        function="engineering",
    )
    tension_create(
        membership=owner,
        metric_a="acme_rocketry_thrust",
        a_direction="increase",
        metric_b="gross_margin",
        b_direction="decrease",
        explanation="Acme Rocketry fuel is expensive.",
    )
    conflict = conflict_create(
        workspace=acme.workspace,
        actor=acme.owner,
        title="Acme Rocketry launch window dispute",
        party_people=[wile, acme.alice],
        party_functions=[rocketry, acme.sales],
        partnership=launch,
    )
    conflict_perspective_add(
        conflict=conflict, actor=acme.owner, person=wile, perspective="Acme Rocketry needs it."
    )
    conflict_stage_move(conflict=conflict, actor=acme.owner, to="acknowledged")
    conflict_stage_move(conflict=conflict, actor=acme.owner, to="in_dialogue", facilitator=acme.bob)
    conflict_option_add(conflict=conflict, actor=acme.owner, description="Acme Rocketry shares.")
    deliverable = deliverable_create(
        partnership=launch, actor=acme.owner, name="Acme Rocketry launch plan"
    )
    raci_cell_set(deliverable=deliverable, actor=acme.owner, person=wile, letter="A")
    decision = decision_create(
        membership=owner,
        title="Acme Rocketry: launch from the mesa",
        decider=wile,
        partnership=launch,
        context="Acme Rocketry needs a site.",
    )
    action_create(
        membership=owner,
        title="Acme Rocketry: book the mesa",
        owner=wile,
        partnership=launch,
        decision=decision,
    )
    world = AcmeWorld(
        acme=acme,
        owner=owner,
        function=rocketry,
        person=wile,
        partnership=launch,
        goal=goal,
        decision=decision,
    )
    for area in AREA_SEEDS:
        area.seed(world)
    return acme_data(acme)


# --- the walk -------------------------------------------------------------------------------


@dataclass
class Probe:
    who: str
    method: str
    url: str
    status: int


class Walk:
    def __init__(self, acme: AcmeData, globex: Any) -> None:
        self.acme = acme
        self.globex = globex
        # globex's own ids: reading them exercises globex's detail pages, which must show
        # nothing of acme either (a page that joins across workspaces would).
        self.own = acme_data(globex)
        self.probes: list[Probe] = []
        self.failures: list[str] = []
        self.statuses: dict[tuple[str, str, str], int] = {}
        # A slug globex also has (a shared catalog key) is globex's own in a globex URL.
        self.foreign_slugs = {slug for slugs in acme.slugs_by_model.values() for slug in slugs} - {
            slug for slugs in self.own.slugs_by_model.values() for slug in slugs
        }
        self.foreign_ids = set(acme.all_ids)

    def candidates(self, name: str, converter: str, *, own: bool = False) -> list[str]:
        if converter == "slug" and name in {"ws", "workspace", "slug"}:
            return [self.acme.slug, self.globex.workspace.slug]
        if name in SLUG_PARAMS:
            label = SLUG_PARAMS[name]
            mine = self.own.slugs_by_model.get(label, []) if own else []
            return [*self.acme.slugs_by_model.get(label, [])[:2], *mine, "x"]
        if converter in {"uuid", "uuidstr"} or name.endswith("_id") or name in PARAM_MODELS:
            mine = self.own.sample_ids(name) if own else []
            return [*self.acme.sample_ids(name), *mine, RANDOM_UUID]
        if converter == "slug":
            return ["csv", "xlsx", "x"]
        if converter == "int":
            return ["1"]
        return ["x"]

    def urls_for(self, route: Route, *, own: bool = False) -> list[str]:
        """Filled URLs of the route; with `own`, globex's ids are tried too (reads only)."""
        params = route.params()
        if not params:
            url = route.fill({})
            return [url] if url else []
        options = [self.candidates(name, converter, own=own) for name, converter in params]
        urls = []
        for combination in itertools.product(*options):
            url = route.fill(dict(zip([name for name, _c in params], combination, strict=True)))
            if url and _resolves_to(url, route):
                urls.append(url)
        return urls

    def check(self, who: str, method: str, url: str, response: Any, sent: str = "") -> None:
        """`sent` is the request body: ids the caller sent may be echoed back in errors."""
        self.probes.append(Probe(who, method, url, response.status_code))
        self.statuses[(who, method, url)] = response.status_code
        where = f"{who} {method.upper()} {url} -> {response.status_code}"
        if response.status_code >= 500:
            self.failures.append(f"{where}: server error")
            return
        body = _body(response)
        for marker in self.acme.markers:
            if marker.lower() in body.lower():
                self.failures.append(f"{where}: body shows acme's “{marker}”")
        for acme_id in self.acme.all_ids:
            if acme_id in body and acme_id not in url and acme_id not in sent:
                self.failures.append(f"{where}: body holds acme id {acme_id}")
        if 200 <= response.status_code < 300 and f"/w/{self.acme.slug}/" in url:
            self.failures.append(f"{where}: answered inside acme's workspace")
        location = urlsplit(response.get("Location", "")).path
        if location.startswith(f"/w/{self.acme.slug}/"):
            self.failures.append(f"{where}: redirects into acme ({location})")

    def twin(self, url: str) -> str | None:
        """The URL with acme's ids and slugs in the path swapped for ones that exist nowhere;
        None when the path carries none of acme's."""
        segments = url.split("/")
        swapped = [
            RANDOM_UUID
            if segment in self.foreign_ids
            else "x"
            if segment in self.foreign_slugs
            else segment
            for segment in segments
        ]
        return "/".join(swapped) if swapped != segments else None

    def foreign_ids_check(self, ask: Any, *, skip: tuple[str, ...] = ("anonymous",)) -> int:
        """Every signed-in globex probe of a path holding acme's ids answered like its twin
        with ids that exist nowhere, and never with a success. `ask(who, method, url)` probes
        a twin the walk did not reach. Returns how many probes were compared."""
        compared = 0
        for (who, method, url), status in list(self.statuses.items()):
            twin = self.twin(url)
            if who.endswith(skip) or twin is None or not url.startswith(("/w/", "/api/")):
                # Outside workspaces (sign-in pages' own keys) acme's ids name nothing.
                continue
            if (who, method, twin) not in self.statuses:
                self.statuses[(who, method, twin)] = ask(who, method, twin)
            expected = self.statuses[(who, method, twin)]
            compared += 1
            where = f"{who} {method.upper()} {url} -> {status}"
            if status != 404 and not (status == expected and status in ROLE_REFUSALS):
                self.failures.append(
                    f"{where}: an acme id must answer 404 (an unknown id answers {expected})"
                )
        return compared


def _resolves_to(url: str, route: Route) -> bool:
    try:
        match = resolve(url.split("?")[0])
    except Resolver404:
        return False
    return match.func == route.callback or (route.name and match.url_name == route.name)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _clients(globex: Any, role: str, kinds: tuple[str, ...]) -> dict[str, Any]:
    """The callers of one globex role: "session" and/or "token"; the owner's walk adds the
    anonymous caller (who has no role, so walking it once is enough)."""
    clients: dict[str, Any] = {}
    if "session" in kinds:
        session = Client(raise_request_exception=False)
        session.force_login(globex.user(role), backend="django.contrib.auth.backends.ModelBackend")
        clients[f"globex-{role}-session"] = session
    if "token" in kinds:
        membership = globex.membership(role)
        _token, raw = token_create(membership=membership, actor=membership.user, name="Leak probe")
        clients[f"globex-{role}-token"] = bearer_client(raw, raise_request_exception=False)
    if role == "owner":
        clients["anonymous"] = Client(raise_request_exception=False)
    return clients


def _relogin(who: str, client: Client, globex: Any) -> None:
    # A walked URL may sign the session out (or rotate it); every probe starts signed in.
    # Signing in costs a session write, so it is redone only after a response touched the
    # session cookie (set, rotated or deleted it), the only way a probe can change it.
    if who.endswith("-session") and not getattr(client, "signed_in", False):
        role = who.split("-")[1]
        client.force_login(globex.user(role), backend="django.contrib.auth.backends.ModelBackend")
        client.signed_in = True  # type: ignore[attr-defined]


def _send(who: str, client: Client, globex: Any, method: str, url: str, body: Any = None) -> Any:
    """One probe as `who`, signed in first."""
    _relogin(who, client, globex)
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, body, content_type="application/json")
    if settings.SESSION_COOKIE_NAME in response.cookies:
        client.signed_in = False  # type: ignore[attr-defined]
    return response


def _asker(clients: dict[str, Any], globex: Any, body: str | None = None) -> Any:
    def ask(who: str, method: str, url: str) -> int:
        return int(_send(who, clients[who], globex, method, url, body).status_code)

    return ask


def _in_acme(url: str) -> bool:
    return url.startswith("/w/acme/")


def _summary(walk: Walk) -> str:
    by_status = Counter((p.who, p.method, p.status) for p in walk.probes)
    lines = [
        f"{who:15} {method:6} {status}: {count}"
        for (who, method, status), count in sorted(by_status.items())
    ]
    return "\n".join(lines)


# Every role walks every page on SQLite; on PostgreSQL the owner's walk (every page, with the
# token and anonymous callers) covers the database's side: the other roles differ only in
# permission checks, which do not depend on the database (a walk costs 75 s there).
URL_WALK_ROLES = [
    role if role == "owner" else pytest.param(role, marks=pytest.mark.one_database)
    for role in ROLES
]


@pytest.mark.parametrize("role", URL_WALK_ROLES)
def test_no_url_pattern_leaks_acme_to_globex_or_anonymous(role, acme_world, acme, globex, capsys):
    """No page shows or changes acme's data for any globex role (nor anonymously), and an
    acme id in a globex URL is as unknown as a random one."""
    before = acme_state(acme)
    walk = Walk(acme_world, globex)
    routes = discover_routes()
    unfillable = []
    checked_routes = []
    owner = role == "owner"
    # Pages read the session only: a token on a page request is an anonymous request, which
    # the owner's walk covers.
    clients = _clients(globex, role, ("session", "token") if owner else ("session",))
    for route in routes:
        reads = walk.urls_for(route, own=True)
        if not reads:
            unfillable.append(route.template)
            continue
        checked_routes.append(route.template)
        probes = [("get", url) for url in reads]
        if route.params():
            # Writes only ever target acme's ids (and random ones): globex's data stays put.
            probes += [(m, url) for m in UNSAFE_PAGE_METHODS for url in walk.urls_for(route)]
        if not owner:
            probes = [(method, url) for method, url in probes if not _in_acme(url)]
        for (method, url), (who, client) in itertools.product(probes, clients.items()):
            if who.endswith("-token") and method != "get":
                # A token on a page is no sign-in (its reads show it); the anonymous
                # caller's writes already cover a signed-out POST.
                continue
            walk.check(who, method, url, _send(who, client, globex, method, url))
    # A token on a page is no sign-in: those probes are anonymous ones.
    compared = walk.foreign_ids_check(_asker(clients, globex), skip=("anonymous", "-token"))
    with capsys.disabled():
        print(f"\n{role}: URL patterns checked ({len(checked_routes)}):")
        if owner:
            for template in sorted(checked_routes):
                print("  /" + template)
        print(_summary(walk))
        print(f"{role}: probes holding acme ids compared with unknown ids: {compared}")
    assert not unfillable, f"URL patterns the walk could not fill (teach it): {unfillable}"
    assert not walk.failures, "\n".join(walk.failures)
    assert len(checked_routes) >= MINIMUM_PATTERNS, checked_routes
    assert len(walk.probes) >= (MINIMUM_REQUESTS if owner else MINIMUM_REQUESTS // 6)
    assert compared > 0
    assert acme_state(acme) == before


# --- every operation of the OpenAPI document ------------------------------------------------


def _schema_value(name: str, schema: dict[str, Any], acme: AcmeData, components: dict) -> Any:
    """A plausible value for a body field: acme's ids wherever an id is expected."""
    if "$ref" in schema:
        return _example_body(components[schema["$ref"].rsplit("/", 1)[-1]], acme, components)
    options = schema.get("anyOf", [schema])
    for option in options:
        if option.get("format") == "uuid":
            label = PARAM_MODELS.get(name) or (
                "org.person" if name in {"lead", "manager"} else None
            )
            ids = acme.ids_by_model.get(label or "", []) or acme.all_ids
            return ids[0]
    option = next((o for o in options if o.get("type") != "null"), options[0])
    if option.get("enum"):
        return option["enum"][0]
    kind = option.get("type")
    if kind == "string":
        return "probe@globex.test" if "email" in name else "Leak probe"
    if kind == "integer":
        return max(option.get("minimum", 1), 1)
    if kind == "array":
        return []
    if kind == "boolean":
        return False
    if "$ref" in option:
        return _schema_value(name, option, acme, components)
    return None


def _example_body(schema: dict[str, Any], acme: AcmeData, components: dict) -> dict[str, Any]:
    return {
        name: _schema_value(name, prop, acme, components)
        for name, prop in schema.get("properties", {}).items()
        if name != "version"
    }


def _operation_urls(path: str, operation: dict[str, Any], walk: Walk) -> list[str]:
    params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
    options = []
    for param in params:
        schema = param.get("schema", {})
        if schema.get("enum"):
            options.append([str(value) for value in schema["enum"]])
        elif schema.get("format") == "uuid":
            options.append([*walk.acme.sample_ids(param["name"]), RANDOM_UUID])
        else:
            options.append(walk.candidates(param["name"], "str"))
    urls = []
    for combination in itertools.product(*options):
        url = path
        for param, value in zip(params, combination, strict=True):
            url = url.replace("{" + param["name"] + "}", value)
        urls.append(url)
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_api_operation_leaks_acme_to_globex_or_anonymous(role, acme_world, acme, globex, capsys):
    """No API operation shows or changes acme's data for any globex role (nor anonymously),
    and an acme id in a path answers 404 like a random one (or the role's own refusal)."""
    before = acme_state(acme)
    walk = Walk(acme_world, globex)
    owner = role == "owner"
    # The session and the token resolve to the same membership; the owner walks both.
    clients = _clients(globex, role, ("session", "token") if owner else ("token",))
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    for path, method, operation in operations:
        body_schema = (
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
        body = None
        if body_schema:
            resolved = components[body_schema["$ref"].rsplit("/", 1)[-1]]
            body = json.dumps(_example_body(resolved, walk.acme, components))
        for url in _operation_urls(path, operation, walk):
            for who, client in clients.items():
                response = _send(who, client, globex, method, url, body)
                walk.check(who, method, url, response, sent=body or "")
                if who != "anonymous" and walk.twin(url):
                    twin = walk.twin(url) or ""
                    if (who, method, twin) not in walk.statuses:
                        walk.statuses[(who, method, twin)] = _asker(clients, globex, body)(
                            who, method, twin
                        )
                if who != "anonymous" and method == "get" and response.status_code == 200:
                    # A globex caller reading a list or record gets globex's workspace data.
                    assert acme.workspace.name not in response.content.decode()
                if who == "anonymous":
                    assert response.status_code == 401, f"{method} {url} without credentials"
    compared = walk.foreign_ids_check(_asker(clients, globex))
    with capsys.disabled():
        print(f"\n{role}: API operations checked ({len(operations)}):")
        if owner:
            for path, method, _operation in operations:
                print(f"  {method.upper():6} {path}")
        print(_summary(walk))
        print(f"{role}: probes holding acme ids compared with unknown ids: {compared}")
    assert not walk.failures, "\n".join(walk.failures)
    assert len(operations) >= 20
    assert compared > 0
    assert acme_state(acme) == before
