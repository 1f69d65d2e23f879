"""Closed survey cycles with anonymous responses for `accord generate`.

The built-in instruments come from the surveys app's own `builtins_ensure`, so the results
pages read the same items they would in a real workspace. Each started partnership runs a
coordination pulse and a health check every six weeks of the history and one psychological
safety check; one workspace-wide coordination survey asks a sample of everyone. Responses
follow DESIGN's anonymity rule exactly as the real ones do: a Response row holds the
workspace, cycle, function and seniority band only (random UUID key, stored in shuffled
order); who was asked and who answered live in Invitation and UsedToken.
"""

import hashlib
import random
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accord.ops.generate_bulk import rows_insert
from accord.ops.generate_org import Organization
from accord.ops.generate_partnerships import Portfolio
from accord.org.models import Person
from accord.partnerships.models import Lifecycle
from accord.surveys import instruments as builtin
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
from accord.workspaces.models import Workspace

WEEKS_APART = 6
WINDOW_DAYS = 13
RESPONSE_SHARE = 0.75
WIDE_SAMPLE = 0.1  # share of everyone asked in the workspace-wide survey
WIDE_CAP = 3000
COMMENT_SHARE = 0.25
SHORT_NAMES = {
    builtin.COORDINATION_KEY: "Coordination pulse",
    builtin.PSYCH_SAFETY_KEY: "Team safety check",
    builtin.HEALTH_CHECK_KEY: "Health check",
}
COMMENTS = (
    "Share the numbers earlier in the week.",
    "Fewer meetings, clearer decisions at the end of each.",
    "One named contact per team would help a lot.",
    "Hand-offs are much smoother than last quarter.",
    "We still find out about changes too late.",
    "Keep the weekly update short; it works.",
)
INVITATION_COLUMNS = (
    "workspace_id",
    "cycle_id",
    "person_id",
    "function_id",
    "token_hash",
    "responded",
    "sent_at",
)
ANSWER_COLUMNS = ("response_id", "item_id", "target_id", "position", "value", "text", "trend")


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


class _Answering:
    """Answers from a simple measurement model: each respondent has a level (the group's
    level plus a personal offset) and each item is that level plus item noise, so scale
    reliabilities look like real survey data rather than noise."""

    def __init__(self, items: list[Item], points: int, rng: random.Random) -> None:
        self.items = items
        self.points = points
        self.rng = rng
        self.frequent = {s: p for p, s in enumerate(builtin.FREQUENT_SCORES, 1)}

    def answers(
        self, response: uuid.UUID, level: float, targets: list[int], comment: bool
    ) -> list[tuple[Any, ...]]:
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        for item in self.items:
            if item.kind == ItemKind.COORDINATION:
                for target in targets:
                    score = _clamp(level + rng.gauss(0, 0.45), 1, 5)
                    position = self.frequent[score] if item.key == "frequent" else score
                    value = float(item.scores[position - 1])
                    rows.append((response, item.pk, target, position, value, "", ""))
            elif item.kind == ItemKind.LIKERT:
                felt = _clamp(level + rng.gauss(0, 0.6), 1, self.points)
                position = self.points + 1 - felt if item.reverse else felt
                rows.append((response, item.pk, None, position, float(position), "", ""))
            elif item.kind == ItemKind.HEALTH:
                green = max(0.05, min(0.9, (level - 1.0) / 2.5))
                position = rng.choices((1, 2, 3), weights=(green, 0.35, max(0.05, 0.6 - green)))[0]
                trend = rng.choice(builtin.HEALTH_TRENDS)
                value = float(builtin.HEALTH_SCORES[position - 1])
                rows.append((response, item.pk, None, position, value, "", trend))
            elif item.kind == ItemKind.TEXT and comment:
                text = COMMENTS[rng.randrange(len(COMMENTS))]
                rows.append((response, item.pk, None, None, None, text, ""))
        return rows


