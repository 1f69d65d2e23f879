"""The demo's feedback, kudos and ideas: feedback across functions (private and shared,
replied, acted on) with the member login among its receivers, kudos tagged with the values
and mostly crossing functions, and ideas in every stage (one adopted into a goal)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from accord.comms import feedback_selectors, idea_selectors, kudos_selectors
from accord.comms.models import Feedback, Idea, IdeaComment, IdeaVote, Kudos, Value
from accord.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db

MEMBER_LOGIN = "member@brightwater.example"


@pytest.fixture
def brightwater() -> Workspace:
    call_command("demo", stdout=StringIO())
    return Workspace.objects.get(slug="brightwater")


def test_demo_feedback_spans_functions_privacy_replies_and_the_member_login(brightwater):
    feedback = Feedback.objects.filter(workspace=brightwater)
    assert feedback.count() >= 12
    assert feedback.filter(visibility="shared").count() >= 4
    assert feedback.filter(visibility="private").count() >= 4
    assert feedback.exclude(reply="").count() >= 6
    assert feedback.filter(acted_on_at__isnull=False).count() >= 4
    assert feedback.filter(to_function__isnull=False).exists()
    assert feedback.filter(to_partnership__isnull=False).exists()
    assert len({row.created_at.date() for row in feedback}) >= 10  # spread over weeks
    member = Membership.objects.get(workspace=brightwater, user__email=MEMBER_LOGIN)
    balance = feedback_selectors.feedback_balance(membership=member)
    assert balance.received >= 3
    assert balance.given >= 2
    assert len({row.function for row in balance.by_function}) >= 3


def test_demo_kudos_carry_values_and_cross_functions(brightwater):
    assert set(Value.objects.filter(workspace=brightwater).values_list("name", flat=True)) == {
        "Customer first",
        "Own the outcome",
        "Say it straight",
        "Better together",
    }
    kudos = Kudos.objects.filter(workspace=brightwater)
    assert kudos.count() >= 12
    assert not kudos.filter(value__isnull=True).exists()
    assert kudos.filter(receiver__user__email=MEMBER_LOGIN).count() >= 3
    owner = Membership.objects.get(workspace=brightwater, user__email="admin@brightwater.example")
    matrix = kudos_selectors.kudos_matrix(membership=owner)
    assert matrix.cross_share is not None
    assert matrix.cross_share > 0.6


def test_demo_ideas_are_in_every_stage_with_votes_comments_and_a_goal(brightwater):
    ideas = Idea.objects.filter(workspace=brightwater)
    assert set(ideas.values_list("stage", flat=True)) == set(Idea.Stage.values)
    adopted = ideas.get(stage="adopted")
    assert adopted.goal is not None
    assert adopted.goal.partnership == adopted.partnership
    assert all(idea.experiment for idea in ideas.filter(stage="experiment"))
    assert all(idea.outcome for idea in ideas.filter(stage__in=["adopted", "parked"]))
    assert ideas.filter(anonymous_voting=True).count() >= 2
    assert IdeaVote.objects.filter(workspace=brightwater).count() >= 15
    assert IdeaComment.objects.filter(workspace=brightwater).count() >= 5
    assert not IdeaVote.objects.filter(workspace=brightwater, person=F("idea__author")).exists()
    origins = idea_selectors.idea_origins(ideas=ideas)
    assert origins.crossing >= 6
    assert len([row for row in origins.by_seniority if row.ideas]) >= 3
