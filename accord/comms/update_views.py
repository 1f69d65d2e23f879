"""Status update pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.workspaces.access import workspace_view


@workspace_view("viewer")
def update_feed(request: HttpRequest) -> HttpResponse:
    return render(request, "comms/update_feed.html", {})
