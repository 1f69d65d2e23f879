from typing import Any

from django import template

from accord.comms.tabs import comms_tabs

register = template.Library()


@register.inclusion_tag("comms/_tabs.html", takes_context=True)
def comms_tab_bar(context: Any) -> dict[str, Any]:
    request = context["request"]
    return {"tabs": comms_tabs(slug=context["workspace"].slug, path=request.path)}
