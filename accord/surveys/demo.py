"""Demo survey cycles and responses for Brightwater.

Two partnerships (Faster order-to-cash and Inventory right-sizing) each ran three cycles of
every built-in instrument, eight weeks apart; all are closed except the latest health check
of the first, which is open now (the demo viewer login is invited and has not answered).
Each cycle asks everyone in the partnership's three functions. Answers are drawn from a
seeded generator, so every build is the same, and were written to show something:

- Coordination: Sales → Finance starts weak and improves clearly after the new dispute
  process agreed between the first and the third cycle; in Faster order-to-cash only three
  people from Customer Success answer each time — fewer than k = 5 — so their cells are
  withheld.
- Psychological safety rises slightly in Inventory right-sizing.
- The health check splits the team on Speed in Faster order-to-cash (green and red votes).

Rows are written in bulk; the responses carry function and band only, like real ones.
"""

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_next_create
from accord.surveys.instrument_actions import builtins_ensure
from accord.surveys.models import (
    Answer,
    Cycle,
    InstrumentVersion,
    Invitation,
    Item,
    Response,
    UsedToken,
)
from accord.workspaces.models import Membership, Workspace

SEED = "brightwater-surveys"
PARTNERSHIPS = ("faster-order-to-cash", "inventory-right-sizing")
ROUNDS = 3
WEEKS_APART = 8
WINDOW_DAYS = 13
ADMIN_LOGIN = "admin@brightwater.example"
SHORT_NAMES = {
    builtin.COORDINATION_KEY: "Coordination pulse",
    builtin.PSYCH_SAFETY_KEY: "Team safety check",
    builtin.HEALTH_CHECK_KEY: "Health check",
}
# The tie that improves, the group that stays under k, the indicator that splits the team.
IMPROVING = ("Sales", "Finance")
IMPROVING_MEANS = (2.4, 3.2, 4.1)  # Sales' mean rating of Finance in cycles 1, 2, 3
SMALL_GROUP = ("faster-order-to-cash", "Customer Success", 3)
SAFETY_MEANS = {"inventory-right-sizing": (4.5, 4.85, 5.3)}  # on the 7-point scale
SPLIT_INDICATOR = ("faster-order-to-cash", "speed")
RESPONSE_SHARE = 0.75


@dataclass
class _Plan:
    cycle: Cycle
    partnership: Partnership
    key: str
    round: int
    people: list[Person]
    functions: list[Function]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _partnerships(workspace: Workspace) -> list[Partnership]:
    """The two named ones, else the first active partnerships with three functions."""
    found = list(
        Partnership.objects.filter(workspace=workspace, slug__in=PARTNERSHIPS).prefetch_related(
            "functions"
        )
    )
    if len(found) == len(PARTNERSHIPS):
        return sorted(found, key=lambda p: PARTNERSHIPS.index(p.slug))
    candidates = Partnership.objects.filter(workspace=workspace, status="active").prefetch_related(
        "functions"
    )
    return [p for p in candidates.order_by("name") if len(p.functions.all()) >= 3][:2]


def _clamp(value: float, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, round(value)))


# Position of the frequency answer that gives each adequacy score (1, 3, 5, 4, 2 by position).
_FREQUENT_POSITION = {score: position for position, score in enumerate(builtin.FREQUENT_SCORES, 1)}


def _coordination_answers(
    plan: _Plan, person: Person, items: list[Item], rng: random.Random
) -> list[Answer]:
    rows = []
    own = person.function
    for target in plan.functions:
        if own is not None and target.pk == own.pk:
            continue
        tie = (own.name if own else "", target.name)
        if tie == IMPROVING and plan.partnership.slug == PARTNERSHIPS[0]:
            mean = IMPROVING_MEANS[plan.round]
        else:
            mean = 3.6 + (0.15 if target.name == "Customer Success" else 0.0)
        for item in items:
            score = _clamp(rng.gauss(mean + (0.2 if item.dimension == "relationship" else 0), 0.7))
            position = _FREQUENT_POSITION[score] if item.key == "frequent" else score
            rows.append(
                Answer(
                    item=item,
                    target=target,
                    position=position,
                    value=float(item.scores[position - 1]),
                )
            )
    return rows


def _safety_answers(
    plan: _Plan, person: Person, items: list[Item], rng: random.Random
) -> list[Answer]:
    mean = SAFETY_MEANS.get(plan.partnership.slug, (5.0, 4.95, 4.8))[plan.round]
    personal = rng.gauss(0, 0.5)
    rows = []
    for item in items:
        felt = _clamp(rng.gauss(mean + personal, 0.8), 1, 7)
        position = 8 - felt if item.reverse else felt  # negatively worded: agree means unsafe
        rows.append(Answer(item=item, position=position, value=float(position)))
    return rows


def _health_answers(
    plan: _Plan, person: Person, items: list[Item], rng: random.Random
) -> list[Answer]:
    rows = []
    for item in items:
        if (plan.partnership.slug, item.key) == SPLIT_INDICATOR:
            # Half the team sees it green, half red: a disagreement worth talking about.
            position = rng.choice((1, 1, 1, 2, 3, 3, 3)) if plan.round else rng.choice((1, 2, 2, 3))
        else:
            position = rng.choices((1, 2, 3), weights=(5 + plan.round, 4, 1))[0]
        trend = rng.choices(("better", "same", "worse"), weights=(3 + plan.round, 5, 2))[0]
        rows.append(
            Answer(
                item=item,
                position=position,
                value=float(builtin.HEALTH_SCORES[position - 1]),
                trend=trend,
            )
        )
    return rows


ANSWERERS = {
    builtin.COORDINATION_KEY: _coordination_answers,
    builtin.PSYCH_SAFETY_KEY: _safety_answers,
    builtin.HEALTH_CHECK_KEY: _health_answers,
}


