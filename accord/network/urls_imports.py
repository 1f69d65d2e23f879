"""Network import pages, mounted under /w/<workspace slug>/network/imports/ (admins only)."""

from django.urls import path

from accord.network import import_views as views

urlpatterns = [
    path("", views.network_imports, name="network_imports"),
    path("identities/", views.network_identities, name="network_identities"),
    path(
        "identities/<uuid:identity>/",
        views.network_identity_update,
        name="network_identity_update",
    ),
    path("settings/", views.network_settings, name="network_settings"),
    path("<uuid:network_import>/", views.network_import_detail, name="network_import_detail"),
    path(
        "<uuid:network_import>/cancel/",
        views.network_import_cancel,
        name="network_import_cancel",
    ),
]
