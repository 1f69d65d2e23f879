"""Surveys for the tenancy walk: the built-in instruments and a custom one (edited into a
second version), an open cycle of acme's partnership with its invitations and one anonymous
response, a closed cycle and a draft — all made through the actions."""

import datetime
from typing import Any

from django.utils import timezone

from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_close, cycle_create, cycle_open
from accord.surveys.instrument_actions import builtins_ensure, instrument_create, instrument_edit
from accord.surveys.instruments import ItemSpec
from accord.surveys.models import Instrument, Invitation, ItemKind
from accord.surveys.respond_actions import AnswerInput, response_submit

PARAM_MODELS = {
    "cycle": "surveys.cycle",
    "instrument": "surveys.instrument",
}


def seed(world: Any) -> None:
    owner = world.owner
    workspace = world.acme.workspace
    builtins_ensure(workspace=workspace)
    custom = instrument_create(
        membership=owner,
        name="Acme Rocketry pulse",
        description="Acme Rocketry: how launches feel.",
        items=[
            ItemSpec(key="ready", kind=ItemKind.LIKERT, text="Acme Rocketry is launch-ready."),
            ItemSpec(key="note", kind=ItemKind.TEXT, text="Acme Rocketry: anything else?"),
        ],
    )
    instrument_edit(
        membership=owner,
        instrument=custom,
        items=[ItemSpec(key="ready", kind=ItemKind.LIKERT, text="Acme Rocketry feels ready.")],
        note="Acme Rocketry: shorter",
    )
    coordination = Instrument.objects.get(workspace=workspace, key=builtin.COORDINATION_KEY)
    now = timezone.now()
    running = cycle_create(
        membership=owner,
        instrument=coordination,
        title="Acme Rocketry coordination pulse",
        partnership=world.partnership,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=7),
        min_group=3,
        min_comments=3,
    )
    cycle_open(cycle=running, membership=owner)
    invitation = Invitation.objects.select_related("cycle", "person").get(
        cycle=running, person=world.person
    )
    other = next(f for f in world.partnership.functions.all() if f.pk != world.function.pk)
    response_submit(
        invitation=invitation,
        answers=[AnswerInput(item="mutual_respect", target=str(other.uuid), position=4)],
    )
    finished = cycle_create(
        membership=owner,
        instrument=custom,
        title="Acme Rocketry pulse, last quarter",
        partnership=world.partnership,
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=1),
    )
    cycle_open(cycle=finished, membership=owner)
    cycle_close(cycle=finished, membership=owner)
    cycle_create(
        membership=owner,
        instrument=custom,
        title="Acme Rocketry pulse, next quarter",
        partnership=None,
        functions=[world.function],
        opens_at=now + datetime.timedelta(days=30),
        closes_at=now + datetime.timedelta(days=44),
        recur_weeks=12,
    )
