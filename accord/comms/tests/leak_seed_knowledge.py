"""Knowledge for the tenancy walk: "ask me about" topics, a resource in the partnership's
library, a learning opportunity tied to the partnership and a sign-up, all made through the
actions."""

from typing import Any

from accord.comms import knowledge_actions
from accord.org.models import Person

PARAM_MODELS = {
    "resource": "comms.resource",
    "opportunity": "comms.learningopportunity",
    "learning_signup": "comms.learningsignup",
    "expertise_topic": "comms.expertisetopic",
}


def seed(world: Any) -> None:
    owner = world.owner
    me, _ = Person.objects.get_or_create(
        workspace=world.acme.workspace,
        email=owner.user.email,
        defaults={"name": "Acme Rocketry Owner", "user": owner.user},
    )
    knowledge_actions.expertise_set(
        membership=owner,
        person=world.person,
        topics=["Acme Rocketry anvil drops", "Acme Rocketry fuel mixes"],
    )
    knowledge_actions.resource_create(
        membership=owner,
        partnership=world.partnership,
        kind="playbook",
        title="Acme Rocketry launch checklist",
        url="https://wiki.acme-rocketry.example/launch",
        note="Acme Rocketry: check the anvil twice.",
        tags=["acme-rocketry", "launch"],
    )
    opportunity = knowledge_actions.learning_create(
        membership=owner,
        kind="shadowing",
        title="Acme Rocketry: shadow a launch",
        description="Acme Rocketry launch day, from fuelling to lift-off.",
        host=world.person,
        function=world.function,
        partnership=world.partnership,
        capacity=3,
    )
    if me.pk != world.person.pk:
        knowledge_actions.learning_signup(
            membership=owner, opportunity=opportunity, note="Acme Rocketry fan"
        )
