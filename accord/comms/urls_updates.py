"""Status update pages, mounted under /w/<workspace slug>/updates/."""

from django.urls import path

from accord.comms import update_views as views

urlpatterns = [
    path("", views.update_feed, name="update_feed"),
]
