"""SMART coaching for goals: an adapter over accord.metrics.smart with the in-app context.

In the app, "relevant" passes only when the goal is linked: it has a parent objective, it
supports another goal, or its metric is one of its partnership's KPIs.
"""

import dataclasses
from datetime import date
from typing import Any


def smart_available() -> bool:
    try:
        import accord.metrics.smart  # noqa: F401
    except ImportError:
        return False
    return True


def goal_context(*, linked: bool, owner_count: int, **extra: Any) -> Any:
    """A GoalContext with the fields the assessor knows (unknown ones are dropped)."""
    from accord.metrics.smart import GoalContext  # type: ignore[import-not-found,unused-ignore]

    values: dict[str, Any] = {"linked": linked, "owner_count": owner_count, **extra}
    if dataclasses.is_dataclass(GoalContext):
        names = {f.name for f in dataclasses.fields(GoalContext)}
        values = {k: v for k, v in values.items() if k in names}
    return GoalContext(**values)


def smart_assess_text(text: str, *, today: date, context: Any = None) -> Any:
    from accord.metrics.smart import smart_assess  # type: ignore[import-not-found,unused-ignore]

    return smart_assess(text, today=today, context=context)


def smart_json(text: str, *, today: date, context: Any = None) -> Any:
    """The same JSON document as `accord smart --json` prints."""
    from accord.metrics.smart import (  # type: ignore[import-not-found,unused-ignore]
        assessment_json,
    )

    return assessment_json(smart_assess_text(text, today=today, context=context))
