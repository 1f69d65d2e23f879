"""An admin who tries every breakdown, filter, cycle and export cannot single out a group
smaller than k.

The seed: a partnership surveyed twice with the psychological-safety instrument (k = 5).
Respondents, by function and seniority band (cycle 1; cycle 2 adds one sales contributor):

    Sales    6 contributors, 2 leaders
    Finance  5 contributors, 1 manager
    Legal    3 contributors              (a function under k)

So Legal, the managers, the leaders, Sales' leaders and Finance's manager are each fewer than
k; "everyone minus Sales minus Finance" is Legal; the two cycles differ by one person.
Legal answers 1, 1 and 2 on every statement (an item mean of 1.333 that no group of at least
k people can have); everyone else answers 4 to 6.

The attacker is the workspace admin. They read:
- the cycle results API for every breakdown (everyone, each function, each band, each
  function × band, and unknown ones) of both cycles, and both exports (JSON and CSV);
- the partnership summary and workspace roll-up (API and pages), the results pages for every
  breakdown and their CSV exports, and every page and read operation of insights (health,
  voice, portfolio, playbook, reviews, reports) that could carry survey numbers.

Every aggregate found (group, measure, n, value, change) is checked:
1. a shown value or n belongs to a group of at least k respondents;
2. no linear combination of the groups shown for a cycle isolates a set of fewer than k
   respondents (the attacker's subtraction over filters and hierarchy: checked by whether the
   small set lies in the span of the shown groups' memberships, independently of the
   product's own solver);
3. no change between the cycles is shown for a group whose size moved by 1 … k−1 (time);
4. Legal's true item mean (1.333, or 6.667 reverse-scored) appears nowhere, in any body.
"""

import csv
import datetime
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone

from accord.api.testing import token_client
from accord.org.models import Function, Person, Seniority
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_close, cycle_create, cycle_open
from accord.surveys.instrument_actions import builtins_ensure
from accord.surveys.models import Cycle, Instrument, Invitation
from accord.surveys.respond_actions import AnswerInput, response_submit
from tests.test_tenancy_leaks import Route, _body, _resolves_to, discover_routes

K = 5
BANDS = ("contributor", "manager", "leader")
# (function, seniority, answer) per respondent of cycle 1; cycle 2 adds one sales contributor.
RESPONDENTS = (
    [("Sales", Seniority.IC, 4 + i % 2) for i in range(6)]
    + [("Sales", Seniority.DIRECTOR, 6), ("Sales", Seniority.EXECUTIVE, 5)]
    + [("Finance", Seniority.IC, 5 - i % 2) for i in range(5)]
    + [("Finance", Seniority.MANAGER, 6)]
    + [("Legal", Seniority.IC, answer) for answer in (1, 1, 2)]
)
JOINER = ("Sales", Seniority.SENIOR_IC, 5)
LEGAL_MEANS = ("1.33", "6.67")  # Legal's item mean, as written and reverse-scored
LEGAL_NUMBER = re.compile(r"(?<![\d.])(?:1\.33|6\.67)\d*(?![\d])")
INSIGHT_PREFIXES = (
    "w/<slug:ws>/surveys/results/",
    "w/<slug:ws>/insights/",
    "w/<slug:ws>/playbook/",
    "w/<slug:ws>/reviews/",
    "w/<slug:ws>/reports/",
    "w/<slug:ws>/partnerships/<slug:partnership>/",
)
INSIGHT_API_PREFIXES = (
    "/api/v1/survey-results",
    "/api/v1/health",
    "/api/v1/equity",
    "/api/v1/voice",
    "/api/v1/portfolio",
    "/api/v1/playbook",
    "/api/v1/reviews",
    "/api/v1/reports",
    "/api/v1/partnerships/{slug}",
)


def _band(seniority: int) -> str:
    return builtin.band_for(seniority)


@dataclass
class Survey:
    partnership: Any
    cycles: list[Cycle]
    functions: dict[str, str]  # name -> uuid
    sizes: list[dict[str, int]]  # per cycle: atom "function|band" -> respondents


