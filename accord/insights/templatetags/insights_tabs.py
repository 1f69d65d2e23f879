from typing import Any

from django import template

from accord.insights.tabs import partnership_tabs, workspace_tabs

register = template.Library()


@register.inclusion_tag("insights/_tabs.html", takes_context=True)
def insights_tab_bar(context: Any) -> dict[str, Any]:
    """The workspace insights tabs: portfolio, playbook, reviews."""
    request = context["request"]
    return {
        "tabs": workspace_tabs(slug=context["workspace"].slug, path=request.path),
        "label": "Insights",
    }


@register.inclusion_tag("insights/_tabs.html", takes_context=True)
def partnership_insights_tab_bar(context: Any, partnership: Any) -> dict[str, Any]:
    """One partnership's insights tabs: health, voice, playbook, reviews."""
    request = context["request"]
    return {
        "tabs": partnership_tabs(
            slug=context["workspace"].slug, partnership=partnership.slug, path=request.path
        ),
        "label": f"{partnership.name} insights",
    }
