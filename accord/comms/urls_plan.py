"""Communication plan pages of a partnership, mounted under
/w/<workspace slug>/partnerships/<partnership slug>/communication/."""

from django.urls import path

from accord.comms import plan_views as views

urlpatterns = [
    path("", views.comm_plan, name="comm_plan"),
    path("channels/new/", views.comm_channel_create, name="comm_channel_create"),
    path("channels/<uuid:comm_channel>/edit/", views.comm_channel_edit, name="comm_channel_edit"),
    path(
        "channels/<uuid:comm_channel>/delete/",
        views.comm_channel_delete,
        name="comm_channel_delete",
    ),
    path("cadences/new/", views.cadence_create, name="cadence_create"),
    path("cadences/<uuid:cadence>/edit/", views.cadence_edit, name="cadence_edit"),
    path("cadences/<uuid:cadence>/delete/", views.cadence_delete, name="cadence_delete"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<uuid:contact>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<uuid:contact>/delete/", views.contact_delete, name="contact_delete"),
]
