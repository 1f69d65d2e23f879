"""The org chart: the manager tree, collapsed below depth 2, filterable, fast at 2,000 people."""

import re
import time

import pytest
from django.urls import reverse

from accord.org import selectors
from accord.org.models import Person
from accord.org.tests.helpers import count_queries, people_add

pytestmark = pytest.mark.django_db


def chart_url(ws="acme"):
    return reverse("org_chart", args=[ws])


def build_tree(workspace, *, managers, reports_each, function=None):
    """A CEO, `managers` managers under them, each with `reports_each` reports."""
    ceo = Person.objects.create(
        workspace=workspace, name="Ceo Top", email=f"ceo@{workspace.slug}.test", function=function
    )
    bosses = people_add(
        workspace, managers, manager=ceo, prefix="boss", skills=False, function=function
    )
    for index, boss in enumerate(bosses):
        people_add(workspace, reports_each, manager=boss, prefix=f"r{index}x", skills=False)
    return ceo


def test_tree_nests_reports_under_managers(acme, login):
    """Each manager's reports are nested under them; the html is well-formed nesting."""
    response = login(acme.viewer).get(chart_url())
    body = response.content.decode()
    assert response.status_code == 200
    alice = body.index("Alice Archer")
    assert body.index("Bob Baker") > alice
    chart = body[body.index('<ul class="tree">') : body.index("</section>", alice)]
    assert chart.count("<ul") == chart.count("</ul>")
    assert chart.count("<li>") == chart.count("</li>")
    assert chart.count("<details") == chart.count("</details>")
    assert "1 direct report" in body


def test_levels_below_two_start_collapsed(acme, login):
    """Big subtrees are folded: the top two levels are open, deeper ones are closed."""
    ceo = build_tree(acme.workspace, managers=2, reports_each=2)
    deep = people_add(
        acme.workspace,
        1,
        manager=Person.objects.get(email="r0x000@acme.test"),
        prefix="deep",
        skills=False,
    )[0]
    lines = selectors.org_chart_lines(selectors.org_tree(workspace=acme.workspace), expand_depth=2)
    by_name = {line.person.name: line for line in lines}
    assert by_name[ceo.name].expanded
    assert by_name["Boss 000"].expanded
    assert not by_name["R0X 000"].expanded
    assert by_name[deep.name].depth == 3
    assert by_name[ceo.name].size == 1 + 2 + 4 + 1
    body = login(acme.viewer).get(chart_url()).content.decode()
    assert body.count("<details open>") == 4  # the CEO, two bosses, and Alice (fixture)
    expanded = login(acme.viewer).get(chart_url(), {"expand": "all"}).content.decode()
    assert "<details>" not in expanded


def test_filter_by_function(acme, login):
    response = login(acme.viewer).get(chart_url(), {"function": str(acme.finance.uuid)})
    names = [line.person.name for line in response.context["lines"]]
    assert names == ["Bob Baker"]


def test_focus_shows_one_team(acme, login):
    build_tree(acme.workspace, managers=2, reports_each=3)
    boss = Person.objects.get(email="boss001@acme.test")
    response = login(acme.viewer).get(chart_url(), {"focus": str(boss.uuid)})
    names = [line.person.name for line in response.context["lines"]]
    assert names[0] == "Boss 001"
    assert len(names) == 4
    assert "Show the whole organization" in response.content.decode()


def test_empty_chart_explains_itself(acme, login):
    Person.objects.filter(workspace=acme.workspace).delete()
    body = login(acme.admin).get(chart_url()).content.decode()
    assert "No reporting lines yet" in body


def test_query_count_does_not_grow(acme, login):
    client = login(acme.viewer)
    build_tree(acme.workspace, managers=2, reports_each=2, function=acme.sales)
    small, _ = count_queries(client, chart_url())
    people_add(
        acme.workspace, 60, manager=acme.alice, function=acme.finance, prefix="more", skills=False
    )
    large, _ = count_queries(client, chart_url())
    assert small == large


def test_two_thousand_people_render_quickly(acme, login):
    """About 2,000 people render in one page of bounded size, with deep levels collapsed.

    (Alone this takes about 0.25 s; the time bound is loose so busy CI machines pass, while
    still catching anything quadratic.)"""
    build_tree(acme.workspace, managers=40, reports_each=50)
    client = login(acme.viewer)
    client.get(chart_url())
    started = time.perf_counter()
    response = client.get(chart_url())
    elapsed = time.perf_counter() - started
    body = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["lines"]) == 2 + 1 + 40 + 40 * 50
    assert elapsed < 10.0, elapsed
    assert len(body) < 2_500_000
    assert len(re.findall(r"<details open>", body)) == 1 + 1 + 40


def test_a_deep_chain_does_not_hit_the_recursion_limit(acme):
    """A 1,500-level chain (possible by import) is walked without recursion."""
    previous = None
    chain = []
    for index in range(1500):
        chain.append(Person(workspace=acme.workspace, name=f"L{index}", email=f"l{index}@a.test"))
    Person.objects.bulk_create(chain)
    for person in chain:
        person.manager = previous
        previous = person
    Person.objects.bulk_update(chain, ["manager"])
    lines = selectors.org_chart_lines(selectors.org_tree(workspace=acme.workspace), expand_depth=2)
    assert max(line.depth for line in lines) == 1499


def test_other_workspace_gets_404(acme, globex, login):
    assert login(globex.admin).get(chart_url("acme")).status_code == 404
    response = login(globex.admin).get(chart_url("globex"), {"focus": str(acme.alice.uuid)})
    assert response.status_code == 200
    assert not response.context["lines"]