@pytest.fixture
def survey(acme: Any) -> Survey:
    """Two closed cycles of one partnership, answered through the real actions."""
    workspace = acme.workspace
    owner = acme.membership("owner")
    builtins_ensure(workspace=workspace)
    legal = Function.objects.create(workspace=workspace, name="Legal")
    functions = {"Sales": acme.sales, "Finance": acme.finance, "Legal": legal}
    partnership = partnership_create(
        workspace=workspace,
        actor=acme.owner,
        name="Quarterly close",
        functions=list(functions.values()),
    )
    answers: dict[int, int] = {}

    def join(index: int, spec: tuple[str, int, int]) -> None:
        name, seniority, answer = spec
        person = Person.objects.create(
            workspace=workspace,
            name=f"Respondent {index}",
            email=f"respondent-{index}@acme.test",
            function=functions[name],
            seniority=seniority,
        )
        partnership_member_add(
            partnership=partnership, actor=acme.owner, person=person, function=functions[name]
        )
        answers[person.pk] = answer

    for index, spec in enumerate(RESPONDENTS):
        join(index, spec)
    instrument = Instrument.objects.get(workspace=workspace, key=builtin.PSYCH_SAFETY_KEY)
    now = timezone.now()
    cycles, sizes = [], []
    for number in (1, 2):
        if number == 2:
            join(len(RESPONDENTS), JOINER)
        cycle = cycle_create(
            membership=owner,
            instrument=instrument,
            title=f"Safety check {number}",
            partnership=partnership,
            opens_at=now - datetime.timedelta(days=30 - number * 10),
            closes_at=now + datetime.timedelta(days=7),
            min_group=K,
        )
        cycle_open(cycle=cycle, membership=owner)
        counts: dict[str, int] = {}
        invitations = Invitation.objects.filter(cycle=cycle).select_related(
            "cycle", "cycle__version", "cycle__partnership", "person", "person__function"
        )
        for invitation in invitations:
            answer = answers[invitation.person_id]
            response_submit(
                invitation=invitation,
                answers=[
                    AnswerInput(item=spec.key, position=answer)
                    for spec in builtin.PSYCH_SAFETY.items
                    if spec.kind != "text"
                ],
            )
            atom = f"{invitation.person.function.uuid}|{_band(invitation.person.seniority)}"
            counts[atom] = counts.get(atom, 0) + 1
        cycle_close(cycle=cycle, membership=owner)
        cycles.append(cycle)
        sizes.append(counts)
    assert sum(sizes[0].values()) == len(RESPONDENTS)
    assert sum(sizes[1].values()) == len(RESPONDENTS) + 1
    return Survey(
        partnership=partnership,
        cycles=cycles,
        functions={name: str(f.uuid) for name, f in functions.items()},
        sizes=sizes,
    )


# --- what the attacker collects ---------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One aggregate the admin saw: where, for which group, which measure, its n and value."""

    source: str
    cycle: str
    group: str
    measure: str
    n: int | None
    value: float | None
    change: bool = False  # a change since the previous cycle was shown


@dataclass
class Loot:
    numbers: list[Shown] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)


def _groups(survey: Survey) -> list[dict[str, str]]:
    """Every breakdown a viewer can ask for, and some they cannot (unknown ones)."""
    functions = [*survey.functions.values(), "5e0c7a0e-9d4b-4c1e-8f0a-000000000000"]
    found: list[dict[str, str]] = [{}]
    found += [{"function": f} for f in functions]
    found += [{"band": b} for b in [*BANDS, "none"]]
    found += [{"function": f, "band": b} for f, b in itertools.product(functions, BANDS)]
    return found


def _group_key(params: dict[str, str]) -> str:
    parts = []
    if params.get("function"):
        parts.append(f"function={params['function']}")
    if params.get("band") in BANDS:
        parts.append(f"band={params['band']}")
    return "&".join(parts) or "all"


def _walk_json(node: Any, source: str, cycle: str, group: str, loot: Loot) -> None:
    """Every object with an n and a value (figures, items, reliability, trend points, export
    rows) becomes a Shown; an export row or a trend point names its own group or cycle."""
    if isinstance(node, list):
        for child in node:
            _walk_json(child, source, cycle, group, loot)
        return
    if not isinstance(node, dict):
        return
    here_cycle = str(node["cycle"]) if isinstance(node.get("cycle"), str) else cycle
    here_group = node["group"] if isinstance(node.get("group"), str) else group
    value = node.get("value", node.get("mean"))
    if "n" in node and ("value" in node or "mean" in node):
        shown = node.get("shown", node.get("status", "shown") == "shown")
        if shown and (value is not None or node.get("n") is not None):
            measure = str(node.get("key") or node.get("measure") or node.get("label") or "")
            change = node.get("change")
            loot.numbers.append(
                Shown(
                    source=source,
                    cycle=here_cycle,
                    group=here_group,
                    measure=measure,
                    n=node.get("n"),
                    value=value,
                    change=bool(isinstance(change, dict) and change.get("shown")),
                )
            )
    for key, child in node.items():
        if key != "cycle":
            _walk_json(child, source, here_cycle, here_group, loot)


