"""Numbers as people read them on goal and KPI pages: 15.5, 488,000, 12 %, 6.5 days."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def number(value: Any) -> str:
    """At most two decimals, no trailing zeros; thousands separated from 10,000 up."""
    if value is None or value == "":
        return "—"
    try:
        figure = float(value)
    except (TypeError, ValueError):
        return str(value)
    if abs(figure) >= 10_000:
        return f"{figure:,.0f}"
    text = f"{figure:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@register.filter
def measure(value: Any, unit: str = "") -> str:
    """A number with its unit: “%” sticks to the number, words get a space."""
    text = number(value)
    unit = (unit or "").strip()
    if not unit or text == "—" or unit in {"currency", "count", "score", "ratio"}:
        return text
    return f"{text}{unit}" if unit in {"%", "pp"} else f"{text} {unit}"
