"""Filters for the report templates."""

from django import template

from accord.insights.report_render import date_label

register = template.Library()


@register.filter
def report_date(value: str | None) -> str:
    """An ISO date from a pack ("2026-10-01") as "1 Oct 2026"; empty stays empty."""
    return date_label(value)
