"""RACI pages, mounted under /w/<workspace slug>/partnerships/<partnership slug>/raci/."""

from django.urls import path

from accord.governance import raci_views as views

urlpatterns = [
    path("", views.raci_matrix, name="raci_matrix"),
    path("cells/", views.raci_cells_save, name="raci_cells_save"),
    path("load/", views.raci_load, name="raci_load"),
    path("deliverables/new/", views.raci_deliverable_create, name="raci_deliverable_create"),
    path(
        "deliverables/<uuid:deliverable>/",
        views.raci_deliverable_edit,
        name="raci_deliverable_edit",
    ),
    path(
        "deliverables/<uuid:deliverable>/delete/",
        views.raci_deliverable_delete,
        name="raci_deliverable_delete",
    ),
    path("export.<slug:fmt>", views.raci_export, name="raci_export"),
    path("import/", views.raci_import, name="raci_import"),
    path("import/apply/", views.raci_import_apply, name="raci_import_apply"),
]
