"""Answering a survey: check the answers, then store them anonymously.

One transaction does it all: the token's hash goes into UsedToken (unique, so a second
answer with the same invitation fails), the invitation is marked answered, and a Response
with its Answers is written. The response carries the respondent's function and seniority
band only: no user, person, token or time, and no audit entry or log line mentions it.
Marking the invitation uses a plain UPDATE so its `updated_at` does not record when the
person answered.
"""

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.org.models import Function
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import token_hash
from accord.surveys.cycle_selectors import cycle_items, cycle_target_functions
from accord.surveys.models import (
    Answer,
    Cycle,
    Invitation,
    Item,
    ItemKind,
    Response,
    UsedToken,
)

ALREADY_ANSWERED = "You have already answered this survey — thank you."
TOKEN_MAX = 200


class AlreadyAnswered(Exception):
    """The invitation's token was spent: the survey was answered with it before."""

    def __init__(self) -> None:
        super().__init__(ALREADY_ANSWERED)
        self.message = ALREADY_ANSWERED


class SurveyNotOpen(Exception):
    """The cycle does not take answers now (not open yet, or closed)."""

    def __init__(self, message: str, *, closed: bool) -> None:
        super().__init__(message)
        self.message = message
        self.closed = closed


@dataclass(frozen=True)
class AnswerInput:
    """One submitted answer, as pages and the API both hand it over.

    `item` is the question's key; `target` the id (UUID) of the function rated
    (coordination); `position` the chosen option's 1-based display position (agree scales,
    single choice, coordination, health votes); `value` a 0–10 number; `choices` the chosen
    positions of a multiple-choice question; `text` an open answer; `trend` better / same /
    worse (health check). `index` is where it stood in the submitted list, for error paths.
    """

    item: str
    target: str | None = None
    position: int | None = None
    value: float | None = None
    choices: tuple[int, ...] | None = None
    text: str | None = None
    trend: str | None = None
    index: int | None = None


@dataclass(frozen=True)
class AnswerProblem:
    """A rule an answer breaks. `path` is `answers.<index>.<field>` for a submitted answer,
    `answers.<item key>` for a required question left out."""

    path: str
    item: str | None
    target: str | None
    message: str


class AnswersInvalid(ValidationError):
    def __init__(self, problems: list[AnswerProblem]) -> None:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.path, []).append(problem.message)
        super().__init__(errors)
        self.problems = problems


# --- who rates whom -------------------------------------------------------------------------


def respondent_targets(
    *, cycle: Cycle, functions: Sequence[Function], own_function_id: int | None
) -> list[Function]:
    """The functions a respondent rates: the cycle's functions, without their own unless
    the cycle asks for it."""
    if cycle.rate_own_function or own_function_id is None:
        return list(functions)
    return [function for function in functions if function.pk != own_function_id]


# --- validation -----------------------------------------------------------------------------


def _whole(number: Any) -> int | None:
    """An integer from an int or an integral float; None for anything else."""
    if isinstance(number, bool):
        return None
    if isinstance(number, int):
        return number
    if isinstance(number, float) and math.isfinite(number) and number.is_integer():
        return int(number)
    return None


def answers_clean(
    *, items: Sequence[Item], targets: Sequence[Function], answers: Iterable[AnswerInput]
) -> list[Answer]:
    """Unsaved Answer rows for valid answers; AnswersInvalid listing every broken rule
    otherwise (each with its path and what is allowed)."""
    by_key = {item.key: item for item in items}
    target_by_uuid = {str(function.uuid): function for function in targets}
    target_names = ", ".join(function.name for function in targets) or "none"
    problems: list[AnswerProblem] = []
    rows: list[Answer] = []
    seen: set[tuple[str, str | None]] = set()

    for number, answer in enumerate(answers):
        index = answer.index if answer.index is not None else number
        item = by_key.get(answer.item)

        def fail(name: str, message: str, answer: AnswerInput = answer, index: int = index) -> None:
            problems.append(
                AnswerProblem(
                    path=f"answers.{index}.{name}",
                    item=answer.item,
                    target=answer.target,
                    message=message,
                )
            )

        if item is None:
            fail("item", f"There is no question “{answer.item}” in this survey.")
            continue
        target: Function | None = None
        target_key = (answer.target or "").strip() or None
        if item.kind == ItemKind.COORDINATION:
            if target_key is None:
                fail("target", f"Say which function this rates: one of {target_names}.")
                continue
            target = target_by_uuid.get(target_key.lower())
            if target is None:
                fail(
                    "target",
                    f"You rate only the functions of this survey ({target_names}); "
                    f"{target_key} is not one of them.",
                )
                continue
        elif target_key is not None:
            fail("target", "This question is not about a function; leave the target out.")
            continue
        marker = (item.key, str(target.uuid) if target is not None else None)
        if marker in seen:
            fail("item", "This question is answered twice; send one answer.")
            continue
        seen.add(marker)
        row = Answer(item=item, target=target)
        options = list(item.options or [])
        if item.kind in builtin.POSITIONAL_KINDS:
            position = _whole(answer.position)
            if answer.position is None:
                continue  # left unanswered (required ones are reported below)
            if position is None or not 1 <= position <= len(options):
                fail(
                    "position",
                    f"Choose one of the {len(options)} answers: a whole number from 1 to "
                    f"{len(options)}.",
                )
                continue
            scores = list(item.scores or [])
            row.position = position
            row.value = (
                float(scores[position - 1]) if len(scores) == len(options) else float(position)
            )
            if item.kind == ItemKind.HEALTH and answer.trend:
                trend = answer.trend.strip().lower()
                if trend not in builtin.HEALTH_TRENDS:
                    fail("trend", "The trend is better, same or worse.")
                    continue
                row.trend = trend
        elif item.kind == ItemKind.SCALE_0_10:
            if answer.value is None:
                continue
            value = _whole(answer.value)
            if value is None or not 0 <= value <= 10:
                fail("value", "Give a whole number from 0 to 10.")
                continue
            row.value = float(value)
        elif item.kind == ItemKind.MULTIPLE:
            chosen = list(answer.choices or ())
            if not chosen:
                continue
            picks = [_whole(choice) for choice in chosen]
            if any(p is None or not 1 <= p <= len(options) for p in picks) or len(
                set(picks)
            ) != len(picks):
                fail(
                    "choices",
                    f"Pick each choice at most once, by its number from 1 to {len(options)}.",
                )
                continue
            row.choices = sorted(p for p in picks if p is not None)
        elif item.kind == ItemKind.TEXT:
            text = (answer.text or "").strip()
            if not text:
                continue
            if len(text) > builtin.TEXT_MAX:
                fail("text", f"Keep the answer to {builtin.TEXT_MAX} characters or fewer.")
                continue
            row.text = text
        rows.append(row)

    answered = {(row.item.key, row.target_id) for row in rows}
    answered_items = {key for key, _target in answered}
    reported = {problem.item for problem in problems}
    for item in items:
        if not item.required or item.key in reported:
            continue
        if item.kind == ItemKind.COORDINATION:
            missing = [f.name for f in targets if (item.key, f.pk) not in answered]
            if missing:
                problems.append(
                    AnswerProblem(
                        path=f"answers.{item.key}",
                        item=item.key,
                        target=None,
                        message="This question is required; rate " + ", ".join(missing) + ".",
                    )
                )
        elif item.key not in answered_items:
            problems.append(
                AnswerProblem(
                    path=f"answers.{item.key}",
                    item=item.key,
                    target=None,
                    message="This question is required; please answer it.",
                )
            )
    if problems:
        raise AnswersInvalid(problems)
    if not rows:
        raise AnswersInvalid(
            [
                AnswerProblem(
                    path="answers",
                    item=None,
                    target=None,
                    message="Answer at least one question before sending.",
                )
            ]
        )
    return rows


