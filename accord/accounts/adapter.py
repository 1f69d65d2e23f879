from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCORD_ALLOW_SIGNUP)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        from accord.workspaces.selectors import landing_url_for

        return landing_url_for(request)
