"""Partnership pages, mounted under /w/<workspace slug>/partnerships/."""

from django.urls import path

from accord.org import person_picker
from accord.partnerships import views

urlpatterns = [
    path("", views.partnership_list, name="partnership_list"),
    path("new/", views.partnership_create, name="partnership_create"),
    # Two segments: no partnership slug's pages can clash with it.
    path("people/pick/", person_picker.person_pick, name="partnership_person_pick"),
    path("<slug:partnership>/", views.partnership_detail, name="partnership_detail"),
    path("<slug:partnership>/settings/", views.partnership_edit, name="partnership_edit"),
    path("<slug:partnership>/delete/", views.partnership_delete, name="partnership_delete"),
    path("<slug:partnership>/status/", views.partnership_status, name="partnership_status"),
    path(
        "<slug:partnership>/charter/<slug:section>/",
        views.charter_section,
        name="partnership_charter_section",
    ),
    path(
        "<slug:partnership>/charter/<slug:section>/edit/",
        views.charter_section_edit,
        name="partnership_charter_edit",
    ),
    path("<slug:partnership>/members/", views.member_add, name="partnership_member_add"),
    path(
        "<slug:partnership>/members/<uuid:partnership_member>/",
        views.member_update,
        name="partnership_member_update",
    ),
    path(
        "<slug:partnership>/members/<uuid:partnership_member>/remove/",
        views.member_remove,
        name="partnership_member_remove",
    ),
]
