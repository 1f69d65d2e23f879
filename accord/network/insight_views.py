"""The network page (function-level figures for everyone, person-level lists for admins) and
its "Refresh now" button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.network.insight_selectors import (
    PERSON_LEVEL_NOTE,
    REFRESH_DENIED,
    network_can_admin,
    network_page,
)
from accord.workspaces.access import workspace_view


@login_required
@workspace_view("viewer")
def network_home(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    page = network_page(membership=membership, window=request.GET.get("window") or None)
    return render(
        request,
        "network/insight_home.html",
        {"page": page, "person_level_note": PERSON_LEVEL_NOTE},
    )


@login_required
@require_POST
@workspace_view("viewer")
def network_refresh(request: HttpRequest) -> HttpResponse:
    """Recompute the current window now (and fill in missing weekly history)."""
    from accord.network.snapshots import snapshots_refresh

    membership = request.membership  # type: ignore[attr-defined]
    if not network_can_admin(membership=membership):
        raise PermissionDenied(REFRESH_DENIED)
    taken = snapshots_refresh(workspace=membership.workspace, today=timezone.localdate())
    if taken:
        messages.success(
            request,
            f"Network snapshot recomputed ({len(taken)} window{'s' if len(taken) != 1 else ''}).",
        )
    else:
        messages.info(request, "Nothing to compute yet: no import has finished.")
    return redirect("network_home", membership.workspace.slug)
