"""The workspace's metric catalog (shipped metrics plus its own) and its goal settings."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.goals import actions, selectors
from accord.goals.forms import GoalSettingsForm, MetricDefinitionForm, WorkspaceTensionForm
from accord.goals.models import Category, MetricDefinition
from accord.metrics.catalog import FUNCTIONS
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view

SOURCES = {"shipped": "Shipped with Accord", "workspace": "Added by this workspace"}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def metric_filters(params: QueryDict) -> selectors.MetricFilters:
    category = params.get("category", "")
    function = params.get("function", "")
    source = params.get("source", "")
    return selectors.MetricFilters(
        q=params.get("q", "").strip()[:100],
        category=category if category in Category.values else "",
        function=function if function in FUNCTIONS else "",
        source=source if source in SOURCES else "",
    )


def _tension_rows(found: selectors.WorkspaceCatalog) -> list[dict[str, Any]]:
    catalog = found.catalog
    rows = []
    for tension in found.tensions:
        a, b = catalog.metric_get(tension.metric_a), catalog.metric_get(tension.metric_b)
        rows.append(
            {
                "tension": tension,
                "a_name": a.name if a else tension.metric_a,
                "b_name": b.name if b else tension.metric_b,
            }
        )
    return rows


@login_required
@workspace_view("viewer")
def metric_catalog(request: HttpRequest) -> HttpResponse:
    """Every metric goals and KPIs can use: shipped ones and the workspace's own."""
    membership = request.membership  # type: ignore[attr-defined]
    workspace = membership.workspace
    filters = metric_filters(request.GET)
    found = selectors.workspace_catalog_get(workspace)
    rows = selectors.metric_list(workspace=workspace, filters=filters)
    context: dict[str, Any] = {
        "rows": rows,
        "filters": filters,
        "total": len(found.catalog.metrics),
        "can_admin": membership.can_admin,
        "tab": "catalog",
    }
    if _is_htmx(request):
        template = "goals/metric_catalog.html#results"
    else:
        template = "goals/metric_catalog.html"
        context.update(
            categories=Category.choices,
            functions=sorted(FUNCTIONS.items(), key=lambda item: item[1]),
            sources=SOURCES.items(),
            tensions=_tension_rows(found),
            skipped=found.skipped,
            added=len(found.metrics),
        )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _metric_form_page(
    request: HttpRequest,
    form: MetricDefinitionForm,
    *,
    metric: MetricDefinition | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "goals/metric_form.html",
        {"form": form, "metric": metric, "tab": "catalog"},
        status=status,
    )


@login_required
@workspace_view("admin")
def metric_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    form = MetricDefinitionForm(request.POST or None)
    if request.method != "POST":
        return _metric_form_page(request, form)
    if form.is_valid():
        try:
            created = actions.metric_definition_create(
                membership=membership, **form.metric_fields()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Added {created.name} to the catalog.")
            return redirect("metric_catalog", membership.workspace.slug)
    return _metric_form_page(request, form, status=422)


@login_required
@workspace_view("admin")
def metric_edit(request: HttpRequest, key: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    metric = selectors.metric_definition_get(workspace=membership.workspace, key=key)
    if request.method != "POST":
        form = MetricDefinitionForm(initial=MetricDefinitionForm.initial_for(metric), metric=metric)
        return _metric_form_page(request, form, metric=metric)
    form = MetricDefinitionForm(
        request.POST, initial=MetricDefinitionForm.initial_for(metric), metric=metric
    )
    status = 422
    if form.is_valid():
        fields = form.metric_fields()
        fields.pop("key", None)
        try:
            actions.metric_definition_update(
                membership=membership,
                metric=metric,
                expected_version=form.cleaned_data["expected_version"],
                **fields,
            )
        except actions.StaleVersion as stale:
            form.add_error(
                None,
                f"Someone else changed this metric (now version {stale.current}). Reload the "
                "page to see their changes, then edit again.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved changes to {metric.name}.")
            return redirect("metric_catalog", membership.workspace.slug)
    return _metric_form_page(request, form, metric=metric, status=status)


@login_required
@require_POST
@workspace_view("admin")
def metric_delete(request: HttpRequest, key: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    metric = selectors.metric_definition_get(workspace=membership.workspace, key=key)
    name = metric.name
    try:
        removed = actions.metric_definition_delete(membership=membership, metric=metric)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        with_tensions = f" and {removed} tension{'s' if removed != 1 else ''}" if removed else ""
        messages.success(
            request,
            f"Removed {name}{with_tensions} from the catalog. Goals and KPIs that used it keep "
            "its key and name.",
        )
    return redirect("metric_catalog", membership.workspace.slug)


def _tension_form_page(
    request: HttpRequest, form: WorkspaceTensionForm, *, status: int = 200
) -> HttpResponse:
    from accord.goals.catalog import catalog_metrics

    workspace = request.membership.workspace  # type: ignore[attr-defined]
    return render(
        request,
        "goals/tension_form.html",
        {"form": form, "catalog": catalog_metrics(workspace=workspace), "tab": "catalog"},
        status=status,
    )


@login_required
@workspace_view("admin")
def tension_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    form = WorkspaceTensionForm(request.POST or None, initial=_tension_initial(request.GET))
    if request.method != "POST":
        return _tension_form_page(request, form)
    if form.is_valid():
        try:
            actions.tension_create(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Tension added; conflict checks use it from now on.")
            return redirect("metric_catalog", membership.workspace.slug)
    return _tension_form_page(request, form, status=422)


def _tension_initial(params: QueryDict) -> dict[str, str]:
    return {"metric_a": params.get("a", "")[:60]}


@login_required
@require_POST
@workspace_view("admin")
def tension_delete(request: HttpRequest, tension: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = selectors.tension_get(workspace=membership.workspace, uuid=tension)
    actions.tension_delete(membership=membership, tension=found)
    messages.success(request, "Tension removed.")
    return redirect("metric_catalog", membership.workspace.slug)


@login_required
@workspace_view("viewer")
def goal_settings(request: HttpRequest) -> HttpResponse:
    """The status bands: everyone sees them (they explain every status); admins change them."""
    membership = request.membership  # type: ignore[attr-defined]
    settings = selectors.goal_settings_get(membership.workspace)
    status = 200
    if request.method == "POST":
        if not membership.can_admin:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Only workspace admins can change the status bands.")
        form = GoalSettingsForm(request.POST)
        if form.is_valid():
            try:
                actions.goal_settings_update(
                    membership=membership,
                    on_track=form.cleaned_data["on_track"],
                    at_risk=form.cleaned_data["at_risk"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except actions.StaleVersion as stale:
                form.add_error(
                    None,
                    f"Someone else changed the bands (now version {stale.current}). Reload the "
                    "page to see them, then save again.",
                )
                status = 409
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "Status bands saved; every goal's status uses them now.")
                return redirect("goal_settings", membership.workspace.slug)
        if status == 200:
            status = 422
    else:
        form = GoalSettingsForm(initial=GoalSettingsForm.initial_for(settings))
    return render(
        request,
        "goals/goal_settings.html",
        {
            "form": form,
            "settings": settings,
            "can_admin": membership.can_admin,
            "on_track_percent": round(settings.on_track * 100),
            "at_risk_percent": round(settings.at_risk * 100),
            "tab": "settings",
        },
        status=status,
    )
