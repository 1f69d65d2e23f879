"""Feedback, kudos and values for the tenancy walk: private and shared feedback to a person,
a function and a partnership (one replied and acted on), a value and kudos tagged with it,
all made through the actions."""

from typing import Any

from accord.comms import feedback_actions, kudos_actions
from accord.org.models import Person

PARAM_MODELS = {
    "feedback": "comms.feedback",
    "kudos": "comms.kudos",
    "value": "comms.value",
}


def owner_person(world: Any) -> Person:
    """The acme owner as a person of the directory (feedback and kudos carry a name)."""
    owner = world.owner
    person, _ = Person.objects.get_or_create(
        workspace=world.acme.workspace,
        email=owner.user.email,
        defaults={"name": "Acme Rocketry Owner", "user": owner.user},
    )
    return person


def seed(world: Any) -> None:
    owner = world.owner
    me = owner_person(world)
    feedback_actions.feedback_give(
        membership=owner,
        to_person=world.person,
        situation="Acme Rocketry: the launch review",
        behaviour="Acme Rocketry: you tested the anvil twice",
        impact="Acme Rocketry: nobody was hurt",
        request="Acme Rocketry: keep testing",
    )
    feedback_actions.feedback_give(
        membership=owner,
        to_function=world.function,
        situation="Acme Rocketry: the fuel order",
        behaviour="Acme Rocketry: the order went out late",
        impact="Acme Rocketry: the launch slipped a week",
        visibility="shared",
    )
    world.function.lead = me
    world.function.save(update_fields=["lead"])
    answered = feedback_actions.feedback_give(
        membership=owner,
        to_partnership=world.partnership,
        situation="Acme Rocketry: the mesa decision",
        behaviour="Acme Rocketry: the partnership decided in one meeting",
        impact="Acme Rocketry: we saved a month",
    )
    world.partnership.sponsor = me
    world.partnership.save(update_fields=["sponsor"])
    feedback_actions.feedback_reply(
        membership=owner, feedback=answered, reply="Acme Rocketry: thank you."
    )
    feedback_actions.feedback_acted_on_set(membership=owner, feedback=answered, acted_on=True)
    value = kudos_actions.value_create(
        membership=owner, name="Acme Rocketry spirit", description="Acme Rocketry: try again."
    )
    kudos_actions.kudos_give(
        membership=owner,
        receiver=world.person,
        message="Acme Rocketry: the anvil landed on target.",
        partnership=world.partnership,
        value=value,
    )
