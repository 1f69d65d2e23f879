"""The metric catalog as goals and KPIs use it: a thin adapter over accord.metrics.catalog.

The pure catalog speaks in its own words (good direction "up"/"down", short categories); this
module maps them onto the goal models' choices, and degrades to "no catalog" while the
catalog module is not installed, so goal pages keep working. Given a workspace, every
function answers from the shipped catalog extended by that workspace's own metrics
(selectors.workspace_catalog); without one, from the shipped catalog alone.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from accord.goals.models import Category, Direction
from accord.workspaces.models import Workspace

_DIRECTIONS = {
    "increase": Direction.INCREASE,
    "up": Direction.INCREASE,
    "higher": Direction.INCREASE,
    "higher_is_better": Direction.INCREASE,
    "decrease": Direction.DECREASE,
    "down": Direction.DECREASE,
    "lower": Direction.DECREASE,
    "lower_is_better": Direction.DECREASE,
    "maintain": Direction.MAINTAIN,
    "range": Direction.RANGE,
    "target": Direction.RANGE,
}
_CATEGORIES = {
    "efficiency": Category.EFFICIENCY,
    "customer": Category.CUSTOMER,
    "customer satisfaction": Category.CUSTOMER,
    "customer_satisfaction": Category.CUSTOMER,
    "revenue": Category.REVENUE,
    "revenue growth": Category.REVENUE,
    "revenue_growth": Category.REVENUE,
    "growth": Category.REVENUE,
    "quality": Category.QUALITY,
    "cost": Category.COST,
    "people": Category.PEOPLE,
    "speed": Category.SPEED,
}


@dataclass(frozen=True)
class CatalogMetric:
    key: str
    name: str
    unit: str
    direction: str
    category: str
    source: str = "shipped"


def _text(value: Any) -> str:
    return str(getattr(value, "value", value) or "")


def _adapt(metric: Any) -> CatalogMetric:
    direction = _text(
        getattr(metric, "good_direction", None) or getattr(metric, "direction", None)
    ).lower()
    category = _text(getattr(metric, "category", "")).lower()
    return CatalogMetric(
        key=_text(getattr(metric, "key", "")),
        name=_text(getattr(metric, "name", "")) or _text(getattr(metric, "key", "")),
        unit=_text(getattr(metric, "unit", ""))[:20],
        direction=str(_DIRECTIONS.get(direction, Direction.INCREASE)),
        category=str(_CATEGORIES.get(category, Category.EFFICIENCY)),
        source=_text(getattr(metric, "source", "shipped")) or "shipped",
    )


@cache
def _shipped_catalog() -> Any:
    try:
        from accord.metrics.catalog import catalog_load  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return catalog_load()


def _catalog(workspace: Workspace | None = None) -> Any:
    if workspace is None or _shipped_catalog() is None:
        return _shipped_catalog()
    from accord.goals.selectors import workspace_catalog

    return workspace_catalog(workspace)


def catalog_metrics(*, workspace: Workspace | None = None) -> list[CatalogMetric]:
    """Every catalog metric (with the workspace's own, when given), by name."""
    catalog = _catalog(workspace)
    if catalog is None:
        return []
    metrics = getattr(catalog, "metrics", None)
    if callable(metrics):
        metrics = metrics()
    if isinstance(metrics, dict):
        metrics = list(metrics.values())
    return sorted((_adapt(m) for m in metrics or []), key=lambda m: m.name.lower())


def catalog_metric(key: str, *, workspace: Workspace | None = None) -> CatalogMetric | None:
    catalog = _catalog(workspace)
    if catalog is None or not key:
        return None
    try:
        metric = catalog.metric_get(key)
    except (KeyError, LookupError):
        return None
    return _adapt(metric) if metric is not None else None


def catalog_match(text: str, *, workspace: Workspace | None = None) -> CatalogMetric | None:
    """The catalog metric a goal's text talks about, if any."""
    catalog = _catalog(workspace)
    if catalog is None or not text.strip():
        return None
    try:
        found = catalog.metric_match(text)
    except (KeyError, LookupError, ValueError):
        return None
    if isinstance(found, list | tuple):
        found = found[0] if found else None
    if found is not None and hasattr(found, "metric"):
        found = found.metric
    return _adapt(found) if found is not None else None
