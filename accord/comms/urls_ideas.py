"""Idea pages, mounted under /w/<workspace slug>/ideas/."""

from django.urls import path

from accord.comms import idea_views as views

urlpatterns = [
    path("", views.idea_list, name="idea_list"),
    path("new/", views.idea_create, name="idea_create"),
    path("<uuid:idea>/", views.idea_detail, name="idea_detail"),
    path("<uuid:idea>/edit/", views.idea_edit, name="idea_edit"),
    path("<uuid:idea>/delete/", views.idea_delete, name="idea_delete"),
    path("<uuid:idea>/vote/", views.idea_vote, name="idea_vote"),
    path("<uuid:idea>/comments/", views.idea_comment_add, name="idea_comment_add"),
    path("<uuid:idea>/stage/", views.idea_stage, name="idea_stage"),
]
