from django.urls import path

from accord.insights import health_views

urlpatterns = [
    path("", health_views.insight_settings, name="insight_settings"),
]
