"""Communication plans and function profiles for the tenancy walk: a channel, a cadence, a
contact, a profile with a priority — all marked "Acme Rocketry", all made through the
actions."""

import datetime
from typing import Any

from accord.comms import plan_actions, profile_actions

PARAM_MODELS = {
    "comm_channel": "comms.commchannel",
    "cadence": "comms.cadence",
    "contact": "comms.contactentry",
    "priority": "comms.functionpriority",
}


def seed(world: Any) -> None:
    owner = world.owner
    channel = plan_actions.comm_channel_create(
        membership=owner,
        partnership=world.partnership,
        kind="chat",
        name="#acme-rocketry",
        url="https://chat.acme.test/acme-rocketry",
        purpose="Acme Rocketry launch chatter",
    )
    plan_actions.cadence_create(
        membership=owner,
        partnership=world.partnership,
        kind="weekly_update",
        name="Acme Rocketry weekly update",
        starts_on=datetime.date(2026, 9, 4),
        owner=world.person,
        channel=channel,
        today=datetime.date(2026, 10, 2),
    )
    plan_actions.contact_create(
        membership=owner,
        partnership=world.partnership,
        function=world.function,
        topic="Acme Rocketry fuel orders",
        person=world.person,
        contact="#acme-rocketry-help",
    )
    profile = profile_actions.profile_save(
        membership=owner,
        function=world.function,
        mission="Acme Rocketry: reach orbit",
        owned_kpis=["order_lead_time"],
        planning_cycle="sprints",
        preferred_channels=["chat"],
        response_time_hours=4,
        how_to_ask="Acme Rocketry hotline",
    )
    profile_actions.priority_add(
        membership=owner, profile=profile, title="Acme Rocketry launch on time"
    )
