"""Demo survey cycles and responses for Brightwater.

Two partnerships (Faster order-to-cash and Inventory right-sizing) each ran three cycles of
every built-in instrument, eight weeks apart; all are closed except the latest health check
of the first, which is open now (the demo viewer login is invited and has not answered).
Each cycle asks everyone in the partnership's three functions. Answers are drawn from a
seeded generator, so every build is the same, and were written to show something:

- Coordination: Sales → Finance starts weak and improves clearly after the new dispute
  process agreed between the first and the third cycle (about 2.6, 3.4, 4.2 as rated); in Faster
  order-to-cash only three people from Customer Success answer each time — fewer than
  k = 5 — so their cells are withheld.
- Psychological safety rises slightly in Inventory right-sizing and stays flat in Faster
  order-to-cash.
- The health check splits the team on Speed in Faster order-to-cash (green and red votes).
- Comments: enough people (at least the comments threshold, 10) wrote one in the latest
  coordination pulse of Faster order-to-cash and the latest health check of Inventory
  right-sizing, so those show; every other cycle has fewer, so its comments are withheld.

Answers follow a simple measurement model, so the reliability figures look like real survey
data (alpha about 0.8–0.9, as published for these scales) instead of noise: each respondent
has an underlying level — the group's level for that cycle plus a personal offset (centred
within each function, so group means follow the story) — and each item is that level plus a
little item noise, rounded and clipped to the scale. In coordination the level is per rated
function; in psychological safety it is how safe the person feels, and the three negatively
worded items are answered the other way round ((points + 1) − x).

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
    ItemKind,
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
IMPROVING_MEANS = (2.4, 3.3, 4.2)  # Sales' mean rating of Finance in cycles 1, 2, 3
SMALL_GROUP = ("faster-order-to-cash", "Customer Success", 3)
TIE_LEVEL = 3.6  # every other tie: around here, each a little different (TIE_SPREAD)
TIE_SPREAD = 0.35
# Psychological safety on the 7-point scale, by cycle: rising in one partnership, flat in
# the other.
SAFETY_MEANS = {"inventory-right-sizing": (4.5, 4.85, 5.3)}
SAFETY_STEADY = (4.9, 4.95, 4.9)
SPLIT_INDICATOR = ("faster-order-to-cash", "speed")
RESPONSE_SHARE = 0.75
# The measurement model (standard deviations, in scale points).
COORDINATION_PERSON_SD = 0.35  # a rater's general outlook, across the functions they rate
COORDINATION_PAIR_SD = 0.25  # their view of one function in particular
COORDINATION_ITEM_SD = 0.4
RELATIONSHIP_SHIFT = 0.15  # shared goals, knowledge and respect run a little above the rest
SAFETY_PERSON_SD = 0.8
SAFETY_ITEM_SD = 0.55


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


def _tie_level(plan: _Plan, rater: str, rated: str) -> float:
    """The true level of one directed tie in this cycle."""
    if (rater, rated) == IMPROVING and plan.partnership.slug == PARTNERSHIPS[0]:
        return IMPROVING_MEANS[plan.round]
    # Each tie has its own, stable character; they drift up a little over the year.
    character = random.Random(f"{SEED}:tie:{plan.partnership.slug}:{rater}>{rated}")
    return TIE_LEVEL + character.uniform(-TIE_SPREAD, TIE_SPREAD) + 0.05 * plan.round


def _coordination_answers(
    plan: _Plan,
    person: Person,
    items: list[Item],
    rng: random.Random,
    offsets: dict[int | None, float],
) -> list[Answer]:
    rows = []
    own = person.function
    rater = own.name if own else ""
    for target in plan.functions:
        if own is not None and target.pk == own.pk:
            continue
        level = _tie_level(plan, rater, target.name) + offsets[target.pk]
        for item in items:
            if item.kind != ItemKind.COORDINATION:
                continue
            shift = RELATIONSHIP_SHIFT if item.dimension == "relationship" else 0.0
            score = _clamp(level + shift + rng.gauss(0, COORDINATION_ITEM_SD))
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
    plan: _Plan,
    person: Person,
    items: list[Item],
    rng: random.Random,
    offsets: dict[int | None, float],
) -> list[Answer]:
    points = plan.cycle.version.scale_points
    level = SAFETY_MEANS.get(plan.partnership.slug, SAFETY_STEADY)[plan.round] + offsets[None]
    rows = []
    for item in items:
        if item.kind != ItemKind.LIKERT:
            continue
        felt = _clamp(level + rng.gauss(0, SAFETY_ITEM_SD), 1, points)
        # Negatively worded: agreeing means feeling unsafe.
        position = points + 1 - felt if item.reverse else felt
        rows.append(Answer(item=item, position=position, value=float(position)))
    return rows


def _health_answers(
    plan: _Plan,
    person: Person,
    items: list[Item],
    rng: random.Random,
    offsets: dict[int | None, float],
) -> list[Answer]:
    rows = []
    for item in items:
        if item.kind != ItemKind.HEALTH:
            continue
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


# How much a respondent's personal level differs from their group's, by instrument: overall,
# and towards one rated function in particular (coordination only).
PERSON_SD = {
    builtin.COORDINATION_KEY: (COORDINATION_PERSON_SD, COORDINATION_PAIR_SD),
    builtin.PSYCH_SAFETY_KEY: (SAFETY_PERSON_SD, 0.0),
    builtin.HEALTH_CHECK_KEY: (0.0, 0.0),
}


def _offsets(
    plan: _Plan, respondents: list[Person], rng: random.Random
) -> dict[int, dict[int | None, float]]:
    """Each respondent's offset from their group's level, by rated function (None when the
    instrument rates none): a personal offset plus one per rated function, centred within
    each (function, rated function) group so that group means follow the story however the
    draws fall."""
    person_sd, pair_sd = PERSON_SD[plan.key]
    rated: list[int | None] = (
        [f.pk for f in plan.functions] if plan.key == builtin.COORDINATION_KEY else [None]
    )
    offsets: dict[int, dict[int | None, float]] = {}
    for person in respondents:
        general = rng.gauss(0, person_sd) if person_sd else 0.0
        offsets[person.pk] = {
            target: general + (rng.gauss(0, pair_sd) if pair_sd else 0.0) for target in rated
        }
    groups: dict[tuple[int | None, int | None], list[int]] = {}
    for person in respondents:
        for target in rated:
            groups.setdefault((person.function_id, target), []).append(person.pk)
    for (_function, target), members in groups.items():
        centre = sum(offsets[pk][target] for pk in members) / len(members)
        for pk in members:
            offsets[pk][target] -= centre
    return offsets


ANSWERERS = {
    builtin.COORDINATION_KEY: _coordination_answers,
    builtin.PSYCH_SAFETY_KEY: _safety_answers,
    builtin.HEALTH_CHECK_KEY: _health_answers,
}

# How many respondents wrote a comment, by (partnership index, instrument) and cycle. Two
# cycles reach the comments threshold (10) and show theirs; the rest stay withheld.
COMMENT_WRITERS = {
    (0, builtin.COORDINATION_KEY): (4, 6, 12),
    (1, builtin.COORDINATION_KEY): (3, 5, 7),
    (0, builtin.PSYCH_SAFETY_KEY): (2, 4, 6),
    (1, builtin.PSYCH_SAFETY_KEY): (3, 5, 8),
    (0, builtin.HEALTH_CHECK_KEY): (3, 5, 1),
    (1, builtin.HEALTH_CHECK_KEY): (4, 6, 11),
}
_DISPUTES_BEFORE = (
    "Give every invoice dispute one owner. Right now it sits in three inboxes.",
    "Tell us when a customer is put on credit hold before we promise them a delivery date.",
    "A shared view of open disputes, so we stop asking each other for status by email.",
    "Agree who chases proof of delivery. Invoices wait days for it.",
    "Finance answering discount questions within a day would save us a lot of lost deals.",
    "Fewer spreadsheets passed around; one list of overdue accounts everyone trusts.",
    "Loop Customer Success in before a collections call goes out to a key account.",
    "Quicker replies on credit notes. Customers ask us and we have nothing to tell them.",
)
_DISPUTES_AFTER = (
    "The new dispute process works. Keep the one-day owner rule, even when we are busy.",
    "Credit notes now come back in two or three days instead of two weeks. Thank you.",
    "Still waiting too long on proof of delivery from the carriers' portal.",
    "Put the dispute reason codes in the CRM so Sales sees them without asking.",
    "The fortnightly review is useful. Could it be 30 minutes instead of an hour?",
    "Tell us earlier when payment terms change for a customer.",
    "Finance is much easier to reach now. The shared dispute board helps most.",
    "We still get collections emails about accounts that are already in dispute.",
    "A short guide for new salespeople on how invoicing and disputes work would help.",
    "Keep the dispute board tidy: close items when they are done so the numbers mean something.",
    "Ask Customer Success before changing what the invoice shows; customers read it closely.",
    "More notice before month-end pushes, so we can plan the follow-up calls.",
    "Having one named contact in Finance for each region has made a real difference.",
    "The weekly overdue list arrives on Monday now, which is exactly when we need it.",
)
_COORDINATION_GENERAL = (
    "Share the weekly stock forecast earlier, before the sales call on Monday.",
    "Agree one number for days of supply; we each calculate it differently.",
    "When a product is discontinued, tell Sales before customers find out.",
    "Fewer last-minute orders that skip the planning meeting.",
    "A single place to see which slow movers are being cleared and at what price.",
    "Finance and Operations reviewing the write-off list together, not one after the other.",
    "Explain the reasons behind the reorder points; they feel arbitrary from Sales.",
    "Shorter meetings with a clear decision at the end.",
)
_SAFETY = (
    "Leaders admitting their own mistakes first makes it easier for the rest of us.",
    "Some meetings are too big to raise a half-formed idea. Smaller ones would help.",
    "Knowing that a failed trial will not come back in the review.",
    "More time in retros for what went wrong, not just the action list.",
    "Ask the quieter people directly; they usually have the best questions.",
    "Questions in the team channel get answered kindly now. Keep it that way.",
    "Less pressure to have a solution before raising a problem.",
    "Clear room to test changes on a small scale before we commit.",
    "When someone pushes back, thank them rather than moving on.",
    "New joiners need to hear it is fine to say they do not know.",
)
_HEALTH_INVENTORY = (
    "The slow-mover review finally has an owner, which shows.",
    "We still wait too long on supplier lead times before we can act.",
    "Good progress on days of supply, but the fill rate worries me going into the peak.",
    "We learn a lot from the weekly review, but the notes never reach the warehouse team.",
    "Fun is low at quarter-end; everyone is firefighting.",
    "Our process is better since we dropped the second sign-off on transfers.",
    "We decide more ourselves now. Please keep it that way.",
    "Clearance pricing decisions take too long between Sales and Finance.",
    "The new dashboard helps, but half of us do not know it exists.",
    "Teamwork between the sites has improved a lot this cycle.",
    "Too many priorities at once; we should finish the reorder-point work first.",
    "Support from leadership is there when we ask, which makes a difference.",
    "Releasing a change to the planning rules is still slow and manual.",
    "It is clear why we are doing this: cash tied up in stock is cash we cannot spend.",
)
_HEALTH_GENERAL = (
    "Work gets stuck waiting for approvals more than it should.",
    "Nice to see the team celebrate small wins again.",
    "We keep changing priorities mid-cycle, which makes speed hard to judge.",
    "More cross-training would help when people are away.",
    "Good cycle overall; the new dispute board takes pressure off everyone.",
    "We need a clearer picture of what 'done' means for collections work.",
)


def _comment_pool(index: int, key: str, round_number: int) -> tuple[str, ...]:
    if key == builtin.COORDINATION_KEY:
        if index == 0:
            return _DISPUTES_AFTER if round_number == ROUNDS - 1 else _DISPUTES_BEFORE
        return _COORDINATION_GENERAL
    if key == builtin.PSYCH_SAFETY_KEY:
        return _SAFETY
    return _HEALTH_INVENTORY if index == 1 else _HEALTH_GENERAL


def _comments(
    plan: _Plan, index: int, respondents: list[Person], items: list[Item]
) -> dict[int, Answer]:
    """The comments written in one cycle, by respondent (a seeded pick of who wrote)."""
    text_item = next((item for item in items if item.kind == ItemKind.TEXT), None)
    wanted = COMMENT_WRITERS.get((index, plan.key), (0,) * ROUNDS)[plan.round]
    if text_item is None or not wanted or not respondents:
        return {}
    rng = random.Random(f"{SEED}:comments:{plan.partnership.slug}:{plan.key}:{plan.round}")
    pool = _comment_pool(index, plan.key, plan.round)
    count = min(wanted, len(respondents), len(pool))
    writers = rng.sample(respondents, count)
    texts = rng.sample(pool, count)
    return {
        person.pk: Answer(item=text_item, text=text)
        for person, text in zip(writers, texts, strict=True)
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
        respondents = _respondents(plan, rng, open_now=open_now, skip=logins if open_now else set())
        answered = {p.pk for p in respondents}
        items = items_by_version[cycle.version_id]
        offsets = _offsets(plan, respondents, rng)
        comments = _comments(plan, partnerships.index(plan.partnership), respondents, items)
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
            written = ANSWERERS[plan.key](plan, person, items, rng, offsets[person.pk])
            if person.pk in comments:
                written.append(comments[person.pk])
            for answer in written:
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
