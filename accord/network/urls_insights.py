from django.urls import path

from accord.network import insight_views

urlpatterns = [
    path("", insight_views.network_home, name="network_home"),
    path("refresh/", insight_views.network_refresh, name="network_refresh"),
]