def _read_csv(text: str, source: str, cycle: str, loot: Loot) -> None:
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        if row.get("status", "shown") != "shown":
            continue
        value = row.get("value") or None
        n = row.get("n") or None
        if value is None and n is None:
            continue
        loot.numbers.append(
            Shown(
                source=source,
                cycle=row.get("cycle") or cycle,
                group=row.get("group") or "all",
                measure=row.get("measure", ""),
                n=int(n) if n else None,
                value=float(value) if value else None,
                change=bool(row.get("change")),
            )
        )


def _insight_routes() -> list[Route]:
    return [r for r in discover_routes() if r.template.startswith(INSIGHT_PREFIXES)]


def _fill(route: Route, survey: Survey) -> str | None:
    values = {"ws": "acme", "partnership": survey.partnership.slug, "slug": survey.partnership.slug}
    for name, _converter in route.params():
        if name == "cycle":
            values[name] = str(survey.cycles[-1].uuid)
        elif name not in values:
            return None  # a record of another kind (a review, a report): not survey numbers
    url = route.fill(values)
    return url if url and _resolves_to(url, route) else None


def loot_collect(survey: Survey, session: Client, token: Client) -> Loot:
    loot = Loot()
    slug = survey.partnership.slug
    for cycle in survey.cycles:
        uuid = str(cycle.uuid)
        for params in _groups(survey):
            group = _group_key(params)
            api_url = f"/api/v1/survey-results/cycles/{uuid}"
            response = token.get(api_url, params)
            if params.get("band", "contributor") not in BANDS:
                assert response.status_code == 422, (api_url, params)  # no such band
            else:
                assert response.status_code == 200, (api_url, params, response.status_code)
                loot.bodies[f"{api_url}?{params}"] = response.content.decode()
                _walk_json(response.json(), "api", uuid, group, loot)
            page = f"/w/acme/surveys/results/cycles/{uuid}/"
            response = session.get(page, params)
            assert response.status_code == 200, (page, params, response.status_code)
            loot.bodies[f"{page}?{params}"] = _body(response)
            # htmx asks for the same page's partial when the breakdown changes.
            partial = session.get(page, params, headers={"HX-Request": "true"})
            loot.bodies[f"{page}?{params} (htmx)"] = _body(partial)
        export = token.get(f"/api/v1/survey-results/cycles/{uuid}/export")
        _walk_json(export.json(), "api export", uuid, "all", loot)
        loot.bodies[f"api export {uuid}"] = export.content.decode()
        export_csv = token.get(f"/api/v1/survey-results/cycles/{uuid}/export", {"format": "csv"})
        _read_csv(_body(export_csv), "api export csv", uuid, loot)
        loot.bodies[f"api export csv {uuid}"] = _body(export_csv)
        page_csv = session.get(f"/w/acme/surveys/results/cycles/{uuid}/export.csv")
        assert page_csv.status_code == 200
        _read_csv(_body(page_csv), "page export csv", uuid, loot)
        loot.bodies[f"page export csv {uuid}"] = _body(page_csv)
    latest = str(survey.cycles[-1].uuid)
    for url in (
        "/api/v1/survey-results",
        f"/api/v1/survey-results/partnerships/{slug}",
        "/api/v1/survey-results/export",
    ):
        response = token.get(url)
        assert response.status_code == 200, url
        _walk_json(response.json(), url, latest, "all", loot)
        loot.bodies[url] = response.content.decode()
    rollup_csv = session.get("/w/acme/surveys/results/export.csv")
    _read_csv(_body(rollup_csv), "rollup csv", latest, loot)
    loot.bodies["rollup csv"] = _body(rollup_csv)
    for route in _insight_routes():
        url = _fill(route, survey)
        if url:
            loot.bodies[url] = _body(session.get(url))
    schema = Client().get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        if "get" not in methods or not path.startswith(INSIGHT_API_PREFIXES):
            continue
        url = path.replace("{slug}", slug).replace("{cycle}", latest)
        if "{" in url:
            continue
        response = token.get(url)
        loot.bodies[url] = response.content.decode()
        if response.status_code == 200 and "json" in response.get("Content-Type", ""):
            _walk_json(response.json(), url, latest, "all", loot)
    return loot


# --- the attacks ------------------------------------------------------------------------------


def _atoms(group: str, sizes: dict[str, int]) -> set[str]:
    """The atoms (function|band) of a group key; every atom of the cycle for "all"."""
    parts = dict(part.split("=", 1) for part in group.split("&") if "=" in part)
    return {
        atom
        for atom in sizes
        if atom.split("|")[0] == parts.get("function", atom.split("|")[0])
        and atom.split("|")[1] == parts.get("band", atom.split("|")[1])
    }


def _people(atoms: set[str], sizes: dict[str, int]) -> int:
    return sum(sizes[a] for a in atoms)


