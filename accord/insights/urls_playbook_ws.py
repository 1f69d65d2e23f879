from django.urls import path

from accord.insights.pending import pending

urlpatterns = [
    path("", pending, name="playbook_catalog"),
]
