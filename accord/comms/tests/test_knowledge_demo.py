"""The demo's knowledge: topics for most people in every function, a skill or two picked up
in another function, a library for every active partnership with safe links, and learning
opportunities of every kind with sign-ups (one full, one closed, none overbooked)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accord.comms import knowledge_actions as actions
from accord.comms import knowledge_selectors as selectors
from accord.comms.demo_knowledge import MEMBER_LOGIN, demo_knowledge_build
from accord.comms.models_knowledge import (
    ExpertiseTopic,
    LearningOpportunity,
    LearningSignup,
    Resource,
)
from accord.org.models import Function, PersonSkill
from accord.partnerships.models import Lifecycle, Partnership
from accord.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def brightwater():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    if not LearningOpportunity.objects.filter(workspace=workspace).exists():
        demo_knowledge_build(workspace, today=timezone.localdate())
    return workspace


def test_demo_topics_skills_and_libraries(brightwater):
    """Topics for most people in every function, skills across function lines, and a library
    of safe links for every active partnership."""
    people = ExpertiseTopic.objects.filter(workspace=brightwater).values("person").distinct()
    assert people.count() >= 50
    functions = set(
        ExpertiseTopic.objects.filter(workspace=brightwater).values_list(
            "person__function__name", flat=True
        )
    )
    assert functions == set(
        Function.objects.filter(workspace=brightwater).values_list("name", flat=True)
    )
    member_topics = ExpertiseTopic.objects.filter(workspace=brightwater, person__email=MEMBER_LOGIN)
    assert member_topics.count() == 3

    pricing = PersonSkill.objects.filter(
        workspace=brightwater, skill__name="Pricing analysis"
    ).values_list("person__function__name", flat=True)
    assert {"Finance", "Sales"} <= set(pricing)

    active = Partnership.objects.filter(workspace=brightwater, status=Lifecycle.ACTIVE)
    counts = dict(
        Resource.objects.filter(workspace=brightwater)
        .values_list("partnership__slug")
        .annotate(n=Count("pk"))
    )
    assert active.exists()
    for partnership in active:
        assert counts.get(partnership.slug, 0) >= 2, partnership.slug
    resources = Resource.objects.filter(workspace=brightwater)
    assert set(resources.values_list("kind", flat=True)) == set(Resource.Kind.values)
    for resource in resources.exclude(url=""):
        assert actions.url_check(resource.url) == resource.url
    assert resources.values("created_at__date").distinct().count() > 5


def test_demo_learning_and_the_member_finding_month_end_experts(brightwater):
    """Every kind of opportunity, one full, one closed, none overbooked, learners from other
    functions; the demo member finds Finance people for the month-end close."""
    opportunities = LearningOpportunity.objects.filter(workspace=brightwater).annotate(
        taken=Count("signups")
    )
    assert set(opportunities.values_list("kind", flat=True)) == set(LearningOpportunity.Kind.values)
    statuses = [o.status for o in opportunities]
    assert statuses.count("full") == 1
    assert statuses.count("closed") == 1
    for opportunity in opportunities:
        assert opportunity.taken <= opportunity.capacity
        if opportunity.status == "full":
            assert opportunity.taken == opportunity.capacity
        if opportunity.status == "open":
            assert opportunity.taken < opportunity.capacity
        hosts_function = opportunity.host.function_id
        learners = LearningSignup.objects.filter(opportunity=opportunity)
        assert not learners.filter(person=opportunity.host).exists()
        assert not learners.filter(person__function_id=hosts_function).exists()
    month_end = opportunities.get(title="Shadow the Finance month-end close")
    assert month_end.signups.filter(person__email=MEMBER_LOGIN).exists()

    member = Membership.objects.get(workspace=brightwater, user__email=MEMBER_LOGIN)
    search = selectors.expert_search(
        membership=member, query='"month-end close"', function=selectors.OTHER_FUNCTIONS
    )
    assert len(search.results) >= 3
    assert {r.person.function.name for r in search.results} == {"Finance"}
    assert search.results[0].best >= 4
