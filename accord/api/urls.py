"""Token pages, mounted by accord/urls.py under /w/<ws>/settings/tokens/."""

from django.urls import path

from accord.api import views

urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("new/", views.token_create, name="token_create"),
    path("<uuid:token>/revoke/", views.token_revoke, name="token_revoke"),
]
