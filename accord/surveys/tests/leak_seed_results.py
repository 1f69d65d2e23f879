"""Survey results for the tenancy walk: a partnership of its own with enough people that a
closed coordination cycle and a closed psychological-safety cycle have results to show
(function names, values, comments) — all through the actions, with "Acme Rocketry" in every
text field, so that a leak of acme's results would be seen."""

import datetime
from typing import Any

from django.utils import timezone

from accord.org.models import Function, Person
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_close, cycle_create, cycle_open
from accord.surveys.instrument_actions import builtins_ensure
from accord.surveys.models import Instrument, Invitation
from accord.surveys.respond_actions import AnswerInput, response_submit

PARAM_MODELS = {"cycle": "surveys.cycle"}


def seed(world: Any) -> None:
    owner = world.owner
    workspace = world.acme.workspace
    builtins_ensure(workspace=workspace)
    fuel = Function.objects.create(workspace=workspace, name="Acme Rocketry fuel")
    functions = [world.function, fuel]
    partnership = partnership_create(
        workspace=workspace,
        actor=owner.user,
        name="Acme Rocketry results",
        functions=functions,
    )
    for function in functions:
        for number in range(3):
            person = Person.objects.create(
                workspace=workspace,
                name=f"Acme Rocketry respondent {function.pk}-{number}",
                email=f"rocketry-{function.pk}-{number}@acme.test",
                function=function,
                seniority=1 + number,
            )
            partnership_member_add(
                partnership=partnership, actor=owner.user, person=person, function=function
            )
    now = timezone.now()
    for key in (builtin.COORDINATION_KEY, builtin.PSYCH_SAFETY_KEY):
        cycle = cycle_create(
            membership=owner,
            instrument=Instrument.objects.get(workspace=workspace, key=key),
            title=f"Acme Rocketry results {key}",
            partnership=partnership,
            opens_at=now - datetime.timedelta(hours=2),
            closes_at=now + datetime.timedelta(days=7),
            min_group=3,
            min_comments=3,
        )
        cycle_open(cycle=cycle, membership=owner)
        invitations = Invitation.objects.filter(cycle=cycle).select_related(
            "cycle", "cycle__version", "cycle__partnership", "person"
        )
        for invitation in invitations:
            if key == builtin.COORDINATION_KEY:
                answers = [
                    AnswerInput(item=item, target=str(function.uuid), position=4)
                    for function in functions
                    if function.pk != invitation.function_id
                    for item in builtin.COORDINATION_ITEM_KEYS
                ]
            else:
                answers = [
                    AnswerInput(item=spec.key, position=5) for spec in builtin.PSYCH_SAFETY.items
                ]
            response_submit(invitation=invitation, answers=answers)
        cycle_close(cycle=cycle, membership=owner)
