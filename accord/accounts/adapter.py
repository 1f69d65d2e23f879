from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


def _sso_finish_url(request: HttpRequest) -> str | None:
    """Where to finish a sign-in a workspace's identity provider just vouched for.

    A sign-in started at allauth's own endpoint carries no "next"; this sends it through
    Accord's finishing page all the same, so the person joins the workspace.
    """
    from django.urls import reverse

    from accord.sso.selectors import PROVIDER_PREFIX, VERIFIED_SESSION_KEY

    provider_id = str((request.session.get(VERIFIED_SESSION_KEY) or {}).get("provider_id", ""))
    if not provider_id.startswith(PROVIDER_PREFIX):
        return None
    return reverse("sso_complete", args=[provider_id.removeprefix(PROVIDER_PREFIX)])


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCORD_ALLOW_SIGNUP)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        from accord.workspaces.selectors import landing_url_for

        return _sso_finish_url(request) or landing_url_for(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return _sso_finish_url(request) or str(super().get_signup_redirect_url(request))
