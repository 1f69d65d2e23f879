"""Building blocks for the results tests: a partnership with people in several functions and
seniority bands, and cycles run through the real actions (create, open, answer, close).

No tests here; the test_results_* modules import these helpers."""

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accord.org.models import Function, Person
from accord.partnerships.models import Partnership, Privacy
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_close, cycle_create, cycle_open
from accord.surveys.instrument_actions import builtins_ensure
from accord.surveys.models import Cycle, Instrument, Invitation
from accord.surveys.respond_actions import AnswerInput, response_submit
from accord.surveys.tests.test_cycle_support import team_build

Answerer = Callable[[Person, Sequence[Function], random.Random], list[AnswerInput]]


@dataclass
class World:
    tenant: Any
    partnership: Partnership | None
    functions: dict[str, Function]
    people: list[Person]


def world_build(
    tenant: Any,
    *,
    staffing: dict[str, Sequence[int]],
    name: str = "Quote to cash",
    privacy: str = Privacy.WORKSPACE,
) -> World:
    """A partnership whose functions have members of the given seniorities, e.g.
    {"Sales": [1, 1, 3], "Finance": [2, 4]} (1–2 contributors, 3 managers, 4–5 leaders)."""
    team = team_build(tenant, staffing, name=name, privacy=privacy)
    return World(
        tenant=tenant, partnership=team.partnership, functions=team.functions, people=team.people
    )


def instrument_get(tenant: Any, key: str) -> Instrument:
    builtins_ensure(workspace=tenant.workspace)
    return Instrument.objects.get(workspace=tenant.workspace, key=key)


def coordination_answers(
    level: float | Callable[[Person, Function], float] = 4,
) -> Answerer:
    """Every coordination item about every target at `level` (a 1–5 score; the frequency
    item answers the position whose adequacy score is nearest)."""

    def answer(
        person: Person, targets: Sequence[Function], rng: random.Random
    ) -> list[AnswerInput]:
        rows = []
        for target in targets:
            wanted = level(person, target) if callable(level) else level
            for key in builtin.COORDINATION_ITEM_KEYS:
                score = max(1, min(5, round(wanted + rng.choice((-1, 0, 0, 0, 1)))))
                position = builtin.FREQUENT_SCORES.index(score) + 1 if key == "frequent" else score
                rows.append(AnswerInput(item=key, target=str(target.uuid), position=position))
        return rows

    return answer


def psych_answers(level: int = 6) -> Answerer:
    def answer(
        person: Person, targets: Sequence[Function], rng: random.Random
    ) -> list[AnswerInput]:
        rows = []
        for spec in builtin.PSYCH_SAFETY.items:
            wanted = max(1, min(7, level + rng.choice((-1, 0, 0, 1))))
            rows.append(AnswerInput(item=spec.key, position=8 - wanted if spec.reverse else wanted))
        return rows

    return answer


def health_answers(vote: int = 1, trend: str = "same") -> Answerer:
    """Positions 1 green, 2 yellow, 3 red."""

    def answer(
        person: Person, targets: Sequence[Function], rng: random.Random
    ) -> list[AnswerInput]:
        return [
            AnswerInput(item=spec.key, position=vote, trend=trend)
            for spec in builtin.HEALTH_CHECK.items
        ]

    return answer


def cycle_run(
    world: World,
    instrument_key: str | Instrument,
    *,
    answer: Answerer,
    who: Sequence[Person] | None = None,
    k: int = 5,
    min_comments: int | None = None,
    weeks_ago: int = 0,
    close: bool = True,
    title: str = "",
) -> Cycle:
    """Create, open, answer (as `who`, default everyone) and close a cycle; `weeks_ago`
    shifts it into the past so several cycles form a series."""
    tenant = world.tenant
    membership = tenant.membership("owner")
    now = timezone.now() - datetime.timedelta(weeks=weeks_ago)
    cycle = cycle_create(
        membership=membership,
        instrument=(
            instrument_key
            if isinstance(instrument_key, Instrument)
            else instrument_get(tenant, instrument_key)
        ),
        title=title or f"{instrument_key} {weeks_ago} weeks ago",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=7),
        partnership=world.partnership,
        functions=[] if world.partnership is not None else list(world.functions.values()),
        min_group=k,
        min_comments=min_comments if min_comments is not None else max(k, 10),
        now=now,
    )
    cycle_open(cycle=cycle, membership=membership, now=now)
    answering = {p.pk for p in (who if who is not None else world.people)}
    rng = random.Random(f"{cycle.title}")
    functions = list(world.functions.values())
    invitations = (
        Invitation.objects.filter(cycle=cycle)
        .select_related("person", "cycle", "cycle__version", "cycle__partnership")
        .order_by("person__name")
    )
    for invitation in invitations:
        if invitation.person_id not in answering:
            continue
        targets = [f for f in functions if f.pk != invitation.function_id]
        response_submit(
            invitation=invitation,
            answers=answer(invitation.person, targets, rng),
            now=now + datetime.timedelta(minutes=5),
        )
    if close:
        cycle_close(cycle=cycle, membership=membership, now=now + datetime.timedelta(hours=1))
    cycle.refresh_from_db()
    return cycle
