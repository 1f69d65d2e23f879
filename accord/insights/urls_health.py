from django.urls import path

from accord.insights import health_views

urlpatterns = [
    path("", health_views.health_detail, name="health_detail"),
    path("refresh/", health_views.health_refresh, name="health_refresh"),
]
