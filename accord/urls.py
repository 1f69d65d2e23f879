from django.urls import include, path

from accord.api.api import api
from accord.governance.settings_views import governance_settings

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("accord.web.urls")),
    path("", include("accord.workspaces.urls")),
    path("w/<slug:ws>/", include("accord.org.urls")),
    path("w/<slug:ws>/partnerships/", include("accord.partnerships.urls")),
    path("w/<slug:ws>/goals/", include("accord.goals.urls")),
    path(
        "w/<slug:ws>/partnerships/<slug:partnership>/raci/",
        include("accord.governance.urls_raci"),
    ),
    path("w/<slug:ws>/actions/", include("accord.governance.urls_actions")),
    path("w/<slug:ws>/decisions/", include("accord.governance.urls_decisions")),
    path("w/<slug:ws>/conflicts/", include("accord.governance.urls_conflicts")),
    path(
        "w/<slug:ws>/settings/governance/",
        governance_settings,
        name="governance_settings",
    ),
    path("w/<slug:ws>/settings/tokens/", include("accord.api.urls")),
]