def _respondents(
    plan: _Plan, rng: random.Random, *, open_now: bool, skip: set[int]
) -> list[Person]:
    """Who answered: about three in four of each function (fewer while a cycle is open),
    exactly three from the small group in coordination cycles; never the people in `skip`."""
    chosen = []
    for function in plan.functions:
        people = [p for p in plan.people if p.function_id == function.pk and p.pk not in skip]
        share = 0.4 if open_now else RESPONSE_SHARE
        count = round(len(people) * share)
        if (
            plan.key == builtin.COORDINATION_KEY
            and (plan.partnership.slug, function.name) == SMALL_GROUP[:2]
        ):
            count = SMALL_GROUP[2]
        chosen += rng.sample(people, min(count, len(people)))
    return chosen


def demo_surveys_build(workspace: Workspace, *, today: date) -> None:
    """Write the demo cycles, invitations and anonymous responses (bulk inserts)."""
    builtins_ensure(workspace=workspace)
    partnerships = _partnerships(workspace)
    if not partnerships:
        return
    versions = {
        version.instrument.key: version
        for version in InstrumentVersion.objects.filter(
            workspace=workspace, instrument__key__in=list(ANSWERERS), number=1
        ).select_related("instrument")
    }
    items_by_version: dict[int, list[Item]] = {}
    for item in Item.objects.filter(
        workspace=workspace, version__in=list(versions.values())
    ).order_by("position"):
        items_by_version.setdefault(item.version_id, []).append(item)
    function_ids = {f.pk for p in partnerships for f in p.functions.all()}
    people = list(
        Person.objects.filter(workspace=workspace, function_id__in=function_ids)
        .select_related("function")
        .order_by("name", "pk")
    )
    admin = (
        Membership.objects.filter(workspace=workspace, user__email=ADMIN_LOGIN)
        .select_related("user")
        .first()
    )
    # The demo logins see an open survey waiting for them: they are left out of the answers.
    logins = set(
        Person.objects.filter(workspace=workspace, user__isnull=False).values_list("pk", flat=True)
    )

    plans: list[_Plan] = []
    previous: dict[tuple[int, str], Cycle] = {}
    for round_number in range(ROUNDS):
        batch = []
        for partnership in partnerships:
            functions = sorted(partnership.functions.all(), key=lambda f: f.name)
            members = [p for p in people if p.function_id in {f.pk for f in functions}]
            for key in ANSWERERS:
                open_now = round_number == ROUNDS - 1 and (
                    partnership.slug,
                    key,
                ) == (partnerships[0].slug, builtin.HEALTH_CHECK_KEY)
                weeks_ago = WEEKS_APART * (ROUNDS - 1 - round_number) + 2
                opens_on = today - timedelta(weeks=weeks_ago)
                if open_now:
                    opens_on = today - timedelta(days=3)
                opens_at = _moment(opens_on)
                cycle = Cycle(
                    workspace=workspace,
                    version=versions[key],
                    title=f"{SHORT_NAMES[key]} · {partnership.name}",
                    partnership=partnership,
                    opens_at=opens_at,
                    closes_at=opens_at + timedelta(days=WINDOW_DAYS),
                    status=Cycle.Status.OPEN if open_now else Cycle.Status.CLOSED,
                    frozen_at=opens_at,
                    recur_weeks=WEEKS_APART,
                    previous=previous.get((partnership.pk, key)),
                    created_by=admin.user if admin else None,
                )
                batch.append(cycle)
                plans.append(_Plan(cycle, partnership, key, round_number, members, functions))
        Cycle.objects.bulk_create(batch)
        for plan in plans[-len(batch) :]:
            previous[(plan.partnership.pk, plan.key)] = plan.cycle
    Through = Cycle.functions.through
    Through.objects.bulk_create(
        [
            Through(cycle_id=plan.cycle.pk, function_id=function.pk)
            for plan in plans
            for function in plan.functions
        ]
    )

    invitations: list[Invitation] = []
    used: list[UsedToken] = []
    responses: list[Response] = []
    answers: list[Answer] = []
    for plan in plans:
        cycle = plan.cycle
        rng = random.Random(f"{SEED}:{plan.partnership.slug}:{plan.key}:{plan.round}")
        open_now = cycle.status == Cycle.Status.OPEN
        answered = {
            p.pk
            for p in _respondents(plan, rng, open_now=open_now, skip=logins if open_now else set())
        }
        for person in plan.people:
            # A token nobody holds: the demo's invitations were "sent" long ago.
            digest = hashlib.sha256(f"{SEED}:{cycle.uuid}:{person.uuid}".encode()).hexdigest()
            invitations.append(
                Invitation(
                    workspace=workspace,
                    cycle=cycle,
                    person=person,
                    function_id=person.function_id,
                    token_hash=digest,
                    responded=person.pk in answered,
                    sent_at=cycle.opens_at,
                )
            )
            if person.pk not in answered:
                continue
            used.append(UsedToken(workspace=workspace, cycle=cycle, token_hash=digest))
            response = Response(
                workspace=workspace,
                cycle=cycle,
                function_id=person.function_id,
                band=builtin.band_for(person.seniority),
            )
            responses.append(response)
            for answer in ANSWERERS[plan.key](
                plan, person, items_by_version[cycle.version_id], rng
            ):
                answer.response = response
                answers.append(answer)
    # Stored in random order, like real responses (their ids are random too).
    random.Random(SEED).shuffle(responses)
    Invitation.objects.bulk_create(invitations, batch_size=500)
    UsedToken.objects.bulk_create(used, batch_size=500)
    Response.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=1000)
    for plan in plans:
        if plan.cycle.status == Cycle.Status.OPEN:
            cycle_next_create(cycle=plan.cycle)
