from django.urls import path

from accord.insights import playbook_views as views

urlpatterns = [
    path("", views.playbook_catalog, name="playbook_catalog"),
]