# --- finding the invitation -----------------------------------------------------------------


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a one-time link carries, found by the token's hash."""
    token = (token or "").strip()
    if not token or len(token) > TOKEN_MAX:
        return None
    return (
        Invitation.objects.select_related(
            "workspace",
            "cycle",
            "cycle__workspace",
            "cycle__version",
            "cycle__version__instrument",
            "cycle__partnership",
            "person",
            "function",
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def cycle_open_require(cycle: Cycle, now: datetime.datetime | None = None) -> None:
    """SurveyNotOpen with a message people can act on unless the cycle takes answers now."""
    now = now or timezone.now()
    if cycle.status == Cycle.Status.CLOSED or (
        cycle.status == Cycle.Status.OPEN and now >= cycle.closes_at
    ):
        closed = timezone.localtime(cycle.closes_at).strftime("%-d %B %Y")
        raise SurveyNotOpen(
            f"This survey closed on {closed}, so it no longer takes answers. Thank you for "
            "wanting to take part.",
            closed=True,
        )
    if cycle.status == Cycle.Status.DRAFT or now < cycle.opens_at:
        opens = timezone.localtime(cycle.opens_at).strftime("%-d %B %Y")
        raise SurveyNotOpen(
            f"This survey is not open yet; it opens on {opens}. Your link will work then.",
            closed=False,
        )


# --- the response ---------------------------------------------------------------------------


def response_submit(
    *,
    invitation: Invitation,
    answers: Iterable[AnswerInput],
    now: datetime.datetime | None = None,
) -> None:
    """Store one anonymous response for the invitation.

    Refuses (AlreadyAnswered) a second response, (SurveyNotOpen) a cycle that does not take
    answers now, and (AnswersInvalid) answers that break a rule. Returns nothing: the
    response's id is not handed back to the person or anyone else.
    """
    now = now or timezone.now()
    cycle = invitation.cycle
    if invitation.responded:
        raise AlreadyAnswered()
    cycle_open_require(cycle, now)
    items = cycle_items(cycle=cycle)
    targets = respondent_targets(
        cycle=cycle,
        functions=cycle_target_functions(cycle=cycle),
        own_function_id=invitation.function_id,
    )
    rows = answers_clean(items=items, targets=targets, answers=answers)
    band = builtin.band_for(invitation.person.seniority if invitation.person_id else None)
    with transaction.atomic():
        if not Cycle.objects.filter(
            pk=cycle.pk, status=Cycle.Status.OPEN, opens_at__lte=now, closes_at__gt=now
        ).exists():
            # Closed between the check above and now.
            cycle.refresh_from_db(fields=["status", "opens_at", "closes_at"])
            cycle_open_require(cycle, now)
        try:
            with transaction.atomic():
                UsedToken.objects.create(
                    workspace_id=cycle.workspace_id,
                    cycle=cycle,
                    token_hash=invitation.token_hash,
                )
        except IntegrityError:
            raise AlreadyAnswered() from None
        Invitation.objects.filter(pk=invitation.pk).update(responded=True)
        response = Response.objects.create(
            workspace_id=cycle.workspace_id,
            cycle=cycle,
            function_id=invitation.function_id,
            band=band,
        )
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
    invitation.responded = True
