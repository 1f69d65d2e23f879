"""Action item pages, mounted under /w/<workspace slug>/actions/."""

from django.urls import path

from accord.governance import action_views as views

urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("mine/", views.my_actions, name="my_actions"),
    path("new/", views.action_create, name="action_create"),
    path("<uuid:action_item>/", views.action_detail, name="action_detail"),
    path("<uuid:action_item>/edit/", views.action_edit, name="action_edit"),
    path("<uuid:action_item>/delete/", views.action_delete, name="action_delete"),
    path("<uuid:action_item>/status/", views.action_status, name="action_status"),
    path("<uuid:action_item>/comments/", views.action_comment_add, name="action_comment_add"),
]
