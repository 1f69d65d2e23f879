"""Ideas for the tenancy walk: an idea of acme's partnership with a vote and a comment, one
with anonymous voting, and one adopted into a goal, made through the actions."""

from typing import Any

from accord.comms import idea_actions
from accord.comms.models import IdeaVote
from accord.comms.tests.leak_seed_feedback import owner_person

PARAM_MODELS = {"idea": "comms.idea"}


def seed(world: Any) -> None:
    owner = world.owner
    owner_person(world)
    idea = idea_actions.idea_propose(
        membership=owner,
        partnership=world.partnership,
        title="Acme Rocketry: reusable anvils",
        problem="Acme Rocketry: anvils are single use.",
        proposal="Acme Rocketry: add a parachute.",
        expected_impact="Acme Rocketry: half the anvil budget.",
        functions=[world.function],
    )
    IdeaVote.objects.create(workspace=world.acme.workspace, idea=idea, person=world.person)
    idea_actions.idea_comment_add(
        membership=owner, idea=idea, body="Acme Rocketry: the parachute needs testing."
    )
    secret = idea_actions.idea_propose(
        membership=owner,
        partnership=world.partnership,
        title="Acme Rocketry: rocket skates",
        problem="Acme Rocketry: too slow.",
        proposal="Acme Rocketry: skates.",
        anonymous_voting=True,
    )
    IdeaVote.objects.create(workspace=world.acme.workspace, idea=secret, person=world.person)
    adopted = idea_actions.idea_propose(
        membership=owner,
        partnership=world.partnership,
        title="Acme Rocketry: launch checklist",
        problem="Acme Rocketry: steps get skipped.",
        proposal="Acme Rocketry: a checklist.",
    )
    idea_actions.idea_stage_move(
        membership=owner,
        idea=adopted,
        stage="adopted",
        outcome="Acme Rocketry: no skipped steps since.",
        new_goal={"title": "Acme Rocketry: checklist everywhere", "owner": world.person},
    )
