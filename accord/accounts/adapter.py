from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCORD_ALLOW_SIGNUP)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        from django.urls import reverse

        from accord.sso.selectors import PROVIDER_PREFIX, VERIFIED_SESSION_KEY
        from accord.workspaces.selectors import landing_url_for

        # A workspace's identity provider just vouched for this person (a sign-in started at
        # allauth's own endpoint carries no "next"): finish it, so the person joins.
        provider_id = str((request.session.get(VERIFIED_SESSION_KEY) or {}).get("provider_id", ""))
        if provider_id.startswith(PROVIDER_PREFIX):
            return reverse("sso_complete", args=[provider_id.removeprefix(PROVIDER_PREFIX)])
        return landing_url_for(request)
