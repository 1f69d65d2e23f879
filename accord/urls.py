from django.urls import include, path

from accord.api.api import api
from accord.governance.settings_views import governance_settings

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("accord.web.urls")),
    path("", include("accord.workspaces.urls")),
    path("", include("accord.sso.urls")),
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
    path(
        "w/<slug:ws>/partnerships/<slug:partnership>/communication/",
        include("accord.comms.urls_plan"),
    ),
    path("w/<slug:ws>/communication/", include("accord.comms.urls_profiles")),
    path("w/<slug:ws>/updates/", include("accord.comms.urls_updates")),
    path("w/<slug:ws>/meetings/", include("accord.comms.urls_meetings")),
    path("calendar/", include("accord.comms.urls_calendar")),
    path("w/<slug:ws>/feedback/", include("accord.comms.urls_feedback")),
    path("w/<slug:ws>/kudos/", include("accord.comms.urls_kudos")),
    path("w/<slug:ws>/ideas/", include("accord.comms.urls_ideas")),
    path("w/<slug:ws>/knowledge/", include("accord.comms.urls_knowledge")),
    path("w/<slug:ws>/notifications/", include("accord.notifications.urls")),
    path("notifications/", include("accord.notifications.urls_public")),
    path("w/<slug:ws>/surveys/results/", include("accord.surveys.urls_results")),
    path("w/<slug:ws>/surveys/", include("accord.surveys.urls")),
    path("survey/", include("accord.surveys.urls_public")),
    path("w/<slug:ws>/insights/", include("accord.insights.urls_portfolio")),
    path("w/<slug:ws>/playbook/", include("accord.insights.urls_playbook_ws")),
    path("w/<slug:ws>/reviews/", include("accord.insights.urls_reviews_ws")),
    path("w/<slug:ws>/reports/", include("accord.insights.urls_reports_ws")),
    path("w/<slug:ws>/network/imports/", include("accord.network.urls_imports")),
    path("w/<slug:ws>/network/", include("accord.network.urls_insights")),
    path("w/<slug:ws>/settings/insights/", include("accord.insights.urls_settings")),
    path(
        "w/<slug:ws>/partnerships/<slug:partnership>/health/",
        include("accord.insights.urls_health"),
    ),
    path(
        "w/<slug:ws>/partnerships/<slug:partnership>/voice/",
        include("accord.insights.urls_equity"),
    ),
    path(
        "w/<slug:ws>/partnerships/<slug:partnership>/playbook/",
        include("accord.insights.urls_playbook"),
    ),
    path(
        "w/<slug:ws>/partnerships/<slug:partnership>/reviews/",
        include("accord.insights.urls_reviews"),
    ),
]
