"""Status update pages, mounted under /w/<workspace slug>/updates/."""

from django.urls import path

from accord.comms import update_views as views

urlpatterns = [
    path("", views.update_feed, name="update_feed"),
    path("new/", views.update_create, name="update_create"),
    path("needs-me/", views.update_needs_me, name="update_needs_me"),
    path("asks/", views.update_open_asks, name="update_open_asks"),
    path("asks/<uuid:ask>/answer/", views.update_ask_answer, name="update_ask_answer"),
    path("<uuid:status_update>/", views.update_detail, name="update_detail"),
    path("<uuid:status_update>/edit/", views.update_edit, name="update_edit"),
    path("<uuid:status_update>/delete/", views.update_delete, name="update_delete"),
    path(
        "<uuid:status_update>/acknowledge/",
        views.update_acknowledge,
        name="update_acknowledge",
    ),
    path(
        "<uuid:status_update>/comments/",
        views.update_comment_add,
        name="update_comment_add",
    ),
]
