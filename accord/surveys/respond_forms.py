"""The answer form: questions as the template shows them, and posted fields read back into
answers.

Field names: `q-<item key>` for one answer, `q-<item key>@<function id>` for a coordination
rating of one function, `q-<item key>` repeated for multiple choice, `trend-<item key>` for a
health check trend. Values are option positions (1-based), 0–10 numbers or text.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from accord.org.models import Function
from accord.surveys import instruments as builtin
from accord.surveys.models import Item, ItemKind
from accord.surveys.respond_actions import AnswerInput, AnswerProblem

SKIP = ""


@dataclass
class OptionView:
    position: int
    label: str
    checked: bool = False
    vote: str = ""  # health check: green / yellow / red
    vote_label: str = ""


@dataclass
class TargetRow:
    function: Function
    name: str
    options: list[OptionView]
    skipped: bool = False
    error: str = ""


@dataclass
class QuestionView:
    number: int
    item: Item
    name: str
    options: list[OptionView] = field(default_factory=list)
    rows: list[TargetRow] = field(default_factory=list)
    value: str = ""
    text: str = ""
    trend_name: str = ""
    trends: list[OptionView] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.item.kind)

    @property
    def scale_values(self) -> list[OptionView]:
        return [
            OptionView(position=number, label=str(number), checked=self.value == str(number))
            for number in range(11)
        ]


def field_name(item: Item, function: Function | None = None) -> str:
    return f"q-{item.key}@{function.uuid}" if function is not None else f"q-{item.key}"


def trend_name(item: Item) -> str:
    return f"trend-{item.key}"


def _int(text: str | None) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def _position(text: str | None) -> int | str | None:
    """An option position, None when skipped, or the raw text when it is not a number (the
    rules then report it)."""
    if text is None or str(text).strip() == SKIP:
        return None
    number = _int(text)
    return number if number is not None else str(text)


def answers_from_post(
    *, items: Sequence[Item], targets: Sequence[Function], data: QueryDict
) -> list[AnswerInput]:
    """Read the posted fields into answers (unknown fields are ignored)."""
    answers: list[AnswerInput] = []
    for item in items:
        kind = item.kind
        if kind == ItemKind.COORDINATION:
            for function in targets:
                raw = _position(data.get(field_name(item, function)))
                if raw is None:
                    continue
                answers.append(
                    AnswerInput(
                        item=item.key,
                        target=str(function.uuid),
                        position=raw if isinstance(raw, int) else -1,
                    )
                )
        elif kind in (ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.HEALTH):
            raw = _position(data.get(field_name(item)))
            trend = (data.get(trend_name(item)) or "").strip() if kind == ItemKind.HEALTH else ""
            if raw is None and not trend:
                continue
            answers.append(
                AnswerInput(
                    item=item.key,
                    position=None if raw is None else (raw if isinstance(raw, int) else -1),
                    trend=trend or None,
                )
            )
        elif kind == ItemKind.SCALE_0_10:
            raw = _position(data.get(field_name(item)))
            if raw is None:
                continue
            answers.append(AnswerInput(item=item.key, value=raw if isinstance(raw, int) else -1))
        elif kind == ItemKind.MULTIPLE:
            picks = [_int(value) for value in data.getlist(field_name(item))]
            if picks:
                answers.append(
                    AnswerInput(
                        item=item.key, choices=tuple(p if p is not None else -1 for p in picks)
                    )
                )
        elif kind == ItemKind.TEXT:
            text = data.get(field_name(item)) or ""
            if text.strip():
                answers.append(AnswerInput(item=item.key, text=text))
    return answers


def _options(item: Item, selected: set[str]) -> list[OptionView]:
    views = []
    for position, label in enumerate(item.options or [], start=1):
        view = OptionView(position=position, label=str(label), checked=str(position) in selected)
        if item.kind == ItemKind.HEALTH and position <= len(builtin.HEALTH_VOTES):
            view.vote = builtin.HEALTH_VOTES[position - 1]
            view.vote_label = builtin.HEALTH_VOTE_LABELS[view.vote]
        views.append(view)
    return views


def questions_build(
    *,
    items: Sequence[Item],
    targets: Sequence[Function],
    data: Mapping[str, Any] | QueryDict | None = None,
    problems: Sequence[AnswerProblem] = (),
) -> list[QuestionView]:
    """The questions in display order, with what was posted (on a re-render) and each
    problem placed on its question, or its function's row."""
    posted: Any = data if data is not None else QueryDict()
    by_item: dict[str, list[AnswerProblem]] = {}
    for problem in problems:
        if problem.item:
            by_item.setdefault(problem.item, []).append(problem)
    views = []
    for number, item in enumerate(items, start=1):
        name = field_name(item)
        view = QuestionView(number=number, item=item, name=name)
        item_problems = by_item.get(item.key, [])
        if item.kind == ItemKind.COORDINATION:
            for function in targets:
                row_name = field_name(item, function)
                chosen = posted.get(row_name)
                row = TargetRow(
                    function=function,
                    name=row_name,
                    options=_options(item, {str(chosen)} if chosen else set()),
                    skipped=chosen == SKIP and row_name in posted,
                )
                row.error = " ".join(
                    p.message for p in item_problems if p.target == str(function.uuid)
                )
                view.rows.append(row)
            view.errors = [p.message for p in item_problems if p.target is None]
        else:
            if item.kind == ItemKind.MULTIPLE and hasattr(posted, "getlist"):
                selected = set(posted.getlist(name))
            else:
                selected = {str(posted.get(name))} if posted.get(name) is not None else set()
            view.options = _options(item, selected)
            view.value = str(posted.get(name) or "")
            view.text = str(posted.get(name) or "") if item.kind == ItemKind.TEXT else ""
            view.errors = [p.message for p in item_problems]
            if item.kind == ItemKind.HEALTH:
                view.trend_name = trend_name(item)
                current = str(posted.get(view.trend_name) or "")
                view.trends = [
                    OptionView(
                        position=number,
                        label=builtin.HEALTH_TREND_LABELS[trend],
                        checked=current == trend,
                        vote=trend,
                    )
                    for number, trend in enumerate(builtin.HEALTH_TRENDS, start=1)
                ]
        views.append(view)
    return views


def form_problems(problems: Sequence[AnswerProblem]) -> list[str]:
    """Problems that belong to no question (e.g. nothing answered at all)."""
    return [problem.message for problem in problems if not problem.item]
