"""Kudos pages and the workspace's values, mounted under /w/<workspace slug>/kudos/."""

from django.urls import path

from accord.comms import kudos_views as views

urlpatterns = [
    path("", views.kudos_list, name="kudos_list"),
    path("new/", views.kudos_create, name="kudos_create"),
    path("<uuid:kudos>/delete/", views.kudos_delete, name="kudos_delete"),
    path("values/", views.value_list, name="value_list"),
    path("values/new/", views.value_create, name="value_create"),
    path("values/<uuid:value>/edit/", views.value_edit, name="value_edit"),
    path("values/<uuid:value>/delete/", views.value_delete, name="value_delete"),
]
