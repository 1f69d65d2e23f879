from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accord.web.selectors import dashboard_for_you, dashboard_summary
from accord.workspaces.access import workspace_view
from accord.workspaces.selectors import landing_url_for


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    return redirect(landing_url_for(request))


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the hashed static name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("accord/favicon.svg"))


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Database and worker-queue checks for load balancers and monitoring: 200 when all are
    ok, 503 otherwise; `?only=database` runs just the named checks (comma-separated)."""
    from accord.ops.health import health_report

    only = request.GET.get("only")
    report = health_report(only={name.strip() for name in only.split(",")} if only else None)
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@login_required
@workspace_view("viewer")
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    summary = dashboard_summary(membership=membership)
    for_you = dashboard_for_you(membership=membership, now=timezone.now())
    return render(request, "web/dashboard.html", {"summary": summary, "for_you": for_you})
