"""Notification rows in acme for the tenancy leak walk (tests/test_tenancy_leaks.py): an
inbox row of acme's owner, preferences, a webhook and a queued delivery."""

from typing import Any

from accord.notifications import actions
from accord.notifications.models import Event
from accord.notifications.service import notify, publish
from accord.org.models import Person

PARAM_MODELS = {
    "notification": "notifications.notification",
    "webhook": "notifications.webhookendpoint",
    "delivery": "notifications.delivery",
}


def seed(world: Any) -> None:
    owner = world.owner
    # Another area's seed may have made the owner's directory entry already.
    me, _made = Person.objects.get_or_create(
        workspace=world.acme.workspace,
        email=owner.user.email,
        defaults={"name": "Acme Rocketry Owner", "user": owner.user, "function": world.function},
    )
    if me.user_id is None:
        Person.objects.filter(pk=me.pk).update(user=owner.user)
        me.user = owner.user
    notify(
        workspace=world.acme.workspace,
        event=Event.DECISION_INPUT,
        recipients=[me, world.person],
        key="leak-seed",
        subject="Acme Rocketry: your input is asked on the launch site",
        body="Acme Rocketry needs a site.",
        url=f"/w/{world.acme.workspace.slug}/decisions/{world.decision.uuid}/",
        about=world.decision,
    )
    actions.preferences_save(
        membership=owner,
        choices={Event.KUDOS: {"in_app": True, "email": True, "digest": False}},
        digest="daily",
        email_paused=False,
    )
    actions.webhook_create(
        membership=owner,
        name="Acme Rocketry ops",
        kind="generic",
        url="https://acme-rocketry.example.com/hooks/accord",
        partnership=world.partnership,
    )
    publish(
        workspace=world.acme.workspace,
        event=Event.DECISION_DECIDED,
        key="leak-seed",
        subject="Acme Rocketry: decided to launch from the mesa",
        partnership=world.partnership,
    )
