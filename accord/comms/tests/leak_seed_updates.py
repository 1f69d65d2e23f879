"""Status updates for the tenancy walk: one update of acme's partnership with an open and an
answered ask, a comment with a reply, and an acknowledgement, all made through the actions."""

from typing import Any

from accord.comms import update_actions as actions
from accord.comms.models_updates import Acknowledgement
from accord.org.models import Person

PARAM_MODELS = {
    "status_update": "comms.statusupdate",
    "update": "comms.statusupdate",
    "ask": "comms.ask",
    "update_comment": "comms.updatecomment",
}


def seed(world: Any) -> None:
    owner = world.owner
    # The owner posts as a person of the directory (admins may post to any partnership).
    Person.objects.get_or_create(
        workspace=world.acme.workspace,
        email=owner.user.email,
        defaults={"name": "Acme Rocketry Owner", "user": owner.user},
    )
    update = actions.update_create(
        membership=owner,
        partnership=world.partnership,
        rag="amber",
        progress="Acme Rocketry: launch pad poured.",
        next_steps="Acme Rocketry: fuel tests.",
        blockers="Acme Rocketry: anvil shortage.",
        goals=[world.goal],
        asks=[
            actions.AskDraft(text="Acme Rocketry: approve the fuel budget", to_person=world.person),
            actions.AskDraft(text="Acme Rocketry: who signs off?", to_function=world.function),
        ],
    )
    comment = actions.update_comment_add(
        membership=owner, update=update, body="Acme Rocketry: @Wile Coyote any news?"
    )
    actions.update_comment_add(
        membership=owner, update=update, body="Acme Rocketry: following up.", parent=comment
    )
    Acknowledgement.objects.create(
        workspace=world.acme.workspace, update=update, person=world.person
    )
    ask = update.asks.get(to_function=world.function)
    ask.answer = "Acme Rocketry: the chief engineer."
    ask.answered_by = world.person
    ask.answered_at = ask.created_at
    ask.save()