def small_sets_in_span(groups: set[str], sizes: dict[str, int]) -> list[set[str]]:
    """Sets of fewer than K respondents that some linear combination of the shown groups
    isolates: the set's membership vector lies in the span of the groups' vectors."""
    atoms = sorted(a for a, n in sizes.items() if n)
    rows = [[1.0 if a in _atoms(g, sizes) else 0.0 for a in atoms] for g in sorted(groups)]
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for size in range(1, len(atoms) + 1):
        for chosen in itertools.combinations(atoms, size):
            if not 0 < _people(set(chosen), sizes) < K:
                continue
            target = np.array([[1.0 if a in chosen else 0.0 for a in atoms]])
            if np.linalg.matrix_rank(np.vstack([matrix, target])) == rank:
                found.append(set(chosen))
    return found


def test_admin_cannot_single_out_a_group_smaller_than_k(survey, acme, capsys):
    """Across every breakdown, both cycles, pages, the API and the exports, nothing an admin
    sees (alone or subtracted from another number) describes fewer than k respondents."""
    session = Client(raise_request_exception=False)
    session.force_login(acme.admin, backend="django.contrib.auth.backends.ModelBackend")
    token = token_client(acme, "admin", raise_request_exception=False)
    loot = loot_collect(survey, session, token)
    cycles = {str(c.uuid): i for i, c in enumerate(survey.cycles)}
    failures = []
    shown_groups: dict[str, set[str]] = {uuid: set() for uuid in cycles}
    for number in loot.numbers:
        where = f"{number.source} {number.group} {number.measure} n={number.n} v={number.value}"
        if number.n is not None and number.n < K:
            failures.append(f"{where}: n under k")
        if number.cycle not in cycles:
            continue
        sizes = survey.sizes[cycles[number.cycle]]
        people = _people(_atoms(number.group, sizes), sizes)
        if people < K:
            failures.append(f"{where}: the group has {people} respondents")
        if number.value is not None:
            shown_groups[number.cycle].add(number.group)
            if any(f"{number.value:.2f}" == mean for mean in LEGAL_MEANS):
                failures.append(f"{where}: Legal's own mean")
        if number.change and cycles[number.cycle] > 0:
            before = survey.sizes[cycles[number.cycle] - 1]
            moved = abs(people - _people(_atoms(number.group, before), before))
            if 0 < moved < K:
                failures.append(f"{where}: a change over {moved} joiner(s) is shown")
    for uuid, groups in shown_groups.items():
        sizes = survey.sizes[cycles[uuid]]
        for found in small_sets_in_span(groups, sizes):
            failures.append(
                f"cycle {cycles[uuid] + 1}: the groups shown ({sorted(groups)}) combine to "
                f"{_people(found, sizes)} respondents ({sorted(found)})"
            )
    for where, body in loot.bodies.items():
        if LEGAL_NUMBER.search(body):
            failures.append(f"{where}: shows Legal's mean ({LEGAL_NUMBER.search(body)[0]})")
    with capsys.disabled():
        print(
            f"\nanonymity attack: {len(loot.bodies)} responses read, {len(loot.numbers)} "
            f"aggregates collected; groups with values per cycle: "
            f"{[len(g) for g in shown_groups.values()]}"
        )
    assert not failures, "\n".join(sorted(set(failures))[:60])
    # The attack saw real numbers: everyone's results, both cycles, pages and exports.
    assert {n.group for n in loot.numbers} >= {"all"}
    assert all(shown_groups.values())
    assert len(loot.bodies) >= 60


def test_the_attack_finds_a_leak_when_there_is_one(survey):
    """The span check is not vacuous: showing every function of cycle 1 next to everyone
    isolates Legal once a function is hidden, and showing the bands isolates the leaders."""
    sizes = survey.sizes[0]
    sales, finance = survey.functions["Sales"], survey.functions["Finance"]
    leaked = small_sets_in_span({"all", f"function={sales}", f"function={finance}"}, sizes)
    assert any(_people(found, sizes) == 3 for found in leaked)
    leaked = small_sets_in_span({"all", "band=contributor", "band=manager"}, sizes)
    assert any(_people(found, sizes) == 2 for found in leaked)
    assert small_sets_in_span({"all", f"function={sales}"}, sizes) == []


def test_seeded_answers_make_legal_recognisable(survey):
    """Legal's answers (1, 1, 2) give a mean that only Legal can have, so a leak would show."""
    legal = [answer for name, _s, answer in RESPONDENTS if name == "Legal"]
    assert f"{sum(legal) / len(legal):.2f}" == LEGAL_MEANS[0]
    others = [answer for name, _s, answer in RESPONDENTS if name != "Legal"]
    assert min(others) >= 4
    assert json.dumps(survey.functions)  # the functions the attack breaks down by
