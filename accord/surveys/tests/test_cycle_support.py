"""Building blocks for the instrument, cycle and answering tests: a partnership with people
in a few functions, cycles made and opened through the real actions, and the one-time
tokens read back from the invitations people received (their inbox rows).

No tests here; the test_cycle_* / test_respond_* / test_instrument_* modules import these."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accord.notifications.models import Event, Notification
from accord.org.models import Function, Person
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.partnerships.models import Partnership
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_create, cycle_open
from accord.surveys.instrument_actions import builtins_ensure
from accord.surveys.models import Cycle, Instrument

NOW = timezone.make_aware(datetime.datetime(2026, 10, 5, 9, 0))


@dataclass
class Team:
    tenant: Any
    partnership: Partnership
    functions: dict[str, Function]
    people: list[Person]

    def person(self, function: str, number: int = 0) -> Person:
        return [p for p in self.people if p.function_id == self.functions[function].pk][number]


def team_build(
    tenant: Any,
    staffing: dict[str, Sequence[int]] | None = None,
    *,
    name: str = "Quote to cash",
    lead: Person | None = None,
    privacy: str = "workspace",
) -> Team:
    """A partnership of the given functions, each with members of the given seniorities;
    the tenant's Sales and Finance are reused."""
    staffing = staffing or {"Sales": (1, 2, 3), "Finance": (1, 4, 5), "Operations": (2, 3)}
    functions: dict[str, Function] = {}
    for function_name in staffing:
        found = Function.objects.filter(workspace=tenant.workspace, name=function_name).first()
        functions[function_name] = found or Function.objects.create(
            workspace=tenant.workspace, name=function_name
        )
    partnership = partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name=name,
        functions=list(functions.values()),
        lead=lead,
        privacy=privacy,
    )
    people = []
    for function_name, seniorities in staffing.items():
        for number, seniority in enumerate(seniorities):
            person = Person.objects.create(
                workspace=tenant.workspace,
                name=f"{function_name} {number + 1} of {name}",
                email=f"{function_name.lower()}{number + 1}.{partnership.slug}@example.test",
                seniority=seniority,
                function=functions[function_name],
            )
            partnership_member_add(
                partnership=partnership,
                actor=tenant.owner,
                person=person,
                function=functions[function_name],
            )
            people.append(person)
    return Team(tenant=tenant, partnership=partnership, functions=functions, people=people)


def instrument_of(tenant: Any, key: str = builtin.COORDINATION_KEY) -> Instrument:
    builtins_ensure(workspace=tenant.workspace)
    return Instrument.objects.get(workspace=tenant.workspace, key=key)


def draft_make(
    team: Team,
    *,
    key: str = builtin.COORDINATION_KEY,
    role: str = "admin",
    title: str = "Coordination pulse",
    now: datetime.datetime = NOW,
    days: int = 14,
    **fields: Any,
) -> Cycle:
    fields.setdefault("partnership", team.partnership)
    return cycle_create(
        membership=team.tenant.membership(role),
        instrument=instrument_of(team.tenant, key),
        title=title,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=days),
        now=now,
        **fields,
    )


def opened_make(team: Team, *, now: datetime.datetime = NOW, **fields: Any) -> Cycle:
    """A cycle opened at `now` (invitations sent)."""
    cycle = draft_make(team, now=now, **fields)
    cycle_open(cycle=cycle, membership=team.tenant.membership("admin"), now=now)
    cycle.refresh_from_db()
    return cycle


def token_of(person: Person, cycle: Cycle) -> str:
    """The raw token of a person's invitation, as their inbox row (and email) carries it."""
    note = Notification.objects.get(
        recipient=person,
        event=Event.SURVEY_INVITATION,
        object_uuid=cycle.uuid,
        dedupe_key__contains="survey-invitation",
    )
    return note.url.strip("/").split("/")[-1]


def link_of(person: Person, cycle: Cycle) -> str:
    return f"/survey/{token_of(person, cycle)}/"


def coordination_post(targets: Sequence[Function], position: int = 4) -> dict[str, str]:
    """A full coordination answer form: every item, every target, the same position."""
    return {
        f"q-{key}@{function.uuid}": str(position)
        for key in builtin.COORDINATION_ITEM_KEYS
        for function in targets
    }
