"""The survey overview: the open surveys I am invited to, then every cycle I can see."""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from accord.partnerships.selectors import partnership_visible_list
from accord.surveys import cycle_selectors as selectors
from accord.surveys.instrument_actions import builtins_ensure
from accord.surveys.instrument_selectors import instrument_choices
from accord.surveys.models import Cycle
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership

PAGE_SIZE = 50


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _filters(params: QueryDict) -> selectors.CycleFilters:
    status = params.get("status", "")
    return selectors.CycleFilters(
        status=status if status in Cycle.Status.values else None,
        partnership=params.get("partnership", "").strip()[:60] or None,
        instrument=_uuid_or_none(params.get("instrument")),
        search=params.get("q", "").strip()[:100],
    )


@login_required
@workspace_view("viewer")
def survey_home(request: HttpRequest) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    builtins_ensure(workspace=membership.workspace)
    filters = _filters(request.GET)
    cycles = selectors.cycle_list(membership=membership, filters=filters)
    page = Paginator(cycles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = filters.any()
    context: dict[str, Any] = {
        "cycles": selectors.cycle_rows(membership=membership, cycles=page),
        "page_obj": page,
        "query_without_page": f"{query.urlencode()}&" if query else "",
        "filters": filters,
        "filtered": filtered,
        "none_yet": not filtered and not page.paginator.count,
        "now": timezone.now(),
    }
    if _is_htmx(request):
        template = "surveys/home.html#results"
    else:
        template = "surveys/home.html"
        context["invitations"] = list(selectors.my_invitation_list(membership=membership))
        context["can_create"] = selectors.cycle_can_create_any(membership=membership)
        context["partnerships"] = list(
            partnership_visible_list(membership=membership).only("slug", "name").order_by("name")
        )
        context["instruments"] = list(instrument_choices(membership=membership))
        context["statuses"] = Cycle.Status.choices
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
