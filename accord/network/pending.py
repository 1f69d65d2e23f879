"""Placeholder view for network pages under construction (removed when each area lands)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def pending(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("Not built yet.")
