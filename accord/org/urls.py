"""Directory pages, mounted under /w/<workspace slug>/."""

from django.urls import path

from accord.org import views

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/chart/", views.org_chart, name="org_chart"),
    path("people/export.<slug:fmt>", views.person_export, name="person_export"),
    path("people/import/", views.person_import, name="person_import"),
    path(
        "people/import/template.csv",
        views.person_import_template,
        name="person_import_template",
    ),
    path(
        "people/import/<uuid:batch>/",
        views.person_import_preview,
        name="person_import_preview",
    ),
    path(
        "people/import/<uuid:batch>/apply/",
        views.person_import_apply,
        name="person_import_apply",
    ),
    path(
        "people/import/<uuid:batch>/status/",
        views.person_import_status,
        name="person_import_status",
    ),
    path("people/<uuid:person>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:person>/delete/", views.person_delete, name="person_delete"),
    path("functions/", views.function_list, name="function_list"),
    path("functions/new/", views.function_create, name="function_create"),
    path("functions/<uuid:function>/", views.function_detail, name="function_detail"),
    path("functions/<uuid:function>/edit/", views.function_edit, name="function_edit"),
    path("functions/<uuid:function>/delete/", views.function_delete, name="function_delete"),
]
