"""The partnership health page (score, components, history) with its "Refresh now" button,
and the workspace's health index settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.insights.health import (
    InsightSettingsConflict,
    insight_settings_get,
    insight_settings_update,
)
from accord.insights.health_forms import InsightSettingsForm, weight_field_name
from accord.insights.health_selectors import (
    REFRESH_DENIED,
    health_can_refresh,
    health_page,
    insight_settings_rows,
)
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import workspace_view


@login_required
@workspace_view("viewer")
def health_detail(request: HttpRequest, partnership: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = partnership_get(membership=membership, slug=partnership)
    page = health_page(partnership=found, today=timezone.localdate())
    return render(
        request,
        "insights/health_detail.html",
        {
            "partnership": found,
            "page": page,
            "chart": page.chart(),
            "can_refresh": health_can_refresh(membership=membership, partnership=found),
        },
    )


@login_required
@require_POST
@workspace_view("member")
def health_refresh(request: HttpRequest, partnership: str) -> HttpResponse:
    """Take today's snapshot of this partnership now (and refresh its playbook)."""
    from accord.insights.refresh import insights_refresh

    membership = request.membership  # type: ignore[attr-defined]
    found = partnership_get(membership=membership, slug=partnership)
    if not health_can_refresh(membership=membership, partnership=found):
        raise PermissionDenied(REFRESH_DENIED)
    insights_refresh(
        workspace=membership.workspace, today=timezone.localdate(), partnerships=[found]
    )
    messages.success(request, f"Health index of {found.name} recomputed.")
    return redirect("health_detail", membership.workspace.slug, found.slug)


@login_required
@workspace_view("viewer")
def insight_settings(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    current = insight_settings_get(workspace=membership.workspace)
    rows = insight_settings_rows(current)
    initial = {weight_field_name(row.key): f"{row.weight:g}" for row in rows}
    initial["min_covered_share"] = f"{current.min_covered_share:g}"
    initial["decision_target_days"] = str(current.decision_target_days)
    form = InsightSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not membership.can_admin:
            raise PermissionDenied("Only admins and owners change the health index settings.")
        if form.is_valid():
            try:
                insight_settings_update(
                    membership=membership,
                    weights=form.weights(),
                    min_covered_share=form.cleaned_data["min_covered_share"].strip(),
                    decision_target_days=form.cleaned_data["decision_target_days"].strip(),
                    version=_version(request.POST.get("version")),
                )
            except ValidationError as error:
                form.add_action_errors(error.message_dict)
            except InsightSettingsConflict:
                form.add_error(
                    None,
                    "Someone changed these settings while you were editing; the form shows "
                    "your values — check them against the saved ones and save again.",
                )
                current = insight_settings_get(workspace=membership.workspace)
            else:
                messages.success(
                    request,
                    "Health index settings saved. Snapshots use them from the next refresh.",
                )
                return redirect("insight_settings", membership.workspace.slug)
    return render(
        request,
        "insights/settings_insights.html",
        {"form": form, "rows": rows, "current": current, "tab": "insights"},
        status=422 if form.errors else 200,
    )


def _version(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
