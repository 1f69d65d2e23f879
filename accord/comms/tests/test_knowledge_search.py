"""The expert finder and the skills directory: term parsing, partial case-insensitive matches
on skills and topics, ranking, function and proficiency filters, "every function but mine",
per-function counts and proficiency spread, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.comms import knowledge_actions as actions
from accord.comms import knowledge_selectors as selectors
from accord.comms.tests.test_knowledge_actions import person_for
from accord.org.actions import person_skills_set
from accord.org.models import Function, Person

pytestmark = pytest.mark.django_db


def skills(person, **levels):
    person_skills_set(
        person=person,
        actor=None,
        skills={name.replace("_", " "): level for name, level in levels.items()},
    )


def topics(tenant, person, *texts):
    actions.expertise_set(membership=tenant.membership("admin"), person=person, topics=texts)


def names(search):
    return [r.person.name for r in search.results]


def find(tenant, query, role="member", **options):
    return selectors.expert_search(membership=tenant.membership(role), query=query, **options)


def test_terms_split_on_commas_and_spaces_keep_quoted_phrases_and_drop_filler():
    assert selectors.search_terms('pricing, SQL "Month-end  close"') == [
        "pricing",
        "sql",
        "month-end close",
    ]
    assert selectors.search_terms("compensation and benefits") == ["compensation", "benefits"]
    assert selectors.search_terms("and") == ["and"]
    assert selectors.search_terms("   ") == []
    assert len(selectors.search_terms(" ".join(f"t{n}" for n in range(20)))) == 8


def test_partial_case_insensitive_match_on_skills_and_topics(acme):
    skills(acme.alice, Negotiation=5)
    topics(acme, acme.bob, "Negotiating payment terms")
    assert names(find(acme, "NEGOT")) == ["Alice Archer", "Bob Baker"]
    assert names(find(acme, "payment")) == ["Bob Baker"]
    assert names(find(acme, "astrophysics")) == []
    assert find(acme, "").results == []


def test_results_rank_by_proficiency_then_topic_match(acme):
    carol = Person.objects.create(
        workspace=acme.workspace, name="Carol Cole", email="carol@acme.test", function=acme.sales
    )
    dan = Person.objects.create(
        workspace=acme.workspace, name="Dan Dale", email="dan@acme.test", function=acme.finance
    )
    skills(acme.alice, Pricing_analysis=3)
    skills(acme.bob, Pricing_analysis=5)
    skills(carol, Pricing_analysis=3)
    topics(acme, carol, "Pricing for retailers")
    topics(acme, dan, "Pricing committee")
    result = find(acme, "pricing")
    assert names(result) == ["Bob Baker", "Carol Cole", "Alice Archer", "Dan Dale"]
    carol_row = result.results[1]
    assert [(s.name, s.proficiency) for s in carol_row.skills] == [("Pricing analysis", 3)]
    assert carol_row.topics == ["Pricing for retailers"]


def test_people_covering_more_terms_come_first(acme):
    skills(acme.alice, Pricing_analysis=5)
    skills(acme.bob, Pricing_analysis=2, SQL=3)
    result = find(acme, "pricing, sql")
    assert names(result) == ["Bob Baker", "Alice Archer"]
    assert [r.terms_matched for r in result.results] == [2, 1]


def test_minimum_proficiency_keeps_strong_skills_and_drops_topic_only_matches(acme):
    skills(acme.alice, Negotiation=4)
    skills(acme.bob, Negotiation=2)
    carol = Person.objects.create(workspace=acme.workspace, name="Carol", email="c@acme.test")
    topics(acme, carol, "Negotiation with retailers")
    assert names(find(acme, "negotiation", min_proficiency=4)) == ["Alice Archer"]
    assert len(find(acme, "negotiation", min_proficiency=1).results) == 3


def test_every_function_but_mine_excludes_my_function_and_a_function_filter_keeps_one(acme):
    me = person_for(acme, "member", function=acme.sales)
    skills(me, SQL=4)
    skills(acme.alice, SQL=3)  # Sales, like me
    skills(acme.bob, SQL=2)  # Finance
    nobody = Person.objects.create(workspace=acme.workspace, name="Nia None", email="n@acme.test")
    skills(nobody, SQL=1)
    across = find(acme, "sql", function=selectors.OTHER_FUNCTIONS)
    assert names(across) == ["Bob Baker", "Nia None"]
    assert across.my_function == acme.sales
    assert names(find(acme, "sql", function=str(acme.sales.uuid))) == [
        "Member Person",
        "Alice Archer",
    ]


def test_every_function_but_mine_is_every_function_without_a_directory_entry(acme):
    skills(acme.alice, SQL=3)
    assert names(find(acme, "sql", function=selectors.OTHER_FUNCTIONS)) == ["Alice Archer"]


def test_another_workspaces_people_are_never_found(acme, globex):
    skills(globex.alice, SQL=5)
    topics(globex, globex.bob, "SQL tuning")
    assert find(acme, "sql").results == []


def test_expert_search_runs_a_constant_number_of_queries(acme):
    person_for(acme, "member", function=acme.sales)
    skills(acme.alice, SQL=3)
    with CaptureQueriesContext(connection) as few:
        assert len(find(acme, "sql, pricing").results) == 1
    for n in range(25):
        person = Person.objects.create(
            workspace=acme.workspace, name=f"P{n:02d}", email=f"p{n}@acme.test"
        )
        skills(person, SQL=1 + n % 5, Pricing_analysis=2)
        topics(acme, person, f"SQL topic {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(find(acme, "sql, pricing").results) == 26
    assert len(many) == len(few)


def test_skill_directory_counts_holders_per_function_and_the_spread(acme):
    carol = Person.objects.create(
        workspace=acme.workspace, name="Carol", email="c@acme.test", function=acme.sales
    )
    loner = Person.objects.create(workspace=acme.workspace, name="Lone", email="l@acme.test")
    skills(acme.alice, SQL=5, Negotiation=4)
    skills(carol, SQL=2)
    skills(acme.bob, SQL=4)
    skills(loner, SQL=1)
    rows = {row.skill.name: row for row in selectors.skill_directory(workspace=acme.workspace)}
    sql = rows["SQL"]
    assert sql.holders == 4
    assert sql.distribution == [1, 1, 0, 1, 1]
    assert sql.experts == 2
    assert [(c.function.name if c.function else None, c.people) for c in sql.by_function] == [
        ("Sales", 2),
        ("Finance", 1),
        (None, 1),
    ]
    assert [s.skill.name for s in selectors.skill_directory(workspace=acme.workspace)] == [
        "SQL",
        "Negotiation",
    ]
    finance_only = selectors.skill_directory(workspace=acme.workspace, function=acme.finance)
    assert [(s.skill.name, s.holders) for s in finance_only] == [("SQL", 1)]
    assert [
        s.skill.name for s in selectors.skill_directory(workspace=acme.workspace, search="neg")
    ] == ["Negotiation"]


def test_skill_directory_runs_a_constant_number_of_queries(acme):
    skills(acme.alice, SQL=5)
    with CaptureQueriesContext(connection) as few:
        selectors.skill_directory(workspace=acme.workspace)
    for n in range(6):
        function = Function.objects.create(workspace=acme.workspace, name=f"F{n}")
        for m in range(4):
            person = Person.objects.create(
                workspace=acme.workspace,
                name=f"P{n}{m}",
                email=f"p{n}{m}@acme.test",
                function=function,
            )
            skills(person, SQL=1 + m, **{f"Skill_{n}": 3})
    with CaptureQueriesContext(connection) as many:
        rows = selectors.skill_directory(workspace=acme.workspace)
    assert len(rows) == 7
    assert len(many) == len(few)


def test_people_directory_searches_names_skills_and_topics(acme):
    skills(acme.alice, Negotiation=5)
    topics(acme, acme.bob, "Quarter-end accruals")
    found = selectors.people_directory(workspace=acme.workspace, search="accru")
    assert [p.name for p in found] == ["Bob Baker"]
    found = selectors.people_directory(workspace=acme.workspace, search="negot")
    assert [p.name for p in found] == ["Alice Archer"]
    found = selectors.people_directory(workspace=acme.workspace, function=acme.finance)
    assert [p.name for p in found] == ["Bob Baker"]
