"""Survey pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.workspaces.access import workspace_view


@workspace_view("viewer")
def survey_home(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/home.html", {})