def surveys_create(
    *,
    workspace: Workspace,
    organization: Organization,
    portfolio: Portfolio,
    weeks: int,
    today: date,
    rng: random.Random,
) -> dict[str, int]:
    """Write the cycles, invitations, spent tokens, responses and answers; returns counts."""
    builtins_ensure(workspace=workspace)
    versions = {
        version.instrument.key: version
        for version in InstrumentVersion.objects.filter(
            workspace=workspace, instrument__key__in=list(SHORT_NAMES), number=1
        ).select_related("instrument")
    }
    items: dict[int, list[Item]] = {}
    for item in Item.objects.filter(workspace=workspace).order_by("position"):
        items.setdefault(item.version_id, []).append(item)
    person_of = {p.pk: p for p in organization.people}
    owner = organization.users["owner"]
    rounds = max(1, weeks // WEEKS_APART)

    # (cycle, invitees as (person, function pk), functions rated, level of the group)
    plans: list[tuple[Cycle, list[tuple[Person, int]], list[int], float]] = []
    previous: dict[tuple[int, str], Cycle] = {}
    for round_number in range(rounds):
        opens_on = today - timedelta(weeks=WEEKS_APART * (rounds - 1 - round_number) + 2)
        batch: list[Cycle] = []
        for partnership in portfolio.partnerships:
            if partnership.status == Lifecycle.PROPOSED or partnership.start_date is None:
                continue
            if partnership.start_date > opens_on:
                continue
            members = portfolio.members[partnership.pk]
            invitees = [(person_of[m.person_id], m.function_id) for m in members]
            functions = portfolio.functions[partnership.pk]
            keys = [builtin.COORDINATION_KEY, builtin.HEALTH_CHECK_KEY]
            if round_number == rounds - 1:
                keys.append(builtin.PSYCH_SAFETY_KEY)
            for key in keys:
                opens_at = _moment(opens_on)
                cycle = Cycle(
                    workspace=workspace,
                    version=versions[key],
                    title=f"{SHORT_NAMES[key]} · {partnership.name}",
                    partnership=partnership,
                    opens_at=opens_at,
                    closes_at=opens_at + timedelta(days=WINDOW_DAYS),
                    status=Cycle.Status.CLOSED,
                    frozen_at=opens_at,
                    recur_weeks=WEEKS_APART,
                    previous=previous.get((partnership.pk, key)),
                    created_by=owner,
                )
                batch.append(cycle)
                # The group's level drifts a little up over the rounds.
                level = {
                    builtin.COORDINATION_KEY: 3.2 + rng.uniform(-0.6, 0.6) + 0.1 * round_number,
                    builtin.HEALTH_CHECK_KEY: 2.6 + rng.uniform(-0.8, 0.8),
                    builtin.PSYCH_SAFETY_KEY: 4.8 + rng.uniform(-1.0, 1.0),
                }[key]
                plans.append((cycle, invitees, functions, level))
        Cycle.objects.bulk_create(batch, batch_size=2000)
        for cycle in batch:
            if cycle.partnership_id is not None:
                previous[(cycle.partnership_id, _key_of(cycle, versions))] = cycle

    # The workspace-wide coordination survey: a sample of everyone rates the other functions.
    everyone = [p for p in organization.people if p.function_id is not None]
    sample = rng.sample(everyone, min(WIDE_CAP, max(10, int(len(everyone) * WIDE_SAMPLE))))
    opens_at = _moment(today - timedelta(weeks=3))
    wide = Cycle(
        workspace=workspace,
        version=versions[builtin.COORDINATION_KEY],
        title="Coordination across the company",
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=WINDOW_DAYS),
        status=Cycle.Status.CLOSED,
        frozen_at=opens_at,
        created_by=owner,
    )
    wide.save()
    function_ids = [f.pk for f in organization.functions]
    plans.append((wide, [(p, p.function_id or 0) for p in sample], function_ids, 3.3))
    rows_insert(
        Cycle.functions.through,
        ("cycle_id", "function_id"),
        [(cycle.pk, pk) for cycle, _, functions, _ in plans for pk in functions],
    )

    invitations: list[tuple[Any, ...]] = []
    used: list[tuple[Any, ...]] = []
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    salt = f"{workspace.slug}:{workspace.uuid}"
    answering = {
        version.pk: _Answering(items[version.pk], version.scale_points, rng)
        for version in versions.values()
    }
    for cycle, invitees, functions, level in plans:
        answerer = answering[cycle.version_id]
        for person, function_pk in invitees:
            digest = hashlib.sha256(f"{salt}:{cycle.uuid}:{person.pk}".encode()).hexdigest()
            answered = rng.random() < RESPONSE_SHARE
            invitations.append(
                (workspace.pk, cycle.pk, person.pk, function_pk, digest, answered, cycle.opens_at)
            )
            if not answered:
                continue
            used.append((workspace.pk, cycle.pk, digest))
            response = uuid.uuid4()
            responses.append(
                (response, workspace.pk, cycle.pk, function_pk, builtin.band_for(person.seniority))
            )
            targets = [pk for pk in functions if pk != function_pk]
            personal = level + rng.gauss(0, 0.4)
            answers += answerer.answers(response, personal, targets, rng.random() < COMMENT_SHARE)
    # Stored in random order, like real responses: row order says nothing about who.
    rng.shuffle(responses)
    return {
        "survey cycles": len(plans),
        "survey invitations": rows_insert(Invitation, INVITATION_COLUMNS, invitations),
        "survey used tokens": rows_insert(
            UsedToken, ("workspace_id", "cycle_id", "token_hash"), used
        ),
        "survey responses": rows_insert(
            Response, ("id", "workspace_id", "cycle_id", "function_id", "band"), responses
        ),
        "survey answers": rows_insert(Answer, ANSWER_COLUMNS, answers),
    }


def _key_of(cycle: Cycle, versions: dict[str, InstrumentVersion]) -> str:
    return next(key for key, version in versions.items() if version.pk == cycle.version_id)
